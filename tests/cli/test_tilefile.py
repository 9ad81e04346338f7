#!/usr/bin/python3
"""End-to-end tests of `frontline export -o FILE.pmtiles / FILE.mbtiles`:
the whole history as one vector tile set.  The PMTiles archive is read with
a reader written from the specification (pmtiles_reader.py, beside this
script): the header's fields, every tile its directories list (root and
leaves), each gunzipped and decoded by GDAL's MVT driver; the pieces the
tiles show at a date (valid_from_day <= D < valid_to_day) have the holders
of the tool's snapshot at representative points of each piece.  The MBTiles
file is read back by GDAL (its MBTiles driver and SQLite), and bad input is
refused with a clear message and nothing written.

Usage: /usr/bin/python3 test_tilefile.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import datetime
import gzip
import json
import math
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import KARABAKH, check, copy_karabakh, main, run_fail, run_ok, snapshot, test, tree_bytes  # noqa: E402
import pmtiles_reader as pmt  # noqa: E402
from osgeo import gdal, ogr  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import Point, shape  # noqa: E402
from shapely import wkb as shapely_wkb  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()
TO_MERC = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
DATES = ["1994-05-12", "2020-10-20", "2020-11-24", "2020-11-25", "2023-09-20"]
_cache = {}


def export(tmp, name="k.pmtiles", extra=()):
    path = os.path.join(tmp, name)
    run_ok(["-d", KARABAKH, "export", "-o", path] + list(extra), tmp)
    with open(path, "rb") as f:
        return f.read()


def karabakh_pmtiles(tmp):
    """The Karabakh tracker's archive, made once for the tests that read it."""
    if "k" not in _cache:
        _cache["k"] = export(tmp)
    return _cache["k"]


def decode(tmp, z, x, y, data):
    """The features of MVT bytes as GDAL's MVT driver reads them: {layer:
    [(properties, shapely geometry in EPSG:3857)]}."""
    path = os.path.join(tmp, "%d-%d-%d.pbf" % (z, x, y))
    with open(path, "wb") as f:
        f.write(data)
    ds = gdal.OpenEx(path, gdal.OF_VECTOR, allowed_drivers=["MVT"],
                     open_options=["X=%d" % x, "Y=%d" % y, "Z=%d" % z, "CLIP=NO"])
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        feats = []
        for f in lyr:
            g = f.GetGeometryRef()
            feats.append((f.items(), shapely_wkb.loads(bytes(g.ExportToWkb())) if g else None))
        out[lyr.GetName()] = feats
    ds = None
    os.unlink(path)
    return out


def tile_of(lon, lat, z):
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    r = math.radians(lat)
    y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
    return x, y


def day(date):
    return (datetime.date.fromisoformat(date) - datetime.date(1970, 1, 1)).days


@test("pmtiles: the header, the metadata and every tile listed (gunzipped, decoded by GDAL's MVT driver)")
def _(tmp):
    b = karabakh_pmtiles(tmp)
    h = pmt.header(b)
    check(h["version"] == 3, "version %r" % h["version"])
    check(h["root_offset"] == 127 and h["root_offset"] + h["root_length"] <= 16384,
          "root at %d, %d bytes" % (h["root_offset"], h["root_length"]))
    check((h["internal_compression"], h["tile_compression"], h["tile_type"], h["clustered"]) == (2, 2, 1, 1),
          "compression, type, clustered: %r" % ((h["internal_compression"], h["tile_compression"],
                                                 h["tile_type"], h["clustered"]),))
    check(h["data_offset"] + h["data_length"] == len(b), "the data section does not end the file")
    meta = json.loads(gzip.decompress(b[h["metadata_offset"]:h["metadata_offset"] + h["metadata_length"]]))
    check([v["id"] for v in meta["vector_layers"]] == ["control", "zones", "places"],
          "vector_layers %r" % meta["vector_layers"])
    for k in ("valid_from_day", "valid_to_day", "holder", "color"):
        check(k in meta["vector_layers"][0]["fields"], "control lacks field %s" % k)
    check("geoBoundaries" in meta.get("attribution", ""), "attribution %r" % meta.get("attribution"))
    check((h["min_zoom"], h["max_zoom"]) == (meta["minzoom"], meta["maxzoom"]) and h["min_zoom"] == 0
          and h["max_zoom"] >= 7, "zooms %d-%d, metadata %r" % (h["min_zoom"], h["max_zoom"], meta))
    for a, m in zip(h["bounds"], meta["bounds"]):
        check(abs(a - m) < 2e-7, "header bounds %r, metadata %r" % (h["bounds"], meta["bounds"]))
    # the Karabakh regions: 44.76-50.62 E, 38.39-41.92 N
    check(44 < h["bounds"][0] < 45 and 38 < h["bounds"][1] < 39 and 50 < h["bounds"][2] < 51
          and 41 < h["bounds"][3] < 42, "bounds %r" % h["bounds"])
    ents = pmt.entries(b, h)
    check(len(ents) == h["tile_entries"], "%d entries, header says %d" % (len(ents), h["tile_entries"]))
    check(sum(e[3] for e in ents) == h["addressed_tiles"], "addressed tiles")
    check(len({e[1] for e in ents}) == h["tile_contents"], "tile contents")
    tiles = pmt.tiles(b)
    check(set(z for z, _, _ in tiles) == set(range(h["min_zoom"], h["max_zoom"] + 1)), "zoom levels of the tiles")
    check((0, 0, 0) in tiles, "no tile 0/0/0")
    for (z, x, y), data in sorted(tiles.items()):
        if z > 6 and (x + y) % 5:  # every tile to z6, a fifth of the deeper ones
            continue
        layers = decode(tmp, z, x, y, data)
        check("control" in layers and layers["control"], "tile %d/%d/%d has no control feature" % (z, x, y))


@test("pmtiles: the pieces shown at each date have the snapshot's holders at representative points")
def _(tmp):
    b = karabakh_pmtiles(tmp)
    h = pmt.header(b)
    tiles = pmt.tiles(b)
    z = h["max_zoom"]
    decoded = {}
    checked = 0
    for date in DATES:
        d = day(date)
        for f in snapshot(KARABAKH, date, tmp)["features"]:
            g = shape(f["geometry"])
            if g.area < 1e-4:  # slivers narrower than the tile grid
                continue
            p = g.representative_point()
            x, y = tile_of(p.x, p.y, z)
            check((z, x, y) in tiles, "%s: no tile %d/%d/%d" % (f["properties"]["region"], z, x, y))
            if (z, x, y) not in decoded:
                decoded[(z, x, y)] = decode(tmp, z, x, y, tiles[(z, x, y)])
            pm = Point(*TO_MERC.transform(p.x, p.y))
            hit = [props for props, geom in decoded[(z, x, y)]["control"]
                   if props["valid_from_day"] <= d < props["valid_to_day"] and geom is not None
                   and geom.buffer(1).contains(pm)]
            holders = {props["holder"] for props in hit}
            want = f["properties"]["holder"]
            if f["properties"].get("contested"):
                want = "contested:" + f["properties"]["contested"].replace(";", "+")
            check(holders == {want}, "%s on %s at %.5f,%.5f: tiles show %r, the snapshot %r"
                  % (f["properties"]["region"], date, p.y, p.x, sorted(holders), want))
            checked += 1
    check(checked > 300, "only %d points checked" % checked)


def shipped_place(name):
    with open(os.path.join(KARABAKH, "places.geojson")) as f:
        for ft in json.load(f)["features"]:
            if ft["properties"]["NAME"] == name:
                return ft
    raise AssertionError("no %s in places.geojson" % name)


@test("pmtiles: the places layer has Stepanakert at every zoom, named as in places.geojson, within a unit")
def _(tmp):
    b = karabakh_pmtiles(tmp)
    h = pmt.header(b)
    meta = json.loads(gzip.decompress(b[h["metadata_offset"]:h["metadata_offset"] + h["metadata_length"]]))
    pl = [v for v in meta["vector_layers"] if v["id"] == "places"]
    check(len(pl) == 1 and pl[0]["fields"] == {"name": "String", "pop_max": "Number", "scalerank": "Number",
                                               "holder": "String", "holder_name": "String"},
          "places in vector_layers: %r" % pl)
    ft = shipped_place("Stepanakert")
    lon, lat = ft["geometry"]["coordinates"]
    want = Point(*TO_MERC.transform(lon, lat))
    tiles = pmt.tiles(b)
    for z in range(h["min_zoom"], h["max_zoom"] + 1):
        x, y = tile_of(lon, lat, z)
        check((z, x, y) in tiles, "no tile %d/%d/%d" % (z, x, y))
        got = [(p, g) for p, g in decode(tmp, z, x, y, tiles[(z, x, y)]).get("places", [])
               if p.get("name") == "Stepanakert"]
        check(len(got) == 1, "z%d: %d places named Stepanakert in tile %d/%d/%d" % (z, len(got), z, x, y))
        p, g = got[0]
        unit = 2 * 20037508.342789244 / (1 << z) / 4096
        check(g.geom_type == "Point" and g.distance(want) <= unit,
              "z%d: Stepanakert at %r, %.1f units from %r" % (z, g.wkt, g.distance(want) / unit, want.wkt))
        check(p.get("pop_max") == ft["properties"]["POP_MAX"] and p.get("scalerank") == ft["properties"]["SCALERANK"],
              "z%d: fields %r" % (z, p))
        check("holder" not in p, "the whole history's places have no holder: %r" % p)
        # one feature per place: the tiles around it do not repeat it
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            n = tiles.get((z, x + dx, y + dy))
            if n and z >= 3:
                near = [q for q, _ in decode(tmp, z, x + dx, y + dy, n).get("places", [])
                        if q.get("name") == "Stepanakert"]
                check(not near, "z%d: Stepanakert repeated in tile %d/%d/%d" % (z, z, x + dx, y + dy))
    # Ashtarak (44.36 E) lies west of the regions' bounds: in no tile
    for (z, x, y), data in tiles.items():
        if z == h["max_zoom"] - 2:
            names = [q.get("name") for q, _ in decode(tmp, z, x, y, data).get("places", [])]
            check("Ashtarak" not in names, "Ashtarak, outside the bounds, in tile %d/%d/%d" % (z, x, y))


@test("a tracker without places.geojson: no places layer in any tile nor in vector_layers")
def _(tmp):
    t = copy_karabakh(tmp)
    os.unlink(os.path.join(t, "places.geojson"))
    path = os.path.join(tmp, "np.pmtiles")
    run_ok(["-d", t, "export", "-o", path, "--maxzoom", "6"], tmp)
    with open(path, "rb") as f:
        b = f.read()
    h = pmt.header(b)
    meta = json.loads(gzip.decompress(b[h["metadata_offset"]:h["metadata_offset"] + h["metadata_length"]]))
    check([v["id"] for v in meta["vector_layers"]] == ["control", "zones"], "vector_layers %r" % meta["vector_layers"])
    tiles = pmt.tiles(b)
    for (z, x, y), data in tiles.items():
        check("places" not in decode(tmp, z, x, y, data), "tile %d/%d/%d has a places layer" % (z, x, y))
    check(len(tiles) > 5, "%d tiles" % len(tiles))
    mb = os.path.join(tmp, "np.mbtiles")
    run_ok(["-d", t, "export", "-o", mb, "--maxzoom", "4"], tmp)
    db = sqlite3.connect(mb)
    layers = [v["id"] for v in json.loads(dict(db.execute("SELECT name, value FROM metadata"))["json"])["vector_layers"]]
    db.close()
    check(layers == ["control", "zones"], "mbtiles vector_layers %r" % layers)


@test("places with fractional POP_MAX: numbers kept as doubles, each its own (not merged in the tile)")
def _(tmp):
    t = copy_karabakh(tmp)
    p = os.path.join(t, "places.geojson")
    with open(p) as f:
        fc = json.load(f)
    vals = {"Stepanakert": 57473.5, "Ganca": 4064.25}
    for ft in fc["features"]:
        if ft["properties"]["NAME"] in vals:
            ft["properties"]["POP_MAX"] = vals[ft["properties"]["NAME"]]
    with open(p, "w") as f:
        json.dump(fc, f)
    path = os.path.join(tmp, "frac.pmtiles")
    run_ok(["-d", t, "export", "-o", path, "--maxzoom", "5"], tmp)
    with open(path, "rb") as f:
        tiles = pmt.tiles(f.read())
    x, y = tile_of(46.75, 39.8, 5)
    got = {q["name"]: q.get("pop_max") for q, _ in decode(tmp, 5, x, y, tiles[(5, x, y)]).get("places", [])
           if q.get("name") in vals}
    check(got == vals, "pop_max in tile 5/%d/%d: %r, want %r" % (x, y, got, vals))


@test("mbtiles: GDAL's MBTiles driver opens it; metadata, TMS rows and the tiles equal the pmtiles'")
def _(tmp):
    pm = pmt.tiles(karabakh_pmtiles(tmp))
    path = os.path.join(tmp, "k.mbtiles")
    run_ok(["-d", KARABAKH, "export", "-o", path], tmp)
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    check(ds.GetDriver().ShortName == "MBTiles", "opened by %s" % ds.GetDriver().ShortName)
    names = sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount()))
    check(names == ["control", "places", "zones"], "layers %r" % names)
    check(ds.GetLayerByName("control").GetFeatureCount() > 0, "GDAL reads no control feature")
    ds = None
    db = sqlite3.connect(path)
    meta = dict(db.execute("SELECT name, value FROM metadata"))
    check(meta["format"] == "pbf", "format %r" % meta.get("format"))
    check([v["id"] for v in json.loads(meta["json"])["vector_layers"]] == ["control", "zones", "places"],
          "json %r" % meta["json"])
    for k in ("name", "bounds", "center", "minzoom", "maxzoom", "attribution"):
        check(k in meta, "metadata lacks %s" % k)
    rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    check(len(rows) == len(pm), "%d tiles, the pmtiles has %d" % (len(rows), len(pm)))
    for z, x, row, data in rows:
        y = (1 << z) - 1 - row
        check(gzip.decompress(data) == pm.get((z, x, y)), "tile %d/%d/%d differs from the pmtiles'" % (z, x, y))
    idx = [r[1] for r in db.execute("PRAGMA index_list(tiles)")]
    check("tile_index" in idx, "no tile_index: %r" % idx)
    db.close()


@test("--minzoom 2 --maxzoom 5: the header and the tiles have exactly those zooms; --minzoom alone")
def _(tmp):
    b = export(tmp, extra=["--minzoom", "2", "--maxzoom", "5"])
    h = pmt.header(b)
    check((h["min_zoom"], h["max_zoom"]) == (2, 5), "zooms %d-%d" % (h["min_zoom"], h["max_zoom"]))
    check({z for z, _, _ in pmt.tiles(b)} == {2, 3, 4, 5}, "tile zooms")
    b = export(tmp, "m.pmtiles", extra=["-f", "PMTiles", "--maxzoom", "3"])
    check(pmt.header(b)["max_zoom"] == 3 and pmt.header(b)["min_zoom"] == 0, "-f PMTiles --maxzoom 3")
    auto = pmt.header(karabakh_pmtiles(tmp))["max_zoom"]
    h = pmt.header(export(tmp, "n.pmtiles", extra=["--minzoom", "3"]))
    check((h["min_zoom"], h["max_zoom"]) == (3, auto), "--minzoom 3 alone: zooms %d-%d, expected 3-%d (chosen)"
          % (h["min_zoom"], h["max_zoom"], auto))


@test("bad zoom values, tile options with other formats, filters: exit 2 naming the option, nothing written")
def _(tmp):
    before = tree_bytes(tmp)
    for args, want in ((["--maxzoom", "25"], "--maxzoom 25"), (["--minzoom", "x"], "--minzoom x"),
                       (["--minzoom", "-1"], "--minzoom -1"), (["--minzoom", "6", "--maxzoom", "3"], "--minzoom 6"),
                       (["--as-of", "2021-01-01"], "--as-of"), (["--status", "confirmed"], "--status")):
        run_fail(["-d", KARABAKH, "export", "-o", os.path.join(tmp, "k.pmtiles")] + args, tmp, [want], code=2)
    run_fail(["-d", KARABAKH, "export", "-o", os.path.join(tmp, "k.gpkg"), "--maxzoom", "5"], tmp,
             ["--maxzoom", ".pmtiles"], code=2)
    run_fail(["-d", KARABAKH, "export", "--site", os.path.join(tmp, "s"), "-o", "k.pmtiles"], tmp,
             ["--site and -o"], code=2)
    check(tree_bytes(tmp) == before, "files written")


@test("unwritable target, a folder in the way, an unknown extension: a clear error, nothing written")
def _(tmp):
    os.makedirs(os.path.join(tmp, "k.pmtiles"))
    os.makedirs(os.path.join(tmp, "k.mbtiles"))
    before = tree_bytes(tmp)
    for name in ("k.pmtiles", "k.mbtiles"):
        run_fail(["-d", KARABAKH, "export", "-o", os.path.join(tmp, name)], tmp, [name, "directory"])
        run_fail(["-d", KARABAKH, "export", "-o", os.path.join(tmp, "no", "such", name)], tmp,
                 [os.path.join("no", "such", name), "cannot write"])
    run_fail(["-d", KARABAKH, "export", "-o", os.path.join(tmp, "k.pmtile")], tmp, ["k.pmtile"])
    check(tree_bytes(tmp) == before, "files written")


@test("a tracker with a bad row: names file:line, no tile file written")
def _(tmp):
    t = copy_karabakh(tmp)
    path = os.path.join(t, "events.csv")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[3] = lines[3].replace(",AM,AZ,", ",XX,AZ,", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    before = tree_bytes(tmp)
    run_fail(["-d", t, "export", "-o", os.path.join(tmp, "k.pmtiles")], tmp, ["events.csv:4", "unknown actor 'XX'"])
    run_fail(["-d", t, "export", "--site", os.path.join(tmp, "site")], tmp, ["events.csv:4"])
    check(tree_bytes(tmp) == before, "files written")


@test("--site DIR: an existing non-empty folder or an unwritable parent is refused, nothing written")
def _(tmp):
    full = os.path.join(tmp, "full")
    os.makedirs(full)
    with open(os.path.join(full, "keep.txt"), "w") as f:
        f.write("mine")
    before = tree_bytes(tmp)
    run_fail(["-d", KARABAKH, "export", "--site", full], tmp, [full, "not an empty folder"])
    run_fail(["-d", KARABAKH, "export", "--site", os.path.join(tmp, "no", "such", "site")], tmp,
             [os.path.join("no", "such", "site"), "cannot write"])
    check(tree_bytes(tmp) == before, "files written")


@test("--site DIR: index.html, the tiles, site.json (actors, days of change), the scripts")
def _(tmp):
    site = os.path.join(tmp, "site")
    vendor = os.path.join(os.path.dirname(KARABAKH), "..", "share", "site", "vendor", "node_modules")
    if not os.path.isdir(vendor):
        run_fail(["-d", KARABAKH, "export", "--site", site], tmp, ["protomaps-leaflet", "setup.sh"])
        check(not os.path.exists(site), "a site was written")
        return
    run_ok(["-d", KARABAKH, "export", "--site", site], tmp)
    for name in ("index.html", "site.js", "site.css", "site.json", "control.pmtiles", "protomaps-leaflet.js",
                 "leaflet/leaflet.js", "leaflet/leaflet.css"):
        check(os.path.isfile(os.path.join(site, name)), "no %s" % name)
    with open(os.path.join(site, "site.json"), encoding="utf-8") as f:
        s = json.load(f)
    check({a["id"]: a["color"] for a in s["actors"]}.get("AZ") == "#0092bc", "actors %r" % s["actors"])
    check("2020-11-25" in s["stops"] and "2020-11-24" not in s["stops"] and s["stops"] == sorted(s["stops"]),
          "stops %r" % s["stops"])
    with open(os.path.join(site, "control.pmtiles"), "rb") as f:
        h = pmt.header(f.read())
    check(s["maxzoom"] == h["max_zoom"] and s["bounds"] == [round(v, 7) for v in h["bounds"]], "site.json %r" % s)
    check(not [n for n in os.listdir(tmp) if ".tmp-" in n], "a temporary folder was left")


if __name__ == "__main__":
    sys.exit(main("fl-tilefile-"))
