#!/usr/bin/python3
"""End-to-end tests of the tool's threads (`-j N`, $FRONTLINE_THREADS).

The engine works on several threads (import-series on all CPUs) and GeoJSON
is written by frontline's own writer (src/geojson.c; GDAL's, on several
threads, until issue 20): the files must be the same, byte for byte,
whatever the number of threads, for outputs of thousands of points.  Bad values are refused
with the option or variable named, and nothing written.

Usage: /usr/bin/python3 test_threads.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import json
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (KARABAKH, check, describe, generate_tracker, main, run, run_fail,  # noqa: E402
                    run_ok, test, tree_bytes)

# outputs at least this big (GDAL's GeoJSON writer once went to parts above it)
PARALLEL_POINTS = 2048
THREADS = ["1", "2", "3", "8"]


def points(fc):
    """The coordinate pairs of a FeatureCollection."""
    def count(c):
        if isinstance(c[0], (int, float)):
            return 1
        return sum(count(x) for x in c)
    return sum(count(f["geometry"]["coordinates"]) for f in fc["features"] if f["geometry"])


def same_on_all_threads(tmp, args, min_features=2):
    """Run args with -j 1, 2, 3, 8 (and the variable); the files must be identical."""
    outs = {}
    for j in THREADS:
        out = os.path.join(tmp, "out-%s.geojson" % j)
        run_ok(["-j", j] + args + ["-o", out], tmp)
        with open(out, "rb") as f:
            outs[j] = f.read()
    p = run_ok(args + ["-o", os.path.join(tmp, "out-env.geojson")], tmp, env={"FRONTLINE_THREADS": "2"})
    with open(os.path.join(tmp, "out-env.geojson"), "rb") as f:
        outs["env"] = f.read()
    # the forms make and long options take: -j3, --threads=2
    for form in ["-j3", "--threads=2"]:
        out = os.path.join(tmp, "out%s.geojson" % form)
        run_ok([form] + args + ["-o", out], tmp)
        with open(out, "rb") as f:
            outs[form] = f.read()
    fc = json.loads(outs["1"])
    n, pts = len(fc["features"]), points(fc)
    check(n >= min_features, "%s: %d features, expected at least %d" % (" ".join(args), n, min_features))
    check(pts > PARALLEL_POINTS, "%s: %d points, too few for this test" % (" ".join(args), pts))
    for j, b in outs.items():
        check(b == outs["1"], "%s with %s threads differs from one thread: %d bytes vs %d, "
              "first difference at byte %d" % (" ".join(args), j, len(b), len(outs["1"]),
                                               next((i for i, (x, y) in enumerate(zip(b, outs["1"])) if x != y),
                                                    min(len(b), len(outs["1"])))))
    return fc, p


@test("snapshot by region and by actor: the same GeoJSON on 1, 2, 3 and 8 threads")
def t_snapshot(tmp):
    fc, _ = same_on_all_threads(tmp, ["-d", KARABAKH, "snapshot", "--date", "2020-11-25"], 70)
    kalbajar = [f for f in fc["features"] if f["properties"]["region"] == "kalbajar"]
    check(len(kalbajar) == 1 and kalbajar[0]["properties"]["holder"] == "AZ",
          "kalbajar on 2020-11-25: %s" % [f["properties"] for f in kalbajar])
    # features stay in the order one thread writes them (regions as the tracker lists them)
    ids = [f["properties"]["region"] for f in fc["features"]]
    check(len(set(ids)) == len(ids), "a region twice in the map")
    fc, _ = same_on_all_threads(tmp, ["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "--by", "actor"])
    check({f["properties"]["holder"] for f in fc["features"]} >= {"AZ", "AM"},
          "holders %s" % sorted(f["properties"]["holder"] for f in fc["features"]))


@test("stdout: the same GeoJSON on 1 and 2 threads")
def t_stdout(tmp):
    a = run_ok(["-j", "1", "-d", KARABAKH, "snapshot", "--date", "2023-09-20"], tmp).stdout
    b = run_ok(["-j", "2", "-d", KARABAKH, "snapshot", "--date", "2023-09-20"], tmp).stdout
    check(a == b and len(json.loads(a)["features"]) > 70, "stdout differs between 1 and 2 threads")


@test("diff and export: the same GeoJSON on 1, 2, 3 and 8 threads")
def t_diff_export(tmp):
    # from before the tracked history: every region changes
    fc, _ = same_on_all_threads(tmp, ["-d", KARABAKH, "diff", "1992-01-01", "2020-12-01"], 70)
    check(any(f["properties"]["region"] == "kalbajar" for f in fc["features"]), "kalbajar not in the diff")
    same_on_all_threads(tmp, ["-d", KARABAKH, "diff", "1992-01-01", "2020-12-01", "--by", "actor"], 2)
    same_on_all_threads(tmp, ["-d", KARABAKH, "export", "-f", "geojson"], 90)


@test("a tracker with polygon events: snapshot and diff the same on every number of threads")
def t_polygons(tmp):
    tr = os.path.join(tmp, "g")
    generate_tracker(tr, nx=40, ny=30, nevents=600, npolygons=30, seed=11)
    same_on_all_threads(tmp, ["-d", tr, "snapshot", "--date", "2030-01-01"], 400)
    same_on_all_threads(tmp, ["-d", tr, "snapshot", "--date", "2030-01-01", "--by", "actor"], 2)


def wobbly(cx, cy, r, seed, n=700):
    rnd = random.Random(seed)
    pts = []
    for k in range(n):
        a = 2 * math.pi * k / n
        rr = r * (1 + 0.05 * math.sin(7 * a + seed) + 0.01 * rnd.random())
        pts.append([round(cx + rr * math.cos(a), 6), round(cy + rr * math.sin(a), 6)])
    pts.append(pts[0])
    return {"type": "Polygon", "coordinates": [pts]}


@test("import-series: the same tracker on 1 and 2 threads")
def t_import(tmp):
    files = []
    for d in range(5):
        name = os.path.join(tmp, "day_2024010%d.geojson" % (d + 1))
        with open(name, "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": wobbly(30, 50, 0.5, d)}]}, f)
        files.append(name)
    trees = {}
    for j in ["1", "2"]:
        out = os.path.join(tmp, "T%s" % j)
        run_ok(["-j", j, "import-series", "--holder", "RU", "--other", "UA", "--out", out] + files, tmp)
        trees[j] = tree_bytes(out)
    check(trees["1"] == trees["2"], "the trackers differ: %s" % sorted(
        k for k in set(trees["1"]) | set(trees["2"]) if trees["1"].get(k) != trees["2"].get(k)))
    with open(os.path.join(tmp, "T1", "areas.geojson")) as f:
        areas = json.load(f)
    check(points(areas) > PARALLEL_POINTS, "areas.geojson has %d points: too few for this "
          "test" % points(areas))


@test("bad thread counts: -j, --threads= and $FRONTLINE_THREADS refused, named, nothing written")
def t_bad(tmp):
    out = os.path.join(tmp, "never.geojson")
    base = ["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "-o", out]
    for v in ["x", "-1", "65", "", "2.5", "1e3", " 2"]:
        run_fail(["-j", v] + base, tmp, ["-j: ", v], code=2)
        run_fail(["--threads=" + v] + base, tmp, ["--threads: ", v], code=2)
        if v:
            run_fail(["-j" + v] + base, tmp, ["-j: ", v], code=2)
        if v:  # set but empty is unset
            run_fail(base, tmp, ["FRONTLINE_THREADS: ", v], code=2, env={"FRONTLINE_THREADS": v})
        check(not os.path.exists(out), "%s written after a bad thread count %r" % (out, v))
    run_fail(["-d", KARABAKH, "-j"], tmp, ["-j needs a number"], code=2)
    run_fail(["-j", "65"] + base, tmp, ["-j: 65 threads: out of range (0 = one per CPU, else 1 to 64)"])
    # 0 is one per CPU; -j overrides the variable, even a bad one; --help needs neither
    p = run(["-j", "0"] + base, tmp, env={"FRONTLINE_THREADS": "x"})
    check(p.returncode == 0 and os.path.exists(out), "-j 0 failed\n" + describe(p))
    p = run(["--help"], tmp, env={"FRONTLINE_THREADS": "x"})
    check(p.returncode == 0 and "--threads" in p.stdout, "--help with a bad $FRONTLINE_THREADS\n" + describe(p))


if __name__ == "__main__":
    sys.exit(main("fl-threads-"))
