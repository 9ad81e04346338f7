#!/usr/bin/python3
"""End-to-end tests of trackers in GeoPackage and PostgreSQL/PostGIS:
`frontline copy` round trips, snapshots pushed down into PostgreSQL compared
with the in-memory engine (Karabakh and generated trackers), the SQL
functions queried with psql, and `record` in PostGIS transactions.

Runs a throw-away PostgreSQL 15 + PostGIS 3 cluster (initdb in a temporary
folder as the postgres user, unix socket there); the PostgreSQL tests report
TAP SKIP only when PostgreSQL or PostGIS is not installed.

Usage: /usr/bin/python3 test_stores.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (BIN, KARABAKH, Postgres, check, copy_karabakh, generate_tracker,  # noqa: E402
                    log_csv, main, run, run_fail, run_ok, test, tree_bytes)
from osgeo import gdal, ogr  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()


def dates_of(tracker, cwd):
    out = set()
    for r in log_csv(tracker, cwd):
        d = datetime.date.fromisoformat(r["date"][:10])
        out |= {(d - datetime.timedelta(days=1)).isoformat(), d.isoformat()}
    return sorted(out) + ["2030-01-01"]


def nominal_karabakh(tmp, name="nominal"):
    """A copy of the shipped tracker whose events with a period (EDTF, e.g.
    2023-09-20/2023-10) take their period's start, the instant the engine
    applies them at: the SQL functions answer for plain dates and date-times
    only (a tracker with periods is answered by the in-memory engine)."""
    t = copy_karabakh(tmp, name)
    with open(os.path.join(t, "events.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["date"] = r["date"].split("/")[0]
    with open(os.path.join(t, "events.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return t


def same_snapshots(a, b, cwd, dates, extra=()):
    bad = []
    for d in dates:
        x = run_ok(["-d", a, "snapshot", "--date", d] + list(extra), cwd).stdout
        y = run_ok(["-d", b, "snapshot", "--date", d] + list(extra), cwd).stdout
        if x != y:
            bad.append(d)
    check(not bad, "snapshots differ on %d dates, first %s (%s vs %s)" % (len(bad), bad[:5], a, b))


def layer_rows(path, name):
    """Every feature of a tracker layer, fields and WKT, via osgeo.ogr."""
    if os.path.isdir(path):
        for ext in ("csv", "geojson"):
            f = os.path.join(path, "%s.%s" % (name, ext))
            if os.path.exists(f):
                ds = gdal.OpenEx(f, gdal.OF_VECTOR, open_options=["DATE_AS_STRING=YES"] if ext == "geojson" else [])
                break
        else:
            return None
        lyr = ds.GetLayer(0)
    else:
        ds = ogr.Open(path)
        lyr = ds.GetLayerByName(name)
        if lyr is None:
            return None
    rows = []
    for f in lyr:
        d = {k: (str(v) if v is not None else "") for k, v in f.items().items()}
        g = f.GetGeometryRef()
        d["_wkt"] = g.ExportToIsoWkt() if g else ""
        rows.append(d)
    return rows


def same_layers(a, b):
    for name in ("actors", "regions", "areas", "events", "zones"):
        ra, rb = layer_rows(a, name), layer_rows(b, name)
        check((ra is None) == (rb is None), "layer %s present in one only" % name)
        if ra is None:
            continue
        check(len(ra) == len(rb), "%s: %d vs %d rows" % (name, len(ra), len(rb)))
        for x, y in zip(ra, rb):
            diff = {k: (x.get(k), y.get(k)) for k in set(x) | set(y)
                    if k != "_wkt" and (x.get(k) or "") != (y.get(k) or "")}
            check(not diff, "%s row %s differs: %r" % (name, x.get("id"), diff))
            check(x["_wkt"] == y["_wkt"], "%s row %s: geometry differs" % (name, x.get("id")))


# ----------------------------------------------------------- without PostgreSQL
def no_pg(fn):
    def wrapped(tmp, ctx):
        return fn(tmp)
    wrapped.no_setup = True
    return wrapped


@test("copy folder -> GeoPackage -> folder: same rows, geometries, snapshots, events")
@no_pg
def _(tmp):
    a = copy_karabakh(tmp)
    g = os.path.join(tmp, "k.gpkg")
    b = os.path.join(tmp, "back")
    run_ok(["copy", a, g], tmp)
    run_ok(["copy", g, b], tmp)
    same_layers(a, b)
    same_snapshots(a, g, tmp, ["2020-11-25", "1995-01-01"])
    same_snapshots(a, b, tmp, ["2020-11-25", "2020-11-08"])
    check(log_csv(a, tmp) == log_csv(b, tmp), "events differ after the round trip")


def awkward_tracker(folder):
    """A generated tracker whose sources and notes hold what CSV makes hard:
    ';' lists, spaces at either end, quotes, commas, a line break, digits
    that look like numbers, non-ASCII; written with minimal quoting."""
    import csv
    generate_tracker(folder, nevents=20, npolygons=1)
    path = os.path.join(folder, "events.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    odd = ["a; b; c", " leading and trailing ", 'he said "held"', "x, y", "two\nlines",
           "007", "1e5", "Şuşa / Шуша", "=1+1", "tab\there", ";", ""]
    for k, r in enumerate(rows[1:]):
        r[7] = odd[k % len(odd)] or "s"
        r[8] = odd[(k + 3) % len(odd)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return folder


@test("copy folder -> GeoPackage -> folder gives back events.csv and actors.csv byte for byte")
@no_pg
def _(tmp):
    for name, src in (("shipped", copy_karabakh(tmp)), ("awkward", awkward_tracker(os.path.join(tmp, "w")))):
        g = os.path.join(tmp, name + ".gpkg")
        b = os.path.join(tmp, name + "-back")
        run_ok(["copy", src, g], tmp)
        run_ok(["copy", g, b], tmp)
        for f in ("events.csv", "actors.csv"):
            with open(os.path.join(src, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
                want, got = x.read().split(b"\n"), y.read().split(b"\n")
            bad = [(i + 1, w, g_) for i, (w, g_) in enumerate(zip(want, got)) if w != g_]
            check(len(want) == len(got) and not bad,
                  "%s %s: %d lines differ (%d vs %d lines), first %r" % (
                      name, f, len(bad), len(want), len(got), bad[:2]))
        check(log_csv(src, tmp) == log_csv(b, tmp), "%s: events differ after the round trip" % name)


@test("copy refuses: DST already a tracker, existing .gpkg, invalid SRC (file:line field); nothing written")
@no_pg
def _(tmp):
    a = copy_karabakh(tmp)
    b = copy_karabakh(tmp, "b")
    before = tree_bytes(tmp)
    run_fail(["copy", a, b], tmp, [b, "already holds a tracker"])
    g = os.path.join(tmp, "x.gpkg")
    open(g, "wb").close()
    run_fail(["copy", a, g], tmp, [g, "already exists"])
    os.unlink(g)
    check(tree_bytes(tmp) == before, "files changed")
    with open(os.path.join(a, "events.csv"), encoding="utf-8") as f:
        text = f.read().replace("2020-kalbajar,2020-11-25,", "2020-kalbajar,2020-11-31,", 1)
    with open(os.path.join(a, "events.csv"), "w", encoding="utf-8") as f:
        f.write(text)
    run_fail(["copy", a, os.path.join(tmp, "c.gpkg")], tmp, ["events.csv:", "field 'date'", "2020-11-31"])
    check(not os.path.exists(os.path.join(tmp, "c.gpkg")), "c.gpkg written")
    run_fail(["copy", a], tmp, ["SRC DST"], code=2)


# ------------------------------------------------------------- PostgreSQL
@test("round trip folder -> GeoPackage -> PostGIS -> folder (Karabakh): identical rows, snapshots, events, sources")
def _(tmp, pg):
    a = copy_karabakh(tmp)
    g = os.path.join(tmp, "k.gpkg")
    c = pg.conn(pg.new_db())
    b = os.path.join(tmp, "back")
    for src, dst in ((a, g), (g, c), (c, b)):
        run_ok(["copy", src, dst], tmp)
    same_layers(a, b)
    same_layers(a, c)
    dates = dates_of(a, tmp)
    same_snapshots(a, b, tmp, dates)
    same_snapshots(a, c, tmp, dates)
    same_snapshots(a, b, tmp, ["2020-11-08"], ["--as-of", "2020-11-08"])
    check(log_csv(a, tmp) == log_csv(b, tmp) == log_csv(c, tmp), "events differ")
    p = run(["-d", b, "check"], tmp)
    check(p.returncode == 0, "check of the copy: " + p.stdout[-400:])


@test("round trip folder -> GeoPackage -> PostGIS -> folder (generated, polygon events, corrections)")
def _(tmp, pg):
    a = generate_tracker(os.path.join(tmp, "gen"))
    g = os.path.join(tmp, "g.gpkg")
    c = pg.conn(pg.new_db())
    b = os.path.join(tmp, "back")
    for src, dst in ((a, g), (g, c), (c, b)):
        run_ok(["copy", src, dst], tmp)
    same_layers(a, b)
    same_snapshots(a, b, tmp, dates_of(a, tmp)[::3])
    same_snapshots(a, c, tmp, dates_of(a, tmp)[::3])
    check(log_csv(a, tmp) == log_csv(c, tmp), "events differ")


@test("PostGIS snapshots (pushed down) = in-memory engine, byte for byte: Karabakh, every event date, as-of, status")
def _(tmp, pg):
    # the shipped tracker's periods are answered by the engine, the same copy
    # with plain dates is pushed down: both the same as the folder
    for src in (KARABAKH, nominal_karabakh(tmp)):
        c = pg.conn(pg.new_db())
        run_ok(["copy", src, c], tmp)
        same_snapshots(src, c, tmp, dates_of(src, tmp))
        for d in ("2020-11-08", "2020-11-10", "2020-12-01"):
            same_snapshots(src, c, tmp, [d], ["--as-of", d])
            same_snapshots(src, c, tmp, [d], ["--status", "confirmed"])


@test("PostGIS snapshots = in-memory engine on a generated tracker (300 regions, 300 events, corrections)")
def _(tmp, pg):
    a = generate_tracker(os.path.join(tmp, "gen"), nx=20, ny=15, nevents=300, npolygons=0, seed=3)
    c = pg.conn(pg.new_db())
    run_ok(["copy", a, c], tmp)
    same_snapshots(a, c, tmp, dates_of(a, tmp)[::15])
    same_snapshots(a, c, tmp, dates_of(a, tmp)[::50], ["--status", "confirmed"])


@test("the snapshot query runs inside PostgreSQL: frontline_control_at called, no table pulled")
def _(tmp, pg):
    db = pg.new_db()
    c = pg.conn(db)
    run_ok(["copy", nominal_karabakh(tmp), c], tmp)
    start = os.path.getsize(pg.log)
    run_ok(["-d", c, "snapshot", "--date", "2020-11-25", "-o", os.path.join(tmp, "s.geojson")], tmp)
    with open(pg.log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        log = f.read()
    # the end of 2020-11-25 in Baku, the tracker's time zone
    check("frontline_control_at('2020-11-25T23:59:59+04:00'" in log, "no frontline_control_at call in the server log")
    pulls = [ln for ln in log.splitlines() if "CURSOR" in ln.upper() and ('"regions"' in ln or '"events"' in ln)]
    check(not pulls, "tables pulled by the client: %r" % pulls[:3])


@test("SELECT * FROM frontline_control_at('2020-11-25') in psql: same pieces and holders as the tool")
def _(tmp, pg):
    db = pg.new_db()
    t = nominal_karabakh(tmp)
    run_ok(["copy", t, pg.conn(db)], tmp)
    for d in ("2020-11-25", "2020-11-09", "1994-06-01"):
        out = pg.psql(db, "SELECT region || '|' || coalesce(holder, '') || '|' || coalesce(event, '') "
                          "FROM frontline_control_at('%s')" % d)
        got = sorted(tuple(ln.split("|")) for ln in out.split())
        doc = json.loads(run_ok(["-d", t, "snapshot", "--date", d], tmp).stdout)
        want = sorted((f["properties"]["region"], f["properties"]["holder"] or "", f["properties"]["event"] or "")
                      for f in doc["features"])
        check(got == want, "%s: SQL and tool differ: %r" % (d, sorted(set(got) ^ set(want))[:5]))
    areas = dict(ln.split("|") for ln in pg.psql(db, "SELECT holder || '|' || area_km2 FROM "
                                                     "frontline_area_at('2020-11-25')").split())
    doc = json.loads(run_ok(["-d", t, "snapshot", "--date", "2020-11-25", "--by", "actor"], tmp).stdout)
    for f in doc["features"]:
        h, a = f["properties"]["holder"], f["properties"]["area_km2"]
        check(abs(float(areas[h]) - a) < 1e-6 * a, "%s: SQL %s km2, tool %.6f" % (h, areas[h], a))
    n = pg.psql(db, "SELECT count(*) FROM frontline_control_at('2020-11-25'::timestamptz)").strip()
    check(n == "78", "timestamptz overload: %s rows" % n)


@test("record into PostGIS: one transaction; 20 concurrent writers all land once; refused writes nothing")
def _(tmp, pg):
    db = pg.new_db()
    c = pg.conn(db)
    run_ok(["copy", KARABAKH, c], tmp)
    run_ok(["-d", c, "record", "--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ",
            "--source", "pg"], tmp)
    n0 = pg.psql(db, "SELECT count(*) FROM events").strip()
    run_fail(["-d", c, "record", "--date", "2024-01-06", "--region", "kalbajar", "--to", "AZ", "--from", "AZ",
              "--source", "x"], tmp, ["--from AZ", "held by AM"])
    run_fail(["-d", c, "record", "--date", "2024-01-06", "--region", "nowhere", "--to", "AZ", "--source", "x"],
             tmp, ["--region nowhere"])
    check(pg.psql(db, "SELECT count(*) FROM events").strip() == n0, "a refused record wrote a row")
    procs = [subprocess.Popen([BIN, "-d", c, "record", "--date", "2024-03-%02d" % (i + 1), "--region", "lachin",
                               "--to", "AM" if i % 2 else "AZ", "--source", "w%d" % i, "--id", "w%02d" % i],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(20)]
    outs = [(p.communicate(timeout=300), p.returncode) for p in procs]
    check(all(rc == 0 for _, rc in outs), "failed: %r" % [o[1] for o, rc in outs if rc][:3])
    ids = pg.psql(db, "SELECT id FROM events WHERE id LIKE 'w%' ORDER BY id").split()
    check(ids == ["w%02d" % i for i in range(20)], "ids %r" % ids)
    doc = json.loads(run_ok(["-d", c, "snapshot", "--date", "2024-01-05"], tmp).stdout)
    k = [f["properties"] for f in doc["features"] if f["properties"]["region"] == "kalbajar"][0]
    check(k["holder"] == "AM" and k["event"] == "2024-01-05-kalbajar", "pushed-down snapshot after record: %r" % k)


@test("record --corrects and retract into PostGIS: pushed-down snapshots and frontline_control_at follow them, "
      "--as-of before each sees the old state; a refused retract writes nothing")
def _(tmp, pg):
    db = pg.new_db()
    c = pg.conn(db)
    run_ok(["copy", KARABAKH, c], tmp)

    def kalbajar(*extra):
        doc = json.loads(run_ok(["-d", c, "snapshot", "--date", "2024-01-07"] + list(extra), tmp).stdout)
        return [(f["properties"]["holder"], f["properties"]["event"]) for f in doc["features"]
                if f["properties"]["region"] == "kalbajar"][0]

    def sql(as_of="NULL", confirmed="false"):
        return pg.psql(db, "SELECT holder || ' ' || event FROM frontline_control_at('2024-01-07', %s, %s) "
                           "WHERE region = 'kalbajar'" % (as_of, confirmed)).strip()
    base = ["--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ", "--source", "pg"]
    run_ok(["-d", c, "record"] + base + ["--id", "claim", "--recorded", "2024-01-05T12:00Z"], tmp)
    run_ok(["-d", c, "record"] + base + ["--id", "conf", "--corrects", "claim", "--status", "confirmed",
                                         "--recorded", "2024-01-06"], tmp)
    check(kalbajar("--status", "confirmed") == ("AM", "conf") and sql(confirmed="true") == "AM conf",
          "confirmed: %r, SQL %r" % (kalbajar("--status", "confirmed"), sql(confirmed="true")))
    check(kalbajar("--status", "confirmed", "--as-of", "2024-01-05")[0] == "AZ", "--as-of before the confirmation")
    run_ok(["-d", c, "retract", "conf", "--source", "withdrawn", "--recorded", "2024-01-07"], tmp)
    check(kalbajar() == ("AZ", "2020-kalbajar") and sql() == "AZ 2020-kalbajar",
          "after the retraction: %r, SQL %r" % (kalbajar(), sql()))
    check(kalbajar("--as-of", "2024-01-06") == ("AM", "conf") and sql("'2024-01-06'") == "AM conf",
          "--as-of before the retraction: %r, SQL %r" % (kalbajar("--as-of", "2024-01-06"), sql("'2024-01-06'")))
    row = pg.psql(db, "SELECT kind, corrects, coalesce(regions, ''), coalesce(\"to\", '') FROM events "
                      "WHERE id = 'conf-retraction'").strip()
    check(row == "retraction|conf||", "the retraction's row: %r" % row)
    n0 = pg.psql(db, "SELECT count(*) FROM events").strip()
    run_fail(["-d", c, "retract", "conf", "--source", "again"], tmp, ["conf", "already retracted"], code=2)
    run_fail(["-d", c, "retract", "conf-retraction", "--source", "x"], tmp, ["a retraction"], code=2)
    check(pg.psql(db, "SELECT count(*) FROM events").strip() == n0, "a refused retract wrote a row")
    p = run(["-d", c, "check"], tmp)
    check(p.returncode == 0, "check: " + p.stdout[-400:])


@test("copy into a database that already holds a tracker: refused, names the table, nothing written")
def _(tmp, pg):
    db = pg.new_db()
    c = pg.conn(db)
    run_ok(["copy", KARABAKH, c], tmp)
    n0 = pg.psql(db, "SELECT count(*) FROM events").strip()
    run_fail(["copy", KARABAKH, c], tmp, ["already has a table 'actors'"])
    check(pg.psql(db, "SELECT count(*) FROM events").strip() == n0, "rows changed")


def new_york(tmp):
    """Three regions in America/New_York; B takes r2 on 2021-03-14 (the day its
    clocks jump to EDT: the day starts at 05:00Z) and r3 at 23:30 that day."""
    t = os.path.join(tmp, "ny")
    os.makedirs(t)
    with open(os.path.join(t, "actors.csv"), "w") as f:
        f.write("id,name,color,kind,note\nA,Side A,#1f77b4,control,\nB,Side B,#ff7f0e,control,\n")
    sq = [[[-74 + 0.1 * i, 40.5], [-73.9 + 0.1 * i, 40.5], [-73.9 + 0.1 * i, 40.6], [-74 + 0.1 * i, 40.6],
           [-74 + 0.1 * i, 40.5]] for i in (1, 2, 3)]
    with open(os.path.join(t, "regions.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "r%d" % i, "name": "R%d" % i, "alt_names": "",
                                               "kind": "district", "parent": "US"},
             "geometry": {"type": "Polygon", "coordinates": [sq[i - 1]]}} for i in (1, 2, 3)]}, f)
    with open(os.path.join(t, "events.csv"), "w") as f:
        f.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial\n"
                "base,2021-01-01,*,A,,baseline,confirmed,s,,2021-01-01,,false\n"
                "take-r2,2021-03-14,r2,B,A,capture,confirmed,s,,2021-03-14,,false\n"
                "take-r3,2021-03-14T23:30,r3,B,A,capture,confirmed,s,,2021-03-15,,false\n")
    with open(os.path.join(t, "tracker.csv"), "w") as f:
        f.write("key,value\ntime_zone,America/New_York\n")
    return t


@test("a tracker in America/New_York in PostGIS: the SQL functions and the pushed-down snapshot read its days")
def _(tmp, pg):
    a = new_york(tmp)
    db = pg.new_db()
    c = pg.conn(db)
    run_ok(["copy", a, c], tmp)
    z = pg.psql(db, "SELECT frontline_time_zone()").strip()
    check(z == "America/New_York", "frontline_time_zone() %r" % z)
    for t, r2, r3 in (("2021-03-13", "A", "A"), ("2021-03-14", "B", "B"), ("2021-03-14T04:59:59Z", "A", "A"),
                      ("2021-03-14T05:00:00Z", "B", "A"), ("2021-03-14T23:29", "B", "A")):
        got = dict(ln.split("|") for ln in pg.psql(db, "SELECT region || '|' || holder FROM "
                                                       "frontline_control_at('%s')" % t).split())
        check((got["r2"], got["r3"]) == (r2, r3), "frontline_control_at('%s'): %r, expected %s %s" % (t, got, r2, r3))
    since = pg.psql(db, "SELECT extract(epoch FROM since)::bigint FROM frontline_control_at('2021-03-20') "
                        "WHERE region = 'r2'").strip()
    check(since == "1615698000", "since of r2 %r, expected 2021-03-14T05:00Z (New York's midnight)" % since)
    start = os.path.getsize(pg.log)
    same_snapshots(a, c, tmp, ["2021-03-13", "2021-03-14", "2021-03-15"])
    with open(pg.log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        log = f.read()
    check("frontline_control_at('2021-03-14T23:59:59-04:00'" in log, "the snapshot was not pushed down in "
          "New York's day")
    check(pg.psql(db, "SELECT key || '=' || value FROM tracker").split() == ["time_zone=America/New_York"],
          "tracker table")
    b = os.path.join(tmp, "back")
    run_ok(["copy", c, b], tmp)
    check(tree_bytes(b)["tracker.csv"] == tree_bytes(a)["tracker.csv"], "tracker.csv changed through PostGIS")


@test("contested ground in PostGIS: the parties column travels, snapshots = the folder's (not pushed down)")
def _(tmp, pg):
    a = os.path.join(tmp, "ct")
    os.makedirs(a)
    with open(os.path.join(a, "actors.csv"), "w", encoding="utf-8") as f:
        f.write("id,name,color,kind,note\nAM,Armenia,#ff0000,control,\nAZ,Azerbaijan,#0000ff,control,\n")
    with open(os.path.join(a, "regions.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": r, "name": r, "alt_names": "", "kind": "d", "parent": ""},
             "geometry": {"type": "Polygon", "coordinates": [
                [[40 + i, 40], [41 + i, 40], [41 + i, 41], [40 + i, 41], [40 + i, 40]]]}}
            for i, r in enumerate(("R1", "R2"))]}, f)
    with open(os.path.join(a, "events.csv"), "w", encoding="utf-8") as f:
        f.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial,parties\n"
                "e1,2020-01-01,*,AM,,baseline,confirmed,s,,,,,\n"
                "e2,2020-02-01,R2,contested,AM,capture,confirmed,s,,,,,AZ;AM\n"
                "e3,2020-03-01,R2,AZ,contested:AM+AZ,capture,confirmed,s,,,,,\n")
    c = pg.conn(pg.new_db())
    run_ok(["copy", a, c], tmp)
    same_layers(a, c)
    same_snapshots(a, c, tmp, ["2020-01-15", "2020-02-15", "2020-03-15"])
    doc = json.loads(run_ok(["-d", c, "snapshot", "--date", "2020-02-15"], tmp).stdout)
    r2 = [f["properties"] for f in doc["features"] if f["properties"]["region"] == "R2"][0]
    check((r2["holder"], r2["contested"]) == (None, "AM;AZ"), "R2 from PostGIS: %r" % r2)


if __name__ == "__main__":
    sys.exit(main("fl-stores-", setup=Postgres, teardown=lambda pg: pg.stop()))
