#!/usr/bin/python3
"""End-to-end tests of what makes frontline's pictures publishable as they
come out (issue 22, "Honest pictures"): partial ground dotted with a legend
row and a footnote, ground of uncertain date named in the footnote, zones
in the legend, legend names wrapped and never cut, a caption on every map
and chart (date and time zone, filters, attribution, base-map credit), and
`stats --chart` framed by --from and --to, with month or year ticks, a
legend of the actors and --title.

Usage: /usr/bin/python3 test_publish.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Runs the tool on the shipped Karabakh tracker in a fresh
temporary folder per test.  PNGs are decoded with Pillow (python3-pil),
PDFs read with pdftotext (poppler-utils); an SVG lists the texts drawn in
its <desc> (its glyphs are paths), and a chart's lines and ticks are read
from its paths.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zoneinfo

from PIL import Image
from shapely.geometry import shape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import KARABAKH, check, copy_karabakh, main, run, run_ok, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_publish.py FRONTLINE_BINARY SOURCE_ROOT")

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
SVG = "{http://www.w3.org/2000/svg}"
AM_NAME = "Armenian side: Armenian armed forces and the Nagorno-Karabakh (Artsakh) de facto authorities"
AZ_NAME = "Republic of Azerbaijan (armed forces)"


def regions():
    with open(os.path.join(KARABAKH, "regions.geojson")) as f:
        return {ft["properties"]["id"]: shape(ft["geometry"]) for ft in json.load(f)["features"]}


REGIONS = regions()


def bbox_around(region, half=0.04):
    p = REGIONS[region].representative_point()
    return "%.6f,%.6f,%.6f,%.6f" % (p.x - half, p.y - half, p.x + half, p.y + half)


def desc(path):
    """The texts an SVG lists in its <desc>, and the same joined by spaces."""
    root = ET.parse(path).getroot()
    d = root.find(SVG + "desc")
    check(d is not None and d.text, "%s has no <desc> with the texts drawn" % path)
    return d.text, " ".join(d.text.split())


def dark_pixels(png, box):
    """Pixels in box (x0, y0, x1, y1) darker than any fill or label halo:
    the dots of partial ground (#111111)."""
    im = Image.open(png).convert("RGB")
    n = 0
    for y in range(box[1], box[3]):
        for x in range(box[0], box[2]):
            r, g, b = im.getpixel((x, y))
            n += r + g + b < 200
    return n


# ------------------------------------------------------------ partial ground
def render_fuzuli(tmp, date, name):
    out = os.path.join(tmp, name)
    run_ok(["-d", KARABAKH, "render", "--date", date, "--bbox", bbox_around("fuzuli"), "--size", "400x300",
            "--no-labels", "-o", out], tmp)
    return out


@test("partial ground: Fuzuli on 2000-01-01 (1993-fuzuli is partial) is dotted at its centre")
def t_partial_dots(tmp):
    png = render_fuzuli(tmp, "2000-01-01", "p.png")
    n = dark_pixels(png, (150, 100, 250, 150))
    check(n >= 40, "Fuzuli on 2000-01-01: %d dark (dot) pixels in the 100x50 box at the centre, "
                   "expected the dots of partial ground (40 at least)" % n)


@test("no dots where nothing is partial: Fuzuli on 1993-08-22 (AZ's, baseline) and on 2021-06-01")
def t_partial_absent(tmp):
    for date in ("1993-08-22", "2021-06-01"):
        n = dark_pixels(render_fuzuli(tmp, date, date + ".png"), (150, 100, 250, 150))
        check(n == 0, "Fuzuli on %s: %d dark pixels at the centre, expected none (not partial)" % (date, n))


@test("partial ground: a legend row says what the dots mean, the footnote names Agdam and Fuzuli")
def t_partial_legend_footnote(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2000-01-01", "-o", out], tmp)
    lines, text = desc(out)
    check("Partial, 2455.7 km²: the source speaks of part of the region only" in text,
          "no legend row for the dots of partial ground in:\n%s" % lines)
    m = re.search(r"Partial \(dotted\): ([^.]*)\.", text)
    check(m, "no footnote naming the partial ground in:\n%s" % lines)
    names = sorted(m.group(1).split(", "))
    check(names == ["Agdam District", "Fuzuli District"], "footnote names %r, expected Agdam and Fuzuli" % names)


@test("the footnote follows the date: on 1993-08-22 Agdam only (Fuzuli taken the day after)")
def t_partial_footnote_date(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "1993-08-22", "-o", out], tmp)
    lines, text = desc(out)
    m = re.search(r"Partial \(dotted\): ([^.]*)\.", text)
    check(m and m.group(1) == "Agdam District", "footnote on 1993-08-22: %r\n%s" % (m and m.group(1), lines))


@test("no partial ground (1993-04-01): neither dots' legend row nor footnote")
def t_partial_none(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "1993-04-01", "-o", out], tmp)
    lines, text = desc(out)
    check("dotted" not in text and "Partial" not in text, "partial ground shown on 1993-04-01:\n%s" % lines)


@test("uncertain ground is named in the footnote: Jabrayil on 2020-10-20")
def t_uncertain_footnote(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2020-10-20", "-o", out], tmp)
    lines, text = desc(out)
    m = re.search(r"Uncertain date \(striped\): ([^.]*)\.", text)
    check(m and "Jabrayil District" in m.group(1).split(", "),
          "no footnote naming Jabrayil's uncertain ground on 2020-10-20:\n%s" % lines)


@test("a zone has a legend row: the Russian peacekeeping zone on 2020-11-25")
def t_zone_row(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "-o", out], tmp)
    lines, text = desc(out)
    check("Zone: Russian peacekeeping zone (RU-PK), outline approximate" in text,
          "no legend row for the peacekeeping zone:\n%s" % lines)


# ------------------------------------------------------------------ legend
@test("legend names are whole (wrapped, not cut), at 1200x900 and at 400x300")
def t_legend_whole(tmp):
    for size in ("1200x900", "400x300"):
        out = os.path.join(tmp, size + ".svg")
        run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "--size", size, "-o", out], tmp)
        lines, text = desc(out)
        check("AM 4216.5 km² " + AM_NAME in text, "%s: AM's legend row is not whole:\n%s" % (size, lines))
        check("..." not in text, "%s: a text is cut with '...':\n%s" % (size, lines))
        am = [ln for ln in lines.splitlines() if ln.startswith("AM ")]
        check(am and AM_NAME not in am[0], "%s: AM's row is not wrapped over lines: %r" % (size, am))


# ----------------------------------------------------------------- caption
@test("caption of a map: date with Asia/Baku and UTC+04:00, 'Filters: none', attribution, base-map credit")
def t_caption(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "-o", out], tmp)
    lines, text = desc(out)
    check("Control on 2020-11-25 (Asia/Baku, UTC+04:00). Filters: none" in text, "no caption's date:\n%s" % lines)
    check("Attribution: region boundaries from geoBoundaries" in text and "CC BY-SA 3.0" in text,
          "no attribution in the caption:\n%s" % lines)
    # the credit of the base map shipped (geodata/basemap/README.md says which it is)
    with open(os.path.join(sys.argv[2], "geodata", "basemap", "README.md")) as f:
        natural_earth = "Natural Earth" in f.readline()
    want = "Made with Natural Earth." if natural_earth else "Base map: geoBoundaries, OpenStreetMap contributors"
    check(want in text, "no base-map credit %r in the caption:\n%s" % (want, lines))


@test("caption of a tracker that declares no time zone: the date in UTC; no attribution in its README, none in the caption")
def t_caption_utc(tmp):
    t = copy_karabakh(tmp)
    os.remove(os.path.join(t, "tracker.csv"))
    with open(os.path.join(t, "README.md"), "w") as f:
        f.write("A tracker without an attribution line.\n")
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", t, "render", "--date", "2020-11-25", "-o", out], tmp)
    lines, text = desc(out)
    check("Control on 2020-11-25 (UTC). Filters: none." in text, "caption without a zone:\n%s" % lines)
    check("Attribution" not in text and "Asia/Baku" not in text, "caption of another tracker:\n%s" % lines)


@test("caption names the filters: --as-of 2021-01-01 --status confirmed")
def t_caption_filters(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "--as-of", "2021-01-01", "--status", "confirmed",
            "-o", out], tmp)
    lines, text = desc(out)
    check("Filters: as of 2021-01-01, confirmed events only." in text,
          "the caption does not name the filters:\n%s" % lines)


@test("caption of a diff: both dates, and of a PDF: the text is there to extract (pdftotext)")
def t_caption_diff_pdf(tmp):
    out = os.path.join(tmp, "d.pdf")
    run_ok(["-d", KARABAKH, "render", "--diff", "2020-11-09", "2020-12-02", "--status", "confirmed", "-o", out],
           tmp)
    p = subprocess.run(["pdftotext", "-layout", out, "-"], capture_output=True, text=True)
    check(p.returncode == 0, "pdftotext failed: %s" % p.stderr)
    text = " ".join(p.stdout.split())
    check("Changes 2020-11-09 to 2020-12-02 (Asia/Baku, UTC+04:00). Filters: confirmed events only." in text,
          "the PDF's caption is not there:\n%s" % text[-1500:])
    check("..." not in text, "a text is cut with '...' in the PDF:\n%s" % text)


@test("a long caption wraps within a 400x300 map: several lines, the whole attribution")
def t_caption_wraps(tmp):
    out = os.path.join(tmp, "m.svg")
    run_ok(["-d", KARABAKH, "render", "--date", "2020-11-25", "--size", "400x300", "-o", out], tmp)
    lines, text = desc(out)
    cap = [ln for ln in lines.splitlines()]
    start = next((i for i, ln in enumerate(cap) if ln.startswith("Control on 2020-11-25 (")), None)
    check(start is not None, "no caption:\n%s" % lines)
    check("Wikipedia contributors, CC BY-SA 3.0." in text, "the attribution is not whole:\n%s" % lines)
    check(len(cap) - start >= 3, "the caption is not wrapped over lines at 400 pixels:\n%s" % lines)


# ------------------------------------------------------------------- chart
def chart_svg(tmp, frm, to, extra=()):
    out = os.path.join(tmp, "c.svg")
    run_ok(["-d", KARABAKH, "stats", "--from", frm, "--to", to, "--chart", out] + list(extra), tmp)
    return out


def chart_geometry(path):
    """The frame (x0, y0, x1, y1), the tick marks' x, and each line's points
    by its stroke colour, read from the chart's paths."""
    root = ET.parse(path).getroot()
    frame, ticks, lines = None, [], {}
    for p in root.iter(SVG + "path"):
        style, d = p.get("style", ""), p.get("d", "")
        m = re.search(r"stroke:(rgb\([^)]*\))", style)
        if not m or "fill:none" not in style:
            continue
        pts = [(float(a), float(b)) for a, b in re.findall(r"[ML] (-?[\d.]+) (-?[\d.]+)", d)]
        if m.group(1) == "rgb(20%,20%,20%)" and d.rstrip().endswith("M %g %g" % pts[0]) and "Z" in d:
            xs, ys = [x for x, _ in pts], [y for _, y in pts]
            frame = (min(xs), min(ys), max(xs), max(ys))
        elif m.group(1) == "rgb(20%,20%,20%)" and len(pts) == 2 and pts[0][0] == pts[1][0]:
            ticks.append(pts[0][0])
        elif "stroke-width:2" in style or "stroke-width:3" in style:
            lines[m.group(1)] = pts
    check(frame, "no frame rectangle in the chart")
    return frame, ticks, lines


AZ_RGB = "rgb(0%,57.254902%,73.72549%)"
AM_RGB = "rgb(90.980392%,51.764706%,17.254902%)"


def x_of(frame, frm, to, when):
    return frame[0] + (frame[2] - frame[0]) * (when - frm).total_seconds() / (to - frm).total_seconds()


@test("stats --chart: the README's example (2020-09-01 to 2023-12-31) shows the pre-war line and the 2023 drop")
def t_chart_frame(tmp):
    frame, ticks, lines = chart_geometry(chart_svg(tmp, "2020-09-01", "2023-12-31"))
    frm = datetime.datetime(2020, 9, 1, tzinfo=BAKU)
    to = datetime.datetime(2024, 1, 1, tzinfo=BAKU) - datetime.timedelta(seconds=1)
    for rgb, who in ((AZ_RGB, "AZ"), (AM_RGB, "AM")):
        pts = lines.get(rgb)
        check(pts, "no %s line (%s) in the chart" % (who, rgb))
        check(abs(pts[0][0] - frame[0]) < 0.01, "%s's line starts at x=%g, not at --from (the frame's left, %g)"
              % (who, pts[0][0], frame[0]))
        check(abs(pts[-1][0] - frame[2]) < 0.01, "%s's line ends at x=%g, not at --to (the frame's right, %g)"
              % (who, pts[-1][0], frame[2]))
        # the state on 2020-09-01 holds until the first event after it (2020-10-04, Jabrayil's period starts)
        first = next(p for p in pts if abs(p[1] - pts[0][1]) > 0.01)
        want = x_of(frame, frm, to, datetime.datetime(2020, 10, 4, tzinfo=BAKU))
        check(abs(first[0] - want) < 0.5, "%s's first change at x=%g, expected 2020-10-04 at x=%g: the pre-war "
              "line must run from --from" % (who, first[0], want))
    am = lines[AM_RGB]
    check(abs(am[-1][1] - frame[3]) < 0.01, "AM's line does not end at 0 km² (the frame's bottom): y=%g, %g"
          % (am[-1][1], frame[3]))
    drop = am[-2]
    want = x_of(frame, frm, to, datetime.datetime(2023, 9, 20, tzinfo=BAKU))
    check(abs(drop[0] - want) < 0.5 and frame[0] < drop[0] < frame[2],
          "AM's 2023 drop at x=%g, expected 2023-09-20 at x=%g inside the frame" % (drop[0], want))
    years = [x_of(frame, frm, to, datetime.datetime(y, 1, 1, tzinfo=BAKU)) for y in (2021, 2022, 2023)]
    check(len(ticks) == 3 and all(abs(a - b) < 0.5 for a, b in zip(sorted(ticks), years)),
          "ticks at %r, expected the starts of 2021, 2022, 2023 at %r" % (sorted(ticks), years))


@test("stats --chart over four months: ticks on the first of each month (Asia/Baku), labelled")
def t_chart_month_ticks(tmp):
    path = chart_svg(tmp, "2020-09-01", "2020-12-31")
    frame, ticks, _ = chart_geometry(path)
    frm = datetime.datetime(2020, 9, 1, tzinfo=BAKU)
    to = datetime.datetime(2021, 1, 1, tzinfo=BAKU) - datetime.timedelta(seconds=1)
    want = [x_of(frame, frm, to, datetime.datetime(2020, m, 1, tzinfo=BAKU)) for m in (9, 10, 11, 12)]
    check(len(ticks) == 4 and all(abs(a - b) < 0.5 for a, b in zip(sorted(ticks), want)),
          "ticks at %r, expected the first days of Sep to Dec 2020 at %r" % (sorted(ticks), want))
    lines, text = desc(path)
    check("Sep 2020 Oct 2020 Nov 2020 Dec 2020" in text, "month labels missing:\n%s" % lines)


@test("stats --chart: legend with the actors' ids, whole names and colours; caption; --title")
def t_chart_legend_caption_title(tmp):
    path = chart_svg(tmp, "2020-09-01", "2020-12-31", ["--title", "Karabakh, autumn 2020", "--as-of",
                                                        "2021-01-01", "--status", "confirmed"])
    lines, text = desc(path)
    check("Karabakh, autumn 2020" in lines.splitlines(), "no title:\n%s" % lines)
    check("AZ " + AZ_NAME in text and "AM " + AM_NAME in text, "legend names missing or cut:\n%s" % lines)
    check("Area held per actor, 2020-09-01 to 2020-12-31 (Asia/Baku, UTC+04:00). Filters: as of 2021-01-01, "
          "confirmed events only. Attribution: region boundaries from "
          "geoBoundaries" in text, "no caption:\n%s" % lines)
    root = ET.parse(path).getroot()
    fills = " ".join(p.get("style", "") for p in root.iter(SVG + "path"))
    for rgb in (AZ_RGB, AM_RGB):
        check("fill:" + rgb in fills, "no legend swatch filled with %s" % rgb)


@test("stats --chart PNG: 800x500, AZ's line across the frame, the caption's text along the bottom")
def t_chart_png(tmp):
    out = os.path.join(tmp, "c.png")
    run_ok(["-d", KARABAKH, "stats", "--from", "2020-09-01", "--to", "2023-12-31", "--size", "800x500",
            "--chart", out], tmp)
    im = Image.open(out).convert("RGB")
    check(im.size == (800, 500), "size %r" % (im.size,))
    az = [x for x in range(800) for y in range(500) if im.getpixel((x, y)) == (0, 146, 188)]
    check(az, "no AZ-coloured pixel")
    check(max(az) - min(az) > 600, "AZ's line spans x %d..%d only" % (min(az), max(az)))
    text = [x for x in range(800) for y in range(485, 500) if sum(im.getpixel((x, y))) < 450]
    check(len(text) > 100, "no caption text in the bottom 15 rows (%d grey pixels)" % len(text))


# -------------------------------------------------------------- bad input
@test("stats --title '': clear error naming --title, exit 2, no chart written")
def t_bad_title(tmp):
    out = os.path.join(tmp, "c.png")
    p = run(["-d", KARABAKH, "stats", "--chart", out, "--title", ""], tmp)
    check(p.returncode == 2 and "--title" in p.stderr, "exit %d, stderr %r" % (p.returncode, p.stderr))
    check(not os.path.exists(out), "a chart was written")
    p = run(["-d", KARABAKH, "stats", "--title", "T"], tmp)
    check(p.returncode == 2 and "--title" in p.stderr and "--chart" in p.stderr,
          "--title without --chart: exit %d, stderr %r" % (p.returncode, p.stderr))
    check(p.stdout == "", "--title without --chart wrote CSV")


@test("render --title '': clear error naming --title, exit 2, no map written")
def t_bad_render_title(tmp):
    out = os.path.join(tmp, "m.png")
    p = run(["-d", KARABAKH, "render", "--date", "2020-11-25", "--title", "", "-o", out], tmp)
    check(p.returncode == 2 and "--title" in p.stderr, "exit %d, stderr %r" % (p.returncode, p.stderr))
    check(not os.path.exists(out), "a map was written")


sys.exit(main("fl-publish-"))
