#!/usr/bin/python3
"""End-to-end tests of `frontline record`: validation before writing (refused
records leave every file byte-identical), concurrent writers (20 processes at
once all land, exactly once each), and crash safety (SIGKILL at random
points of a recording loop leaves a tracker that opens and holds a prefix of
the events).  Folder trackers and GeoPackage trackers.

Usage: /usr/bin/python3 test_record.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (BIN, KARABAKH, check, copy_karabakh, describe, log_csv, main, run, run_fail,  # noqa: E402
                    run_ok, snapshot, test, tree_bytes)

REGIONS = ["kalbajar", "lachin", "agdam", "fuzuli", "jabrayil", "zangilan", "qubadli", "shusha"]


def events_rows(t):
    with open(os.path.join(t, "events.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ids_with(t, prefix, cwd):
    return [r["id"] for r in log_csv(t, cwd) if r["id"].startswith(prefix)]


def file_ids_with(t, prefix):
    return [r["id"] for r in events_rows(t) if r["id"].startswith(prefix)]


# ------------------------------------------------------------------ basics
@test("record appends one row with every field, recorded = now, prints the id; the tracker checks clean")
def _(tmp):
    t = copy_karabakh(tmp)
    n0 = len(events_rows(t))
    before = time.time()
    p = run_ok(["-d", t, "record", "--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ",
                "--source", 'a source, with "quotes"', "--note", "line note", "--kind", "handover",
                "--status", "disputed"], tmp)
    check(p.stdout.strip() == "2024-01-05-kalbajar", "printed id %r" % p.stdout)
    rows = events_rows(t)
    check(len(rows) == n0 + 1, "%d rows, expected %d" % (len(rows), n0 + 1))
    r = rows[-1]
    want = {"id": "2024-01-05-kalbajar", "date": "2024-01-05", "regions": "kalbajar", "to": "AM", "from": "AZ",
            "kind": "handover", "status": "disputed", "source": 'a source, with "quotes"', "note": "line note",
            "corrects": "", "partial": "false"}
    bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
    check(not bad, "row fields (got, expected): %r" % bad)
    rec = time.mktime(time.strptime(r["recorded"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    check(before - 5 <= rec <= time.time() + 5, "recorded %r is not now" % r["recorded"])
    run_ok(["-d", t, "check"], tmp)
    m = {f["properties"]["region"]: f["properties"] for f in snapshot(t, "2024-01-05", tmp)["features"]}
    check(m["kalbajar"]["holder"] == "AM" and m["kalbajar"]["event"] == "2024-01-05-kalbajar",
          "snapshot after record: %r" % m["kalbajar"])
    p = run_ok(["-d", t, "record", "--date", "2024-01-05", "--region", "kalbajar;lachin", "--to", "AZ",
                "--source", "s"], tmp)
    check(p.stdout.strip() == "2024-01-05-kalbajar-2", "second id %r" % p.stdout)
    check(events_rows(t)[-1]["regions"] == "kalbajar;lachin" and events_rows(t)[-1]["status"] == "claimed",
          "default status claimed, regions joined: %r" % events_rows(t)[-1])


@test("record --area FILE: the polygon goes to areas.geojson, the event names it; the region splits")
def _(tmp):
    t = copy_karabakh(tmp)
    poly = os.path.join(tmp, "front.geojson")
    with open(poly, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon", "coordinates": [[[46.0, 39.9], [46.4, 39.9], [46.4, 40.2], [46.0, 40.2],
                                                [46.0, 39.9]]]}}]}, f)
    p = run_ok(["-d", t, "record", "--date", "2024-02-01", "--area", poly, "--to", "AM", "--from", "AZ",
                "--source", "front line report"], tmp)
    aid = p.stdout.strip()
    check(events_rows(t)[-1]["area"] == aid, "event row %r" % events_rows(t)[-1])
    with open(os.path.join(t, "areas.geojson")) as f:
        areas = json.load(f)
    check([a["properties"]["id"] for a in areas["features"]] == [aid], "areas %r" % areas)
    run_ok(["-d", t, "record", "--date", "2024-02-02", "--area", poly, "--to", "AZ", "--from", "AM",
            "--source", "second"], tmp)
    with open(os.path.join(t, "areas.geojson")) as f:
        check(len(json.load(f)["features"]) == 2, "second polygon not appended")
    run_ok(["-d", t, "check"], tmp)
    s = snapshot(t, "2024-02-01", tmp)
    held = {(f["properties"]["region"], f["properties"]["holder"]) for f in s["features"]}
    split = [r for r, h in held if (r, "AZ") in held and (r, "AM") in held]
    check(split, "no region split between AZ and AM on 2024-02-01")


# --------------------------------------------------------- refused records
def refused(tmp, args, want, code=2):
    t = copy_karabakh(tmp)
    before = tree_bytes(tmp)
    run_fail(["-d", t, "record"] + args, tmp, want, code=code)
    after = tree_bytes(tmp)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    check(not changed, "files changed or created: %r" % changed)


BASE = ["--date", "2024-01-05", "--source", "s"]
for name, args, want in (
        ("unknown region", ["--region", "nowhere", "--to", "AM"], ["--region nowhere", "unknown region"]),
        ("unknown --to actor", ["--region", "kalbajar", "--to", "XX"], ["--to XX", "unknown actor"]),
        ("unknown --from actor", ["--region", "kalbajar", "--to", "AM", "--from", "YY"], ["--from YY", "unknown actor"]),
        ("--from not the holder then", ["--region", "kalbajar", "--to", "AZ", "--from", "AM"],
         ["--from AM", "kalbajar", "held by AZ", "2020-kalbajar"]),
        ("--from not the holder on 2020-11-24 for lachin", ["--region", "lachin", "--to", "AM", "--from", "AZ",
                                                           "--date", "2020-11-24"], ["--from AZ", "lachin", "held by AM"]),
        ("bad date", ["--region", "kalbajar", "--to", "AM", "--date", "2024-02-30"], ["--date", "2024-02-30"]),
        ("no area", ["--to", "AM"], ["--region", "--area"]),
        ("duplicate --id", ["--region", "kalbajar", "--to", "AM", "--id", "2020-kalbajar"], ["--id 2020-kalbajar", "exists"]),
        ("unknown --status", ["--region", "kalbajar", "--to", "AM", "--status", "rumour"], ["--status rumour"]),
        ("unknown --kind", ["--region", "kalbajar", "--to", "AM", "--kind", "raid"], ["--kind raid"]),
        ("missing --area file", ["--area", "/nonexistent/x.geojson", "--to", "AM"], ["--area /nonexistent/x.geojson"]),
):
    test("refused, files byte-identical: %s" % name)(
        lambda tmp, a=args, w=want: refused(tmp, BASE + a if "--date" not in a else ["--source", "s"] + a, w))


@test("refused, files byte-identical: no --source")
def _(tmp):
    refused(tmp, ["--date", "2024-01-05", "--region", "kalbajar", "--to", "AM"], ["--source"])


@test("refused, files byte-identical: --area with a self-intersecting polygon names the file and feature")
def _(tmp):
    poly = os.path.join(tmp, "bow.geojson")
    with open(poly, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon", "coordinates": [[[46, 40], [46.2, 40.2], [46.2, 40], [46, 40.2], [46, 40]]]}}]}, f)
    refused(tmp, BASE + ["--area", poly, "--to", "AM"], [poly, "feature 1", "invalid polygon"])


@test("refused on a tracker with a bad row: names file:line field, exit 1, nothing written")
def _(tmp):
    t = copy_karabakh(tmp)
    path = os.path.join(t, "events.csv")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[2] = lines[2].replace(",confirmed,", ",sure,", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    before = tree_bytes(tmp)
    run_fail(["-d", t, "record"] + BASE + ["--region", "kalbajar", "--to", "AM"], tmp,
             ["events.csv:3", "field 'status'"], code=1)
    check(tree_bytes(tmp) == before, "files changed")


# ------------------------------------------------------------ concurrency
def concurrent(tmp, t, n=20):
    procs = []
    for i in range(n):
        args = [BIN, "-d", t, "record", "--date", "2024-03-%02d" % (1 + i % 28), "--region", REGIONS[i % len(REGIONS)],
                "--to", "AM" if i % 2 else "AZ", "--source", "concurrent writer %d" % i, "--id", "w%02d" % i]
        procs.append(subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp))
    outs = [(p, *p.communicate(timeout=300)) for p in procs]
    bad = [(p.args[-1], p.returncode, err.strip()) for p, _, err in outs if p.returncode != 0]
    check(not bad, "failed writers: %r" % bad[:5])
    return ["w%02d" % i for i in range(n)]


@test("20 record processes started at once (folder): all land, exactly once each; check passes")
def _(tmp):
    t = copy_karabakh(tmp)
    n0 = len(events_rows(t))
    want = concurrent(tmp, t)
    got = file_ids_with(t, "w")
    check(sorted(got) == want, "ids in events.csv: %r" % sorted(got))
    check(len(events_rows(t)) == n0 + 20, "%d rows, expected %d" % (len(events_rows(t)), n0 + 20))
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 0, "check after concurrent records\n" + describe(p) + p.stdout[-500:])
    check(not [f for f in os.listdir(t) if ".tmp-" in f], "temporary files left: %r" % os.listdir(t))


@test("20 record processes started at once (generated ids): 20 distinct ids, all land")
def _(tmp):
    t = copy_karabakh(tmp)
    procs = [subprocess.Popen([BIN, "-d", t, "record", "--date", "2024-04-01", "--region", "kalbajar", "--to", "AM",
                               "--source", "same id base %d" % i], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=tmp) for i in range(20)]
    outs = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    check(all(rc == 0 for _, _, rc in outs), "failed: %r" % [e for _, e, rc in outs if rc][:3])
    ids = sorted(o.strip() for o, _, _ in outs)
    check(len(set(ids)) == 20, "ids not distinct: %r" % ids)
    check(sorted(file_ids_with(t, "2024-04-01-kalbajar")) == ids, "ids in the file differ from those printed")


# ----------------------------------------------------------------- crashes
def prefix_check(t, expected, cur, cwd):
    """The tracker opens; our events are `expected` or `expected + [cur]`."""
    p = run(["-d", t, "log", "-f", "csv"], cwd)
    check(p.returncode == 0, "tracker does not open after SIGKILL\n" + describe(p))
    got = [r["id"] for r in csv.DictReader(p.stdout.splitlines()) if r["id"].startswith("k")]
    got_file = file_ids_with(t, "k")
    check(sorted(got) == sorted(got_file), "log and file disagree")
    ok = got_file == expected or (cur and got_file == expected + [cur])
    check(ok, "events %r are not a prefix: expected %r (+ %r)" % (got_file, expected, cur))
    return got_file


@test("SIGKILL at random points of one record process, 40 times: opens, holds a prefix")
def _(tmp):
    t = copy_karabakh(tmp)
    rnd = random.Random(11)
    expected, i, landed, killed = [], 0, 0, 0
    for trial in range(40):
        eid = "k%03d" % i
        p = subprocess.Popen([BIN, "-d", t, "record", "--date", "2024-05-%02d" % (1 + i % 28), "--region",
                              REGIONS[i % len(REGIONS)], "--to", "AM" if i % 2 else "AZ", "--source", "loop",
                              "--id", eid], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
        time.sleep(rnd.uniform(0, 0.35))
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed += p.returncode == -signal.SIGKILL
        expected = prefix_check(t, expected, eid, tmp)
        if expected and expected[-1] == eid:
            i += 1
            landed += 1
    print("# %d trials: %d killed before exiting, %d events landed" % (40, killed, landed))
    check(killed > 5, "the kills came too late to test anything (%d)" % killed)


@test("SIGKILL of a shell loop of records (process group) at random times, 4 times: opens, holds a prefix")
def _(tmp):
    t = copy_karabakh(tmp)
    rnd = random.Random(5)
    expected = []
    for trial in range(4):
        start = len(expected)
        script = "\n".join(
            "%s -d %s record --date 2024-06-%02d --region %s --to %s --source loop --id k%03d || exit 1" % (
                BIN, t, 1 + k % 28, REGIONS[k % len(REGIONS)], "AM" if k % 2 else "AZ", k)
            for k in range(start, start + 40))
        p = subprocess.Popen(["sh", "-c", script], start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.3, 1.5))
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        time.sleep(0.05)
        p2 = run(["-d", t, "log", "-f", "csv"], tmp)
        check(p2.returncode == 0, "tracker does not open\n" + describe(p2))
        got = file_ids_with(t, "k")
        want = ["k%03d" % k for k in range(len(got))]
        check(got == want, "trial %d: events %r are not a prefix of the loop" % (trial, got[-5:]))
        check(len(got) >= start, "events lost")
        expected = got
    print("# %d events landed over 4 killed loops" % len(expected))


# -------------------------------------------------------------- GeoPackage
@test("record into a GeoPackage tracker: a transaction; 20 concurrent writers all land; refusal writes nothing")
def _(tmp):
    gpkg = os.path.join(tmp, "k.gpkg")
    run_ok(["copy", copy_karabakh(tmp), gpkg], tmp)
    run_ok(["-d", gpkg, "record", "--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ",
            "--source", "gpkg"], tmp)
    ev = {r["id"]: r for r in log_csv(gpkg, tmp)}
    check("2024-01-05-kalbajar" in ev and ev["2024-01-05-kalbajar"]["from"] == "AZ", "not recorded")
    before = open(gpkg, "rb").read()
    run_fail(["-d", gpkg, "record", "--date", "2024-01-06", "--region", "kalbajar", "--to", "AZ", "--from", "AZ",
              "--source", "x"], tmp, ["--from AZ", "held by AM"])
    check(open(gpkg, "rb").read() == before, "refused record changed the GeoPackage")
    want = concurrent(tmp, gpkg)
    got = sorted(r["id"] for r in log_csv(gpkg, tmp) if r["id"].startswith("w"))
    check(got == want, "ids: %r" % got)


# --------------------------------------------------- the tracker record writes
@test("record without -d and without FRONTLINE_TRACKER: exit 2, says to name the tracker with -d, "
      "the shipped sample untouched")
def _(tmp):
    before = tree_bytes(KARABAKH)
    try:
        p = run(["record"] + BASE + ["--region", "kalbajar", "--to", "AM"], tmp)
        check(p.returncode == 2, "expected exit 2\n" + describe(p))
        check("-d" in p.stderr and "tracker" in p.stderr, "stderr: %r" % p.stderr)
        # the same with the variable naming the shipped sample itself
        p = run(["record"] + BASE + ["--region", "kalbajar", "--to", "AM"], tmp,
                env={"FRONTLINE_TRACKER": KARABAKH + "/"})
        check(p.returncode == 2 and "-d" in p.stderr, "FRONTLINE_TRACKER=the sample\n" + describe(p))
    finally:  # the old code wrote into the sample: put it back before failing
        after = tree_bytes(KARABAKH)
        for name, data in before.items():
            if after.get(name) != data:
                with open(os.path.join(KARABAKH, name), "wb") as f:
                    f.write(data)
        for name in set(after) - set(before):
            os.remove(os.path.join(KARABAKH, name))
    check(after == before, "the shipped sample changed: %r" % sorted(k for k in after if after[k] != before.get(k)))
    # named explicitly, a tracker is written: with the variable, and with -d
    t = copy_karabakh(tmp)
    p = run_ok(["record"] + BASE + ["--region", "kalbajar", "--to", "AM", "--id", "by-env"], tmp,
               env={"FRONTLINE_TRACKER": t})
    check(file_ids_with(t, "by-env") == ["by-env"], "not written through FRONTLINE_TRACKER")


for name, args, want in (
        ("--to a presence actor (RU-PK)", ["--region", "kalbajar", "--to", "RU-PK"], ["--to RU-PK", "presence"]),
        ("--from a presence actor (TR-RU-JMC)", ["--region", "kalbajar", "--to", "AM", "--from", "TR-RU-JMC"],
         ["--from TR-RU-JMC", "presence"]),
        ("--source not UTF-8 (Latin-1)", ["--region", "kalbajar", "--to", "AM", "--source", "caf\udce9"],
         ["--source", "not UTF-8"]),
        ("--note not UTF-8 (a surrogate)", ["--region", "kalbajar", "--to", "AM", "--note", "x\udced\udca0\udc80"],
         ["--note", "not UTF-8"]),
        ("--id not UTF-8 (an overlong)", ["--region", "kalbajar", "--to", "AM", "--id", "a\udcc0\udcaf"],
         ["--id", "not UTF-8"]),
        ("--kind correction without --corrects", ["--region", "kalbajar", "--to", "AM", "--kind", "correction"],
         ["--corrects"]),
        ("--corrects naming no event", ["--region", "kalbajar", "--to", "AM", "--kind", "correction",
                                        "--corrects", "nope"], ["--corrects nope"]),
        ("--to unknown: every actor id listed", ["--region", "kalbajar", "--to", "XX"],
         ["--to XX", "AZ, AM, RU-PK, TR-RU-JMC"]),
        ("--from unknown: every actor id listed", ["--region", "kalbajar", "--to", "AM", "--from", "YY"],
         ["--from YY", "AZ, AM, RU-PK, TR-RU-JMC"]),
        ("--area naming no file: says so", ["--area", "nothere.geojson", "--to", "AM"],
         ["--area nothere.geojson", "no such file"]),
):
    test("refused, files byte-identical: %s" % name)(
        lambda tmp, a=args, w=want: refused(tmp, BASE + a, w))


@test("refused, files byte-identical: --area a file no GDAL driver reads: says the format is not recognised")
def _(tmp):
    with open(os.path.join(tmp, "garbage.geojson"), "w") as f:
        f.write("garbage\n")
    refused(tmp, BASE + ["--area", "garbage.geojson", "--to", "AM"], ["--area garbage.geojson", "not recognised"])


@test("record --kind correction --corrects ID: written with 'corrects'; the claim it confirms is replaced; check clean")
def _(tmp):
    t = copy_karabakh(tmp)
    run_ok(["-d", t, "record", "--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ",
            "--source", "claim", "--id", "claim1"], tmp)
    # --from AZ is checked with the corrected claim left out (else kalbajar would be AM's by then)
    p = run_ok(["-d", t, "record", "--date", "2024-01-06", "--region", "kalbajar", "--to", "AM", "--from", "AZ",
                "--kind", "correction", "--corrects", "claim1", "--status", "confirmed", "--source", "confirmed"], tmp)
    r = events_rows(t)[-1]
    check(r["id"] == p.stdout.strip() and r["kind"] == "correction" and r["corrects"] == "claim1",
          "row %r" % r)
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 0 and "0 error(s), 0 warning(s)" in p.stdout, describe(p) + p.stdout)
    m = {f["properties"]["region"]: f["properties"] for f in snapshot(t, "2024-01-05", tmp)["features"]}
    check(m["kalbajar"]["holder"] == "AZ", "the corrected claim still applies on 2024-01-05: %r" % m["kalbajar"])
    m = {f["properties"]["region"]: f["properties"] for f in snapshot(t, "2024-01-06", tmp)["features"]}
    check(m["kalbajar"]["holder"] == "AM" and m["kalbajar"]["status"] == "confirmed", "%r" % m["kalbajar"])


if __name__ == "__main__":
    sys.exit(main("fl-record-"))
