#!/usr/bin/python3
"""End-to-end tests of the vector tiles (include/frontline/tiles.h) through
`frontline serve`'s OGC API - Tiles on the shipped Karabakh tracker: the
tile matrix set and tileset documents, the errors of bad tile addresses,
tiles read back by GDAL's MVT driver, their holders at each date against
`frontline snapshot`, their periods against `frontline export`, and the
coverage of a rasterised tile (no gaps, no overlaps) at two zooms.

Usage: /usr/bin/python3 test_tiles.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  One server (--port 0) is started for the whole file.
"""
import datetime
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import numpy
from osgeo import gdal, osr
from shapely.geometry import Point, shape
from shapely import wkb as shapely_wkb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, Failure, check, main, run_ok, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_tiles.py FRONTLINE_BINARY SOURCE_ROOT")
gdal.UseExceptions()
HALF = 20037508.342789244
MVT = "application/vnd.mapbox-vector-tile"
TILES = "/collections/control/tiles/WebMercatorQuad"
OPEN_END = 2 ** 53 - 1


class Server:
    def __init__(self):
        e = dict(os.environ)
        e.pop("FRONTLINE_TRACKER", None)
        self.proc = subprocess.Popen([BIN, "-d", KARABAKH, "serve", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, text=True)
        self.port = None
        self.err = []
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.err.append(line)
            m = re.search(r"listening on http://([^ ]+):(\d+)", line)
            if m:
                self.port = int(m.group(2))
                break
        if not self.port:
            self.proc.kill()
            raise Failure("the server did not start: %s" % "".join(self.err))
        threading.Thread(target=lambda: [self.err.append(ln) for ln in self.proc.stderr],
                         daemon=True).start()

    def get(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=120) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


# ------------------------------------------------------------ geometry
def merc(lon, lat):
    x = lon * HALF / 180.0
    y = math.log(math.tan((90.0 + lat) * math.pi / 360.0)) * HALF / math.pi
    return x, y


def tile_of(lon, lat, z):
    x, y = merc(lon, lat)
    size = 2 * HALF / 2 ** z
    return int((x + HALF) // size), int((HALF - y) // size)


def tile_bounds(z, x, y):
    size = 2 * HALF / 2 ** z
    x0, y1 = -HALF + x * size, HALF - y * size
    return x0, y1 - size, x0 + size, y1


def regions():
    with open(os.path.join(KARABAKH, "regions.geojson")) as f:
        return {ft["properties"]["id"]: shape(ft["geometry"]) for ft in json.load(f)["features"]}


def day_number(date):
    return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days


def decode(srv, tmp, z, x, y, query=""):
    """Tile z/x/y read back by GDAL's MVT driver: ({layer: [(fields, shapely
    geometry in EPSG:3857)]}, the .pbf's path); ({}, None) for a 204."""
    status, ctype, data = srv.get("%s/%d/%d/%d%s" % (TILES, z, y, x, query))
    if status == 204:
        return {}, None
    check(status == 200 and ctype == MVT, "tile %d/%d/%d%s: %d %s" % (z, x, y, query, status, ctype))
    sub = re.sub(r"[^0-9a-z]", "_", query) or "history"
    path = os.path.join(tmp, sub, str(z), str(x), "%d.pbf" % y)  # z/x/y: GDAL georeferences it
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    ds = gdal.OpenEx(path, gdal.OF_VECTOR, allowed_drivers=["MVT"])
    check(ds is not None, "GDAL's MVT driver cannot open tile %d/%d/%d" % (z, x, y))
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        feats = []
        for ft in lyr:
            g = ft.GetGeometryRef()
            feats.append((ft.items(), shapely_wkb.loads(bytes(g.ExportToWkb())) if g else None))
        out[lyr.GetName()] = feats
    return out, path


def key_of(fields):
    return ("contested", fields["contested"]) if fields.get("contested") else fields["holder"]


def snap_key(props):
    return ("contested", props["contested"]) if props.get("contested") else props["holder"]


def shown(fields, day):
    return fields["valid_from_day"] <= day < fields["valid_to_day"]


# ---------------------------------------------------------------- tests
@test("the tile matrix set, the tilesets and the conformance classes are described")
def t_docs(tmp, srv):
    st, ct, body = srv.get("/tileMatrixSets")
    check(st == 200 and ct.startswith("application/json"), "tileMatrixSets: %d %s" % (st, ct))
    d = json.loads(body)
    check([m["id"] for m in d["tileMatrixSets"]] == ["WebMercatorQuad"], str(d))
    st, ct, body = srv.get("/tileMatrixSets/WebMercatorQuad")
    d = json.loads(body)
    check(st == 200 and d["crs"].endswith("EPSG/0/3857") and len(d["tileMatrices"]) == 25, str(d)[:300])
    for m in d["tileMatrices"]:
        z = int(m["id"])
        check(m["matrixWidth"] == m["matrixHeight"] == 2 ** z, "matrix %s: %s" % (m["id"], m))
        check(abs(m["cellSize"] * 256 * 2 ** z - 2 * HALF) < 1e-3, "cell size of %s" % m["id"])
        check(abs(m["pointOfOrigin"][0] + HALF) < 1e-3 and abs(m["pointOfOrigin"][1] - HALF) < 1e-3, str(m))
    d = json.loads(srv.get("/collections/control/tiles")[2])
    check(len(d["tilesets"]) == 1 and d["tilesets"][0]["dataType"] == "vector", str(d))
    d = json.loads(srv.get(TILES)[2])
    items = [ln for ln in d["links"] if ln["rel"] == "item"]
    check(items and items[0]["type"] == MVT and items[0]["href"].endswith(
        "/collections/control/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}"), str(d["links"]))
    check(any(ln["rel"].endswith("tiling-scheme") and ln["href"].endswith("/tileMatrixSets/WebMercatorQuad")
              for ln in d["links"]), str(d["links"]))
    conf = json.loads(srv.get("/conformance")[2])["conformsTo"]
    for c in ["core", "tileset", "tilesets-list", "geodata-tilesets", "datetime", "mvt"]:
        check("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/" + c in conf, "conformance lacks %s" % c)
    coll = json.loads(srv.get("/collections/control")[2])
    check(any(ln["rel"].endswith("tilesets-vector") for ln in coll["links"]), str(coll["links"]))


@test("bad tile addresses: 400 for non-numeric, 404 outside WebMercatorQuad, 204 for an empty tile")
def t_errors(tmp, srv):
    for path, want in [(TILES + "/7/x/80", 400), (TILES + "/7/48/-1", 400), (TILES + "/a/0/0", 400),
                       (TILES + "/7/48/1e3", 400), (TILES + "/7/128/80", 404), (TILES + "/7/48/128", 404),
                       (TILES + "/25/0/0", 404), ("/collections/control/tiles/WorldCRS84Quad/0/0/0", 404),
                       ("/collections/zones/tiles", 404), ("/tileMatrixSets/Foo", 404),
                       (TILES + "/7/48/80?datetime=2020-11-01/2020-11-30", 400),
                       (TILES + "/7/48/80?datetime=yesterday", 400),
                       (TILES + "/7/48/80?bogus=1", 400), (TILES + "/7/0/0", 204)]:
        st, ct, body = srv.get(path)
        check(st == want, "%s: %d, want %d (%s)" % (path, st, want, body[:200]))
        if st >= 400:
            check("description" in json.loads(body), "%s: no error body" % path)


@test("Kalbajar's interior: AM on 2020-11-24, AZ on 2020-11-25, in the date tiles and the history tile")
def t_kalbajar(tmp, srv):
    k = regions()["kalbajar"]
    p = k.representative_point()
    pt = Point(*merc(p.x, p.y))
    for z in (8, 9):
        tx, ty = tile_of(p.x, p.y, z)
        hist, _ = decode(srv, tmp, z, tx, ty)
        for date, want in [("2020-11-24", "AM"), ("2020-11-25", "AZ")]:
            layers, _ = decode(srv, tmp, z, tx, ty, "?datetime=" + date)
            got = [f["holder"] for f, g in layers.get("control", []) if g is not None and g.contains(pt)]
            check(got == [want], "z%d %s: holders at Kalbajar's interior %s, want [%s]" % (z, date, got, want))
            day = day_number(date)
            got = [f["holder"] for f, g in hist["control"] if shown(f, day) and g.contains(pt)]
            check(got == [want], "z%d history tile on %s: %s, want [%s]" % (z, date, got, want))
            f = [f for f, g in layers["control"] if g.contains(pt)][0]
            check(f["region"] == "kalbajar", "region %s" % f["region"])
            if date == "2020-11-25":
                check(f["event"] == "2020-kalbajar" and f["valid_to"] == OPEN_END and
                      f["valid_to_day"] == OPEN_END and f["valid_from_day"] == day_number("2020-11-25"),
                      "the AZ period: %s" % f)


@test("the zones layer: the peacekeeping zone shown from 2020-11-10 through its last day, 2024-06-12")
def t_zones(tmp, srv):
    k = regions()["kalbajar"].representative_point()
    tx, ty = tile_of(k.x, k.y, 7)
    hist = decode(srv, tmp, 7, tx, ty)[0]
    pk = [f for f, g in hist.get("zones", []) if f["id"] == "ru-pk-zone"]
    check(len(pk) == 1, "zones of the history tile: %s" % [f["id"] for f, g in hist.get("zones", [])])
    f = pk[0]
    check(f["valid_from_day"] == day_number("2020-11-10") and f["valid_to_day"] == day_number("2024-06-13")
          and f["actor"] == "RU-PK" and f["approximate"] == 1, "the zone's fields: %s" % f)
    for date, want in [("2020-11-09", False), ("2020-11-10", True), ("2024-06-12", True), ("2024-06-13", False)]:
        layers = decode(srv, tmp, 7, tx, ty, "?datetime=" + date)[0]
        got = any(f["id"] == "ru-pk-zone" for f, g in layers.get("zones", []))
        check(got == want, "%s: the zone %s" % (date, "shown" if got else "not shown"))


@test("the places layer: Stepanakert named as in places.geojson, within a unit; at a date its holder as `places`")
def t_places(tmp, srv):
    with open(os.path.join(KARABAKH, "places.geojson")) as f:
        ft = [g for g in json.load(f)["features"] if g["properties"]["NAME"] == "Stepanakert"][0]
    lon, lat = ft["geometry"]["coordinates"]
    want = Point(*merc(lon, lat))
    z = 9
    tx, ty = tile_of(lon, lat, z)
    unit = 2 * HALF / 2 ** z / 4096
    hist = decode(srv, tmp, z, tx, ty)[0]
    got = [(f, g) for f, g in hist.get("places", []) if f.get("name") == "Stepanakert"]
    check(len(got) == 1, "places of the history tile: %s" % [f.get("name") for f, g in hist.get("places", [])])
    f, g = got[0]
    check(g.distance(want) <= unit, "Stepanakert at %s, %.2f units from %s" % (g.wkt, g.distance(want) / unit, want.wkt))
    check(f.get("scalerank") == 7 and f.get("pop_max") == ft["properties"]["POP_MAX"] and "holder" not in f,
          "history fields %s" % f)
    for date in ("2023-09-01", "2024-01-01"):
        out = run_ok(["-d", KARABAKH, "places", "--date", date], tmp).stdout
        st = [g["properties"] for g in json.loads(out)["features"] if g["properties"]["NAME"] == "Stepanakert"][0]
        layers = decode(srv, tmp, z, tx, ty, "?datetime=" + date)[0]
        got = [f for f, g in layers.get("places", []) if f.get("name") == "Stepanakert" and g.distance(want) <= unit]
        check(len(got) == 1 and got[0].get("holder") == st["holder"] and
              got[0].get("holder_name") == st["holder_name"],
              "%s: the tile's Stepanakert %s, `places` says %s" % (date, got, st["holder"]))
    check(st["holder"] == "AZ", "2024-01-01: %s" % st["holder"])
    doc = json.loads(srv.get(TILES)[2])
    check([(ly["id"], ly["geometryDimension"]) for ly in doc["layers"]] ==
          [("control", 2), ("zones", 2), ("places", 0)], "the tileset's layers %s" % doc["layers"])


def lonlat(pt):
    return Point(pt.x * 180 / HALF, math.degrees(2 * math.atan(math.exp(pt.y * math.pi / HALF)) - math.pi / 2))


@test("at every event date the history tiles give the snapshot's holder at each region's interior")
def t_snapshots(tmp, srv):
    z = 7
    tiles = {}
    for rid, g in regions().items():
        p = g.representative_point()
        tiles.setdefault(tile_of(p.x, p.y, z), []).append((rid, Point(*merc(p.x, p.y))))
    hist = {t: decode(srv, tmp, z, t[0], t[1])[0]["control"] for t in tiles}
    with open(os.path.join(KARABAKH, "events.csv")) as f:
        dates = sorted({ln.split(",")[1][:10] for ln in f.readlines()[1:] if ln.split(",")[1][:1].isdigit()})
    dates += ["1995-01-01", "2021-06-01", "2024-01-01"]
    compared = 0
    for date in dates:
        snap = json.loads(run_ok(["-d", KARABAKH, "snapshot", "--date", date], tmp).stdout)
        pieces = [(shape(ft["geometry"]), ft["properties"]) for ft in snap["features"]]
        day = day_number(date)
        for t, pts in tiles.items():
            for rid, pt in pts:
                ll = lonlat(pt)
                want = [snap_key(pr) for g, pr in pieces if g.contains(ll)]
                got = [key_of(f) for f, g in hist[t] if shown(f, day) and g.contains(pt)]
                check(len(want) == 1 and got == want,
                      "%s, %s: tile %s gives %s, the snapshot %s" % (date, rid, t, got, want))
                compared += 1
    check(compared == 78 * len(dates), "compared %d" % compared)


@test("the periods of the history tiles are the export's periods (holder, event, valid_from, valid_to)")
def t_periods(tmp, srv):
    out = os.path.join(tmp, "control.geojson")
    run_ok(["-d", KARABAKH, "export", "-o", out], tmp)
    with open(out) as f:
        exp = json.load(f)["features"]

    def secs(v):
        return int(datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()) if v else OPEN_END
    want = set()
    for ft in exp:
        pr = ft["properties"]
        holder = pr["holder"] if pr["holder"] else "contested:" + pr["contested"].replace(";", "+")
        want.add((pr["region"], holder, pr["event"], secs(pr["valid_from"]), secs(pr["valid_to"])))
    z = 7
    got = set()
    box = [shape(ft["geometry"]).bounds for ft in exp]
    x0, y0 = tile_of(min(b[0] for b in box), max(b[3] for b in box), z)
    x1, y1 = tile_of(max(b[2] for b in box), min(b[1] for b in box), z)
    for tx in range(x0, x1 + 1):
        for ty in range(y0, y1 + 1):
            for f, g in decode(srv, tmp, z, tx, ty)[0].get("control", []):
                got.add((f["region"], f["holder"], f["event"], f["valid_from"], f["valid_to"]))
    check(len(want) > 100, "%d periods exported" % len(want))
    check(got == want, "tiles lack %s; the export lacks %s" % (sorted(want - got)[:5], sorted(got - want)[:5]))


def raster_counts(src_path, layer, bounds, n, where=None):
    """Pixels of the tile's box covered 0, 1, 2 ... times.  The pixel centres
    are off the tile's integer grid (shifted by 0.37 and 0.61 of its unit), so
    that no centre lies on a horizontal or vertical edge of the tile, where
    which side a rasteriser counts is a convention."""
    ds = gdal.GetDriverByName("MEM").Create("", n, n, 1, gdal.GDT_Int32)
    size = (bounds[2] - bounds[0]) / n
    unit = (bounds[2] - bounds[0]) / 4096
    ds.SetGeoTransform([bounds[0] + 0.37 * unit, size, 0, bounds[3] - 0.61 * unit, 0, -size])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3857)
    ds.SetProjection(srs.ExportToWkt())
    gdal.Rasterize(ds, src_path, layers=[layer], where=where, burnValues=[1], add=True)
    return ds.GetRasterBand(1).ReadAsArray()


@test("rasterised tiles cover the tracker exactly once at z7 and z9: no gaps, no overlaps")
def t_coverage(tmp, srv):
    regs3857 = os.path.join(tmp, "regions3857.geojson")
    gdal.VectorTranslate(regs3857, os.path.join(KARABAKH, "regions.geojson"), dstSRS="EPSG:3857",
                         layerName="regions", format="GeoJSON")
    k = regions()["kalbajar"].representative_point()
    checked = 0
    for z, dx in [(7, 0), (9, 0), (9, 1)]:
        tx, ty = tile_of(k.x, k.y, z)
        tx += dx
        b = tile_bounds(z, tx, ty)
        mask = raster_counts(regs3857, "regions", b, 512)
        inner = numpy.ones_like(mask, dtype=bool)
        outer = numpy.ones_like(mask, dtype=bool)
        for sy in (-1, 0, 1):
            for sx in (-1, 0, 1):
                sh = numpy.roll(numpy.roll(mask, sy, 0), sx, 1)
                inner &= sh == 1
                outer &= sh == 0
        inner[[0, -1], :] = False
        inner[:, [0, -1]] = False
        check(int(inner.sum()) > 10000, "z%d: the tile has too little of the tracker" % z)
        hist = decode(srv, tmp, z, tx, ty)
        for date in ["1993-05-01", "2020-11-24", "2020-11-25", "2023-10-01"]:
            cases = [(hist[1], "valid_from_day <= %d AND valid_to_day > %d" % ((day_number(date),) * 2)),
                     (decode(srv, tmp, z, tx, ty, "?datetime=" + date)[1], None)]
            for path, where in cases:
                c = raster_counts(path, "control", b, 512, where)
                what = "z%d %s %s" % (z, date, "history" if where else "datetime")
                check(c.max() <= 1, "%s: %d pixels covered twice" % (what, (c > 1).sum()))
                gaps = int(((c == 0) & inner).sum())
                check(gaps == 0, "%s: %d pixels inside the tracker left uncovered" % (what, gaps))
                spill = int(((c > 0) & outer).sum())
                check(spill == 0, "%s: %d pixels outside the tracker covered" % (what, spill))
                checked += 1
    check(checked == 24, "checked %d" % checked)


@test("no two pieces shown at a date overlap, exactly (shapely), in the tiles at z5, z7 and z9")
def t_overlap(tmp, srv):
    k = regions()["kalbajar"].representative_point()
    pairs = 0
    for z in (5, 7, 9):
        tx, ty = tile_of(k.x, k.y, z)
        b = tile_bounds(z, tx, ty)
        unit2 = ((b[2] - b[0]) / 4096) ** 2
        hist = decode(srv, tmp, z, tx, ty)[0]["control"]
        for date in ["1993-05-01", "2020-11-09", "2020-11-24", "2020-11-25", "2023-10-01"]:
            day = day_number(date)
            shown_now = [(f, g.buffer(0)) for f, g in hist if shown(f, day)]
            for i in range(len(shown_now)):
                for j in range(i + 1, len(shown_now)):
                    (fa, a), (fb, c) = shown_now[i], shown_now[j]
                    if a.envelope.intersects(c.envelope):
                        pairs += 1
                        area = a.intersection(c).area / unit2
                        check(area < 1e-6, "z%d %s: %s and %s overlap by %.3g square units of the tile"
                              % (z, date, fa["region"], fb["region"], area))
    check(pairs > 100, "%d pairs compared" % pairs)


def start():
    return Server()


if __name__ == "__main__":
    sys.exit(main("fl-tiles-", setup=start, teardown=lambda s: s.stop()))
