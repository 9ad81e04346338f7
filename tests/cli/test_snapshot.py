#!/usr/bin/python3
"""End-to-end tests of `frontline snapshot` and `frontline log` on the shipped
Karabakh tracker (and copies of it in other stores and CRSs).

Usage: /usr/bin/python3 test_snapshot.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Each test runs the tool as a subprocess, with FRONTLINE_TRACKER
unset unless the test sets it, in a fresh temporary directory.  Needs Debian's
python3 (osgeo, shapely, pyproj).
"""
import csv
import datetime
import decimal
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zoneinfo

from osgeo import gdal, ogr
from pyproj import Geod
from shapely import wkt as shapely_wkt
from shapely.geometry import shape
from shapely.validation import explain_validity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, SRC, Failure, check, describe, event_period, main, run, run_fail, run_ok, test  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()

if len(sys.argv) != 3:
    sys.exit("usage: test_snapshot.py FRONTLINE_BINARY SOURCE_ROOT")
GEOD = Geod(ellps="WGS84")


def geojson(args, cwd, env=None):
    p = run_ok(args, cwd, env)
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Failure("stdout is not JSON (%s)\n%s\nstdout: %s" % (e, describe(p), p.stdout[:500]))


def by_region(doc):
    m = {}
    for f in doc["features"]:
        rid = f["properties"]["region"]
        check(rid not in m, "region %r appears twice in the snapshot" % rid)
        m[rid] = f["properties"]
    return m


def snapshot_regions(date, cwd, extra=(), env=None):
    return by_region(geojson(["snapshot", "--date", date] + list(extra), cwd, env))


def pairs_geojson(doc):
    return sorted((f["properties"]["region"], f["properties"]["holder"]) for f in doc["features"])


def pairs_ogr(path, layer="control"):
    ds = ogr.Open(path)
    check(ds is not None, "osgeo.ogr cannot open %s" % path)
    lyr = ds.GetLayerByName(layer)
    check(lyr is not None, "%s has no layer %r (layers: %s)" % (
        path, layer, [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]))
    out = []
    for f in lyr:
        out.append((f.GetField("region"), f.GetField("holder")))
    return sorted(out), lyr.GetGeomType(), lyr.GetSpatialRef(), ds


def diff_pairs(a, b):
    sa, sb = set(a), set(b)
    return "only in first: %s; only in second: %s" % (sorted(sa - sb)[:10], sorted(sb - sa)[:10])


def copy_tracker(tmp, name="t"):
    dst = os.path.join(tmp, name)
    shutil.copytree(KARABAKH, dst, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dst


def read_events():
    with open(os.path.join(KARABAKH, "events.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_regions():
    with open(os.path.join(KARABAKH, "regions.geojson"), encoding="utf-8") as f:
        return json.load(f)


def geod_km2(geom):
    """Geodesic area (km2) of a shapely geometry in lon/lat, pyproj on WGS 84."""
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def rel_err(a, b):
    return abs(a - b) / abs(b) if b else abs(a - b)


BAKU = zoneinfo.ZoneInfo("Asia/Baku")  # the shipped tracker's zone (tracker.csv)


def reference_holders(date):
    """Holder of every region at the end of `date` (YYYY-MM-DD), replayed here
    from events.csv independently of the tool: events in date order, ties in
    file order; an event named in another's `corrects` is replaced by it (no
    as-of, so every correction counts)."""
    rows = read_events()
    ids = [f["properties"]["id"] for f in read_regions()["features"]]
    corrected = {r["corrects"] for r in rows if r["corrects"]}
    live = [(i, r) for i, r in enumerate(rows) if r["id"] not in corrected]

    def instant(text):
        # a date is the start of its day in the tracker's zone (Baku); a
        # date-time has its offset; a period applies at its start
        return event_period(text, BAKU)[0]

    end = datetime.datetime.fromisoformat(date + "T23:59:59").replace(tzinfo=BAKU)
    live.sort(key=lambda ir: (instant(ir[1]["date"]), ir[0]))
    holders = {rid: None for rid in ids}
    for _, r in live:
        if instant(r["date"]) > end:
            continue
        for rid in (ids if r["regions"] == "*" else r["regions"].split(";")):
            holders[rid] = r["to"]
    return holders


def ogr2ogr(args):
    """ogr2ogr from gdal-bin, or the same through osgeo.gdal if it is missing."""
    exe = shutil.which("ogr2ogr")
    if exe:
        p = subprocess.run([exe] + args, capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, "ogr2ogr %s failed: %s" % (" ".join(args), p.stderr))
    else:
        dst, src, rest = args[-2], args[-1], args[:-2]
        gdal.VectorTranslate(dst, src, options=rest)


def build_gpkg(path, regions_src=None, csv_open_opts=(), t_srs=None, folder=KARABAKH):
    """A GeoPackage tracker with layers actors, events (from the CSVs),
    regions, zones (from the GeoJSON) of `folder`."""
    for name, ext in (("actors", "csv"), ("events", "csv"), ("regions", "geojson"),
                      ("zones", "geojson")):
        src = os.path.join(folder, name + "." + ext)
        if name == "regions" and regions_src:
            src = regions_src
        args = ["-f", "GPKG", "-update", "-append", "-nln", name]
        if ext == "csv":
            for o in csv_open_opts:
                args += ["-oo", o]
        if name == "regions" and t_srs:
            args += ["-t_srs", t_srs]
        ogr2ogr(args + [path, src])


# ------------------------------------------------------ holders on handovers
def holder_test(region, before, after):
    def fn(tmp):
        for date, want in ((before, "AM"), (after, "AZ")):
            m = snapshot_regions(date, tmp)
            check(region in m, "no feature with region %r on %s" % (region, date))
            got = m[region]["holder"]
            check(got == want, "snapshot --date %s: %s holder %r, expected %r (event %r)" % (
                date, region, got, want, m[region].get("event")))
    return fn


test("agdam: AM on 2020-11-19, AZ on 2020-11-20")(holder_test("agdam", "2020-11-19", "2020-11-20"))
test("kalbajar: AM on 2020-11-24, AZ on 2020-11-25")(
    holder_test("kalbajar", "2020-11-24", "2020-11-25"))
test("lachin: AM on 2020-11-30, AZ on 2020-12-01")(holder_test("lachin", "2020-11-30", "2020-12-01"))


@test("kalbajar on 2020-11-25: since, event, kind, status, source, partial, area")
def _(tmp):
    p = snapshot_regions("2020-11-25", tmp)["kalbajar"]
    ev = {r["id"]: r for r in read_events()}["2020-kalbajar"]
    want = {"holder": "AZ", "since": "2020-11-25", "event": "2020-kalbajar", "kind": "handover",
            "status": "confirmed", "source": ev["source"], "partial": False,
            "note": ev["note"], "name": "Kalbajar District"}
    bad = {k: (p.get(k), v) for k, v in want.items() if p.get(k) != v}
    check(not bad, "kalbajar properties differ (got, expected): %r" % bad)
    geom = [f for f in read_regions()["features"] if f["properties"]["id"] == "kalbajar"][0]
    ref = geod_km2(shape(geom["geometry"]))
    check(rel_err(p["area_km2"], ref) < 1e-4,
          "kalbajar area_km2 %r, pyproj geodesic area %r" % (p["area_km2"], ref))
    check(abs(ref - 2860.7) < 0.05, "README gives 2,860.7 km2 for Kalbajar, pyproj %.2f" % ref)


@test("kalbajar on 2020-11-24: still AM since 1993-04-02 (event 1993-kalbajar)")
def _(tmp):
    p = snapshot_regions("2020-11-24", tmp)["kalbajar"]
    got = (p["holder"], p["since"], p["event"], p["status"])
    check(got == ("AM", "1993-04-02", "1993-kalbajar", "confirmed"), "got %r" % (got,))


@test("every region's holder matches a reference replay of events.csv around each event date")
def _(tmp):
    dates = set()
    for r in read_events():
        for t in event_period(r["date"], BAKU):  # the Baku days a period starts and ends on
            d = t.astimezone(BAKU).date()
            dates |= {d, d - datetime.timedelta(days=1)}
    errors = []
    for d in sorted(dates):
        ds = d.isoformat()
        got = {k: v["holder"] for k, v in snapshot_regions(ds, tmp).items()}
        want = reference_holders(ds)
        check(set(got) == set(want), "%s: region ids differ: %s" % (ds, diff_pairs(got, want)))
        errors += ["%s %s: tool %s, reference %s" % (ds, k, got[k], want[k])
                   for k in sorted(want) if got[k] != want[k]]
    check(not errors, "%d differences, first: %s" % (len(errors), errors[:8]))


# ------------------------------------------------------------- date-times
def instant_test(date, want):
    def fn(tmp):
        p = snapshot_regions(date, tmp)["kalbajar"]
        check(p["holder"] == want, "snapshot --date %s: kalbajar %r (event %r), expected %r" % (
            date, p["holder"], p["event"], want))
    return fn


# the handover's date-only 2020-11-25 is that day in Baku (the tracker's time
# zone, UTC+4): it takes effect at 2020-11-24T20:00Z
test("--date 2020-11-24T19:59+00:00: kalbajar AM")(instant_test("2020-11-24T19:59+00:00", "AM"))
test("--date 2020-11-24T20:00+00:00 (= 2020-11-25T00:00 in Baku): kalbajar AZ")(
    instant_test("2020-11-24T20:00+00:00", "AZ"))
test("--date 2020-11-25T00:00+00:00: kalbajar AZ")(instant_test("2020-11-25T00:00+00:00", "AZ"))
test("--date 2020-11-24T22:59+03:00 (= 2020-11-24T19:59Z): kalbajar AM")(
    instant_test("2020-11-24T22:59+03:00", "AM"))
test("--date 2020-11-24T23:59 (no offset: Baku's clocks, 19:59Z): kalbajar AM")(
    instant_test("2020-11-24T23:59", "AM"))
test("--date 2020-11-24T21:00-03:00 (= 2020-11-25T00:00Z): kalbajar AZ")(
    instant_test("2020-11-24T21:00-03:00", "AZ"))
test("--date 2020-11-25T00:00:00Z: kalbajar AZ")(instant_test("2020-11-25T00:00:00Z", "AZ"))


# --------------------------------------------------------------- RFC 7946
def shoelace(ring):
    s = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        s += float(x0) * float(y1) - float(x1) * float(y0)
    return s / 2


def rfc7946_problems(text):
    doc = json.loads(text, parse_float=decimal.Decimal)
    probs = []
    if "crs" in doc:
        probs.append("FeatureCollection has a 'crs' member")
    nholes = 0
    maxdec = 0
    for f in doc["features"]:
        if "crs" in f:
            probs.append("a feature has a 'crs' member")
        g = f["geometry"]
        rid = f["properties"].get("region") or f["properties"].get("holder")
        if g["type"] == "Polygon":
            polys = [g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            polys = g["coordinates"]
        else:
            probs.append("%s: geometry type %s" % (rid, g["type"]))
            continue
        for poly in polys:
            for k, ring in enumerate(poly):
                if ring[0] != ring[-1]:
                    probs.append("%s: ring not closed" % rid)
                a = shoelace(ring)
                if k == 0 and a <= 0:
                    probs.append("%s: exterior ring is not counter-clockwise (area %g)" % (rid, a))
                if k > 0:
                    nholes += 1
                    if a >= 0:
                        probs.append("%s: hole is not clockwise (area %g)" % (rid, a))
                for pt in ring:
                    if len(pt) != 2:
                        probs.append("%s: position with %d values" % (rid, len(pt)))
                    x, y = pt[0], pt[1]
                    if not (-180 <= x <= 180 and -90 <= y <= 90):
                        probs.append("%s: (%s %s) is not lon/lat" % (rid, x, y))
                    for v in (x, y):
                        if isinstance(v, decimal.Decimal):
                            maxdec = max(maxdec, -v.as_tuple().exponent)
    if maxdec > 7:
        probs.append("coordinates with %d decimals (RFC 7946 advises at most 7 here)" % maxdec)
    return probs, nholes, doc


@test("GeoJSON --by region is RFC 7946: no crs, CCW exteriors, CW holes, lon/lat, <= 7 decimals")
def _(tmp):
    p = run_ok(["snapshot", "--date", "2020-11-24"], tmp)
    probs, nholes, doc = rfc7946_problems(p.stdout)
    check(not probs, "%d problems: %s" % (len(probs), probs[:8]))
    check(len(doc["features"]) == 78, "expected 78 region features, got %d" % len(doc["features"]))
    check(nholes > 0, "no hole in any region: the hole orientation check checked nothing")


@test("GeoJSON --by actor is RFC 7946: no crs, CCW exteriors, CW holes, lon/lat, <= 7 decimals")
def _(tmp):
    p = run_ok(["snapshot", "--date", "2020-11-24", "--by", "actor"], tmp)
    probs, nholes, _ = rfc7946_problems(p.stdout)
    check(not probs, "%d problems: %s" % (len(probs), probs[:8]))
    check(nholes > 0, "the AZ piece should have holes where AM holds enclaves; none found")


# -------------------------------------------------------------- --by actor
@test("--by actor on 2020-11-24: one feature per holder, areas = pyproj sums (0.01 %), valid")
def _(tmp):
    doc = geojson(["snapshot", "--date", "2020-11-24", "--by", "actor"], tmp)
    holders = [f["properties"]["holder"] for f in doc["features"]]
    check(sorted(holders) == ["AM", "AZ"], "holders %r, expected one AM and one AZ" % holders)
    want = reference_holders("2020-11-24")
    am_ids = sorted(k for k, v in want.items() if v == "AM")
    check(am_ids == sorted(["kalbajar", "lachin", "khankendi-city", "khojaly", "khojavend"]),
          "reference AM regions on 2020-11-24: %r" % am_ids)
    ref = {"AM": 0.0, "AZ": 0.0}
    for f in read_regions()["features"]:
        ref[want[f["properties"]["id"]]] += geod_km2(shape(f["geometry"]))
    total = ref["AM"] + ref["AZ"]
    for f in doc["features"]:
        pr = f["properties"]
        h = pr["holder"]
        check(rel_err(pr["area_km2"], ref[h]) < 1e-4,
              "%s area_km2 %.4f, pyproj sum of its regions %.4f (%.5f %%)" % (
                  h, pr["area_km2"], ref[h], 100 * rel_err(pr["area_km2"], ref[h])))
        check(abs(pr["share"] - ref[h] / total) < 1e-4,
              "%s share %r, expected %r" % (h, pr["share"], ref[h] / total))
        g = shape(f["geometry"])
        check(g.is_valid, "%s geometry invalid: %s" % (h, explain_validity(g)))
        check(rel_err(geod_km2(g), ref[h]) < 1e-4,
              "%s geometry measures %.4f km2, expected %.4f" % (h, geod_km2(g), ref[h]))
    check(abs(ref["AM"] - 7077.15) < 0.1, "AM total %.2f km2" % ref["AM"])


@test("--by region: every geometry is valid (shapely) and area_km2 matches pyproj (0.01 %)")
def _(tmp):
    doc = geojson(["snapshot", "--date", "2020-11-24"], tmp)
    src = {f["properties"]["id"]: shape(f["geometry"]) for f in read_regions()["features"]}
    bad = []
    for f in doc["features"]:
        rid = f["properties"]["region"]
        g = shape(f["geometry"])
        if not g.is_valid:
            bad.append("%s invalid: %s" % (rid, explain_validity(g)))
        ref = geod_km2(src[rid])
        if rel_err(f["properties"]["area_km2"], ref) >= 1e-4:
            bad.append("%s area_km2 %r vs pyproj %r" % (rid, f["properties"]["area_km2"], ref))
    check(not bad, "%d problems: %s" % (len(bad), bad[:8]))
    check(sorted(f["properties"]["region"] for f in doc["features"]) == sorted(src),
          "regions of the snapshot differ from regions.geojson")


# ------------------------------------------------------------------ formats
@test("-o out.gpkg: GeoPackage with a 'control' layer, same region/holder pairs as GeoJSON")
def _(tmp):
    ref = pairs_geojson(geojson(["snapshot", "--date", "2020-11-24"], tmp))
    p = run_ok(["snapshot", "--date", "2020-11-24", "-o", "out.gpkg"], tmp)
    check(p.stdout == "", "stdout should be empty with -o, got %r" % p.stdout[:200])
    path = os.path.join(tmp, "out.gpkg")
    check(os.path.isfile(path), "out.gpkg not written")
    got, gtype, srs, ds = pairs_ogr(path)
    check(ds.GetDriver().GetName() == "GPKG", "driver %s" % ds.GetDriver().GetName())
    check(got == ref, "pairs differ: " + diff_pairs(got, ref))
    check(srs is not None and srs.IsGeographic() and srs.GetAuthorityCode(None) == "4326",
          "layer SRS is not EPSG:4326: %s" % (srs.ExportToProj4() if srs else None))
    lyr = ds.GetLayerByName("control")
    for f in lyr:
        if f.GetField("region") == "kalbajar":
            check((f.GetField("event"), f.GetField("since")) == ("1993-kalbajar", "1993/04/02") or
                  (f.GetField("event"), f.GetField("since")) == ("1993-kalbajar", "1993-04-02"),
                  "kalbajar event/since %r %r" % (f.GetField("event"), f.GetField("since")))
            g = shape(json.loads(f.GetGeometryRef().ExportToJson()))
            check(g.is_valid and abs(geod_km2(g) - 2860.69) < 0.1,
                  "kalbajar geometry from the GeoPackage measures %.2f km2" % geod_km2(g))
    leftovers = [n for n in os.listdir(tmp) if n != "out.gpkg"]
    check(not leftovers, "files left beside the output: %r" % leftovers)


@test("-o x.fgb: FlatGeobuf with the same region/holder pairs")
def _(tmp):
    ref = pairs_geojson(geojson(["snapshot", "--date", "2020-11-24"], tmp))
    run_ok(["snapshot", "--date", "2020-11-24", "-o", "x.fgb"], tmp)
    got, gtype, _, ds = pairs_ogr(os.path.join(tmp, "x.fgb"))
    check(ds.GetDriver().GetName() == "FlatGeobuf", "driver %s" % ds.GetDriver().GetName())
    check(got == ref, "pairs differ: " + diff_pairs(got, ref))


@test("-f CSV (stdout): WKT geometry and the same region/holder pairs")
def _(tmp):
    ref_doc = geojson(["snapshot", "--date", "2020-11-24"], tmp)
    ref = pairs_geojson(ref_doc)
    p = run_ok(["snapshot", "--date", "2020-11-24", "-f", "CSV"], tmp)
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    check(rows and "WKT" in rows[0] and "region" in rows[0] and "holder" in rows[0],
          "CSV header: %r" % (p.stdout.splitlines()[:1],))
    got = sorted((r["region"], r["holder"]) for r in rows)
    check(got == ref, "pairs differ: " + diff_pairs(got, ref))
    k = [r for r in rows if r["region"] == "kalbajar"][0]
    g = shapely_wkt.loads(k["WKT"])
    check(g.is_valid and abs(geod_km2(g) - 2860.69) < 0.1,
          "kalbajar WKT measures %.2f km2" % geod_km2(g))
    check(abs(float(k["area_km2"]) - 2860.69) < 0.1, "kalbajar area_km2 %r" % k["area_km2"])


@test("-o out.csv: the same rows as -f CSV on stdout")
def _(tmp):
    a = run_ok(["snapshot", "--date", "2020-11-24", "-f", "csv"], tmp).stdout
    run_ok(["snapshot", "--date", "2020-11-24", "-o", "out.csv"], tmp)
    with open(os.path.join(tmp, "out.csv"), newline="", encoding="utf-8") as f:
        b = f.read()
    ra = sorted((r["region"], r["holder"]) for r in csv.DictReader(io.StringIO(a)))
    rb = sorted((r["region"], r["holder"]) for r in csv.DictReader(io.StringIO(b)))
    check(ra == rb and len(ra) == 78, "pairs differ: " + diff_pairs(ra, rb))


@test("-o x.shp: Shapefile (.shp .shx .dbf .prj) with the same region/holder pairs")
def _(tmp):
    ref = pairs_geojson(geojson(["snapshot", "--date", "2020-11-24"], tmp))
    run_ok(["snapshot", "--date", "2020-11-24", "-o", "x.shp"], tmp)
    for ext in ("shp", "shx", "dbf", "prj"):
        check(os.path.isfile(os.path.join(tmp, "x." + ext)), "x.%s not written" % ext)
    ds = ogr.Open(os.path.join(tmp, "x.shp"))
    lyr = ds.GetLayer(0)
    got = sorted((f.GetField("region"), f.GetField("holder")) for f in lyr)
    check(got == ref, "pairs differ: " + diff_pairs(got, ref))
    tmps = [n for n in os.listdir(tmp) if ".tmp-" in n]
    check(not tmps, "temporary files left: %r" % tmps)


@test("-o x.kml: KML whose region/holder fields hold the same pairs as GeoJSON")
def _(tmp):
    doc = geojson(["snapshot", "--date", "2020-11-24"], tmp)
    ref = pairs_geojson(doc)
    run_ok(["snapshot", "--date", "2020-11-24", "-o", "x.kml"], tmp)
    ds = ogr.Open(os.path.join(tmp, "x.kml"))
    check(ds is not None, "osgeo.ogr cannot open x.kml")
    lyr = ds.GetLayerByName("control") or ds.GetLayer(0)
    rows = [{lyr.GetLayerDefn().GetFieldDefn(i).GetName(): f.GetField(i)
             for i in range(f.GetFieldCount())} for f in lyr]
    got = sorted((r.get("region"), r.get("holder")) for r in rows)
    k = [r for r in rows if r.get("region") == "kalbajar"]
    sample = {c: rows[0].get(c) for c in ("Name", "description", "region", "holder", "since",
                                          "event")} if rows else None
    check(got == ref, "pairs differ: %s\nfirst feature's fields: %r" % (diff_pairs(got, ref),
                                                                       sample))
    check(k and k[0].get("event") == "1993-kalbajar" and k[0].get("since") == "1993-04-02",
          "kalbajar fields %r" % (k[0] if k else None))


# -------------------------------------------------------- as-of and status
def asof_test(as_of, want):
    def fn(tmp):
        p = snapshot_regions("2020-11-08", tmp, ["--as-of", as_of])["shusha-city"]
        got = tuple(p[k] for k in ("holder", "event", "status", "since"))
        check(got == want, "snapshot --date 2020-11-08 --as-of %s: shusha-city %r, expected %r" % (
            as_of, got, want))
    return fn


test("--as-of 2020-11-07: shusha-city AM (1992-shusha)")(
    asof_test("2020-11-07", ("AM", "1992-shusha", "confirmed", "1992-05-08")))
test("--as-of 2020-11-08: shusha-city AZ, claimed (2020-shusha-city)")(
    asof_test("2020-11-08", ("AZ", "2020-shusha-city", "claimed", "2020-11-08")))
test("--as-of 2020-11-09: shusha-city AZ, confirmed (2020-shusha-city-confirmed)")(
    asof_test("2020-11-09", ("AZ", "2020-shusha-city-confirmed", "confirmed", "2020-11-08")))


@test("no --as-of: the confirmation replaces the claim (shusha-city event ...-confirmed)")
def _(tmp):
    p = snapshot_regions("2020-11-08", tmp)["shusha-city"]
    got = (p["holder"], p["event"], p["status"], p["kind"])
    check(got == ("AZ", "2020-shusha-city-confirmed", "confirmed", "correction"), "got %r" % (got,))


@test("--status confirmed --date 2020-11-08: claims left out (jabrayil AM), kept without (AZ)")
def _(tmp):
    conf = snapshot_regions("2020-11-08", tmp, ["--status", "confirmed"])
    allv = snapshot_regions("2020-11-08", tmp)
    got = (conf["jabrayil"]["holder"], conf["jabrayil"]["event"], conf["jabrayil"]["status"])
    check(got == ("AM", "1993-jabrayil", "confirmed"), "--status confirmed: jabrayil %r" % (got,))
    got = (allv["jabrayil"]["holder"], allv["jabrayil"]["event"], allv["jabrayil"]["status"])
    check(got == ("AZ", "2020-jabrayil", "claimed"), "no --status: jabrayil %r" % (got,))
    # the other claimed districts too; the confirmed Shusha correction stays
    for rid in ("fuzuli", "zangilan", "qubadli"):
        check(conf[rid]["holder"] == "AM" and allv[rid]["holder"] == "AZ",
              "%s: confirmed-only %r, all %r" % (rid, conf[rid]["holder"], allv[rid]["holder"]))
    check(all(v["status"] == "confirmed" for v in conf.values()),
          "a non-confirmed event shows under --status confirmed: %r" % sorted(
              k for k, v in conf.items() if v["status"] != "confirmed"))
    check(conf["shusha-city"]["holder"] == "AZ",
          "shusha-city's confirmed correction should count: %r" % conf["shusha-city"]["holder"])


# ------------------------------------------------------------ other stores
@test("GeoPackage tracker (ogr2ogr from the folder): same region/holder pairs on 2020-11-25")
def _(tmp):
    gpkg = os.path.join(tmp, "k.gpkg")
    build_gpkg(gpkg)
    for d in ("2020-11-25", "2020-11-24", "1994-05-12"):
        a = pairs_geojson(geojson(["snapshot", "--date", d], tmp))
        b = pairs_geojson(geojson(["-d", gpkg, "snapshot", "--date", d], tmp))
        check(a == b, "%s: folder and GeoPackage differ: %s" % (d, diff_pairs(a, b)))
    m = snapshot_regions("2020-11-25", tmp, env=None, extra=[])
    g = by_region(geojson(["-d", gpkg, "snapshot", "--date", "2020-11-25"], tmp))
    check(g["kalbajar"] == m["kalbajar"], "kalbajar properties differ: %r vs %r" % (
        g["kalbajar"], m["kalbajar"]))


@test("GeoPackage tracker with typed columns (AUTODETECT_TYPE: Date, Boolean) reads the same")
def _(tmp):
    # a typed date column holds dates and date-times, not the shipped tracker's
    # periods (2023-09-20/2023-10): a copy whose events take their periods'
    # starts, the instant they apply at, reads the same as a GeoPackage
    t = copy_tracker(tmp)
    rows = read_events()
    for r in rows:
        r["date"] = r["date"].split("/")[0]
    with open(os.path.join(t, "events.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    gpkg = os.path.join(tmp, "k.gpkg")
    build_gpkg(gpkg, csv_open_opts=["AUTODETECT_TYPE=YES"], folder=t)
    # and its time zone (Asia/Baku): the starts written with +04:00 are Baku's midnights
    ogr2ogr(["-f", "GPKG", "-update", "-append", "-nln", "tracker", gpkg, os.path.join(t, "tracker.csv")])
    ds = ogr.Open(gpkg)
    defn = ds.GetLayerByName("events").GetLayerDefn()
    ftype = defn.GetFieldDefn(defn.GetFieldIndex("date")).GetType()
    # a date-time among the dates (the 2020-11-10 statement) makes the column DateTime
    check(ftype in (ogr.OFTDate, ogr.OFTDateTime), "setup: events.date should be a Date or DateTime column, is %s" %
          ogr.GetFieldTypeName(ftype))
    ds = None
    for args in (["--date", "2020-11-25"], ["--date", "2020-11-08", "--as-of", "2020-11-08"],
                 ["--date", "2020-12-01"]):
        a = by_region(geojson(["-d", t, "snapshot"] + args, tmp))
        b = by_region(geojson(["-d", gpkg, "snapshot"] + args, tmp))
        diffs = [(k, a[k], b.get(k)) for k in a if a[k] != b.get(k)]
        check(not diffs, "%s: %d regions differ, first %r" % (args, len(diffs), diffs[:1]))


@test("regions in EPSG:3857 (GeoJSON with crs, copied folder): same holders, areas within 0.01 %")
def _(tmp):
    t = copy_tracker(tmp)
    os.remove(os.path.join(t, "regions.geojson"))
    ogr2ogr(["-f", "GeoJSON", "-t_srs", "EPSG:3857", "-lco", "RFC7946=NO",
             os.path.join(t, "regions.geojson"), os.path.join(KARABAKH, "regions.geojson")])
    with open(os.path.join(t, "regions.geojson"), encoding="utf-8") as f:
        head = json.load(f)
    check("3857" in json.dumps(head.get("crs")), "setup: no EPSG:3857 crs member: %r" %
          head.get("crs"))
    check(abs(head["features"][0]["geometry"]["coordinates"][0][0][0]) > 1000,
          "setup: coordinates are not in metres")
    a = by_region(geojson(["snapshot", "--date", "2020-11-24"], tmp))
    b = by_region(geojson(["-d", t, "snapshot", "--date", "2020-11-24"], tmp))
    check(sorted(a) == sorted(b), "region ids differ: " + diff_pairs(a, b))
    bad = [(k, a[k]["holder"], b[k]["holder"]) for k in a if a[k]["holder"] != b[k]["holder"]]
    check(not bad, "holders differ: %r" % bad[:8])
    ka, kb = a["kalbajar"]["area_km2"], b["kalbajar"]["area_km2"]
    check(rel_err(kb, ka) < 1e-4, "kalbajar area_km2 %.4f (3857) vs %.4f (lon/lat)" % (kb, ka))
    worst = max(rel_err(b[k]["area_km2"], a[k]["area_km2"]) for k in a)
    check(worst < 1e-4, "largest relative area difference %.6f %%" % (100 * worst))
    # and the output is lon/lat again
    doc = geojson(["-d", t, "snapshot", "--date", "2020-11-24"], tmp)
    x, y = [f for f in doc["features"] if f["properties"]["region"] == "kalbajar"][0][
        "geometry"]["coordinates"][0][0]
    check(45 < x < 47.5 and 39.5 < y < 40.5, "kalbajar output not in lon/lat: %r" % ((x, y),))


@test("regions in EPSG:3857 (GeoPackage layer): kalbajar area within 0.01 %, same holders")
def _(tmp):
    gpkg = os.path.join(tmp, "k3857.gpkg")
    build_gpkg(gpkg, t_srs="EPSG:3857")
    ds = ogr.Open(gpkg)
    srs = ds.GetLayerByName("regions").GetSpatialRef()
    check(srs is not None and srs.GetAuthorityCode(None) == "3857", "setup: regions not in 3857")
    ds = None
    a = by_region(geojson(["snapshot", "--date", "2020-11-24"], tmp))
    b = by_region(geojson(["-d", gpkg, "snapshot", "--date", "2020-11-24"], tmp))
    bad = [(k, a[k]["holder"], b.get(k, {}).get("holder")) for k in a
           if a[k]["holder"] != b.get(k, {}).get("holder")]
    check(not bad, "holders differ: %r" % bad[:8])
    ka, kb = a["kalbajar"]["area_km2"], b["kalbajar"]["area_km2"]
    check(rel_err(kb, ka) < 1e-4, "kalbajar area_km2 %.4f (3857) vs %.4f (lon/lat)" % (kb, ka))


# --------------------------------------------------------------------- log
@test("log --region kalbajar -f json: the two kalbajar events (plus the '*' baseline)")
def _(tmp):
    p = run_ok(["log", "--region", "kalbajar", "-f", "json"], tmp)
    arr = json.loads(p.stdout)
    ids = [e["id"] for e in arr]
    named = [e["id"] for e in arr if "kalbajar" in e["regions"].split(";")]
    check(named == ["1993-kalbajar", "2020-kalbajar"],
          "events naming kalbajar: %r, expected ['1993-kalbajar', '2020-kalbajar']" % named)
    others = [(e["id"], e["regions"]) for e in arr if e["id"] not in named]
    check(all(r == "*" for _, r in others),
          "events listed that do not cover kalbajar: %r" % others)
    check(ids == ["baseline-az", "1993-kalbajar", "2020-kalbajar"],
          "listed %r; expected exactly baseline-az ('*', covers every region), 1993-kalbajar, "
          "2020-kalbajar" % ids)
    e = arr[2]
    got = (e["date"], e["from"], e["to"], e["kind"], e["status"], e["recorded"], e["corrects"],
           e["partial"])
    check(got == ("2020-11-25", "AM", "AZ", "handover", "confirmed", "2020-11-25", None, False),
          "2020-kalbajar fields: %r" % (got,))
    check((arr[1]["from"], arr[1]["to"], arr[1]["date"]) == ("AZ", "AM", "1993-04-02"),
          "1993-kalbajar fields: %r" % arr[1])


@test("log --holder AM --from 2020-01-01 --to 2020-12-31 -f csv: the 2020 events to/from AM")
def _(tmp):
    p = run_ok(["log", "--holder", "AM", "--from", "2020-01-01", "--to", "2020-12-31", "-f",
                "csv"], tmp)
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    src = read_events()
    want = [r for r in src if r["date"].startswith("2020-") and "AM" in (r["to"], r["from"])]
    want.sort(key=lambda r: r["date"])  # stable: file order within a date
    check([r["id"] for r in rows] == [r["id"] for r in want],
          "ids %r, expected %r" % ([r["id"] for r in rows], [r["id"] for r in want]))
    check(len(rows) == 11, "expected 11 rows, got %d" % len(rows))
    for got, exp in zip(rows, want):
        for k in ("date", "regions", "from", "to", "kind", "status", "source", "note", "recorded",
                  "corrects", "partial"):
            check(got[k] == exp[k], "%s: column %s is %r, events.csv has %r" % (
                exp["id"], k, got[k], exp[k]))


@test("log --holder AM --from 2021-01-01 --to 2023-12-31 -f csv: only 2023-karabakh")
def _(tmp):
    p = run_ok(["log", "--holder", "AM", "--from", "2021-01-01", "--to", "2023-12-31", "-f",
                "csv"], tmp)
    ids = [r["id"] for r in csv.DictReader(io.StringIO(p.stdout))]
    check(ids == ["2023-karabakh"], "ids %r" % ids)


@test("log -f table: a header line, then one line per event in apply order")
def _(tmp):
    p = run_ok(["log", "-f", "table"], tmp)
    lines = p.stdout.splitlines()
    head = lines[0].split()
    check(head == ["id", "date", "from", "to", "kind", "status", "regions"],
          "header line %r" % lines[0])
    src = read_events()
    check(len(lines) == 1 + len(src), "%d lines for %d events" % (len(lines), len(src)))
    ids = [ln.split()[0] for ln in lines[1:]]
    check(ids == [r["id"] for r in sorted(src, key=lambda r: r["date"])], "order %r" % ids)
    kal = [ln.split() for ln in lines[1:] if ln.startswith("2020-kalbajar ")][0]
    check(kal == ["2020-kalbajar", "2020-11-25", "AM", "AZ", "handover", "confirmed", "kalbajar"],
          "2020-kalbajar line %r" % kal)
    p2 = run_ok(["log"], tmp)
    check(p2.stdout == p.stdout, "table should be the default format")


# -------------------------------------------------------------------- help
@test("--version prints the project version, exit 0")
def _(tmp):
    p = run_ok(["--version"], tmp)
    with open(os.path.join(SRC, "meson.build"), encoding="utf-8") as f:
        ver = re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)
    check(p.stdout.strip() == "frontline " + ver, "stdout %r, expected 'frontline %s'" % (
        p.stdout, ver))


@test("--help prints usage with the commands, exit 0")
def _(tmp):
    for arg in ("--help", "-h"):
        p = run_ok([arg], tmp)
        check(p.stdout.startswith("usage: frontline"), "%s: stdout %r" % (arg, p.stdout[:200]))
        for w in ("snapshot", "log", "--tracker"):
            check(w in p.stdout, "%s: %r not in usage" % (arg, w))


@test("the tracker given as -d PATH, -dPATH, --tracker PATH and --tracker=PATH: the same log")
def _(tmp):
    other = os.path.join(tmp, "copy")
    shutil.copytree(KARABAKH, other)
    want = run_ok(["-d", other, "log", "-f", "csv"], tmp).stdout
    check(len(want.splitlines()) > 10, "the log has %d lines" % len(want.splitlines()))
    for form in (["-d" + other], ["--tracker", other], ["--tracker=" + other]):
        p = run_ok(form + ["log", "-f", "csv"], tmp)
        check(p.stdout == want, "%s: a different log" % form)
    run_fail(["-d" + os.path.join(tmp, "none"), "log"], tmp, ["none"])


@test("snapshot --help prints its usage and options, exit 0")
def _(tmp):
    p = run_ok(["snapshot", "--help"], tmp)
    check(p.stdout.startswith("usage: frontline"), "stdout %r" % p.stdout[:200])
    for w in ("--date", "--as-of", "--status", "--by", "-o FILE", "--summary"):
        check(w in p.stdout, "%r not in snapshot usage" % w)


@test("log --help prints its usage, exit 0")
def _(tmp):
    p = run_ok(["log", "--help"], tmp)
    check(p.stdout.startswith("usage: frontline"), "stdout %r" % p.stdout[:200])
    for w in ("--region", "--holder", "--from", "--to"):
        check(w in p.stdout, "%r not in log usage" % w)


# ----------------------------------------------------------------- summary
def parse_summary(text):
    areas, changed = {}, {}
    sec = None
    for ln in text.splitlines():
        if ln.startswith("Area per actor"):
            sec = "area"
        elif ln.startswith("Changed hands"):
            sec = "changed"
        elif sec == "area" and ln.strip():
            m = re.match(r"\s+(\S+)\s+([\d.]+) km²\s+([\d.]+) %", ln)
            if m:
                areas[m.group(1)] = (float(m.group(2)), float(m.group(3)))
        elif sec == "changed" and ln.strip():
            # "  2020-11-25  kalbajar  AM -> AZ  confirmed 2020-kalbajar", sorted by date
            m = re.match(r"\s+(\d{4}-\d\d-\d\d)\s+(\S+)\s+(\S+)\s+->\s+(\S+)\s+(\S+)\s+(\S+)", ln)
            if m:
                since, rid, frm, to, status, ev = m.groups()
                changed[rid] = (frm, to, since, status, ev)
    return areas, changed


@test("--summary -o FILE: area per actor and the regions that changed hands in 2020")
def _(tmp):
    p = run_ok(["snapshot", "--date", "2020-11-25", "--summary", "-o", "out.geojson"], tmp)
    areas, changed = parse_summary(p.stdout)
    check(areas, "no 'Area per actor' lines in stdout: %r" % p.stdout[:500])
    actor = {f["properties"]["holder"]: f["properties"] for f in geojson(
        ["snapshot", "--date", "2020-11-25", "--by", "actor"], tmp)["features"]}
    check(set(areas) == {"AZ", "AM"}, "actors in summary: %r" % sorted(areas))
    for h, (km2, pct) in areas.items():
        check(abs(km2 - actor[h]["area_km2"]) <= 0.051,
              "%s: summary %.1f km2, --by actor %.4f" % (h, km2, actor[h]["area_km2"]))
        check(abs(pct - 100 * actor[h]["share"]) <= 0.051,
              "%s: summary %.1f %%, share %.4f" % (h, pct, actor[h]["share"]))
    for rid, since, ev in (("kalbajar", "2020-11-25", "2020-kalbajar"),
                           ("agdam", "2020-11-20", "2020-agdam")):
        check(rid in changed, "%s not among the regions that changed hands: %r" % (
            rid, sorted(changed)))
        check(changed[rid][:3] == ("AM", "AZ", since) and changed[rid][4] == ev,
              "%s line: %r" % (rid, changed[rid]))
    want = sorted(k for k, v in reference_holders("2020-11-25").items()
                  if v != reference_holders("2019-12-31")[k])
    check(sorted(changed) == want, "changed hands %r, expected %r" % (sorted(changed), want))
    check("lachin" not in changed, "lachin changes only on 2020-12-01")
    with open(os.path.join(tmp, "out.geojson"), encoding="utf-8") as f:
        out = by_region(json.load(f))
    check(out["kalbajar"]["holder"] == "AZ" and len(out) == 78, "out.geojson content wrong")


@test("--summary without -o: map on stdout stays pure GeoJSON, summary on stderr")
def _(tmp):
    p = run_ok(["snapshot", "--date", "2020-11-25", "--summary"], tmp)
    m = by_region(json.loads(p.stdout))
    check(m["kalbajar"]["holder"] == "AZ", "kalbajar %r" % m["kalbajar"]["holder"])
    areas, changed = parse_summary(p.stderr)
    check(set(areas) == {"AZ", "AM"} and "kalbajar" in changed,
          "summary not on stderr: %r" % p.stderr[:400])


@test("--holder AZ --summary: AZ's area only, and its gains of the year as in the full summary")
def _(tmp):
    full = parse_summary(run_ok(["snapshot", "--date", "2020-11-25", "--summary", "-o", "a.geojson"], tmp).stdout)
    p = run_ok(["snapshot", "--date", "2020-11-25", "--holder", "AZ", "--summary", "-o", "b.geojson"], tmp)
    areas, changed = parse_summary(p.stdout)
    check(set(areas) == {"AZ"} and abs(areas["AZ"][0] - full[0]["AZ"][0]) <= 0.051,
          "areas %r (full summary: %r)" % (areas, full[0]))
    want = {rid: v for rid, v in full[1].items() if v[1] == "AZ"}
    check(changed == want, "changed hands %r, expected AZ's rows of the full summary %r" % (changed, want))
    with open(os.path.join(tmp, "b.geojson"), encoding="utf-8") as f:
        holders = {ft["properties"]["holder"] for ft in json.load(f)["features"]}
    check(holders == {"AZ"}, "holders in the map: %r" % holders)


@test("-o /dev/stdout with stdout a plain file: the map lands in that file, /dev/stdout stays a link")
def _(tmp):
    out = os.path.join(tmp, "redirected.geojson")
    with open(out, "w", encoding="utf-8") as f:
        p = subprocess.run([BIN, "snapshot", "--date", "2020-11-25", "-f", "geojson", "-o", "/dev/stdout"],
                           cwd=tmp, stdout=f, stderr=subprocess.PIPE, text=True,
                           env={k: v for k, v in os.environ.items() if k != "FRONTLINE_TRACKER"})
    check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))
    with open(out, encoding="utf-8") as f:
        check(by_region(json.load(f))["kalbajar"]["holder"] == "AZ", "the file does not hold the map")
    check(os.path.islink("/dev/stdout"), "/dev/stdout is no longer a symbolic link")
    check(not [n for n in os.listdir("/dev") if n.startswith("stdout.tmp")], "a temporary was left in /dev")


# --------------------------------------------------------- default tracker
def remove_event(folder, event_id):
    path = os.path.join(folder, "events.csv")
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    keep = [ln for ln in lines if not ln.startswith(event_id + ",")]
    check(len(keep) == len(lines) - 1, "setup: event %s not found once" % event_id)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(keep))


@test("default tracker: without -d and FRONTLINE_TRACKER, geodata/karabakh is used")
def _(tmp):
    p = run_ok(["snapshot", "--date", "2020-11-25", "--summary", "-o", "o.geojson"], tmp)
    m = re.search(r"Control on 2020-11-25 \((.*)\)", p.stdout)
    check(m is not None, "no 'Control on' line: %r" % p.stdout[:200])
    check(os.path.realpath(m.group(1)) == os.path.realpath(KARABAKH),
          "tracker used: %s, expected %s" % (m.group(1), KARABAKH))
    a = pairs_geojson(geojson(["snapshot", "--date", "2020-11-25"], tmp))
    b = pairs_geojson(geojson(["-d", KARABAKH, "snapshot", "--date", "2020-11-25"], tmp))
    check(a == b, "default differs from -d geodata/karabakh: " + diff_pairs(a, b))
    # an empty variable is a mistake (an unset shell variable), not "the default"
    e = run_fail(["snapshot", "--date", "2020-11-25"], tmp, ["FRONTLINE_TRACKER", "empty"], code=2,
                 env={"FRONTLINE_TRACKER": ""})
    check(e.stdout == "", "FRONTLINE_TRACKER='': something on stdout: %r" % e.stdout[:200])


@test("FRONTLINE_TRACKER=<copy without 2020-kalbajar> is honoured; -d overrides it")
def _(tmp):
    t = copy_tracker(tmp)
    remove_event(t, "2020-kalbajar")
    env = {"FRONTLINE_TRACKER": t}
    m = snapshot_regions("2020-11-25", tmp, env=env)
    check(m["kalbajar"]["holder"] == "AM" and m["kalbajar"]["event"] == "1993-kalbajar",
          "with FRONTLINE_TRACKER=copy: kalbajar %r %r" % (m["kalbajar"]["holder"],
                                                           m["kalbajar"]["event"]))
    check(m["agdam"]["holder"] == "AZ", "the copy is otherwise the same: agdam %r" %
          m["agdam"]["holder"])
    m = snapshot_regions("2020-11-25", tmp)
    check(m["kalbajar"]["holder"] == "AZ", "without the variable: kalbajar %r" %
          m["kalbajar"]["holder"])
    m = by_region(geojson(["-d", KARABAKH, "snapshot", "--date", "2020-11-25"], tmp, env=env))
    check(m["kalbajar"]["holder"] == "AZ", "-d should win over FRONTLINE_TRACKER")
    p = run_ok(["log", "--region", "kalbajar", "-f", "json"], tmp, env=env)
    ids = [e["id"] for e in json.loads(p.stdout)]
    check("2020-kalbajar" not in ids, "log reads another tracker: %r" % ids)


@test("snapshot without --date is today: every region AZ (after 2023-09-20)")
def _(tmp):
    m = by_region(geojson(["snapshot"], tmp))
    check(len(m) == 78, "%d regions" % len(m))
    not_az = sorted(k for k, v in m.items() if v["holder"] != "AZ")
    check(not not_az, "not AZ today: %r" % not_az)
    check(m["khojaly"]["since"] == "2023-09-20" and m["khojaly"]["event"] == "2023-karabakh",
          "khojaly since %r event %r" % (m["khojaly"]["since"], m["khojaly"]["event"]))


# ------------------------------------------- dates outside the record (issue 18)
def applying_range(as_of=None, confirmed=False):
    """Dates (YYYY-MM-DD, in the tracker's time zone, Asia/Baku) of the first
    and last events that apply, replayed here from events.csv: recorded by the
    end of as_of's day, confirmed if asked, less those a visible correction
    replaces."""
    rows = read_events()
    zone = zoneinfo.ZoneInfo("Asia/Baku")

    def instant(text, end=False):
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            text += "T23:59:59" if end else "T00:00:00"
        t = datetime.datetime.fromisoformat(text)
        return t if t.tzinfo is not None else t.replace(tzinfo=zone)

    cut = instant(as_of, end=True) if as_of else None
    vis = [r for r in rows if (cut is None or instant(r["recorded"]) <= cut)
           and (not confirmed or r["status"] == "confirmed")]
    corrected = {r["corrects"] for r in vis if r["corrects"]}
    # before the first event's start nothing is held; after the last period's
    # end the map no longer changes
    live = [event_period(r["date"], zone) for r in vis if r["id"] not in corrected]
    first, last = min(p[0] for p in live), max(p[1] for p in live)
    return first.astimezone(zone).date().isoformat(), last.astimezone(zone).date().isoformat()


def unheld_map_check(doc_region, doc_actor, what):
    regions = by_region(doc_region)
    want = {f["properties"]["id"] for f in read_regions()["features"]}
    check(set(regions) == want, "%s --by region: regions %d, expected all %d" % (what, len(regions), len(want)))
    held = {r: p["holder"] for r, p in regions.items() if p["holder"] is not None}
    check(not held, "%s --by region: held regions %r" % (what, sorted(held.items())[:5]))
    feats = doc_actor["features"]
    check(len(feats) == 1 and feats[0]["properties"]["holder"] is None,
          "%s --by actor: expected one feature with a null holder, got %r"
          % (what, [f["properties"] for f in feats]))
    total = sum(p["area_km2"] for p in regions.values())
    check(abs(feats[0]["properties"]["area_km2"] - total) <= 1e-6 * total,
          "%s --by actor: area %.4f km2, the regions sum to %.4f" % (what, feats[0]["properties"]["area_km2"], total))
    check(abs(feats[0]["properties"]["share"] - 1) < 1e-9, "%s --by actor: share %r" % (what, feats[0]["properties"]["share"]))


@test("--date before the first event: a warning on stderr, and --by region and --by actor agree (all not held)")
def _(tmp):
    first, _ = applying_range()
    p = run_ok(["snapshot", "--date", "1990-01-01"], tmp)
    want = "frontline: 1990-01-01 is before the first event (%s): no territory is held yet" % first
    check(want in p.stderr, "stderr lacks %r:\n%s" % (want, p.stderr))
    a = run_ok(["snapshot", "--date", "1990-01-01", "--by", "actor"], tmp)
    check(want in a.stderr, "--by actor: stderr lacks %r:\n%s" % (want, a.stderr))
    unheld_map_check(json.loads(p.stdout), json.loads(a.stdout), "1990-01-01")
    # a holder filter keeps nothing, either way
    for by in ("region", "actor"):
        doc = geojson(["snapshot", "--date", "1990-01-01", "--by", by, "--holder", "AZ"], tmp)
        check(doc["features"] == [], "--by %s --holder AZ before the first event: %d features"
              % (by, len(doc["features"])))
    # the day before the first event's day, and that day itself
    prev = (datetime.date.fromisoformat(first) - datetime.timedelta(days=1)).isoformat()
    check("before the first event" in run_ok(["snapshot", "--date", prev], tmp).stderr,
          "%s (the day before %s) gives no warning" % (prev, first))
    p = run_ok(["snapshot", "--date", first, "--by", "actor"], tmp)
    check(p.stderr == "", "--date %s (the first event's day) warns: %r" % (first, p.stderr))
    check(None not in {f["properties"]["holder"] for f in json.loads(p.stdout)["features"]},
          "--by actor on %s has a null holder feature" % first)


@test("--date after the last event, and the default (today): a warning naming the last event's date; same map")
def _(tmp):
    _, last = applying_range()
    p = run_ok(["snapshot", "--date", "2099-06-30"], tmp)
    want = "frontline: 2099-06-30 is after the last event (%s): the map as of %s" % (last, last)
    check(want in p.stderr, "stderr lacks %r:\n%s" % (want, p.stderr))
    check(json.loads(p.stdout) == geojson(["snapshot", "--date", last], tmp),
          "the map of 2099-06-30 differs from the map of %s" % last)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if today > last:
        d = run_ok(["snapshot"], tmp)
        want = "is after the last event (%s): the map as of %s" % (last, last)
        check(want in d.stderr and re.search(r"\d{4}-\d\d-\d\d " + re.escape(want), d.stderr),
              "no --date (today, %s): stderr lacks '<today> %s':\n%s" % (today, want, d.stderr))
    p = run_ok(["snapshot", "--date", last], tmp)
    check(p.stderr == "", "--date %s (the last event's day) warns: %r" % (last, p.stderr))


@test("the warning's first/last event are those that apply under --as-of and --status confirmed")
def _(tmp):
    for extra, as_of, conf, words in ((["--as-of", "2020-11-10"], "2020-11-10", False, "--as-of 2020-11-10"),
                                      (["--status", "confirmed"], None, True, "--status confirmed"),
                                      (["--as-of", "2020-10-20", "--status", "confirmed"], "2020-10-20", True,
                                       "--as-of 2020-10-20, --status confirmed")):
        _, last = applying_range(as_of, conf)
        check(last != applying_range()[1] or not as_of, "setup: %s does not move the last event" % extra)
        p = run_ok(["snapshot", "--date", "2099-06-01"] + extra, tmp)
        want = ("frontline: 2099-06-01 is after the last event that applies with %s (%s): the map as of %s"
                % (words, last, last))
        check(want in p.stderr, "%s: stderr lacks %r:\n%s" % (extra, want, p.stderr))
        p = run_ok(["snapshot", "--date", last] + extra, tmp)
        check(p.stderr == "", "%s --date %s (that last event's day) warns: %r" % (extra, last, p.stderr))
    # a claim after the last confirmed event: --status confirmed ends the record before it
    t = copy_tracker(tmp)
    with open(os.path.join(t, "events.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("2031-claim,2031-01-01,lachin,AM,AZ,capture,claimed,test,,2031-01-01,,false\n")
    _, last = applying_range(confirmed=True)
    p = run_ok(["-d", t, "snapshot", "--date", "2031-06-01"], tmp)
    want = "frontline: 2031-06-01 is after the last event (2031-01-01): the map as of 2031-01-01"
    check(want in p.stderr, "with a claim on 2031-01-01: stderr lacks %r:\n%s" % (want, p.stderr))
    p = run_ok(["-d", t, "snapshot", "--date", "2030-06-01", "--status", "confirmed"], tmp)
    want = ("frontline: 2030-06-01 is after the last event that applies with --status confirmed (%s): the map "
            "as of %s" % (last, last))
    check(want in p.stderr, "--status confirmed, a claim on 2031-01-01: stderr lacks %r:\n%s" % (want, p.stderr))
    p = run_ok(["snapshot", "--date", "2021-06-01", "--as-of", "1980-01-01"], tmp)
    check("no event that applies with --as-of 1980-01-01: no territory is held" in p.stderr,
          "--as-of before any record: stderr %r" % p.stderr)


@test("--summary names every filter in force: --as-of, --status confirmed, --holder (and none without)")
def _(tmp):
    base = ["snapshot", "--date", "2020-11-25", "--summary", "-o", "m.geojson"]
    p = run_ok(base, tmp)
    check("Filters" not in p.stdout, "a Filters line without filters:\n%s" % p.stdout)
    for extra, want in ((["--as-of", "2020-11-10"], "Filters: --as-of 2020-11-10"),
                        (["--status", "confirmed"], "Filters: --status confirmed"),
                        (["--holder", "AM"], "Filters: --holder AM"),
                        (["--holder", "AZ", "--holder", "AM"], "Filters: --holder AZ,AM"),
                        (["--holder", "AM", "--status", "confirmed", "--as-of", "2020-11-10"],
                         "Filters: --as-of 2020-11-10, --status confirmed, --holder AM")):
        p = run_ok(base + extra, tmp)
        lines = p.stdout.splitlines()
        check(len(lines) > 1 and lines[0].startswith("Control on 2020-11-25 (") and lines[1] == want,
              "%s: header %r, expected line 2 %r" % (extra, lines[:3], want))


@test("-o /dev/null without -f: snapshot, diff, export, stats (and --chart), render all write, exit 0")
def _(tmp):
    for args in (["snapshot", "--date", "2020-11-25"], ["snapshot", "--date", "2020-11-25", "--by", "actor"],
                 ["diff", "2020-11-01", "2020-12-31"], ["export"], ["stats"],
                 ["render", "--date", "2020-11-25", "--size", "200x150"]):
        p = run(args + ["-o", "/dev/null"], tmp)
        check(p.returncode == 0 and p.stderr == "", "%s -o /dev/null: exit %d, stderr %r"
              % (" ".join(args), p.returncode, p.stderr))
    p = run(["stats", "--chart", "/dev/null"], tmp)
    check(p.returncode == 0 and p.stderr == "", "stats --chart /dev/null: exit %d, stderr %r"
          % (p.returncode, p.stderr))
    check(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"), "/dev/null was replaced by a file")
    # what goes there: GeoJSON for maps, PNG for pictures (seen through /dev/stdout, a pipe here)
    p = subprocess.run([BIN, "snapshot", "--date", "2020-11-25", "-o", "/dev/stdout"], cwd=tmp,
                       capture_output=True, env={k: v for k, v in os.environ.items() if k != "FRONTLINE_TRACKER"})
    check(p.returncode == 0, "snapshot -o /dev/stdout: exit %d: %s" % (p.returncode, p.stderr))
    check(by_region(json.loads(p.stdout))["kalbajar"]["holder"] == "AZ", "-o /dev/stdout: not the GeoJSON map")
    p = subprocess.run([BIN, "render", "--date", "2020-11-25", "--size", "200x150", "-o", "/dev/stdout"],
                       cwd=tmp, capture_output=True,
                       env={k: v for k, v in os.environ.items() if k != "FRONTLINE_TRACKER"})
    check(p.returncode == 0 and p.stdout.startswith(b"\x89PNG\r\n\x1a\n"),
          "render -o /dev/stdout: exit %d, first bytes %r, stderr %s" % (p.returncode, p.stdout[:8], p.stderr))
    # a plain file still needs its extension
    run_fail(["snapshot", "--date", "2020-11-25", "-o", "map"], tmp, ["cannot tell the format"], code=2)
    run_fail(["render", "--date", "2020-11-25", "-o", "map"], tmp, [".png, .svg or .pdf"], code=2)

if __name__ == "__main__":
    sys.exit(main("fl-snap-"))
