#!/usr/bin/python3
"""End-to-end tests of the analyst's daily workflow: `record --corrects` (a claim
confirmed, a date fixed), `record --recorded` (backfilling) and `--partial`,
`frontline retract` (an event withdrawn, nothing deleted), and `log` marking
what was corrected or retracted and `log --as-of`.  Every test runs on a folder
tracker and on its GeoPackage copy (`frontline copy`); every refusal names the
option, exits non-zero and leaves the tracker's bytes as they were.

The tracker: three unit squares a, b, c held by X from 2020-01-01.  Every
record gives --recorded, so that --as-of between two records needs no clock.

Usage: /usr/bin/python3 test_workflow.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import check, describe, main, run, run_fail, run_ok, snapshot, test, tree_bytes  # noqa: E402

HEADER = "id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial\n"
BASELINE = "e1,2020-01-01,a;b;c,X,,baseline,confirmed,src,,2020-01-01,,false\n"


def square(x):
    return {"type": "Feature", "properties": {"id": "abc"[x], "name": "ABC"[x]},
            "geometry": {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}}


def squares(tmp, store, rows=""):
    """The squares tracker as a folder, or its GeoPackage copy (store "gpkg")."""
    d = os.path.join(tmp, "sq")
    os.makedirs(d)
    with open(os.path.join(d, "actors.csv"), "w") as f:
        f.write("id,name,color\nX,Side X,#ff0000\nY,Side Y,#0000ff\n")
    with open(os.path.join(d, "regions.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": [square(x) for x in range(3)]}, f)
    with open(os.path.join(d, "events.csv"), "w") as f:
        f.write(HEADER + BASELINE + rows)
    if store == "folder":
        return d
    g = os.path.join(tmp, "sq.gpkg")
    run_ok(["copy", d, g], tmp)
    return g


def fl(t, tmp, *args):
    return run_ok(["-d", t] + list(args), tmp).stdout.strip()


def holders(t, date, tmp, *extra):
    """region -> (holder, event) on date."""
    doc = snapshot(t, date, tmp, list(extra))
    return {f["properties"]["region"]: (f["properties"]["holder"], f["properties"]["event"])
            for f in doc["features"]}


def log(t, tmp, *extra):
    p = run_ok(["-d", t, "log", "-f", "csv"] + list(extra), tmp)
    return {r["id"]: r for r in csv.DictReader(io.StringIO(p.stdout))}


def claim(t, tmp, date="2021-03-01", rec="2021-03-01T12:00Z", **kw):
    args = ["record", "--date", date, "--region", "b", "--to", "Y", "--from", "X", "--source", "a claim",
            "--id", kw.get("id", "claim"), "--recorded", rec]
    return fl(t, tmp, *args)


STORES = ("folder", "gpkg")


def both(name):
    """Register fn(tmp, store) once per store."""
    def deco(fn):
        for store in STORES:
            test("%s (%s)" % (name, store))(lambda tmp, s=store: fn(tmp, s))
        return fn
    return deco


# ------------------------------------------------------------ confirmation
@both("a claim confirmed with record --corrects ID --status confirmed: --status confirmed shows the ground "
      "only once the correction is recorded")
def _(tmp, store):
    t = squares(tmp, store)
    claim(t, tmp)
    # the confirmation repeats the claim (date, region, --to, --from, --source): not a duplicate
    cid = fl(t, tmp, "record", "--date", "2021-03-01", "--region", "b", "--to", "Y", "--from", "X",
             "--source", "a claim", "--corrects", "claim", "--status", "confirmed", "--recorded", "2021-03-10")
    ev = log(t, tmp)
    check(ev[cid]["kind"] == "correction" and ev[cid]["corrects"] == "claim" and ev[cid]["status"] == "confirmed",
          "the confirmation's row: %r" % ev[cid])
    check(ev["claim"]["corrected_by"] == cid and ev[cid]["corrected_by"] == "", "corrected_by: %r" % ev)
    got = holders(t, "2021-03-05", tmp, "--status", "confirmed")
    check(got["b"] == ("Y", cid), "--status confirmed after the confirmation: b %r" % (got["b"],))
    got = holders(t, "2021-03-05", tmp, "--status", "confirmed", "--as-of", "2021-03-09")
    check(got["b"] == ("X", "e1"), "--status confirmed --as-of before the confirmation: b %r" % (got["b"],))
    got = holders(t, "2021-03-05", tmp, "--as-of", "2021-03-09")
    check(got["b"] == ("Y", "claim"), "--as-of before the confirmation, claims counted: b %r" % (got["b"],))
    got = holders(t, "2021-03-05", tmp)
    check(got == {"a": ("X", "e1"), "b": ("Y", cid), "c": ("X", "e1")}, "now: %r" % got)
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 0 and "0 error(s), 0 warning(s)" in p.stdout, describe(p) + p.stdout)


@both("a date fixed by a correction moves the transfer: exact holders on the days between, --as-of before it "
      "the old date")
def _(tmp, store):
    t = squares(tmp, store)
    claim(t, tmp)
    cid = fl(t, tmp, "record", "--date", "2021-03-04", "--region", "b", "--to", "Y", "--from", "X",
             "--source", "the right date", "--corrects", "claim", "--recorded", "2021-03-06")
    check(log(t, tmp)[cid]["kind"] == "correction", "--corrects without --kind is a correction")
    for day, want in (("2021-02-28", "X"), ("2021-03-01", "X"), ("2021-03-02", "X"), ("2021-03-03", "X"),
                      ("2021-03-04", "Y"), ("2021-03-05", "Y")):
        got = holders(t, day, tmp)
        check(got["b"][0] == want and got["a"][0] == "X" and got["c"][0] == "X",
              "on %s: %r, expected b %s" % (day, got, want))
        old = holders(t, day, tmp, "--as-of", "2021-03-05")
        want_old = "X" if day < "2021-03-01" else "Y"
        check(old["b"][0] == want_old, "on %s --as-of 2021-03-05: %r, expected b %s" % (day, old, want_old))
    # a holder fixed: the claim said Y, it was X all along
    t2 = squares(os.path.join(tmp, "h"), store)
    claim(t2, tmp, id="c2")
    fl(t2, tmp, "record", "--date", "2021-03-01", "--region", "b", "--to", "X", "--from", "X",
       "--source", "it stayed X's", "--corrects", "c2", "--recorded", "2021-03-02")
    check(holders(t2, "2021-03-03", tmp)["b"][0] == "X", "holder fixed to X")
    check(holders(t2, "2021-03-03", tmp, "--as-of", "2021-03-01")["b"][0] == "Y", "--as-of before the fix")


# -------------------------------------------------------------- retraction
@both("retract withdraws an event: holders revert, log shows both, --as-of before the retraction the old state")
def _(tmp, store):
    t = squares(tmp, store)
    claim(t, tmp)
    fl(t, tmp, "record", "--date", "2021-04-01", "--region", "c", "--to", "Y", "--from", "X", "--source", "later",
       "--id", "later", "--recorded", "2021-04-01T06:00Z")
    rid = fl(t, tmp, "retract", "claim", "--source", "the claim was withdrawn", "--note", "n",
             "--recorded", "2021-03-15")
    check(rid == "claim-retraction", "printed id %r" % rid)
    got = holders(t, "2021-03-20", tmp)
    check(got == {"a": ("X", "e1"), "b": ("X", "e1"), "c": ("X", "e1")}, "after the retraction: %r" % got)
    got = holders(t, "2021-04-02", tmp)
    check(got["b"] == ("X", "e1") and got["c"] == ("Y", "later"), "the other events stay: %r" % got)
    got = holders(t, "2021-03-20", tmp, "--as-of", "2021-03-14")
    check(got["b"] == ("Y", "claim"), "--as-of before the retraction: %r" % got)
    ev = log(t, tmp)
    r = ev[rid]
    check((r["kind"], r["corrects"], r["regions"], r["to"], r["from"], r["date"], r["status"], r["source"],
           r["note"], r["recorded"]) == ("retraction", "claim", "", "", "", "2021-03-01", "confirmed",
                                         "the claim was withdrawn", "n", "2021-03-15"), "retraction row %r" % r)
    check(ev["claim"]["corrected_by"] == rid and ev["later"]["corrected_by"] == "", "corrected_by %r" % ev)
    table = run_ok(["-d", t, "log"], tmp).stdout
    line = [x for x in table.splitlines() if x.startswith("claim ")]
    check(line and "[retracted by claim-retraction]" in line[0], "table:\n" + table)
    line = [x for x in table.splitlines() if x.startswith("claim-retraction ")]
    check(line and "[retracts claim]" in line[0] and " retraction " in line[0], "table:\n" + table)
    j = {o["id"]: o for o in json.loads(run_ok(["-d", t, "log", "-f", "json"], tmp).stdout)}
    check(j[rid]["to"] is None and j[rid]["from"] is None and j["claim"]["corrected_by"] == rid
          and j["later"]["corrected_by"] is None, "json %r" % j)
    # the holder filter keeps a retraction of that holder's event
    check(rid in log(t, tmp, "--holder", "Y"), "log --holder Y lacks the retraction")
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 0 and " 0 error(s)" in p.stdout, describe(p) + p.stdout)
    # the events layer and export carry it (no `to`, no geometry)
    run_ok(["-d", t, "export", "-o", os.path.join(tmp, "x.gpkg")], tmp)
    s = run_ok(["-d", t, "stats", "--from", "2021-03-01", "--to", "2021-03-20", "--step", "event"], tmp).stdout
    check("Y" not in [row["holder"] for row in csv.DictReader(io.StringIO(s)) if float(row["area_km2"]) > 0],
          "stats gives Y ground after its only claim was retracted:\n" + s)


@both("log --as-of R: only the events recorded by R, only the corrections recorded by then marked; "
      "a withdrawn event and its retraction leave the range of events (the date warnings)")
def _(tmp, store):
    t = squares(tmp, store)
    claim(t, tmp)
    rid = fl(t, tmp, "retract", "claim", "--source", "withdrawn", "--recorded", "2021-03-15")
    ev = log(t, tmp, "--as-of", "2021-03-10")
    check(sorted(ev) == ["claim", "e1"] and ev["claim"]["corrected_by"] == "", "log --as-of 2021-03-10: %r" % ev)
    ev = log(t, tmp, "--as-of", "2021-03-01T11:00Z")
    check(sorted(ev) == ["e1"], "log --as-of before the claim: %r" % sorted(ev))
    ev = log(t, tmp, "--as-of", "2021-03-15")
    check(sorted(ev) == sorted(["claim", "e1", rid]) and ev["claim"]["corrected_by"] == rid, "%r" % ev)
    run_fail(["-d", t, "log", "--as-of", "soon"], tmp, ["--as-of", "soon"], code=2)
    # the last event that applies is e1: the retraction moves no ground, the claim no longer counts
    p = run_ok(["-d", t, "snapshot", "--date", "2021-06-01", "-o", "/dev/null"], tmp)
    check("after the last event (2020-01-01)" in p.stderr, "the range of events: %r" % p.stderr)


# --------------------------------------------------------------- backfill
@both("record --recorded backfills: the row says when it was learnt, --as-of between sees it only after")
def _(tmp, store):
    t = squares(tmp, store)
    eid = fl(t, tmp, "record", "--date", "2021-05-01", "--region", "c", "--to", "Y", "--from", "X",
             "--source", "learnt two days later", "--recorded", "2021-05-03T09:30:00Z", "--partial")
    r = log(t, tmp)[eid]
    check(r["recorded"] == "2021-05-03" and r["partial"] == "true", "row %r" % r)
    check(holders(t, "2021-05-02", tmp, "--as-of", "2021-05-02")["c"][0] == "X", "--as-of before it was learnt")
    check(holders(t, "2021-05-02", tmp, "--as-of", "2021-05-03")["c"][0] == "Y", "--as-of once learnt")
    doc = snapshot(t, "2021-05-02", tmp)
    c = [f["properties"] for f in doc["features"] if f["properties"]["region"] == "c"][0]
    check(c["partial"] is True, "--partial: the piece says partial: %r" % c)
    if store == "folder":
        with open(os.path.join(t, "events.csv")) as f:
            last = f.read().splitlines()[-1]
        check(",2021-05-03T09:30:00Z,,true" in last, "the row as written: %r" % last)


# ----------------------------------------------------------------- refusals
def refused(tmp, store, prep, args, want, code=2):
    t = squares(tmp, store)
    prep(t, tmp)
    run_ok(["-d", t, "log"], tmp)  # whatever a first open writes, before the bytes are taken
    before = tree_bytes(tmp)
    p = run_fail(["-d", t] + args, tmp, want, code=code)
    after = tree_bytes(tmp)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    check(not changed, "files changed or created: %r\n%s" % (changed, describe(p)))


def nothing(t, tmp):
    pass


def claimed(t, tmp):
    claim(t, tmp)


def corrected(t, tmp):
    claim(t, tmp)
    fl(t, tmp, "record", "--date", "2021-03-01", "--region", "b", "--to", "Y", "--from", "X", "--source", "conf",
       "--corrects", "claim", "--status", "confirmed", "--recorded", "2021-03-10", "--id", "conf")


def retracted(t, tmp):
    claim(t, tmp)
    fl(t, tmp, "retract", "claim", "--source", "gone", "--recorded", "2021-03-10")


REC = ["record", "--date", "2021-03-02", "--region", "b", "--to", "Y", "--from", "X", "--source", "s"]
for name, prep, args, want in (
        ("record --corrects an event already corrected: says by which", corrected,
         REC + ["--corrects", "claim", "--from", "X"], ["--corrects claim", "already corrected by event 'conf'"]),
        ("record --corrects a retraction", retracted, REC + ["--corrects", "claim-retraction"],
         ["--corrects claim-retraction", "a retraction", "record it again"]),
        ("record --corrects an event already retracted", retracted, REC + ["--corrects", "claim"],
         ["--corrects claim", "already retracted by event 'claim-retraction'"]),
        ("record --recorded in the future", nothing, REC + ["--recorded", "2999-01-01"],
         ["--recorded 2999-01-01", "in the future"]),
        ("record --recorded malformed", nothing, REC + ["--recorded", "yesterday"], ["--recorded", "yesterday"]),
        ("record --recorded empty", nothing, REC + ["--recorded", ""], ["--recorded", "empty"]),
        ("record --recorded more than a day before --date", nothing, REC + ["--recorded", "2021-02-27"],
         ["--recorded 2021-02-27", "more than a day before", "2021-03-02"]),
        ("record --recorded before the corrected event was recorded", claimed,
         REC + ["--corrects", "claim", "--recorded", "2021-03-01T06:00Z"],
         ["--recorded 2021-03-01T06:00Z", "before event 'claim' was recorded"]),
        ("record --kind retraction", nothing, REC + ["--kind", "retraction"],
         ["--kind retraction", "'frontline retract ID"]),
        ("retract an unknown event", nothing, ["retract", "nope", "--source", "s"], ["nope", "no event with this id"]),
        ("retract an event already corrected: says by which", corrected, ["retract", "claim", "--source", "s"],
         ["claim", "already corrected by event 'conf'", "retract that correction instead"]),
        ("retract an event already retracted", retracted, ["retract", "claim", "--source", "s"],
         ["claim", "already retracted by event 'claim-retraction'"]),
        ("retract a retraction", retracted, ["retract", "claim-retraction", "--source", "s"],
         ["claim-retraction", "a retraction", "record it again"]),
        ("retract without --source", claimed, ["retract", "claim"], ["--source"]),
        ("retract with an empty --source", claimed, ["retract", "claim", "--source", ""], ["--source"]),
        ("retract without an event id", claimed, ["retract", "--source", "s"], ["retract", "id"]),
        ("retract --recorded in the future", claimed, ["retract", "claim", "--source", "s", "--recorded", "2999-01-01"],
         ["--recorded 2999-01-01", "in the future"]),
        ("retract --recorded malformed", claimed, ["retract", "claim", "--source", "s", "--recorded", "2021-13-01"],
         ["--recorded", "2021-13-01"]),
        ("retract --recorded before the event was recorded", claimed,
         ["retract", "claim", "--source", "s", "--recorded", "2021-03-01T06:00Z"],
         ["--recorded 2021-03-01T06:00Z", "before event 'claim' was recorded"]),
        ("retract --id taken", claimed, ["retract", "claim", "--source", "s", "--id", "e1"], ["--id e1", "exists"]),
):
    for store in STORES:
        test("refused, tracker byte-identical: %s (%s)" % (name, store))(
            lambda tmp, s=store, p=prep, a=args, w=want: refused(tmp, s, p, a, w))


# ------------------------------------------------------------- the loader
for name, row, want in (
        ("a retraction with regions", "r,2021-03-01,b,,,retraction,confirmed,s,,2021-03-02,e1,false\n",
         "events.csv:3: field 'regions': 'b' in a retraction"),
        ("a retraction with to", "r,2021-03-01,,Y,,retraction,confirmed,s,,2021-03-02,e1,false\n",
         "events.csv:3: field 'to': 'Y' in a retraction"),
        ("a retraction with from", "r,2021-03-01,,,X,retraction,confirmed,s,,2021-03-02,e1,false\n",
         "events.csv:3: field 'from': 'X' in a retraction"),
        ("a retraction without corrects", "r,2021-03-01,,,,retraction,confirmed,s,,2021-03-02,,false\n",
         "events.csv:3: field 'corrects': empty: a retraction names the event it withdraws"),
        ("a retraction retracted", "r,2021-03-01,,,,retraction,confirmed,s,,2021-03-02,e1,false\n"
         "r2,2021-03-01,,,,retraction,confirmed,s,,2021-03-03,r,false\n",
         "events.csv:4: field 'corrects': 'r' is a retraction"),
        ("a retraction corrected", "r,2021-03-01,,,,retraction,confirmed,s,,2021-03-02,e1,false\n"
         "c,2021-03-01,b,Y,,correction,confirmed,s,,2021-03-03,r,false\n",
         "events.csv:4: field 'corrects': 'r' is a retraction"),
):
    test("check refuses %s: file, line and field" % name)(
        lambda tmp, r=row, w=want: check(w in run_fail(["-d", squares(tmp, "folder", r), "check"], tmp, []).stdout,
                                         "check does not say %r" % w))


@test("check and log accept a retraction as the loader wants it: no regions, to or from; corrects set")
def _(tmp):
    t = squares(tmp, "folder", "r,2020-01-01,,,,retraction,confirmed,s,,2021-03-02,e1,false\n")
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 0 and " 0 error(s)" in p.stdout, describe(p) + p.stdout)
    got = holders(t, "2021-03-05", tmp)
    check(all(h == (None, None) for h in got.values()), "every region's only event withdrawn: %r" % got)
    got = holders(t, "2021-03-01", tmp, "--as-of", "2021-03-01")
    check(all(h == ("X", "e1") for h in got.values()), "--as-of before the retraction: %r" % got)


if __name__ == "__main__":
    sys.exit(main("fl-workflow-"))
