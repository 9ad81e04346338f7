#!/usr/bin/python3
"""Cut the Natural Earth base map that frontline draws behind its maps.

Usage:
    /usr/bin/python3 geodata/basemap/build_basemap.py [NATURALEARTH_DIR]

NATURALEARTH_DIR defaults to <repo>/../shared/data/naturalearth (read its SOURCE.md).
Writes, next to this script, one FlatGeobuf file per layer (with its packed R-tree
spatial index, so that a reader's spatial filter reads only the features in its
frame), with the fields
frontline uses and coordinates rounded to 1e-4 degree (about 11 m, far below the
1:50m data's own accuracy of about 1 km); every feature of the source is kept:

  countries.fgb      ne_50m_admin_0_countries: NAME, NAME_LONG, ADM0_A3, ISO_A3
  land.fgb           ne_50m_land: scalerank
  lakes.fgb          ne_50m_lakes: name, scalerank
  rivers.fgb         ne_50m_rivers_lake_centerlines: name, scalerank
  admin1.fgb         ne_50m_admin_1_states_provinces: name, adm0_a3, iso_3166_2
  places.fgb         ne_10m_populated_places: NAME, NAMEALT, NAME_EN, NAME_RU,
                     FEATURECLA, SCALERANK, LABELRANK, POP_MAX, ADM0NAME, ADM0_A3,
                     ADM1NAME, GEONAMEID, wikidataid

Natural Earth is public domain (CC0); credit "Made with Natural Earth." Needs only
the Python standard library and GDAL's ogr2ogr (gdal-bin): each layer is written
as GeoJSON to a temporary file and converted with
`ogr2ogr -f FlatGeobuf -lco SPATIAL_INDEX=YES`.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DIR = os.path.join(os.path.dirname(REPO), "shared", "data", "naturalearth")

LAYERS = [
    ("countries", "ne_50m_admin_0_countries.geojson", ["NAME", "NAME_LONG", "ADM0_A3", "ISO_A3"]),
    ("land", "ne_50m_land.geojson", ["scalerank"]),
    ("lakes", "ne_50m_lakes.geojson", ["name", "scalerank"]),
    ("rivers", "ne_50m_rivers_lake_centerlines.geojson", ["name", "scalerank"]),
    ("admin1", "ne_50m_admin_1_states_provinces.geojson", ["name", "adm0_a3", "iso_3166_2"]),
    ("places", "ne_10m_populated_places.geojson",
     ["NAME", "NAMEALT", "NAME_EN", "NAME_RU", "FEATURECLA", "SCALERANK", "LABELRANK", "POP_MAX",
      "ADM0NAME", "ADM0_A3", "ADM1NAME", "GEONAMEID", "wikidataid"]),
]


def rounded(coords):
    """Round a position list (any nesting) to 1e-4 and drop repeated positions."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    out = [rounded(c) for c in coords]
    if out and isinstance(out[0], list) and out[0] and isinstance(out[0][0], float):
        kept = [out[0]]
        for p in out[1:]:
            if p != kept[-1]:
                kept.append(p)
        out = kept
    return out


def ring_ok(ring):
    return len(ring) >= 4


def clean(geom):
    t = geom["type"]
    c = rounded(geom["coordinates"])
    if t == "Polygon":
        c = [r for r in c if ring_ok(r)]
        return {"type": t, "coordinates": c} if c else None
    if t == "MultiPolygon":
        c = [[r for r in p if ring_ok(r)] for p in c]
        c = [p for p in c if p and ring_ok(p[0])]
        return {"type": t, "coordinates": c} if c else None
    if t in ("LineString", "MultiLineString", "Point"):
        return {"type": t, "coordinates": c}
    raise ValueError("unexpected geometry type " + t)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    for name, fname, fields in LAYERS:
        with open(os.path.join(src, fname), encoding="utf-8") as f:
            data = json.load(f)
        feats = []
        for feat in data["features"]:
            geom = clean(feat["geometry"]) if feat.get("geometry") else None
            if geom is None:
                continue
            props = {k: feat["properties"].get(k) for k in fields}
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
        out = {"type": "FeatureCollection", "name": name, "features": feats}
        path = os.path.join(HERE, name + ".fgb")
        tmp_json = path + ".tmp.geojson"
        tmp_fgb = path + ".tmp.fgb"
        with open(tmp_json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        if os.path.exists(tmp_fgb):
            os.remove(tmp_fgb)
        subprocess.run(["ogr2ogr", "-f", "FlatGeobuf", "-lco", "SPATIAL_INDEX=YES", "-nln", name,
                        tmp_fgb, tmp_json], check=True)
        os.remove(tmp_json)
        os.replace(tmp_fgb, path)
        print("%s: %d features" % (path, len(feats)))


if __name__ == "__main__":
    main()
