#!/usr/bin/python3
"""End-to-end tests of `frontline import-series --extent FILE [--extent-where
FILTER]`, `--actor ID:NAME[:#RRGGBB]` and `--attribution TEXT`: the series as
a newsroom publishes it (issue 22).

The promise tested: with an extent the tracker's territory is the extent and
every date's area (the daily polygons are never clipped), `--other` holds the
ground of the extent outside each date's polygons, so that `stats` gives each
side's area and share of the whole territory (computed here with pyproj on the
same squares); the actors' names and colours reach actors.csv and the legend
of `render`, and the attribution the tracker's README.md and every map drawn
from it.  Generated squares near 30E 50N, and DeepState days with Natural
Earth's Ukraine (skipped when ../shared is absent).  Bad input: a clear error
naming the option and the file or value, non-zero exit, no tracker left.

Usage: /usr/bin/python3 test_import_extent.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys

from osgeo import ogr, osr
from pyproj import Geod
from shapely.geometry import box, mapping, shape
from shapely.ops import polygonize, unary_union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import SRC, Skip, Workdir, check, check_close, main, stats_rows, test  # noqa: E402

SHARED = os.environ.get("FL_SHARED") or (os.path.join(SRC, "..", "shared") if SRC else "")
DEEPSTATE = os.path.join(SHARED, "data", "deepstate")
COUNTRIES = os.path.join(SHARED, "data", "naturalearth", "ne_50m_admin_0_countries.geojson")
GEOD = Geod(ellps="WGS84")

EXTENT = box(30.0, 50.0, 31.0, 51.0)
# RU's area on three days, inside the extent: a gain, then a loss
DAYS = [box(30.0, 50.0, 30.5, 50.5),
        box(30.0, 50.0, 30.7, 50.5),
        box(30.0, 50.0, 30.7, 50.3)]
DATES = ["2024-03-01", "2024-03-02", "2024-03-03"]
HO = ["--holder", "RU", "--other", "UA"]
ATTR = "Control data: DeepStateMap, via cyterat/deepstate-map-data, GNU GPL v3."


def km2(g):
    """The geodesic area of g on the WGS 84 ellipsoid, in km2 (as stats computes it)."""
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


def held_km2(region, polys):
    """The area of region as the tracker sums it: its edges are geodesics between
    the vertices of its pieces (the overlay of every polygon of the import), so
    it is the sum of the pieces' areas inside it."""
    pieces = polygonize(unary_union([p.boundary for p in polys]))
    return sum(km2(p) for p in pieces if region.contains(p.representative_point()))


class Ctx(Workdir):
    timeout = 300

    def write_geojson(self, name, geoms, props=None):
        feats = [{"type": "Feature", "properties": (props[i] if props else {}),
                  "geometry": mapping(g) if g is not None else None} for i, g in enumerate(geoms)]
        with open(self.path(name), "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": feats}, f)
        return name

    def days(self, polys=DAYS, prefix="ru"):
        return [self.write_geojson("%s_%s.geojson" % (prefix, d.replace("-", "")), [g])
                for d, g in zip(DATES, polys)]

    def stats(self, tracker, date):
        """{holder: (area_km2, share)} on date."""
        rows = stats_rows(self.ok("-d", tracker, "stats", "--from", date, "--to", date, "--step", "day").out)
        return {r["holder"]: (r["area_km2"], r["share"]) for r in rows if r["date"] == date}

    def holder_geom(self, tracker, date, holder):
        snap = json.loads(self.ok("-d", tracker, "snapshot", "--by", "actor", "--date", date).out)["features"]
        gs = [shape(f["geometry"]) for f in snap if f["properties"]["holder"] == holder]
        check(len(gs) == 1, "%s on %s: %d features by actor" % (holder, date, len(gs)))
        return gs[0]


def pdf_text(c, tracker, date, name="m.pdf"):
    """The text of `render` as PDF (pdftotext keeps the words Cairo drew)."""
    exe = shutil.which("pdftotext")
    if not exe:
        raise Skip("pdftotext (poppler-utils) is not installed")
    c.ok("-d", tracker, "render", "--date", date, "-o", name)
    return subprocess.run([exe, c.path(name), "-"], capture_output=True, text=True, check=True).stdout


def svg_fills(path):
    """Every fill colour of an SVG as #rrggbb (cairo writes rgb(r%,g%,b%))."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = set()
    for m in re.finditer(r"fill(?:=\"|:)\s*rgb\(([\d.]+)%,\s*([\d.]+)%,\s*([\d.]+)%\)", text):
        out.add("#%02x%02x%02x" % tuple(round(float(v) * 255 / 100) for v in m.groups()))
    for m in re.finditer(r"fill(?:=\"|:)\s*(#[0-9a-fA-F]{6})", text):
        out.add(m.group(1).lower())
    return out


def tracker_left(c, name):
    return os.path.exists(c.path(name)) or glob.glob(c.path(name + ".tmp*"))


@test("import-series --extent square: UA holds the square outside each day's polygon; stats' areas and shares")
def t_extent_square(c):
    files = c.days()
    c.write_geojson("extent.geojson", [EXTENT])
    c.ok("import-series", *HO, "--extent", "extent.geojson", "--out", "T", *files)
    for d, ru in zip(DATES, DAYS):
        st = c.stats("T", d)
        ua, rua = held_km2(EXTENT.difference(ru), [EXTENT] + DAYS), held_km2(ru, [EXTENT] + DAYS)
        check(sorted(st) == ["RU", "UA"], "%s: holders %s" % (d, sorted(st)))
        check_close(st["RU"][0], rua, "%s: RU km2" % d, rel=1e-6)
        check_close(st["UA"][0], ua, "%s: UA km2 (the square less RU's)" % d, rel=1e-6)
        check_close(st["RU"][1], rua / (ua + rua), "%s: RU's share" % d, rel=1e-6)
        check_close(st["UA"][1], ua / (ua + rua), "%s: UA's share" % d, rel=1e-6)
        # each day's polygon given back as read, the rest of the square to UA
        check(c.holder_geom("T", d, "RU").symmetric_difference(ru).area < 1e-9, "%s: RU's polygon" % d)
        check(c.holder_geom("T", d, "UA").symmetric_difference(EXTENT.difference(ru)).area < 1e-9,
              "%s: UA's polygon is not the square less RU's" % d)
    with open(c.path("T", "events.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    check(rows[0]["id"] == "2024-03-01-extent-UA" and "extent.geojson" in rows[0]["source"],
          "the extent's row does not cite the extent file: %s" % rows[0])
    r = c.run("-d", "T", "check", "-f", "json")
    check(r.rc == 0 and json.loads(r.out).get("errors") == 0, "check is not clean:\n%s" % r.describe())


@test("import-series --extent: a day's polygon reaching outside the extent is kept whole (territory = extent + days)")
def t_extent_union(c):
    out = box(31.0, 50.0, 31.2, 50.2)  # beyond the square's east side
    polys = [DAYS[0], DAYS[1].union(out), DAYS[2]]
    files = c.days(polys)
    c.write_geojson("extent.geojson", [EXTENT])
    c.ok("import-series", *HO, "--extent", "extent.geojson", "--out", "T", *files)
    for d, ru in zip(DATES, polys):
        st = c.stats("T", d)
        check_close(st["RU"][0], held_km2(ru, [EXTENT] + polys), "%s: RU km2 (not clipped)" % d, rel=1e-6)
        check_close(st["UA"][0], held_km2(EXTENT.union(out).difference(ru), [EXTENT] + polys),
                    "%s: UA km2 (the square and the ground outside it, less RU's)" % d, rel=1e-6)
    # before RU took it and after RU gave it up, the ground outside the square is UA's
    check(c.holder_geom("T", DATES[0], "UA").contains(out.buffer(-1e-4)), "UA lacks the outside ground on day 1")
    check(c.holder_geom("T", DATES[2], "UA").contains(out.buffer(-1e-4)), "UA lacks the outside ground on day 3")


@test("import-series --extent-where picks features of a GeoPackage in Web Mercator (transformed to WGS 84)")
def t_extent_where(c):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3857)
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs, srs)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(c.path("countries.gpkg"))
    lyr = ds.CreateLayer("countries", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("ISO_A3", ogr.OFTString))
    for iso, g in (("AAA", EXTENT), ("BBB", box(10, 40, 11, 41)), ("CCC", box(31.0, 50.0, 31.5, 50.5))):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("ISO_A3", iso)
        og = ogr.CreateGeometryFromWkt(g.wkt)
        og.Transform(ct)
        f.SetGeometry(og)
        lyr.CreateFeature(f)
    ds = None
    files = c.days()
    c.ok("import-series", *HO, "--extent", "countries.gpkg", "--extent-where", "ISO_A3 IN ('AAA', 'CCC')",
         "--out", "T", *files)
    ccc = box(31.0, 50.0, 31.5, 50.5)
    ua = held_km2(EXTENT.union(ccc).difference(DAYS[0]), [EXTENT, ccc] + DAYS)
    st = c.stats("T", DATES[0])
    check_close(st["UA"][0], ua, "UA km2: AAA and CCC less RU's", rel=1e-6)
    check_close(st["RU"][1], km2(DAYS[0]) / (ua + km2(DAYS[0])), "RU's share", rel=1e-6)
    with open(c.path("T", "events.csv"), encoding="utf-8") as f:
        text = f.read()
    check("countries.gpkg where ISO_A3 IN ('AAA', 'CCC')" in text, "the extent's source lacks the filter")


@test("import-series --actor and --attribution: actors.csv, README.md, and render's legend, colours and credit")
def t_actors_attribution(c):
    files = c.days()
    c.write_geojson("extent.geojson", [EXTENT])
    c.ok("import-series", *HO, "--extent", "extent.geojson", "--actor", "RU:Russian forces:#c0392b",
         "--actor", "UA:Ukraine, its army:#2166AC", "--attribution", ATTR, "--out", "T", *files)
    with open(c.path("T", "actors.csv"), encoding="utf-8") as f:
        actors = {r["id"]: r for r in csv.DictReader(f)}
    check(actors["RU"]["name"] == "Russian forces" and actors["RU"]["color"] == "#c0392b",
          "RU in actors.csv: %s" % actors["RU"])
    check(actors["UA"]["name"] == "Ukraine, its army" and actors["UA"]["color"] == "#2166AC",
          "UA in actors.csv: %s" % actors["UA"])
    with open(c.path("T", "README.md"), encoding="utf-8") as f:
        readme = f.read()
    check(("Attribution: " + ATTR + "\n") in readme, "README.md lacks the attribution line:\n" + readme)
    text = pdf_text(c, "T", DATES[1])
    flat = " ".join(text.split())
    for want in ("Russian forces", "Ukraine, its army", "Attribution: " + ATTR):
        check(want in flat, "render's PDF lacks %r:\n%s" % (want, text))
    # the legend gives UA the square less RU's area (not the few km2 of the union of the days)
    m = re.search(r"UA\s+([\d.]+)\s*km", flat)
    check(m is not None, "no UA area in the legend:\n" + text)
    check_close(float(m.group(1)), held_km2(EXTENT.difference(DAYS[1]), [EXTENT] + DAYS),
                "UA's area in the legend", rel=0, abs_tol=0.06)
    c.ok("-d", "T", "render", "--date", DATES[1], "-o", "m.svg")
    fills = svg_fills(c.path("m.svg"))
    for col in ("#c0392b", "#2166ac"):
        check(col in fills, "the SVG has no fill of %s (fills: %s)" % (col, sorted(fills)))
    # ID::#RRGGBB keeps the id as the name; no --attribution, no README and no credit line
    c.ok("import-series", *HO, "--actor", "UA::#00ff00", "--out", "D", *files)
    with open(c.path("D", "actors.csv"), encoding="utf-8") as f:
        actors = {r["id"]: r for r in csv.DictReader(f)}
    check(actors["UA"]["name"] == "UA" and actors["UA"]["color"] == "#00ff00" and
          actors["RU"]["color"] == "#d62728", "actors.csv with UA::#00ff00: %s" % actors)
    check(not os.path.exists(c.path("D", "README.md")), "README.md written without --attribution")
    check("Attribution" not in pdf_text(c, "D", DATES[1], "d.pdf"), "a credit line without --attribution")


def refused(c, args, needles, rc=None):
    r = c.run("import-series", *HO, "--out", "T", *args)
    check(r.rc != 0, "exit status 0\n%s" % r.describe())
    if rc is not None:
        check(r.rc == rc, "exit status %d, expected %d\n%s" % (r.rc, rc, r.describe()))
    for n in needles:
        check(n in r.err, "stderr does not mention %r:\n%s" % (n, r.err))
    check(not tracker_left(c, "T"), "a tracker (or its temporary folder) was left: %s" % os.listdir(c.tmp))
    return r


@test("import-series --extent: a missing file, no polygon, a filter matching nothing or refused: clear errors")
def t_bad_extent(c):
    files = c.days()
    c.write_geojson("extent.geojson", [EXTENT], [{"ISO_A3": "AAA"}])
    c.write_geojson("points.geojson", [EXTENT.centroid], [{"ISO_A3": "AAA"}])
    c.write_geojson("empty.geojson", [None], [{"ISO_A3": "AAA"}])
    with open(c.path("junk.geojson"), "w", encoding="utf-8") as f:
        f.write("not GeoJSON at all\n")
    refused(c, ["--extent", "nosuch.geojson", *files], ["--extent", "nosuch.geojson"])
    refused(c, ["--extent", "junk.geojson", *files], ["--extent", "junk.geojson"])
    refused(c, ["--extent", "points.geojson", *files], ["--extent", "points.geojson", "polygon"])
    refused(c, ["--extent", "empty.geojson", *files], ["--extent", "empty.geojson", "no polygon"])
    refused(c, ["--extent", "extent.geojson", "--extent-where", "ISO_A3='ZZZ'", *files],
            ["--extent-where", "ISO_A3='ZZZ'", "extent.geojson", "no feature"])
    refused(c, ["--extent", "extent.geojson", "--extent-where", "ISO_A3 ==== (", *files],
            ["--extent-where", "ISO_A3 ==== (", "extent.geojson"])
    refused(c, ["--extent-where", "ISO_A3='AAA'", *files], ["--extent-where", "--extent"], rc=2)
    # a file name that is not UTF-8 (it would be written into the tracker as the extent's source)
    latin1 = os.fsdecode(b"ext\xe9.geojson")
    shutil.copy(c.path("extent.geojson"), c.path(latin1))
    refused(c, ["--extent", latin1, *files], ["--extent", "not UTF-8"], rc=2)


@test("import-series --actor and --attribution: malformed values are refused naming the option and value")
def t_bad_names(c):
    files = c.days()
    refused(c, ["--actor", "RU", *files], ["--actor", "'RU'", "ID:NAME"], rc=2)
    refused(c, ["--actor", ":Russia", *files], ["--actor", "':Russia'"], rc=2)
    refused(c, ["--actor", "RU:Russia:#12345", *files], ["--actor", "RU", "#12345", "#rrggbb"], rc=2)
    refused(c, ["--actor", "RU:Russia:#gg0000", *files], ["--actor", "#gg0000"], rc=2)
    refused(c, ["--actor", "XX:Someone", *files], ["--actor", "XX", "--holder", "--other"], rc=2)
    refused(c, ["--actor", "RU:A", "--actor", "RU:B", *files], ["--actor", "RU", "twice"], rc=2)
    refused(c, ["--attribution", "", *files], ["--attribution", "empty"], rc=2)
    refused(c, ["--attribution", "two\nlines", *files], ["--attribution", "one line"], rc=2)


@test("import-series --extent: DeepState days with Natural Earth's Ukraine; UA ~81 % of the territory")
def t_deepstate(c):
    if not os.path.isdir(DEEPSTATE) or not os.path.isfile(COUNTRIES):
        raise Skip("../shared/data/deepstate or ../shared/data/naturalearth is absent")
    files = sorted(glob.glob(os.path.join(DEEPSTATE, "deepstatemap_data_2024*.geojson")))[:4]
    check(len(files) == 4, "fewer than four DeepState days of 2024")
    day = "%s-%s-%s" % (os.path.basename(files[0])[18:22], os.path.basename(files[0])[22:24],
                        os.path.basename(files[0])[24:26])
    c.ok("import-series", *HO, "--out", "PLAIN", *files)
    c.ok("import-series", *HO, "--extent", COUNTRIES, "--extent-where", "ISO_A3='UKR'",
         "--actor", "RU:Russian forces:#c0392b", "--actor", "UA:Ukraine:#2166ac",
         "--attribution", ATTR, "--out", "T", *files)
    plain, st = c.stats("PLAIN", day), c.stats("T", day)
    total = st["RU"][0] + st["UA"][0]
    # Ukraine with Crimea is about 603,600 km2; Natural Earth 1:50m's outline and DeepState's coast
    check(595000 < total < 610000, "the territory is %.0f km2, not Ukraine's" % total)
    check(0.78 < st["UA"][1] < 0.84, "UA's share %.4f, expected about 0.81" % st["UA"][1])
    check(plain["UA"][1] < 0.1, "without --extent UA's share is %.4f" % plain["UA"][1])
    check_close(st["RU"][0], plain["RU"][0], "RU's area with and without --extent", rel=1e-5)
    ds = shape(json.load(open(files[0], encoding="utf-8"))["features"][0]["geometry"])
    check(c.holder_geom("T", day, "RU").symmetric_difference(ds).area < 1e-6, "RU's polygon is not the day's")
    flat = " ".join(pdf_text(c, "T", day).split())
    for want in ("Russian forces", "Ukraine", "Attribution: " + ATTR):
        check(want in flat, "render's PDF lacks %r" % want)


@test("import-series --extent with the shipped base map's Ukraine, 80 DeepState days: the tracker opens (the extent's area is polygons only)")
def t_deepstate_shipped_extent(c):
    if not os.path.isdir(DEEPSTATE):
        raise Skip("../shared/data/deepstate is absent")
    files = sorted(glob.glob(os.path.join(DEEPSTATE, "deepstatemap_data_*.geojson")))[:80]
    check(len(files) == 80, "fewer than 80 DeepState days")
    countries = os.path.join(SRC, "geodata", "basemap", "countries.fgb")
    c.ok("import-series", *HO, "--extent", countries, "--extent-where", "ADM0_A3 = 'UKR'", "--out", "T", *files)
    # on the grid, (territory + gains) - the first day left lines beside the polygons: a
    # GeometryCollection the areas layer refused, so the tracker did not open
    areas = json.load(open(c.path(os.path.join("T", "areas.geojson")), encoding="utf-8"))["features"]
    kinds = sorted({f["geometry"]["type"] for f in areas})
    check(set(kinds) <= {"Polygon", "MultiPolygon"}, "areas.geojson has geometries of types %s" % kinds)
    out = c.ok("-d", "T", "check").out
    check(" 0 error(s)" in out, "check: %s" % out.strip().splitlines()[-1])
    day = "2024-07-08"
    st = c.stats("T", day)
    total = st["RU"][0] + st["UA"][0]
    check(595000 < total < 610000, "the territory is %.0f km2, not Ukraine's" % total)


if __name__ == "__main__":
    sys.exit(main("fl-import-extent-", context=Ctx))
