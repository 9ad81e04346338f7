#!/usr/bin/python3
"""crosscheck.py: do frontline and its peers answer the same question?  One line per check.

    crosscheck.py areas FRONTLINE_STATS.csv HOLDER PEER.csv     daily areas (peer: date,area_km2)
    crosscheck.py stats FRONTLINE_STATS.csv PSQL_OUT            date,holder,area_km2 (psql -At: |)
    crosscheck.py snapshot FRONTLINE.geojson PSQL_OUT           holder of every region
    crosscheck.py diff FRONTLINE.geojson PSQL_OUT               (from, to) of every changed region
"""
import csv
import json
import sys


def rel(a, b):
    return abs(a - b) / abs(b) if b else abs(a - b)


def main():
    kind, fl = sys.argv[1], sys.argv[2]
    if kind == "areas":
        holder, peer = sys.argv[3], sys.argv[4]
        a = {r["date"]: float(r["area_km2"]) for r in csv.DictReader(open(fl)) if r["holder"] == holder}
        b = {r["date"]: float(r["area_km2"]) for r in csv.DictReader(open(peer))}
        common = set(a) & set(b)
        worst = max((rel(a[d], b[d]), d) for d in common) if common else (float("nan"), "")
        print("daily areas of %s: %d days in both (%d frontline, %d peer), largest relative difference %.2e (%s)"
              % (holder, len(common), len(a), len(b), worst[0], worst[1]))
    elif kind == "stats":
        a = {(r["date"], r["holder"]): float(r["area_km2"]) for r in csv.DictReader(open(fl))}
        b = {}
        for line in open(sys.argv[3]):
            p = line.rstrip("\n").split("|")
            if len(p) >= 3:
                b[(p[0], p[1])] = float(p[2])
        common = set(a) & set(b)
        worst = max((rel(a[k], b[k]) for k in common), default=float("nan"))
        print("monthly stats: %d rows frontline, %d PostGIS, %s, largest relative difference %.2e"
              % (len(a), len(b), "same (date, holder) rows" if set(a) == set(b) else "ROWS DIFFER", worst))
    elif kind in ("snapshot", "diff"):
        fa = json.load(open(fl))["features"]
        fb = json.loads(open(sys.argv[3]).read())["features"] or []
        if kind == "snapshot":
            a = {f["properties"]["region"]: f["properties"]["holder"] for f in fa}
            b = {f["properties"]["region"]: f["properties"]["holder"] for f in fb}
        else:
            a = {f["properties"]["region"]: (f["properties"]["from"], f["properties"]["to"]) for f in fa}
            b = {f["properties"]["region"]: (f["properties"]["from"], f["properties"]["to"]) for f in fb}
        print("%s by region: %d features frontline, %d PostGIS, %s" % (
            kind, len(a), len(b), "identical" if a == b else "%d regions differ" % sum(
                1 for k in set(a) | set(b) if a.get(k) != b.get(k))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
