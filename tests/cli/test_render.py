#!/usr/bin/python3
"""End-to-end tests of `frontline render` (maps in PNG, SVG, PDF) and of
`frontline stats --chart` on the shipped Karabakh tracker.

Usage: /usr/bin/python3 test_render.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Each test runs the tool as a subprocess, with FRONTLINE_TRACKER
unset, in a fresh temporary directory.  PNGs are decoded here (zlib + struct),
SVGs parsed with xml.etree, PDFs rasterised with pdftoppm (poppler-utils).
Needs Debian's python3 (shapely) to pick points inside regions.
"""
import csv
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
import zoneinfo

from shapely.geometry import shape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import KARABAKH, Failure, check, describe, event_period, fake_library, main, run, run_ok, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_render.py FRONTLINE_BINARY SOURCE_ROOT")

# --------------------------------------------------------------- PNG decoder
PNG_SIG = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


class PNG:
    """An 8-bit, non-interlaced PNG (grey, grey+alpha, RGB or RGBA), decoded.
    pixel(x, y) gives (r, g, b, a)."""

    def __init__(self, data, decode=True):
        check(data[:8] == PNG_SIG, "not a PNG (signature %r)" % data[:8])
        pos, chunks = 8, []
        while pos < len(data):
            check(pos + 8 <= len(data), "truncated PNG chunk header at %d" % pos)
            n, typ = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + n]
            check(len(body) == n and pos + 12 + n <= len(data), "truncated PNG chunk %r" % typ)
            crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
            check(zlib.crc32(typ + body) & 0xffffffff == crc, "bad CRC in PNG chunk %r" % typ)
            chunks.append((typ, body))
            pos += 12 + n
            if typ == b"IEND":
                break
        check(chunks and chunks[0][0] == b"IHDR", "the first PNG chunk is not IHDR")
        check(chunks[-1][0] == b"IEND", "the PNG does not end with IEND")
        (self.width, self.height, self.depth, self.ctype, comp, filt,
         self.interlace) = struct.unpack(">IIBBBBB", chunks[0][1])
        self.pixels = None
        if not decode:
            return
        check(self.depth == 8, "PNG bit depth %d, decoder handles 8" % self.depth)
        check(self.ctype in CHANNELS, "PNG colour type %d not handled" % self.ctype)
        check(self.interlace == 0, "interlaced PNG not handled")
        check(comp == 0 and filt == 0, "unknown PNG compression/filter method")
        raw = zlib.decompress(b"".join(b for t, b in chunks if t == b"IDAT"))
        bpp = CHANNELS[self.ctype]
        stride = self.width * bpp
        check(len(raw) == self.height * (stride + 1),
              "PNG data is %d bytes, expected %d" % (len(raw), self.height * (stride + 1)))
        out = bytearray(self.height * stride)
        prev = bytearray(stride)
        for y in range(self.height):
            ft = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            if ft == 0:
                pass
            elif ft == 1:  # Sub
                for i in range(bpp, stride):
                    line[i] = (line[i] + line[i - bpp]) & 255
            elif ft == 2:  # Up
                for i in range(stride):
                    line[i] = (line[i] + prev[i]) & 255
            elif ft == 3:  # Average
                for i in range(stride):
                    left = line[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
            elif ft == 4:  # Paeth
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    line[i] = (line[i] + pr) & 255
            else:
                raise Failure("PNG row %d has unknown filter type %d" % (y, ft))
            out[y * stride:(y + 1) * stride] = line
            prev = line
        self.bpp = bpp
        self.pixels = bytes(out)

    def pixel(self, x, y):
        i = (y * self.width + x) * self.bpp
        px = self.pixels[i:i + self.bpp]
        if self.bpp == 1:
            return (px[0], px[0], px[0], 255)
        if self.bpp == 2:
            return (px[0], px[0], px[0], px[1])
        if self.bpp == 3:
            return (px[0], px[1], px[2], 255)
        return tuple(px)

    def count_colour(self, rgb, tol=3):
        n = 0
        for y in range(self.height):
            for x in range(self.width):
                if close(self.pixel(x, y), rgb, tol):
                    n += 1
        return n


def read_png(path, decode=True):
    check(os.path.isfile(path), "%s was not written" % os.path.basename(path))
    with open(path, "rb") as f:
        return PNG(f.read(), decode)


def close(px, rgb, tol=3):
    return all(abs(px[i] - rgb[i]) <= tol for i in range(3))


# ------------------------------------------------------------------ geodata
def hex_rgb(h):
    h = h.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def actor_colours():
    with open(os.path.join(KARABAKH, "actors.csv"), newline="", encoding="utf-8") as f:
        return {r["id"]: hex_rgb(r["color"]) for r in csv.DictReader(f)}


COLOURS = actor_colours()
AZ, AM = COLOURS["AZ"], COLOURS["AM"]


def load_geojson(name):
    with open(os.path.join(KARABAKH, name), encoding="utf-8") as f:
        return json.load(f)


REGIONS = {f["properties"]["id"]: shape(f["geometry"]) for f in load_geojson("regions.geojson")["features"]}
ZONES = load_geojson("zones.geojson")["features"]


def active_zones(date):
    out = []
    for z in ZONES:
        p = z["properties"]
        if p["valid_from"] <= date and (not p.get("valid_to") or date <= p["valid_to"]):
            out.append((p["id"], shape(z["geometry"])))
    return out


def region_point(rid, date):
    """The representative point of a region, checked to be outside, and away
    from, every zone active on `date`, so nothing hatched is drawn at the
    image centre."""
    check(rid in REGIONS, "no region %r in regions.geojson" % rid)
    pt = REGIONS[rid].representative_point()
    for zid, zg in active_zones(date):
        if zg.geom_type in ("Polygon", "MultiPolygon"):
            check(not zg.contains(pt), "%s's representative point %s is inside zone %s active on %s"
                  % (rid, pt, zid, date))
        # at ±0.05° over 301 px a pixel is ~0.0003°: keep the zone's outline
        # (2 px) or marker (4 px radius) well away from the centre pixel
        check(zg.distance(pt) > 0.005,
              "%s's representative point %s is within %.4f° of zone %s active on %s"
              % (rid, pt, zg.distance(pt), zid, date))
    return pt


def bbox_around(pt, d=0.05):
    return "%.6f,%.6f,%.6f,%.6f" % (pt.x - d, pt.y - d, pt.x + d, pt.y + d)


def centre_pixel(args, rid, date, tmp, name):
    """Render a 401x301 map of a ±0.05° bbox around the region's point; return
    the pixel at the image centre (200,150)."""
    pt = region_point(rid, date)
    out = os.path.join(tmp, name)
    run_ok(list(args) + ["--bbox", bbox_around(pt), "--no-labels", "--size", "401x301",
                         "-o", name], tmp)
    img = read_png(out)
    check((img.width, img.height) == (401, 301), "%s is %dx%d, expected 401x301"
          % (name, img.width, img.height))
    return img.pixel(200, 150), pt


def holder_pixel_test(tmp, rid, date, actor):
    px, pt = centre_pixel(["render", "--date", date], rid, date, tmp, "k.png")
    want = COLOURS[actor]
    check(close(px, want), "render --date %s --bbox %s: centre pixel (200,150) is %s, expected %s's "
          "colour %s (±3)" % (date, bbox_around(pt), px[:3], actor, want))


# --------------------------------------------------------------- map tests
@test("render --date 2020-11-25 --size 800x600 writes an 800x600 PNG")
def _(tmp):
    run_ok(["render", "--date", "2020-11-25", "-o", "m.png", "--size", "800x600"], tmp)
    img = read_png(os.path.join(tmp, "m.png"))
    check((img.width, img.height) == (800, 600), "IHDR says %dx%d, expected 800x600"
          % (img.width, img.height))
    check(img.pixels is not None and len(img.pixels) == 800 * 600 * img.bpp, "pixel data incomplete")
    check(img.count_colour(AZ, 0) > 1000, "the map has almost no pixels of AZ's colour %s" % (AZ,))
    check(not glob.glob(os.path.join(tmp, "*.tmp-*")), "temporary files left: %s" % os.listdir(tmp))


@test("Kalbajar on 2020-11-24: image centre is AM's colour")
def _(tmp):
    holder_pixel_test(tmp, "kalbajar", "2020-11-24", "AM")


@test("Kalbajar on 2020-11-25: image centre is AZ's colour")
def _(tmp):
    holder_pixel_test(tmp, "kalbajar", "2020-11-25", "AZ")


@test("Agdam on 2020-11-19: image centre is AM's colour")
def _(tmp):
    holder_pixel_test(tmp, "agdam", "2020-11-19", "AM")


@test("Agdam on 2020-11-20: image centre is AZ's colour")
def _(tmp):
    holder_pixel_test(tmp, "agdam", "2020-11-20", "AZ")


SVG_NS = "{http://www.w3.org/2000/svg}"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def svg_fill(el):
    """The fill colour of an element as (r, g, b) 0..255, or None."""
    fill = el.get("fill")
    style = el.get("style") or ""
    m = re.search(r"(?:^|;)\s*fill\s*:\s*([^;]+)", style)
    if m:
        fill = m.group(1)
    return parse_colour(fill)


def parse_colour(fill):
    """An SVG colour as cairo or others write it: rgb(r%,g%,b%), rgb(r,g,b),
    #rrggbb or #rgb; (r, g, b) 0..255, or None."""
    if not fill:
        return None
    fill = fill.strip()
    m = re.fullmatch(r"rgb\(\s*([\d.]+)%\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*\)", fill)
    if m:
        return tuple(round(float(v) * 255 / 100) for v in m.groups())
    m = re.fullmatch(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", fill)
    if m:
        return tuple(int(v) for v in m.groups())
    m = re.fullmatch(r"#([0-9a-fA-F]{6})", fill)
    if m:
        return hex_rgb(m.group(1))
    m = re.fullmatch(r"#([0-9a-fA-F]{3})", fill)
    if m:
        return tuple(int(c * 2, 16) for c in m.group(1))
    return None


def parse_xml(path):
    check(os.path.isfile(path), "%s was not written" % os.path.basename(path))
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        raise Failure("%s does not parse as XML: %s" % (os.path.basename(path), e))


def svg_length(v):
    m = re.fullmatch(r"\s*([\d.]+)\s*([a-z%]*)\s*", v or "")
    check(m is not None, "cannot read SVG length %r" % v)
    return float(m.group(1)), m.group(2)


@test("render -o m.svg: XML; paths filled with AZ/AM = regions in the snapshot + 2 legend swatches")
def _(tmp):
    run_ok(["render", "--date", "2020-11-25", "-o", "m.svg", "--no-labels"], tmp)
    root = parse_xml(os.path.join(tmp, "m.svg"))
    check(local(root.tag) == "svg", "the root element is <%s>, not <svg>" % root.tag)
    counts = {"AZ": 0, "AM": 0}
    for el in root.iter():
        if local(el.tag) != "path":
            continue
        c = svg_fill(el)
        for a in counts:
            if c is not None and close(c, COLOURS[a], 1):
                counts[a] += 1
    snap = json.loads(run_ok(["snapshot", "--date", "2020-11-25"], tmp).stdout)
    feats = snap["features"]
    holders = {f["properties"]["holder"] for f in feats}
    check(holders == {"AZ", "AM"}, "holders on 2020-11-25: %s" % sorted(map(str, holders)))
    want = len(feats) + len(holders)
    got = counts["AZ"] + counts["AM"]
    check(got == want, "%d <path>s filled with AZ/AM colour (AZ %d, AM %d); expected %d "
          "(%d snapshot features + %d legend swatches)"
          % (got, counts["AZ"], counts["AM"], want, len(feats), len(holders)))
    per = {a: sum(1 for f in feats if f["properties"]["holder"] == a) + 1 for a in counts}
    check(counts == per, "per holder: got %s, expected %s" % (counts, per))


@test("render -o m.svg --size 640x480: width/height attributes are 640 and 480")
def _(tmp):
    run_ok(["render", "--date", "2020-11-25", "-o", "m.svg", "--size", "640x480"], tmp)
    root = parse_xml(os.path.join(tmp, "m.svg"))
    w, h = svg_length(root.get("width")), svg_length(root.get("height"))
    check((w[0], h[0]) == (640, 480), "width=%r height=%r, expected 640 and 480"
          % (root.get("width"), root.get("height")))
    vb = root.get("viewBox")
    if vb:
        check([float(v) for v in vb.replace(",", " ").split()] == [0, 0, 640, 480],
              "viewBox=%r, expected '0 0 640 480'" % vb)


@test("render -o m.svg --size 640x480: width/height are in pixels (no unit or px), as --size says")
def _(tmp):
    run_ok(["render", "--date", "2020-11-25", "-o", "m.svg", "--size", "640x480"], tmp)
    root = parse_xml(os.path.join(tmp, "m.svg"))
    w, h = svg_length(root.get("width")), svg_length(root.get("height"))
    check(w[1] in ("", "px") and h[1] in ("", "px"),
          "width=%r height=%r: --size is in pixels, but the SVG's size is in %r "
          "(1pt = 4/3 px, so a viewer shows it at %gx%g px)"
          % (root.get("width"), root.get("height"), w[1], w[0] * 4 / 3, h[0] * 4 / 3))


@test("render -o m.pdf: pdftoppm makes one page image of the --size")
def _(tmp):
    exe = shutil.which("pdftoppm")
    check(exe is not None, "pdftoppm (poppler-utils) is not installed")
    run_ok(["render", "--date", "2020-11-25", "-o", "m.pdf", "--size", "600x400"], tmp)
    with open(os.path.join(tmp, "m.pdf"), "rb") as f:
        check(f.read(5) == b"%PDF-", "m.pdf does not start with %PDF-")
    p = subprocess.run([exe, "-png", "-r", "72", "m.pdf", "page"], cwd=tmp, capture_output=True,
                       text=True, timeout=300)
    check(p.returncode == 0, "pdftoppm failed (%d): %s" % (p.returncode, p.stderr))
    pages = sorted(glob.glob(os.path.join(tmp, "page*.png")))
    check(len(pages) == 1, "pdftoppm made %d page images: %s" % (len(pages), pages))
    img = read_png(pages[0], decode=False)
    check((img.width, img.height) == (600, 400), "the page at 72 dpi is %dx%d, expected 600x400"
          % (img.width, img.height))


@test("render --diff 2020-11-09 2020-12-02 -o d.png: exit 0, valid PNG")
def _(tmp):
    run_ok(["render", "--diff", "2020-11-09", "2020-12-02", "-o", "d.png", "--size", "640x480"], tmp)
    img = read_png(os.path.join(tmp, "d.png"))
    check((img.width, img.height) == (640, 480), "d.png is %dx%d" % (img.width, img.height))


@test("render --diff: Kalbajar (changed) is drawn in AZ's colour at full opacity")
def _(tmp):
    px, pt = centre_pixel(["render", "--diff", "2020-11-09", "2020-12-02"], "kalbajar",
                          "2020-12-02", tmp, "d.png")
    check(close(px, AZ), "--diff 2020-11-09 2020-12-02 --bbox %s: centre pixel is %s, expected "
          "AZ's colour %s (±3)" % (bbox_around(pt), px[:3], AZ))


@test("render --diff: baku-city (unchanged) is faded, not AZ's colour")
def _(tmp):
    px, pt = centre_pixel(["render", "--diff", "2020-11-09", "2020-12-02"], "baku-city",
                          "2020-12-02", tmp, "d.png")
    check(px[:3] != AZ, "--diff 2020-11-09 2020-12-02 --bbox %s: centre pixel is exactly AZ's "
          "colour %s; an unchanged region should be faded" % (bbox_around(pt), AZ))
    # faded towards the light background: each channel at least as light as AZ's
    check(all(px[i] >= AZ[i] for i in range(3)) and px[:3] != AZ,
          "centre pixel %s is not a faded AZ %s" % (px[:3], AZ))


# ------------------------------------------------------------ bad options
def bad_option_test(tmp, args, words):
    """The tool fails (non-zero), says something containing all `words`
    (case-insensitive) on stderr, and leaves no file in the directory."""
    p = run(args, tmp)
    check(p.returncode != 0, "expected a non-zero exit\n" + describe(p))
    err = p.stderr.lower()
    for w in words:
        check(w.lower() in err, "stderr does not mention %r\n%s" % (w, describe(p)))
    check(p.stderr.strip().startswith("frontline"), "stderr does not start with 'frontline'\n"
          + describe(p))
    left = os.listdir(tmp)
    check(not left, "files left behind: %s\n%s" % (left, describe(p)))


BAD_RENDER = [
    ("-o m.jpg (unknown extension)", ["render", "--date", "2020-11-25", "-o", "m.jpg"], ["m.jpg", ".png"]),
    ("--size 10x10", ["render", "-o", "m.png", "--size", "10x10"], ["--size", "10x10"]),
    ("--size abc", ["render", "-o", "m.png", "--size", "abc"], ["--size", "abc"]),
    ("--bbox 1,2,3", ["render", "-o", "m.png", "--bbox", "1,2,3"], ["--bbox", "1,2,3"]),
    ("--bbox 50,40,49,41 (W > E)", ["render", "-o", "m.png", "--bbox", "50,40,49,41"],
     ["--bbox", "50,40,49,41"]),
    ("--bbox 10,10,11,11 (outside the tracker)", ["render", "-o", "m.png", "--bbox", "10,10,11,11"],
     ["--bbox", "outside"]),
    ("missing -o", ["render", "--date", "2020-11-25"], ["-o"]),
    ("--date 2020-02-30", ["render", "--date", "2020-02-30", "-o", "m.png"], ["2020-02-30"]),
    ("--diff 2020-12-02 2020-11-09 (reversed)", ["render", "--diff", "2020-12-02", "2020-11-09", "-o", "m.png"],
     ["--diff", "after"]),
    ("-o m.png --diff with one date", ["render", "-o", "m.png", "--diff", "2020-11-09"], ["--diff"]),
]

for _name, _args, _words in BAD_RENDER:
    test("render %s: clear error, non-zero exit, no file" % _name)(
        lambda tmp, a=_args, w=_words: bad_option_test(tmp, a, w))


# ------------------------------------------------------------------ charts
STATS = ["stats", "--from", "2020-09-01", "--to", "2023-12-31"]


@test("stats --chart c.png --size 640x480: a 640x480 PNG with AZ and AM lines")
def _(tmp):
    run_ok(STATS + ["--chart", "c.png", "--size", "640x480"], tmp)
    img = read_png(os.path.join(tmp, "c.png"))
    check((img.width, img.height) == (640, 480), "c.png is %dx%d, expected 640x480"
          % (img.width, img.height))
    # the legend swatches are about 12x5 px; a line across the plot is hundreds
    for a, rgb in (("AZ", AZ), ("AM", AM)):
        n = img.count_colour(rgb)
        check(n > 300, "c.png has %d pixels of %s's colour %s; expected a line (> 300)" % (n, a, rgb))
    check(not glob.glob(os.path.join(tmp, "*.tmp-*")), "temporary files left: %s" % os.listdir(tmp))


@test("stats --chart c.svg: parses as XML, with AZ and AM strokes")
def _(tmp):
    run_ok(STATS + ["--chart", "c.svg"], tmp)
    root = parse_xml(os.path.join(tmp, "c.svg"))
    check(local(root.tag) == "svg", "the root element is <%s>, not <svg>" % root.tag)
    for a, rgb in (("AZ", AZ), ("AM", AM)):
        found = False
        for el in root.iter():
            m = re.search(r"(?:^|;)\s*stroke\s*:\s*([^;]+)", el.get("style") or "")
            c = parse_colour(m.group(1)) if m else None
            if c is not None and close(c, rgb, 1):
                found = True
        check(found, "no element stroked in %s's colour %s in c.svg" % (a, rgb))


@test("stats --chart c.pdf: clear error naming --chart, non-zero exit, no file")
def _(tmp):
    bad_option_test(tmp, STATS + ["--chart", "c.pdf"], ["c.pdf", ".png", ".svg", "--chart"])


@test("stats --chart c.gif: clear error naming --chart, non-zero exit, no file")
def _(tmp):
    bad_option_test(tmp, STATS + ["--chart", "c.gif"], ["c.gif", ".png", ".svg", "--chart"])


@test("stats --chart c.png --size abc: clear error, non-zero exit, no file")
def _(tmp):
    bad_option_test(tmp, STATS + ["--chart", "c.png", "--size", "abc"], ["--size", "abc"])


@test("Cairo missing or wrong (loaded only to draw): clear error naming it, exit 1, no file; other commands unaffected")
def _(tmp):
    out = os.path.join(tmp, "m.png")
    for kind, want in [("empty", "cannot load Cairo (libcairo.so.2) to draw"),
                       ("other", "Cairo (libcairo.so.2) lacks cairo_")]:
        env = fake_library(os.path.join(tmp, kind), "libcairo.so.2", kind)
        p = run(["render", "--date", "2020-11-25", "-o", out], tmp, env=env)
        check(p.returncode == 1 and want in p.stderr, "%s: exit %d, expected 1 and %r\n%s"
              % (kind, p.returncode, want, describe(p)))
        check(not os.path.exists(out), "%s: %s written" % (kind, out))
        # the commands that do not draw never load it
        p = run(["snapshot", "--date", "2020-11-25", "--by", "actor"], tmp, env=env)
        check(p.returncode == 0 and '"FeatureCollection"' in p.stdout, "%s: snapshot\n%s" % (kind, describe(p)))

@test("render --date / --diff outside the record: warned on stderr (first/last event dates), drawn all the same")
def _(tmp):
    # the first event's start and the end of the last period, in the tracker's days (Baku)
    baku = zoneinfo.ZoneInfo("Asia/Baku")
    with open(os.path.join(KARABAKH, "events.csv"), newline="", encoding="utf-8") as f:
        periods = [event_period(e["date"], baku) for e in csv.DictReader(f)]
    first = min(p[0] for p in periods).astimezone(baku).date().isoformat()
    last = max(p[1] for p in periods).astimezone(baku).date().isoformat()
    p = run_ok(["render", "--date", "1985-01-01", "--size", "200x150", "-o", "a.png"], tmp)
    want = "frontline: 1985-01-01 is before the first event (%s): no territory is held yet" % first
    check(want in p.stderr, "stderr lacks %r:\n%s" % (want, p.stderr))
    p = run_ok(["render", "--diff", "1985-01-01", "2099-01-01", "--size", "200x150", "-o", "b.png"], tmp)
    for want in ("frontline: 1985-01-01 is before the first event (%s)" % first,
                 "frontline: 2099-01-01 is after the last event (%s): the map as of %s" % (last, last)):
        check(want in p.stderr, "--diff: stderr lacks %r:\n%s" % (want, p.stderr))
    check(read_png(os.path.join(tmp, "b.png")).width == 200, "b.png not drawn")
    p = run_ok(["render", "--date", last, "--size", "200x150", "-o", "c.png"], tmp)
    check(p.stderr == "", "--date %s (the last event's day) warns: %r" % (last, p.stderr))

if __name__ == "__main__":
    sys.exit(main("fl-render-"))
