#!/usr/bin/python3
"""front_check.py: the DeepState front line by frontline against shapely + pyproj, day by day.

    front_check.py --frontline BIN --tracker DIR [--data DIR] [--days N | --all] [--tol 0.001]
                   [--time]

The tracker is the one `frontline import-series --holder RU --other UA` makes of the daily
DeepState polygons (built into DIR when DIR has no events.csv): RU holds each day's polygon, UA
the rest of the extent (the union of every day's polygon).  Its front on a day is the border
between the two inside the extent.

The independent computation takes each day's map by holder (`frontline snapshot --by actor`, the
polygons a user would have) and finds the front with shapely: RU's boundary intersected with UA's,
its linear part, measured on the WGS 84 ellipsoid with pyproj.Geod.geometry_length.  frontline's
lengths come from one `frontline stats --front --step day` over the whole series, which never
builds a polygon: the atoms' shared borders, found once, followed through one sweep.

(Why not the raw daily files alone: shapely's floating-point overlay of extent - day's polygon
leaves hundreds of slivers along borders that other days redraw (on 2025-07-08, 350 pieces of UA,
some with a mean width under 1e-9 degree), and every sliver's edge counts as front: 1653.6 km
there, where frontline, which snaps the overlay to its 1e-7 degree grid, has 1572.0 km, and
shapely on frontline's own map of the day has 1572.0 km too.)  Every sampled day must
agree within --tol (relative; 0.1 % by default; fronts shorter than 1 km within 1 m).

--days N samples N days spread evenly over the series (first and last included); --all takes
every day.  --time prints the two computations' CPU times (user + system; frontline: the stats
process; shapely: the per-day loop, reading each day's map included; the maps themselves, made by
frontline snapshot, apart) for bench/README.md: CPU, not wall-clock, as the machine is shared.  Exit status 0 when
every day agrees, 1 otherwise.
"""
import argparse
import csv
import glob
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import json

from pyproj import Geod
from shapely.geometry import shape
from shapely.ops import linemerge

GEOD = Geod(ellps="WGS84")


def day_of(path):
    m = re.search(r"(\d{4})(\d{2})(\d{2})", os.path.basename(path))
    return "%s-%s-%s" % m.groups()


def holder_polygons(path):
    """{holder id: (multi)polygon} of a `snapshot --by actor` GeoJSON file."""
    with open(path) as f:
        fc = json.load(f)
    return {feat["properties"]["holder"]: shape(feat["geometry"]) for feat in fc["features"]
            if feat.get("geometry") and feat["properties"].get("holder")}


def line_length_km(g):
    parts = getattr(g, "geoms", [g])
    lines = [p for p in parts if p.geom_type in ("LineString", "MultiLineString")]
    return sum(GEOD.geometry_length(p) for p in lines) / 1000.0


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def snapshots(fl, tracker, days, work):
    """Each day's map by holder from frontline snapshot, and the CPU seconds it took."""
    c0 = child_cpu()
    for d in days:
        subprocess.run([fl, "-d", tracker, "snapshot", "--by", "actor", "--date", d, "-o",
                        os.path.join(work, d + ".geojson")], check=True, capture_output=True)
    return child_cpu() - c0


def shapely_fronts(days, work):
    """{day: front km} for the days asked (RU's boundary intersected with UA's), and the CPU seconds
    it took (reading the maps included)."""
    t0 = time.process_time()
    out = {}
    for d in days:
        g = holder_polygons(os.path.join(work, d + ".geojson"))
        ru, ua = g.get("RU"), g.get("UA")
        if ru is None or ua is None:
            out[d] = 0.0
            continue
        front = ru.boundary.intersection(ua.boundary)
        out[d] = line_length_km(linemerge(front) if front.geom_type == "MultiLineString" else front)
    return out, time.process_time() - t0


def frontline_fronts(fl, tracker, first, last):
    """{day: front km} from frontline stats --front, and the CPU seconds it took (the process's)."""
    c0 = child_cpu()
    r = subprocess.run([fl, "-d", tracker, "stats", "--front", "--step", "day", "--from", first, "--to",
                        last], capture_output=True, text=True, check=True)
    secs = child_cpu() - c0
    out = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        if row["holder"] == "RU":  # RU's front with any other holder: here UA, the whole front
            out[row["date"]] = float(row["front_km"])
    return out, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frontline", required=True)
    ap.add_argument("--tracker", required=True)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "deepstate"))
    ap.add_argument("--days", type=int, default=8)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--tol", type=float, default=0.001)
    ap.add_argument("--time", action="store_true")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.data, "deepstatemap_data_*.geojson")))
    if not files:
        sys.exit("front_check: no DeepState files in %s" % a.data)
    if not os.path.exists(os.path.join(a.tracker, "events.csv")):
        subprocess.run([a.frontline, "import-series", "--holder", "RU", "--other", "UA", "--out", a.tracker]
                       + files, check=True, capture_output=True)
    all_days = [day_of(f) for f in files]
    if a.all or a.days >= len(all_days):
        days = all_days
    else:
        n = max(a.days, 2)
        days = sorted({all_days[round(i * (len(all_days) - 1) / (n - 1))] for i in range(n)})
    fl, fl_secs = frontline_fronts(a.frontline, a.tracker, all_days[0], all_days[-1])
    with tempfile.TemporaryDirectory() as work:
        snap_secs = snapshots(a.frontline, a.tracker, days, work)
        py, py_secs = shapely_fronts(days, work)
    bad = 0
    for d in days:
        f, p = fl.get(d, 0.0), py[d]
        ok = abs(f - p) <= max(a.tol * p, 0.001)
        bad += not ok
        print("%s %s frontline %.4f km shapely %.4f km (%+.5f %%)"
              % ("ok" if ok else "MISMATCH", d, f, p, 100.0 * (f - p) / p if p else 0.0))
    if a.time:
        print("CPU time: frontline stats --front over %d days %.2f s; shapely+pyproj over %d days %.2f s "
              "(their maps: frontline snapshot --by actor per day, %.2f s more)"
              % (len(all_days), fl_secs, len(days), py_secs, snap_secs))
    print("%d of %d days agree within %.3g %%" % (len(days) - bad, len(days), 100 * a.tol))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
