#!/usr/bin/python3
"""valgrind.py: valgrind memcheck over a representative set of end-to-end
runs of frontline (snapshot, diff, stats, check, log, render,
import-series, serve with a few requests).  Each run is a TAP test: it fails
on any invalid read or write, use of uninitialised memory or definite leak
(valgrind --error-exitcode), with the report in the TAP diagnostics.

Usage: /usr/bin/python3 tests/valgrind.py PATH/TO/frontline SOURCE_ROOT
Suppressions (commented) are in tests/valgrind.supp.
"""
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
KARABAKH = os.path.join(SRC, "geodata", "karabakh")
MANY = os.path.join(SRC, "tests", "fixtures", "check", "many")
VG = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
      "--show-leak-kinds=definite", "--track-origins=no", "-q",
      "--suppressions=" + os.path.join(SRC, "tests", "valgrind.supp")]


def env():
    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    e.pop("LD_PRELOAD", None)
    return e


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def series(tmp):
    files = []
    for name, g in (("x_20240101.geojson", square(30, 50, 30.5, 50.5)),
                    ("x_20240102.geojson", square(30.1, 50.1, 30.7, 50.7)),
                    ("x_20240103.geojson", square(30.1, 50.0, 30.7, 50.7))):
        with open(os.path.join(tmp, name), "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": g}]}, f)
        files.append(name)
    return files


# (name, arguments, expected exit code of frontline itself)
RUNS = [
    ("snapshot --by region -o .geojson", ["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "-o", "s.geojson"], 0),
    ("snapshot --by actor -o .gpkg", ["-d", KARABAKH, "snapshot", "--date", "2020-11-08", "--by", "actor", "-o", "s.gpkg"], 0),
    ("diff --summary", ["-d", KARABAKH, "diff", "2020-11-09", "2020-12-02", "--summary"], 0),
    ("stats --step month", ["-d", KARABAKH, "stats", "--step", "month", "--from", "2020-01-01", "--to", "2021-01-01"], 0),
    ("check (clean)", ["-d", KARABAKH, "check"], 0),
    ("check (many problems)", ["-d", MANY, "check", "-f", "json"], 1),
    ("log -f json", ["-d", KARABAKH, "log", "-f", "json"], 0),
    ("render --size 400x300 -o .png", ["-d", KARABAKH, "render", "--date", "2020-11-25", "--size", "400x300", "-o", "m.png"], 0),
    ("import-series (3 days)", ["import-series", "--holder", "RU", "--other", "UA", "--out", "T", "@series"], 0),
]


def run_one(name, args, want):
    tmp = tempfile.mkdtemp(prefix="fl-vg-")
    try:
        if "@series" in args:
            i = args.index("@series")
            args = args[:i] + series(tmp) + args[i + 1:]
        r = subprocess.run(VG + [BIN] + args, cwd=tmp, env=env(), capture_output=True, text=True,
                           timeout=900)
        return name, r.returncode == want, r.returncode, r.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_serve():
    p = subprocess.Popen(VG + [BIN, "-d", KARABAKH, "serve", "--port", "0"], env=env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = []
    port = None
    deadline = time.time() + 300
    while time.time() < deadline:
        line = p.stderr.readline()
        if not line:
            break
        err.append(line)
        m = re.search(r"listening on http://[^ ]+:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    ok = port is not None
    if ok:
        for path in ("/", "/collections/control/items?datetime=2020-11-25&limit=5",
                     "/collections/changes/items?datetime=2020-11-09/2020-12-02",
                     "/collections/events/items?bbox=45,39,47,41", "/viewer", "/nope/../x"):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=120).read()
            except urllib.error.HTTPError:
                pass
            except Exception as e:
                ok = False
                err.append("%s: %s\n" % (path, e))
    p.send_signal(signal.SIGTERM)
    try:
        _, rest = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        p.kill()
        _, rest = p.communicate()
    err.append(rest)
    return "serve (6 requests, SIGTERM)", ok and p.returncode == 0, p.returncode, "".join(err)


def main():
    if not shutil.which("valgrind"):
        print("1..0 # SKIP valgrind is not installed")
        return 0
    tests = len(RUNS) + 1
    print("1..%d" % tests, flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futs = [pool.submit(run_one, *r) for r in RUNS] + [pool.submit(run_serve)]
        failed = 0
        for k, f in enumerate(futs, 1):
            name, ok, rc, err = f.result()
            print("%s %d - valgrind memcheck: frontline %s" % ("ok" if ok else "not ok", k, name))
            if not ok:
                failed += 1
                print("# exit %s" % rc)
                for ln in err.splitlines()[-60:]:
                    print("# " + ln)
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
