#!/usr/bin/python3
"""tracker_peers.py: frontline's snapshot, diff and stats on a region tracker, in geopandas/pandas.

    tracker_peers.py TRACKER snapshot --date D --by region|actor -o OUT.geojson
    tracker_peers.py TRACKER diff D1 D2 --by region|actor -o OUT.geojson
    tracker_peers.py TRACKER stats --step month --from D --to D -o OUT.csv

What a user with the Python GIS stack would write against a tracker folder whose events name
regions (or `*`), such as the one bench/gen_tracker.py writes: read regions.geojson with
geopandas and events.csv with pandas, take the latest event per region at a date (events apply
in date order, then file order; dates mean the end of the day), join, dissolve with
GeoDataFrame.dissolve for --by actor, write GeoJSON with to_file.  Areas are geodesic (pyproj
Geod on WGS 84).  stats is vectorised: the latest holder per (region, month) forward-filled
across months, then areas summed per holder with numpy.  Timed as whole processes.
"""
import argparse
import os
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod


def load(tracker):
    reg = gpd.read_file(os.path.join(tracker, "regions.geojson"))
    geod = Geod(ellps="WGS84")
    reg["area_km2"] = [abs(geod.geometry_area_perimeter(g)[0]) / 1e6 for g in reg.geometry]
    reg["idx"] = np.arange(len(reg))
    ev = pd.read_csv(os.path.join(tracker, "events.csv"), usecols=["id", "date", "regions", "to"],
                     dtype=str, keep_default_na=False)
    ev["seq"] = np.arange(len(ev))
    ev["t"] = pd.to_datetime(ev["date"], utc=True)
    is_star = (ev["regions"] == "*").values
    has_semi = ev["regions"].str.contains(";", regex=False).values
    star, one, many = ev[is_star], ev[~is_star & ~has_semi], ev[~is_star & has_semi]
    pos = pd.Series(reg["idx"].values, index=reg["id"].values)
    parts = [one.assign(region=pos.loc[one["regions"]].values)]
    if len(many):
        m = many.assign(regions=many["regions"].str.split(";")).explode("regions")
        parts.append(m.assign(region=pos.loc[m["regions"]].values))
    for _, row in star.iterrows():
        parts.append(pd.DataFrame({"id": row["id"], "to": row["to"], "seq": row["seq"], "t": row["t"],
                                   "region": reg["idx"].values}))
    ev = pd.concat(parts, ignore_index=True)[["id", "to", "seq", "t", "region"]]
    ev = ev.sort_values(["t", "seq"], kind="stable").reset_index(drop=True)
    return reg, ev


def end_of(d):
    return pd.Timestamp(d, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def holders_at(ev, t):
    return ev[ev["t"] <= t].drop_duplicates("region", keep="last").set_index("region")


def write(gdf, out):
    if os.path.exists(out):
        os.remove(out)
    gdf.to_file(out, driver="GeoJSON")


def snapshot(reg, ev, a):
    h = holders_at(ev, end_of(a.date))
    s = reg.assign(holder=h["to"].reindex(reg["idx"]).values, event=h["id"].reindex(reg["idx"]).values)
    s = s.rename(columns={"id": "region"})[["region", "name", "holder", "event", "area_km2", "geometry"]]
    if a.by == "actor":
        s = s.dissolve(by="holder", aggfunc={"area_km2": "sum"}).reset_index()
        s["share"] = s["area_km2"] / s["area_km2"].sum()
    write(s, a.output)


def diff(reg, ev, a):
    t1, t2 = end_of(a.d1), end_of(a.d2)
    h1, h2 = holders_at(ev, t1)["to"].reindex(reg["idx"]), holders_at(ev, t2)["to"].reindex(reg["idx"])
    changed = (h1.values != h2.values) & ~(h1.isna().values & h2.isna().values)
    d = reg[changed].assign(**{"from": h1.values[changed], "to": h2.values[changed]})
    if a.by == "actor":
        d = d.dissolve(by=["from", "to"], aggfunc={"area_km2": "sum"}).reset_index()
    else:
        between = ev[(ev["t"] > t1) & (ev["t"] <= t2)].groupby("region")["id"].agg(";".join)
        d = d.assign(events=between.reindex(d["idx"]).values).rename(columns={"id": "region"})
        d = d[["region", "name", "from", "to", "area_km2", "events", "geometry"]]
    write(d, a.output)


def stats(reg, ev, a):
    if a.step != "month":
        sys.exit("tracker_peers: only --step month")
    months = pd.date_range(pd.Timestamp(a.start), pd.Timestamp(a.end), freq="M", tz="UTC")
    ends = months + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    e = ev[ev["t"] <= ends[-1]]
    m = np.searchsorted(ends.values, e["t"].values, side="left")  # first month end >= t
    last = pd.DataFrame({"region": e["region"].values, "m": m, "to": e["to"].values})
    last = last.drop_duplicates(["region", "m"], keep="last")
    actors = sorted(ev["to"].unique())
    code = {x: i for i, x in enumerate(actors)}
    grid = np.full((len(reg), len(ends)), -1, np.int64)
    grid[last["region"].values, last["m"].values] = last["to"].map(code).values
    # forward fill along months: carry the latest holder index
    idx = np.where(grid >= 0, np.arange(len(ends)), -1)
    idx = np.maximum.accumulate(idx, axis=1)
    held = np.where(idx >= 0, np.take_along_axis(grid, np.maximum(idx, 0), axis=1), -1)
    area = reg["area_km2"].values
    rows = ["date,holder,area_km2,share"]
    for j, t in enumerate(ends):
        h = held[:, j]
        s = np.bincount(h[h >= 0], weights=area[h >= 0], minlength=len(actors))
        tot = s.sum()
        for i, x in enumerate(actors):
            if s[i] > 0:
                rows.append("%s,%s,%.9f,%.9f" % (t.strftime("%Y-%m-%d"), x, s[i], s[i] / tot))
    with open(a.output, "w") as f:
        f.write("\n".join(rows) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tracker")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("--date", required=True)
    s.add_argument("--by", choices=["region", "actor"], default="region")
    s.add_argument("-o", "--output", required=True)
    d = sub.add_parser("diff")
    d.add_argument("d1")
    d.add_argument("d2")
    d.add_argument("--by", choices=["region", "actor"], default="region")
    d.add_argument("-o", "--output", required=True)
    st = sub.add_parser("stats")
    st.add_argument("--step", default="month")
    st.add_argument("--from", dest="start", required=True)
    st.add_argument("--to", dest="end", required=True)
    st.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    reg, ev = load(a.tracker)
    {"snapshot": snapshot, "diff": diff, "stats": stats}[a.cmd](reg, ev, a)


if __name__ == "__main__":
    main()
