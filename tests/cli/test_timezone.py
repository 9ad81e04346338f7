#!/usr/bin/python3
"""End-to-end tests of a tracker's time zone (tracker.csv `time_zone`, the
`tracker` table of a GeoPackage): date-only events and queries mean the
zone's days, and every date the tool shows is in it.

The shipped Karabakh tracker is in Asia/Baku (UTC+4): the trilateral
statement (2020-11-10T00:00+03:00) falls on 2020-11-10 there.  A small
tracker in America/New_York has its events on 2021-03-14, the day its
clocks jump from EST (UTC-5) to EDT (UTC-4) at 02:00.

Usage: /usr/bin/python3 test_timezone.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import datetime
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (BIN, KARABAKH, Failure, check, copy_karabakh, generate_tracker, main, run,  # noqa: E402
                    run_fail, run_ok, snapshot, stats_rows, test, tree_bytes)
from osgeo import ogr  # noqa: E402

ogr.UseExceptions()


def square(x, y, d=0.1):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def new_york(tmp, zone="America/New_York"):
    """Three regions; B takes r2 on 2021-03-14 (date only: 05:00Z, EST's
    midnight) and r3 at 2021-03-14T23:30-04:00 (03:30Z on the 15th)."""
    t = os.path.join(tmp, "ny")
    os.makedirs(t)
    with open(os.path.join(t, "actors.csv"), "w") as f:
        f.write("id,name,color,kind,note\nA,Side A,#1f77b4,control,\nB,Side B,#ff7f0e,control,\n")
    feats = [{"type": "Feature", "properties": {"id": "r%d" % i, "name": "R%d" % i},
              "geometry": square(-74 + 0.1 * i, 40.5)} for i in (1, 2, 3)]
    with open(os.path.join(t, "regions.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    with open(os.path.join(t, "events.csv"), "w") as f:
        f.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial\n"
                "base,2021-01-01,*,A,,baseline,confirmed,s,,2021-01-01,,false\n"
                "take-r2,2021-03-14,r2,B,A,capture,confirmed,s,,2021-03-14,,false\n"
                "take-r3,2021-03-14T23:30-04:00,r3,B,A,capture,confirmed,s,,2021-03-15,,false\n")
    if zone:
        with open(os.path.join(t, "tracker.csv"), "w") as f:
            f.write("key,value\ntime_zone,%s\n" % zone)
    return t


def log_table(tracker, tmp):
    """id -> the date column of `log`'s table."""
    out = {}
    for ln in run_ok(["-d", tracker, "log"], tmp).stdout.splitlines()[1:]:
        parts = ln.split()
        out[parts[0]] = parts[1]
    return out


def holders(doc):
    return {f["properties"]["region"]: f["properties"] for f in doc["features"]}


# ------------------------------------------------------------ the shipped tracker
@test("shipped tracker: log shows the trilateral statement (2020-11-10T00:00+03:00) on 2020-11-10, Baku's day")
def _(tmp):
    dates = log_table(KARABAKH, tmp)
    check(dates.get("2020-statement-south") == "2020-11-10",
          "log: 2020-statement-south on %r, expected 2020-11-10" % dates.get("2020-statement-south"))
    check(dates.get("2020-kalbajar") == "2020-11-25", "log: 2020-kalbajar on %r" % dates.get("2020-kalbajar"))
    rows = list(csv.DictReader(io.StringIO(run_ok(["log", "-f", "csv"], tmp).stdout)))
    st = [r for r in rows if r["id"] == "2020-statement-south"][0]
    check(st["date"] == "2020-11-10T00:00+03:00", "log -f csv keeps the date as written: %r" % st["date"])
    # --from/--to are Baku's days: the statement is on the 10th, not the 9th
    p = run_ok(["log", "--from", "2020-11-10", "--to", "2020-11-10"], tmp)
    check("2020-statement-south" in p.stdout, "log --from/--to 2020-11-10 lacks the statement:\n" + p.stdout)
    p = run_ok(["log", "--from", "2020-11-09", "--to", "2020-11-09"], tmp)
    check("2020-statement-south" not in p.stdout, "log --from/--to 2020-11-09 has the statement")
    run_ok(["-d", KARABAKH, "check"], tmp)


@test("shipped tracker: a date-only event starts at Baku's midnight (20:00Z the day before)")
def _(tmp):
    for at, want in (("2020-11-24T19:59:59Z", "AM"), ("2020-11-24T20:00:00Z", "AZ"),
                     ("2020-11-24", "AM"), ("2020-11-25", "AZ"), ("2020-11-24T23:59", "AM")):
        got = holders(snapshot(KARABAKH, at, tmp))["kalbajar"]["holder"]
        check(got == want, "snapshot --date %s: kalbajar %r, expected %s" % (at, got, want))
    since = holders(snapshot(KARABAKH, "2020-11-30", tmp))["fuzuli"]["since"]
    check(since == "2020-10-17", "fuzuli since %r" % since)


@test("shipped tracker: export's valid_from carries +04:00 (GeoJSON, CSV)")
def _(tmp):
    out = os.path.join(tmp, "e.geojson")
    run_ok(["export", "-o", out], tmp)
    with open(out) as f:
        doc = json.load(f)
    kal = sorted((f["properties"]["valid_from"], f["properties"]["valid_to"]) for f in doc["features"]
                 if f["properties"]["region"] == "kalbajar")
    check(kal == [("1992-05-08T00:00:00+04:00", "1993-04-02T00:00:00+04:00"),
                  ("1993-04-02T00:00:00+04:00", "2020-11-25T00:00:00+04:00"),
                  ("2020-11-25T00:00:00+04:00", None)], "kalbajar periods %r" % kal)
    out = os.path.join(tmp, "e.csv")
    run_ok(["export", "-o", out], tmp)
    with open(out) as f:
        rows = [r for r in csv.DictReader(f) if r["region"] == "kalbajar" and not r["valid_to"]]
    check([r["valid_from"] for r in rows] == ["2020-11-25T00:00:00+04:00"], "CSV valid_from %r" % rows)


# ----------------------------------------------------- a tracker on a DST day
@test("America/New_York, events on 2021-03-14 (DST starts): snapshot dates and instants, since")
def _(tmp):
    t = new_york(tmp)
    for at, r2, r3 in (("2021-03-13", "A", "A"), ("2021-03-14", "B", "B"), ("2021-03-15", "B", "B"),
                       ("2021-03-14T04:59:59Z", "A", "A"), ("2021-03-14T05:00:00Z", "B", "A"),
                       ("2021-03-15T03:29:59Z", "B", "A"), ("2021-03-14T23:30", "B", "B"),
                       ("2021-03-14T23:29", "B", "A")):
        h = holders(snapshot(t, at, tmp))
        check((h["r2"]["holder"], h["r3"]["holder"]) == (r2, r3),
              "--date %s: r2 %s r3 %s, expected %s %s" % (at, h["r2"]["holder"], h["r3"]["holder"], r2, r3))
    h = holders(snapshot(t, "2021-03-20", tmp))
    check(h["r2"]["since"] == "2021-03-14" and h["r3"]["since"] == "2021-03-14" and h["r1"]["since"] == "2021-01-01",
          "since: %r" % {k: v["since"] for k, v in h.items()})
    p = run_ok(["-d", t, "snapshot", "--date", "2021-03-14", "--summary", "-o", os.path.join(tmp, "s.geojson")],
               tmp)
    check("Control on 2021-03-14" in p.stdout, "summary heading:\n" + p.stdout)
    check(re.search(r"2021-03-14\s+r2\s+\S+\s+->\s+B", p.stdout) and
          re.search(r"2021-03-14\s+r3\s+\S+\s+->\s+B", p.stdout),
          "summary handovers on 2021-03-14:\n" + p.stdout)


@test("America/New_York: log, diff, diff --summary and stats dates are New York's")
def _(tmp):
    t = new_york(tmp)
    dates = log_table(t, tmp)
    check(dates == {"base": "2021-01-01", "take-r2": "2021-03-14", "take-r3": "2021-03-14"}, "log dates %r" % dates)
    doc = json.loads(run_ok(["-d", t, "diff", "2021-03-13", "2021-03-14", "--by", "region"], tmp).stdout)
    ch = {f["properties"]["region"]: f["properties"] for f in doc["features"]}
    check(sorted(ch) == ["r2", "r3"], "diff 2021-03-13 2021-03-14: regions %r" % sorted(ch))
    check(ch["r3"]["first_date"] == ch["r3"]["last_date"] == "2021-03-14" and ch["r2"]["first_date"] == "2021-03-14",
          "diff dates %r" % ch)
    p = run_ok(["-d", t, "diff", "2021-03-13", "2021-03-14", "--summary"], tmp)
    check(re.search(r"2021-03-14\s+take-r3", p.stdout) and re.search(r"2021-03-14\s+take-r2", p.stdout),
          "diff --summary events:\n" + p.stdout)
    rows = stats_rows(run_ok(["-d", t, "stats", "--step", "day", "--from", "2021-03-13", "--to", "2021-03-15"],
                             tmp).stdout)
    b = {r["date"]: float(r["area_km2"]) for r in rows if r["holder"] == "B" and float(r["area_km2"]) > 0}
    check(sorted(b) == ["2021-03-14", "2021-03-15"], "stats --step day: B on %r" % sorted(b))
    rows = stats_rows(run_ok(["-d", t, "stats"], tmp).stdout)
    dates = sorted({r["date"] for r in rows})
    check(dates == ["2021-01-01", "2021-03-14", "2021-03-14T23:30:00-04:00"], "stats per event: %r" % dates)


@test("America/New_York: export's valid_from carries -05:00 before 02:00 on 2021-03-14, -04:00 after")
def _(tmp):
    t = new_york(tmp)
    out = os.path.join(tmp, "e.geojson")
    run_ok(["-d", t, "export", "-o", out], tmp)
    with open(out) as f:
        doc = json.load(f)
    got = sorted((f["properties"]["region"], f["properties"]["valid_from"]) for f in doc["features"])
    check(got == [("r1", "2021-01-01T00:00:00-05:00"), ("r2", "2021-01-01T00:00:00-05:00"),
                  ("r2", "2021-03-14T00:00:00-05:00"), ("r3", "2021-01-01T00:00:00-05:00"),
                  ("r3", "2021-03-14T23:30:00-04:00")], "valid_from %r" % got)


# ------------------------------------------------------------------ server
def serve(tracker):
    proc = subprocess.Popen([BIN, "-d", tracker, "serve", "--port", "0"], stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if k != "FRONTLINE_TRACKER"})
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"listening on http://[^ ]+:(\d+)", line)
        if m:
            return proc, int(m.group(1))
        if not line:
            break
    proc.kill()
    raise Failure("the server did not start")


def get_json(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=60) as r:
        return json.loads(r.read())


@test("serve: events/items?datetime=2020-11-10 returns the trilateral statement; extents and control in Baku")
def _(tmp):
    proc, port = serve(KARABAKH)
    try:
        doc = get_json(port, "/collections/events/items?datetime=2020-11-10&f=json")
        ids = [f["properties"]["id"] for f in doc["features"]]
        check(ids == ["2020-statement-south"], "datetime=2020-11-10: events %r" % ids)
        doc = get_json(port, "/collections/events/items?datetime=2020-11-09&f=json")
        check(not doc["features"], "datetime=2020-11-09: %d events" % len(doc["features"]))
        c = get_json(port, "/collections/events?f=json")
        iv = c["extent"]["temporal"]["interval"][0]
        check(iv[0] == "1992-05-08T00:00:00+04:00", "events' extent starts %r" % iv[0])
        h = holders(get_json(port, "/collections/control/items?datetime=2020-11-24&f=json&limit=1000"))
        check(h["kalbajar"]["holder"] == "AM", "control 2020-11-24: kalbajar %r" % h["kalbajar"]["holder"])
        h = holders(get_json(port, "/collections/control/items?datetime=2020-11-24T20:00:00Z&f=json&limit=1000"))
        check(h["kalbajar"]["holder"] == "AZ", "control 20:00Z: kalbajar %r" % h["kalbajar"]["holder"])
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


# ------------------------------------------------------------------ stores
@test("copy to a GeoPackage keeps the zone (a `tracker` table) and back to a folder gives tracker.csv as it was")
def _(tmp):
    a = copy_karabakh(tmp)
    g = os.path.join(tmp, "k.gpkg")
    run_ok(["copy", a, g], tmp)
    ds = ogr.Open(g)
    lyr = ds.GetLayerByName("tracker")
    check(lyr is not None, "no tracker table in the GeoPackage")
    check([(f.GetField("key"), f.GetField("value")) for f in lyr] == [("time_zone", "Asia/Baku")],
          "tracker table rows")
    ds = None
    check(log_table(g, tmp)["2020-statement-south"] == "2020-11-10", "log of the GeoPackage")
    check(snapshot(g, "2020-11-24", tmp) == snapshot(a, "2020-11-24", tmp), "snapshots differ")
    b = os.path.join(tmp, "back")
    run_ok(["copy", g, b], tmp)
    check(tree_bytes(b)["tracker.csv"] == tree_bytes(a)["tracker.csv"], "tracker.csv changed in the round trip")
    # the export (a GeoPackage that is itself a tracker) too
    e = os.path.join(tmp, "e.gpkg")
    run_ok(["-d", a, "export", "-o", e], tmp)
    check(log_table(e, tmp)["2020-statement-south"] == "2020-11-10", "log of the export")


@test("bad time zones and keys: tracker.csv:LINE: field 'value' / 'key', exit 1, nothing written")
def _(tmp):
    t = new_york(tmp)
    out = os.path.join(tmp, "s.geojson")
    for body, field, words in (("time_zone,Mars/Olympus", "value", ["Mars/Olympus"]),
                               ("time_zone,../etc/passwd", "value", ["../etc/passwd", "not a time zone name"]),
                               ("time_zone,/etc/passwd", "value", ["/etc/passwd"]),
                               ("time_zone,", "value", ["time zone"]),
                               ("time_zone,Asia", "value", ["Asia", "not a TZif file"]),
                               ("time_zone,zone.tab", "value", ["zone.tab", "not a time zone name"]),
                               ("colour,red", "key", ["unknown key 'colour'", "time_zone"])):
        with open(os.path.join(t, "tracker.csv"), "w") as f:
            f.write("key,value\n" + body + "\n")
        run_fail(["-d", t, "snapshot", "--date", "2021-03-14", "-o", out], tmp,
                 ["tracker.csv:2: field '%s'" % field] + words, code=1)
        check(not os.path.exists(out), "%s: output written" % body)
        p = run(["-d", t, "check"], tmp)
        check(p.returncode == 1 and "tracker.csv:2: field '%s'" % field in p.stdout + p.stderr,
              "check with %s: %s" % (body, (p.stdout + p.stderr)[-300:]))
    with open(os.path.join(t, "tracker.csv"), "w") as f:
        f.write("key,value\ntime_zone,Asia/Baku\ntime_zone,UTC\n")
    run_fail(["-d", t, "log"], tmp, ["tracker.csv:3: field 'key'", "twice"], code=1)
    with open(os.path.join(t, "tracker.csv"), "w") as f:
        f.write("name,value\ntime_zone,Asia/Baku\n")
    run_fail(["-d", t, "log"], tmp, ["tracker.csv", "key"], code=1)


@test("the index: editing tracker.csv takes effect on the next open (it is part of the sources' key)")
def _(tmp):
    t = generate_tracker(os.path.join(tmp, "gen"))  # polygon events: indexed
    first = sorted(log_table(t, tmp).values())[0]
    check(os.path.exists(os.path.join(t, ".frontline-index")), "no index was made")
    prev = (datetime.date.fromisoformat(first) - datetime.timedelta(days=1)).isoformat()
    at = prev + "T12:00:00Z"  # the first day in Kiritimati (UTC+14) began at 10:00Z the day before

    def held():
        doc = json.loads(run_ok(["-d", t, "snapshot", "--date", at], tmp).stdout)
        return any(f["properties"]["holder"] for f in doc["features"])

    check(not held(), "UTC: held at %s, before the first event (%s)" % (at, first))
    with open(os.path.join(t, "tracker.csv"), "w") as f:
        f.write("key,value\ntime_zone,Pacific/Kiritimati\n")
    check(held(), "Pacific/Kiritimati: nothing held at %s (the index was not rebuilt?)" % at)
    check(log_table(t, tmp)[sorted(log_table(t, tmp))[0]], "log")
    os.remove(os.path.join(t, "tracker.csv"))
    check(not held(), "UTC again: held at %s" % at)


if __name__ == "__main__":
    sys.exit(main("fl-tz-"))
