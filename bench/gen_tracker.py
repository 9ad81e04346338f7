#!/usr/bin/python3
"""gen_tracker.py: a synthetic frontline tracker for benchmarks, and its PostGIS loader.

    gen_tracker.py gen OUT_DIR [--seed 42] [--regions 10000] [--events 1000000] [--seconds]
    gen_tracker.py load-pg TRACKER_DIR --psql 'psql -h SOCKDIR -p PORT -d DB'

`gen` writes a folder tracker:
  actors.csv       8 actors A1..A8 (kind control)
  regions.geojson  N Voronoi cells (shapely.ops.voronoi_diagram of N seeded random points) clipped
                   to the box lon 20..30, lat 40..50: a coverage, edge-matched, properties id, name
  events.csv       one baseline event `*` -> A1 on 2015-01-01, then events-1 captures spread
                   uniformly over 2015-01-01..2024-12-31 in date order, each naming ONE region,
                   `to` a random actor other than the current holder, `from` the current holder
                   (so `frontline check` finds nothing), status confirmed, source "generated".
                   With --seconds each capture's date is an instant to the second, as real logs
                   have (2019-03-04T13:45:12Z: a uniform time of its day, the events of a day in
                   time order); the baseline stays a date.  The rest is the same as without.
Same seed and arguments give byte-identical files (with the same GEOS version).

`load-pg` loads a tracker folder whose events name regions (or `*`) into PostGIS:
  regions(idx int primary key, id text, name text, area_km2 float8, geom geometry(Polygon,4326)),
          GiST index on geom; area_km2 = ST_Area(geom::geography)/1e6, computed once at load;
  events(seq int, id text, region int, t timestamptz, holder text), btree index on (region, t, seq):
          one row per (event, region) (`*` is expanded to every region); seq is the file order,
          which breaks ties between events of the same instant as frontline does.
"""
import argparse
import csv
import datetime as dt
import io
import json
import subprocess
import sys

import numpy as np

BOX = (20.0, 40.0, 30.0, 50.0)
ACTORS = [("A%d" % (i + 1), "Actor %d" % (i + 1), c) for i, c in enumerate(
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"])]
FIRST, LAST = dt.date(2015, 1, 1), dt.date(2024, 12, 31)


def ring_coords(ring):
    return [[round(x, 7), round(y, 7)] for x, y in ring.coords]


def gen_regions(rng, n):
    from shapely.geometry import MultiPoint, box
    from shapely.ops import voronoi_diagram
    bb = box(*BOX)
    pts = np.column_stack([rng.uniform(BOX[0], BOX[2], n), rng.uniform(BOX[1], BOX[3], n)])
    cells = voronoi_diagram(MultiPoint([tuple(p) for p in pts]), envelope=bb)
    polys = []
    for c in cells.geoms:
        g = c.intersection(bb)
        if g.geom_type != "Polygon" or g.is_empty:
            raise SystemExit("gen_tracker: unexpected Voronoi cell %s" % g.geom_type)
        polys.append(g)
    if len(polys) != n:
        raise SystemExit("gen_tracker: %d cells for %d points" % (len(polys), n))
    # GEOS returns cells in its own order: sort them by a point inside, so ids are stable
    key = [(round(p.representative_point().y, 9), round(p.representative_point().x, 9)) for p in polys]
    order = sorted(range(n), key=lambda i: key[i])
    return [polys[i] for i in order]


def write_regions(path, polys):
    with open(path, "w") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i, p in enumerate(polys):
            rings = [ring_coords(p.exterior)] + [ring_coords(r) for r in p.interiors]
            feat = {"type": "Feature", "properties": {"id": "r%05d" % i, "name": "Region %d" % i},
                    "geometry": {"type": "Polygon", "coordinates": rings}}
            f.write(json.dumps(feat, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(polys) else "\n")
        f.write("]}\n")


def gen_events(rng, nregions, nevents):
    """Arrays (day index, region, to, from) of the nevents-1 captures, in file order."""
    m = nevents - 1
    ndays = (LAST - FIRST).days + 1
    day = np.sort(rng.integers(0, ndays, m))
    region = rng.integers(0, nregions, m)
    step = rng.integers(1, len(ACTORS), m)  # to = holder + step (mod 8): never the current holder
    # holder after each event: running sum of steps per region, in file order
    order = np.argsort(region, kind="stable")
    s = step[order].astype(np.int64)
    cs = np.cumsum(s)
    r = region[order]
    start = np.r_[True, r[1:] != r[:-1]]
    base = np.where(start, cs - s, 0)
    base = np.maximum.accumulate(base)  # cumsum before each region group's first event
    after = np.empty(m, np.int64)
    after[order] = (cs - base) % len(ACTORS)
    before = (after - step) % len(ACTORS)
    return day, region, after, before


def gen_seconds(rng, day):
    """A second of its day for each capture, ascending within each day (day is sorted)."""
    sec = rng.integers(0, 86400, len(day))
    return sec[np.lexsort((sec, day))]


def write_events(path, day, region, to, frm, sec=None):
    names = [(FIRST + dt.timedelta(days=int(d))).isoformat() for d in range((LAST - FIRST).days + 1)]
    ids = [a[0] for a in ACTORS]
    buf = io.StringIO()
    buf.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial\n")
    buf.write("e0,%s,*,A1,,baseline,confirmed,generated,,,,\n" % FIRST.isoformat())
    dl, rl, tl, fl = day.tolist(), region.tolist(), to.tolist(), frm.tolist()
    if sec is None:
        when = [names[d] for d in dl]
    else:
        when = ["%sT%02d:%02d:%02dZ" % (names[d], s // 3600, s // 60 % 60, s % 60)
                for d, s in zip(dl, sec.tolist())]
    buf.writelines("e%d,%s,r%05d,%s,%s,capture,confirmed,generated,,,,\n"
                   % (i + 1, when[i], rl[i], ids[tl[i]], ids[fl[i]]) for i in range(len(dl)))
    with open(path, "w") as f:
        f.write(buf.getvalue())


def cmd_gen(a):
    import os
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "actors.csv"), "w") as f:
        f.write("id,name,color,kind,note\n")
        for i, n, c in ACTORS:
            f.write("%s,%s,%s,control,generated\n" % (i, n, c))
    polys = gen_regions(rng, a.regions)
    write_regions(os.path.join(a.out, "regions.geojson"), polys)
    day, region, to, frm = gen_events(rng, a.regions, a.events)
    # (drawn last: without --seconds the files are those of before the option)
    sec = gen_seconds(rng, day) if a.seconds else None
    write_events(os.path.join(a.out, "events.csv"), day, region, to, frm, sec)
    with open(os.path.join(a.out, "README.md"), "w") as f:
        f.write("Generated by bench/gen_tracker.py --seed %d --regions %d --events %d%s "
                "(synthetic data).\n" % (a.seed, a.regions, a.events, " --seconds" if a.seconds else ""))


def cmd_load_pg(a):
    import os
    import shlex
    psql = shlex.split(a.psql) + ["-X", "-q", "-v", "ON_ERROR_STOP=1"]
    with open(os.path.join(a.tracker, "regions.geojson")) as f:
        feats = json.load(f)["features"]
    idx = {}
    reg = io.StringIO()
    for i, ft in enumerate(feats):
        p = ft["properties"]
        idx[p["id"]] = i
        g = ft["geometry"]
        wkt = "POLYGON(%s)" % ",".join("(%s)" % ",".join("%r %r" % (x, y) for x, y in ring)
                                       for ring in g["coordinates"])
        reg.write("%d\t%s\t%s\tSRID=4326;%s\n" % (i, p["id"], p.get("name", p["id"]), wkt))
    ev = io.StringIO()
    with open(os.path.join(a.tracker, "events.csv"), newline="") as f:
        for seq, row in enumerate(csv.DictReader(f)):
            t = row["date"] if "T" in row["date"] else row["date"] + "T00:00:00Z"
            rs = range(len(feats)) if row["regions"] == "*" else [idx[x] for x in row["regions"].split(";")]
            for r in rs:
                ev.write("%d\t%s\t%d\t%s\t%s\n" % (seq, row["id"], r, t, row["to"]))
    sql = """
SET client_min_messages = warning;
DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS regions;
CREATE TABLE regions(idx int PRIMARY KEY, id text NOT NULL, name text, area_km2 float8,
                     geom geometry(Polygon, 4326) NOT NULL);
CREATE TABLE events(seq int NOT NULL, id text NOT NULL, region int NOT NULL, t timestamptz NOT NULL,
                    holder text NOT NULL);
\\copy regions(idx, id, name, geom) from '{reg}'
\\copy events from '{ev}'
UPDATE regions SET area_km2 = ST_Area(geom::geography) / 1e6;
CREATE INDEX regions_geom ON regions USING gist(geom);
CREATE INDEX events_region_t ON events(region, t, seq);
VACUUM ANALYZE regions; VACUUM ANALYZE events;
"""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        rp, ep = os.path.join(tmp, "regions.tsv"), os.path.join(tmp, "events.tsv")
        with open(rp, "w") as f:
            f.write(reg.getvalue())
        with open(ep, "w") as f:
            f.write(ev.getvalue())
        os.chmod(tmp, 0o755)
        subprocess.run(psql, input=sql.format(reg=rp, ev=ep), text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--regions", type=int, default=10000)
    g.add_argument("--events", type=int, default=1000000)
    g.add_argument("--seconds", action="store_true",
                   help="captures at an instant to the second (2019-03-04T13:45:12Z), not a date")
    lp = sub.add_parser("load-pg")
    lp.add_argument("tracker")
    lp.add_argument("--psql", required=True, help="psql command line that reaches the database")
    a = ap.parse_args()
    if a.cmd == "gen":
        if a.events < 1 or a.regions < 2:
            sys.exit("gen_tracker: --events >= 1 and --regions >= 2")
        cmd_gen(a)
    else:
        cmd_load_pg(a)


if __name__ == "__main__":
    main()
