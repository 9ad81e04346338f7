#!/usr/bin/python3
"""Build the base map's countries.geojson (Armenia and Azerbaijan outlines).

Usage:
    /usr/bin/python3 geodata/basemap/build_basemap.py [GEOBOUNDARIES_DIR]

GEOBOUNDARIES_DIR defaults to <repo>/../shared/data/geoboundaries, resolved from this
script's location. Writes countries.geojson next to this script:

  ARM  geoBoundaries gbOpen ARM ADM0 (simplified), copied unchanged except for ring
       orientation. ODbL 1.0, (c) OpenStreetMap contributors.
  AZE  union of the geoBoundaries gbOpen AZE ADM2 (simplified) polygons (the AZE ADM0
       file is not available). CC BY-SA 3.0 Unported, source Wikipedia contributors.

Output: RFC 7946 FeatureCollection (no crs), exterior rings counter-clockwise, valid
geometries. Needs shapely and pyproj (Debian's /usr/bin/python3 has both).
"""

import json
import os
import sys
from collections import OrderedDict

import pyproj
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DIR = os.path.join(os.path.dirname(REPO), "shared", "data", "geoboundaries")
ARM_FILE = "geoBoundaries-ARM-ADM0_simplified.geojson"
AZE_FILE = "geoBoundaries-AZE-ADM2_simplified.geojson"

GEOD = pyproj.Geod(ellps="WGS84")


def polygons_of(geom):
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    raise ValueError("unexpected geometry type %s" % geom.geom_type)


def oriented(geom):
    parts = [orient(p, sign=1.0) for p in polygons_of(geom)]
    return parts[0] if isinstance(geom, Polygon) else MultiPolygon(parts)


def geojson_geometry(geom):
    def lists(x):
        if isinstance(x, (list, tuple)):
            if x and isinstance(x[0], (int, float)):
                return [float(v) for v in x]
            return [lists(v) for v in x]
        return x

    m = mapping(geom)
    return {"type": m["type"], "coordinates": lists(m["coordinates"])}


def km2(geom):
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def load(directory, name):
    path = os.path.join(directory, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("build_basemap.py: cannot read %s: %s" % (path, e))


def feature(iso, name, source, licence, geom):
    props = OrderedDict(
        [("iso", iso), ("name", name), ("source", source), ("licence", licence)]
    )
    return OrderedDict(
        [("type", "Feature"), ("properties", props), ("geometry", geojson_geometry(geom))]
    )


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        sys.stderr.write(__doc__)
        return 2
    directory = argv[1] if len(argv) == 2 else DEFAULT_DIR

    arm_src = load(directory, ARM_FILE)
    if len(arm_src["features"]) != 1:
        raise SystemExit("expected one feature in %s" % ARM_FILE)
    arm_feat = arm_src["features"][0]
    arm = oriented(shape(arm_feat["geometry"]))

    aze_src = load(directory, AZE_FILE)
    aze = oriented(unary_union([shape(f["geometry"]) for f in aze_src["features"]]))

    ok = True
    for iso, g in (("ARM", arm), ("AZE", aze)):
        holes = sum(len(p.interiors) for p in polygons_of(g))
        print(
            "%s: %s, %d parts, %d holes, valid %s, %.1f km2"
            % (iso, g.geom_type, len(polygons_of(g)), holes, g.is_valid, km2(g))
        )
        ok = ok and g.is_valid
    overlap = arm.intersection(aze)
    print(
        "ARM/AZE outline overlap (different sources, not edge-matched): %.2f km2"
        % (km2(overlap) if not overlap.is_empty and overlap.area > 0 else 0.0)
    )

    features = [
        feature(
            "ARM",
            arm_feat["properties"]["shapeName"],
            "geoBoundaries gbOpen ARM ADM0 %s (Runfola et al.); source: OpenStreetMap, "
            "(c) OpenStreetMap contributors" % arm_feat["properties"]["shapeID"],
            "ODbL 1.0",
            arm,
        ),
        feature(
            "AZE",
            "Azerbaijan",
            "union of the %d features of geoBoundaries gbOpen AZE ADM2 (AZE-ADM2-54616110, "
            "Runfola et al.); source: Wikipedia contributors" % len(aze_src["features"]),
            "CC BY-SA 3.0",
            aze,
        ),
    ]
    out_path = os.path.join(HERE, "countries.geojson")
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        out.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        out.write("\n]}\n")
    print("wrote %s" % os.path.relpath(out_path))
    if not ok:
        print("SOME CHECKS FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
