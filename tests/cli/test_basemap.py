#!/usr/bin/python3
"""End-to-end tests of `frontline render`'s base map and place labels: the
shipped Natural Earth cut (geodata/basemap) drawn under the Karabakh tracker,
--basemap with another source, --no-basemap, --places, --names both, and the
"Made with Natural Earth" credit.

Usage: /usr/bin/python3 test_basemap.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  PNG pixels are read with Pillow (python3-pil) at the centre of a
small --bbox around a point chosen here from the base map's own files (with
shapely), away from borders, rivers, places and the tracker's regions.
Labels are read from a PDF of the map with pdftotext -bbox (poppler-utils):
Cairo's PDF keeps the labels as text, its SVG as glyph outlines only; the PDF
page is the map's size in points, one point per pixel.  The DeepState test
needs ../shared/data/deepstate (FL_SHARED) and is skipped without it.
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from PIL import Image
from shapely.geometry import Point, shape
from shapely.ops import unary_union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import KARABAKH, SRC, Skip, check, main, run, run_fail, run_ok, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_basemap.py FRONTLINE_BINARY SOURCE_ROOT")

BASEMAP = os.path.join(SRC, "geodata", "basemap")
SHARED = os.environ.get("FL_SHARED") or os.path.join(SRC, "..", "shared")
DEEPSTATE = os.path.join(SHARED, "data", "deepstate")

# the colours render_basemap.c documents
COUNTRY = (0xef, 0xea, 0xde)
SEA = (0xd4, 0xe4, 0xf0)
ANY_FILL = (0xe6, 0xe3, 0xda)
PLAIN = (245, 247, 250)  # the background without the shipped base map


def features(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def fgb_features(path):
    """The features of a shipped FlatGeobuf layer, as GeoJSON from GDAL's ogr2ogr."""
    out = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path], check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.decode("utf-8"))["features"]


_cache = {}


def layer(name):
    if name not in _cache:
        _cache[name] = [(f["properties"], shape(f["geometry"]))
                        for f in fgb_features(os.path.join(BASEMAP, name))
                        if f.get("geometry")]
    return _cache[name]


def tracker_union():
    if "tracker" not in _cache:
        _cache["tracker"] = unary_union([shape(f["geometry"]) for f in
                                         features(os.path.join(KARABAKH, "regions.geojson"))])
    return _cache["tracker"]


def clear_point(lon, lat, margin=0.03):
    """Check that (lon, lat) is at least margin degrees from every border,
    river, lake shore, place and tracker region, so that the pixel there
    shows one fill only."""
    pt = Point(lon, lat)
    check(tracker_union().distance(pt) > margin, "%s is in or near the tracker's regions" % pt)
    for name in ("countries.fgb", "land.fgb", "lakes.fgb", "rivers.fgb",
                 "places.fgb"):
        for props, g in layer(name):
            d = g.exterior.distance(pt) if g.geom_type == "Polygon" else (
                g.boundary.distance(pt) if g.geom_type == "MultiPolygon" else g.distance(pt))
            check(d > margin, "%s is %.4f° from an edge of %s in %s" % (pt, d, props, name))
    return pt


def country_at(pt):
    return [p["ADM0_A3"] for p, g in layer("countries.fgb") if g.contains(pt)]


def centre_rgb(tmp, lon, lat, extra=(), name="c.png"):
    """The pixel at the centre of a 601x451 map of a ±0.05° bbox around
    (lon, lat): the centre of the image is the centre of the bbox."""
    bbox = "%.6f,%.6f,%.6f,%.6f" % (lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05)
    run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "--bbox", bbox, "--size", "601x451",
            "--no-labels", "-o", name] + list(extra), tmp)
    img = Image.open(os.path.join(tmp, name)).convert("RGB")
    check(img.size == (601, 451), "%s is %dx%d" % (name, img.size[0], img.size[1]))
    return img.getpixel((300, 225))


def close(px, want, tol=2):
    return all(abs(a - b) <= tol for a, b in zip(px, want))


# points checked against the base map's own files before use
IRAN = (47.5, 38.6)
GEORGIA = (45.5, 41.7)
CASPIAN = (50.3, 39.0)
SEVAN = (45.3, 40.35)


@test("Iran and Georgia outside the tracker are drawn in the base map's country colour")
def _(tmp):
    for where, (lon, lat), a3 in (("Iran", IRAN, "IRN"), ("Georgia", GEORGIA, "GEO")):
        pt = clear_point(lon, lat)
        check(country_at(pt) == [a3], "%s: the point %s is in %s, not %s" % (where, pt, country_at(pt), a3))
        px = centre_rgb(tmp, lon, lat)
        check(close(px, COUNTRY), "%s at %s: pixel %s, expected the country colour %s (±2)"
              % (where, pt, px, COUNTRY))


@test("the Caspian Sea and Lake Sevan are drawn in the water colour")
def _(tmp):
    pt = clear_point(*CASPIAN)
    check(not country_at(pt) and not any(g.contains(pt) for _, g in layer("land.fgb")),
          "%s is on land" % pt)
    px = centre_rgb(tmp, *CASPIAN)
    check(close(px, SEA), "the Caspian at %s: pixel %s, expected the water colour %s (±2)" % (pt, px, SEA))
    pt = clear_point(*SEVAN, margin=0.06)
    check(any(p.get("name") == "Lake Sevan" and g.contains(pt) for p, g in layer("lakes.fgb")),
          "%s is not in Lake Sevan" % pt)
    px = centre_rgb(tmp, *SEVAN)
    check(close(px, SEA), "Lake Sevan at %s: pixel %s, expected the water colour %s (±2)" % (pt, px, SEA))


@test("--no-basemap: Iran is the plain background")
def _(tmp):
    px = centre_rgb(tmp, *IRAN, extra=["--no-basemap"])
    check(close(px, PLAIN), "--no-basemap at %s: pixel %s, expected the plain background %s" % (IRAN, px, PLAIN))


@test("--basemap FILE: a generated square drawn in the fill colour, the shipped base map not at all")
def _(tmp):
    lon, lat = IRAN
    sq = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": 1}, "geometry": {
        "type": "Polygon", "coordinates": [[[lon - 0.2, lat - 0.2], [lon + 0.2, lat - 0.2], [lon + 0.2, lat + 0.2],
                                            [lon - 0.2, lat + 0.2], [lon - 0.2, lat - 0.2]]]}}]}
    with open(os.path.join(tmp, "square.geojson"), "w") as f:
        json.dump(sq, f)
    px = centre_rgb(tmp, lon, lat, extra=["--basemap", "square.geojson"])
    check(close(px, ANY_FILL), "inside the square: pixel %s, expected the fill colour %s (±2)" % (px, ANY_FILL))
    px = centre_rgb(tmp, lon + 0.4, lat, extra=["--basemap", "square.geojson"], name="d.png")
    check(close(px, PLAIN), "outside the square (in Iran): pixel %s, expected the plain background %s, "
          "not the shipped base map" % (px, PLAIN))


def no_output(tmp, name):
    check(not os.path.exists(os.path.join(tmp, name)), "%s was written" % name)
    check(not [f for f in os.listdir(tmp) if ".tmp-" in f], "temporary files left: %s" % os.listdir(tmp))


@test("bad --basemap, --places, --names: an error naming the option and the file, nothing written")
def _(tmp):
    with open(os.path.join(tmp, "garbage.geojson"), "w") as f:
        f.write("this is not GeoJSON\n")
    with open(os.path.join(tmp, "nonames.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"pop": 1},
                   "geometry": {"type": "Point", "coordinates": [46.5, 40]}}]}, f)
    base = ["-d", KARABAKH, "render", "--date", "2020-11-25", "-o", "m.png"]
    for args, want in ((["--basemap", "missing.gpkg"], ["--basemap", "missing.gpkg"]),
                       (["--basemap", "garbage.geojson"], ["--basemap", "garbage.geojson"]),
                       (["--places", "missing.shp"], ["--places", "missing.shp"]),
                       (["--places", "nonames.geojson"], ["--places", "nonames.geojson", "NAME"]),
                       (["--names", "azerbaijani"], ["--names", "azerbaijani", "tracker", "both"]),
                       (["--basemap", BASEMAP, "--no-basemap"], ["--basemap", "--no-basemap"])):
        p = run_fail(base + args, tmp, want)
        check(p.returncode == 2, "%s: exit %d, expected 2 (a usage error)" % (args, p.returncode))
        no_output(tmp, "m.png")


def pdf_words(tmp, args, name="m.pdf"):
    """[(text, x0, y0, x1, y1)] of the words pdftotext finds in the map."""
    run_ok(list(args) + ["-o", name], tmp)
    out = subprocess.run(["pdftotext", "-bbox", os.path.join(tmp, name), "-"], capture_output=True,
                         text=True, check=True).stdout
    words = []
    for w in ET.fromstring(out.replace("<!DOCTYPE", "<!-- ").replace("dtd\">", "dtd -->")).iter(
            "{http://www.w3.org/1999/xhtml}word"):
        words.append((w.text, float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                      float(w.get("yMax"))))
    lines = subprocess.run(["pdftotext", "-layout", os.path.join(tmp, name), "-"], capture_output=True,
                           text=True, check=True).stdout
    return words, re.sub(r"\s+", " ", lines)


def core(w):
    """A word's ink for sure: its box from the baseline up half an em
    (pdftotext's box is the font's ascent to descent, taller than the
    ink that labels are placed by), a pixel in from each side."""
    _, x0, y0, x1, y1 = w
    em = (y1 - y0) / 1.164  # DejaVu Sans: ascent 0.928 + descent 0.236
    base = y1 - 0.236 * em
    return (x0 + 1, base - 0.5 * em, x1 - 1, base)


def check_no_overlap(words, what):
    boxes = [(w, core(w)) for w in words]
    for i, (wa, a) in enumerate(boxes):
        for wb, b in boxes[i + 1:]:
            check(not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]),
                  "%s: %r at %s overlaps %r at %s" % (what, wa[0], wa[1:], wb[0], wb[1:]))


def find(words, text):
    return [w for w in words if w[0] == text]


@test("Karabakh map: Stepanakert, Baku and Yerevan labelled inside the map, Kalbajar too; no two words overlap")
def _(tmp):
    words, _ = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25"])
    # (Baku twice: the place, and the tracker's region "Baku City")
    for name in ("Stepanakert", "Baku", "Yerevan", "Kalbajar"):
        got = find(words, name)
        check(len(got) == (2 if name == "Baku" else 1), "%r is on the map %d times (words: %s)"
              % (name, len(got), sorted(w[0] for w in words)))
        for _, x0, y0, x1, y1 in got:
            check(0 <= x0 < x1 <= 1200 and 0 <= y0 < y1 <= 900, "%r at %s is outside the 1200x900 map"
                  % (name, (x0, y0, x1, y1)))
    check(len(words) > 40, "only %d words on the map" % len(words))
    check_no_overlap(words, "render --date 2020-11-25")


@test("a place's label lies beside its dot: Stepanakert next to its position in the projection")
def _(tmp):
    from pyproj import Transformer
    bb = (44.5, 38.3, 50.9, 42.0)
    w, h = 1200, 900
    words, _ = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--bbox",
                               ",".join(map(str, bb))])
    # the projection render.h documents: Lambert azimuthal equal-area on the
    # bbox's centre, fitted to the canvas, the image centre the bbox centre
    lon0, lat0 = (bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2
    tr = Transformer.from_crs("OGC:CRS84", "+proj=laea +lat_0=%f +lon_0=%f +datum=WGS84 +units=m" % (lat0, lon0),
                              always_xy=True)
    hw = hh = 0
    for i in range(9):
        x, y = tr.transform(bb[0] + (bb[2] - bb[0]) * (i % 3) / 2, bb[1] + (bb[3] - bb[1]) * (i // 3) / 2)
        hw, hh = max(hw, abs(x)), max(hh, abs(y))
    scale = min(w / (2 * hw), h / (2 * hh))
    step = [(p, g) for p, g in layer("places.fgb") if p["NAME"] == "Stepanakert"]
    check(len(step) == 1, "places.fgb has %d Stepanakert" % len(step))
    x, y = tr.transform(step[0][1].x, step[0][1].y)
    px, py = w / 2 + x * scale, h / 2 - y * scale
    got = find(words, "Stepanakert")
    check(len(got) == 1, "Stepanakert is on the map %d times" % len(got))
    _, x0, y0, x1, y1 = got[0]
    dx = max(x0 - px, 0, px - x1)
    dy = max(y0 - py, 0, py - y1)
    check(dx <= 12 and dy <= 12, "Stepanakert's label %s is %.1f, %.1f px from its place at (%.1f, %.1f)"
          % (got[0][1:], dx, dy, px, py))


@test("--names both: 'Kalbajar / Karvachar' and 'Stepanakert / Khankendi'; the default shows neither")
def _(tmp):
    _, text = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--names", "both"])
    for want in ("Kalbajar / Karvachar", "Stepanakert / Khankendi"):
        check(want in text, "--names both: %r is not on the map:\n%s" % (want, text[:3000]))
    words, text = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--names", "tracker"],
                            name="d.pdf")
    check("Karvachar" not in text and "Stepanakert /" not in text,
          "--names tracker shows the alternative names:\n%s" % text[:3000])
    check(find(words, "Kalbajar"), "--names tracker: no Kalbajar")


@test("the shipped base map is credited 'Made with Natural Earth'; --no-basemap and --basemap FILE are not")
def _(tmp):
    _, text = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25"])
    check("Made with Natural Earth" in text, "no 'Made with Natural Earth' on the map:\n%s" % text[-600:])
    _, text = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--no-basemap"], name="n.pdf")
    check("Natural Earth" not in text, "--no-basemap still credits Natural Earth")
    with open(os.path.join(tmp, "own.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": []}, f)
    _, text = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--basemap", "own.geojson"],
                        name="o.pdf")
    check("Natural Earth" not in text, "--basemap own.geojson still credits Natural Earth")


@test("--places FILE: a generated point layer's names, ranked by SCALERANK; --no-labels draws none")
def _(tmp):
    pts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NAME": n, "SCALERANK": r},
         "geometry": {"type": "Point", "coordinates": c}}
        for n, r, c in (("Alphaville", 1, [47.5, 38.6]), ("Betatown", 2, [47.5005, 38.6005]),
                        ("Gammaburg", 5, [45.5, 41.7]))]}
    with open(os.path.join(tmp, "pts.geojson"), "w") as f:
        json.dump(pts, f)
    words, _ = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--places", "pts.geojson"])
    got = sorted(w[0] for w in words if w[0] in ("Alphaville", "Betatown", "Gammaburg", "Stepanakert"))
    # Betatown is 70 m from Alphaville: its dot collides, the better rank wins
    check(got == ["Alphaville", "Gammaburg"], "place labels from --places: %s, expected Alphaville and "
          "Gammaburg (and none of the shipped places)" % got)
    words, _ = pdf_words(tmp, ["-d", KARABAKH, "render", "--date", "2020-11-25", "--places", "pts.geojson",
                               "--no-labels"], name="n.pdf")
    check(not [w for w in words if w[0] in ("Alphaville", "Gammaburg", "Kalbajar", "Baku")],
          "--no-labels still draws labels: %s" % sorted(w[0] for w in words))


@test("DeepState map (3 days imported): Kharkiv and Donetsk labelled, no two words overlap")
def _(tmp):
    if not os.path.isdir(DEEPSTATE):
        raise Skip("../shared/data/deepstate is absent")
    files = sorted(f for f in os.listdir(DEEPSTATE) if f.endswith(".geojson"))[:3]
    if len(files) < 3:
        raise Skip("fewer than 3 DeepState files")
    run_ok(["import-series", "--holder", "RU", "--other", "UA", "--out", "ds"] +
           [os.path.join(DEEPSTATE, f) for f in files], tmp)
    day = "%s-%s-%s" % (files[-1][-16:-12], files[-1][-12:-10], files[-1][-10:-8])
    words, text = pdf_words(tmp, ["-d", "ds", "render", "--date", day])
    for name in ("Kharkiv", "Donetsk"):
        check(len(find(words, name)) == 1, "%r is not on the DeepState map once:\n%s" % (name, text[:2000]))
    check_no_overlap(words, "DeepState render --date %s" % day)


if __name__ == "__main__":
    _ = run  # (the harness's runner, used through run_ok/run_fail)
    sys.exit(main("fl-basemap-"))
