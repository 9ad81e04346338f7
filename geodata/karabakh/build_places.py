#!/usr/bin/python3
"""Build the Karabakh tracker's places.geojson.

Usage:
    /usr/bin/python3 geodata/karabakh/build_places.py [NATURALEARTH_DIR_OR_FILE]

NATURALEARTH_DIR_OR_FILE is the folder holding ne_10m_populated_places.geojson (or
that file itself). By default it is <repo>/../shared/data/naturalearth, resolved from
this script's location.

Writes, next to this script:
  places.geojson  the Natural Earth populated places of Azerbaijan and Armenia
                  (ADM0_A3 AZE or ARM, as Natural Earth assigns them), in the source's
                  order, with the source fields listed in FIELDS; coordinates and
                  values are copied unchanged.

Licence of the output: public domain (CC0), like the source (Natural Earth; "Made with
Natural Earth"). See README.md.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DIR = os.path.join(os.path.dirname(REPO), "shared", "data", "naturalearth")
SOURCE_NAME = "ne_10m_populated_places.geojson"
COUNTRIES = ("AZE", "ARM")
# The source fields kept: names (Natural Earth's own, its alternative and ASCII forms,
# English and Russian), the country and province as Natural Earth assigns them, the
# kind of place, rank and population estimates, and the identifiers that name the
# place elsewhere (GeoNames, Wikidata, Who's On First).
FIELDS = ("NAME", "NAMEASCII", "NAMEALT", "NAME_EN", "NAME_RU", "ADM0_A3", "ADM0NAME",
          "ADM1NAME", "FEATURECLA", "SCALERANK", "POP_MAX", "POP_MIN", "GEONAMEID",
          "wikidataid", "wof_id")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    if os.path.isdir(src):
        src = os.path.join(src, SOURCE_NAME)
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for feat in doc["features"]:
        p = feat["properties"]
        if p.get("ADM0_A3") not in COUNTRIES:
            continue
        missing = [k for k in FIELDS if k not in p]
        if missing:
            sys.exit("%s: feature %s lacks %s" % (src, p.get("NAME"), ", ".join(missing)))
        g = feat["geometry"]
        if not g or g["type"] != "Point":
            sys.exit("%s: feature %s is not a point" % (src, p.get("NAME")))
        out.append({"type": "Feature",
                    "properties": {k: p[k] for k in FIELDS},
                    "geometry": g})
    path = os.path.join(HERE, "places.geojson")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n"type": "FeatureCollection",\n"name": "places",\n"features": [\n')
        f.write(",\n".join(json.dumps(x, ensure_ascii=False) for x in out))
        f.write("\n]\n}\n")
    print("%s: %d places (%s)" % (path, len(out),
                                   ", ".join("%s %d" % (c, sum(x["properties"]["ADM0_A3"] == c
                                                               for x in out))
                                             for c in COUNTRIES)))


if __name__ == "__main__":
    main()
