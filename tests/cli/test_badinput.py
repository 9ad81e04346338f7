#!/usr/bin/python3
"""End-to-end tests of frontline on broken input: trackers with one thing
wrong, bad command-line values, bad output paths.

Usage: /usr/bin/python3 test_badinput.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Every case runs `frontline -d TRACKER snapshot ... -o out.geojson`
(or the like) in a fresh temporary directory and checks: non-zero exit, a
message on stderr naming the file, the line (CSV: 1 = header; GeoJSON:
feature number) and the field, and that nothing was written: no out.geojson,
no leftover out.geojson.tmp-*, nothing else new in the directory.
"""
import csv
import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, Failure, check, describe, main, run, run_ok, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_badinput.py FRONTLINE_BINARY SOURCE_ROOT")
EVENT_COLS = ["id", "date", "regions", "to", "from", "kind", "status", "source", "note",
              "recorded", "corrects", "partial"]

# -------------------------------------------------------------- failed runs
def listing(d):
    out = set()
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(root, n), d))
    return out


def expect_failure(args, cwd, must, rc=None, out="out.geojson"):
    """Run a command that must fail: exit non-zero (or exactly rc), every
    string of `must` in stderr, no output file, no temp file, nothing new."""
    before = listing(cwd)
    p = run(args, cwd)
    if rc is None:
        check(p.returncode != 0, "expected a non-zero exit\n" + describe(p))
    else:
        check(p.returncode == rc, "expected exit %d\n%s" % (rc, describe(p)))
    check(p.returncode > 0, "killed by a signal?\n" + describe(p))
    missing = [s for s in must if s not in p.stderr]
    check(not missing, "stderr lacks %r\n%s" % (missing, describe(p)))
    check(p.stdout == "", "stdout should be empty on failure, got %r" % p.stdout[:300])
    if out:
        check(not os.path.lexists(os.path.join(cwd, out)),
              "%s was written although the command failed\n%s" % (out, describe(p)))
        tmps = glob.glob(os.path.join(cwd, "**", os.path.basename(out) + ".tmp-*"),
                         recursive=True)
        check(not tmps, "temporary files left: %r" % tmps)
    new = listing(cwd) - before
    check(not new, "new files after a failed run: %r\n%s" % (sorted(new), describe(p)))
    return p


def snapshot_fails(tracker, cwd, must, rc=None, extra=()):
    return expect_failure(["-d", tracker, "snapshot", "--date", "2020-11-25", "-o",
                           "out.geojson"] + list(extra), cwd, must, rc)


# ----------------------------------------------------------------- fixtures
def copy_tracker(tmp, name="t"):
    dst = os.path.join(tmp, name)
    shutil.copytree(KARABAKH, dst, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dst


def read_rows(folder, name="events.csv"):
    with open(os.path.join(folder, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(folder, rows, name="events.csv", cols=EVENT_COLS):
    """Write rows (RFC 4180, LF); return {row index: line the record starts on}."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    starts = {}
    for i, r in enumerate(rows):
        starts[i] = buf.getvalue().count("\n") + 1
        w.writerow([r.get(c, "") for c in cols])
    with open(os.path.join(folder, name), "w", newline="", encoding="utf-8") as f:
        f.write(buf.getvalue())
    return starts


def edit_event(folder, event_id, **changes):
    """Change fields of one event of a tracker folder; return its line."""
    rows = read_rows(folder)
    idx = [i for i, r in enumerate(rows) if r["id"] == event_id]
    check(len(idx) == 1, "setup: event %s not found" % event_id)
    rows[idx[0]].update(changes)
    return write_rows(folder, rows)[idx[0]]


def append_event(folder, **fields):
    rows = read_rows(folder)
    row = {"kind": "capture", "status": "confirmed", "source": "test", "partial": "false"}
    row.update(fields)
    rows.append(row)
    return write_rows(folder, rows)[len(rows) - 1]


def line_of(folder, prefix, name="events.csv"):
    with open(os.path.join(folder, name), encoding="utf-8", newline="") as f:
        for n, ln in enumerate(f.read().split("\n"), 1):
            if ln.startswith(prefix):
                return n
    raise Failure("setup: no line starting with %r" % prefix)


def square(x, y, s=1.0):
    return [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]


def make_tiny(tmp, regions=None, events=None, zones=None, name="t"):
    """A tiny tracker: actors X and Y, regions a, b, c (unit squares side by
    side, counter-clockwise), a baseline to X and b captured by Y."""
    d = os.path.join(tmp, name)
    os.mkdir(d)
    with open(os.path.join(d, "actors.csv"), "w", encoding="utf-8") as f:
        f.write("id,name,color,kind,note\nX,Ex,#ff0000,control,\nY,Why,#0000ff,control,\n")
    if regions is None:
        regions = [("a", square(10, 10)), ("b", square(11, 10)), ("c", square(12, 10))]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": rid, "name": rid.upper(), "kind": "district"},
         "geometry": {"type": "Polygon", "coordinates": coords}} for rid, coords in regions]}
    with open(os.path.join(d, "regions.geojson"), "w", encoding="utf-8") as f:
        json.dump(fc, f)
    if events is None:
        events = [
            {"id": "base", "date": "2000-01-01", "regions": "*", "to": "X", "kind": "baseline",
             "status": "confirmed", "source": "test", "recorded": "2000-01-01",
             "partial": "false"},
            {"id": "e1", "date": "2001-01-01", "regions": "b", "to": "Y", "from": "X",
             "kind": "capture", "status": "confirmed", "source": "test",
             "recorded": "2001-01-01", "partial": "false"}]
    write_rows(d, events)
    if zones is not None:
        with open(os.path.join(d, "zones.geojson"), "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": zones}, f)
    return d


# ------------------------------------------------------------- the controls
@test("control: an unmodified copy of geodata/karabakh and the tiny fixture both work")
def _(tmp):
    t = copy_tracker(tmp)
    edit_event(t, "2020-kalbajar")  # rewritten through the csv module, unchanged
    p = run_ok(["-d", t, "snapshot", "--date", "2020-11-25", "-o", "out.geojson"], tmp)
    with open(os.path.join(tmp, "out.geojson"), encoding="utf-8") as f:
        m = {x["properties"]["region"]: x["properties"] for x in json.load(f)["features"]}
    check(m["kalbajar"]["holder"] == "AZ", "kalbajar %r" % m["kalbajar"]["holder"])
    s = make_tiny(tmp, name="s")
    p = run_ok(["-d", s, "snapshot", "--date", "2001-06-01"], tmp)
    m = {x["properties"]["region"]: x["properties"] for x in json.loads(p.stdout)["features"]}
    check({k: v["holder"] for k, v in m.items()} == {"a": "X", "b": "Y", "c": "X"},
          "tiny holders %r" % {k: v["holder"] for k, v in m.items()})


# ------------------------------------------------------------ missing files
@test("missing actors.csv: error names actors.csv, nothing written")
def _(tmp):
    t = copy_tracker(tmp)
    os.remove(os.path.join(t, "actors.csv"))
    snapshot_fails(t, tmp, ["actors.csv"])


@test("missing events.csv: error names events.csv, nothing written")
def _(tmp):
    t = copy_tracker(tmp)
    os.remove(os.path.join(t, "events.csv"))
    snapshot_fails(t, tmp, ["events.csv"])


@test("tracker folder that does not exist: error names it")
def _(tmp):
    expect_failure(["-d", os.path.join(tmp, "nope"), "snapshot", "-o", "out.geojson"], tmp,
                   ["nope"])


# ------------------------------------------------------------ bad event rows
@test("event with an unknown region id: events.csv:LINE, field 'regions', the id")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-kalbajar", regions="kalbajar;atlantis")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'regions'", "'atlantis'"])


@test("event with an unknown actor in 'to': events.csv:LINE, field 'to', the id")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "1993-agdam", to="XX")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'to'", "'XX'"])


@test("event with an unknown actor in 'from': events.csv:LINE, field 'from', the id")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", **{"from": "ZZ"})
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'from'", "'ZZ'"])


@test("malformed CSV: a row with an extra field names events.csv:LINE and the counts")
def _(tmp):
    t = copy_tracker(tmp)
    path = os.path.join(t, "events.csv")
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    n = line_of(t, "1993-kalbajar,")
    lines[n - 1] += ",surplus"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines))
    snapshot_fails(t, tmp, ["events.csv:%d:" % n, "13 fields", "12"])


@test("malformed CSV: an unterminated quote names events.csv:LINE")
def _(tmp):
    t = copy_tracker(tmp)
    with open(os.path.join(t, "events.csv"), "a", encoding="utf-8", newline="") as f:
        f.write('2020-x,2020-11-26,kalbajar,AM,AZ,capture,claimed,"never closed,n,'
                '2020-11-26,,false\n')
    n = line_of(t, "2020-x,")
    snapshot_fails(t, tmp, ["events.csv:%d:" % n, "unterminated"])


def bad_date_test(value):
    def fn(tmp):
        t = copy_tracker(tmp)
        line = edit_event(t, "2020-kalbajar", date=value)
        snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'date'", "'%s'" % value])
    return fn


for _v in ("2020-02-30", "2020-13-01", "2020-11-25x"):
    test("event date %s: events.csv:LINE, field 'date', the value" % _v)(bad_date_test(_v))


@test("event date-time with a bad offset (2020-11-25T00:00+25:00) is refused")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-kalbajar", date="2020-11-25T00:00+25:00")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'date'", "2020-11-25T00:00+25:00"])


@test("event 'recorded' 2020-11-31: events.csv:LINE, field 'recorded', the value")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-agdam", recorded="2020-11-31")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'recorded'", "'2020-11-31'"])


@test("line numbers count physical lines after a multi-line quoted note")
def _(tmp):
    t = copy_tracker(tmp)
    rows = read_rows(t)
    k = [i for i, r in enumerate(rows) if r["id"] == "1993-agdam"][0]
    rows[k]["note"] = "first line\nsecond line\nthird line, \"quoted\""
    j = [i for i, r in enumerate(rows) if r["id"] == "2020-kalbajar"][0]
    rows[j]["to"] = "XX"
    starts = write_rows(t, rows)
    check(starts[j] == j + 4, "setup: expected the row on line %d, it is on %d" % (j + 4, starts[j]))
    check(line_of(t, "2020-kalbajar,") == starts[j], "setup: line mismatch")
    snapshot_fails(t, tmp, ["events.csv:%d:" % starts[j], "field 'to'", "'XX'"])


@test("duplicate event id: events.csv:LINE of the second one, field 'id', the id")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", id="2020-agdam")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'id'", "'2020-agdam'"])


@test("event with an empty source: events.csv:LINE, field 'source'")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-kalbajar", source="")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'source'"])


@test("event with an unknown status: events.csv:LINE, field 'status', the value")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-kalbajar", status="rumoured")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'status'", "'rumoured'"])


@test("event with an unknown kind: events.csv:LINE, field 'kind', the value")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-kalbajar", kind="teleport")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'kind'", "'teleport'"])


@test("'corrects' naming no event: events.csv:LINE, field 'corrects', the id")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-shusha-city-confirmed", corrects="2020-shusha-town")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'corrects'", "'2020-shusha-town'"])


@test("tiny fixture: event naming an unknown region (events.csv:3, field 'regions')")
def _(tmp):
    ev = [{"id": "base", "date": "2000-01-01", "regions": "*", "to": "X", "status": "confirmed",
           "source": "s"},
          {"id": "e1", "date": "2001-01-01", "regions": "b;d", "to": "Y", "status": "confirmed",
           "source": "s"}]
    t = make_tiny(tmp, events=ev)
    snapshot_fails(t, tmp, ["events.csv:3:", "field 'regions'", "'d'"])


# ---------------------------------------------------------- bad geometry
@test("self-intersecting (bow-tie) region: regions.geojson, feature 2, 'invalid polygon'")
def _(tmp):
    bow = [[[11, 10], [12, 11], [12, 10], [11, 11], [11, 10]]]
    t = make_tiny(tmp, regions=[("a", square(10, 10)), ("b", bow), ("c", square(12, 10))])
    p = snapshot_fails(t, tmp, ["regions.geojson", "feature 2", "field 'geometry'",
                                "invalid polygon", "Self-intersection"])
    check("11.5" in p.stderr, "the location (11.5 10.5) is not given: %r" % p.stderr)


@test("two overlapping regions: regions.geojson, both ids, 'overlaps'")
def _(tmp):
    t = make_tiny(tmp, regions=[("a", square(10, 10)), ("b", square(11, 10)),
                                ("c", square(10.5, 10.5))])
    p = snapshot_fails(t, tmp, ["regions.geojson", "field 'geometry'", "overlaps"])
    check("'c'" in p.stderr and "'a'" in p.stderr,
          "the message should name regions 'c' and 'a': %r" % p.stderr)


@test("region without a polygon (a Point): regions.geojson names the region")
def _(tmp):
    t = make_tiny(tmp)
    path = os.path.join(t, "regions.geojson")
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    fc["features"][2]["geometry"] = {"type": "Point", "coordinates": [12.5, 10.5]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fc, f)
    snapshot_fails(t, tmp, ["regions.geojson", "feature 3", "field 'geometry'", "'c'"])


@test("zone whose valid_to is before valid_from: zones.geojson, feature, field, both dates")
def _(tmp):
    t = copy_tracker(tmp)
    path = os.path.join(t, "zones.geojson")
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    k = [i for i, z in enumerate(fc["features"]) if z["properties"]["id"] == "jmc"][0]
    fc["features"][k]["properties"]["valid_to"] = "2020-01-01"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fc, f)
    snapshot_fails(t, tmp, ["zones.geojson", "feature %d" % (k + 1), "field 'valid_to'",
                            "2020-01-01", "2021-01-30"])


@test("tiny fixture: zone valid_to before valid_from")
def _(tmp):
    z = [{"type": "Feature", "properties": {"id": "z", "name": "Z", "actor": "X",
                                            "kind": "monitoring", "valid_from": "2005-06-01",
                                            "valid_to": "2004-01-01"},
          "geometry": {"type": "Point", "coordinates": [10.5, 10.5]}}]
    t = make_tiny(tmp, zones=z)
    snapshot_fails(t, tmp, ["zones.geojson", "feature 1", "field 'valid_to'", "2004-01-01",
                            "2005-06-01"])


# ------------------------------------------------------ bad command lines
def bad_option_test(opt, value, cmd="snapshot"):
    def fn(tmp):
        args = [cmd, opt, value]
        if cmd == "snapshot":
            args += ["-o", "out.geojson"]
        if value:
            expect_failure(args, tmp, [opt, "'%s'" % value, "invalid date"], rc=2)
        else:
            expect_failure(args, tmp, [opt, "empty date"], rc=2)
    return fn


for _o, _v in (("--date", "2020-02-30"), ("--date", "2020-13-01"), ("--date", "2020-11-25x"),
               ("--date", "2020-11-25T25:00"), ("--date", "25/11/2020"), ("--date", ""),
               ("--as-of", "2020-02-30"), ("--as-of", "yesterday")):
    test("snapshot %s %r: exit 2, message names %s and the value" % (_o, _v, _o))(
        bad_option_test(_o, _v))
test("log --from 2020-02-30: exit 2, message names --from and the value")(
    bad_option_test("--from", "2020-02-30", "log"))
test("log --to 2020-12-32: exit 2, message names --to and the value")(
    bad_option_test("--to", "2020-12-32", "log"))


@test("-o x.xyz (unknown extension): non-zero exit, names x.xyz, no file")
def _(tmp):
    expect_failure(["snapshot", "--date", "2020-11-25", "-o", "x.xyz"], tmp, ["x.xyz"],
                   out="x.xyz")


@test("-f xyz (unknown format): non-zero exit, names xyz, no file")
def _(tmp):
    expect_failure(["snapshot", "--date", "2020-11-25", "-f", "xyz", "-o", "out.geojson"], tmp,
                   ["-f xyz"])


@test("--by country (unknown): exit 2, names --by and the value, no file")
def _(tmp):
    expect_failure(["snapshot", "--by", "country", "-o", "out.geojson"], tmp,
                   ["--by", "country"], rc=2)


@test("--status rumoured (unknown): exit 2, names --status and the value, no file")
def _(tmp):
    expect_failure(["snapshot", "--status", "rumoured", "-o", "out.geojson"], tmp,
                   ["--status", "rumoured"], rc=2)


@test("log --region atlantis: exit 2, names the region")
def _(tmp):
    expect_failure(["log", "--region", "atlantis"], tmp, ["--region", "atlantis"], rc=2, out=None)


@test("-o into a directory that does not exist: clear error, nothing created")
def _(tmp):
    expect_failure(["snapshot", "--date", "2020-11-25", "-o", "nodir/out.geojson"], tmp,
                   ["nodir/out.geojson", "No such file or directory"])
    check(not os.path.exists(os.path.join(tmp, "nodir")), "nodir was created")


@test("-o d.geojson where d.geojson is a directory: error, directory untouched, no temp file")
def _(tmp):
    os.mkdir(os.path.join(tmp, "d.geojson"))
    before = listing(tmp)
    p = run(["snapshot", "--date", "2020-11-25", "-o", "d.geojson"], tmp)
    check(p.returncode != 0, "expected failure\n" + describe(p))
    check("d.geojson" in p.stderr, describe(p))
    check(listing(tmp) == before, "files changed: new %r" % sorted(listing(tmp) - before))


@test("-o y.shp where y.shp is a directory: fails and writes none of y.shx/.dbf/.prj")
def _(tmp):
    os.mkdir(os.path.join(tmp, "y.shp"))
    before = listing(tmp)
    p = run(["snapshot", "--date", "2020-11-25", "-o", "y.shp"], tmp)
    check(p.returncode != 0, "expected failure\n" + describe(p))
    check("y.shp" in p.stderr, describe(p))
    new = sorted(listing(tmp) - before)
    check(not new, "the output is not 'whole or not at all': after the failure these files "
          "exist: %r\n%s" % (new, describe(p)))


# -------------------------------------------------------- GeoPackage tracker
def ogr2ogr(args):
    exe = shutil.which("ogr2ogr")
    if exe:
        p = subprocess.run([exe] + args, capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, "ogr2ogr %s failed: %s" % (" ".join(args), p.stderr))
    else:
        from osgeo import gdal
        gdal.UseExceptions()
        gdal.VectorTranslate(args[-2], args[-1], options=args[:-2])


@test("GeoPackage tracker with an unknown region: names k.gpkg:events, feature N, field")
def _(tmp):
    from osgeo import ogr
    ogr.UseExceptions()
    gpkg = os.path.join(tmp, "k.gpkg")
    for name, ext in (("actors", "csv"), ("events", "csv"), ("regions", "geojson"),
                      ("zones", "geojson")):
        ogr2ogr(["-f", "GPKG", "-update", "-append", "-nln", name, gpkg,
                 os.path.join(KARABAKH, name + "." + ext)])
    ds = ogr.Open(gpkg, 1)
    lyr = ds.GetLayerByName("events")
    n = 0
    for k, f in enumerate(lyr, 1):
        if f.GetField("id") == "2020-kalbajar":
            f.SetField("regions", "atlantis")
            lyr.SetFeature(f)
            n = k
    ds = None
    check(n > 0, "setup: 2020-kalbajar not in the layer")
    snapshot_fails(gpkg, tmp, ["k.gpkg:events", "feature %d" % n, "field 'regions'",
                               "'atlantis'"])


# ------------------------------------------------------ existing output kept
def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@test("existing output is left byte-identical when a later run fails on bad input")
def _(tmp):
    t = copy_tracker(tmp)
    run_ok(["-d", t, "snapshot", "--date", "2020-11-25", "-o", "out.geojson"], tmp)
    out = os.path.join(tmp, "out.geojson")
    h0, st0 = sha(out), os.stat(out)
    edit_event(t, "2020-kalbajar", date="2020-02-30")
    before = listing(tmp)
    p = run(["-d", t, "snapshot", "--date", "2020-11-25", "-o", "out.geojson"], tmp)
    check(p.returncode != 0, "the broken tracker was accepted\n" + describe(p))
    check("events.csv" in p.stderr, describe(p))
    check(sha(out) == h0, "out.geojson changed")
    check(os.stat(out).st_mtime_ns == st0.st_mtime_ns and os.stat(out).st_ino == st0.st_ino,
          "out.geojson was rewritten (mtime or inode changed)")
    check(listing(tmp) == before, "new files: %r" % sorted(listing(tmp) - before))


@test("existing output is left byte-identical after a bad --date and a bad -f")
def _(tmp):
    run_ok(["snapshot", "--date", "2020-11-25", "-o", "out.gpkg"], tmp)
    out = os.path.join(tmp, "out.gpkg")
    h0 = sha(out)
    for args, rc in ((["--date", "2020-02-30"], 2), (["--date", "2020-11-25", "-f", "xyz"], None),
                     (["--date", "2020-11-25", "--by", "country"], 2)):
        before = listing(tmp)
        p = run(["snapshot"] + args + ["-o", "out.gpkg"], tmp)
        check(p.returncode != 0 and (rc is None or p.returncode == rc),
              "expected failure%s\n%s" % ("" if rc is None else " with exit %d" % rc, describe(p)))
        check(sha(out) == h0, "out.gpkg changed after: snapshot %s" % " ".join(args))
        check(listing(tmp) == before, "new files: %r" % sorted(listing(tmp) - before))


@test("the hint \"run 'frontline check'\" in multi-problem messages names a real command")
def _(tmp):
    t = copy_tracker(tmp)
    edit_event(t, "2020-kalbajar", status="rumoured", source="")
    p = snapshot_fails(t, tmp, ["events.csv"])
    if "frontline check" not in p.stderr:
        return  # no hint given: nothing to check
    q = run(["-d", t, "check"], tmp)
    check("unknown command" not in q.stderr,
          "stderr of the failed snapshot says \"%s\", but `frontline -d T check` answers: %s" % (
              p.stderr.strip(), q.stderr.strip()[:300]))
    check(q.returncode != 0, "`frontline check` exits 0 on a broken tracker\n" + describe(q))
    check("field 'status'" in q.stderr + q.stdout and "field 'source'" in q.stderr + q.stdout,
          "`frontline check` does not list both problems:\n%s%s" % (q.stdout, q.stderr))


# ------------------------------------------------------ the tracker's path
ALL_COMMANDS = [["snapshot"], ["log"], ["diff", "2020-01-01", "2020-12-01"], ["stats"], ["check"],
                ["render", "-o", "out.png"], ["serve", "--port", "1"], ["export", "-o", "out.gpkg"],
                ["record", "--date", "2024-01-01", "--region", "kalbajar", "--to", "AM", "--source", "s"],
                ["copy", "a", "b"], ["import-series", "--holder", "A", "--other", "B", "--out", "o", "x.geojson"]]


@test("-d '', --tracker '', --tracker= and FRONTLINE_TRACKER='' are usage errors (exit 2) for every command")
def _(tmp):
    for cmd in ALL_COMMANDS:
        for glob_args, env in ((["-d", ""], None), (["--tracker", ""], None), (["--tracker="], None),
                               ([], {"FRONTLINE_TRACKER": ""})):
            before = listing(tmp)
            p = run(glob_args + cmd, tmp, env=env, timeout=60)
            check(p.returncode == 2, "expected exit 2\n" + describe(p))
            want = "FRONTLINE_TRACKER" if env else "empty"
            check(want in p.stderr, "stderr lacks %r\n%s" % (want, describe(p)))
            check(p.stdout == "", "stdout: %r" % p.stdout[:200])
            check(listing(tmp) == before, "new files: %r" % sorted(listing(tmp) - before))


# ------------------------------------------------------ actors: control, presence
def set_actor_kind(folder, actor, kind):
    rows = read_rows(folder, "actors.csv")
    idx = [i for i, r in enumerate(rows) if r["id"] == actor]
    check(len(idx) == 1, "setup: actor %s not found" % actor)
    rows[idx[0]]["kind"] = kind
    return write_rows(folder, rows, "actors.csv", ["id", "name", "color", "kind", "note"])[idx[0]]


def check_lines(t, tmp, fmt="table"):
    p = run(["-d", t, "check"] + (["-f", "json"] if fmt == "json" else []), tmp)
    return p, [ln for ln in p.stdout.splitlines() if ln.startswith(("error: ", "warning: "))]


@test("an event giving territory to a presence actor (RU-PK): events.csv:LINE field 'to', refused; check says so")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", to="RU-PK")
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'to'", "'RU-PK'", "presence"])
    p, lines = check_lines(t, tmp)
    check(p.returncode == 1, describe(p))
    check(any(ln.startswith("error: events.csv:%d: field 'to': " % line) and "presence" in ln for ln in lines),
          "check does not report the presence in 'to':\n%s" % p.stdout)


@test("an event whose 'from' is a presence actor (TR-RU-JMC): events.csv:LINE field 'from', refused")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", **{"from": "TR-RU-JMC"})
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'from'", "'TR-RU-JMC'", "presence"])
    p, lines = check_lines(t, tmp)
    check(any(ln.startswith("error: events.csv:%d: field 'from': " % line) and "presence" in ln for ln in lines),
          "check does not report the presence in 'from':\n%s" % p.stdout)


@test("an unknown actor kind ('observer'): actors.csv:LINE field 'kind', refused; check says so")
def _(tmp):
    t = copy_tracker(tmp)
    line = set_actor_kind(t, "TR-RU-JMC", "observer")
    snapshot_fails(t, tmp, ["actors.csv:%d:" % line, "field 'kind'", "'observer'"])
    p, lines = check_lines(t, tmp)
    check(p.returncode == 1 and any(ln.startswith("error: actors.csv:%d: field 'kind': " % line) for ln in lines),
          "check:\n%s" % p.stdout)


@test("the shipped tracker's actor kinds (control, presence) pass: check has no error or warning")
def _(tmp):
    kinds = {r["kind"] for r in read_rows(KARABAKH, "actors.csv")}
    check(kinds == {"control", "presence"}, "shipped kinds %r" % kinds)
    p, lines = check_lines(KARABAKH, tmp)
    check(p.returncode == 0 and not lines, "check of the shipped tracker:\n%s" % p.stdout)


# ------------------------------------------------------------------ UTF-8
def run_bytes(args, cwd):
    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    return subprocess.run([BIN] + args, cwd=cwd, env=e, capture_output=True, timeout=300)


def utf8_case(name, edit, where):
    def fn(tmp):
        t = copy_tracker(tmp)
        edit(t)
        before = listing(tmp)
        p = run_bytes(["-d", t, "snapshot", "--date", "2020-11-25", "-o", "out.geojson"], tmp)
        check(p.returncode == 1, "snapshot exit %d: %r" % (p.returncode, p.stderr))
        check(where.encode() in p.stderr and b"not UTF-8" in p.stderr, "stderr: %r" % p.stderr)
        check(listing(tmp) == before, "new files: %r" % sorted(listing(tmp) - before))
        for fmt in ([], ["-f", "json"]):
            q = run_bytes(["-d", t, "check"] + fmt, tmp)
            check(q.returncode == 1, "check exit %d" % q.returncode)
            try:
                out = q.stdout.decode("utf-8")
                q.stderr.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Failure("check %s printed bytes that are not UTF-8: %s" % (" ".join(fmt), e))
            if fmt:
                d = json.loads(out)
                hits = [x for x in d["problems"] if x["severity"] == "error" and x["message"].startswith("not UTF-8")]
                check(len(hits) == 1 and d["errors"] == 1, "json problems: %r" % d["problems"])
            else:
                errs = [ln for ln in out.splitlines() if ln.startswith("error: ")]
                check(len(errs) == 1 and errs[0].startswith("error: " + where + ": not UTF-8"),
                      "expected the one error %r...:\n%s" % (where, out))
    test("text that is not UTF-8 (%s) is refused: %s: not UTF-8, one error, check prints UTF-8 only"
         % (name, where))(fn)


def poke_bytes(path, find, insert):
    with open(path, "rb") as f:
        b = f.read()
    i = b.index(find) + len(find)
    with open(path, "wb") as f:
        f.write(b[:i] + insert + b[i:])


def latin1_source(t):
    poke_bytes(os.path.join(t, "events.csv"), b"1992-lachin,1992-05-18,lachin,AM,AZ,capture,confirmed,\"", b"\xe9")


utf8_case("events.csv source in Latin-1", latin1_source, "events.csv:5: field 'source'")
utf8_case("events.csv note, a surrogate", lambda t: poke_bytes(os.path.join(t, "events.csv"), b",Lachin taken",
                                                               b"\xed\xa0\x80"), "events.csv:5: field 'note'")
utf8_case("actors.csv name, an overlong '/'", lambda t: poke_bytes(os.path.join(t, "actors.csv"),
                                                                   b"Republic of Azerbaijan", b"\xc0\xaf"),
          "actors.csv:2: field 'name'")
utf8_case("regions.geojson name, above U+10FFFF", lambda t: poke_bytes(os.path.join(t, "regions.geojson"),
                                                                       b'"name":"', b"\xf4\x90\x80\x80"),
          "regions.geojson: feature 1: field 'name'")
utf8_case("zones.geojson note, a cut sequence", lambda t: poke_bytes(os.path.join(t, "zones.geojson"),
                                                                     b'"note":"', b"\xe2\x82"),
          "zones.geojson: feature 1: field 'note'")


# --------------------------------------------------- more of check's findings
@test("check: 'recorded' more than a day before 'date' is a warning (events.csv:LINE field 'recorded'); a day is not")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", recorded="2020-11-29")  # date 2020-12-01
    p, lines = check_lines(t, tmp)
    check(p.returncode == 0, describe(p))
    check(lines == ["warning: events.csv:%d: field 'recorded': recorded 2020-11-29, more than a day before "
                    "the event's date 2020-12-01" % line], "check:\n%s" % p.stdout)
    edit_event(t, "2020-lachin", recorded="2020-11-30")
    p, lines = check_lines(t, tmp)
    check(p.returncode == 0 and not lines, "a day early is no warning:\n%s" % p.stdout)
    run_ok(["-d", t, "snapshot", "--date", "2020-12-02"], tmp)  # a warning does not refuse


@test("check: an empty 'from' on a capture whose area another actor held is a warning (field 'from'); "
      "on a baseline it is not")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-lachin", **{"from": ""})
    p, lines = check_lines(t, tmp)
    check(p.returncode == 0, describe(p))
    check(len(lines) == 1 and lines[0].startswith("warning: events.csv:%d: field 'from': " % line)
          and "'AM'" in lines[0], "check:\n%s" % p.stdout)
    # the baselines of the shipped tracker have an empty 'from' (baseline-az) and give no warning
    check(any(r["kind"] == "baseline" and not r["from"] for r in read_rows(t)), "fixture: no baseline without from")


@test("check: a correction without 'corrects' is an error (events.csv:LINE field 'corrects'), and refused")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "2020-shusha-confirmed", corrects="")
    p, lines = check_lines(t, tmp)
    check(p.returncode == 1, describe(p))
    check(lines == ["error: events.csv:%d: field 'corrects': empty: a correction names the event it corrects"
                    % line], "check:\n%s" % p.stdout)
    snapshot_fails(t, tmp, ["events.csv:%d:" % line, "field 'corrects'"])


# ----------------------------------------------------- one quote, one error
def csv_with(t, event_id, old, new):
    path = os.path.join(t, "events.csv")
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    n = line_of(t, event_id + ",")
    lines = text.split("\n")
    check(old in lines[n - 1], "setup: %r not in line %d" % (old, n))
    lines[n - 1] = lines[n - 1].replace(old, new, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines))
    return n


def one_error(t, tmp, line, words):
    p, lines = check_lines(t, tmp)
    check(p.returncode == 1, describe(p))
    check(len(lines) == 1 and lines[0].startswith("error: events.csv:%d: " % line),
          "expected one error at events.csv:%d:\n%s" % (line, p.stdout))
    for w in words:
        check(w in lines[0], "the error lacks %r: %s" % (w, lines[0]))
    snapshot_fails(t, tmp, ["events.csv:%d:" % line])


@test("CSV: a stray quote in an unquoted field (abc \"def) is ONE error at its line, nothing else")
def _(tmp):
    t = copy_tracker(tmp)
    n = csv_with(t, "1992-lachin", ",Lachin taken by", ',Lachin "taken by')
    one_error(t, tmp, n, ["inside an unquoted field"])


@test("CSV: two stray quotes in one field are one error too")
def _(tmp):
    t = copy_tracker(tmp)
    n = csv_with(t, "1992-lachin", ",Lachin taken by", ',Lachin "taken" by')
    one_error(t, tmp, n, ["inside an unquoted field"])


@test("CSV: a field opening a quote that never closes where it should is ONE error at the line it starts on")
def _(tmp):
    t = copy_tracker(tmp)
    n = csv_with(t, "1992-lachin", ",Lachin taken by", ',"Lachin taken by')
    one_error(t, tmp, n, ["quoted field"])


@test("CSV: an unterminated quote in a field starting on the 2nd line of a record: the error names that line")
def _(tmp):
    t = copy_tracker(tmp)
    with open(os.path.join(t, "events.csv"), "a", encoding="utf-8", newline="") as f:
        f.write('2020-x,2020-11-26,kalbajar,AM,AZ,capture,claimed,src,"a note\non two lines",2020-11-26,,"false\n')
    n = line_of(t, "2020-x,")
    one_error(t, tmp, n + 1, ["unterminated"])


# ----------------------------------------------------- unknown actor ids listed
@test("unknown actor in events.csv: the message lists every actor id (4), or the first 20 and 'and N more'")
def _(tmp):
    t = copy_tracker(tmp)
    line = edit_event(t, "1993-agdam", to="XX")
    p = snapshot_fails(t, tmp, ["events.csv:%d:" % line, "'XX'", "AZ, AM, RU-PK, TR-RU-JMC"])
    rows = read_rows(t, "actors.csv")
    rows += [{"id": "X%02d" % i, "name": "extra %d" % i, "kind": "control"} for i in range(30)]
    write_rows(t, rows, "actors.csv", ["id", "name", "color", "kind", "note"])
    first20 = ", ".join([r["id"] for r in rows[:20]])
    p = snapshot_fails(t, tmp, ["events.csv:%d:" % line, "'XX'", first20 + " and 14 more"])
    check("X16" not in p.stderr, "more than 20 ids listed: %s" % p.stderr)


@test("snapshot --holder XX: the usage error lists every actor id, or the first 20 and 'and N more'")
def _(tmp):
    t = copy_tracker(tmp)
    p = run(["-d", t, "snapshot", "--holder", "XX"], tmp)
    check(p.returncode == 2 and "AZ, AM, RU-PK, TR-RU-JMC" in p.stderr, describe(p))
    rows = read_rows(t, "actors.csv")
    rows += [{"id": "LONG-ACTOR-ID-%02d" % i, "name": "extra %d" % i, "kind": "control"} for i in range(40)]
    write_rows(t, rows, "actors.csv", ["id", "name", "color", "kind", "note"])
    p = run(["-d", t, "snapshot", "--holder", "XX"], tmp)
    first20 = ", ".join([r["id"] for r in rows[:20]])
    check(p.returncode == 2 and first20 + " and 24 more" in p.stderr, describe(p))



@test("render --title and import-series --source/--holder that are not UTF-8: exit 2, nothing written")
def _(tmp):
    expect_failure(["-d", KARABAKH, "render", "--date", "2020-11-25", "--title", "caf\udce9", "-o", "out.png"],
                   tmp, ["title", "not UTF-8"], rc=2, out="out.png")
    with open(os.path.join(tmp, "2020-01-01.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
            "type": "Polygon", "coordinates": square(10, 10)}}]}, f)
    for opt, bad in (("--source", ["--holder", "A", "--other", "B", "--source", "s\udcff"]),
                     ("--holder", ["--holder", "\udcc0\udcaf", "--other", "B"])):
        expect_failure(["import-series"] + bad + ["--out", "o", "2020-01-01.geojson"], tmp,
                       [opt.lstrip("-"), "not UTF-8"], rc=2, out="o")


if __name__ == "__main__":
    sys.exit(main("fl-bad-"))
