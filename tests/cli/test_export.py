#!/usr/bin/python3
"""End-to-end tests of `frontline export` (time-enabled control layer in
GeoPackage, KML, FlatGeobuf, Shapefile, CSV) and of snapshot/diff output in
those formats.  The control layer is checked against snapshots of the tool
at every event date, on the Karabakh tracker and on a generated tracker with
polygon events, and read back with osgeo.ogr and an XML parser.

Usage: /usr/bin/python3 test_export.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import datetime
import os
import sys
import xml.etree.ElementTree as ET
import zoneinfo

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


def utc_instant(v):
    """GDAL's or ISO 8601 text of a date-time with its offset ('1992/05/08
    00:00:00+04', '1992-05-08T00:00:00+04:00', '...Z') -> UTC ISO text."""
    v = v.replace("/", "-").replace(" ", "T").replace("Z", "+00:00")
    if v[-3] in "+-":
        v += ":00"
    d = datetime.datetime.fromisoformat(v)
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def time_zone(tracker):
    """The tracker's time zone (tracker.csv's time_zone; UTC without one)."""
    p = os.path.join(tracker, "tracker.csv")
    if os.path.isfile(p):
        with open(p, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["key"] == "time_zone":
                    return zoneinfo.ZoneInfo(r["value"])
    return datetime.timezone.utc


def day_end(tracker, day):
    """The last second of the tracker's day (YYYY-MM-DD, in its time zone) as
    UTC text, as a GeoPackage's DateTime holds instants."""
    z = time_zone(tracker)
    start = datetime.datetime.combine(datetime.date.fromisoformat(day) + datetime.timedelta(days=1),
                                      datetime.time(0), z)
    end = start.astimezone(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    return end.strftime("%Y-%m-%dT%H:%M:%S")


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
        for r in active_at(rows, day_end(tracker, ds)):
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
            for r in active_at(rows, day_end(tracker, ds)):
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
    # the days of Baku (UTC+4, the tracker's time zone) start at 20:00 UTC the
    # day before; a GeoPackage's DateTime is UTC
    check(kal == [("1992-05-07T20:00:00", "1993-04-01T20:00:00", "AZ", "baseline-az"),
                  ("1993-04-01T20:00:00", "2020-11-24T20:00:00", "AM", "1993-kalbajar"),
                  ("2020-11-24T20:00:00", None, "AZ", "2020-kalbajar")], "kalbajar periods %r" % kal)
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
    got = sorted((r["region"], r["holder"]) for r in active_at(rows, day_end(KARABAKH, "2020-11-08")))
    check(got == want, "as-of periods differ from snapshot --as-of")
    # (a period may start later than 2020-11-09 only where an earlier event's uncertain period ends:
    # the sure part of its run, uncertain dates)
    ends = {(r["region"], iso(r["valid_to"])) for r in rows if r["uncertain"]}
    check(not any(iso(r["valid_from"]) > "2020-11-09" and (r["region"], iso(r["valid_from"])) not in ends
                  for r in rows), "an event recorded later is in")


# --------------------------------------------------------------------- KML
KML = "{http://www.opengis.net/kml/2.2}"


def check_kml_styles(root, what):
    """One <Style id=ACTOR> per actor in its colour (KML is aabbggrr), and
    every placemark's styleUrl is its holder's; returns the placemarks."""
    styles = {}
    for s in root.iter(KML + "Style"):
        if s.get("id"):
            c = s.find(KML + "PolyStyle/" + KML + "color")
            styles[s.get("id")] = c.text if c is not None else None
    actors = {r["id"]: r["color"] for r in __import__("csv").DictReader(
        open(os.path.join(KARABAKH, "actors.csv"), encoding="utf-8"))}
    for aid in ("AZ", "AM"):
        check(aid in styles, "%s: no <Style id=%r>: %r" % (what, aid, sorted(styles)))
        rr, gg, bb = actors[aid][1:3], actors[aid][3:5], actors[aid][5:7]
        check(styles[aid].lower().endswith((bb + gg + rr).lower()),
              "%s: style %s colour %r, actor colour %s (KML is aabbggrr)" % (what, aid, styles[aid], actors[aid]))
    marks = list(root.iter(KML + "Placemark"))
    for m in marks:
        url = m.find(KML + "styleUrl")
        data = {d.get("name"): d.text for d in m.iter(KML + "SimpleData")}
        check(url is not None and url.text == "#" + data["holder"],
              "%s: styleUrl %r for holder %r" % (what, url.text if url is not None else None, data.get("holder")))
    return marks


@test("export -o k.kml: every placemark has <TimeSpan><begin>, current ones no <end>; actor styles")
def _(tmp):
    out = os.path.join(tmp, "k.kml")
    run_ok(["export", "-o", out], tmp)
    root = ET.parse(out).getroot()
    check_kml_styles(root, "export")
    marks = list(root.iter(KML + "Placemark"))
    check(len(marks) > 78, "%d placemarks" % len(marks))
    open_ended = 0
    for m in marks:
        ts = m.find(KML + "TimeSpan")
        check(ts is not None and ts.find(KML + "begin") is not None, "placemark without TimeSpan/begin")
        if ts.find(KML + "end") is None:
            open_ended += 1
    check(open_ended == 78, "%d placemarks without <end> (current), expected 78" % open_ended)
    kal = sorted(m.find(KML + "TimeSpan/" + KML + "begin").text for m in marks
                 if any(d.get("name") == "region" and d.text == "kalbajar" for d in m.iter(KML + "SimpleData")))
    check([k[:10] for k in kal] == ["1992-05-08", "1993-04-02", "2020-11-25"], "kalbajar begins %r" % kal)


@test("snapshot -o s.kml: one style per actor in its colour, each placemark in its holder's, as the export")
def _(tmp):
    out = os.path.join(tmp, "s.kml")
    run_ok(["snapshot", "--date", "2020-11-25", "-o", out], tmp)
    marks = check_kml_styles(ET.parse(out).getroot(), "snapshot")
    check(len(marks) == 78, "%d placemarks" % len(marks))


# ------------------------------------------------------ other formats
@test("export to FlatGeobuf, Shapefile, CSV (WKT), GeoJSON: the same periods as the GeoPackage")
def _(tmp):
    run_ok(["export", "-o", os.path.join(tmp, "k.gpkg")], tmp)
    ref, _, _ = read_control(os.path.join(tmp, "k.gpkg"))
    # the same instants: UTC in the GeoPackage, with the tracker's offset in the others
    key = sorted((r["region"], r["holder"], utc_instant(r["valid_from"])) for r in ref)
    for ext, args in (("fgb", []), ("shp", []), ("csv", []), ("geojson", []), ("out", ["-f", "FlatGeobuf"])):
        out = os.path.join(tmp, "k." + ext)
        run_ok(["export", "-o", out] + args, tmp)
        ds = gdal.OpenEx(out, gdal.OF_VECTOR, open_options=["GEOM_POSSIBLE_NAMES=WKT"] if ext == "csv" else [])
        lyr = ds.GetLayer(0)
        got = []
        for f in lyr:
            vf = f.GetField("valid_from")
            got.append((f.GetField("region"), f.GetField("holder"), utc_instant(vf)))
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


@test("Shapefile output warns on stderr naming the fields it renames or cuts: snapshot, diff, export")
def _(tmp):
    t = generate_tracker(os.path.join(tmp, "gen"))
    path = os.path.join(t, "regions.geojson")
    with open(path, encoding="utf-8") as f:
        regions = __import__("json").load(f)
    long_name = "Region with a long official name " + "x" * 280
    regions["features"][0]["properties"]["name"] = long_name
    rid = regions["features"][0]["properties"]["id"]
    with open(path, "w", encoding="utf-8") as f:
        __import__("json").dump(regions, f)
    ev = [r for r in log_csv(t, tmp) if rid in r["regions"].split(";") and r["kind"] != "baseline"]
    check(ev, "no event on %s" % rid)
    d1 = (datetime.date.fromisoformat(ev[0]["date"][:10]) - datetime.timedelta(days=1)).isoformat()
    d2 = ev[-1]["date"][:10]
    runs = {"snapshot": ["snapshot", "--date", d2], "diff": ["diff", d1, d2], "export": ["export"]}
    for cmd, args in runs.items():
        out = os.path.join(tmp, cmd + ".shp")
        p = run_ok(["-d", t] + args + ["-o", out], tmp)
        check("frontline: warning: %s: a Shapefile string holds at most 254 bytes: cut 'name' (" % out in p.stderr,
              "%s: no warning of the cut name: %r" % (cmd, p.stderr))
        if cmd != "diff":  # diff has no field over 10 characters
            check("'holder_name' as 'holder_nam'" in p.stderr, "%s: no warning of the renamed field: %r" % (cmd, p.stderr))
        ds = ogr.Open(out)
        names = {f.GetField("name") for f in ds.GetLayer(0) if f.GetField("region") == rid}
        check(names == {long_name[:254]}, "%s: names read back %r" % (cmd, [len(n) for n in names]))
        q = run_ok(["-d", t] + args + ["-o", os.path.join(tmp, cmd + ".fgb")], tmp)
        check(q.stderr == "", "%s .fgb: stderr %r" % (cmd, q.stderr))


# ------------------------------------------- time filters in every format
def gdal_compares_null_datetime():
    """Whether this GDAL's OGR SQL evaluates `d > 'literal'` on a NULL
    date-time d.  GDAL 3.6 does not ("Failed to parse date ''"), and drops
    the feature whatever OR surrounds the comparison."""
    ds = ogr.GetDriverByName("Memory").CreateDataSource("probe")
    lyr = ds.CreateLayer("p")
    lyr.CreateField(ogr.FieldDefn("d", ogr.OFTDateTime))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetFieldNull(0)
    lyr.CreateFeature(f)
    lyr.SetAttributeFilter("d IS NULL OR d > '2000-01-01'")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        return sum(1 for _ in lyr) == 1
    except RuntimeError:
        return False
    finally:
        gdal.PopErrorHandler()


def open_export(path, ext):
    # CSV has no NULL: an empty field is the open end, read as NULL on request
    opts = ["GEOM_POSSIBLE_NAMES=WKT", "EMPTY_STRING_AS_NULL=YES"] if ext == "csv" else []
    ds = gdal.OpenEx(path, gdal.OF_VECTOR, open_options=opts)
    return ds, (ds.GetLayerByName("control") if ext == "gpkg" else ds.GetLayer(0))


def temporal_filter(ext, d, null_ok, zone):
    """What QGIS's Temporal Controller asks at instant d (a datetime):
    valid_from <= d < valid_to, an open end (NULL) never ending.  The fields
    are DateTime in .gpkg, in UTC (compared as text by SQLite: the stored
    "...SS.000Z" sorts before "...SSZ", so equal instants compare equal),
    .fgb and .geojson (parsed by GDAL, which compares the clocks' readings),
    and ISO 8601 text in .kml, .shp and .csv (compared as text): all but the
    GeoPackage in the tracker's time zone, with its offset, so d is written
    in that zone for them."""
    if ext == "gpkg":
        t = d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        t = d.astimezone(zone).isoformat()
    to = "valid_to > '%s'" % t
    if ext in ("fgb", "geojson") and not null_ok:
        # GDAL 3.6 cannot compare a NULL date-time (see above): the same
        # comparison on GDAL's own text of the value, NULL for an open end
        off = d.astimezone(zone).strftime("%z")
        to = "CAST(valid_to AS character) > '%s%s'" % (
            d.astimezone(zone).strftime("%Y/%m/%d %H:%M:%S"), off[:3] if off[3:] == "00" else off)
    return "valid_from <= '%s' AND (valid_to IS NULL OR %s)" % (t, to)


@test("valid_from <= T AND (valid_to IS NULL OR valid_to > T) = snapshot --date T in gpkg, fgb, kml, shp, csv, geojson")
def _(tmp):
    null_ok = gdal_compares_null_datetime()
    zone = time_zone(KARABAKH)
    exts = ("gpkg", "fgb", "kml", "shp", "csv", "geojson")
    for ext in exts:
        run_ok(["export", "-o", os.path.join(tmp, "h." + ext)], tmp)
    rows, _, _ = read_control(os.path.join(tmp, "h.gpkg"))
    bounds = {iso(r[k]) for r in rows for k in ("valid_from", "valid_to") if r[k]}
    instants = set()
    for b in bounds:
        d = datetime.datetime.fromisoformat(b).replace(tzinfo=datetime.timezone.utc)
        instants |= {d, d + datetime.timedelta(hours=12), d - datetime.timedelta(seconds=1)}
    bad = []
    opened = {ext: open_export(os.path.join(tmp, "h." + ext), ext) for ext in exts}
    for d in sorted(instants):
        t = d.strftime("%Y-%m-%dT%H:%M:%SZ")
        want = sorted((f["properties"]["region"], f["properties"]["holder"])
                      for f in snapshot(KARABAKH, t, tmp)["features"] if f["properties"]["holder"])
        for ext in exts:
            lyr = opened[ext][1]
            lyr.SetAttributeFilter(temporal_filter(ext, d, null_ok, zone))
            got = sorted((f.GetField("region"), f.GetField("holder")) for f in lyr)
            lyr.SetAttributeFilter(None)
            if got != want:
                bad.append("%s at %s: %d features, snapshot %d; only in export %s, only in snapshot %s" % (
                    ext, t, len(got), len(want), sorted(set(got) - set(want))[:3],
                    sorted(set(want) - set(got))[:3]))
    check(len(instants) > 40, "%d instants" % len(instants))
    check(not bad, "%d mismatches: %s" % (len(bad), bad[:6]))


@test("an open end reads as NULL (or unset) in every format; .kml gives valid_from/valid_to back as text")
def _(tmp):
    for ext in ("gpkg", "fgb", "kml", "shp", "csv", "geojson"):
        out = os.path.join(tmp, "h." + ext)
        run_ok(["export", "-o", out], tmp)
        _, lyr = open_export(out, ext)
        feats = [(f.GetField("valid_from"), f.GetField("valid_to")) for f in lyr]
        ends = [e for _, e in feats]
        check(ends.count(None) == 78, "%s: %d NULL valid_to, expected 78" % (ext, ends.count(None)))
        check(all(s for s, _ in feats), "%s: a valid_from is empty" % ext)
        closed = [iso(e) for e in ends if e is not None]
        check(len(closed) == len(feats) - 78 and all(c[:2] in ("19", "20") for c in closed),
              "%s: valid_to values %r" % (ext, closed[:3]))


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
