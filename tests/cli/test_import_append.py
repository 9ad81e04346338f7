#!/usr/bin/python3
"""End-to-end tests of `frontline import-series --append` (the daily routine
of a DeepState user: each morning one new file) and of a claimed series
beside an assessed one (FILE:claimed).

The promise tested: a tracker from `import-series` of days 1..N then
`--append` of days N+1..M is the tracker of one import of days 1..M, file
for file and byte for byte, so it answers the same (stats --step day,
snapshots feature by feature, check), with and without --extent.  Generated
daily polygons, and six DeepState days then three (skipped when ../shared is
absent; with Natural Earth's Ukraine as the extent).  Bad input:
a clear message naming the file or the option, non-zero exit, the tracker's
files unchanged byte for byte.

Usage: /usr/bin/python3 test_import_append.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import glob
import csv
import json
import os
import shutil
import sys

from shapely.geometry import box, mapping, shape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import SRC, Skip, Workdir, check, main, test, tree_bytes  # noqa: E402

SHARED = os.environ.get("FL_SHARED") or (os.path.join(SRC, "..", "shared") if SRC else "")
DEEPSTATE = os.path.join(SHARED, "data", "deepstate")


class Ctx(Workdir):
    timeout = 300

    def write_day(self, name, geom):
        with open(self.path(name), "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"name": "control"}, "geometry": mapping(geom)}]}, f)
        return name


# Six days of RU's area: a gain beyond everything before (the extent grows on
# days 2, 4 and 6), a loss, a day without change, a gain and a loss at once.
ASSESSED = [box(30.0, 50.0, 30.5, 50.5),
            box(30.0, 50.0, 30.6, 50.5),
            box(30.0, 50.0, 30.6, 50.4),
            box(30.0, 50.0, 30.6, 50.45).union(box(30.6, 50.0, 30.7, 50.2)),
            box(30.0, 50.0, 30.6, 50.45).union(box(30.6, 50.0, 30.7, 50.2)),
            box(30.05, 50.0, 30.6, 50.55).union(box(30.6, 50.0, 30.8, 50.2))]
# An assessed series and the claims beside it, always beyond the assessment;
# on day 6 both give up the same corner.  (In the default view each piece is
# held as the latest report of either series says, the claims after the
# assessment on a date: ground the assessment gives up while the claims keep
# it would show UA, so these claims do not keep such ground.)
CORNER = box(30.0, 50.0, 30.05, 50.1)
ASSESSED_C = [box(30.0, 50.0, 30.5, 50.5),
              box(30.0, 50.0, 30.6, 50.5),
              box(30.0, 50.0, 30.6, 50.5),
              box(30.0, 50.0, 30.6, 50.55).union(box(30.6, 50.0, 30.7, 50.2)),
              box(30.0, 50.0, 30.6, 50.55).union(box(30.6, 50.0, 30.7, 50.2)),
              box(30.0, 50.0, 30.6, 50.55).union(box(30.6, 50.0, 30.8, 50.2)).difference(CORNER)]
CLAIMED = [box(30.0, 50.0, 30.7, 50.5),
           box(30.0, 50.0, 30.8, 50.5),
           box(30.0, 50.0, 30.8, 50.6),
           box(30.0, 50.0, 30.9, 50.6),
           box(30.0, 50.0, 30.9, 50.6),
           box(30.0, 50.0, 31.0, 50.7).difference(CORNER)]
DATES = ["2024-03-%02d" % d for d in range(1, 7)]
HO = ["--holder", "RU", "--other", "UA"]


def days(c, prefix="ru", polys=ASSESSED, suffix=""):
    """The daily files (names with the date as YYYYMMDD), with suffix (":claimed") added."""
    return [c.write_day("%s_%s.geojson" % (prefix, d.replace("-", "")), g) + suffix
            for d, g in zip(DATES, polys)]


def same_tree(a, b, what):
    """The tracker's files byte for byte (not the index, a cache of a loaded tracker)."""
    ta, tb = tree_bytes(a), tree_bytes(b)
    for t in (ta, tb):
        t.pop(".frontline-index", None)
    check(sorted(ta) == sorted(tb), "%s: files %s, expected %s" % (what, sorted(ta), sorted(tb)))
    for n in sorted(ta):
        check(ta[n] == tb[n], "%s: %s differs from one import's (%d bytes, expected %d)"
              % (what, n, len(ta[n]), len(tb[n])))


def same_answers(c, a, b, dates, what, extra=()):
    """stats --step day CSV byte for byte, snapshots feature by feature, check clean."""
    sa = c.ok("-d", a, "stats", "--step", "day", *extra).out
    sb = c.ok("-d", b, "stats", "--step", "day", *extra).out
    check(sa == sb, "%s: stats --step day differ:\n%s\n---\n%s" % (what, sa, sb))
    for d in dates:
        fa = json.loads(c.ok("-d", a, "snapshot", "--date", d, *extra).out)["features"]
        fb = json.loads(c.ok("-d", b, "snapshot", "--date", d, *extra).out)["features"]
        check(len(fa) == len(fb), "%s: snapshot %s: %d features, expected %d" % (what, d, len(fa), len(fb)))
        for x, y in zip(fa, fb):
            check(x == y, "%s: snapshot %s: feature %s differs from %s" % (what, d, x["properties"], y["properties"]))
    for t in (a, b):
        r = c.run("-d", t, "check", "-f", "json")
        doc = json.loads(r.out) if r.out.startswith("{") else {}
        check(r.rc == 0 and doc.get("errors") == 0, "%s: check of %s is not clean:\n%s" % (what, t, r.describe()))


@test("import-series --append: days 1-3, then day 4, then days 5-6 == one import of days 1-6, byte for byte")
def t_append_exact(c):
    files = days(c)
    c.ok("import-series", *HO, "--source", "DeepStateMap", "--out", "ALL", *files)
    c.ok("import-series", *HO, "--source", "DeepStateMap", "--out", "T", *files[:3])
    c.ok("-d", "T", "stats", "--step", "day")  # an index of the three days, to be found stale
    c.ok("import-series", "--append", "T", files[3])
    c.ok("import-series", "--append", "T", *files[4:])
    check(not glob.glob(c.path("T", "*.tmp*")) and not glob.glob(c.path("*.tmp*")), "temporary files left")
    same_tree(c.path("T"), c.path("ALL"), "T")
    same_answers(c, "T", "ALL", DATES, "T")
    # the extent grew with the appended days: UA holds day 6's gain on day 1
    snap = json.loads(c.ok("-d", "T", "snapshot", "--by", "actor", "--date", DATES[0]).out)["features"]
    ua = [shape(f["geometry"]) for f in snap if f["properties"]["holder"] == "UA"]
    check(ua and ua[0].contains(box(30.7, 50.05, 30.75, 50.15)), "UA does not hold on day 1 what RU took on day 6")
    with open(c.path("T", "events.csv"), encoding="utf-8") as f:
        text = f.read()
    check("2024-03-06-RU" in text and ",DeepStateMap," in text, "the appended rows lack the id or the source")


EXTENT_OPTS = ["--extent", "extent.geojson", "--actor", "RU:Russian forces:#c0392b", "--actor", "UA::#2166ac",
               "--attribution", "Control data: DeepStateMap, via cyterat/deepstate-map-data, GNU GPL v3."]


@test("import-series --extent --actor --attribution, then --append: == one import of all the days, byte for byte")
def t_append_extent(c):
    files = days(c)
    # the extent covers days 1-5 but not all of day 6's gain: the territory grows with it
    c.write_day("extent.geojson", box(29.9, 49.9, 30.75, 50.6))
    c.ok("import-series", *HO, *EXTENT_OPTS, "--out", "ALL", *files)
    c.ok("import-series", *HO, *EXTENT_OPTS, "--out", "T", *files[:3])
    c.ok("import-series", "--append", "T", files[3])
    c.ok("import-series", "--append", "T", *files[4:])
    same_tree(c.path("T"), c.path("ALL"), "T")
    same_answers(c, "T", "ALL", DATES, "T")
    # from one day (no gain yet: the extent is the square less day 1's area)
    c.ok("import-series", *HO, *EXTENT_OPTS, "--out", "T1", files[0])
    c.ok("import-series", "--append", "T1", *files[1:])
    same_tree(c.path("T1"), c.path("ALL"), "T1")
    # UA holds the extent outside RU's area (and day 6's gain beyond the extent) on day 1
    snap = json.loads(c.ok("-d", "T", "snapshot", "--by", "actor", "--date", DATES[0]).out)["features"]
    ua = [shape(f["geometry"]) for f in snap if f["properties"]["holder"] == "UA"][0]
    want = box(29.9, 49.9, 30.75, 50.6).union(box(30.6, 50.0, 30.8, 50.2)).difference(ASSESSED[0])
    check(ua.symmetric_difference(want).area < 1e-9, "UA on day 1 is not the extent and the gains less RU's")
    # given options are checked against the tracker's, the same pass; nothing written when they differ
    c.write_day("other.geojson", box(29.9, 49.9, 30.7, 50.6))
    c.ok("import-series", *HO, *EXTENT_OPTS, "--out", "T2", *files[:3])
    before = tree_bytes(c.path("T2"))
    for args, needles in ((["--extent", "other.geojson"], ["--extent", "other.geojson", "extent.geojson"]),
                          (["--extent", "nosuch.geojson"], ["--extent", "nosuch.geojson"]),
                          (["--extent-where", "id=1"], ["--extent-where", "--extent"]),
                          (["--actor", "RU:Russia"], ["--actor", "Russia", "Russian forces"]),
                          (["--actor", "UA::#000000"], ["--actor", "#000000", "#2166ac"]),
                          (["--actor", "XX:Someone"], ["--actor", "XX"]),
                          (["--attribution", "ISW"], ["--attribution", "ISW", "DeepStateMap"])):
        r = c.run("import-series", "--append", "T2", *args, files[3])
        check(r.rc != 0, "%s: exit 0\n%s" % (args, r.describe()))
        for n in needles:
            check(n in r.err, "%s: stderr does not mention %r:\n%s" % (args, n, r.err))
        check(tree_bytes(c.path("T2")) == before, "%s: the tracker changed" % args)
    c.ok("import-series", "--append", "T2", *EXTENT_OPTS, *files[3:])
    same_tree(c.path("T2"), c.path("ALL"), "T2")


@test("import-series --append reads --holder, --other, --source back; given ones must match (nothing written)")
def t_append_options(c):
    files = days(c)
    c.ok("import-series", *HO, "--out", "T", *files[:3])
    before = tree_bytes(c.path("T"))
    for opt, val in (("--holder", "XX"), ("--other", "RU"), ("--source", "ISW"), ("--date-field", "day")):
        r = c.run("import-series", "--append", "T", opt, val, files[3])
        check(r.rc != 0, "%s %s: exit 0\n%s" % (opt, val, r.describe()))
        check(opt in r.err and val in r.err, "%s %s: stderr does not name the option:\n%s" % (opt, val, r.err))
        check(tree_bytes(c.path("T")) == before, "%s %s: the tracker changed" % (opt, val))
    c.ok("import-series", "--append", "T", "--holder", "RU", "--other", "UA", files[3])
    c.ok("import-series", *HO, "--out", "ALL", *files[:4])
    same_tree(c.path("T"), c.path("ALL"), "T")


@test("import-series --append stopped between its renames (areas, events, state) is finished by running it again")
def t_append_rerun(c):
    files = days(c)
    c.ok("import-series", *HO, "--out", "ALL", *files)
    c.ok("import-series", *HO, "--out", "T0", *files[:4])
    shutil.copytree(c.path("T0"), c.path("T1"))
    c.ok("import-series", "--append", "T1", *files[4:])
    # the states a stop leaves: areas.geojson renamed; then events.csv too
    for name, new in (("A", ["areas.geojson"]), ("E", ["areas.geojson", "events.csv"])):
        shutil.copytree(c.path("T0"), c.path(name))
        for f in new:
            shutil.copy(c.path("T1", f), c.path(name, f))
        c.ok("import-series", "--append", name, *files[4:])
        same_tree(c.path(name), c.path("ALL"), name)


@test("import-series --append with --date-field: the field is read back; one file of several days appended")
def t_append_date_field(c):
    feats = lambda idx: {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"day": DATES[i]}, "geometry": mapping(ASSESSED[i])} for i in idx]}
    for name, idx in (("all.geojson", range(6)), ("first.geojson", range(3)), ("next.geojson", range(3, 6))):
        with open(c.path(name), "w", encoding="utf-8") as f:
            json.dump(feats(idx), f)
    c.ok("import-series", *HO, "--date-field", "day", "--source", "S", "--out", "ALL", "all.geojson")
    c.ok("import-series", *HO, "--date-field", "day", "--source", "S", "--out", "T", "first.geojson")
    c.ok("import-series", "--append", "T", "next.geojson")
    t, a = tree_bytes(c.path("T")), tree_bytes(c.path("ALL"))
    for n in ("events.csv", "areas.geojson", "actors.csv"):
        check(t[n] == a[n], "%s differs from one import's" % n)
    refused(c, ["--append", "T", "next.geojson"], ["next.geojson", "2024-03-04", "already"])


@test("import-series --append onto a tracker `record` added an event and its polygon to: both kept")
def t_append_after_record(c):
    files = days(c)
    c.ok("import-series", *HO, "--out", "T", *files[:3])
    c.write_day("rec.geojson", box(30.1, 50.1, 30.2, 50.2))
    c.ok("-d", "T", "record", "--date", DATES[2], "--area", "rec.geojson", "--to", "UA", "--from", "RU",
         "--source", "a report", "--id", "rec1")
    with open(c.path("T", "areas.geojson"), encoding="utf-8") as f:
        rec_line = [l for l in f.read().splitlines() if '"rec1"' in l]
    c.ok("import-series", "--append", "T", *files[3:])
    c.ok("import-series", *HO, "--out", "ALL", *files)
    # (record adds the columns it writes that the layer lacks, such as `recorded`: the imported rows
    # leave them empty)
    with open(c.path("T", "events.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(c.path("ALL", "events.csv"), encoding="utf-8") as f:
        want = list(csv.DictReader(f))
    cols = list(want[0])
    got = [{k: r[k] for k in cols} for r in rows if r["id"] != "rec1"]
    check(got == want and all(not v for r in rows if r["id"] != "rec1" for k, v in r.items() if k not in cols),
          "the imported rows differ from one import's")
    check(len(rows) == len(want) + 1, "the recorded event is gone")
    with open(c.path("T", "areas.geojson"), encoding="utf-8") as f:
        areas = json.load(f)["features"]
    check(len(rec_line) == 1 and any(f["properties"]["id"] == "rec1" for f in areas), "rec1's polygon is gone")
    r = c.run("-d", "T", "check", "-f", "json")
    check(r.rc == 0 and json.loads(r.out).get("errors") == 0, "check is not clean:\n%s" % r.describe())


def refused(c, args, needles, tracker="T", rc=None):
    before = tree_bytes(c.path(tracker)) if os.path.isdir(c.path(tracker)) else None
    r = c.run("import-series", *args)
    check(r.rc != 0, "exit status 0\n%s" % r.describe())
    if rc is not None:
        check(r.rc == rc, "exit status %d, expected %d\n%s" % (r.rc, rc, r.describe()))
    for n in needles:
        check(n in r.err, "stderr does not mention %r:\n%s" % (n, r.err))
    after = tree_bytes(c.path(tracker)) if os.path.isdir(c.path(tracker)) else None
    check(after == before, "the tracker %s changed: %s" % (tracker, sorted(after or {})))
    return r


@test("import-series --append refuses a missing tracker, and one not made by import-series")
def t_append_not_import(c):
    files = days(c)
    refused(c, ["--append", "NOPE", files[0]], ["NOPE"], tracker="NOPE")
    check(not os.path.exists(c.path("NOPE")), "NOPE was created")
    # a tracker made by hand (actors, areas, events) but not by import-series
    c.ok("import-series", *HO, "--out", "T", *files[:2])
    os.unlink(c.path("T", "import-series.json"))
    refused(c, ["--append", "T", files[2]], ["T", "not made by import-series", "import-series.json"])
    with open(c.path("F"), "w", encoding="utf-8") as f:
        f.write("a file\n")
    refused(c, ["--append", "F", files[2]], ["F", "not a folder"], tracker="NOPE")


@test("import-series --append refuses a day already present, a day before the last, a file without a date")
def t_append_bad_days(c):
    files = days(c)
    c.ok("import-series", *HO, "--out", "T", files[0], files[1], files[3])
    r = refused(c, ["--append", "T", files[4], files[3]], [files[3], "2024-03-04", "already in the tracker"])
    refused(c, ["--append", "T", files[2]], [files[2], "2024-03-03", "before the tracker's last date 2024-03-04"])
    refused(c, ["--append", "T", files[0]], [files[0], "2024-03-01", "already"])
    shutil.copy(c.path(files[5]), c.path("control.geojson"))
    refused(c, ["--append", "T", "control.geojson"], ["control.geojson", "no date in the file name"])
    refused(c, ["--append", "T", "nosuch_20240307.geojson"], ["nosuch_20240307.geojson"])
    c.write_day("pt_20240307.geojson", box(30, 50, 30.1, 50.1).centroid)
    refused(c, ["--append", "T", "pt_20240307.geojson"], ["pt_20240307.geojson", "polygon"])
    refused(c, ["--append", "T"], ["no input files"], rc=2)
    refused(c, ["--append", "T", "--out", "O", files[4]], ["--out", "--append"], rc=2)
    check(not os.path.exists(c.path("O")), "--out O was created")


@test("import-series: an unknown status (--status, FILE:STATUS) or one the tracker has no series of is refused")
def t_append_bad_status(c):
    files = days(c)
    c.ok("import-series", *HO, "--out", "T", *files[:2])
    refused(c, ["--append", "T", "--status", "maybe", files[2]], ["--status", "maybe"], rc=2)
    refused(c, ["--append", "T", files[2] + ":maybe"], [files[2] + ":maybe", "unknown status 'maybe'"], rc=2)
    refused(c, ["--append", "T", files[2] + ":claimed"], [files[2], "--status", "no claimed series"])
    refused(c, HO + ["--out", "O", files[0], files[1] + ":sure"], [files[1] + ":sure", "unknown status"],
            tracker="O", rc=2)
    check(not os.path.exists(c.path("O")), "--out O was created")


@test("import-series FILE:claimed: a claimed series beside the assessed one; --status confirmed leaves it out")
def t_claimed_series(c):
    ru = days(c, "ru", ASSESSED_C)
    cl = days(c, "claims", CLAIMED, ":claimed")
    c.ok("import-series", *HO, "--out", "T", *ru, *cl)
    c.ok("import-series", *HO, "--out", "A", *ru)
    with open(c.path("T", "events.csv"), encoding="utf-8") as f:
        rows = [l.split(",") for l in f.read().splitlines()[1:]]
    ids = [r[0] for r in rows]
    check(len(ids) == len(set(ids)), "duplicate ids: %s" % ids)
    claimed = [r for r in rows if r[7] == "claimed"]
    check(claimed and all("-claimed-" in r[0] for r in claimed), "claimed rows: %s" % [r[0] for r in claimed])
    check(all("-claimed-" not in r[0] for r in rows if r[7] == "confirmed"), "assessed ids changed")
    for d, a, cp in zip(DATES, ASSESSED_C, CLAIMED):
        # --status confirmed: the assessed-only tracker's pieces, feature by feature; the
        # ground only the claims reach is unheld in that view
        mine = json.loads(c.ok("-d", "T", "snapshot", "--date", d, "--status", "confirmed").out)["features"]
        alone = json.loads(c.ok("-d", "A", "snapshot", "--date", d).out)["features"]
        held = [f for f in mine if f["properties"]["holder"] is not None]
        check(held == alone, "%s: --status confirmed differs from the assessed-only tracker" % d)
        for f in mine:
            if f["properties"]["holder"] is None:
                check(shape(f["geometry"]).intersection(a).area < 1e-9,
                      "%s: an unheld piece inside the assessed area" % d)
        # the default view includes the claims: RU holds the claimed area
        snap = json.loads(c.ok("-d", "T", "snapshot", "--by", "actor", "--date", d).out)["features"]
        ru_geom = [shape(f["geometry"]) for f in snap if f["properties"]["holder"] == "RU"][0]
        check(ru_geom.symmetric_difference(cp).area < 1e-9, "%s: RU does not hold the claimed area" % d)
        st = {f["properties"]["holder"]: f["properties"]["area_km2"]
              for f in json.loads(c.ok("-d", "T", "snapshot", "--by", "actor", "--date", d,
                                       "--status", "confirmed").out)["features"]}
        sa = {f["properties"]["holder"]: f["properties"]["area_km2"]
              for f in json.loads(c.ok("-d", "A", "snapshot", "--by", "actor", "--date", d).out)["features"]}
        check(st == sa, "%s: areas by holder %s, the assessed-only tracker's %s" % (d, st, sa))
    r = c.run("-d", "T", "check", "-f", "json")
    check(r.rc == 0 and json.loads(r.out).get("errors") == 0, "check is not clean:\n%s" % r.describe())


@test("import-series --append with two series: together, or each on its own, == one import of both")
def t_claimed_append(c):
    ru = days(c, "ru", ASSESSED_C)
    cl = days(c, "claims", CLAIMED, ":claimed")
    c.ok("import-series", *HO, "--out", "ALL", *ru, *cl)
    c.ok("import-series", *HO, "--out", "T1", *ru[:3], *cl[:3])
    shutil.copytree(c.path("T1"), c.path("T2"))
    # the daily routine: both of a day in one command
    for k in range(3, 6):
        c.ok("import-series", "--append", "T1", cl[k], ru[k])
    # the claims first, then the assessment, each on its own
    c.ok("import-series", "--append", "T2", *cl[3:])
    c.ok("import-series", "--append", "T2", *ru[3:])
    same_tree(c.path("T1"), c.path("ALL"), "T1")
    same_tree(c.path("T2"), c.path("ALL"), "T2")
    same_answers(c, "T2", "ALL", DATES, "T2")
    same_answers(c, "T2", "ALL", DATES[:3], "T2 --status confirmed", ("--status", "confirmed"))


@test("import-series --append: six DeepState days, then three, == one import of the nine")
def t_deepstate(c):
    if not os.path.isdir(DEEPSTATE):
        raise Skip("../shared/data/deepstate is absent")
    files = sorted(glob.glob(os.path.join(DEEPSTATE, "deepstatemap_data_*.geojson")))[:9]
    check(len(files) == 9, "fewer than nine DeepState days")
    c.ok("import-series", *HO, "--out", "ALL", *files)
    c.ok("import-series", *HO, "--out", "T", *files[:6])
    c.ok("import-series", "--append", "T", *files[6:])
    same_tree(c.path("T"), c.path("ALL"), "T")
    dates = [os.path.basename(f)[18:26] for f in files]
    dates = ["%s-%s-%s" % (d[:4], d[4:6], d[6:]) for d in dates]
    same_answers(c, "T", "ALL", [dates[0], dates[5], dates[6], dates[8]], "T")
    # the same with Natural Earth's Ukraine as the extent
    countries = os.path.join(SHARED, "data", "naturalearth", "ne_50m_admin_0_countries.geojson")
    if os.path.isfile(countries):
        ext = ["--extent", countries, "--extent-where", "ISO_A3='UKR'"]
        c.ok("import-series", *HO, *ext, "--out", "EALL", *files)
        c.ok("import-series", *HO, *ext, "--out", "ET", *files[:6])
        c.ok("import-series", "--append", "ET", *files[6:])
        same_tree(c.path("ET"), c.path("EALL"), "ET")


if __name__ == "__main__":
    sys.exit(main("fl-append-", context=Ctx))
