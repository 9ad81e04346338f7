#!/usr/bin/python3
"""Build the Karabakh tracker's regions.geojson and zones.geojson.

Usage:
    /usr/bin/python3 geodata/karabakh/build_regions.py [GEOBOUNDARIES_DIR_OR_FILE]

GEOBOUNDARIES_DIR_OR_FILE is the folder holding
geoBoundaries-AZE-ADM2_simplified.geojson (or that file itself). By default it is
<repo>/../shared/data/geoboundaries, resolved from this script's location.

Writes, next to this script:
  regions.geojson  one feature per district/city of Azerbaijan (geoBoundaries gbOpen
                   AZE ADM2, simplified); the two "Lankaran District" features become
                   one region `lankaran`. Coordinates are copied unchanged; only ring
                   orientation is fixed to RFC 7946 (exterior counter-clockwise).
  zones.geojson    the Russian peacekeeping zone and the Joint Russian-Turkish
                   Monitoring Centre, both approximate (see README.md).

Needs shapely and pyproj (Debian's /usr/bin/python3 has both).

Licence of the outputs: CC BY-SA 3.0 Unported, like the source (geoBoundaries gbOpen
AZE ADM2, Runfola et al.; source: Wikipedia contributors). See README.md.
"""

import json
import os
import re
import sys
from collections import OrderedDict

import pyproj
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DIR = os.path.join(os.path.dirname(REPO), "shared", "data", "geoboundaries")
SOURCE_NAME = "geoBoundaries-AZE-ADM2_simplified.geojson"

# Alternative names, from the table "Names used by each side" in
# shared/docs/karabakh-timeline.md. Both sides' names are kept; the tool picks none.
ALT_NAMES = {
    "kalbajar": "Karvachar;Kelbadzhar",
    "lachin": "Berdzor",
    "khankendi-city": "Stepanakert",
    "shusha-city": "Shushi",
    "shusha": "Shushi",
    "khojaly": "Ivanyan;Askeran",
    "khojavend": "Martuni;Hadrut",
    "agdam": "Aghdam;Akna",
    "fuzuli": "Varanda",
    "jabrayil": "Jrakan;Mekhakavan",
    "qubadli": "Gubadli;Sanasar",
    "zangilan": "Kovsakan",
    "tartar": "Martakert (northern part)",
}

# Geodesic areas given in shared/data/geoboundaries/SOURCE.md, km2, for the check.
EXPECTED_KM2 = {"kalbajar": 2860.7, "agdam": 1045.5, "lachin": 1787.4}

# Regions the Armenian side still held after 2020-12-01 (events.csv); the Russian
# peacekeepers deployed there. Used as the approximate peacekeeping zone.
RU_PK_REGIONS = ["khankendi-city", "khojaly", "khojavend"]

GEOD = pyproj.Geod(ellps="WGS84")


def slug(shape_name):
    """"Kalbajar District" -> kalbajar, "Shusha City" -> shusha-city."""
    name = shape_name
    if name.endswith(" District"):
        name = name[: -len(" District")]
    elif name.endswith(" City"):
        name = name[: -len(" City")] + " city"
    s = name.lower().replace(" ", "-")
    return re.sub(r"[^a-z0-9-]", "", s)


def kind_of(shape_name):
    if shape_name.endswith(" City"):
        return "city"
    if shape_name.endswith(" District"):
        return "district"
    raise ValueError("neither district nor city: %r" % shape_name)


def polygons_of(geom):
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    raise ValueError("unexpected geometry type %s" % geom.geom_type)


def oriented(geom):
    """RFC 7946 ring orientation: exterior CCW, holes CW. Coordinates unchanged."""
    parts = [orient(p, sign=1.0) for p in polygons_of(geom)]
    if isinstance(geom, Polygon):
        return parts[0]
    return MultiPolygon(parts)


def geojson_geometry(geom):
    """shapely -> GeoJSON dict with lists (json keeps full float precision)."""

    def lists(x):
        if isinstance(x, (list, tuple)):
            if x and isinstance(x[0], (int, float)):
                return [float(v) for v in x]
            return [lists(v) for v in x]
        return x

    m = mapping(geom)
    return {"type": m["type"], "coordinates": lists(m["coordinates"])}


def km2(geom):
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def write_collection(path, features):
    """One feature per line, compact, UTF-8, no crs member (RFC 7946)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for i, feat in enumerate(features):
            out.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
            out.write(",\n" if i + 1 < len(features) else "\n")
        out.write("]}\n")


def load_source(arg):
    path = arg or DEFAULT_DIR
    if os.path.isdir(path):
        path = os.path.join(path, SOURCE_NAME)
    try:
        with open(path, encoding="utf-8") as f:
            return path, json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("build_regions.py: cannot read %s: %s" % (path, e))


def build_regions(src):
    groups = OrderedDict()  # id -> list of source features, in source order
    for feat in src["features"]:
        props = feat["properties"]
        rid = slug(props["shapeName"])
        groups.setdefault(rid, []).append(feat)

    regions = []
    for rid, feats in groups.items():
        names = {f["properties"]["shapeName"] for f in feats}
        if len(names) != 1:
            raise SystemExit("id %s from different names %s" % (rid, sorted(names)))
        name = feats[0]["properties"]["shapeName"]
        geoms = [shape(f["geometry"]) for f in feats]
        if len(feats) == 1:
            geom = geoms[0]
        else:
            if name != "Lankaran District":
                raise SystemExit("unexpected duplicate name %r" % name)
            # Two features are the two parts of one district. Union them if they
            # share an edge; otherwise keep all parts as one MultiPolygon with the
            # source coordinates untouched.
            shares_edge = any(
                a.intersection(b).length > 0
                for i, a in enumerate(geoms)
                for b in geoms[i + 1 :]
            )
            if shares_edge:
                geom = unary_union(geoms)
            else:
                parts = [p for g in geoms for p in polygons_of(g)]
                geom = MultiPolygon(parts)
            print(
                "merged %d source features %r into %s (%s, %d parts, shared edge: %s)"
                % (len(feats), name, rid, geom.geom_type, len(polygons_of(geom)), shares_edge)
            )
        geom = oriented(geom)
        if not geom.is_valid:
            raise SystemExit("invalid geometry for %s" % rid)
        props = OrderedDict()
        props["id"] = rid
        props["name"] = name
        props["alt_names"] = ALT_NAMES.get(rid, "")
        props["kind"] = kind_of(name)
        props["parent"] = "AZE"
        props["source_id"] = ";".join(f["properties"]["shapeID"] for f in feats)
        regions.append((rid, geom, props))

    unknown = set(ALT_NAMES) - set(groups)
    if unknown:
        raise SystemExit("alt names for unknown regions: %s" % sorted(unknown))
    return regions


def check_regions(src, regions):
    ok = True
    n_src = len(src["features"])
    print("source features: %d, regions: %d" % (n_src, len(regions)))
    if len(regions) != 78 or n_src != 79:
        print("CHECK FAILED: expected 79 source features and 78 regions")
        ok = False

    invalid = [rid for rid, g, _ in regions if not g.is_valid]
    print("valid geometries: %d/%d" % (len(regions) - len(invalid), len(regions)))
    if invalid:
        print("CHECK FAILED: invalid:", invalid)
        ok = False

    bad_orient = []
    for rid, g, _ in regions:
        for p in polygons_of(g):
            if not p.exterior.is_ccw or any(r.is_ccw for r in p.interiors):
                bad_orient.append(rid)
    print("RFC 7946 orientation (exterior CCW, holes CW): %s" % ("ok" if not bad_orient else bad_orient))
    ok = ok and not bad_orient

    overlaps = []
    pairs = 0
    for i in range(len(regions)):
        for j in range(i + 1, len(regions)):
            pairs += 1
            a, b = regions[i][1], regions[j][1]
            area = a.intersection(b).area
            if area >= 1e-12:
                overlaps.append((regions[i][0], regions[j][0], area))
    print("pairs checked for interior overlap: %d, overlapping (area >= 1e-12 deg2): %d" % (pairs, len(overlaps)))
    for o in overlaps:
        print("  CHECK FAILED: %s / %s overlap %.3g deg2" % o)
    ok = ok and not overlaps

    # Coordinates must be the source's (only ring order may differ).
    src_coords = {}
    for feat in src["features"]:
        rid = slug(feat["properties"]["shapeName"])
        for p in polygons_of(shape(feat["geometry"])):
            src_coords.setdefault(rid, set()).update(p.exterior.coords)
            for r in p.interiors:
                src_coords[rid].update(r.coords)
    changed = []
    for rid, g, _ in regions:
        coords = set()
        for p in polygons_of(g):
            coords.update(p.exterior.coords)
            for r in p.interiors:
                coords.update(r.coords)
        if coords != src_coords[rid]:
            changed.append(rid)
    print("coordinates identical to source: %s" % ("yes" if not changed else "NO: %s" % changed))
    ok = ok and not changed

    by_id = {rid: g for rid, g, _ in regions}
    print("geodesic areas (pyproj Geod WGS84) vs SOURCE.md:")
    for rid, expected in EXPECTED_KM2.items():
        got = km2(by_id[rid])
        match = abs(got - expected) < 0.05 + 1e-9
        print("  %-9s %9.1f km2  (SOURCE.md %9.1f)  %s" % (rid, got, expected, "ok" if match else "MISMATCH"))
        ok = ok and match
    return ok


def build_zones(regions):
    by_id = {rid: g for rid, g, _ in regions}

    pk = unary_union([by_id[r] for r in RU_PK_REGIONS])
    pk = oriented(pk)
    if not pk.is_valid:
        raise SystemExit("invalid peacekeeping zone geometry")

    agdam = by_id["agdam"]
    rp = agdam.representative_point()
    jmc = Point(round(rp.x, 5), round(rp.y, 5))
    if not agdam.contains(jmc):
        raise SystemExit("rounded JMC point fell outside agdam")

    def zone(zid, name, actor, kind, valid_from, valid_to, source, note, approximate, geom):
        props = OrderedDict()
        props["id"] = zid
        props["name"] = name
        props["actor"] = actor
        props["kind"] = kind
        props["valid_from"] = valid_from
        props["valid_to"] = valid_to
        props["source"] = source
        props["note"] = note
        props["approximate"] = approximate
        return OrderedDict(
            [("type", "Feature"), ("properties", props), ("geometry", geojson_geometry(geom))]
        )

    zones = [
        zone(
            "ru-pk-zone",
            "Russian peacekeeping zone",
            "RU-PK",
            "peacekeeping",
            "2020-11-10",
            "2024-06-12",
            "trilateral statement of 2020-11-10, in force 2020-11-10 00:00 Moscow time "
            "(text of the statement, Russian MFA, 2020-11-10); withdrawal completed "
            "about 2024-06-12 (reporting of June 2024)",
            "Approximate. The real zone (along the line of contact and the Lachin corridor; "
            "1,960 troops) has no polygon in the sources, so the zone is drawn as the districts "
            "where the peacekeepers deployed: the union of the regions the Armenian side still "
            "held after 2020-12-01 (" + ", ".join(RU_PK_REGIONS) + "). The Lachin corridor is "
            "not drawn. valid_to is approximate (withdrawal completed about 2024-06-12).",
            True,
            pk,
        ),
        zone(
            "jmc",
            "Joint Russian-Turkish Monitoring Centre",
            "TR-RU-JMC",
            "monitoring",
            "2021-01-30",
            "2024-04-26",
            "opening: nationalpost.com / Reuters 2021-01-30; hyetert.org 2021-01-30; "
            "closure: armenpress.am 2024-04-18 (Turkey announced the end of its activity); newsam.com",
            "Approximate location: the source gives only \"near Qiyamaddinli, Aghdam district\"; "
            "the point is placed at a point inside Agdam district (shapely representative_point of "
            "the agdam region, rounded to 5 decimals), not at the facility. valid_to is approximate "
            "(closure about 2024-04-26). Memorandum signed 2020-11-11 (hyetert.org 2021-01-30; "
            "regionalpost.org); up to 60 servicemen from each country.",
            True,
            jmc,
        ),
    ]
    print(
        "zones: ru-pk-zone %s (%d parts, valid %s, %.1f km2); jmc point (%s, %s) inside agdam: %s"
        % (
            pk.geom_type,
            len(polygons_of(pk)),
            pk.is_valid,
            km2(pk),
            jmc.x,
            jmc.y,
            agdam.contains(jmc),
        )
    )
    return zones


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        sys.stderr.write(__doc__)
        return 2
    path, src = load_source(argv[1] if len(argv) == 2 else None)
    print("source: %s" % os.path.relpath(path))
    regions = build_regions(src)
    ok = check_regions(src, regions)

    features = [
        OrderedDict(
            [("type", "Feature"), ("properties", props), ("geometry", geojson_geometry(g))]
        )
        for _, g, props in regions
    ]
    write_collection(os.path.join(HERE, "regions.geojson"), features)
    write_collection(os.path.join(HERE, "zones.geojson"), build_zones(regions))
    print("wrote %s and %s" % (
        os.path.relpath(os.path.join(HERE, "regions.geojson")),
        os.path.relpath(os.path.join(HERE, "zones.geojson")),
    ))
    if not ok:
        print("SOME CHECKS FAILED", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
