"""Shared harness of the tool's end-to-end tests (tests/cli/test_*.py): TAP
output, running the tool, a generated tracker, and a throw-away PostgreSQL +
PostGIS cluster.

Imported by the test scripts (their folder is on sys.path).  Needs Debian's
python3 (osgeo, shapely, pyproj).
"""
import csv
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
SRC = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
KARABAKH = os.path.join(SRC, "geodata", "karabakh") if SRC else None

TESTS = []


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(args, cwd, env=None, timeout=300, input=None):
    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    if env:
        e.update(env)
    return subprocess.run([BIN] + list(args), cwd=cwd, env=e, capture_output=True,
                          timeout=timeout, text=True, input=input)


def describe(p):
    return "command: frontline %s\nexit: %s\nstderr: %s" % (
        " ".join(p.args[1:]), p.returncode, p.stderr.strip()[:2000])


def run_ok(args, cwd, env=None):
    p = run(args, cwd, env)
    check(p.returncode == 0, "expected exit 0\n" + describe(p))
    return p


def run_fail(args, cwd, want, code=None, env=None):
    """Run expecting failure; every string of `want` must be in stderr."""
    p = run(args, cwd, env)
    check(p.returncode != 0, "expected a non-zero exit\n" + describe(p))
    if code is not None:
        check(p.returncode == code, "expected exit %d\n%s" % (code, describe(p)))
    for w in want:
        check(w in p.stderr, "stderr lacks %r\n%s" % (w, describe(p)))
    return p


class Run:
    """A finished run of the tool: the command, its exit status, stdout, stderr."""

    def __init__(self, cp):
        self.cmd, self.rc, self.out, self.err = cp.args, cp.returncode, cp.stdout, cp.stderr

    def describe(self):
        return "command: %s\nexit status: %d\nstdout: %s\nstderr: %s" % (
            " ".join(self.cmd), self.rc, self.out[:1500], self.err[:1500])


def close(actual, expected, rel=1e-4, abs_tol=0.0):
    """Whether actual is within rel (relative) or abs_tol (absolute) of expected."""
    return abs(actual - expected) <= max(rel * abs(expected), abs_tol)


def check_close(actual, expected, what, rel=1e-4, abs_tol=0.0):
    check(close(actual, expected, rel, abs_tol),
          "%s: got %r, expected %r (tolerance %g relative, %g absolute)"
          % (what, actual, expected, rel, abs_tol))


def geojson(r):
    """The FeatureCollection a Run printed on stdout."""
    try:
        d = json.loads(r.out)
    except ValueError as e:
        raise Failure("stdout is not JSON (%s)\n%s" % (e, r.describe()))
    check(d.get("type") == "FeatureCollection", "not a FeatureCollection: %r" % d.get("type"))
    return d


def stats_rows(text):
    """The rows of `frontline stats` CSV, area_km2 and share as numbers."""
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        r["area_km2"] = float(r["area_km2"])
        r["share"] = float(r["share"])
    return rows


def fake_library(folder, soname, kind):
    """A library the tool cannot use under soname in folder (put first in
    LD_LIBRARY_PATH): "empty" (not an ELF file) or "other" (the C maths
    library under that name, so that its functions are missing).  Returns the
    environment that makes the tool find it."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, soname)
    if kind == "empty":
        open(path, "wb").close()
    else:
        try:
            with open("/proc/self/maps", encoding="utf-8") as f:
                libm = next((line.split()[-1] for line in f if "/libm.so" in line or "/libm-" in line), None)
        except OSError:
            libm = None
        if not libm:
            raise Skip("no shared C maths library mapped in this process to stand in for %s" % soname)
        os.symlink(libm, path)
    e = {"LD_LIBRARY_PATH": folder + ((":" + os.environ["LD_LIBRARY_PATH"])
                                      if os.environ.get("LD_LIBRARY_PATH") else "")}
    return e


class Workdir:
    """A test's temporary folder and the runs of the tool there, each kept (a
    test run by main(context=...) that breaks on an unexpected error is
    reported with the last)."""
    timeout = 300

    def __init__(self, tmp):
        self.tmp = tmp
        self.runs = []

    def run(self, *args):
        r = Run(run(args, self.tmp, timeout=self.timeout))
        self.runs.append(r)
        return r

    def ok(self, *args):
        r = self.run(*args)
        check(r.rc == 0, "exit status %d, expected 0\n%s" % (r.rc, r.describe()))
        return r

    def path(self, *names):
        return os.path.join(self.tmp, *names)


def snapshot(tracker, date, cwd, extra=()):
    p = run_ok(["-d", tracker, "snapshot", "--date", date] + list(extra), cwd)
    return json.loads(p.stdout)


def snapshot_pairs(tracker, date, cwd, extra=()):
    doc = snapshot(tracker, date, cwd, extra)
    return sorted((f["properties"]["region"], f["properties"]["holder"],
                   round(f["properties"]["area_km2"], 6)) for f in doc["features"])


def log_csv(tracker, cwd):
    p = run_ok(["-d", tracker, "log", "-f", "csv"], cwd)
    return list(csv.DictReader(io.StringIO(p.stdout)))


def event_period(text, zone):
    """(earliest, latest) aware datetimes of an event's `date` as the tracker
    format reads it, for the forms the shipped tracker uses: a day (its start
    in `zone`), a month (the start of its first day to the start of its last),
    a date-time with an offset (exact), and an interval of those (the start of
    its first to the end of its second).  Anything else raises ValueError, so
    that a test never guesses at a form it does not know."""
    import calendar
    import datetime
    import re

    def one(v):
        if re.fullmatch(r"\d{4}-\d\d-\d\d", v):
            d = datetime.datetime.fromisoformat(v).replace(tzinfo=zone)
            return d, d
        if re.fullmatch(r"\d{4}-\d\d", v):
            y, m = map(int, v.split("-"))
            return (datetime.datetime(y, m, 1, tzinfo=zone),
                    datetime.datetime(y, m, calendar.monthrange(y, m)[1], tzinfo=zone))
        if "T" in v and not v.endswith(("~", "?", "%")):
            t = datetime.datetime.fromisoformat(v)
            if t.tzinfo is not None:
                return t, t
        raise ValueError("event_period: unsupported date %r" % v)
    if "/" in text:
        a, b = text.split("/")
        return one(a)[0], one(b)[1]
    return one(text)


def copy_karabakh(tmp, name="t"):
    dst = os.path.join(tmp, name)
    shutil.copytree(KARABAKH, dst, ignore=shutil.ignore_patterns("*.py", "__pycache__", "README.md"))
    return dst


def tree_bytes(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = fh.read()
    return out


# ------------------------------------------------------ a generated tracker
def generate_tracker(folder, nx=6, ny=5, nevents=60, npolygons=4, seed=7):
    """A grid of nx*ny square regions near 10E 50N, actors A, B, C, a '*'
    baseline, then random region events and `npolygons` polygon events (areas
    cutting across regions), some claimed, some corrected.  Deterministic."""
    rnd = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "actors.csv"), "w", newline="") as f:
        f.write("id,name,color,kind,note\nA,Side A,#1f77b4,control,\nB,Side B,#ff7f0e,control,\n"
                "C,Side C,#2ca02c,control,\n")
    feats = []
    d = 0.1
    ids = []
    for i in range(nx):
        for j in range(ny):
            rid = "r%d-%d" % (i, j)
            ids.append(rid)
            x0, y0 = round(10 + i * d, 6), round(50 + j * d, 6)
            x1, y1 = round(10 + (i + 1) * d, 6), round(50 + (j + 1) * d, 6)
            feats.append({"type": "Feature", "properties": {"id": rid, "name": "Region %d/%d" % (i, j),
                                                           "alt_names": "", "kind": "cell", "parent": ""},
                          "geometry": {"type": "Polygon", "coordinates": [[
                              [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}})
    with open(os.path.join(folder, "regions.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    rows = [["baseline", "2000-01-01", "*", "A", "", "baseline", "confirmed", "generated", "", "", "", "false", ""]]
    areas = []
    day = 0
    holders = {r: "A" for r in ids}
    for k in range(nevents):
        day += rnd.randint(0, 20)
        date = "2001-01-01" if day == 0 else time.strftime("%Y-%m-%d", time.gmtime(978307200 + day * 86400))
        regs = rnd.sample(ids, rnd.randint(1, 3))
        to = rnd.choice("ABC")
        status = rnd.choice(["confirmed", "confirmed", "claimed", "disputed"])
        rows.append(["e%03d" % k, date, ";".join(regs), to, "", rnd.choice(["capture", "handover"]),
                     status, "source %d" % k, "note, with comma" if k % 7 == 0 else "", "", "", "false", ""])
        for r in regs:
            holders[r] = to
        if k % 9 == 4:
            rows.append(["c%03d" % k, date, ";".join(regs), rnd.choice("ABC"), "", "correction",
                         "confirmed", "correction of e%03d" % k, "", "", "e%03d" % k, "false", ""])
    for k in range(npolygons):
        day += rnd.randint(1, 30)
        date = time.strftime("%Y-%m-%d", time.gmtime(978307200 + day * 86400))
        x0 = round(10 + rnd.uniform(0.05, nx * d - 0.25), 5)
        y0 = round(50 + rnd.uniform(0.05, ny * d - 0.25), 5)
        w, h = round(rnd.uniform(0.07, 0.2), 5), round(rnd.uniform(0.07, 0.2), 5)
        aid = "p%d" % k
        areas.append({"type": "Feature", "properties": {"id": aid}, "geometry": {
            "type": "Polygon", "coordinates": [[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h],
                                                [x0, y0 + h], [x0, y0]]]}})
        rows.append(["pe%d" % k, date, "", rnd.choice("ABC"), "", "capture", "confirmed",
                     "polygon source %d" % k, "", "", "", "false", aid])
    if areas:
        with open(os.path.join(folder, "areas.geojson"), "w") as f:
            json.dump({"type": "FeatureCollection", "features": areas}, f)
    with open(os.path.join(folder, "events.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "regions", "to", "from", "kind", "status", "source", "note",
                    "recorded", "corrects", "partial", "area"])
        w.writerows(rows)
    return folder


# ------------------------------------------------- a throw-away PostgreSQL
PG_BIN = "/usr/lib/postgresql/15/bin"


class Postgres:
    """initdb a cluster in a temporary folder as the postgres user, start it
    on a unix socket there (and a free TCP port on localhost), create
    databases with PostGIS.  Raises Skip when PostgreSQL or PostGIS is
    absent."""

    def __init__(self):
        if not os.path.exists(os.path.join(PG_BIN, "initdb")):
            raise Skip("PostgreSQL 15 is not installed (%s/initdb)" % PG_BIN)
        if not os.path.exists("/usr/share/postgresql/15/extension/postgis.control"):
            raise Skip("PostGIS 3 for PostgreSQL 15 is not installed")
        self.dir = tempfile.mkdtemp(prefix="fl-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.sock = self.dir
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self._as_pg([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A", "trust", "-U",
                     "postgres", "--no-sync", "-E", "UTF8"])
        self._as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l",
                     os.path.join(self.dir, "log"), "-w", "-o",
                     "-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c log_statement=all" % (self.sock, self.port),
                     "start"])
        self.n = 0
        self.log = os.path.join(self.dir, "log")

    def _as_pg(self, argv):
        if os.geteuid() == 0:
            import pwd
            pw = pwd.getpwnam("postgres")
            shutil.chown(self.dir, pw.pw_uid, pw.pw_gid)
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join("'%s'" % a for a in argv)]
        else:
            cmd = argv
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise Failure("%s failed: %s %s" % (argv[0], p.stdout, p.stderr))

    def psql(self, db, sql):
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.sock,
                            "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise Failure("psql %s: %s" % (sql[:200], p.stderr))
        return p.stdout

    def new_db(self):
        self.n += 1
        name = "fl%d" % self.n
        self.psql("postgres", "CREATE DATABASE %s" % name)
        self.psql(name, "CREATE EXTENSION postgis")
        return name

    def conn(self, db):
        return "PG:dbname=%s host=%s port=%d user=postgres" % (db, self.sock, self.port)

    def stop(self):
        try:
            self._as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------- main
def main(prefix, setup=None, teardown=None, context=None):
    """Run TESTS and print TAP; return 1 if any failed, else 0.  Each test is
    called with a fresh temporary folder (prefix + random), or with
    context(folder) when context is given (Workdir or a subclass), and, when
    setup is given, with what setup() returned as a second argument: setup
    runs once before the tests, teardown(its result) once after.  When setup
    raises Skip every test is skipped, when it fails every test fails, but
    for those marked no_setup."""
    print("1..%d" % len(TESTS))
    failed = 0
    ctx = None
    skip_all = None
    fail_all = None
    if setup:
        try:
            ctx = setup()
        except Skip as e:
            skip_all = str(e)
        except Failure as e:
            fail_all = str(e)
        except Exception:
            fail_all = traceback.format_exc()
    for k, (name, fn) in enumerate(TESTS, 1):
        arg = None
        try:
            with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
                arg = context(tmp) if context else tmp
                if setup:
                    if not getattr(fn, "no_setup", False):
                        if skip_all:
                            raise Skip(skip_all)
                        if fail_all is not None:
                            raise Failure(fail_all)
                    fn(arg, ctx)
                else:
                    fn(arg)
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
            msg = traceback.format_exc()
            if isinstance(arg, Workdir) and arg.runs:
                msg += "\nlast " + arg.runs[-1].describe()
            for ln in msg.rstrip().splitlines():
                print("# " + ln)
        else:
            print("ok %d - %s" % (k, name))
        sys.stdout.flush()
    if teardown and ctx is not None:
        teardown(ctx)
    if failed:
        print("# %d of %d failed" % (failed, len(TESTS)))
    return 1 if failed else 0
