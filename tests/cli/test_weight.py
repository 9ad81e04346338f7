#!/usr/bin/python3
"""End-to-end tests of people from a raster (`--weight RASTER`) through the tool.

usage: /usr/bin/python3 test_weight.py PATH_TO_FRONTLINE SOURCE_ROOT

A tracker of two regions side by side, W = [10.0, 10.3] and E = [10.3, 10.6]
x [50.0, 50.2] (lon/lat): A holds both from a baseline, B takes E on
2001-01-01 and a polygon P = [10.2, 10.4] x [50.05, 50.15] across both on
2002-01-01.  Rasters are written here with GDAL's Python bindings so that the
sum under each piece is known exactly: constant rasters aligned to the
regions (sum = cells x value), a raster whose cells the regions split by a
known share, the same ground in EPSG:3857 and in UTM zone 32N (expected sums
from pyproj and shapely, the atoms' vertices taken into the raster's CRS as
the tool documents).  Prints TAP.
"""
import csv
import io
import json
import os
import sys
import time

import numpy as np
from osgeo import gdal, osr
from pyproj import Transformer
from shapely.geometry import Polygon

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import Workdir, check, check_close, geojson, main, test  # noqa: E402

gdal.UseExceptions()

W = (10.0, 50.0, 10.3, 50.2)
E = (10.3, 50.0, 10.6, 50.2)
P = (10.2, 50.05, 10.4, 50.15)


def box(b):
    x0, y0, x1, y1 = b
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


class Ctx(Workdir):
    def __init__(self, tmp):
        super().__init__(tmp)
        t = self.path("t")
        os.makedirs(t)
        with open(os.path.join(t, "actors.csv"), "w") as f:
            f.write("id,name,color,kind,note\nA,Side A,#1f77b4,control,\nB,Side B,#ff7f0e,control,\n")
        feats = [{"type": "Feature", "properties": {"id": i, "name": i}, "geometry": {
            "type": "Polygon", "coordinates": [box(b)]}} for i, b in (("W", W), ("E", E))]
        with open(os.path.join(t, "regions.geojson"), "w") as f:
            json.dump({"type": "FeatureCollection", "features": feats}, f)
        with open(os.path.join(t, "areas.geojson"), "w") as f:
            json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
                "id": "P"}, "geometry": {"type": "Polygon", "coordinates": [box(P)]}}]}, f)
        with open(os.path.join(t, "events.csv"), "w") as f:
            f.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial,area\n"
                    "b,2000-01-01,*,A,,baseline,confirmed,test,,,,false,\n"
                    "e1,2001-01-01,E,B,,capture,confirmed,test,,,,false,\n"
                    "p1,2002-01-01,,B,,capture,confirmed,test,,,,false,P\n")
        self.t = t

    def raster(self, name, x0, y0, dx, dy, arr, srs="EPSG:4326", nodata=None):
        """A GeoTIFF of arr (rows from the north) with its top-left corner at
        (x0, y0) and cells dx by dy; bands along the first axis of a 3-d arr."""
        path = self.path(name)
        arr = np.asarray(arr, dtype=np.float64)
        bands = arr if arr.ndim == 3 else arr[None]
        ds = gdal.GetDriverByName("GTiff").Create(path, bands.shape[2], bands.shape[1], len(bands),
                                                  gdal.GDT_Float64)
        ds.SetGeoTransform((x0, dx, 0, y0, 0, -dy))
        if srs:
            s = osr.SpatialReference()
            s.SetFromUserInput(srs)
            ds.SetProjection(s.ExportToWkt())
        for i, b in enumerate(bands):
            rb = ds.GetRasterBand(i + 1)
            if nodata is not None:
                rb.SetNoDataValue(nodata)
            rb.WriteArray(b)
        ds = None
        return path

    def pieces(self, date, *args, by="region"):
        r = self.ok("-d", self.t, "snapshot", "--date", date, "--by", by, *args)
        out = {}
        for f in geojson(r)["features"]:
            p = f["properties"]
            out[(p.get("region"), p["holder"]) if by == "region" else p["holder"]] = p
        return out


def const_raster(c, value=2.5, name="people.tif"):
    """Cells of 0.05 degrees from (9.9, 50.3): 16 x 10, beyond the tracker
    on every side (those cells are dropped); W and E cover 6 x 4 cells each,
    P 4 x 2, of which 2 x 2 in W.  One cell of W (not in P) is nodata, one of
    E (not in P) NaN."""
    a = np.full((10, 16), value)
    a[5, 2] = -1      # row 5: 50.05..50.1; column 2: 10.0..10.05 (W)
    a[4, 10] = np.nan  # row 4: 50.1..50.15; column 10: 10.4..10.45 (E)
    return c.raster(name, 9.9, 50.3, 0.05, 0.05, a, nodata=-1)


@test("a constant raster aligned to the regions: cells x value under each piece, nodata and NaN count 0")
def t_constant(c):
    const_raster(c)
    p = c.pieces("2001-06-01", "--weight", c.path("people.tif"))
    check(set(p) == {("W", "A"), ("E", "B")}, "pieces: %r" % sorted(p))
    check_close(p[("W", "A")]["people"], 23 * 2.5, "W under A", rel=1e-12)
    check_close(p[("E", "B")]["people"], 23 * 2.5, "E under B", rel=1e-12)
    # after the polygon: W's 2 x 2 cells of P pass to B
    p = c.pieces("2002-06-01", "--weight", c.path("people.tif"))
    check_close(p[("W", "A")]["people"], 19 * 2.5, "W under A after P", rel=1e-12)
    check_close(p[("W", "B")]["people"], 4 * 2.5, "W under B after P", rel=1e-12)
    check_close(p[("E", "B")]["people"], 23 * 2.5, "E under B after P", rel=1e-12)
    a = c.pieces("2002-06-01", "--weight", c.path("people.tif"), by="actor")
    check_close(a["A"]["people"], 19 * 2.5, "A", rel=1e-12)
    check_close(a["B"]["people"], 27 * 2.5, "B", rel=1e-12)
    # the other fields are those of a snapshot without --weight
    r = c.ok("-d", c.t, "snapshot", "--date", "2002-06-01")
    plain = [f["properties"] for f in geojson(r)["features"]]
    r = c.ok("-d", c.t, "snapshot", "--date", "2002-06-01", "--weight", c.path("people.tif"))
    weighted = [f["properties"] for f in geojson(r)["features"]]
    check([{k: v for k, v in w.items() if k != "people"} for w in weighted] == plain,
          "the fields besides people differ from the plain snapshot's")


@test("cells split between two regions are shared by the area each covers")
def t_split(c):
    # cells of 0.25 degrees from (9.95, 50.25): columns [9.95, 10.2], [10.2, 10.45],
    # [10.45, 10.7]; one row [50.0, 50.25], of which the tracker covers 0.8
    c.raster("split.tif", 9.95, 50.25, 0.25, 0.25, [[10.0, 100.0, 1000.0]])
    p = c.pieces("2001-06-01", "--weight", c.path("split.tif"))
    check_close(p[("W", "A")]["split"], 0.8 * (0.8 * 10 + 0.4 * 100), "W", rel=1e-9)
    check_close(p[("E", "B")]["split"], 0.8 * (0.6 * 100 + 0.6 * 1000), "E", rel=1e-9)


@test("a raster in EPSG:3857 over the same ground gives the same cell counts")
def t_mercator(c):
    tr = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y1 = tr.transform(10.0, 50.2)
    x1, y0 = tr.transform(10.6, 50.0)
    # 60 x 20 cells over W and E: 30 x 20 each, 3 of them (100 m-ish) cells beyond on each side
    dx, dy = (x1 - x0) / 60, (y1 - y0) / 20
    c.raster("merc.tif", x0 - 3 * dx, y1 + 3 * dy, dx, dy, np.full((26, 66), 0.5), srs="EPSG:3857")
    p = c.pieces("2001-06-01", "--weight", c.path("merc.tif"))
    check_close(p[("W", "A")]["merc"], 600 * 0.5, "W", rel=1e-6)
    check_close(p[("E", "B")]["merc"], 600 * 0.5, "E", rel=1e-6)


@test("a raster in UTM zone 32N: the share of each cell in the raster's own plane")
def t_utm(c):
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32632", always_xy=True)
    # 500 m cells from (560000, 5570000) down and right, over the whole tracker
    x0, y0, cell, n = 560000.0, 5570000.0, 500.0, 120
    c.raster("utm.tif", x0, y0, cell, cell, np.full((n, n), 3.0), srs="EPSG:32632")
    p = c.pieces("2002-06-01", "--weight", c.path("utm.tif"))

    def expected(ring):
        # the atoms' vertices in UTM, straight edges between them
        return 3.0 * Polygon([tr.transform(x, y) for x, y in ring]).area / cell ** 2
    # the atoms, with the nodes the overlay puts on their edges (where W, E and P meet)
    w_out = [(10.0, 50.0), (10.3, 50.0), (10.3, 50.05), (10.2, 50.05), (10.2, 50.15), (10.3, 50.15),
             (10.3, 50.2), (10.0, 50.2)]
    w_in = [(10.2, 50.05), (10.3, 50.05), (10.3, 50.15), (10.2, 50.15)]
    e_all = [(10.3, 50.0), (10.6, 50.0), (10.6, 50.2), (10.3, 50.2), (10.3, 50.15), (10.3, 50.05)]
    check_close(p[("W", "A")]["utm"], expected(w_out), "W under A", rel=1e-9)
    check_close(p[("W", "B")]["utm"], expected(w_in), "W under B", rel=1e-9)
    check_close(p[("E", "B")]["utm"], expected(e_all), "E under B", rel=1e-9)
    # the three together: the whole tracker's cells (its outline has no nodes
    # on its edges: the meridians' curvature between them is a few metres)
    outline = [(10.0, 50.0), (10.6, 50.0), (10.6, 50.2), (10.0, 50.2)]
    check_close(sum(x["utm"] for x in p.values()), expected(outline), "the tracker", rel=1e-5)


@test("--weight-band picks the band; the column is the stem and the band")
def t_band(c):
    a = np.full((2, 10, 16), 1.0)
    a[1] = 7.0
    c.raster("bands.tif", 9.9, 50.3, 0.05, 0.05, a)
    p = c.pieces("2001-06-01", "--weight", c.path("bands.tif"), "--weight-band", "2")
    check_close(p[("W", "A")]["bands_b2"], 24 * 7.0, "W, band 2", rel=1e-12)
    p = c.pieces("2001-06-01", "--weight", c.path("bands.tif"))
    check_close(p[("W", "A")]["bands"], 24 * 1.0, "W, band 1", rel=1e-12)


@test("stats --weight: the sum under each holder at each step, one column per raster")
def t_stats(c):
    const_raster(c)
    c.raster("split.tif", 9.95, 50.25, 0.25, 0.25, [[10.0, 100.0, 1000.0]])
    r = c.ok("-d", c.t, "stats", "--weight", c.path("people.tif"), "--weight", c.path("split.tif"))
    rows = list(csv.DictReader(io.StringIO(r.out)))
    check(list(rows[0])[-2:] == ["people", "split"], "columns: %r" % list(rows[0]))
    got = {(x["date"], x["holder"]): (float(x["people"]), float(x["split"])) for x in rows}
    split_w, split_e = 0.8 * (0.8 * 10 + 0.4 * 100), 0.8 * (0.6 * 100 + 0.6 * 1000)
    # P covers 0.4 x 0.4 of the middle cell (worth 100) in W: that passes to B
    want = {("2000-01-01", "A"): (46 * 2.5, split_w + split_e), ("2000-01-01", "B"): (0, 0),
            ("2001-01-01", "A"): (23 * 2.5, split_w), ("2001-01-01", "B"): (23 * 2.5, split_e),
            ("2002-01-01", "A"): (19 * 2.5, split_w - 0.4 * 0.4 * 100),
            ("2002-01-01", "B"): (27 * 2.5, split_e + 0.4 * 0.4 * 100)}
    check(set(got) == set(want), "rows: %r" % sorted(got))
    for k, (people, split) in want.items():
        check_close(got[k][0], people, "people %s" % (k,), rel=1e-12, abs_tol=1e-12)
        check_close(got[k][1], split, "split %s" % (k,), rel=1e-9, abs_tol=1e-9)
    # by day: the same sums at the end of each day
    r = c.ok("-d", c.t, "stats", "--step", "day", "--from", "2001-12-30", "--to", "2002-01-02",
             "--weight", c.path("people.tif"))
    rows = list(csv.DictReader(io.StringIO(r.out)))
    byday = {(x["date"], x["holder"]): float(x["people"]) for x in rows}
    check_close(byday[("2001-12-31", "A")], 23 * 2.5, "2001-12-31 A", rel=1e-12)
    check_close(byday[("2002-01-01", "A")], 19 * 2.5, "2002-01-01 A", rel=1e-12)
    check_close(byday[("2002-01-02", "B")], 27 * 2.5, "2002-01-02 B", rel=1e-12)
    # a bad raster: nothing written
    out = c.path("series.csv")
    r = c.run("-d", c.t, "stats", "-o", out, "--weight", c.path("nope.tif"))
    check(r.rc == 1 and "nope.tif" in r.err, r.describe())
    check(not os.path.exists(out), "series written after a bad raster")


def cache_files(c):
    return sorted(f for f in os.listdir(c.t) if f.startswith(".frontline-index-weight-"))


@test("the sums are kept beside the index and read back while the raster is unchanged")
def t_cache(c):
    path = const_raster(c)
    p = c.pieces("2001-06-01", "--weight", path)
    check_close(p[("W", "A")]["people"], 57.5, "first run", rel=1e-12)
    files = cache_files(c)
    check(len(files) == 1, "cache files: %r" % files)
    cache = os.path.join(c.t, files[0])
    m0 = os.stat(cache).st_mtime_ns
    time.sleep(0.05)
    p = c.pieces("2001-06-01", "--weight", path)
    check_close(p[("W", "A")]["people"], 57.5, "second run", rel=1e-12)
    check(os.stat(cache).st_mtime_ns == m0, "the cache was rewritten on the second run")
    # rewrite the raster in place (same file, same size) and put its time back:
    # the key (path, size, modification time) is unchanged, so the sums come
    # from the cache, not from the raster: the old ones
    st = os.stat(path)
    ds = gdal.Open(path, gdal.GA_Update)
    ds.GetRasterBand(1).WriteArray(np.full((10, 16), 10.0))
    ds = None
    check(os.stat(path).st_size == st.st_size, "the rewritten raster changed size")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    p = c.pieces("2001-06-01", "--weight", path)
    check_close(p[("W", "A")]["people"], 57.5, "read from the cache", rel=1e-12)
    # a new modification time: the raster is read again, the cache replaced
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10 ** 9))
    p = c.pieces("2001-06-01", "--weight", path)
    check_close(p[("W", "A")]["people"], 240.0, "after the raster changed", rel=1e-12)
    check(cache_files(c) == files, "cache files after the change: %r" % cache_files(c))
    check(os.stat(cache).st_mtime_ns != m0, "the cache was not rewritten after the change")
    # a changed tracker has other atoms: its sums are not taken for it
    with open(os.path.join(c.t, "events.csv"), "a") as f:
        f.write("e2,2003-01-01,W,B,,capture,confirmed,test,,,,false,\n")
    p = c.pieces("2003-06-01", "--weight", path)
    check_close(p[("W", "B")]["people"], 240.0, "after the tracker changed", rel=1e-12)


@test("bad rasters: a clear error naming the file, exit non-zero, nothing written")
def t_bad(c):
    const_raster(c)
    c.raster("nocrs.tif", 9.9, 50.3, 0.05, 0.05, np.ones((10, 16)), srs=None)
    with open(c.path("notes.txt"), "w") as f:
        f.write("not a raster\n")
    far = c.raster("far.tif", 100.0, -20.0, 0.05, 0.05, np.ones((10, 16)))
    cases = [
        (["--weight", c.path("missing.tif")], 1, ["missing.tif", "No such file"]),
        (["--weight", c.path("nocrs.tif")], 1, ["nocrs.tif", "no coordinate reference system"]),
        (["--weight", c.path("notes.txt")], 1, ["notes.txt", "not a raster"]),
        (["--weight", c.path("people.tif"), "--weight-band", "2"], 2, ["band 2", "people.tif", "1 band"]),
        (["--weight", far], 1, ["far.tif", "does not overlap"]),
        (["--weight-band", "2"], 2, ["--weight-band", "--weight"]),
        (["--weight", c.path("people.tif"), "--weight-band", "x"], 2, ["--weight-band x"]),
    ]
    for k, (args, code, want) in enumerate(cases):
        out = c.path("out%d.geojson" % k)
        r = c.run("-d", c.t, "snapshot", "--date", "2001-06-01", "-o", out, *args)
        check(r.rc == code, "exit %d, expected %d\n%s" % (r.rc, code, r.describe()))
        for w in want:
            check(w in r.err, "stderr lacks %r\n%s" % (w, r.describe()))
        check(not os.path.exists(out), "%s written after %s" % (out, args))
    check(not [f for f in cache_files(c)], "a failed raster left a cache: %r" % cache_files(c))


@test("the sums do not depend on the number of threads")
def t_threads(c):
    a = np.random.default_rng(3).uniform(0, 100, (40, 64))
    c.raster("rand.tif", 9.9, 50.3, 0.0125, 0.0125, a)
    outs = []
    for j in ("1", "2"):
        for f in cache_files(c):
            os.unlink(os.path.join(c.t, f))
        r = c.ok("-j", j, "-d", c.t, "snapshot", "--date", "2002-06-01", "--weight", c.path("rand.tif"))
        outs.append(r.out)
    check(outs[0] == outs[1], "the output differs between 1 and 2 threads")
    total = sum(f["properties"]["rand"] for f in json.loads(outs[0])["features"])
    # W and E: columns 8..55 (10.0..10.6), rows 8..23 (50.2..50.0) of the grid
    check_close(total, a[8:24, 8:56].sum(), "the sum over all pieces", rel=1e-9)


if __name__ == "__main__":
    sys.exit(main("fl-weight-", context=Ctx))
