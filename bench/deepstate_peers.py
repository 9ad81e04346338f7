#!/usr/bin/python3
"""deepstate_peers.py: what a user would write instead of frontline, on a pile of daily polygons.

    deepstate_peers.py areas FILE...              CSV date,area_km2 for every file (one date each)
    deepstate_peers.py import --out FILE FILE...  day-to-day differences (gains and losses) as GeoJSON
    deepstate_peers.py load-pg --psql CMD FILE... the daily polygons into PostGIS table ds(day, geom)

`areas` is the geopandas + pyproj loop: read each daily file with geopandas, take the geodesic
area of its (multi)polygon on the WGS 84 ellipsoid with pyproj.Geod.geometry_area_perimeter.

`import` is the geopandas/shapely equivalent of `frontline import-series`: read each daily
file, compute what the holder gained (today - yesterday) and lost (yesterday - today) with
shapely, and write every non-empty change, with its date, kind and geodesic area, to one GeoJSON
file.  Dates come from the file names (YYYYMMDD).  Invalid inputs are repaired with buffer(0).

`load-pg` fills ds(day date primary key, geom geometry(MultiPolygon, 4326)) for the PostGIS
peers (ST_Area(geom::geography) per day, ST_Difference of two days); not timed.

`areas` and `import` are meant to be timed as whole processes (start-up and imports included), as frontline is.
"""
import argparse
import os
import re
import sys

import geopandas as gpd
from pyproj import Geod
from shapely.ops import unary_union

GEOD = Geod(ellps="WGS84")


def date_of(path):
    m = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", os.path.basename(path))
    if not m:
        sys.exit("deepstate_peers: no date in file name %s" % path)
    return "%s-%s-%s" % m.groups()


def read_geom(path):
    df = gpd.read_file(path)
    if df.crs is not None and df.crs.to_epsg() != 4326:
        df = df.to_crs(4326)
    g = unary_union(list(df.geometry)) if len(df) > 1 else df.geometry.iloc[0]
    if not g.is_valid:
        g = g.buffer(0)
    return g


def area_km2(g):
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


def cmd_areas(files):
    out = ["date,area_km2"]
    for f in sorted(files, key=date_of):
        out.append("%s,%.6f" % (date_of(f), area_km2(read_geom(f))))
    sys.stdout.write("\n".join(out) + "\n")


def cmd_import(files, out):
    files = sorted(files, key=date_of)
    rows = {"date": [], "kind": [], "area_km2": [], "geometry": []}
    prev = None
    for f in files:
        cur = read_geom(f)
        d = date_of(f)
        if prev is None:
            changes = [("baseline", cur)]
        else:
            changes = [("gain", cur.difference(prev)), ("loss", prev.difference(cur))]
        for kind, g in changes:
            if g.is_empty:
                continue
            rows["date"].append(d)
            rows["kind"].append(kind)
            rows["area_km2"].append(area_km2(g))
            rows["geometry"].append(g)
        prev = cur
    gpd.GeoDataFrame(rows, crs=4326).to_file(out, driver="GeoJSON")


def cmd_load_pg(files, psql):
    import json
    import shlex
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ds.tsv")
        with open(path, "w") as out:
            for f in sorted(files, key=date_of):
                with open(f) as fh:
                    fc = json.load(fh)
                for ft in fc["features"]:
                    out.write("%s\t%s\n" % (date_of(f), json.dumps(ft["geometry"], separators=(",", ":"))))
        os.chmod(tmp, 0o755)
        sql = """
SET client_min_messages = warning;
DROP TABLE IF EXISTS ds; DROP TABLE IF EXISTS ds_in;
CREATE TEMP TABLE ds_in(day date, gj text);
\\copy ds_in from '%s'
CREATE TABLE ds(day date PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL);
INSERT INTO ds SELECT day, ST_Multi(CASE WHEN count(*) = 1 THEN (array_agg(g))[1] ELSE ST_Union(g) END)
  FROM (SELECT day, ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) AS g FROM ds_in) x GROUP BY day;
VACUUM ANALYZE ds;
""" % path
        subprocess.run(shlex.split(psql) + ["-X", "-q", "-v", "ON_ERROR_STOP=1"], input=sql, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("areas")
    a.add_argument("files", nargs="+")
    i = sub.add_parser("import")
    i.add_argument("--out", required=True)
    i.add_argument("files", nargs="+")
    lp = sub.add_parser("load-pg")
    lp.add_argument("--psql", required=True, help="psql command line that reaches the database")
    lp.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.cmd == "load-pg":
        cmd_load_pg(args.files, args.psql)
    elif args.cmd == "areas":
        cmd_areas(args.files)
    else:
        if os.path.exists(args.out):
            os.remove(args.out)
        cmd_import(args.files, args.out)


if __name__ == "__main__":
    main()
