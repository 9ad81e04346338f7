#!/usr/bin/python3
"""End-to-end tests of `frontline export` (time-enabled control layer in
GeoPackage, KML, FlatGeobuf, Shapefile, CSV) and of snapshot/diff output in
those formats.  The control layer is checked against snapshots of the tool
at every event date, on the Karabakh tracker and on a generated tracker with
polygon events, and read back with osgeo.ogr and an XML parser.

Usage: /usr/bin/python3 test_export.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import datetime
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (KARABAKH, check, copy_karabakh, generate_tracker, log_csv, main,  # noqa: E402
                    run_fail, run_ok, snapshot, test, tree_bytes)
from osgeo import gdal, ogr  # noqa: E402
from pyproj import Geod  # noqa: E402
from shapely import wkb as shapely_wkb  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()
GEOD = Geod(ellps="WGS84")


def read_control(path, layer="control"):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    check(lyr is not None, "%s has no layer %r" % (path, layer))
    defn = lyr.GetLayerDefn()
    types = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName()
             for i in range(defn.GetFieldCount())}
    rows = []
    for f in lyr:
        d = {k: f.GetField(k) for k in types}
        g = f.GetGeometryRef()
        d["_geom"] = shapely_wkb.loads(bytes(g.ExportToIsoWkb())) if g else None
        rows.append(d)
    return rows, types, ds


def iso(v):
    """GDAL's DateTime text '2020/11/25 00:00:00+00' -> '2020-11-25T00:00:00'."""
    if v in (None, ""):
        return None
    v = v.replace("/", "-").replace(" ", "T")
    for suffix in ("+00", "Z"):
        if v.endswith(suffix):
            v = v[: -len(suffix)]
    return v


def active_at(rows, instant):
    """Features whose [valid_from, valid_to) contains instant (ISO text, UTC)."""
    out = []
    for r in rows:
        a, b = iso(r["valid_from"]), iso(r["valid_to"])
        if a <= instant and (b is None or instant < b):
            out.append(r)
    return out


def event_dates(tracker, cwd):
    dates = set()
    for r in log_csv(tracker, cwd):
        d = datetime.date.fromisoformat(r["date"][:10])
        dates |= {d - datetime.timedelta(days=1), d}
    return sorted(dates)


def compare_with_snapshots(tracker, rows, tmp, areas=False):
    """At every event date and the day before, the periods active at the end
    of the day are the snapshot's pieces: same (region, holder), and the same
    area per (region, holder)."""
    bad = []
    for d in event_dates(tracker, tmp):
        ds = d.isoformat()
        snap = snapshot(tracker, ds, tmp)
        want = {}
        for f in snap["features"]:
            p = f["properties"]
            if p["holder"] is None:
                continue
            k = (p["region"], p["holder"])
            want[k] = want.get(k, 0) + p["area_km2"]
        got = {}
        for r in active_at(rows, ds + "T23:59:59"):
            k = (r["region"], r["holder"])
            got[k] = got.get(k, 0) + r["area_km2"]
        if set(got) != set(want):
            bad.append("%s: only in export %s, only in snapshot %s" % (
                ds, sorted(set(got) - set(want))[:5], sorted(set(want) - set(got))[:5]))
            continue
        for k in want:
            if abs(got[k] - want[k]) > 1e-6 * max(1, want[k]):
                bad.append("%s %s: export %.6f km2, snapshot %.6f" % (ds, k, got[k], want[k]))
        if areas:
            for r in active_at(rows, ds + "T23:59:59"):
                a = abs(GEOD.geometry_area_perimeter(r["_geom"])[0]) / 1e6
                if abs(a - r["area_km2"]) > 1e-4 * max(1, a):
                    bad.append("%s %s: area_km2 %.4f, pyproj %.4f" % (ds, r["region"], r["area_km2"], a))
    check(not bad, "%d mismatches: %s" % (len(bad), bad[:6]))


# -------------------------------------------------------------- GeoPackage
@test("export -o k.gpkg: layers control, events, regions, zones, actors; DateTime valid_from/valid_to")
def _(tmp):
    out = os.path.join(tmp, "k.gpkg")
    p = run_ok(["export", "-o", out], tmp)
    check(p.stdout == "" and p.stderr == "", "export should be quiet: %r %r" % (p.stdout, p.stderr))
    rows, types, ds = read_control(out)
    names = sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount()))
    for want in ("control", "events", "regions", "zones", "actors"):
        check(want in names, "layer %s missing: %s" % (want, names))
    for f in ("region", "name", "holder", "holder_name", "event", "source", "status"):
        check(types.get(f) == "String", "field %s: %r" % (f, types.get(f)))
    check(types.get("valid_from") == "DateTime" and types.get("valid_to") == "DateTime",
          "valid_from/valid_to types: %r %r" % (types.get("valid_from"), types.get("valid_to")))
    kal = sorted((iso(r["valid_from"]), iso(r["valid_to"]), r["holder"], r["event"])
                 for r in rows if r["region"] == "kalbajar")
    check(kal == [("1992-05-08T00:00:00", "1993-04-02T00:00:00", "AZ", "baseline-az"),
                  ("1993-04-02T00:00:00", "2020-11-25T00:00:00", "AM", "1993-kalbajar"),
                  ("2020-11-25T00:00:00", None, "AZ", "2020-kalbajar")], "kalbajar periods %r" % kal)
    current = [r for r in rows if r["valid_to"] is None]
    check(len(current) == 78, "%d current features (valid_to empty), expected one per region" % len(current))
    ev = {r["id"]: r for r in log_csv(KARABAKH, tmp)}
    for r in rows:
        e = ev[r["event"]]
        check(r["source"] == e["source"] and r["status"] == e["status"],
              "%s: source/status differ from event %s" % (r["region"], r["event"]))
    check(ds.GetLayerByName("control").GetSpatialRef().GetAuthorityCode(None) == "4326", "not EPSG:4326")


@test("GeoPackage control layer = snapshots at every event date (holders and areas), Karabakh")
def _(tmp):
    out = os.path.join(tmp, "k.gpkg")
    run_ok(["export", "-o", out], tmp)
    rows, _, _ = read_control(out)
    compare_with_snapshots(KARABAKH, rows, tmp, areas=True)


@test("generated tracker with polygon events and corrections: control layer = snapshots")
def _(tmp):
    t = generate_tracker(os.path.join(tmp, "gen"))
    out = os.path.join(tmp, "g.gpkg")
    run_ok(["-d", t, "export", "-o", out], tmp)
    rows, _, _ = read_control(out)
    check(any(r["event"].startswith("pe") for r in rows), "no period from a polygon event")
    compare_with_snapshots(t, rows, tmp)
    check(not any(r["event"].startswith("e") and ("c" + r["event"][1:]) in
                  {x["id"] for x in log_csv(t, tmp)} for r in rows),
          "a corrected event still begins a period")


@test("the exported GeoPackage is itself a tracker: same snapshot as the folder")
def _(tmp):
    out = os.path.join(tmp, "k.gpkg")
    run_ok(["export", "-o", out], tmp)
    a = run_ok(["snapshot", "--date", "2020-11-25"], tmp).stdout
    b = run_ok(["-d", out, "snapshot", "--date", "2020-11-25"], tmp).stdout
    check(a == b, "snapshot from the export differs from the folder's")


@test("export --as-of 2020-11-08: the periods known then (Shusha city as claimed)")
def _(tmp):
    out = os.path.join(tmp, "k.gpkg")
    run_ok(["export", "--as-of", "2020-11-08", "-o", out], tmp)
    rows, _, _ = read_control(out)
    snap = snapshot(KARABAKH, "2020-11-08", tmp, ["--as-of", "2020-11-08"])
    want = sorted((f["properties"]["region"], f["properties"]["holder"]) for f in snap["features"])
    got = sorted((r["region"], r["holder"]) for r in active_at(rows, "2020-11-08T23:59:59"))
    check(got == want, "as-of periods differ from snapshot --as-of")
    check(not any(iso(r["valid_from"]) > "2020-11-09" for r in rows), "an event recorded later is in")


# --------------------------------------------------------------------- KML
KML = "{http://www.opengis.net/kml/2.2}"


@test("export -o k.kml: every placemark has <TimeSpan><begin>, current ones no <end>; actor styles")
def _(tmp):
    out = os.path.join(tmp, "k.kml")
    run_ok(["export", "-o", out], tmp)
    root = ET.parse(out).getroot()
    styles = {}
    for s in root.iter(KML + "Style"):
        if s.get("id"):
            c = s.find(KML + "PolyStyle/" + KML + "color")
            styles[s.get("id")] = c.text if c is not None else None
    actors = {r["id"]: r["color"] for r in __import__("csv").DictReader(
        open(os.path.join(KARABAKH, "actors.csv"), encoding="utf-8"))}
    for aid in ("AZ", "AM"):
        check(aid in styles, "no <Style id=%r>: %r" % (aid, sorted(styles)))
        rr, gg, bb = actors[aid][1:3], actors[aid][3:5], actors[aid][5:7]
        check(styles[aid].lower().endswith((bb + gg + rr).lower()),
              "style %s colour %r, actor colour %s (KML is aabbggrr)" % (aid, styles[aid], actors[aid]))
    marks = list(root.iter(KML + "Placemark"))
    check(len(marks) > 78, "%d placemarks" % len(marks))
    open_ended = 0
    for m in marks:
        ts = m.find(KML + "TimeSpan")
        check(ts is not None and ts.find(KML + "begin") is not None, "placemark without TimeSpan/begin")
        if ts.find(KML + "end") is None:
            open_ended += 1
        url = m.find(KML + "styleUrl")
        data = {d.get("name"): d.text for d in m.iter(KML + "SimpleData")}
        check(url is not None and url.text == "#" + data["holder"],
              "styleUrl %r for holder %r" % (url.text if url is not None else None, data.get("holder")))
    check(open_ended == 78, "%d placemarks without <end> (current), expected 78" % open_ended)
    kal = sorted(m.find(KML + "TimeSpan/" + KML + "begin").text for m in marks
                 if any(d.get("name") == "region" and d.text == "kalbajar" for d in m.iter(KML + "SimpleData")))
    check([k[:10] for k in kal] == ["1992-05-08", "1993-04-02", "2020-11-25"], "kalbajar begins %r" % kal)


# ------------------------------------------------------ other formats
@test("export to FlatGeobuf, Shapefile, CSV (WKT), GeoJSON: the same periods as the GeoPackage")
def _(tmp):
    run_ok(["export", "-o", os.path.join(tmp, "k.gpkg")], tmp)
    ref, _, _ = read_control(os.path.join(tmp, "k.gpkg"))
    key = sorted((r["region"], r["holder"], iso(r["valid_from"])[:10]) for r in ref)
    for ext, args in (("fgb", []), ("shp", []), ("csv", []), ("geojson", []), ("out", ["-f", "FlatGeobuf"])):
        out = os.path.join(tmp, "k." + ext)
        run_ok(["export", "-o", out] + args, tmp)
        ds = gdal.OpenEx(out, gdal.OF_VECTOR, open_options=["GEOM_POSSIBLE_NAMES=WKT"] if ext == "csv" else [])
        lyr = ds.GetLayer(0)
        got = []
        for f in lyr:
            vf = f.GetField("valid_from")
            got.append((f.GetField("region"), f.GetField("holder"), iso(vf)[:10]))
            check(f.GetGeometryRef() is not None and not f.GetGeometryRef().IsEmpty(),
                  "%s: a feature without geometry" % ext)
        check(sorted(got) == key, "%s: periods differ from the GeoPackage's" % ext)


@test("snapshot and diff write FlatGeobuf, KML, Shapefile, CSV, GeoPackage by extension or -f")
def _(tmp):
    for ext in ("fgb", "kml", "shp", "csv", "gpkg"):
        out = os.path.join(tmp, "s." + ext)
        run_ok(["snapshot", "--date", "2020-11-25", "-o", out], tmp)
        ds = gdal.OpenEx(out, gdal.OF_VECTOR)
        check(ds.GetLayer(0).GetFeatureCount() == 78, "snapshot .%s: %d features" % (
            ext, ds.GetLayer(0).GetFeatureCount()))
        out = os.path.join(tmp, "d." + ext)
        run_ok(["diff", "2020-11-09", "2020-12-02", "-o", out], tmp)
        ds = gdal.OpenEx(out, gdal.OF_VECTOR)
        n = ds.GetLayer(0).GetFeatureCount()
        check(n >= 3, "diff .%s: %d features" % (ext, n))
    run_ok(["snapshot", "--date", "2020-11-25", "-f", "kml", "-o", os.path.join(tmp, "s.xml")], tmp)
    check(b"<Placemark" in open(os.path.join(tmp, "s.xml"), "rb").read(), "-f kml did not write KML")


# ------------------------------------------------------------- bad input
@test("export without -o: usage error naming -o, exit 2")
def _(tmp):
    run_fail(["export"], tmp, ["-o FILE"], code=2)


@test("export -o k.xyz: names -o and the extension, nothing written")
def _(tmp):
    run_fail(["export", "-o", "k.xyz"], tmp, ["-o k.xyz", "extension"])
    check(os.listdir(tmp) == [], "files written: %r" % os.listdir(tmp))


@test("export -f nosuch: names -f, nothing written")
def _(tmp):
    run_fail(["export", "-f", "nosuch", "-o", "k.gpkg"], tmp, ["-f nosuch"])
    check(os.listdir(tmp) == [], "files written: %r" % os.listdir(tmp))


@test("export of a tracker with a bad row: names file:line field, nothing written")
def _(tmp):
    t = copy_karabakh(tmp)
    path = os.path.join(t, "events.csv")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[3] = lines[3].replace(",AM,AZ,", ",XX,AZ,", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    before = tree_bytes(tmp)
    run_fail(["-d", t, "export", "-o", os.path.join(tmp, "k.gpkg")], tmp,
             ["events.csv:4", "field 'to'", "unknown actor 'XX'"])
    check(tree_bytes(tmp) == before, "files changed or written")


@test("export --as-of 2020-02-30: names --as-of and the date, exit 2")
def _(tmp):
    run_fail(["export", "--as-of", "2020-02-30", "-o", "k.gpkg"], tmp, ["--as-of", "2020-02-30"], code=2)
    check(os.listdir(tmp) == [], "files written")


@test("export --help lists the formats, exit 0")
def _(tmp):
    p = run_ok(["export", "--help"], tmp)
    for w in ("-o FILE", "valid_from", "TimeSpan", ".gpkg"):
        check(w in p.stdout, "%r not in help" % w)


if __name__ == "__main__":
    sys.exit(main("fl-export-"))
