#!/usr/bin/python3
"""Failure tests of frontline: a full disk while writing, truncated and
unreadable inputs, and `serve` under slow clients and too many connections.

Usage: /usr/bin/python3 test_failures.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  A full disk is a file-size limit (RLIMIT_FSIZE, with SIGXFSZ
ignored so that write() fails with EFBIG as on a full disk) set in the child
only, or /dev/full for stdout.  After a failed write: non-zero exit, a
message, the target absent or byte-identical to what it was, no temporary
left beside it, and the tracker's files unchanged.
"""
import glob
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

if len(sys.argv) != 3:
    sys.exit("usage: test_failures.py FRONTLINE_BINARY SOURCE_ROOT")
BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
KARABAKH = os.path.join(SRC, "geodata", "karabakh")
CLEAN = os.path.join(SRC, "tests", "fixtures", "check", "clean")
SERVE_CONNECTION_LIMIT = 512   # MHD_OPTION_CONNECTION_LIMIT in src/cli/cmd_serve.c

# the TAP registry and assertions shared with the other tool tests (fltest.py,
# beside this script); the runner below stays: it removes each test's folder with
# rmtree(ignore_errors), as tests here leave unreadable files behind on purpose
from fltest import TESTS, Failure, Skip, check, test  # noqa: E402


def env():
    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    return e


def run(args, cwd, fsize=None, stdout=subprocess.PIPE, timeout=300, prefix=()):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return subprocess.run(list(prefix) + [BIN] + list(args), cwd=cwd, env=env(), stdout=stdout,
                          stderr=subprocess.PIPE, timeout=timeout, text=True, preexec_fn=limit)


def tree_digest(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha1(fh.read()).hexdigest()
    return out


def commands():
    r = subprocess.run([BIN, "--help"], capture_output=True, text=True)
    return set(re.findall(r"^  ([a-z][a-z-]+)\s", r.stdout + r.stderr, re.M))


def tracker_copy(tmp, src=KARABAKH):
    t = os.path.join(tmp, "tracker")
    shutil.copytree(src, t)
    return t


def disk_full(tmp, args, target, fsize, prefill=True):
    """Run args with a file-size limit; the target must be untouched."""
    t = tracker_copy(tmp)
    before = tree_digest(t)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    path = os.path.join(out, target)
    if prefill:
        with open(path, "w") as f:
            f.write("previous content\n")
    r = run(["-d", t] + [a.replace("@", path) for a in args], cwd=tmp, fsize=fsize)
    check(r.returncode != 0, "exit 0 with a %d-byte file-size limit\n%s" % (fsize, r.stderr))
    check(r.stderr.strip(), "no message on stderr")
    check(not re.search(r"Sanitizer|Segmentation|core dumped", r.stderr), r.stderr)
    left = sorted(os.listdir(out))
    if prefill:
        check(left == [target], "left in the output folder: %s" % left)
        with open(path) as f:
            check(f.read() == "previous content\n", "%s was changed" % target)
    else:
        check(left == [], "left in the output folder: %s" % left)
    check(tree_digest(t) == before, "the tracker changed")
    return r


# -------------------------------------------------------------- disk full
@test("disk full during snapshot -o out.geojson: error, old file kept, no temporary")
def _(tmp):
    r = disk_full(tmp, ["snapshot", "--date", "2020-11-25", "-o", "@"], "out.geojson", 4096)
    check(re.search(r"out\.geojson|write|space|large", r.stderr, re.I), r.stderr)


@test("disk full during snapshot -o out.gpkg (GeoPackage): error, old file kept")
def _(tmp):
    disk_full(tmp, ["snapshot", "--date", "2020-11-25", "-o", "@"], "out.gpkg", 16384)


@test("disk full during snapshot -o new file: no file at all")
def _(tmp):
    disk_full(tmp, ["snapshot", "--date", "2020-11-25", "-o", "@"], "new.geojson", 4096,
              prefill=False)


@test("disk full during diff -o: error, old file kept")
def _(tmp):
    disk_full(tmp, ["diff", "2020-09-01", "2020-12-02", "-o", "@"], "d.geojson", 4096)


@test("disk full during render -o out.png: error, old file kept")
def _(tmp):
    disk_full(tmp, ["render", "--date", "2020-11-25", "--size", "400x300", "-o", "@"],
              "map.png", 4096)


@test("disk full during stats -o out.csv: error, old file kept")
def _(tmp):
    disk_full(tmp, ["stats", "--step", "month", "-o", "@"], "s.csv", 256)


@test("disk full during stats --chart out.svg: error, old file kept")
def _(tmp):
    disk_full(tmp, ["stats", "--step", "month", "--chart", "@"], "c.svg", 2048)


@test("disk full writing snapshot to stdout: non-zero exit and a message")
def _(tmp):
    with open("/dev/full", "w") as full:
        r = run(["-d", KARABAKH, "snapshot", "--date", "2020-11-25"], cwd=tmp, stdout=full)
    check(r.returncode != 0, "exit 0 writing to /dev/full")
    check(re.search(r"space|write", r.stderr, re.I), "message: %r" % r.stderr)


@test("disk full writing log to stdout: non-zero exit and a message")
def _(tmp):
    with open("/dev/full", "w") as full:
        r = run(["-d", KARABAKH, "log", "-f", "csv"], cwd=tmp, stdout=full)
    check(r.returncode != 0, "exit 0 writing to /dev/full")
    check(re.search(r"space|write", r.stderr, re.I), "message: %r" % r.stderr)


def read_fifo(path, out):
    with open(path, "rb") as f:
        out.append(f.read())


@test("-o naming a FIFO (and /dev/stdout): written into, never replaced by a plain file")
def _(tmp):
    fifo = os.path.join(tmp, "pipe.geojson")
    os.mkfifo(fifo)
    # snapshot (GDAL sink), stats (CSV), render (Cairo): each writes through the FIFO
    for args, fmt in ((["snapshot", "--date", "2020-11-25", "-o", fifo], "geojson"),
                      (["stats", "--step", "month", "-o", fifo], "csv"),
                      (["render", "--date", "2020-11-25", "-o", fifo + ".png"], "png")):
        target = args[-1]
        if target != fifo:
            os.mkfifo(target)
        got = []
        reader = threading.Thread(target=read_fifo, args=(target, got))
        reader.start()
        r = run(["-d", KARABAKH] + args, cwd=tmp)
        reader.join(60)
        check(r.returncode == 0, "%s: exit %d: %s" % (args[0], r.returncode, r.stderr))
        check(os.path.exists(target) and os.stat(target).st_mode & 0o170000 == 0o010000,
              "%s: the FIFO was replaced" % args[0])
        data = got[0] if got else b""
        if fmt == "geojson":
            feats = json.loads(data)["features"]
            kal = [f for f in feats if f["properties"]["region"] == "kalbajar"]
            check(len(kal) == 1 and kal[0]["properties"]["holder"] == "AZ", "Kalbajar: %r" % kal[:1])
        elif fmt == "csv":
            check(data.startswith(b"date,") or b"holder" in data.split(b"\n")[0], "stats: %r" % data[:80])
        else:
            check(data.startswith(b"\x89PNG"), "render: not a PNG through the FIFO")
        check(not glob.glob(os.path.join(tmp, "*.tmp-*")), "a temporary was left")
    r = run(["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "-f", "geojson", "-o", "/dev/stdout"], cwd=tmp)
    check(r.returncode == 0 and json.loads(r.stdout)["type"] == "FeatureCollection",
          "-o /dev/stdout: %d %r" % (r.returncode, r.stderr))
    # a format of several files cannot go into one stream: refused, FIFO untouched
    r = run(["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "-f", "shp", "-o", fifo], cwd=tmp)
    check(r.returncode != 0 and "cannot go to a device or pipe" in r.stderr, "shapefile: %r" % r.stderr)
    check(os.stat(fifo).st_mode & 0o170000 == 0o010000, "shapefile: the FIFO was replaced")


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@test("disk full during import-series --out: error, no partial tracker")
def _(tmp):
    files = []
    for name, g in (("x_20240101.geojson", square(30, 50, 30.5, 50.5)),
                    ("x_20240102.geojson", square(30.1, 50.1, 30.7, 50.7))):
        with open(os.path.join(tmp, name), "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": g}]}, f)
        files.append(name)
    r = run(["import-series", "--holder", "RU", "--other", "UA", "--out", "T"] + files, cwd=tmp,
            fsize=300)
    check(r.returncode != 0, "exit 0 with a 300-byte file-size limit")
    check(r.stderr.strip(), "no message")
    left = sorted(os.listdir(os.path.join(tmp, "T"))) if os.path.isdir(os.path.join(tmp, "T")) else []
    check(not left, "a partial tracker was left: %s" % left)
    r = run(["import-series", "--holder", "RU", "--other", "UA", "--out", "T"] + files, cwd=tmp)
    check(r.returncode == 0, "the same import without the limit failed:\n%s" % r.stderr)


def needs(cmd):
    if cmd not in commands():
        raise Skip("frontline has no '%s' command on this branch (it comes with the gis merge)" % cmd)


@test("disk full during export: error, no partial file, tracker unchanged")
def _(tmp):
    needs("export")
    t = tracker_copy(tmp)
    before = tree_digest(t)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    r = run(["-d", t, "export", "-o", os.path.join(out, "t.gpkg")], cwd=tmp, fsize=16384)
    check(r.returncode != 0, "exit 0 with a file-size limit")
    check(os.listdir(out) == [], "left: %s" % os.listdir(out))
    check(tree_digest(t) == before, "the tracker changed")


@test("disk full during record: error, tracker unchanged")
def _(tmp):
    needs("record")
    t = tracker_copy(tmp)
    # the tracker's biggest file is beyond the limit: any rewrite of it fails
    before = tree_digest(t)
    r = run(["-d", t, "record", "--help"], cwd=tmp)
    usage = r.stdout + r.stderr
    args = ["-d", t, "record", "--date", "2020-12-01", "--region", "lachin", "--to", "AZ",
            "--from", "AM", "--source", "test"]
    r = run(args, cwd=tmp, fsize=1024)
    check(r.returncode != 0, "exit 0 with a 1 kB file-size limit\n%s" % usage[:500])
    check(tree_digest(t) == before, "the tracker changed")
    check(not glob.glob(os.path.join(t, "*.tmp-*")), "temporaries left in the tracker")


# --------------------------------------------------- truncated, unreadable
def fixture_with(tmp, name, data=None, make=None):
    t = tracker_copy(tmp, CLEAN)
    p = os.path.join(t, name)
    if make:
        os.unlink(p)
        make(p)
    else:
        with open(p, "wb") as f:
            f.write(data)
    return t


def expect_clear_error(tmp, t, name):
    r = run(["-d", t, "snapshot", "--date", "2005-01-01"], cwd=tmp, timeout=60)
    check(r.returncode != 0, "exit 0")
    check(name.split(".")[0] in r.stderr, "the message does not name %s: %r" % (name, r.stderr))
    check(not re.search(r"Sanitizer|Segmentation|Traceback", r.stderr), r.stderr)
    check(len(r.stderr) < 2000, "message too long: %d bytes" % len(r.stderr))
    return r


def read(p):
    with open(p, "rb") as f:
        return f.read()


@test("events.csv truncated inside a quoted field: error naming events.csv and the line")
def _(tmp):
    data = read(os.path.join(CLEAN, "events.csv"))
    cut = data[:data.index(b'"claimed by B') + 8]
    r = expect_clear_error(tmp, fixture_with(tmp, "events.csv", cut), "events.csv")
    check(re.search(r"events\.csv:\d+", r.stderr), r.stderr)


@test("events.csv truncated mid-row: error naming events.csv")
def _(tmp):
    data = read(os.path.join(CLEAN, "events.csv"))
    expect_clear_error(tmp, fixture_with(tmp, "events.csv", data[:-40]), "events.csv")


@test("events.csv empty: error naming events.csv")
def _(tmp):
    expect_clear_error(tmp, fixture_with(tmp, "events.csv", b""), "events.csv")


@test("regions.geojson truncated: error naming regions.geojson")
def _(tmp):
    data = read(os.path.join(CLEAN, "regions.geojson"))
    expect_clear_error(tmp, fixture_with(tmp, "regions.geojson", data[:len(data) // 2]),
                       "regions.geojson")


@test("zones.geojson truncated: error naming zones.geojson")
def _(tmp):
    data = read(os.path.join(CLEAN, "zones.geojson"))
    expect_clear_error(tmp, fixture_with(tmp, "zones.geojson", data[:len(data) - 30]),
                       "zones.geojson")


@test("actors.csv a directory: error naming actors.csv")
def _(tmp):
    expect_clear_error(tmp, fixture_with(tmp, "actors.csv", make=os.mkdir), "actors.csv")


@test("events.csv a FIFO with no writer: an error, no hang")
def _(tmp):
    expect_clear_error(tmp, fixture_with(tmp, "events.csv", make=os.mkfifo), "events.csv")


@test("events.csv unreadable (mode 000, run as nobody): error naming events.csv")
def _(tmp):
    if not shutil.which("setpriv") or os.geteuid() != 0:
        raise Skip("needs root and setpriv to drop privileges (root reads mode-000 files)")
    t = fixture_with(tmp, "events.csv", read(os.path.join(CLEAN, "events.csv")))
    os.chmod(tmp, 0o755)
    for root, dirs, files in os.walk(tmp):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    os.chmod(os.path.join(t, "events.csv"), 0)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(nobody + [BIN, "--version"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise Skip("nobody cannot run %s: %s" % (BIN, probe.stderr.strip()))
    r = run(["-d", t, "snapshot", "--date", "2005-01-01"], cwd="/", prefix=nobody, timeout=60)
    check(r.returncode != 0, "exit 0")
    check("events.csv" in r.stderr, "the message does not name events.csv: %r" % r.stderr)


@test("tracker path a regular non-tracker file: error naming it")
def _(tmp):
    p = os.path.join(tmp, "notes.txt")
    with open(p, "w") as f:
        f.write("not a tracker\n")
    r = run(["-d", p, "snapshot"], cwd=tmp, timeout=60)
    check(r.returncode != 0 and "notes.txt" in r.stderr, r.stderr)


@test("GDAL cannot open the tracker: the message gives a reason (-d /etc/passwd, a GeoPackage that is not one)")
def _(tmp):
    r = run(["-d", "/etc/passwd", "log"], cwd=tmp, timeout=60)
    check(r.returncode == 1, "exit %d: %s" % (r.returncode, r.stderr))
    check("'/etc/passwd': GDAL cannot open it: not a file GDAL can read as a vector source "
          "(format not recognised)" in r.stderr, "no reason given: %r" % r.stderr)
    p = os.path.join(tmp, "t.gpkg")
    open(p, "w").close()
    r = run(["-d", p, "check"], cwd=tmp, timeout=60)
    check(r.returncode == 1 and "t.gpkg': GDAL cannot open it: " in r.stderr, r.stderr)
    reason = r.stderr.split("GDAL cannot open it: ", 1)[1].strip()
    check(reason, "no reason after 'GDAL cannot open it: ': %r" % r.stderr)


# --------------------------------------------------------------- serve
class Server:
    def __init__(self):
        def nofile():
            resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
        self.proc = subprocess.Popen([BIN, "-d", KARABAKH, "serve", "--port", "0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env(), text=True, preexec_fn=nofile)
        self.port = None
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = re.search(r"listening on http://[^ ]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if not self.port:
            self.proc.kill()
            raise Failure("the server did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def get(self, path, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
            return data
        finally:
            s.close()

    def sockets(self):
        n = 0
        for fd in os.listdir("/proc/%d/fd" % self.proc.pid):
            try:
                n += os.readlink("/proc/%d/fd/%s" % (self.proc.pid, fd)).startswith("socket:")
            except OSError:
                pass
        return n

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def slow_clients(port, n):
    """n connections that send half a request and stall."""
    out = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /collections/control/items?datetime=2020-11-25 HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        out.append(s)
    return out


@test("serve: 200 slow clients stalled mid-request, a normal client is still answered")
def _(tmp):
    srv = Server()
    held = []
    try:
        check(srv.get("/conformance").startswith(b"HTTP/1.1 200"), "no answer before")
        held = slow_clients(srv.port, 200)
        for path in ("/conformance", "/collections/control/items?limit=1&datetime=2020-11-25"):
            t0 = time.time()
            r = srv.get(path, timeout=20)
            check(r.startswith(b"HTTP/1.1 200"), "%s: %r" % (path, r[:80]))
            check(time.time() - t0 < 15, "%s took %.1f s" % (path, time.time() - t0))
        check(srv.proc.poll() is None, "the server exited")
    finally:
        for s in held:
            s.close()
        srv.stop()


@test("serve: 600 connections held, never more than %d accepted; answers again after"
      % SERVE_CONNECTION_LIMIT)
def _(tmp):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 1024:
        raise Skip("needs 1024 open files (hard limit %d)" % hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    srv = Server()
    held = []
    try:
        base = srv.sockets()
        for _ in range(600):
            try:
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                held.append(s)
            except OSError:
                break
        time.sleep(1.0)
        peak = srv.sockets() - base
        check(peak <= SERVE_CONNECTION_LIMIT,
              "the server holds %d client sockets (bound %d)" % (peak, SERVE_CONNECTION_LIMIT))
        check(srv.proc.poll() is None, "the server exited")
    finally:
        for s in held:
            s.close()
    try:
        deadline = time.time() + 30
        ok, tries, last = False, 0, None
        while time.time() < deadline and not ok:
            tries += 1
            try:
                last = srv.get("/conformance", timeout=5)[:40]
                ok = last.startswith(b"HTTP/1.1 200")
            except OSError as e:
                last = e
            if not ok:
                time.sleep(0.2)
        check(ok, "no answer after the connections were closed (%d tries, last %r, %d sockets "
              "open in the server)" % (tries, last, srv.sockets()))
    finally:
        srv.stop()


def main():
    print("1..%d" % len(TESTS))
    failed = 0
    for k, (name, fn) in enumerate(TESTS, 1):
        tmp = tempfile.mkdtemp(prefix="fl-fail-")
        try:
            fn(tmp)
        except Skip as e:
            print("ok %d - %s # SKIP %s" % (k, name, e))
        except Failure as e:
            failed += 1
            print("not ok %d - %s" % (k, name))
            for ln in str(e).splitlines():
                print("# " + ln)
        except Exception:
            failed += 1
            print("not ok %d - %s" % (k, name))
            for ln in traceback.format_exc().splitlines():
                print("# " + ln)
        else:
            print("ok %d - %s" % (k, name))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        sys.stdout.flush()
    if failed:
        print("# %d of %d failed" % (failed, len(TESTS)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
