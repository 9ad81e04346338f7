#!/usr/bin/python3
"""End-to-end tests of frontline's own GeoJSON writer (src/geojson.c).

Every command that writes GeoJSON is run twice, once with frontline's writer
(the default) and once with `-f GDAL:GeoJSON` (GDAL's driver, the writer of
frontline until issue 20); both files are read with OGR and compared feature
by feature: the same features in the same order, every attribute value
identical, every geometry identical (ISO WKB bytes).  For the shipped
tracker, a generated one, and a DeepState tracker of several days (imported
from ../shared/data/deepstate; skipped when absent).  The files are also
expected to be the same bytes, RFC 7946 (no "crs", exterior rings
counterclockwise, holes clockwise, at most 7 decimals), and the same
whatever `-j`.

Usage: /usr/bin/python3 test_geojson.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import json
import os
import re
import sys

from osgeo import gdal, ogr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (KARABAKH, SRC, Skip, check, fake_library, generate_tracker, main, run, run_fail,  # noqa: E402
                    run_ok, test)

gdal.UseExceptions()
SHARED = os.environ.get("FL_SHARED") or (os.path.join(SRC, "..", "shared") if SRC else "")
DEEPSTATE = os.path.join(SHARED, "data", "deepstate")


def read_ogr(path):
    """[(fields dict, ISO WKB or None)] of the file's one layer, as OGR reads it."""
    ds = ogr.Open(path)
    check(ds is not None and ds.GetLayerCount() == 1, "%s: OGR cannot read it as one layer" % path)
    lyr = ds.GetLayer(0)
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    types = [defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())]
    out = []
    for f in lyr:
        vals = {}
        for i, n in enumerate(names):
            vals[n] = None if f.IsFieldNull(i) else f.GetField(i)
        g = f.GetGeometryRef()
        out.append((vals, bytes(g.ExportToIsoWkb()) if g is not None else None))
    return list(zip(names, types)), out


def read_ogr_layer(path, name):
    """(field names, [fields dict]) of layer `name` of a dataset."""
    ds = ogr.Open(path)
    check(ds is not None and ds.GetLayerByName(name) is not None, "%s: no layer %s" % (path, name))
    lyr = ds.GetLayerByName(name)
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    return names, [{n: f.GetField(n) for n in names} for f in lyr]


def compare(tmp, label, args, extra_cli=()):
    """args (a command writing GeoJSON to -o) with both writers: the same features."""
    own = os.path.join(tmp, "own.geojson")
    ref = os.path.join(tmp, "gdal.geojson")
    run_ok(list(extra_cli) + args + ["-o", own], tmp)
    run_ok(list(extra_cli) + args + ["-o", ref, "-f", "GDAL:GeoJSON"], tmp)
    fo, a = read_ogr(own)
    fr, b = read_ogr(ref)
    what = "%s: %s" % (label, " ".join(args))
    check(fo == fr, "%s: fields differ: %s vs GDAL's %s" % (what, fo, fr))
    check(len(a) == len(b), "%s: %d features vs GDAL's %d" % (what, len(a), len(b)))
    for i, ((va, ga), (vb, gb)) in enumerate(zip(a, b)):
        check(va == vb, "%s: feature %d: properties %s vs GDAL's %s" % (what, i, va, vb))
        check(ga == gb, "%s: feature %d (%s): the geometry differs from GDAL's" % (what, i, va))
    with open(own, "rb") as f:
        ob = f.read()
    with open(ref, "rb") as f:
        rb = f.read()
    first = next((i for i, (x, y) in enumerate(zip(ob, rb)) if x != y), min(len(ob), len(rb)))
    check(ob == rb, "%s: %d bytes vs GDAL's %d, first difference at byte %d: %r vs %r" % (
        what, len(ob), len(rb), first, ob[max(0, first - 60):first + 40], rb[max(0, first - 60):first + 40]))
    rfc7946(what, ob)
    return len(a)


def ring_area2(ring):
    """Twice the signed area of a ring (> 0: counterclockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def rfc7946(what, data):
    doc = json.loads(data)
    check("crs" not in doc, "%s: a \"crs\" member" % what)
    decimals = max((len(m) for m in re.findall(rb"\.(\d+)", data.split(b'"features"', 1)[1])), default=0)
    for f in doc["features"]:
        g = f["geometry"]
        if not g:
            continue
        polys = [g["coordinates"]] if g["type"] == "Polygon" else \
            g["coordinates"] if g["type"] == "MultiPolygon" else []
        for p in polys:
            check(ring_area2(p[0]) > 0, "%s: an exterior ring is clockwise" % what)
            for h in p[1:]:
                check(ring_area2(h) < 0, "%s: a hole is counterclockwise" % what)
    # coordinates: at most 7 decimals (properties' reals may have more figures)
    coords = re.findall(rb"\[ (-?\d+\.\d+), (-?\d+\.\d+) \]", data)
    check(coords, "%s: no coordinates found" % what)
    worst = max(max(len(x.split(b".")[1]), len(y.split(b".")[1])) for x, y in coords)
    check(worst <= 7, "%s: a coordinate with %d decimals" % (what, worst))
    check(decimals > 0, "%s: no decimals at all" % what)


def commands(dates, d1, d2):
    out = []
    for d in dates:
        out.append(["snapshot", "--date", d])
        out.append(["snapshot", "--date", d, "--by", "actor"])
    out += [["diff", d1, d2], ["diff", d1, d2, "--by", "actor"], ["export"]]
    return out


def compare_all(tmp, label, tracker, dates, d1, d2):
    total = 0
    for args in commands(dates, d1, d2):
        total += compare(tmp, label, ["-d", tracker] + args)
    check(total > 0, "%s: no features at all" % label)


@test("shipped tracker: snapshot, diff (by region and by actor) and export as GDAL writes them")
def t_shipped(tmp):
    compare_all(tmp, "karabakh", KARABAKH, ["2020-09-26", "2020-11-25", "2023-12-31"],
                "2020-09-01", "2020-12-31")
    # the filters too
    compare(tmp, "karabakh", ["-d", KARABAKH, "snapshot", "--date", "2020-11-09", "--status", "confirmed"])
    compare(tmp, "karabakh", ["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "--holder", "AM"])


@test("generated tracker (regions and polygon events): the same features as GDAL writes")
def t_generated(tmp):
    t = os.path.join(tmp, "gen")
    generate_tracker(t, nx=8, ny=6, nevents=200, npolygons=12, seed=11)
    # 200 events from 2001 on, 0 to 20 days apart, then the polygon events
    compare_all(tmp, "generated", t, ["2001-03-01", "2003-06-30", "2030-01-01"], "2001-06-01", "2004-01-01")


@test("DeepState tracker (6 days imported): the same features as GDAL writes")
def t_deepstate(tmp):
    if not os.path.isdir(DEEPSTATE):
        raise Skip("../shared/data/deepstate is absent")
    files = sorted(f for f in os.listdir(DEEPSTATE) if f.endswith(".geojson"))[:6]
    t = os.path.join(tmp, "ds")
    run_ok(["import-series", "--holder", "RU", "--other", "UA", "--out", t] +
           [os.path.join(DEEPSTATE, f) for f in files], tmp)
    day = lambda f: "%s-%s-%s" % (f[-16:-12], f[-12:-10], f[-10:-8])  # noqa: E731
    compare_all(tmp, "deepstate", t, [day(files[0]), day(files[3]), day(files[-1])], day(files[0]), day(files[-1]))


@test("awkward text (quotes, backslashes, control characters, non-BMP UTF-8) reads back as recorded")
def t_awkward(tmp):
    t = os.path.join(tmp, "k")
    run_ok(["copy", KARABAKH, t], tmp)
    note = 'q"uote \\back/slash\ttab é 𝄞 \x7f end'
    run_ok(["-d", t, "record", "--date", "2021-01-02", "--region", "kalbajar", "--to", "AM",
            "--source", "src: \"a\\b\" 𝄞", "--note", note], tmp)
    n = compare(tmp, "awkward", ["-d", t, "snapshot", "--date", "2021-01-03"])
    check(n > 0, "no features")
    _, feats = read_ogr(os.path.join(tmp, "own.geojson"))
    got = [v for v, _ in feats if v.get("region") == "kalbajar"]
    check(got and got[0]["note"] == note and got[0]["source"] == 'src: "a\\b" 𝄞',
          "kalbajar's note/source read back as %r / %r" % (got[0].get("note") if got else None,
                                                           got[0].get("source") if got else None))


@test("the same bytes whatever -j, to a file and to stdout")
def t_threads(tmp):
    outs = set()
    for j in ["1", "2", "5"]:
        p = run_ok(["-j", j, "-d", KARABAKH, "snapshot", "--date", "2020-11-25"], tmp)
        outs.add(p.stdout if isinstance(p.stdout, bytes) else p.stdout.encode())
    check(len(outs) == 1, "stdout differs between -j 1, 2 and 5")


def loads_gdal(args, tmp):
    """Whether the process loads libgdal (the dynamic loader's own account)."""
    p = run_ok(args, tmp, env={"LD_DEBUG": "files", "LD_DEBUG_OUTPUT": os.path.join(tmp, "ld")})
    text = ""
    for f in os.listdir(tmp):
        if f.startswith("ld."):
            with open(os.path.join(tmp, f), errors="replace") as fh:
                text += fh.read()
            os.unlink(os.path.join(tmp, f))
    check(text, "LD_DEBUG gave no account of the loader")
    return "file=libgdal" in text, p


@test("a map from the index written as GeoJSON does not load GDAL; reading sources and other formats do")
def t_gdal_lazy(tmp):
    # polygon events: a tracker worth an index (src/index.c)
    t = os.path.join(tmp, "g")
    generate_tracker(t, nx=5, ny=4, nevents=40, npolygons=3, seed=5)
    loaded, _ = loads_gdal(["-d", t, "snapshot", "--date", "2003-01-01"], tmp)  # reads the sources
    check(loaded, "the first open (reading the sources) did not load GDAL")
    check(os.path.exists(os.path.join(t, ".frontline-index")), "no index was written")
    for args in (["snapshot", "--date", "2003-01-01"], ["snapshot", "--date", "2003-01-01", "--by", "actor"],
                 ["diff", "2001-06-01", "2004-01-01"], ["snapshot", "--date", "2003-01-01", "-o", "m.geojson"]):
        loaded, p = loads_gdal(["-d", t] + args, tmp)
        check(not loaded, "%s from the index loaded GDAL" % " ".join(args))
    with open(os.path.join(tmp, "m.geojson"), "rb") as f:
        own = f.read()
    ref = os.path.join(tmp, "ref.geojson")
    run_ok(["-d", t, "snapshot", "--date", "2003-01-01", "-o", ref, "-f", "GDAL:GeoJSON"], tmp)
    with open(ref, "rb") as f:
        check(own == f.read(), "the map written without GDAL differs from GDAL's")
    loaded, _ = loads_gdal(["-d", t, "snapshot", "--date", "2003-01-01", "-o", "m.gpkg"], tmp)
    check(loaded, "a GeoPackage was written without loading GDAL?")
    _, feats = read_ogr(os.path.join(tmp, "m.gpkg"))
    check(len(feats) == len(json.loads(own)["features"]), "the GeoPackage has %d features" % len(feats))
    # commands that open the tracker from its index, then read or write its files through GDAL
    run_ok(["-d", t, "copy", t, os.path.join(tmp, "c.gpkg")], tmp)
    _, regions = read_ogr_layer(os.path.join(tmp, "c.gpkg"), "regions")
    check(len(regions) == 20, "the copy has %d regions, not 20" % len(regions))
    run_ok(["-d", t, "record", "--date", "2006-01-01", "--region", "r0-0", "--to", "C", "--source", "test"], tmp)
    p = run_ok(["-d", t, "log", "--region", "r0-0", "-f", "csv"], tmp)
    check("2006-01-01" in p.stdout, "the recorded event is not in the log:\n" + p.stdout[-500:])


@test("a GDAL that cannot be loaded: reading sources fails with the loader's reason; the index still answers")
def t_gdal_missing(tmp):
    import ctypes.util
    soname = ctypes.util.find_library("gdal")
    if not soname:
        raise Skip("no libgdal found by ctypes")
    t = os.path.join(tmp, "g")
    generate_tracker(t, nx=5, ny=4, nevents=40, npolygons=3, seed=5)
    want = run_ok(["-d", t, "snapshot", "--date", "2003-01-01"], tmp).stdout  # writes the index
    for kind in ("empty", "other"):
        env = fake_library(os.path.join(tmp, kind), soname, kind)
        p = run(["-d", KARABAKH, "snapshot", "--date", "2020-11-25"], tmp, env=env)
        check(p.returncode == 1 and "GDAL (%s)" % soname in p.stderr and not p.stdout,
              "%s %s: exit %d, stderr %r" % (kind, soname, p.returncode, p.stderr[:300]))
        p = run(["-d", t, "snapshot", "--date", "2003-01-01"], tmp, env=env)
        check(p.returncode == 0 and p.stdout == want, "%s %s: the map from the index: exit %d, %r" % (
            kind, soname, p.returncode, p.stderr[:300]))
        out = os.path.join(tmp, "x.gpkg")
        p = run(["-d", t, "snapshot", "--date", "2003-01-01", "-o", out], tmp, env=env)
        check(p.returncode != 0 and "GDAL" in p.stderr and not os.path.exists(out),
              "%s: a GeoPackage without GDAL: exit %d, %r" % (kind, p.returncode, p.stderr[:300]))


@test("-f GDAL:NAME: an unknown driver is refused, naming it, and nothing is written")
def t_gdal_prefix(tmp):
    out = os.path.join(tmp, "x.geojson")
    run_fail(["-d", KARABAKH, "snapshot", "--date", "2020-11-25", "-o", out, "-f", "GDAL:NoSuchDriver"],
             tmp, ["NoSuchDriver"])
    check(not os.path.exists(out), "a file was written")


if __name__ == "__main__":
    sys.exit(main("fl-geojson-"))
