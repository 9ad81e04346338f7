#!/usr/bin/python3
"""End-to-end tests of `frontline diff`, `frontline stats` and `frontline check`.

usage: /usr/bin/python3 test_analysis.py PATH_TO_FRONTLINE SOURCE_ROOT

Runs the tool as a subprocess (FRONTLINE_TRACKER removed from the environment,
working directory a fresh temporary folder) and prints TAP.  Expected values
are computed independently of the tool: geodesic areas with pyproj on the
WGS 84 ellipsoid from geodata/karabakh/regions.geojson, dates from events.csv,
geometry comparisons with shapely, GeoPackages read with GDAL's Python
bindings.  Needs Debian's /usr/bin/python3 (osgeo, shapely, pyproj).

The `check` fixtures live in tests/fixtures/check/<case>/: `clean` has no
problem, each other case plants one kind of fault, `many` plants eight at once.
"""
import csv
import io
import datetime
import zoneinfo
import json
import os
import re
import shutil
import sys

from osgeo import ogr
from pyproj import Geod
from shapely import wkb as shapely_wkb
from shapely.geometry import box, shape
from shapely.ops import transform as shapely_transform
import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (KARABAKH, SRC, Failure, Workdir, check, check_close, close, event_period,  # noqa: E402
                    generate_tracker, geojson, main, stats_rows, test)

FIXTURES = os.path.join(SRC, "tests", "fixtures", "check")
GEOD = Geod(ellps="WGS84")
REL = 1e-4  # 0.01 %

ogr.UseExceptions()


# ------------------------------------------------------------------ helpers

def geod_km2(geom):
    """Geodesic area of a shapely (multi)polygon in lon/lat, km², ring order ignored."""
    if geom.geom_type == "MultiPolygon":
        return sum(geod_km2(p) for p in geom.geoms)
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


_cache = {}


def regions():
    """region id -> shapely geometry, from the shipped regions.geojson."""
    if "regions" not in _cache:
        with open(os.path.join(KARABAKH, "regions.geojson"), encoding="utf-8") as f:
            fc = json.load(f)
        _cache["regions"] = {ft["properties"]["id"]: shape(ft["geometry"]) for ft in fc["features"]}
    return _cache["regions"]


def region_km2(rid):
    key = "km2:" + rid
    if key not in _cache:
        _cache[key] = geod_km2(regions()[rid])
    return _cache[key]


def at_7_decimals(geom):
    """geom with coordinates rounded to 7 decimals, as frontline writes GeoJSON
    (docs/commands.md: "GeoJSON is RFC 7946: ... 7 decimals")."""
    return shapely_transform(lambda x, y, z=None: (numpy.round(x, 7), numpy.round(y, 7)), geom)


def total_km2():
    return sum(region_km2(r) for r in regions())


def events():
    """The shipped events.csv as a list of dicts (read with the csv module)."""
    if "events" not in _cache:
        with open(os.path.join(KARABAKH, "events.csv"), newline="", encoding="utf-8") as f:
            _cache["events"] = list(csv.DictReader(f))
    return _cache["events"]


def event_date(eid):
    for e in events():
        if e["id"] == eid:
            return e["date"]
    raise Failure("event %s not in events.csv" % eid)


class Ctx(Workdir):
    def fixture(self, case):
        """Copy tests/fixtures/check/<case> into the temporary folder; return its name."""
        shutil.copytree(os.path.join(FIXTURES, case), self.path(case))
        return case


def by_date(rows):
    out = {}
    for r in rows:
        d = out.setdefault(r["date"], {})
        check(r["holder"] not in d, "two rows for %s on %s" % (r["holder"], r["date"]))
        d[r["holder"]] = r
    return out


D1, D2 = "2020-11-09", "2020-12-02"
HANDED = {"agdam": "2020-agdam", "kalbajar": "2020-kalbajar", "lachin": "2020-lachin"}


def handed_km2():
    return sum(region_km2(r) for r in HANDED)


# --------------------------------------------------------------------- diff

@test("diff %s %s: exactly agdam, kalbajar, lachin, AM -> AZ, with their events and dates" % (D1, D2))
def t_diff_regions(c):
    fc = geojson(c.ok("diff", D1, D2))
    feats = fc["features"]
    got = sorted(f["properties"].get("region") for f in feats)
    check(got == sorted(HANDED), "regions %r, expected %r" % (got, sorted(HANDED)))
    for f in feats:
        p = f["properties"]
        rid = p["region"]
        check(p.get("from") == "AM" and p.get("to") == "AZ",
              "%s: from %r to %r, expected AM -> AZ" % (rid, p.get("from"), p.get("to")))
        check(p.get("events") == HANDED[rid],
              "%s: events %r, expected %r" % (rid, p.get("events"), HANDED[rid]))
        want = event_date(HANDED[rid])
        check(p.get("first_date") == want and p.get("last_date") == want,
              "%s: first_date %r last_date %r, expected %s (events.csv)"
              % (rid, p.get("first_date"), p.get("last_date"), want))
        check(p.get("name"), "%s: no name" % rid)


@test("diff %s %s: area_km2 of each region equals its pyproj geodesic area (0.01 %%)" % (D1, D2))
def t_diff_areas(c):
    fc = geojson(c.ok("diff", D1, D2))
    check(len(fc["features"]) == 3, "%d features, expected 3" % len(fc["features"]))
    for f in fc["features"]:
        p = f["properties"]
        check_close(float(p["area_km2"]), region_km2(p["region"]), "area_km2 of " + p["region"])
        # the figures the README quotes for the three districts
    areas = {f["properties"]["region"]: float(f["properties"]["area_km2"]) for f in fc["features"]}
    for rid, km2 in (("kalbajar", 2860.7), ("agdam", 1045.5), ("lachin", 1787.4)):
        check_close(areas[rid], km2, rid + " vs README", rel=0, abs_tol=0.051)


@test("diff %s %s: each feature's geometry is the region's polygon" % (D1, D2))
def t_diff_geometry(c):
    fc = geojson(c.ok("diff", D1, D2))
    check(len(fc["features"]) == 3, "%d features, expected 3" % len(fc["features"]))
    for f in fc["features"]:
        rid = f["properties"]["region"]
        g = shape(f["geometry"])
        check(g.is_valid, "%s: invalid geometry" % rid)
        # GeoJSON carries 7 decimals (about 1 cm); compare with the region at that precision
        sd = g.symmetric_difference(at_7_decimals(regions()[rid])).area
        check(sd < 1e-9, "%s: symmetric difference with the region polygon (7 decimals) is %g deg²"
              % (rid, sd))
        raw = g.symmetric_difference(regions()[rid]).area
        bound = regions()[rid].length * 1e-7  # every vertex within 0.5e-7 degree
        check(raw < bound, "%s: symmetric difference with the full-precision region is %g deg² (> %g)"
              % (rid, raw, bound))


@test("diff --by actor: one AM -> AZ feature whose area is the sum of the three")
def t_diff_by_actor(c):
    fc = geojson(c.ok("diff", "--by", "actor", D1, D2))
    feats = fc["features"]
    check(len(feats) == 1, "%d features, expected 1" % len(feats))
    p = feats[0]["properties"]
    check(p.get("from") == "AM" and p.get("to") == "AZ", "from %r to %r" % (p.get("from"), p.get("to")))
    check_close(float(p["area_km2"]), handed_km2(), "area_km2")
    check(p.get("events") == "2020-agdam,2020-kalbajar,2020-lachin", "events %r" % p.get("events"))
    check(p.get("first_date") == "2020-11-20" and p.get("last_date") == "2020-12-01",
          "first/last date %r %r" % (p.get("first_date"), p.get("last_date")))
    check("region" not in p, "--by actor feature has a region property: %r" % p.get("region"))
    union = at_7_decimals(regions()["agdam"]).union(at_7_decimals(regions()["kalbajar"])) \
        .union(at_7_decimals(regions()["lachin"]))
    sd = shape(feats[0]["geometry"]).symmetric_difference(union).area
    check(sd < 1e-9, "geometry differs from the union of the three regions (7 decimals) by %g deg²" % sd)


@test("diff D D (same date): empty FeatureCollection, exit 0")
def t_diff_same(c):
    for d in ("2020-11-25", "1992-05-08"):
        fc = geojson(c.ok("diff", d, d))
        check(fc["features"] == [], "diff %s %s: %d features, expected none" % (d, d, len(fc["features"])))


@test("diff %s %s (reversed): non-zero exit, says the first date is after the second, suggests the swap" % (D2, D1))
def t_diff_reversed(c):
    r = c.run("diff", D2, D1)
    check(r.rc != 0, "exit status 0\n" + r.describe())
    check(r.out.strip() == "", "something on stdout: %r" % r.out[:200])
    m = re.search(re.escape(D2) + r"\)?\s+is after\s+.*" + re.escape(D1), r.err)
    check(m, "stderr does not say that %s is after %s: %r" % (D2, D1, r.err))
    check("diff %s %s" % (D1, D2) in r.err,
          "stderr does not suggest 'diff %s %s': %r" % (D1, D2, r.err))


NUM = r"([-+]?\d+(?:\.\d+)?)"


@test("diff --summary: per-actor gained/lost/net, pairs and events (table)")
def t_summary_table(c):
    r = c.ok("diff", D1, D2, "--summary")
    out = r.out
    check(D1 in out and D2 in out, "the table does not name both dates:\n" + out)
    actors = {}
    for m in re.finditer(r"^\s+(AZ|AM)\s+" + NUM + r"\s+" + NUM + r"\s+" + NUM + r"\s*$", out, re.M):
        actors[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
    check(set(actors) == {"AZ", "AM"}, "per-actor rows found: %r\n%s" % (sorted(actors), out))
    s = handed_km2()
    tol = 0.051 + REL * s  # the table prints one decimal
    gz, lz, nz = actors["AZ"]
    gm, lm, nm = actors["AM"]
    check_close(gz, s, "AZ gained", rel=0, abs_tol=tol)
    check_close(lz, 0, "AZ lost", rel=0, abs_tol=0.051)
    check_close(nz, s, "AZ net", rel=0, abs_tol=tol)
    check_close(gm, 0, "AM gained", rel=0, abs_tol=0.051)
    check_close(lm, s, "AM lost", rel=0, abs_tol=tol)
    check(nm < 0, "AM net %r is not negative" % nm)
    check_close(nm, -s, "AM net", rel=0, abs_tol=tol)
    m = re.search(r"^\s+AM\s+->\s+AZ\s+" + NUM + r"\s*km", out, re.M)
    check(m, "no 'AM -> AZ' pair line:\n" + out)
    check_close(float(m.group(1)), s, "pair AM -> AZ", rel=0, abs_tol=tol)
    for eid in HANDED.values():
        check(re.search(r"^\s+" + re.escape(event_date(eid)) + r"\s+" + re.escape(eid) + r"\s", out, re.M),
              "event line for %s (%s) missing:\n%s" % (eid, event_date(eid), out))


@test("diff --summary -f json: actors, pairs, events with the right numbers")
def t_summary_json(c):
    r = c.ok("diff", D1, D2, "--summary", "-f", "json")
    try:
        d = json.loads(r.out)
    except ValueError as e:
        raise Failure("not JSON (%s):\n%s" % (e, r.out[:1000]))
    s = handed_km2()
    check(d.get("from_date") == D1 and d.get("to_date") == D2,
          "from_date/to_date %r %r" % (d.get("from_date"), d.get("to_date")))
    actors = {a["actor"]: a for a in d["actors"]}
    check(set(actors) == {"AZ", "AM"}, "actors %r" % sorted(actors))
    check_close(actors["AZ"]["gained_km2"], s, "AZ gained_km2")
    check_close(actors["AZ"]["lost_km2"], 0, "AZ lost_km2", abs_tol=1e-9)
    check_close(actors["AZ"]["net_km2"], s, "AZ net_km2")
    check_close(actors["AM"]["gained_km2"], 0, "AM gained_km2", abs_tol=1e-9)
    check_close(actors["AM"]["lost_km2"], s, "AM lost_km2")
    check(actors["AM"]["net_km2"] < 0, "AM net_km2 %r not negative" % actors["AM"]["net_km2"])
    check_close(actors["AM"]["net_km2"], -s, "AM net_km2")
    pairs = d["pairs"]
    check(len(pairs) == 1 and pairs[0]["from"] == "AM" and pairs[0]["to"] == "AZ",
          "pairs %r" % pairs)
    check_close(pairs[0]["area_km2"], s, "pair area_km2")
    ev = [(e["id"], e["date"], e["to"]) for e in d["events"]]
    want = [(eid, event_date(eid), "AZ") for eid in ("2020-agdam", "2020-kalbajar", "2020-lachin")]
    check(ev == want, "events %r, expected %r" % (ev, want))
    for e in d["events"]:
        check(e.get("source"), "event %s has no source" % e["id"])


@test("diff --summary -f csv: parses with the csv module, same numbers")
def t_summary_csv(c):
    r = c.ok("diff", D1, D2, "--summary", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    check(rows, "no rows:\n" + r.out)
    s = handed_km2()
    actors = {x["actor"]: x for x in rows if x["type"] == "actor"}
    check(set(actors) == {"AZ", "AM"}, "actor rows %r" % sorted(actors))
    tol = 1e-5  # six decimals printed
    check_close(float(actors["AZ"]["gained_km2"]), s, "AZ gained_km2", abs_tol=tol)
    check_close(float(actors["AZ"]["lost_km2"]), 0, "AZ lost_km2", abs_tol=tol)
    check_close(float(actors["AZ"]["net_km2"]), s, "AZ net_km2", abs_tol=tol)
    check_close(float(actors["AM"]["lost_km2"]), s, "AM lost_km2", abs_tol=tol)
    check(float(actors["AM"]["net_km2"]) < 0, "AM net_km2 not negative")
    check_close(float(actors["AM"]["net_km2"]), -s, "AM net_km2", abs_tol=tol)
    pairs = [x for x in rows if x["type"] == "pair"]
    check(len(pairs) == 1 and pairs[0]["from"] == "AM" and pairs[0]["to"] == "AZ", "pairs %r" % pairs)
    check_close(float(pairs[0]["area_km2"]), s, "pair area_km2", abs_tol=tol)
    ev = [(x["event"], x["date"], x["to"]) for x in rows if x["type"] == "event"]
    want = [(eid, event_date(eid), "AZ") for eid in ("2020-agdam", "2020-kalbajar", "2020-lachin")]
    check(ev == want, "event rows %r, expected %r" % (ev, want))
    src = {e["id"]: e["source"] for e in events()}
    for x in rows:
        if x["type"] == "event":
            check(x["source"] == src[x["event"]],
                  "source of %s: %r, events.csv has %r" % (x["event"], x["source"], src[x["event"]]))


@test("diff -o out.gpkg: GeoPackage with a 'changes' layer of 3 features")
def t_diff_gpkg(c):
    c.ok("diff", D1, D2, "-o", "out.gpkg")
    check(os.path.isfile(c.path("out.gpkg")), "out.gpkg not written")
    ds = ogr.Open(c.path("out.gpkg"))
    check(ds is not None, "GDAL cannot open out.gpkg")
    check(ds.GetDriver().GetName() == "GPKG", "driver %s" % ds.GetDriver().GetName())
    lyr = ds.GetLayerByName("changes")
    check(lyr is not None, "no 'changes' layer; layers: %r"
          % [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())])
    check(lyr.GetFeatureCount() == 3, "%d features, expected 3" % lyr.GetFeatureCount())
    seen = {}
    for f in lyr:
        rid = f.GetField("region")
        seen[rid] = f
        check(f.GetField("from") == "AM" and f.GetField("to") == "AZ",
              "%s: from %r to %r" % (rid, f.GetField("from"), f.GetField("to")))
        check_close(f.GetField("area_km2"), region_km2(rid), "area_km2 of %s" % rid)
        check(f.GetField("events") == HANDED.get(rid), "%s: events %r" % (rid, f.GetField("events")))
        g = shapely_wkb.loads(bytes(f.GetGeometryRef().ExportToIsoWkb()))
        sd = g.symmetric_difference(regions()[rid]).area
        check(sd < 1e-9, "%s: geometry differs from the region by %g deg²" % (rid, sd))
    check(sorted(seen) == sorted(HANDED), "regions %r" % sorted(seen))


# -------------------------------------------------------------------- stats

@test("stats: header date,holder,area_km2,share,area_km2_min,area_km2_max; default range from 1992-05-08, one date per event instant")
def t_stats_default(c):
    r = c.ok("stats")
    check(r.out.splitlines()[0] == "date,holder,area_km2,share,area_km2_min,area_km2_max",
          "header %r" % r.out.splitlines()[0])
    rows = stats_rows(r.out)
    dates = []
    for x in rows:
        if not dates or dates[-1] != x["date"]:
            dates.append(x["date"])
    baku = zoneinfo.ZoneInfo("Asia/Baku")  # the tracker's time zone (tracker.csv)

    def local(text):
        # the tool writes a date for midnight in the tracker's zone, else the
        # date-time there with its offset; an event with a period applies at
        # its start
        if len(text) == 10:
            return text
        t = event_period(text, baku)[0].astimezone(baku)
        return t.strftime("%Y-%m-%d") if t.time() == datetime.time(0) else t.isoformat()
    want = sorted(set(local(e["date"]) for e in events()))
    check(dates[0] == "1992-05-08", "first date %r, expected 1992-05-08" % dates[0])
    check(dates == want, "dates %r,\nexpected the event dates of events.csv %r" % (dates, want))
    for d, h in by_date(rows).items():
        check(set(h) == {"AZ", "AM"}, "%s: holders %r, expected AZ and AM" % (d, sorted(h)))


@test("stats: AZ on 2020-11-25 minus AZ on 2020-11-20 is kalbajar's pyproj area")
def t_stats_kalbajar(c):
    b = by_date(stats_rows(c.ok("stats").out))
    for d in ("2020-11-20", "2020-11-25"):
        check(d in b, "no row for %s" % d)
    delta = b["2020-11-25"]["AZ"]["area_km2"] - b["2020-11-20"]["AZ"]["area_km2"]
    check_close(delta, region_km2("kalbajar"), "AZ gain 2020-11-20 -> 2020-11-25")
    delta_am = b["2020-11-20"]["AM"]["area_km2"] - b["2020-11-25"]["AM"]["area_km2"]
    check_close(delta_am, region_km2("kalbajar"), "AM loss 2020-11-20 -> 2020-11-25")


@test("stats: per date shares sum to 1 and areas sum to the total area of all regions")
def t_stats_sums(c):
    b = by_date(stats_rows(c.ok("stats").out))
    total = total_km2()
    for d, h in sorted(b.items()):
        share = sum(x["share"] for x in h.values())
        check(abs(share - 1) <= 1e-9, "%s: shares sum to %r" % (d, share))
        check_close(sum(x["area_km2"] for x in h.values()), total, "%s: sum of areas" % d)
        for x in h.values():
            check_close(x["share"], x["area_km2"] / total, "%s %s: share" % (d, x["holder"]),
                        abs_tol=1e-12)


@test("stats: area per holder at several dates equals pyproj areas of the regions snapshot gives them")
def t_stats_vs_snapshot(c):
    for d in ("1994-05-12", "2020-11-08", "2020-11-21", "2021-06-01", "2023-12-31"):
        snap = geojson(c.ok("snapshot", "--date", d))
        holders = {}
        seen = set()
        for f in snap["features"]:
            p = f["properties"]
            check(p["region"] not in seen, "%s: region %s twice in the snapshot" % (d, p["region"]))
            seen.add(p["region"])
            holders[p["holder"]] = holders.get(p["holder"], 0.0) + region_km2(p["region"])
        check(seen == set(regions()), "%s: snapshot covers %d of %d regions" % (d, len(seen), len(regions())))
        rows = stats_rows(c.ok("stats", "--step", "day", "--from", d, "--to", d).out)
        b = by_date(rows)
        check(list(b) == [d], "%s: stats dates %r" % (d, list(b)))
        for h in set(holders) | set(b[d]):
            want = holders.get(h, 0.0)
            got = b[d][h]["area_km2"] if h in b[d] else 0.0
            check_close(got, want, "%s: area of %s" % (d, h), abs_tol=1e-6)
        if d == "1994-05-12":  # README: the regions recorded AM total 12,522.1 km2
            check_close(b[d]["AM"]["area_km2"], 12522.1, "AM on 1994-05-12 vs README", rel=0, abs_tol=0.051)


@test("stats --step month --from 2020-09-01 --to 2020-12-31: month ends, two holders each")
def t_stats_month(c):
    rows = stats_rows(c.ok("stats", "--step", "month", "--from", "2020-09-01", "--to", "2020-12-31").out)
    b = by_date(rows)
    want = ["2020-09-30", "2020-10-31", "2020-11-30", "2020-12-31"]
    check(list(b) == want, "dates %r, expected %r" % (list(b), want))
    check(len(rows) == 8, "%d rows, expected 8" % len(rows))
    for d in want:
        check(set(b[d]) == {"AZ", "AM"}, "%s: holders %r" % (d, sorted(b[d])))
    # AM at the end of 2020: the three former NKAO regions (README: 2,429.1 km2)
    nkao = sum(region_km2(r) for r in ("khankendi-city", "khojaly", "khojavend"))
    check_close(b["2020-12-31"]["AM"]["area_km2"], nkao, "AM on 2020-12-31")
    check_close(nkao, 2429.1, "NKAO regions vs README", rel=0, abs_tol=0.051)
    # nothing changed between 1993-10-29 and 2020-10-04: the 1994 figure
    check_close(b["2020-09-30"]["AM"]["area_km2"], 12522.1, "AM on 2020-09-30", rel=0, abs_tol=0.051)
    # November: agdam and kalbajar returned, lachin not yet
    delta = b["2020-10-31"]["AM"]["area_km2"] - b["2020-11-30"]["AM"]["area_km2"]
    check_close(delta, region_km2("agdam") + region_km2("kalbajar") + region_km2("shusha")
                + region_km2("shusha-city"), "AM loss in November 2020")


@test("stats --step day --from 2020-11-24 --to 2020-11-26: three dates")
def t_stats_day(c):
    rows = stats_rows(c.ok("stats", "--step", "day", "--from", "2020-11-24", "--to", "2020-11-26").out)
    b = by_date(rows)
    want = ["2020-11-24", "2020-11-25", "2020-11-26"]
    check(list(b) == want, "dates %r, expected %r" % (list(b), want))
    check_close(b["2020-11-25"]["AZ"]["area_km2"] - b["2020-11-24"]["AZ"]["area_km2"],
                region_km2("kalbajar"), "AZ gain on 2020-11-25")
    check_close(b["2020-11-26"]["AZ"]["area_km2"], b["2020-11-25"]["AZ"]["area_km2"],
                "AZ 2020-11-26 vs 2020-11-25", abs_tol=1e-9)


@test("stats --step year: non-zero exit, message names the bad step and the valid ones")
def t_stats_bad_step(c):
    r = c.run("stats", "--step", "year")
    check(r.rc != 0, "exit status 0\n" + r.describe())
    check("date," not in r.out, "CSV on stdout: %r" % r.out[:200])
    check("year" in r.err and all(w in r.err for w in ("day", "week", "month", "event")),
          "stderr does not name 'year' and the valid steps: %r" % r.err)


@test("stats --from 2021-01-01 --to 2020-01-01: non-zero exit, says --from is after --to")
def t_stats_reversed(c):
    r = c.run("stats", "--from", "2021-01-01", "--to", "2020-01-01")
    check(r.rc != 0, "exit status 0\n" + r.describe())
    check("date," not in r.out, "CSV on stdout: %r" % r.out[:200])
    check(re.search(r"2021-01-01.*after.*2020-01-01", r.err),
          "stderr does not say 2021-01-01 is after 2020-01-01: %r" % r.err)


@test("stats -o stats.csv: writes the file, same rows as stdout")
def t_stats_file(c):
    ref = c.ok("stats").out
    r = c.ok("stats", "-o", "stats.csv")
    check(os.path.isfile(c.path("stats.csv")), "stats.csv not written")
    with open(c.path("stats.csv"), newline="", encoding="utf-8") as f:
        text = f.read()
    check(text.splitlines()[0] == "date,holder,area_km2,share,area_km2_min,area_km2_max", "header %r" % text.splitlines()[0])
    a, b = stats_rows(text), stats_rows(ref)
    check(len(a) == len(b) and len(a) > 0, "%d rows in the file, %d on stdout" % (len(a), len(b)))
    for x, y in zip(a, b):
        check(x["date"] == y["date"] and x["holder"] == y["holder"]
              and close(x["area_km2"], y["area_km2"], 1e-12), "row %r differs from %r" % (x, y))
    check("date,holder" not in r.out, "CSV also written to stdout")


# -------------------------------------------------------------------- check

@test("check on the shipped tracker: exit 0, 0 errors (table and json)")
def t_check_shipped(c):
    r = c.ok("check")
    check(re.search(r"\b0 error\(s\)", r.out), "no '0 error(s)' in: %r" % r.out)
    check(not re.search(r"^error:", r.out, re.M), "errors listed:\n" + r.out)
    d = json.loads(c.ok("check", "-f", "json").out)
    check(d["errors"] == 0, "errors %r" % d["errors"])
    check(not [p for p in d["problems"] if p["severity"] == "error"], "problems %r" % d["problems"])
    check(os.path.realpath(d["tracker"]) == os.path.realpath(KARABAKH),
          "tracker %r, expected the shipped %s (FRONTLINE_TRACKER unset)" % (d["tracker"], KARABAKH))


@test("check on fixture 'clean': exit 0, no problem")
def t_check_clean(c):
    case = c.fixture("clean")
    r = c.ok("-d", case, "check")
    check(re.search(r"\b0 error\(s\), 0 warning\(s\)", r.out), "summary line: %r" % r.out)
    d = json.loads(c.ok("-d", case, "check", "-f", "json").out)
    check(d["errors"] == 0 and d["problems"] == [], "json: %r" % d)
    # and the fixture is usable: r2 is B's from 2001-03-01 to 2003-01-01
    snap = geojson(c.ok("-d", case, "snapshot", "--date", "2002-01-01"))
    held = {f["properties"]["region"]: f["properties"]["holder"] for f in snap["features"]}
    check(held == {"r1": "A", "r2": "B", "r3": "A"}, "holders on 2002-01-01: %r" % held)


def overlap_km2(a, b):
    return geod_km2(a.intersection(b))


def _loc(msg, x, y):
    m = re.search(r"at \(" + NUM + r"[ ,]+" + NUM + r"\)", msg)
    return bool(m) and abs(float(m.group(1)) - x) < 1e-6 and abs(float(m.group(2)) - y) < 1e-6


def _overlap_ok(ids, a, b):
    def ok(msg):
        if not all("'%s'" % i in msg for i in ids):
            return False
        m = re.search(NUM + r"\s*km(²|2)", msg)
        return bool(m) and close(float(m.group(1)), overlap_km2(a, b), rel=1e-3)
    return ok


SQ = {"r1": box(10.0, 50.0, 10.1, 50.1), "r3": box(10.2, 50.0, 10.3, 50.1),
      "r4": box(10.25, 50.0, 10.35, 50.1), "r5": box(9.95, 50.0, 10.05, 50.1)}

# (file, line or feature, field, what the message must show, its description)
FAULTS = {
    "invalid-geometry": ("regions.geojson", 4, "geometry",
                         lambda m: "Self-intersection" in m and _loc(m, 10.35, 50.05),
                         "GEOS's reason 'Self-intersection' at (10.35 50.05)"),
    "overlap": ("regions.geojson", 4, "geometry", _overlap_ok(("r4", "r3"), SQ["r4"], SQ["r3"]),
                "both ids and the overlap's km² (pyproj, 0.1 %)"),
    "unknown-region": ("events.csv", 7, "regions", lambda m: "'r9'" in m, "the region 'r9'"),
    "unknown-actor": ("events.csv", 7, "to", lambda m: "'C'" in m, "the actor 'C'"),
    "wrong-from": ("events.csv", 7, "from",
                   lambda m: "e2b" in m and "r1" in m and re.search(r"\bA\b", m) and "2002-07-01" in m,
                   "the event e2b, region r1, its real holder A and the date"),
    "duplicate-id": ("events.csv", 7, "id", lambda m: "'e2'" in m, "the id 'e2'"),
    "dangling-corrects": ("events.csv", 7, "corrects", lambda m: "'e0'" in m, "the missing id 'e0'"),
    "zone-dates": ("zones.geojson", 2, "valid_to",
                   lambda m: "2002-02-01" in m and "2003-06-30" in m, "both dates"),
}


def where(file, line, field):
    sep = ":%d" % line if file.endswith(".csv") else ": feature %d" % line
    return "%s%s: field '%s'" % (file, sep, field)


def check_table(c, case, expected, nerrors):
    r = c.run("-d", case, "check")
    check(r.rc == 1, "exit status %d, expected 1\n%s" % (r.rc, r.describe()))
    lines = [l for l in r.out.splitlines() if l.startswith("error: ")]
    for file, line, field, ok, desc in expected:
        pre = "error: " + where(file, line, field) + ": "
        hits = [l for l in lines if l.startswith(pre)]
        check(hits, "no line starting %r in:\n%s" % (pre, r.out))
        check(any(ok(l[len(pre):]) for l in hits),
              "%r does not show %s" % (hits, desc))
    check(len(lines) == nerrors, "%d error lines, expected %d:\n%s" % (len(lines), nerrors, r.out))
    check(re.search(r"\b%d error\(s\)" % nerrors, r.out), "no '%d error(s)' in:\n%s" % (nerrors, r.out))


def check_json(c, case, expected, nerrors):
    r = c.run("-d", case, "check", "-f", "json")
    check(r.rc == 1, "exit status %d, expected 1\n%s" % (r.rc, r.describe()))
    try:
        d = json.loads(r.out)
    except ValueError as e:
        raise Failure("not JSON (%s): %r" % (e, r.out[:500]))
    check(d["errors"] >= 1, "errors %r" % d["errors"])
    errs = [p for p in d["problems"] if p["severity"] == "error"]
    for file, line, field, ok, desc in expected:
        hits = [p for p in errs if p["file"] == file and p["line"] == line and p["field"] == field]
        check(hits, "no problem with file %r line %r field %r in %s"
              % (file, line, field, json.dumps(d["problems"], indent=1, ensure_ascii=False)))
        check(any(ok(p["message"]) for p in hits), "%r does not show %s" % (hits, desc))
    check(d["errors"] == nerrors == len(errs), "errors %r, %d error problems, expected %d"
          % (d["errors"], len(errs), nerrors))


def _fault_tests(case):
    exp = [FAULTS[case]]

    def table(c):
        check_table(c, c.fixture(case), exp, 1)

    def js(c):
        check_json(c, c.fixture(case), exp, 1)
    file, line, field = exp[0][:3]
    test("check fixture '%s': exit 1, reports %s (table)" % (case, where(file, line, field)))(table)
    test("check fixture '%s': -f json has the problem with file, line, field" % case)(js)


for _case in FAULTS:
    _fault_tests(_case)

# The `many` fixture: eight faults at once; check must report every one.
MANY = [
    FAULTS["invalid-geometry"],
    ("regions.geojson", 5, "geometry", _overlap_ok(("r5", "r1"), SQ["r5"], SQ["r1"]),
     "both ids and the overlap's km²"),
    ("events.csv", 7, "regions", lambda m: "'r9'" in m, "the region 'r9'"),
    ("events.csv", 8, "to", lambda m: "'C'" in m, "the actor 'C'"),
    ("events.csv", 9, "from", lambda m: "e2e" in m and "r1" in m, "the event e2e and region r1"),
    ("events.csv", 10, "id", lambda m: "'e2'" in m, "the id 'e2'"),
    ("events.csv", 11, "corrects", lambda m: "'e0'" in m, "the missing id 'e0'"),
    ("zones.geojson", 2, "valid_to", lambda m: "2002-02-01" in m and "2003-06-30" in m, "both dates"),
]


@test("check fixture 'many': all eight faults reported (table)")
def t_check_many_table(c):
    check_table(c, c.fixture("many"), MANY, len(MANY))


@test("check fixture 'many': all eight faults in -f json")
def t_check_many_json(c):
    check_json(c, c.fixture("many"), MANY, len(MANY))


# ------------------------------------------------ what was asked (issue 18)
def record_bounds():
    """Dates (the tracker's days, Asia/Baku) of the start of the shipped
    tracker's first event and of the end of its last period (every event
    applies without filters but those corrected), from events.csv: after the
    latter the map no longer changes."""
    baku = zoneinfo.ZoneInfo("Asia/Baku")
    corrected = {e["corrects"] for e in events() if e["corrects"]}
    periods = [event_period(e["date"], baku) for e in events() if e["id"] not in corrected]
    return (min(p[0] for p in periods).astimezone(baku).date().isoformat(),
            max(p[1] for p in periods).astimezone(baku).date().isoformat())


@test("diff D1 D2 with D1 before the first event and D2 after the last: one warning each, the answer all the same")
def t_diff_outside(c):
    first, last = record_bounds()
    r = c.ok("diff", "1980-02-02", "2099-03-03", "--by", "actor")
    for want in ("frontline: 1980-02-02 is before the first event (%s): no territory is held yet" % first,
                 "frontline: 2099-03-03 is after the last event (%s): the map as of %s" % (last, last)):
        check(want in r.err, "stderr lacks %r:\n%s" % (want, r.err))
    same = c.ok("diff", "1980-02-02", last, "--by", "actor")
    check(geojson(r) == geojson(same), "diff to 2099-03-03 differs from diff to %s" % last)
    check(same.err.count("frontline:") == 1, "diff to %s (the last event's day): %r" % (last, same.err))
    r = c.ok("diff", D1, D2)
    check(r.err == "", "diff %s %s (inside the record) warns: %r" % (D1, D2, r.err))


SUMMARY_FILTERS = (
    (["--as-of", "2020-11-21"], "Filters: --as-of 2020-11-21", "2020-11-21", False),
    (["--status", "confirmed"], "Filters: --status confirmed", None, True),
    (["--status", "confirmed", "--as-of", "2020-11-21"], "Filters: --as-of 2020-11-21, --status confirmed",
     "2020-11-21", True),
    ([], None, None, False))


@test("diff --summary (table) names the filters in force: --as-of, --status confirmed, both, none")
def t_summary_filters_table(c):
    for extra, want, _, _ in SUMMARY_FILTERS:
        lines = c.ok("diff", D1, D2, "--summary", *extra).out.splitlines()
        check(lines[0] == "Changes from %s to %s" % (D1, D2), "%s: first line %r" % (extra, lines[0]))
        if want:
            check(lines[1] == want, "%s: second line %r, expected %r" % (extra, lines[1], want))
        else:
            check(not any(ln.startswith("Filters") for ln in lines), "no filter, yet: %r" % lines[:3])


@test("diff --summary -f json names the dates and filters: as_of, confirmed_only")
def t_summary_filters_json(c):
    for extra, _, as_of, conf in SUMMARY_FILTERS:
        d = json.loads(c.ok("diff", D1, D2, "--summary", "-f", "json", *extra).out)
        got = (d.get("from_date"), d.get("to_date"), d.get("as_of", "missing"), d.get("confirmed_only"))
        check(got == (D1, D2, as_of, conf), "%s: from_date, to_date, as_of, confirmed_only = %r" % (extra, got))


@test("diff --summary -f csv: every row names the dates and filters (from_date, to_date, as_of, confirmed_only)")
def t_summary_filters_csv(c):
    for extra, _, as_of, conf in SUMMARY_FILTERS:
        rows = list(csv.DictReader(io.StringIO(c.ok("diff", D1, D2, "--summary", "-f", "csv", *extra).out)))
        check(rows and {x["type"] for x in rows} == {"actor", "pair", "event"}, "%s: rows %r" % (extra, rows[:3]))
        for x in rows:
            got = (x.get("from_date"), x.get("to_date"), x.get("as_of"), x.get("confirmed_only"))
            check(got == (D1, D2, as_of or "", "true" if conf else "false"),
                  "%s: a %s row has from_date, to_date, as_of, confirmed_only = %r" % (extra, x["type"], got))


@test("log --from after --to: refused like diff (exit 2, suggests the right order), nothing on stdout")
def t_log_reversed(c):
    r = c.run("log", "--from", "2021-01-01", "--to", "2020-06-01")
    check(r.rc == 2, "exit status %d, expected 2\n%s" % (r.rc, r.describe()))
    check(r.out == "", "something on stdout: %r" % r.out[:200])
    check(re.search(r"2021-01-01.*is after.*2020-06-01", r.err), "stderr does not say which is after: %r" % r.err)
    check("log --from 2020-06-01 --to 2021-01-01" in r.err, "stderr does not suggest the right order: %r" % r.err)
    r = c.ok("log", "--from", "2020-11-25", "--to", "2020-11-25", "-f", "csv")
    ids = [x["id"] for x in csv.DictReader(io.StringIO(r.out))]
    want = [e["id"] for e in events() if e["date"][:10] == "2020-11-25"]
    check(ids == want and ids, "one day (--from = --to): %r, expected %r" % (ids, want))


def region_log_expected(folder):
    """region id -> [(id, date)] of the events.csv rows naming it (or `*`), in the order they
    apply (by date, then file order), read from the files alone."""
    with open(os.path.join(folder, "events.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(folder, "regions.geojson"), encoding="utf-8") as f:
        ids = [ft["properties"]["id"] for ft in json.load(f)["features"]]
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["date"], i))
    return {r: [(rows[i]["id"], rows[i]["date"]) for i in order
                if rows[i]["regions"] == "*" or r in rows[i]["regions"].split(";")] for r in ids}


@test("log --region reads the region's timelines: for every region of a tracker whose polygon events cut "
      "regions into several atoms, the events naming it (ids, dates, order, every column) as the full log "
      "filtered by region gives, from the sources and from the index; polygon events over it are not listed")
def t_log_region_index(c):
    t = generate_tracker(c.path("gen"), nevents=150, npolygons=6, seed=11)
    want = region_log_expected(t)
    # polygon events cover regions they do not name: the region's timelines hold them
    with open(os.path.join(t, "events.csv"), newline="") as f:
        polygon_ids = {r["id"] for r in csv.DictReader(f) if r["area"]}
    check(len(polygon_ids) == 6, "the fixture has %d polygon events" % len(polygon_ids))
    full = list(csv.DictReader(io.StringIO(c.ok("-d", t, "log", "-f", "csv").out)))
    check(os.path.exists(os.path.join(t, ".frontline-index")), "no index after the first open")
    for source in ("index", "sources"):
        for r, events in want.items():
            if source == "sources":  # each open from the sources writes the index again
                os.remove(os.path.join(t, ".frontline-index"))
            got = list(csv.DictReader(io.StringIO(c.ok("-d", t, "log", "--region", r, "-f", "csv").out)))
            pairs = [(x["id"], x["date"]) for x in got]
            check(pairs == events and events, "%s, region %s: %r, expected %r" % (source, r, pairs, events))
            check(not polygon_ids & {x["id"] for x in got}, "%s, region %s lists a polygon event" % (source, r))
            rows = [x for x in full if x["regions"] == "*" or r in x["regions"].split(";")]
            check(got == rows, "%s, region %s: rows differ from the full log's:\n%r\n%r" % (source, r, got, rows))
    # with the other filters: the same as the full log filtered
    r = max(want, key=lambda k: len(want[k]))
    mine = [x for x in full if r in x["regions"].split(";")]
    holder, mid = mine[-1]["to"], mine[len(mine) // 2]["date"]
    for extra in (["--holder", holder], ["--from", mine[1]["date"], "--to", mid]):
        got = c.ok("-d", t, "log", "--region", r, "-f", "json", *extra).out
        rows = json.loads(c.ok("-d", t, "log", "-f", "json", *extra).out)
        rows = [x for x in rows if x["regions"] == "*" or r in x["regions"].split(";")]
        check(json.loads(got) == rows and len(rows) > 1, "--region %s %s: %s, expected %r" % (r, extra, got, rows))


@test("stats --from before the first event, --to after the last: warned; the default range is not")
def t_stats_outside(c):
    first, last = record_bounds()
    r = c.ok("stats", "--from", "1980-01-01", "--to", "2099-01-01", "--step", "month")
    for want in ("frontline: 1980-01-01 is before the first event (%s): no territory is held yet" % first,
                 "frontline: 2099-01-01 is after the last event (%s)" % last):
        check(want in r.err, "stderr lacks %r:\n%s" % (want, r.err))
    r = c.ok("stats")
    check(r.err == "", "stats over the events' own range warns: %r" % r.err)

if __name__ == "__main__":
    sys.exit(main("fl-analysis-", context=Ctx))
