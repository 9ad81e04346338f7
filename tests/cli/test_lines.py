#!/usr/bin/python3
"""The front line end to end: `frontline lines`, `snapshot --lines`, `stats --front`,
`stats --rate Nd`, the `front` collection of `frontline serve`, and the DeepState
cross-check (bench/front_check.py) when ../shared is there.

The fixtures are lon/lat squares whose shared edges are meridian arcs: the length of the
arc from 50 N to 51 N is the same on every meridian of the ellipsoid and pyproj's Geod
gives it independently (about 111.2 km).  Three squares side by side:

    r1 [30, 31] x [50, 51]   r2 [31, 32] x [50, 51]   r3 [32, 33] x [50, 51]

    base  2020-01-01  r1 -> A, r2 -> B     (r3 held by no one)
    take  2020-02-01  r2 -> A              (the front vanishes)
    r3    2020-03-01  r3 -> B              (the front is the r2/r3 border)

Usage: test_lines.py FRONTLINE_BIN SOURCE_ROOT (TAP on stdout).
"""
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osgeo import ogr  # noqa: E402
from pyproj import Geod  # noqa: E402

from fltest import BIN, SRC, Failure, Skip, check, main, run, run_fail, run_ok, test  # noqa: E402

GEOD = Geod(ellps="WGS84")
ARC_KM = GEOD.inv(31, 50, 31, 51)[2] / 1000.0   # one meridian degree, 50 N to 51 N
EVENT_HEADER = "id,date,regions,area,to,from,kind,status,source"


def box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def fc(feats):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g} for p, g in feats]})


def write(tmp, name, text):
    p = os.path.join(tmp, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)


def tracker(tmp, name, regions, events, areas=()):
    write(tmp, name + "/actors.csv", "id,name,color,kind,note\nA,Side A,#ff0000,control,\n"
          "B,Side B,#0000ff,control,\n")
    write(tmp, name + "/regions.geojson", fc([({"id": k, "name": k.upper()}, g) for k, g in regions]))
    if areas:
        write(tmp, name + "/areas.geojson", fc([({"id": k}, g) for k, g in areas]))
    write(tmp, name + "/events.csv", EVENT_HEADER + "\n" + "".join(e + "\n" for e in events))
    return os.path.join(tmp, name)


SQUARES = [("r1", box(30, 50, 31, 51)), ("r2", box(31, 50, 32, 51)), ("r3", box(32, 50, 33, 51))]
EVENTS = ["base1,2020-01-01,r1,,A,,baseline,confirmed,t", "base2,2020-01-01,r2,,B,,baseline,confirmed,t",
          "take,2020-02-01,r2,,A,B,capture,confirmed,t", "r3,2020-03-01,r3,,B,,capture,confirmed,t"]


def squares(tmp):
    return tracker(tmp, "sq", SQUARES, EVENTS)


def lines(tmp, t, date, *extra):
    return json.loads(run_ok(["-d", t, "lines", "--date", date] + list(extra), tmp).stdout)


def near(x, want, what, tol=1e-6):
    check(abs(x - want) <= tol * max(1.0, abs(want)), "%s: %r, expected %r" % (what, x, want))


def segments(geom):
    """The set of unit segments of a MultiLineString, ends sorted (the merge may orient them)."""
    out = set()
    for line in geom["coordinates"]:
        for p, q in zip(line[:-1], line[1:]):
            out.add(tuple(sorted((tuple(p), tuple(q)))))
    return out


def stats(tmp, t, *args):
    out = run_ok(["-d", t, "stats"] + list(args), tmp).stdout
    return list(csv.DictReader(io.StringIO(out)))


@test("lines: two squares held by A and B share one edge: one line A/B, the meridian arc's length, "
      "not the outer edge, not the border with unheld r3")
def _(tmp):
    t = squares(tmp)
    doc = lines(tmp, t, "2020-01-15")
    check(len(doc["features"]) == 1, "features: %r" % doc["features"])
    f = doc["features"][0]
    p = f["properties"]
    check((p["holder_a"], p["holder_b"], p["name_a"], p["name_b"]) == ("A", "B", "Side A", "Side B"),
          "properties %r" % p)
    near(p["length_km"], ARC_KM, "length_km")
    check(f["geometry"]["type"] == "MultiLineString", "geometry %r" % f["geometry"]["type"])
    check(segments(f["geometry"]) == {((31, 50), (31, 51))}, "segments %r" % segments(f["geometry"]))


@test("lines: a change of holder makes the front vanish (r2 taken by A); r3 taken by B makes the r2/r3 border front")
def _(tmp):
    t = squares(tmp)
    check(lines(tmp, t, "2020-02-15")["features"] == [], "2020-02-15: the front should be empty")
    doc = lines(tmp, t, "2020-03-15")
    check(len(doc["features"]) == 1, "2020-03-15: %r" % doc["features"])
    f = doc["features"][0]
    near(f["properties"]["length_km"], GEOD.inv(32, 50, 32, 51)[2] / 1000.0, "length_km")
    check(segments(f["geometry"]) == {((32, 50), (32, 51))}, "segments %r" % segments(f["geometry"]))
    check(lines(tmp, t, "2019-12-31")["features"] == [], "before any event: no front")


@test("snapshot --lines writes what lines writes; --holder keeps the lines with that actor on a side")
def _(tmp):
    t = squares(tmp)
    a = run_ok(["-d", t, "lines", "--date", "2020-01-15"], tmp).stdout
    b = run_ok(["-d", t, "snapshot", "--lines", "--date", "2020-01-15"], tmp).stdout
    check(a == b, "lines and snapshot --lines differ:\n%s\n%s" % (a[:400], b[:400]))
    check(len(lines(tmp, t, "2020-01-15", "--holder", "B")["features"]) == 1, "--holder B")
    run_fail(["-d", t, "snapshot", "--lines", "--summary"], tmp, ["--lines", "--summary"], code=2)


@test("lines -o: GeoPackage, FlatGeobuf and GeoJSON files read back with GDAL: fields and length")
def _(tmp):
    t = squares(tmp)
    for name in ("front.gpkg", "front.fgb", "front.geojson"):
        out = os.path.join(tmp, name)
        run_ok(["-d", t, "lines", "--date", "2020-01-15", "-o", out], tmp)
        ds = ogr.Open(out)
        check(ds is not None, "GDAL cannot open %s" % name)
        lyr = ds.GetLayer(0)
        feats = list(lyr)
        check(len(feats) == 1, "%s: %d features" % (name, len(feats)))
        f = feats[0]
        check((f.GetField("holder_a"), f.GetField("holder_b"), f.GetField("name_b")) == ("A", "B", "Side B"),
              "%s: fields" % name)
        near(f.GetField("length_km"), ARC_KM, name + " length_km")
        g = f.GetGeometryRef()
        near(GEOD.geometry_length(__import__("shapely.wkt", fromlist=["loads"]).loads(g.ExportToWkt())) / 1000,
             ARC_KM, name + " geometry's length")


@test("lines on regions that meet with a T-junction (a vertex of one in the middle of the other's edge)")
def _(tmp):
    # r1's east edge has no vertex at 50.5, where r2a and r2b meet: GEOS finds the shared border
    t = tracker(tmp, "tj", [("r1", box(30, 50, 31, 51)), ("r2a", box(31, 50, 32, 50.5)),
                            ("r2b", box(31, 50.5, 32, 51))],
                ["b1,2020-01-01,r1,,A,,baseline,confirmed,t", "b2,2020-01-01,r2a;r2b,,B,,baseline,confirmed,t"])
    doc = lines(tmp, t, "2020-01-15")
    check(len(doc["features"]) == 1, "features %r" % doc["features"])
    near(doc["features"][0]["properties"]["length_km"], ARC_KM, "length_km", tol=1e-5)


@test("lines with a polygon event across a region: the front follows the event's edge inside the region")
def _(tmp):
    t = tracker(tmp, "pe", [("r", box(30, 50, 32, 51))],
                ["base,2020-01-01,r,,A,,baseline,confirmed,t", "adv,2020-02-01,,adv,B,A,capture,confirmed,t"],
                areas=[("adv", box(31, 50, 32, 51))])
    doc = lines(tmp, t, "2020-02-15")
    check(len(doc["features"]) == 1, "features %r" % doc["features"])
    near(doc["features"][0]["properties"]["length_km"], ARC_KM, "length_km")
    rows = stats(tmp, t, "--front", "--step", "day", "--from", "2020-01-31", "--to", "2020-02-01")
    got = {(r["date"], r["holder"]): float(r["front_km"]) for r in rows}
    near(got[("2020-01-31", "A")], 0, "front before the advance")
    near(got[("2020-02-01", "A")], ARC_KM, "A's front after")
    near(got[("2020-02-01", "B")], ARC_KM, "B's front after")


@test("stats --front: front_km per holder per step, the same as lines on each date (0 once r2 is taken)")
def _(tmp):
    t = squares(tmp)
    rows = stats(tmp, t, "--front", "--step", "month", "--from", "2020-01-01", "--to", "2020-03-31")
    got = {(r["date"], r["holder"]): float(r["front_km"]) for r in rows}
    want = {("2020-01-31", "A"): ARC_KM, ("2020-01-31", "B"): ARC_KM, ("2020-02-29", "A"): 0.0,
            ("2020-02-29", "B"): 0.0, ("2020-03-31", "A"): ARC_KM, ("2020-03-31", "B"): ARC_KM}
    check(set(got) == set(want), "rows %r" % sorted(got))
    for k, v in want.items():
        near(got[k], v, "front_km %r" % (k,))
    # per event too; the columns keep their order with --front last
    out = run_ok(["-d", t, "stats", "--front"], tmp).stdout
    check(out.splitlines()[0] == "date,holder,area_km2,share,area_km2_min,area_km2_max,front_km",
          "header %r" % out.splitlines()[0])


def areas_by(rows):
    return {(r["date"], r["holder"]): float(r["area_km2"]) for r in rows}


@test("stats --rate 7d and 30d: the area gained per day over the window, checked against the areas by hand")
def _(tmp):
    t = squares(tmp)
    rows = stats(tmp, t, "--rate", "7d", "--step", "day", "--from", "2020-01-01", "--to", "2020-02-10")
    area = areas_by(rows)
    rate = {(r["date"], r["holder"]): float(r["rate_km2_per_day"]) for r in rows}
    a1, a2 = area[("2020-01-15", "A")], area[("2020-01-15", "B")]
    # on the first day, A and B gained their whole square in the window (nothing held 7 days before)
    near(rate[("2020-01-01", "A")], a1 / 7, "A on 2020-01-01")
    near(rate[("2020-01-07", "B")], a2 / 7, "B on 2020-01-07 (window 2019-12-31..)")
    near(rate[("2020-01-08", "B")], 0, "B on 2020-01-08 (window from 2020-01-01's end)")
    # r2 passes to A on 2020-02-01: +a2 for A, -a2 for B, for 7 days
    for d in ("2020-02-01", "2020-02-07"):
        near(rate[(d, "A")], a2 / 7, "A on " + d)
        near(rate[(d, "B")], -a2 / 7, "B on " + d)
    near(rate[("2020-02-08", "A")], 0, "A on 2020-02-08")
    near(rate[("2020-01-31", "A")], 0, "A on 2020-01-31")
    rows = stats(tmp, t, "--rate", "30d", "--step", "day", "--from", "2020-02-15", "--to", "2020-02-15")
    near(float(rows[0]["rate_km2_per_day"]) if rows[0]["holder"] == "A" else float(rows[1]["rate_km2_per_day"]),
         a2 / 30, "A's 30-day rate on 2020-02-15")


@test("stats --rate with --step week or month: each row's rate is the daily series' rate on its date")
def _(tmp):
    t = squares(tmp)
    daily = {(r["date"], r["holder"]): r["rate_km2_per_day"]
             for r in stats(tmp, t, "--rate", "10d", "--step", "day", "--from", "2020-01-01", "--to", "2020-03-31")}
    for step in ("week", "month", "event"):
        rows = stats(tmp, t, "--rate", "10d", "--step", step, "--from", "2020-01-01", "--to", "2020-03-31")
        check(rows, "no rows with --step " + step)
        for r in rows:
            key = (r["date"][:10], r["holder"])
            check(key in daily and float(daily[key]) == float(r["rate_km2_per_day"]),
                  "--step %s %r: %s, daily %s" % (step, key, r["rate_km2_per_day"], daily.get(key)))


@test("bad input: --rate values, --date, an unknown format: a clear error naming it, nothing written")
def _(tmp):
    t = squares(tmp)
    out = os.path.join(tmp, "out.csv")
    for bad in ("7", "0d", "d", "-3d", "7w", "1.5d", "36501d", ""):
        run_fail(["-d", t, "stats", "--rate", bad, "-o", out], tmp, ["--rate", bad], code=2)
        check(not os.path.exists(out), "--rate %r wrote %s" % (bad, out))
    gj = os.path.join(tmp, "l.geojson")
    for cmd in (["lines"], ["snapshot", "--lines"]):
        run_fail(["-d", t] + cmd + ["--date", "2020-13-45", "-o", gj], tmp, ["--date", "2020-13-45"], code=2)
        check(not os.path.exists(gj), "%r with a bad date wrote a file" % cmd)
        p = run(["-d", t] + cmd + ["--date", "2020-01-15", "-f", "nosuchformat", "-o", gj], tmp)
        check(p.returncode != 0 and "nosuchformat" in p.stderr, "unknown format: exit %d, %r"
              % (p.returncode, p.stderr))
        check(not os.path.exists(gj), "%r with an unknown format wrote a file" % cmd)
    p = run(["-d", t, "lines", "--date", "2020-01-15", "-o", os.path.join(tmp, "l.nosuchext")], tmp)
    check(p.returncode != 0 and "nosuchext" in p.stderr, "unknown extension: %r" % p.stderr)
    check(not os.path.exists(os.path.join(tmp, "l.nosuchext")), "unknown extension wrote a file")


def serve(t):
    proc = subprocess.Popen([BIN, "-d", t, "serve", "--port", "0"], stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if k != "FRONTLINE_TRACKER"})
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"listening on http://[^ ]+:(\d+)", line)
        if m:
            return proc, int(m.group(1))
        if not line:
            break
    proc.kill()
    raise Failure("the server did not start")


def get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@test("serve: the front collection gives the lines at datetime; an interval is refused; it is listed")
def _(tmp):
    t = squares(tmp)
    proc, port = serve(t)
    try:
        st, doc = get(port, "/collections/front/items?datetime=2020-01-15&f=json")
        check(st == 200 and len(doc["features"]) == 1, "2020-01-15: %s %r" % (st, doc))
        f = doc["features"][0]
        check(f["id"] == "A:B" and f["properties"]["holder_b"] == "B", "feature %r" % f)
        near(f["properties"]["length_km"], ARC_KM, "length_km")
        st, doc = get(port, "/collections/front/items?datetime=2020-02-15&f=json")
        check(st == 200 and doc["features"] == [], "2020-02-15: %s %r" % (st, doc))
        st, doc = get(port, "/collections/front/items/A:B?datetime=2020-03-15&f=json")
        check(st == 200 and doc["id"] == "A:B", "item A:B on 2020-03-15: %s %r" % (st, doc))
        st, doc = get(port, "/collections/front/items?datetime=2020-01-01/2020-02-01&f=json")
        check(st == 400 and "front" in doc.get("description", ""), "interval: %s %r" % (st, doc))
        st, doc = get(port, "/collections?f=json")
        check("front" in [c["id"] for c in doc["collections"]], "collections %r" % doc)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


@test("DeepState: the front's length per day (stats --front) against shapely + pyproj on 8 days, within 0.1 %")
def _(tmp):
    data = os.path.join(os.environ.get("FL_SHARED") or os.path.join(SRC, "..", "shared"), "data", "deepstate")
    if not os.path.isdir(data):
        raise Skip("no DeepState data at %s" % data)
    p = subprocess.run(["/usr/bin/python3", os.path.join(SRC, "bench", "front_check.py"), "--frontline", BIN,
                        "--tracker", os.path.join(tmp, "ds"), "--data", data, "--days", "8"],
                       capture_output=True, text=True, timeout=600)
    check(p.returncode == 0, "front_check.py exit %d:\n%s\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    check("8 of 8 days agree" in p.stdout, p.stdout)


if __name__ == "__main__":
    sys.exit(main("fl-lines-"))
