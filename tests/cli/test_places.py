#!/usr/bin/python3
"""End-to-end tests of `frontline places` (and `stats --places`, and the
places collection of `frontline serve`).

usage: /usr/bin/python3 test_places.py PATH_TO_FRONTLINE SOURCE_ROOT

A small tracker of four squares r1..r4 (0.5 degree each) and a layer of
points written here: one inside each square, one on the edge shared by r1
and r2, one on the tracker's outer edge, one far outside.  The holders
expected on each date are replayed here from the events table (the latest
event of the point's region with date <= D, with the filters), independently
of the tool.  The shipped Karabakh places are checked against the
tracker's own events.csv.  Prints TAP.
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
import urllib.request

from osgeo import ogr, osr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, Workdir, check, geojson, main, test  # noqa: E402

ogr.UseExceptions()

SQUARES = {"r1": (40.0, 40.0), "r2": (40.5, 40.0), "r3": (40.0, 40.5), "r4": (40.5, 40.5)}
# id, date, regions, to, status, recorded
EVENTS = [
    ["base", "2020-01-01", "*", "A", "confirmed", "2020-01-01"],
    ["e1", "2020-03-01", "r1", "B", "confirmed", "2020-03-01"],
    ["e2", "2020-06-01", "r2", "B", "claimed", "2020-06-01"],
    ["e3", "2020-09-01", "r1", "A", "confirmed", "2021-01-01"],
    ["e4", "2020-10-04/2020-10-09", "r3", "B", "confirmed", "2020-10-10"],
]
# name, lon, lat, the region it belongs to (None: outside), pop, weight
POINTS = [
    ("p1", 40.25, 40.25, "r1", 100, 1.5),
    ("p2", 40.75, 40.25, "r2", 200, 2.25),
    ("p3", 40.25, 40.75, "r3", 300, 3.0),
    ("p4", 40.75, 40.75, "r4", 400, 4.0),
    # on the edge r1 | r2: the first region (r1) in the tracker's order
    ("edge", 40.5, 40.1, "r1", 10, 0.5),
    # on the tracker's outer edge (r1's west side): inside
    ("rim", 40.0, 40.3, "r1", 20, 0.25),
    ("far", 50.0, 50.0, None, 5000, 100.0),
]


def write_tracker(folder):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "actors.csv"), "w") as f:
        f.write("id,name,color,kind,note\nA,Side A,#1f77b4,control,\nB,Side B,#d62728,control,\n")
    feats = []
    for rid, (x, y) in SQUARES.items():
        feats.append({"type": "Feature", "properties": {"id": rid, "name": rid.upper(), "alt_names": "",
                                                       "kind": "cell", "parent": ""},
                      "geometry": {"type": "Polygon", "coordinates": [[
                          [x, y], [x + 0.5, y], [x + 0.5, y + 0.5], [x, y + 0.5], [x, y]]]}})
    with open(os.path.join(folder, "regions.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    with open(os.path.join(folder, "events.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "regions", "to", "from", "kind", "status", "source", "note",
                    "recorded", "corrects", "partial"])
        for e in EVENTS:
            w.writerow([e[0], e[1], e[2], e[3], "", "capture", e[4], "test", "", e[5], "", "false"])
    return folder


def write_points(path, points=POINTS, srs=4326, driver="GeoJSON", transform=None, geom=None):
    """The points as a layer of `driver` at path (srs None: no CRS)."""
    drv = ogr.GetDriverByName(driver)
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    sr = None
    if srs:
        sr = osr.SpatialReference()
        sr.ImportFromEPSG(srs)
        sr.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lyr = ds.CreateLayer("towns", sr, geom or ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("pop", ogr.OFTInteger))
    lyr.CreateField(ogr.FieldDefn("weight", ogr.OFTReal))
    lyr.CreateField(ogr.FieldDefn("note", ogr.OFTString))
    for name, x, y, _, pop, wgt in points:
        f = ogr.Feature(lyr.GetLayerDefn())
        f["name"], f["pop"], f["weight"], f["note"] = name, pop, wgt, "n-" + name
        if transform:
            x, y = transform(x, y)
        f.SetGeometry(ogr.CreateGeometryFromWkt("POINT (%r %r)" % (x, y)))
        lyr.CreateFeature(f)
    ds = None
    return path


def day(d):
    return d[:10]


def replay(region, date, confirmed=False, as_of=None):
    """(holder, event, since) of region at the end of day `date`, from EVENTS."""
    holder = event = since = None
    for eid, edate, regs, to, status, recorded in EVENTS:
        if day(edate) > date:
            continue
        if confirmed and status != "confirmed":
            continue
        if as_of and recorded > as_of:
            continue
        if regs != "*" and region not in regs.split(";"):
            continue
        if to != holder:
            since = day(edate)
        holder, event = to, eid
    return holder, event, since


def status_of(event):
    return next(e[4] for e in EVENTS if e[0] == event) if event else None


class Ctx(Workdir):
    def __init__(self, tmp):
        super().__init__(tmp)
        self.t = write_tracker(os.path.join(tmp, "t"))
        self.pts = write_points(os.path.join(tmp, "towns.geojson"))

    def places(self, *extra):
        doc = geojson(self.ok("-d", self.t, "places", self.pts, *extra))
        return {f["properties"]["name"]: f for f in doc["features"]}


DATES = ["2019-12-31", "2020-01-01", "2020-03-01", "2020-06-15", "2020-09-01", "2020-10-05",
         "2020-10-09", "2021-06-01"]


def check_states(got, date, confirmed=False, as_of=None):
    for name, _, _, region, pop, wgt in POINTS:
        p = got[name]["properties"]
        if region is None:
            check(p["holder"] is None and p["status"] == "outside" and p["event"] is None,
                  "%s %s: %r, expected outside" % (date, name, p))
            continue
        holder, event, since = replay(region, date, confirmed, as_of)
        check(p["holder"] == holder, "%s %s: holder %r, expected %r" % (date, name, p["holder"], holder))
        check(p["event"] == event, "%s %s: event %r, expected %r" % (date, name, p["event"], event))
        check(p["since"] == since, "%s %s: since %r, expected %r" % (date, name, p["since"], since))
        want_status = status_of(event) or "none"
        check(p["status"] == want_status, "%s %s: status %r, expected %r" % (date, name, p["status"],
                                                                             want_status))
        check(p["holder_name"] == ({"A": "Side A", "B": "Side B"}[holder] if holder else None),
              "%s %s: holder_name %r" % (date, name, p["holder_name"]))
        # the layer's own fields are kept, with their types
        check(p["pop"] == pop and p["weight"] == wgt and p["note"] == "n-" + name,
              "%s %s: own fields %r" % (date, name, p))


@test("places on each date: holder, holder_name, since, event, status as the events say; own fields kept")
def t_dates(c):
    for d in DATES:
        check_states(c.places("--date", d), d)


@test("places: a point on a shared edge goes to the first region, one on the outer edge is inside, one far away is outside")
def t_edges(c):
    got = c.places("--date", "2020-06-15")
    # on 2020-06-15 r1 is B's, r2 is B's (claimed): take a date where they differ
    got = c.places("--date", "2020-03-15")
    check(got["edge"]["properties"]["holder"] == "B" and got["p2"]["properties"]["holder"] == "A",
          "edge on 2020-03-15: %r (r1 is B's, r2 A's)" % got["edge"]["properties"])
    check(got["rim"]["properties"]["holder"] == "B", "rim: %r" % got["rim"]["properties"])
    check(got["far"]["properties"]["status"] == "outside", "far: %r" % got["far"]["properties"])


@test("places with --status confirmed and --as-of: the filters of the other commands")
def t_filters(c):
    check_states(c.places("--date", "2020-06-15", "--status", "confirmed"), "2020-06-15", confirmed=True)
    check_states(c.places("--date", "2020-12-01", "--as-of", "2020-12-31"), "2020-12-01",
                 as_of="2020-12-31")
    # e3 (recorded 2021-01-01) left out by --as-of: r1 stays B's
    p = c.places("--date", "2020-12-01", "--as-of", "2020-12-31")["p1"]["properties"]
    check(p["holder"] == "B" and p["event"] == "e1", "p1 as of 2020-12-31: %r" % p)


@test("places: uncertain is true while an event dated by a period may or may not have taken effect")
def t_uncertain(c):
    check(c.places("--date", "2020-10-05")["p3"]["properties"]["uncertain"] is True, "p3 on 2020-10-05")
    check(c.places("--date", "2020-10-09")["p3"]["properties"]["uncertain"] is False, "p3 on 2020-10-09")
    check(c.places("--date", "2020-10-05")["p1"]["properties"]["uncertain"] is False, "p1 on 2020-10-05")


def expected_diff(d1, d2):
    """{name: (from, to, [events], [dates])} replayed from EVENTS."""
    out = {}
    for name, _, _, region, _, _ in POINTS:
        if region is None:
            continue
        h1 = replay(region, d1)[0]
        h2 = replay(region, d2)[0]
        if h1 == h2:
            continue
        evs, cur = [], h1
        for eid, edate, regs, to, _, _ in EVENTS:
            if d1 < day(edate) <= d2 and (regs == "*" or region in regs.split(";")) and to != cur:
                evs.append((eid, day(edate)))
                cur = to
        out[name] = (h1, h2, [e for e, _ in evs], [x for _, x in evs])
    return out


@test("places --diff D1 D2: the points that changed hands, with from, to, events and dates")
def t_diff(c):
    for d1, d2 in [("2020-01-01", "2020-06-15"), ("2020-02-01", "2020-12-31"), ("2019-01-01", "2020-01-01"),
                   ("2020-03-01", "2020-09-01")]:
        doc = geojson(c.ok("-d", c.t, "places", c.pts, "--diff", d1, d2))
        got = {f["properties"]["name"]: f["properties"] for f in doc["features"]}
        want = expected_diff(d1, d2)
        check(set(got) == set(want), "%s..%s: changed %s, expected %s" % (d1, d2, sorted(got), sorted(want)))
        for name, (h1, h2, evs, dates) in want.items():
            p = got[name]
            check((p["from"], p["to"]) == (h1, h2), "%s..%s %s: %r -> %r, expected %r -> %r"
                  % (d1, d2, name, p["from"], p["to"], h1, h2))
            check(p["events"] == ",".join(evs) and p["dates"] == ",".join(dates),
                  "%s..%s %s: events %r dates %r, expected %r %r" % (d1, d2, name, p["events"], p["dates"],
                                                                     evs, dates))
            check(p["pop"] == dict((x[0], x[4]) for x in POINTS)[name], "own fields kept: %r" % p)


@test("places --diff -f text: one line per point, 'from until date, then to'")
def t_diff_text(c):
    r = c.ok("-d", c.t, "places", c.pts, "--diff", "2020-01-01", "2020-12-31", "-f", "text")
    check("  p2: A until 2020-06-01, then B (e2)\n" in r.out, "p2's line:\n" + r.out)
    check("p1" not in r.out, "p1 went B and back to A: no net change\n" + r.out)
    r = c.ok("-d", c.t, "places", c.pts, "--diff", "2020-01-01", "2020-08-01", "-f", "text")
    check("  p1: A until 2020-03-01, then B (e1)\n" in r.out, "p1's line:\n" + r.out)


@test("places -o FILE.csv and FILE.gpkg: read back with GDAL, the same holders and fields")
def t_formats(c):
    want = {n: f["properties"] for n, f in c.places("--date", "2020-06-15").items()}
    for ext in ("csv", "gpkg", "geojson"):
        out = c.path("out." + ext)
        c.ok("-d", c.t, "places", c.pts, "--date", "2020-06-15", "-o", out)
        ds = ogr.Open(out)
        lyr = ds.GetLayer(0)
        n = 0
        for f in lyr:
            n += 1
            w = want[f["name"]]
            for k in ("holder", "event", "status", "note"):
                got = f[k] if f.IsFieldSetAndNotNull(k) else None
                if ext == "csv" and got == "":
                    got = None  # (CSV has no null)
                check(got == w[k], "%s %s %s: %r, expected %r" % (ext, f["name"], k, got, w[k]))
            check(str(f["pop"]) == str(w["pop"]), "%s %s pop %r" % (ext, f["name"], f["pop"]))
            if ext != "csv":
                g = f.GetGeometryRef()
                x, y = next((p[1], p[2]) for p in POINTS if p[0] == f["name"])
                check(abs(g.GetX() - x) < 1e-7 and abs(g.GetY() - y) < 1e-7, "%s point %s" % (ext, f["name"]))
        check(n == len(POINTS), "%s: %d features" % (ext, n))
    # its own output read again: the answer's fields are replaced, not doubled
    again = geojson(c.ok("-d", c.t, "places", c.path("out.geojson"), "--date", "2020-03-15"))
    keys = list(again["features"][0]["properties"])
    check(keys == ["name", "pop", "weight", "note", "holder", "holder_name", "since", "event", "status",
                   "uncertain"], "fields of the output read again: %r" % keys)
    check_states({f["properties"]["name"]: f for f in again["features"]}, "2020-03-15")


@test("places from a CSV with lon/lat columns: located, its numbers summed by stats --places-weight")
def t_csv_input(c):
    src = c.path("towns.csv")
    with open(src, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "lon", "lat", "pop", "weight", "note"])
        for name, x, y, _, pop, wgt in POINTS:
            w.writerow([name, x, y, pop, wgt, "n-" + name])
    doc = geojson(c.ok("-d", c.t, "places", src, "--date", "2020-03-15"))
    got = {f["properties"]["name"]: f for f in doc["features"]}
    check_states(got, "2020-03-15")
    r = c.ok("-d", c.t, "stats", "--places", src, "--places-weight", "pop", "--from", "2020-03-15", "--to",
             "2020-03-15", "--step", "day")
    rows = {x["holder"]: x for x in csv.DictReader(io.StringIO(r.out))}
    want_b = sum(p[4] for p in POINTS if p[3] and replay(p[3], "2020-03-15")[0] == "B")
    check(float(rows["B"]["places_pop"]) == want_b, "B: %r, expected %r" % (rows["B"], want_b))


@test("places: a layer in another CRS (EPSG:3857) gives the same holders")
def t_crs(c):
    src = osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(3857)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    pts = write_points(c.path("merc.gpkg"), srs=3857, driver="GPKG",
                       transform=lambda x, y: ct.TransformPoint(x, y)[:2])
    doc = geojson(c.ok("-d", c.t, "places", pts, "--date", "2020-03-15"))
    got = {f["properties"]["name"]: f for f in doc["features"]}
    check_states(got, "2020-03-15")


@test("places on the shipped Karabakh tracker: Stepanakert AM until the 2023 event, then AZ; Armenia's towns outside")
def t_karabakh(c):
    with open(os.path.join(KARABAKH, "events.csv"), newline="") as f:
        ev = {r["id"]: r for r in csv.DictReader(f)}
    e = ev["2023-karabakh"]
    start = e["date"].split("/")[0]
    check(e["to"] == "AZ" and e["from"] == "AM" and "khankendi-city" in e["regions"], "2023 event: %r" % e)
    r = c.ok("places", "--diff", "2000-01-01", "2023-12-31", "-f", "text")
    line = [x for x in r.out.splitlines() if "Stepanakert" in x]
    check(len(line) == 1, "one Stepanakert line:\n" + r.out)
    check(line[0].startswith("  Stepanakert / Khankendi City: AM until %s, then AZ (2023-karabakh" % start),
          "Stepanakert: %r" % line[0])
    before = geojson(c.ok("places", "--date", "2023-09-01"))
    after = geojson(c.ok("places", "--date", "2024-01-01"))
    with open(os.path.join(KARABAKH, "places.geojson")) as f:
        shipped = json.load(f)
    check(len(before["features"]) == len(shipped["features"]) == 25, "25 places")
    b = {f["properties"]["NAME"]: f["properties"] for f in before["features"]}
    a = {f["properties"]["NAME"]: f["properties"] for f in after["features"]}
    check(b["Stepanakert"]["holder"] == "AM" and a["Stepanakert"]["holder"] == "AZ",
          "Stepanakert: %r then %r" % (b["Stepanakert"], a["Stepanakert"]))
    check(a["Stepanakert"]["event"] == "2023-karabakh" and a["Stepanakert"]["since"] == start,
          "Stepanakert after: %r" % a["Stepanakert"])
    # Natural Earth's fields are kept
    check(a["Stepanakert"]["wikidataid"] == "Q129352" and a["Stepanakert"]["POP_MAX"] == 57473,
          "source fields: %r" % a["Stepanakert"])
    for name in ("Yerevan", "Gyumri"):
        check(a[name]["status"] == "outside" and a[name]["holder"] is None, "%s: %r" % (name, a[name]))
    check(a["Baku"]["holder"] == "AZ", "Baku: %r" % a["Baku"])


# ------------------------------------------------------------------ stats
@test("stats --places: points per holder at each step and the sum of --places-weight, against a count of the replay")
def t_stats(c):
    for field, col in (("pop", "places_pop"), ("weight", "places_weight")):
        r = c.ok("-d", c.t, "stats", "--places", c.pts, "--places-weight", field, "--step", "month",
                 "--from", "2020-01-01", "--to", "2021-01-31")
        rows = list(csv.DictReader(io.StringIO(r.out)))
        check(rows and "places" in rows[0] and col in rows[0], "columns: %r" % (rows[:1],))
        dates = sorted({x["date"] for x in rows})
        check(len(dates) >= 12, "monthly rows: %r" % dates)
        for row in rows:
            count = total = 0
            for name, _, _, region, pop, wgt in POINTS:
                if region and replay(region, row["date"])[0] == row["holder"]:
                    count += 1
                    total += pop if field == "pop" else wgt
            check(float(row["places"]) == count, "%s %s: %s places, expected %d" % (row["date"], row["holder"],
                                                                                    row["places"], count))
            check(abs(float(row[col]) - total) < 1e-9, "%s %s: %s %s, expected %r" % (
                row["date"], row["holder"], col, row[col], total))


@test("stats --places on the shipped tracker: Stepanakert's 57473 (Natural Earth's POP_MAX) moves from AM to AZ in 2023")
def t_stats_karabakh(c):
    places = os.path.join(KARABAKH, "places.geojson")
    r = c.ok("stats", "--places", places, "--places-weight", "POP_MAX", "--from", "2023-08-01", "--to",
             "2023-12-31", "--step", "month")
    rows = {(x["date"], x["holder"]): x for x in csv.DictReader(io.StringIO(r.out))}
    check(float(rows[("2023-08-31", "AM")]["places_POP_MAX"]) == 57473, "AM on 2023-08-31: %r" % rows)
    check(float(rows[("2023-10-31", "AM")]["places"]) == 0, "AM on 2023-10-31: %r" % rows)
    az0, az1 = rows[("2023-08-31", "AZ")], rows[("2023-10-31", "AZ")]
    check(float(az1["places_POP_MAX"]) - float(az0["places_POP_MAX"]) == 57473
          and float(az1["places"]) - float(az0["places"]) == 1, "AZ: %r -> %r" % (az0, az1))


@test("stats --places bad input: an unknown field, a text field, a missing file, --places-weight alone: named, nothing written")
def t_stats_bad(c):
    out = c.path("s.csv")
    r = c.run("-d", c.t, "stats", "--places", c.pts, "--places-weight", "popp", "-o", out)
    check(r.rc == 2 and "--places-weight popp" in r.err and c.pts in r.err and "pop" in r.err, r.describe())
    no_output(c, out)
    r = c.run("-d", c.t, "stats", "--places", c.pts, "--places-weight", "note", "-o", out)
    check(r.rc == 2 and "note" in r.err and "not numeric" in r.err and c.pts in r.err, r.describe())
    no_output(c, out)
    r = c.run("-d", c.t, "stats", "--places", c.path("none.gpkg"), "-o", out)
    check(r.rc != 0 and c.path("none.gpkg") in r.err, r.describe())
    no_output(c, out)
    r = c.run("-d", c.t, "stats", "--places-weight", "pop", "-o", out)
    check(r.rc == 2 and "--places" in r.err, r.describe())
    no_output(c, out)
    r = c.run("-d", c.t, "stats", "--places", os.path.join(c.t, "regions.geojson"), "-o", out)
    check(r.rc != 0 and "not of points" in r.err, r.describe())
    no_output(c, out)


# ------------------------------------------------------------------ bad input
def no_output(c, out):
    check(not os.path.exists(out), "%s was written" % out)


@test("bad input: a polygon layer, a missing file, an unknown layer: a clear error naming it, nothing written")
def t_bad(c):
    out = c.path("out.geojson")
    regions = os.path.join(c.t, "regions.geojson")
    r = c.run("-d", c.t, "places", regions, "-o", out)
    check(r.rc != 0 and regions in r.err and "not of points" in r.err, r.describe())
    no_output(c, out)
    missing = c.path("nope.geojson")
    r = c.run("-d", c.t, "places", missing, "-o", out)
    check(r.rc != 0 and missing in r.err, r.describe())
    no_output(c, out)
    r = c.run("-d", c.t, "places", c.pts, "--layer", "villages", "-o", out)
    check(r.rc != 0 and "villages" in r.err and c.pts in r.err, r.describe())
    no_output(c, out)
    # a mixed layer: a line among the points, named by its feature
    mixed = c.path("mixed.geojson")
    with open(mixed, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "ok"}, "geometry": {"type": "Point", "coordinates": [40.2, 40.2]}},
            {"type": "Feature", "properties": {"name": "bad"},
             "geometry": {"type": "LineString", "coordinates": [[40.2, 40.2], [40.3, 40.3]]}}]}, f)
    r = c.run("-d", c.t, "places", mixed, "-o", out)
    check(r.rc != 0 and mixed in r.err and "feature 1" in r.err and "not a point" in r.err, r.describe())
    no_output(c, out)


@test("bad input: a layer without CRS is read as lon/lat when it is one, refused (naming the feature) when not")
def t_no_crs(c):
    out = c.path("out.geojson")
    ok = write_points(c.path("lonlat.shp"), srs=None, driver="ESRI Shapefile")
    check(not os.path.exists(c.path("lonlat.prj")), "the shapefile has no .prj")
    doc = geojson(c.ok("-d", c.t, "places", ok, "--date", "2020-03-15"))
    check_states({f["properties"]["name"]: f for f in doc["features"]}, "2020-03-15")
    bad = write_points(c.path("metres.shp"), srs=None, driver="ESRI Shapefile",
                       transform=lambda x, y: (x * 111000.0, y * 111000.0))
    r = c.run("-d", c.t, "places", bad, "-o", out)
    check(r.rc != 0 and bad in r.err and "no CRS" in r.err and "feature 0" in r.err, r.describe())
    no_output(c, out)


@test("usage: --diff with --date, D1 after D2, a tracker without places and no FILE, -f text with -o")
def t_usage(c):
    r = c.run("-d", c.t, "places", c.pts, "--diff", "2020-01-01", "2020-02-01", "--date", "2020-01-01")
    check(r.rc == 2 and "--date" in r.err, r.describe())
    r = c.run("-d", c.t, "places", c.pts, "--diff", "2020-05-01", "2020-02-01")
    check(r.rc == 2 and "after" in r.err, r.describe())
    r = c.run("-d", c.t, "places")
    check(r.rc != 0 and "no places" in r.err and c.t in r.err, r.describe())
    r = c.run("-d", c.t, "places", c.pts, "-f", "text", "-o", c.path("x.txt"))
    check(r.rc == 2 and "-f text" in r.err and not os.path.exists(c.path("x.txt")), r.describe())


# ------------------------------------------------------------------ serve
@test("serve: a places collection with the holders at datetime when the tracker has places, none without")
def t_serve(c):
    def start(tracker):
        p = subprocess.Popen([BIN, "-d", tracker, "serve", "--port", "0"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        port = None
        for line in p.stderr:
            m = re.search(r"listening on http://[^ ]+:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        check(port, "the server did not start")
        return p, "http://127.0.0.1:%d" % port

    def get(url):
        try:
            with urllib.request.urlopen(url) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def stop(p):
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)

    # without places.geojson: no collection
    p, base = start(c.t)
    try:
        ids = [x["id"] for x in get(base + "/collections")[1]["collections"]]
        check("places" not in ids, "collections: %r" % ids)
        check(get(base + "/collections/places/items")[0] == 404, "places without places.geojson")
    finally:
        stop(p)
    # with the test's points as the tracker's places
    with open(c.pts) as f, open(os.path.join(c.t, "places.geojson"), "w") as g:
        g.write(f.read())
    p, base = start(c.t)
    try:
        ids = [x["id"] for x in get(base + "/collections")[1]["collections"]]
        check("places" in ids, "collections: %r" % ids)
        for d in ("2020-03-15", "2020-06-15", "2021-06-01"):
            st, doc = get(base + "/collections/places/items?datetime=" + d)
            check(st == 200 and doc["numberMatched"] == len(POINTS), "%s: %s %r" % (d, st, doc.get("numberMatched")))
            check_states({f["properties"]["name"]: f for f in doc["features"]}, d)
        st, f = get(base + "/collections/places/items/p2?datetime=2020-06-15")
        check(st == 200 and f["properties"]["holder"] == "B" and f["properties"]["status"] == "claimed",
              "p2: %s %r" % (st, f))
        st, doc = get(base + "/collections/places/items?datetime=2020-01-01/2020-02-01")
        check(st == 400, "an interval: %s" % st)
    finally:
        stop(p)


if __name__ == "__main__":
    sys.exit(main("fl-places-", context=Ctx))
