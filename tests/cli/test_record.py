#!/usr/bin/python3
"""End-to-end tests of `frontline record`: validation before writing (refused
records leave every file byte-identical), concurrent writers (20 processes at
once all land, exactly once each), and crash safety (SIGKILL at random
points of a recording loop leaves a tracker that opens and holds a prefix of
the events).  Folder trackers and GeoPackage trackers.

Usage: /usr/bin/python3 test_record.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import csv
import datetime
import json
import math
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import (BIN, KARABAKH, Skip, check, copy_karabakh, describe, generate_tracker, log_csv, main,  # noqa: E402
                    run, run_fail, run_ok, snapshot, test, tree_bytes)

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
    # now, with the tracker's offset (Karabakh: Asia/Baku, +04:00)
    check(r["recorded"].endswith("+04:00"), "recorded %r lacks the tracker's offset" % r["recorded"])
    rec = datetime.datetime.fromisoformat(r["recorded"]).timestamp()
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


# ------------------------------------------------ the tracker's extent
def rect(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def polygon_file(path, ring):
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                              "geometry": {"type": "Polygon",
                                                                           "coordinates": [ring]}}]}, f)
    return path


def rect_km2(x0, y0, x1, y1):
    """Area of a lon/lat rectangle on the WGS 84 ellipsoid (authalic formula: exact for
    parallels; the test's rectangles are small enough for geodesic edges to match)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def q(lat):
        s = math.sin(math.radians(lat))
        return (1 - e2) * (s / (1 - e2 * s * s) - 1 / (2 * e) * math.log((1 - e * s) / (1 + e * s)))
    return a * a * math.radians(x1 - x0) / 2 * (q(y1) - q(y0)) / 1e6


def areas_features(t):
    with open(os.path.join(t, "areas.geojson")) as f:
        return json.load(f)["features"]


def grid(tmp, name="g"):
    """generate_tracker's grid: regions cover 10.0-10.6 E, 50.0-50.5 N."""
    return generate_tracker(os.path.join(tmp, name))


def km2_in(text):
    return [float(x) for x in re.findall(r"([0-9]+\.[0-9]+) km²", text)]


@test("record --area: inside the regions kept as drawn; a sliver outside clipped off, warning with its geodesic km²")
def _(tmp):
    t = grid(tmp)
    inside = polygon_file(os.path.join(tmp, "in.geojson"), rect(10.1, 50.1, 10.3, 50.3))
    p = run_ok(["-d", t, "record", "--date", "2010-01-01", "--area", inside, "--to", "B", "--source", "in"], tmp)
    check(p.stderr == "", "a polygon inside the regions gave: %r" % p.stderr)
    got = areas_features(t)[-1]["geometry"]["coordinates"][0]
    check(sorted(map(tuple, got)) == sorted(map(tuple, rect(10.1, 50.1, 10.3, 50.3))), "stored %r" % got)
    # 0.0005 degrees over the eastern border along 0.2 degrees: about 0.8 km², 0.1 % of the polygon
    sliver = polygon_file(os.path.join(tmp, "sliver.geojson"), rect(10.1, 50.1, 10.6005, 50.3))
    p = run_ok(["-d", t, "record", "--date", "2010-01-02", "--area", sliver, "--to", "B", "--source", "s"], tmp)
    aid = p.stdout.strip()
    check("warning" in p.stderr and sliver in p.stderr and "clipped" in p.stderr, "no warning: %r" % p.stderr)
    want = rect_km2(10.6, 50.1, 10.6005, 50.3)
    got = km2_in(p.stderr)
    check(len(got) == 1 and abs(got[0] - want) <= 0.005 * want, "warning says %r km², expected %.3f: %r"
          % (got, want, p.stderr))
    feat = areas_features(t)[-1]
    check(feat["properties"]["id"] == aid, "last area %r" % feat["properties"])
    xs = [c[0] for c in feat["geometry"]["coordinates"][0]]
    check(max(xs) <= 10.6 + 1e-9 and min(xs) == 10.1, "not clipped to the regions: x %r" % xs)
    p = run_ok(["-d", t, "check"], tmp)
    # the generated log names no `from` on some events, which check warns of;
    # what matters here is that it has nothing to say of the clipped area
    check(" 0 error(s)" in p.stdout and "field 'area'" not in p.stdout,
          "check after a clipped record:\n" + p.stdout[-800:])


@test("record --area: a polygon outside the regions refused (exit 2, byte-identical) with km², the lat/lon hint")
def _(tmp):
    t = grid(tmp)
    half = polygon_file(os.path.join(tmp, "half.geojson"), rect(10.1, 50.1, 10.8, 50.3))
    away = polygon_file(os.path.join(tmp, "away.geojson"), rect(20, 50.1, 20.1, 50.3))
    swapped = polygon_file(os.path.join(tmp, "latlon.geojson"), [[y, x] for x, y in rect(10.1, 50.1, 10.3, 50.3)])
    base = ["-d", t, "record", "--date", "2010-01-01", "--to", "B", "--source", "s", "--area"]
    run_ok(["-d", t, "log"], tmp)  # the index a first open writes, before the files are compared
    before = tree_bytes(tmp)
    p = run_fail(base + [half], tmp, [half, "outside the tracker's regions", "nothing written"], code=2)
    got, want = km2_in(p.stderr), [rect_km2(10.6, 50.1, 10.8, 50.3), rect_km2(10.1, 50.1, 10.8, 50.3)]
    check(len(got) >= 2 and all(abs(g - w) <= 0.005 * w for g, w in zip(got, want)),
          "km² %r, expected %r: %r" % (got, want, p.stderr))
    check("swapped" not in p.stderr, "lat/lon hint for a polygon that is no swap: %r" % p.stderr)
    p = run_fail(base + [away], tmp, [away, "lies outside the tracker's regions"], code=2)
    check("swapped" not in p.stderr, "lat/lon hint for a polygon elsewhere: %r" % p.stderr)
    run_fail(base + [swapped], tmp, [swapped, "outside the tracker's regions", "it would lie inside the regions "
                                     "with longitude and latitude swapped: is the file lat/lon?"], code=2)
    check(tree_bytes(tmp) == before, "a refused polygon changed files")
    # a tracker without regions: its extent is the union of its event areas, as before
    for name in ("regions.geojson", "areas.geojson"):
        os.unlink(os.path.join(t, name))
    with open(os.path.join(t, "events.csv"), "w") as f:
        f.write("id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial,area\n")
    run_ok(base + [away], tmp)
    xs = [c[0] for c in areas_features(t)[-1]["geometry"]["coordinates"][0]]
    check(min(xs) == 20 and max(xs) == 20.1, "polygon changed in a tracker without regions: %r" % xs)


@test("check: an event polygon outside the regions is an error (file:line, field 'area'), a sliver a warning")
def _(tmp):
    t = grid(tmp)
    path = os.path.join(t, "areas.geojson")
    with open(path) as f:
        areas = json.load(f)
    areas["features"][0]["geometry"]["coordinates"] = [rect(10.1, 50.1, 10.8, 50.3)]
    areas["features"][1]["geometry"]["coordinates"] = [rect(10.1, 50.1, 10.6005, 50.3)]
    ids = [a["properties"]["id"] for a in areas["features"][:2]]
    with open(path, "w") as f:
        json.dump(areas, f)
    with open(os.path.join(t, "events.csv")) as f:
        lines = {l.split(",")[-1].strip(): n for n, l in enumerate(f, 1)}
    p = run(["-d", t, "check"], tmp)
    check(p.returncode == 1, "check exit %d, expected 1\n%s" % (p.returncode, p.stdout[-800:]))
    err = [l for l in p.stdout.splitlines() if l.startswith("error: events.csv:%d: field 'area'" % lines[ids[0]])]
    warn = [l for l in p.stdout.splitlines() if l.startswith("warning: events.csv:%d: field 'area'" % lines[ids[1]])]
    check(len(err) == 1 and "'%s'" % ids[0] in err[0] and "outside the tracker's regions" in err[0],
          "no error for the polygon outside:\n" + p.stdout[-800:])
    check(abs(km2_in(err[0])[0] - rect_km2(10.6, 50.1, 10.8, 50.3)) < 0.01 * rect_km2(10.6, 50.1, 10.8, 50.3),
          "km² in %r" % err[0])
    check(len(warn) == 1 and "sliver" in warn[0], "no warning for the sliver:\n" + p.stdout[-800:])


# ------------------------------------------------ the files record rewrites
def mode_of(path):
    st = os.stat(path)
    return stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid


REGION_ARGS = ["--date", "2024-01-05", "--region", "kalbajar", "--to", "AM", "--from", "AZ", "--source", "s"]


@test("record keeps events.csv's and areas.geojson's mode, group and (as root) owner; a new areas.geojson takes events.csv's")
def _(tmp):
    t = grid(tmp)
    ev, ar = os.path.join(t, "events.csv"), os.path.join(t, "areas.geojson")
    root = os.geteuid() == 0
    gid = 4 if root else os.getgroups()[-1]  # 'adm' (or a group of ours)
    os.chmod(ev, 0o640)
    os.chown(ev, 65534 if root else -1, gid)
    os.chmod(ar, 0o600)
    os.chown(ar, 1 if root else -1, 5 if root else gid)
    want_ev, want_ar = mode_of(ev), mode_of(ar)
    run_ok(["-d", t, "record", "--date", "2010-01-01", "--region", "r1-1", "--to", "B", "--source", "s"], tmp)
    check(mode_of(ev) == want_ev, "events.csv (mode, uid, gid) %r, was %r" % (mode_of(ev), want_ev))
    poly = polygon_file(os.path.join(tmp, "p.geojson"), rect(10.1, 50.1, 10.3, 50.3))
    run_ok(["-d", t, "record", "--date", "2010-01-02", "--area", poly, "--to", "C", "--source", "s"], tmp)
    check(mode_of(ev) == want_ev and mode_of(ar) == want_ar, "after --area: events.csv %r (was %r), areas.geojson "
          "%r (was %r)" % (mode_of(ev), want_ev, mode_of(ar), want_ar))
    os.unlink(ar)
    t2 = copy_karabakh(tmp, "k")
    ev2 = os.path.join(t2, "events.csv")
    os.chmod(ev2, 0o660)
    os.chown(ev2, -1, gid)
    kpoly = polygon_file(os.path.join(tmp, "k.geojson"), rect(46.0, 39.9, 46.4, 40.2))
    run_ok(["-d", t2, "record", "--date", "2024-02-01", "--area", kpoly, "--to", "AM", "--source", "s"], tmp)
    check(mode_of(os.path.join(t2, "areas.geojson")) == mode_of(ev2) == (0o660, os.stat(ev2).st_uid, gid),
          "new areas.geojson %r, events.csv %r" % (mode_of(os.path.join(t2, "areas.geojson")), mode_of(ev2)))


@test("record refuses a read-only events.csv or areas.geojson (chmod 444): exit 1, names the file, nothing written")
def _(tmp):
    t = grid(tmp)
    ev, ar = os.path.join(t, "events.csv"), os.path.join(t, "areas.geojson")
    os.chmod(ev, 0o444)
    before = tree_bytes(tmp)
    run_fail(["-d", t, "record", "--date", "2010-01-01", "--region", "r1-1", "--to", "B", "--source", "s"], tmp,
             [ev, "read-only", "nothing written"], code=1)
    check(tree_bytes(tmp) == before and mode_of(ev)[0] == 0o444, "a read-only events.csv was replaced")
    os.chmod(ev, 0o644)
    os.chmod(ar, 0o444)
    poly = polygon_file(os.path.join(tmp, "p.geojson"), rect(10.1, 50.1, 10.3, 50.3))
    before = tree_bytes(tmp)
    run_fail(["-d", t, "record", "--date", "2010-01-01", "--area", poly, "--to", "B", "--source", "s"], tmp,
             [ar, "read-only", "nothing written"], code=1)
    check(tree_bytes(tmp) == before and mode_of(ar)[0] == 0o444, "a read-only areas.geojson was replaced")


@test("record as a user who may not write events.csv (folder writable by all) refuses it instead of replacing it")
def _(tmp):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        raise Skip("needs root and setpriv to run as another user")
    t = grid(tmp)
    os.chmod(tmp, 0o755)
    os.chmod(t, 0o777)
    ev = os.path.join(t, "events.csv")
    before = open(ev, "rb").read()
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BIN, "-d", t, "record",
                        "--date", "2010-01-01", "--region", "r1-1", "--to", "B", "--source", "s"],
                       cwd=tmp, capture_output=True, text=True, timeout=120)
    check(p.returncode == 1, "exit %d, expected 1: %r" % (p.returncode, p.stderr))
    check(ev in p.stderr and "no permission to write it" in p.stderr, "stderr %r" % p.stderr)
    check(open(ev, "rb").read() == before and os.stat(ev).st_uid == 0, "events.csv was replaced")


@test("record into CRLF files appends CRLF lines (events.csv and areas.geojson stay CRLF)")
def _(tmp):
    t = grid(tmp)
    ev, ar = os.path.join(t, "events.csv"), os.path.join(t, "areas.geojson")
    with open(ev, "rb") as f:
        data = f.read().replace(b"\n", b"\r\n")
    with open(ev, "wb") as f:
        f.write(data)
    with open(ar) as f:
        areas = json.load(f)
    with open(ar, "wb") as f:
        f.write(json.dumps(areas, indent=1).replace("\n", "\r\n").encode() + b"\r\n")
    n0 = data.count(b"\r\n")
    run_ok(["-d", t, "record", "--date", "2010-01-01", "--region", "r1-1", "--to", "B", "--source", "s"], tmp)
    poly = polygon_file(os.path.join(tmp, "p.geojson"), rect(10.1, 50.1, 10.3, 50.3))
    aid = run_ok(["-d", t, "record", "--date", "2010-01-02", "--area", poly, "--to", "C", "--source", "s"],
                 tmp).stdout.strip()
    for path in (ev, ar):
        with open(path, "rb") as f:
            b = f.read()
        check(b.count(b"\n") == b.count(b"\r\n"), "%s has bare LF line ends: %r" % (path, b[-300:]))
    with open(ev, "rb") as f:
        check(f.read().count(b"\r\n") == n0 + 2, "events.csv lines")
    check([a["properties"]["id"] for a in areas_features(t)][-1] == aid, "area not appended")
    check(aid in [r["id"] for r in log_csv(t, tmp)], "the event does not read back")
    run_ok(["-d", t, "check"], tmp)


# ------------------------------------------------------ the id, printed
@test("record > /dev/full: the event stays recorded, 'recorded as ID, but ...', exit 3; a retry is refused")
def _(tmp):
    t = copy_karabakh(tmp)
    args = [BIN, "-d", t, "record"] + REGION_ARGS
    with open("/dev/full", "w") as full:
        p = subprocess.run(args, cwd=tmp, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    check(p.returncode == 3, "exit %d, expected 3: %r" % (p.returncode, p.stderr))
    check("recorded as 2024-01-05-kalbajar, but" in p.stderr, "stderr %r" % p.stderr)
    check(events_rows(t)[-1]["id"] == "2024-01-05-kalbajar", "the event is not in events.csv")
    before = tree_bytes(tmp)
    run_fail(["-d", t, "record"] + REGION_ARGS, tmp, ["2024-01-05-kalbajar"], code=2)
    check(tree_bytes(tmp) == before, "the retry wrote")
    p = run(["-d", t, "record", "--help"], tmp)
    check(re.search(r"\b3 recorded, but printing the id failed", p.stdout), "--help does not document exit 3")


# ------------------------------------------------------------ duplicates
def line_of(t, eid):
    with open(os.path.join(t, "events.csv"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith(eid + ","):
                return n
    return None


@test("record of an event identical to a recorded one (regions) is refused: names its id and line; --id overrides")
def _(tmp):
    t = copy_karabakh(tmp)
    args = ["-d", t, "record", "--date", "2024-01-05", "--region", "kalbajar;lachin", "--to", "AM", "--from", "AZ",
            "--source", "s"]
    eid = run_ok(args, tmp).stdout.strip()
    where = "events.csv:%d" % line_of(t, eid)
    before = tree_bytes(tmp)
    # (the same instant as a date-time: 2024-01-05 is Baku's day, the tracker's time zone)
    for again in (args, args[:4] + ["2024-01-05T00:00+04:00"] + args[5:],
                  args[:6] + ["lachin", "--region", "kalbajar"] + args[7:],
                  args + ["--note", "retried", "--status", "confirmed"]):
        run_fail(again, tmp, ["already recorded as event '%s'" % eid, where, "nothing written", "--id"], code=2)
    check(tree_bytes(tmp) == before, "a duplicate wrote")
    nofrom = args[:8] + args[10:]  # AM holds them now
    run_ok(nofrom[:-1] + ["another source"], tmp)
    run_ok(nofrom + ["--id", "second-report"], tmp)
    check([r["id"] for r in events_rows(t)][-2:] == [eid + "-2", "second-report"], "rows %r"
          % [r["id"] for r in events_rows(t)][-3:])


@test("record of an identical polygon event is refused (same polygon on the 1e-7 grid, index or not); another is not")
def _(tmp):
    t = grid(tmp)
    poly = polygon_file(os.path.join(tmp, "p.geojson"), rect(10.1, 50.1, 10.3, 50.3))
    args = ["-d", t, "record", "--date", "2010-01-01", "--to", "B", "--source", "s", "--area"]
    eid = run_ok(args + [poly], tmp).stdout.strip()
    where = "events.csv:%d" % line_of(t, eid)
    # the same ring from another vertex, the other way round, 2e-9 degrees off
    ring = rect(10.1, 50.1, 10.3, 50.3)[:-1]
    ring = [[x + 2e-9, y - 2e-9] for x, y in (ring[2:] + ring[:2])[::-1]]
    same = polygon_file(os.path.join(tmp, "same.geojson"), ring + [ring[0]])
    before = tree_bytes(t)
    run_fail(args + [poly], tmp, ["already recorded as event '%s'" % eid, where], code=2)
    run_ok(["-d", t, "log"], tmp)  # the tracker as its index has it: no event polygons
    before = tree_bytes(t)
    run_fail(args + [same], tmp, ["already recorded as event '%s'" % eid, where], code=2)
    check(tree_bytes(t) == before, "a duplicate wrote")
    other = polygon_file(os.path.join(tmp, "o.geojson"), rect(10.1, 50.1, 10.31, 50.3))
    run_ok(args + [other], tmp)
    gpkg = os.path.join(tmp, "g.gpkg")
    run_ok(["copy", t, gpkg], tmp)
    before = open(gpkg, "rb").read()
    run_fail(["-d", gpkg] + args[2:] + [same], tmp, ["already recorded as event '%s'" % eid], code=2)
    check(open(gpkg, "rb").read() == before, "a duplicate changed the GeoPackage")


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
