#!/usr/bin/python3
"""End-to-end tests of polygon events (an `area` column naming a polygon of
areas.geojson) and of `frontline import-series`.

usage: /usr/bin/python3 test_polygons.py PATH_TO_FRONTLINE SOURCE_ROOT

Every test writes a small synthetic tracker (or a series of dated GeoJSON
files) into a fresh temporary folder, runs the tool there as a subprocess
(FRONTLINE_TRACKER removed from the environment) and prints TAP.  Expected
values are computed independently of the tool: pieces with shapely, geodesic
areas with pyproj on the WGS 84 ellipsoid, reprojected inputs with GDAL's
Python bindings.  Needs Debian's /usr/bin/python3 (osgeo, shapely, pyproj).
"""
import csv
import glob
import json
import os
import pty
import re
import subprocess
import sys

from osgeo import gdal, ogr, osr
from pyproj import Geod
from shapely.geometry import Polygon, box, mapping, shape
from shapely.ops import unary_union
from shapely.validation import explain_validity, make_valid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (BIN, Failure, Workdir, check, check_close, close, geojson, main, stats_rows,  # noqa: E402
                    test)

GEOD = Geod(ellps="WGS84")
REL = 1e-4  # 0.01 %
EVENT_HEADER = "id,date,regions,area,to,from,kind,status,source"

ogr.UseExceptions()
osr.UseExceptions()
gdal.UseExceptions()


# ------------------------------------------------------------------ helpers

def _ring_m2(ring):
    xs, ys = zip(*[(c[0], c[1]) for c in ring.coords])
    return abs(GEOD.polygon_area_perimeter(xs, ys)[0])


def geod_km2(geom):
    """Geodesic area of a shapely (multi)polygon in lon/lat, km², whatever the ring order."""
    if geom.is_empty:
        return 0.0
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return sum(geod_km2(p) for p in geom.geoms)
    if geom.geom_type != "Polygon":
        return 0.0
    return (_ring_m2(geom.exterior) - sum(_ring_m2(h) for h in geom.interiors)) / 1e6


def symdiff(a, b):
    """Planar area (deg²) of the symmetric difference of two shapely geometries."""
    return a.symmetric_difference(b).area


def check_same_shape(got, expected, what, tol=1e-12):
    d = symdiff(got, expected)
    check(d < tol, "%s: symmetric difference with the expected polygon is %.3g deg² (tolerance %g)"
          "\n  got      %s\n  expected %s" % (what, d, tol, got.wkt[:600], expected.wkt[:600]))


def densify(geom, step=0.01):
    """geom with a vertex every `step` degrees or less along its edges, rounded to 7 decimals
    (the tool's 1e-7 grid).  Areas are geodesic (PROJ): an edge of a fixture is the geodesic
    between its ends, but the vertices that an overlay inserts on a long edge lie on the straight
    lon/lat line and so change the area of what is on either side.  On edges of 0.01 degree
    both readings agree to ~1e-8 relative, so that expected areas do not depend on that choice
    (t_area_split tests the long-edge case on its own)."""
    if geom.geom_type == "MultiPolygon":
        return unary_union([densify(p, step) for p in geom.geoms])

    def ring(coords):
        out = []
        for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:]):
            n = max(1, int(-(-max(abs(x1 - x0), abs(y1 - y0)) // step)))
            out += [(round(x0 + (x1 - x0) * k / n, 7), round(y0 + (y1 - y0) * k / n, 7)) for k in range(n)]
        return out + out[:1]
    return Polygon(ring(list(geom.exterior.coords)), [ring(list(h.coords)) for h in geom.interiors])


def sq(x0, y0, x1, y1):
    """A lon/lat rectangle, densified."""
    return densify(box(x0, y0, x1, y1))


def fc(features):
    return {"type": "FeatureCollection", "features": features}


def feature(props, geom):
    g = geom if isinstance(geom, dict) else mapping(geom)
    return {"type": "Feature", "properties": props, "geometry": g}


def ring_geom(ring):
    """A GeoJSON Polygon from a raw coordinate list (may be invalid: shapely not involved)."""
    return {"type": "Polygon", "coordinates": [[list(c) for c in ring]]}


class Ctx(Workdir):
    timeout = 120

    def env(self):
        env = dict(os.environ)
        env.pop("FRONTLINE_TRACKER", None)
        return env

    def write(self, name, text):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    def write_json(self, name, obj):
        return self.write(name, json.dumps(obj))

    def tracker(self, name, actors, areas, events, regions=None):
        """A folder tracker: actors [(id, name)], areas {id: geometry}, events (CSV rows
        after EVENT_HEADER), regions {id: shapely polygon} or None for no regions.geojson."""
        self.write(name + "/actors.csv", "id,name,color,kind,note\n" + "".join(
            "%s,%s,#%06x,control,\n" % (a, n, 0x1f77b4 + 0x101010 * i)
            for i, (a, n) in enumerate(actors)))
        if regions is not None:
            self.write_json(name + "/regions.geojson", fc(
                [feature({"id": k, "name": k.upper()}, g) for k, g in regions.items()]))
        self.write_json(name + "/areas.geojson", fc(
            [feature({"id": k}, g) for k, g in areas.items()]))
        self.write(name + "/events.csv", EVENT_HEADER + "\n" + "".join(r + "\n" for r in events))
        return name


def by_holder(fcoll):
    out = {}
    for f in fcoll["features"]:
        h = f["properties"]["holder"]
        check(h not in out, "two features for holder %r" % h)
        out[h] = f
    return out


def describe_pieces(feats):
    return "\n".join("  %s %s %s %.6f km² %s" % (
        f["properties"].get("region"), f["properties"].get("holder"), f["properties"].get("event"),
        f["properties"]["area_km2"], shape(f["geometry"]).wkt[:200]) for f in feats)


# ------------------------------------------------- a polygon event across two regions

R1, R2 = sq(30, 50, 31, 51), sq(31, 50, 32, 51)
# an irregular advance crossing the r1/r2 border (x = 31) between vertices
ADV_RAW = Polygon([(30.5, 50.2), (31.3, 50.25), (31.6, 50.5), (31.2, 50.85), (30.6, 50.7)])
ADV = densify(ADV_RAW)
AB = [("A", "Side A"), ("B", "Side B")]
CUT_EVENTS = ["base,2020-01-01,*,,A,,baseline,confirmed,test",
              "adv,2020-02-01,,adv,B,A,capture,confirmed,test report"]
BEFORE, AFTER = "2020-01-15", "2020-02-15"
# the pieces' vertices where the advance crosses x = 31 are snapped to the 1e-7° grid:
# their shape may differ from the exact shapely pieces by ~1e-10 deg²
PIECE_TOL = 1e-8


def cut_tracker(c, name="t"):
    return c.tracker(name, AB, {"adv": ADV}, CUT_EVENTS, {"r1": R1, "r2": R2})


@test("polygon event across two regions: snapshot --by region splits each region, holders and areas right")
def t_cut_by_region(c):
    t = cut_tracker(c)
    feats = geojson(c.ok("-d", t, "snapshot", "--date", AFTER))["features"]
    expected = {("r1", "A"): R1.difference(ADV), ("r1", "B"): R1.intersection(ADV),
                ("r2", "A"): R2.difference(ADV), ("r2", "B"): R2.intersection(ADV)}
    got = {}
    for f in feats:
        k = (f["properties"]["region"], f["properties"]["holder"])
        check(k not in got, "two pieces for %r:\n%s" % (k, describe_pieces(feats)))
        got[k] = f
    check(set(got) == set(expected), "pieces %s, expected %s:\n%s"
          % (sorted(got), sorted(expected), describe_pieces(feats)))
    for k, exp in expected.items():
        p = got[k]["properties"]
        check_same_shape(shape(got[k]["geometry"]), exp, "piece %r" % (k,), PIECE_TOL)
        check_close(p["area_km2"], geod_km2(exp), "area_km2 of piece %r" % (k,))
        ev, since = ("adv", "2020-02-01") if k[1] == "B" else ("base", "2020-01-01")
        check(p["event"] == ev and p["since"] == since,
              "piece %r: event %r since %r, expected %r since %r" % (k, p["event"], p["since"], ev, since))
    for rid, reg in (("r1", R1), ("r2", R2)):
        check_close(got[(rid, "A")]["properties"]["area_km2"] + got[(rid, "B")]["properties"]["area_km2"],
                    geod_km2(reg), "sum of the pieces of %s" % rid, rel=1e-6)
    # before the advance: whole regions, held by A
    feats = geojson(c.ok("-d", t, "snapshot", "--date", BEFORE))["features"]
    check(len(feats) == 2 and all(f["properties"]["holder"] == "A" for f in feats),
          "before the advance:\n%s" % describe_pieces(feats))
    for f in feats:
        reg = R1 if f["properties"]["region"] == "r1" else R2
        check_same_shape(shape(f["geometry"]), reg, "region %s before" % f["properties"]["region"])


@test("polygon event across two regions: snapshot --by actor dissolves (A with a hole, B = the advance)")
def t_cut_by_actor(c):
    t = cut_tracker(c)
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER)))
    check(set(h) == {"A", "B"}, "holders %s" % sorted(h))
    exp = {"A": unary_union([R1, R2]).difference(ADV), "B": ADV}
    total = geod_km2(unary_union([R1, R2]))
    for k, g in exp.items():
        got = shape(h[k]["geometry"])
        check(got.geom_type == "Polygon", "%s is a %s, expected one dissolved Polygon" % (k, got.geom_type))
        check_same_shape(got, g, "holder %s" % k, PIECE_TOL)
        check_close(h[k]["properties"]["area_km2"], geod_km2(g), "area_km2 of %s" % k)
        check_close(h[k]["properties"]["share"], geod_km2(g) / total, "share of %s" % k)
    check(len(shape(h["A"]["geometry"]).interiors) == 1, "A has no hole where B advanced")


@test("snapshot --holder: only the territory of the actors named, same geometry and area as in the full map")
def t_cut_holder(c):
    t = cut_tracker(c)
    full = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER)))
    only_b = geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER, "--holder", "B"))["features"]
    check([f["properties"]["holder"] for f in only_b] == ["B"], describe_pieces(only_b))
    check_same_shape(shape(only_b[0]["geometry"]), ADV, "--holder B", PIECE_TOL)
    check(only_b[0]["properties"]["area_km2"] == full["B"]["properties"]["area_km2"], "B's area differs")
    # by region: A's two pieces only
    feats = geojson(c.ok("-d", t, "snapshot", "--date", AFTER, "--holder", "A"))["features"]
    got = sorted((f["properties"]["region"], f["properties"]["holder"]) for f in feats)
    check(got == [("r1", "A"), ("r2", "A")], "pieces %s" % got)
    check_same_shape(shape(feats[0]["geometry"]).union(shape(feats[1]["geometry"])),
                     unary_union([R1, R2]).difference(ADV), "A's pieces", PIECE_TOL)
    # two ways of naming both give the whole map
    whole = c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER).out
    check(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER, "--holder", "A,B").out == whole,
          "--holder A,B differs from the whole map")
    check(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER, "--holder", "B", "--holder", "A").out
          == whole, "--holder B --holder A differs from the whole map")


@test("snapshot --holder refuses an unknown actor or an empty id (names the option and the actors), writes nothing")
def t_cut_holder_bad(c):
    t = cut_tracker(c)
    out = c.path("held.geojson")
    for value, want in (("XX", "no actor 'XX'"), ("A,", "expected actor ids"), ("", "expected actor ids")):
        r = c.run("-d", t, "snapshot", "--by", "actor", "--date", AFTER, "--holder", value, "-o", out)
        check(r.rc == 2, "--holder %r: exit %d, expected 2\n%s" % (value, r.rc, r.describe()))
        check("--holder" in r.err and want in r.err, "--holder %r: message %r" % (value, r.err))
        check(not os.path.exists(out), "--holder %r: an output file was written" % value)
    r = c.run("-d", t, "snapshot", "--holder", "XX")
    check("(its actors: A, B)" in r.err, "the known actors are not listed: %r" % r.err)


@test("polygon event across two regions: diff gives exactly the advance, A -> B, with its area")
def t_cut_diff(c):
    t = cut_tracker(c)
    feats = geojson(c.ok("-d", t, "diff", "--by", "actor", BEFORE, AFTER))["features"]
    check(len(feats) == 1, "%d features, expected 1:\n%s" % (len(feats), describe_pieces(feats)))
    p = feats[0]["properties"]
    check((p["from"], p["to"]) == ("A", "B"), "from %r to %r, expected A -> B" % (p["from"], p["to"]))
    check(p["events"] == "adv", "events %r, expected 'adv'" % p["events"])
    check(p["first_date"] == p["last_date"] == "2020-02-01", "dates %r %r" % (p["first_date"], p["last_date"]))
    check_same_shape(shape(feats[0]["geometry"]), ADV, "diff --by actor", PIECE_TOL)
    check_close(p["area_km2"], geod_km2(ADV), "diff area_km2")
    # by region: the advance cut by the border
    feats = geojson(c.ok("-d", t, "diff", BEFORE, AFTER))["features"]
    got = {f["properties"]["region"]: f for f in feats}
    check(len(feats) == 2 and set(got) == {"r1", "r2"}, "diff by region:\n%s" % describe_pieces(feats))
    for rid, reg in (("r1", R1), ("r2", R2)):
        exp = reg.intersection(ADV)
        f = got[rid]
        check((f["properties"]["from"], f["properties"]["to"]) == ("A", "B"), "%s: %r" % (rid, f["properties"]))
        check_same_shape(shape(f["geometry"]), exp, "diff piece of %s" % rid, PIECE_TOL)
        check_close(f["properties"]["area_km2"], geod_km2(exp), "diff area_km2 of %s" % rid)
    # nothing changes after the advance
    feats = geojson(c.ok("-d", t, "diff", AFTER, "2020-12-31"))["features"]
    check(feats == [], "diff %s 2020-12-31 is not empty:\n%s" % (AFTER, describe_pieces(feats)))


@test("polygon event across two regions: stats moves the advance's area from A to B on 2020-02-01")
def t_cut_stats(c):
    t = cut_tracker(c)
    rows = stats_rows(c.ok("-d", t, "stats").out)
    b = {}
    for r in rows:
        b.setdefault(r["date"], {})[r["holder"]] = r["area_km2"]
    check(set(b) == {"2020-01-01", "2020-02-01"}, "stats dates %s" % sorted(b))
    total, adv = geod_km2(unary_union([R1, R2])), geod_km2(ADV)
    check_close(b["2020-01-01"]["A"], total, "A on 2020-01-01")
    check_close(b["2020-01-01"].get("B", 0.0), 0.0, "B on 2020-01-01", abs_tol=1e-9)
    check_close(b["2020-02-01"]["A"], total - adv, "A on 2020-02-01")
    check_close(b["2020-02-01"]["B"], adv, "B on 2020-02-01")
    rows = stats_rows(c.ok("-d", t, "stats", "--step", "day", "--from", "2020-01-31",
                           "--to", "2020-02-02").out)
    got = {(r["date"], r["holder"]): r["area_km2"] for r in rows}
    check_close(got.get(("2020-01-31", "B"), 0.0), 0.0, "B on 2020-01-31", abs_tol=1e-9)
    check_close(got.get(("2020-02-01", "B"), -1), adv, "B on 2020-02-01 (--step day)")
    check_close(got.get(("2020-02-02", "B"), -1), adv, "B on 2020-02-02 (--step day)")


@test("an event polygon with long edges: its area equals pyproj's whole, and stays within the "
      "documented geodesic-edge bound (0.05 %) when a region border cuts it")
def t_area_split(c):
    # ADV_RAW as digitised: 5 vertices, edges of 0.4-0.8 degree.  Once in a tracker whose one
    # region holds all of it, once with the r1/r2 border (x = 31) crossing two of its edges.
    # Areas are geodesic: each piece's edges are geodesics.  The overlay puts the border's
    # crossing points on the straight lon/lat line of a long edge (as RFC 7946 draws it), so a
    # coarse polygon cut in two gains the bulge between that line and the geodesic: +0.027 %
    # here, about 1e-6 for digitised lines (a vertex every kilometre).  docs/design.md, "Areas".
    whole = c.tracker("whole", AB, {"adv": ADV_RAW}, CUT_EVENTS, {"r": box(30, 50, 32, 51)})
    split = c.tracker("split", AB, {"adv": ADV_RAW}, CUT_EVENTS, {"r1": box(30, 50, 31, 51),
                                                                     "r2": box(31, 50, 32, 51)})
    exp = geod_km2(ADV_RAW)
    got = {}
    for t in (whole, split):
        h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER)))
        got[t] = h["B"]["properties"]["area_km2"]
    check(close(got[whole], exp),
          "one region: area_km2 %.4f, pyproj's geodesic area %.4f km²" % (got[whole], exp))
    rel = abs(got[split] - exp) / exp
    check(rel < 5e-4, "cut by a border: area_km2 %.4f vs %.4f km² (%.4f %%, bound 0.05 %%)" %
          (got[split], exp, 100 * rel))


# ------------------------------------------------------------ a tracker without regions

S1 = sq(30, 50, 31, 51)
S2 = densify(Polygon([(30.5, 50.5), (31.5, 50.4), (31.6, 51.5), (30.4, 51.3)]))


@test("tracker without regions: the extent is the union of the event areas; snapshot and stats work")
def t_no_regions(c):
    t = c.tracker("t", AB, {"s1": S1, "s2": S2},
                  ["e1,2020-01-01,,s1,A,,baseline,confirmed,test",
                   "e2,2020-02-01,,s2,B,,capture,confirmed,test"])
    check(not os.path.exists(c.path(t, "regions.geojson")), "the fixture has a regions file")
    ext = unary_union([S1, S2])
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-03-01")))
    check(set(h) == {"A", "B"}, "holders %s" % sorted(h))
    exp = {"A": S1.difference(S2), "B": S2}
    for k, g in exp.items():
        check_same_shape(shape(h[k]["geometry"]), g, "holder %s" % k, PIECE_TOL)
        check_close(h[k]["properties"]["area_km2"], geod_km2(g), "area_km2 of %s" % k)
        check_close(h[k]["properties"]["share"], geod_km2(g) / geod_km2(ext), "share of %s (of the extent)" % k)
    check_same_shape(unary_union([shape(f["geometry"]) for f in h.values()]), ext, "union of the holders",
                     PIECE_TOL)
    # by region (the default): pieces without a region, covering the extent
    feats = geojson(c.ok("-d", t, "snapshot", "--date", "2020-03-01"))["features"]
    check(feats and all(f["properties"]["region"] is None for f in feats), describe_pieces(feats))
    for k, g in exp.items():
        mine = unary_union([shape(f["geometry"]) for f in feats if f["properties"]["holder"] == k])
        check_same_shape(mine, g, "pieces held by %s" % k, PIECE_TOL)
    check_close(sum(f["properties"]["area_km2"] for f in feats), geod_km2(ext), "sum of the pieces", rel=1e-6)
    # before e2, only s1 is held
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-01-15")))
    check(set(h) == {"A"}, "holders on 2020-01-15: %s" % sorted(h))
    check_same_shape(shape(h["A"]["geometry"]), S1, "A on 2020-01-15", PIECE_TOL)
    check_close(h["A"]["properties"]["share"], geod_km2(S1) / geod_km2(ext), "A's share on 2020-01-15")
    rows = stats_rows(c.ok("-d", t, "stats").out)
    got = {(r["date"], r["holder"]): r["area_km2"] for r in rows}
    check_close(got[("2020-02-01", "A")], geod_km2(exp["A"]), "stats A on 2020-02-01")
    check_close(got[("2020-02-01", "B")], geod_km2(S2), "stats B on 2020-02-01")
    r = c.ok("-d", t, "check")
    check(re.search(r"\b0 error\(s\), 0 warning\(s\)", r.out), "check is not clean:\n%s" % r.out)


# ------------------------------------------------------ re-digitised, nearly identical lines

# the line shared by two event polygons (west part e1, east part e2), vertices on the grid
LINE = [(30.5, 50.2), (30.52, 50.35), (30.47, 50.5), (30.53, 50.65), (30.5, 50.8)]
# the same line as re-digitised for the other polygon: each vertex moved by ~1e-9 degrees
JITTER = [(1e-9, -1e-9), (-1.3e-9, 0.7e-9), (0.9e-9, 1.2e-9), (-1e-9, -1.1e-9), (1.4e-9, 0.8e-9)]


@test("holders tile the extent exactly: no overlap, no gap, the data's vertices kept")
def t_exact_tiling(c):
    w = sq(30, 50, 31, 51)                # densified: a vertex every 0.01 degree, the data's own
    x = Polygon([(30.305, 50.5), (30.705, 50.5), (30.705, 51), (30.305, 51)])  # inside, its top on w's top edge
    t = c.tracker("t", AB, {"w": w, "x": x},
                  ["e1,2020-01-01,,w,B,,baseline,confirmed,test",
                   "e2,2020-02-01,,x,A,B,capture,confirmed,test",
                   "e3,2020-03-01,,x,B,A,capture,confirmed,test"])
    own = {(round(px, 7), round(py, 7)) for px, py in w.exterior.coords}

    def vertices(g):
        polys = getattr(g, "geoms", [g])
        return {(round(px, 7), round(py, 7)) for p in polys for r in [p.exterior, *p.interiors]
                for px, py in r.coords}
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-02-15")))
    a, b = shape(h["A"]["geometry"]), shape(h["B"]["geometry"])
    check(a.is_valid and b.is_valid, "invalid geometry")
    check(a.intersection(b).area == 0, "A and B overlap by %g deg²" % a.intersection(b).area)
    check(abs(a.union(b).area - w.area) < 1e-12, "A and B leave a gap: %g deg²" % (w.area - a.union(b).area))
    check(own <= vertices(a) | vertices(b), "%d of the data's own vertices were dropped"
          % len(own - (vertices(a) | vertices(b))))
    b = shape(by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-03-15")))["B"]["geometry"])
    check(b.is_valid, "invalid after the recapture")
    check_same_shape(b, w, "B after the recapture", PIECE_TOL)
    check(own <= vertices(b), "%d of the data's own vertices were dropped" % len(own - vertices(b)))


@test("re-digitised lines 1e-9 deg apart: no sliver pieces (none under 1e-6 km²), 3 pieces, check clean")
def t_slivers(c):
    west = [(30.2, 50.2)] + LINE + [(30.2, 50.8), (30.2, 50.2)]
    line2 = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(LINE, JITTER)]
    east = [(30.8, 50.8), (30.8, 50.2)] + line2 + [(30.8, 50.8)]
    pw, pe = Polygon(west), Polygon(east)
    check(pw.is_valid and pe.is_valid, "fixture polygons invalid")
    # the fixture itself: along the line the two polygons overlap here and leave gaps there
    gap_or_overlap = pw.intersection(pe).area + (box(30.2, 50.2, 30.8, 50.8).difference(pw.union(pe))).area
    check(gap_or_overlap > 0, "the jitter makes neither gap nor overlap: the test tests nothing")
    t = c.tracker("t", [("A", "Side A"), ("B", "Side B"), ("C", "Side C")],
                  {"west": ring_geom(west), "east": ring_geom(east)},
                  ["base,2020-01-01,r1,,A,,baseline,confirmed,test",
                   "e1,2020-02-01,,west,B,A,capture,confirmed,test",
                   "e2,2020-03-01,,east,C,A,capture,confirmed,test (re-digitised line)"],
                  {"r1": R1})
    feats = geojson(c.ok("-d", t, "snapshot", "--date", "2020-04-01"))["features"]
    small = [f for f in feats if f["properties"]["area_km2"] < 1e-6]
    check(not small, "%d piece(s) under 1e-6 km²:\n%s" % (len(small), describe_pieces(small)))
    holders = sorted(f["properties"]["holder"] for f in feats)
    check(holders == ["A", "B", "C"], "pieces by holder %s, expected one each of A, B, C:\n%s"
          % (holders, describe_pieces(feats)))
    got = {f["properties"]["holder"]: f for f in feats}
    exp = {"A": R1.difference(pw).difference(pe), "B": pw, "C": pe}
    for k, g in exp.items():
        check_same_shape(shape(got[k]["geometry"]), g, "piece held by %s" % k, 1e-8)
        check_close(got[k]["properties"]["area_km2"], geod_km2(g), "area_km2 of %s's piece" % k)
    # slivers merged into a neighbouring piece would not show above: B and C must meet exactly
    # (no gap held by A between them, no overlap held by C that B lost) ...
    bc = unary_union([shape(got["B"]["geometry"]), shape(got["C"]["geometry"])])
    check(bc.geom_type == "Polygon" and not bc.interiors, "B and C together: %s" % bc.wkt[:400])
    check_same_shape(bc, box(30.2, 50.2, 30.8, 50.8), "B and C together", 1e-14)
    check(shape(got["B"]["geometry"]).intersection(shape(got["C"]["geometry"])).area == 0, "B and C overlap")
    # ... C took only from A: the change from 02-15 to 04-01 is one piece A -> C, no B -> C sliver
    feats = geojson(c.ok("-d", t, "diff", "--by", "actor", "2020-02-15", "2020-04-01"))["features"]
    pairs = sorted((f["properties"]["from"], f["properties"]["to"]) for f in feats)
    check(pairs == [("A", "C")], "diff 2020-02-15 2020-04-01: %s, expected one piece A -> C:\n%s"
          % (pairs, describe_pieces(feats)))
    check_same_shape(shape(feats[0]["geometry"]), pe, "what C took", 1e-8)
    r = c.run("-d", t, "check", "-f", "json")
    d = json.loads(r.out)
    check(r.rc == 0 and d["errors"] == 0 and d["warnings"] == 0,
          "check is not clean (a sliver where C's 'from' A meets B?):\n%s" % r.out)


# --------------------------------------------------------------- invalid event polygons

def bowtie(t):
    """A figure-eight: a big triangular lobe and, crossing at X, a lobe t² as large."""
    p1, p2, x = (30.2, 50.2), (30.8, 50.2), (30.5, 50.5)
    q1 = (x[0] + t * (x[0] - p2[0]), x[1] + t * (x[1] - p2[1]))
    q2 = (x[0] + t * (x[0] - p1[0]), x[1] + t * (x[1] - p1[1]))
    return [p1, p2, q1, q2, p1]


# the outer ring touches itself at (30.5, 50.2): a hole drawn as an inward loop
SELF_TOUCH = [(30.2, 50.2), (30.5, 50.2), (30.45, 50.5), (30.55, 50.5), (30.5, 50.2), (30.8, 50.2),
              (30.8, 50.8), (30.2, 50.8), (30.2, 50.2)]


def planar_change(ring):
    p = Polygon(ring)
    check(not p.is_valid, "fixture %s is valid" % ring)
    return abs(make_valid(p).area - p.area) / p.area if p.area else float("inf")


def invalid_tracker(c, ring):
    return c.tracker("t", AB, {"x": ring_geom(ring)},
                     ["base,2020-01-01,r1,,A,,baseline,confirmed,test",
                      "x,2020-02-01,,x,B,A,capture,confirmed,test"], {"r1": R1})


def check_repaired(c, ring):
    t = invalid_tracker(c, ring)
    r = c.run("-d", t, "check")
    check(r.rc == 0, "check exit %d, expected 0 (a repair within 0.1 %%)\n%s" % (r.rc, r.describe()))
    warn = [l for l in r.out.splitlines() if l.startswith("warning: events.csv:3: field 'area': ")]
    check(warn and "MakeValid" in warn[0], "no MakeValid warning on events.csv:3 field 'area':\n%s" % r.out)
    check(re.search(r"\b0 error\(s\), 1 warning\(s\)", r.out), "not '0 error(s), 1 warning(s)':\n%s" % r.out)
    fixed = make_valid(Polygon(ring))
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-03-01")))
    check_same_shape(shape(h["B"]["geometry"]), fixed, "B's area (the repaired polygon)", 1e-10)
    check_close(h["B"]["properties"]["area_km2"], geod_km2(fixed), "B's area_km2")
    check_close(h["A"]["properties"]["area_km2"], geod_km2(R1) - geod_km2(fixed), "A's area_km2")
    return t


@test("invalid event polygon, ring touching itself (repair keeps the area): check warns MakeValid, exit 0")
def t_invalid_self_touch(c):
    check(planar_change(SELF_TOUCH) < 1e-12, "fixture: make_valid changes the area")
    check("Self-intersection" in explain_validity(Polygon(SELF_TOUCH)), "fixture")
    check_repaired(c, SELF_TOUCH)


@test("invalid event polygon, bow-tie with a lobe 1e-4 as large (area +0.02 %): repaired with a warning")
def t_invalid_small_lobe(c):
    ch = planar_change(bowtie(0.01))
    check(1e-4 < ch < 5e-4, "fixture: make_valid changes the area by %g" % ch)
    check_repaired(c, bowtie(0.01))


@test("the MakeValid warning is still reported by check once the index exists (after a snapshot)")
def t_invalid_warning_with_index(c):
    t = check_repaired(c, SELF_TOUCH)  # runs check, then snapshot (which writes the index)
    check(os.path.exists(c.path(t, ".frontline-index")), "no .frontline-index after a snapshot")
    r = c.run("-d", t, "check")
    check(r.rc == 0 and "MakeValid" in r.out and re.search(r"\b1 warning\(s\)", r.out),
          "the second check (index present) lost the repair warning that the first one reported:\n%s"
          % r.describe())


def check_refused(c, ring):
    t = invalid_tracker(c, ring)
    r = c.run("-d", t, "check")
    check(r.rc == 1, "check exit %d, expected 1 (a repair changing the area)\n%s" % (r.rc, r.describe()))
    err = [l for l in r.out.splitlines() if l.startswith("error: events.csv:3: field 'area': ")]
    check(err, "no error on events.csv:3 field 'area':\n%s" % r.out)
    r = c.run("-d", t, "snapshot", "--date", "2020-03-01", "-o", "out.geojson")
    check(r.rc != 0, "snapshot succeeded with a polygon whose repair changes its area\n%s" % r.describe())
    check("events.csv:3" in r.err and "'area'" in r.err, "snapshot's error does not name events.csv:3 "
          "field 'area':\n%s" % r.err)
    check(not os.path.exists(c.path("out.geojson")), "snapshot wrote out.geojson")
    check(not os.path.exists(c.path(t, ".frontline-index")), "an index was saved for a broken tracker")


@test("invalid event polygon, bow-tie with a lobe 1/4 as large (area +67 %): refused, events.csv:3 'area'")
def t_invalid_refused(c):
    ch = planar_change(bowtie(0.5))
    check(ch > 0.5, "fixture: make_valid changes the area by only %g" % ch)
    check_refused(c, bowtie(0.5))


@test("invalid event polygon, symmetric bow-tie (signed area 0, repair gives 2 lobes): refused")
def t_invalid_zero_area(c):
    # lobes left and right of the crossing, at the same latitudes: the signed geodesic area is 0
    ring = [(30.2, 50.2), (30.8, 50.8), (30.8, 50.2), (30.2, 50.8), (30.2, 50.2)]
    check(Polygon(ring).area == 0 and make_valid(Polygon(ring)).area > 0.1, "fixture")
    check_refused(c, ring)


@test("an event naming an area id missing from areas.geojson: error events.csv:3 field 'area'")
def t_missing_area(c):
    t = c.tracker("t", AB, {"adv": ADV},
                  ["base,2020-01-01,*,,A,,baseline,confirmed,test",
                   "adv,2020-02-01,,nosuch,B,A,capture,confirmed,test"], {"r1": R1, "r2": R2})
    r = c.run("-d", t, "snapshot", "--date", AFTER)
    check(r.rc != 0, "snapshot succeeded\n%s" % r.describe())
    check(re.search(r"events\.csv:3: field 'area': .*'nosuch'", r.err),
          "stderr does not say events.csv:3: field 'area' ... 'nosuch':\n%s" % r.err)
    r = c.run("-d", t, "check")
    check(r.rc == 1, "check exit %d\n%s" % (r.rc, r.describe()))
    errs = [l for l in r.out.splitlines() if l.startswith("error: ")]
    check(len(errs) == 1 and errs[0].startswith("error: events.csv:3: field 'area': ") and "'nosuch'" in errs[0],
          "check errors:\n%s" % r.out)


# ------------------------------------------------------------------ the persistent index

@test("persistent index: written by the first snapshot, same output again, a real edit of areas.geojson is seen")
def t_index(c):
    t = cut_tracker(c)
    idx = c.path(t, ".frontline-index")
    check(not os.path.exists(idx), "an index before any run")
    first = c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER).out
    check(os.path.exists(idx) and os.path.getsize(idx) > 0, "no .frontline-index after the first snapshot")
    second = c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER).out
    check(second == first, "the second run (from the index) differs from the first")
    check_close(by_holder(json.loads(second))["B"]["properties"]["area_km2"], geod_km2(ADV), "B (cached)")
    # move the eastern tip of the advance, keeping the file's size: [31.6, 50.5] -> [31.8, 50.5]
    p = c.path(t, "areas.geojson")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    check(text.count("[31.6, 50.5]") == 1, "fixture: [31.6, 50.5] not once in areas.geojson")
    with open(p, "w", encoding="utf-8") as f:
        f.write(text.replace("[31.6, 50.5]", "[31.8, 50.5]"))
    moved = Polygon([(31.8, y) if (x, y) == (31.6, 50.5) else (x, y) for x, y in ADV.exterior.coords])
    check(moved.is_valid and moved.area > ADV.area, "fixture: the moved polygon")
    third = c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER).out
    h = by_holder(json.loads(third))
    check(third != first, "after editing areas.geojson the snapshot is the cached one")
    check_same_shape(shape(h["B"]["geometry"]), moved, "B after the edit", PIECE_TOL)
    check_close(h["B"]["properties"]["area_km2"], geod_km2(moved), "B's area after the edit")
    # and region pieces follow too
    feats = geojson(c.ok("-d", t, "snapshot", "--date", AFTER))["features"]
    r2b = [f for f in feats if f["properties"]["region"] == "r2" and f["properties"]["holder"] == "B"]
    check(len(r2b) == 1, describe_pieces(feats))
    check_close(r2b[0]["properties"]["area_km2"], geod_km2(R2.intersection(moved)), "r2's B piece after the edit")
    # an edit of events.csv (same size) is seen too: the advance moves from 02-01 to 02-09
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-02-05")))
    check(set(h) == {"A", "B"}, "holders on 2020-02-05 before the edit: %s" % sorted(h))
    p = c.path(t, "events.csv")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    with open(p, "w", encoding="utf-8") as f:
        f.write(text.replace("adv,2020-02-01,", "adv,2020-02-09,"))
    h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", "2020-02-05")))
    check(set(h) == {"A"}, "holders on 2020-02-05 after moving the advance to 02-09: %s (the cached "
          "tracker?)" % sorted(h))
    check_close(h["A"]["properties"]["area_km2"], geod_km2(unary_union([R1, R2])), "A on 2020-02-05")


@test("persistent index: the same tracker spelled three ways (dir, dir/, dir/./) shares one index")
def t_index_spelling(c):
    t = cut_tracker(c)
    idx = c.path(t, ".frontline-index")
    first = c.ok("-d", t, "snapshot", "--by", "actor", "--date", AFTER).out
    st = os.stat(idx)
    parent, base = os.path.split(t.rstrip("/"))
    for spelling in (t + "/", os.path.join(parent, ".", base), os.path.join(parent, ".", base) + "//"):
        out = c.ok("-d", spelling, "snapshot", "--by", "actor", "--date", AFTER).out
        check(out == first, "snapshot through %r differs" % spelling)
        now = os.stat(idx)
        check((now.st_ino, now.st_mtime_ns, now.st_size) == (st.st_ino, st.st_mtime_ns, st.st_size),
              "the index was rewritten when the tracker was named %r" % spelling)


# -------------------------------------------------------------------- import-series

D1 = sq(30.0, 50.0, 30.5, 50.5)
D2 = sq(30.1, 50.1, 30.7, 50.7)   # grows north and east, loses a strip south and west
D3 = D2                             # no change
DAYS = [("2024-01-01", D1), ("2024-01-02", D2), ("2024-01-03", D3)]
NAMES = ["x_20240101.geojson", "x_20240102.geojson", "2024-01-03.geojson"]
EXTENT = unary_union([D1, D2, D3])


def write_days(c, names=NAMES, polys=None):
    polys = polys or [g for _, g in DAYS]
    for n, g in zip(names, polys):
        c.write_json(n, fc([feature({"name": "control"}, g)]))
    return list(names)


def read_events(c, t):
    with open(c.path(t, "events.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_imported(c, t, days=DAYS, tol=1e-12):
    """Each day's polygon comes back for RU, the rest of the extent for UA; events only on changes."""
    ext = unary_union([g for _, g in days])
    for d, g in days:
        h = by_holder(geojson(c.ok("-d", t, "snapshot", "--by", "actor", "--date", d)))
        check("RU" in h, "%s: no RU feature" % d)
        check_same_shape(shape(h["RU"]["geometry"]), g, "RU on %s" % d, tol)
        check_close(h["RU"]["properties"]["area_km2"], geod_km2(g), "RU's area_km2 on %s" % d)
        rest = ext.difference(g)
        if rest.area > 0:
            check("UA" in h, "%s: no UA feature" % d)
            check_same_shape(shape(h["UA"]["geometry"]), rest, "UA on %s" % d, tol)
            check_close(h["UA"]["properties"]["area_km2"], geod_km2(rest), "UA's area_km2 on %s" % d)
        check(set(h) <= {"RU", "UA"}, "holders %s" % sorted(h))
    evs = read_events(c, t)
    changed = [days[0][0]] + [days[i][0] for i in range(1, len(days))
                              if symdiff(days[i][1], days[i - 1][1]) > 0]
    dates = sorted({e["date"] for e in evs})
    check(dates == changed, "events.csv has events on %s, expected on the days with a change %s"
          % (dates, changed))
    r = c.run("-d", t, "check", "-f", "json")
    d = json.loads(r.out) if r.out.startswith("{") else {}
    check(r.rc == 0 and d.get("errors") == 0, "check is not clean:\n%s" % r.describe())
    return evs


@test("import-series: three daily files -> each day's polygon for RU, the rest of the extent for UA")
def t_import_basic(c):
    files = write_days(c)
    c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T", *files)
    check(sorted(os.listdir(c.path("T"))) == ["actors.csv", "areas.geojson", "events.csv", "import-series.json"],
          "T holds %s" % sorted(os.listdir(c.path("T"))))
    check(not glob.glob(c.path("*.tmp-*")), "leftover %s" % glob.glob(c.path("*.tmp-*")))
    evs = check_imported(c, "T")
    check(not [e for e in evs if e["date"] == "2024-01-03"], "an event on 2024-01-03, a day without change")
    # the changes of 2024-01-02 are exactly the gain and the loss
    with open(c.path("T", "areas.geojson"), encoding="utf-8") as f:
        areas = {ft["properties"]["id"]: shape(ft["geometry"]) for ft in json.load(f)["features"]}
    day2 = {(e["to"], e["from"]): areas[e["area"]] for e in evs if e["date"] == "2024-01-02"}
    check(set(day2) == {("RU", "UA"), ("UA", "RU")}, "2024-01-02 events %s" % sorted(day2))
    check_same_shape(day2[("RU", "UA")], D2.difference(D1), "RU's gain on 2024-01-02")
    check_same_shape(day2[("UA", "RU")], D1.difference(D2), "RU's loss on 2024-01-02")


@test("import-series: files given out of order and a day-3 ring rewritten from another vertex, reversed")
def t_import_order(c):
    coords = list(D2.exterior.coords)[:-1]
    coords = coords[2:] + coords[:2]
    coords.reverse()
    d3 = {"type": "Polygon", "coordinates": [[list(p) for p in coords + coords[:1]]]}
    write_days(c, NAMES[:2])
    c.write_json(NAMES[2], fc([feature({}, d3)]))
    c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T", NAMES[2], NAMES[0], NAMES[1])
    evs = check_imported(c, "T")
    check(not [e for e in evs if e["date"] == "2024-01-03"], "an event on 2024-01-03 (same polygon, "
          "other start vertex and orientation): %s" % [e["id"] for e in evs if e["date"] == "2024-01-03"])


@test("import-series --date-field: one file, three features dated by 'day', same tracker")
def t_import_date_field(c):
    c.write_json("series.geojson", fc([feature({"day": d}, g) for d, g in DAYS]))
    c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T", "--date-field", "day",
         "series.geojson")
    evs = check_imported(c, "T")
    check(not [e for e in evs if e["date"] == "2024-01-03"], "an event on 2024-01-03")
    # the same result as from three files
    write_days(c)
    c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T2", *NAMES)
    for d, _ in DAYS:
        a = by_holder(geojson(c.ok("-d", "T", "snapshot", "--by", "actor", "--date", d)))
        b = by_holder(geojson(c.ok("-d", "T2", "snapshot", "--by", "actor", "--date", d)))
        for k in ("RU", "UA"):
            check_same_shape(shape(a[k]["geometry"]), shape(b[k]["geometry"]), "%s on %s, two imports" % (k, d))


def reproject(c, src_name, dst_name, epsg, driver):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    gdal.VectorTranslate(c.path(dst_name), c.path(src_name), format=driver, dstSRS=srs,
                         srcSRS="EPSG:4326", layerName="control")
    return dst_name


@test("import-series: inputs in EPSG:3857 (GeoJSON) and GeoPackages (3857, UTM 36N) give the same result")
def t_import_crs(c):
    write_days(c, ["ll1.geojson", "ll2.geojson", "ll3.geojson"])
    files = [reproject(c, "ll1.geojson", "x_20240101.geojson", 3857, "GeoJSON"),
             reproject(c, "ll2.geojson", "x_20240102.gpkg", 3857, "GPKG"),
             reproject(c, "ll3.geojson", "2024-01-03.gpkg", 32636, "GPKG")]
    ds = ogr.Open(c.path(files[0]))
    check(ds.GetLayer(0).GetSpatialRef().GetAuthorityCode(None) == "3857", "fixture not in EPSG:3857")
    ds = None
    c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T", *files)
    # reprojection there and back moves vertices by ~1e-9 degrees; the grid is 1e-7
    evs = check_imported(c, "T", tol=1e-10)
    check(not [e for e in evs if e["date"] == "2024-01-03"],
          "an event on 2024-01-03: the same polygon read through another CRS was taken for a change")


@test("import-series: no progress text when stderr is a pipe (and progress when it is a terminal)")
def t_import_progress(c):
    files = write_days(c)
    r = c.ok("import-series", "--holder", "RU", "--other", "UA", "--out", "T", *files)
    check(r.err == "", "stderr is not empty with stderr a pipe: %r" % r.err)
    # counter-check: a terminal gets progress
    master, slave = pty.openpty()
    try:
        p = subprocess.run([BIN, "import-series", "--holder", "RU", "--other", "UA", "--out", "T2"] + files,
                           cwd=c.tmp, env=c.env(), stdout=subprocess.PIPE, stderr=slave, timeout=120)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:
                break
            if not b:
                break
            chunks.append(b)
        tty = b"".join(chunks).decode("utf-8", "replace")
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    check(p.returncode == 0, "exit %d with a terminal" % p.returncode)
    check("3/3" in tty, "no progress on a terminal: %r" % tty)


# errors: non-zero exit, a message naming the culprit, --out not created, no *.tmp-* left

def check_refusal(c, args, needles, out="O", rc=None):
    before = sorted(os.listdir(c.tmp))
    r = c.run("import-series", *args)
    check(r.rc != 0, "exit status 0\n%s" % r.describe())
    if rc is not None:
        check(r.rc == rc, "exit status %d, expected %d\n%s" % (r.rc, rc, r.describe()))
    for n in needles:
        check(n in r.err, "stderr does not mention %r:\n%s" % (n, r.err))
    check(not os.path.exists(c.path(out)), "--out %s was created" % out)
    check(not glob.glob(c.path("*.tmp-*")), "leftover %s" % glob.glob(c.path("*.tmp-*")))
    check(sorted(os.listdir(c.tmp)) == before, "the folder changed: %s -> %s" % (before, sorted(os.listdir(c.tmp))))
    return r


HO = ["--holder", "RU", "--other", "UA", "--out", "O"]


@test("import-series refuses a file without a date in its name (names it, suggests --date-field)")
def t_imp_err_nodate(c):
    files = write_days(c, ["x_20240101.geojson", "control.geojson"])
    check_refusal(c, HO + files, ["control.geojson", "date", "--date-field"])


@test("import-series refuses two files for the same date (names both)")
def t_imp_err_same_date(c):
    files = write_days(c, ["x_20240101.geojson", "y-2024-01-01.geojson"])
    r = check_refusal(c, HO + files, ["2024-01-01"])
    check("x_20240101.geojson" in r.err and "y-2024-01-01.geojson" in r.err, "not both files named:\n%s" % r.err)


@test("import-series refuses a garbage file and a missing file (names them)")
def t_imp_err_garbage(c):
    files = write_days(c, ["x_20240101.geojson"])
    c.write("z_20240102.geojson", "this is not { GeoJSON\n")
    check_refusal(c, HO + files + ["z_20240102.geojson"], ["z_20240102.geojson"])
    check_refusal(c, HO + files + ["nosuch_20240103.geojson"], ["nosuch_20240103.geojson"])


@test("import-series refuses a point where a polygon is expected (file, feature, 'geometry')")
def t_imp_err_point(c):
    files = write_days(c, ["x_20240101.geojson"])
    c.write_json("p_20240102.geojson", fc([feature({}, {"type": "Point", "coordinates": [30.2, 50.2]})]))
    check_refusal(c, HO + files + ["p_20240102.geojson"], ["p_20240102.geojson", "feature 1", "geometry", "polygon"])


@test("import-series: --holder, --other, --out are required (usage error naming the option)")
def t_imp_err_missing_opts(c):
    files = write_days(c)
    check_refusal(c, ["--other", "UA", "--out", "O"] + files, ["--holder"], rc=2)
    check_refusal(c, ["--holder", "RU", "--out", "O"] + files, ["--other"], rc=2)
    check_refusal(c, ["--holder", "RU", "--other", "UA"] + files, ["--out"], rc=2)
    check_refusal(c, HO, ["no input files"], rc=2)


@test("import-series refuses --holder equal to --other")
def t_imp_err_same_actor(c):
    files = write_days(c)
    check_refusal(c, ["--holder", "RU", "--other", "RU", "--out", "O"] + files, ["--holder", "--other", "RU"])


@test("import-series refuses an existing non-empty --out folder and leaves it untouched")
def t_imp_err_out_exists(c):
    files = write_days(c)
    c.write("O/keep.txt", "precious\n")
    st = os.stat(c.path("O", "keep.txt"))
    r = c.run("import-series", *(HO + files))
    check(r.rc != 0, "exit 0\n%s" % r.describe())
    check("--out" in r.err and "O" in r.err, "stderr does not name --out O:\n%s" % r.err)
    check(os.listdir(c.path("O")) == ["keep.txt"], "O now holds %s" % os.listdir(c.path("O")))
    with open(c.path("O", "keep.txt"), encoding="utf-8") as f:
        check(f.read() == "precious\n", "keep.txt changed")
    check(os.stat(c.path("O", "keep.txt")).st_mtime_ns == st.st_mtime_ns, "keep.txt touched")
    check(not glob.glob(c.path("*.tmp-*")), "leftover %s" % glob.glob(c.path("*.tmp-*")))


@test("import-series refuses --date-field naming a field the file lacks (names file and field)")
def t_imp_err_no_field(c):
    c.write_json("series.geojson", fc([feature({"day": d}, g) for d, g in DAYS]))
    check_refusal(c, HO + ["--date-field", "when", "series.geojson"], ["series.geojson", "'when'"])


@test("import-series refuses a malformed date in the date field ('someday', '2024-13-01')")
def t_imp_err_bad_date(c):
    for bad in ("someday", "2024-13-01"):
        c.write_json("series.geojson", fc([feature({"day": d if i != 1 else bad}, g)
                                           for i, (d, g) in enumerate(DAYS)]))
        check_refusal(c, HO + ["--date-field", "day", "series.geojson"], ["series.geojson", "feature 2", "'day'", bad])


@test("import-series refuses an impossible date in the date field ('2024-02-30', typed Date by GDAL)")
def t_imp_err_impossible_date(c):
    c.write_json("series.geojson", fc([feature({"day": d if i != 1 else "2024-02-30"}, g)
                                       for i, (d, g) in enumerate(DAYS)]))
    ds = ogr.Open(c.path("series.geojson"))
    defn = ds.GetLayer(0).GetLayerDefn()
    ftype = defn.GetFieldDefn(defn.GetFieldIndex("day")).GetTypeName()
    ds = None
    try:
        check_refusal(c, HO + ["--date-field", "day", "series.geojson"], ["series.geojson", "2024-02-30"])
    except Failure as e:
        if os.path.exists(c.path("O", "events.csv")):  # say what the tool made of it
            with open(c.path("O", "events.csv"), encoding="utf-8") as f:
                rows = [l.split(",")[:2] for l in f.read().splitlines()[1:]]
            chk = c.run("-d", "O", "check")
            raise Failure("%s\n(GDAL reads the field 'day' as %s.) The tracker was written, events (id, date): "
                          "%s\n`frontline -d O check` exit %d:\n%s"
                          % (e, ftype, rows, chk.rc, (chk.out + chk.err).strip()[:800]))
        raise


if __name__ == "__main__":
    sys.exit(main("fl-polygons-", context=Ctx))
