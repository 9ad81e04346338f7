#!/usr/bin/python3
"""End-to-end tests of contested ground: events with to=contested and the
actors that contest the area in `parties`.

usage: /usr/bin/python3 test_contested.py PATH_TO_FRONTLINE SOURCE_ROOT

Every test writes a small tracker into a fresh temporary folder: three
one-degree squares side by side (R1, R2, R3), actors AM, AZ, RU and a
presence PK, and events that make R2 contested between AM and AZ (then
AZ's), R3 contested between AM, AZ and RU, and a polygon inside R1 contested
between AM and AZ (a polygon event: the tracker gets an index, so the second
run of a command reads it).  The tool runs as a subprocess and prints TAP;
expected areas are geodesic areas computed here with pyproj, and the map's
pixels are read with PIL.  Needs Debian's /usr/bin/python3 (pyproj, PIL).
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import urllib.request

from PIL import Image
from pyproj import Geod

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, Workdir, check, check_close, main, test  # noqa: E402

GEOD = Geod(ellps="WGS84")
COLOURS = {"AM": (0xe4, 0x1a, 0x1c), "AZ": (0x37, 0x7e, 0xb8), "RU": (0x4d, 0xaf, 0x4a),
           "PK": (0x98, 0x4e, 0xa3)}
GREY = (0x9e, 0x9e, 0x9e)
HEADER = "id,date,regions,area,to,from,kind,status,source,parties"
EVENTS = [
    "e1,2020-01-01,*,,AM,,baseline,confirmed,s1,",
    "e2,2020-02-01,R2,,contested,AM,capture,confirmed,s2,AZ;AM",
    "e3,2020-03-01,R2,,AZ,contested:AM+AZ,capture,confirmed,s3,",
    "e4,2020-02-15,R3,,contested,AM,capture,claimed,s4,RU; AZ ;AM",
    "e5,2020-04-01,,P1,contested,AM,capture,confirmed,s5,AM;AZ",
]
P1 = (40.2, 40.2, 40.6, 40.6)  # inside R1


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def km2(x0, y0, x1, y1):
    ring = square(x0, y0, x1, y1)
    return abs(GEOD.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])[0]) / 1e6


R = {"R%d" % (i + 1): (40.0 + i, 40.0, 41.0 + i, 41.0) for i in range(3)}
AREA = {k: km2(*v) for k, v in R.items()}
AREA["P1"] = km2(*P1)
TOTAL = AREA["R1"] + AREA["R2"] + AREA["R3"]


class Ctx(Workdir):
    timeout = 120

    def write(self, name, text):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    def tracker(self, name="t", events=None, actors=None):
        """The tracker of the module's docstring (or these events' rows, these actors' rows)."""
        self.write(name + "/actors.csv", "id,name,color,kind,note\n" + "".join(actors or [
            "AM,Armenia,#%02x%02x%02x,control,\n" % COLOURS["AM"],
            "AZ,Azerbaijan,#%02x%02x%02x,control,\n" % COLOURS["AZ"],
            "RU,Russia,#%02x%02x%02x,control,\n" % COLOURS["RU"],
            "PK,Peacekeepers,#%02x%02x%02x,presence,\n" % COLOURS["PK"]]))

        def feat(props, box):
            return {"type": "Feature", "properties": props,
                    "geometry": {"type": "Polygon", "coordinates": [square(*box)]}}
        self.write(name + "/regions.geojson", json.dumps({"type": "FeatureCollection", "features": [
            feat({"id": k, "name": "Region " + k}, v) for k, v in R.items()]}))
        self.write(name + "/areas.geojson", json.dumps({"type": "FeatureCollection", "features": [
            feat({"id": "P1"}, P1)]}))
        self.write(name + "/events.csv", HEADER + "\n" + "".join(
            r + "\n" for r in (EVENTS if events is None else events)))
        return name

    def json(self, *args):
        return json.loads(self.ok(*args).out)


def props(doc, key):
    """The features' properties by key (one feature each)."""
    out = {}
    for f in doc["features"]:
        k = f["properties"][key]
        check(k not in out, "two features for %s %r" % (key, k))
        out[k] = f["properties"]
    return out


def by_actor_key(p):
    return p["holder"] or "contested:" + p["contested"].replace(";", "+")


# ----------------------------------------------------------------- snapshots
@test("snapshot by region: contested pieces have no holder, their parties, a name, the regions' areas")
def t_snapshot_region(w):
    t = w.tracker()
    for run in ("sources", "index"):
        got = props(w.json("-d", t, "snapshot", "--date", "2020-02-20"), "region")
        check(sorted(got) == ["R1", "R2", "R3"], "%s: regions %r" % (run, sorted(got)))
        want = {"R1": ("AM", "Armenia", None, "e1"),
                "R2": (None, "Contested (AM, AZ)", "AM;AZ", "e2"),
                "R3": (None, "Contested (AM, AZ, RU)", "AM;AZ;RU", "e4")}
        for r, (holder, name, parties, ev) in want.items():
            p = got[r]
            check((p["holder"], p["holder_name"], p["contested"], p["event"]) == (holder, name, parties, ev),
                  "%s: %s: holder %r, holder_name %r, contested %r, event %r; expected %r" % (
                      run, r, p["holder"], p["holder_name"], p["contested"], p["event"],
                      (holder, name, parties, ev)))
            check_close(p["area_km2"], AREA[r], "%s: %s area_km2" % (run, r))
            check(list(p)[-1] == "contested", "%s: the last field is %r, not contested" % (run, list(p)[-1]))
    check(os.path.exists(w.path(t, ".frontline-index")), "no index was written beside the tracker")
    # after e3 R2 is AZ's alone
    got = props(w.json("-d", t, "snapshot", "--date", "2020-03-05"), "region")
    check((got["R2"]["holder"], got["R2"]["contested"]) == ("AZ", None),
          "R2 on 2020-03-05: %r" % got["R2"])


@test("snapshot by actor: one piece per set of parties, areas apart, shares summing to 1")
def t_snapshot_actor(w):
    t = w.tracker()
    for run in ("sources", "index"):
        doc = w.json("-d", t, "snapshot", "--date", "2020-04-15", "--by", "actor")
        got = {by_actor_key(f["properties"]): f["properties"] for f in doc["features"]}
        want = {"AM": AREA["R1"] - AREA["P1"], "AZ": AREA["R2"], "contested:AM+AZ": AREA["P1"],
                "contested:AM+AZ+RU": AREA["R3"]}
        check(sorted(got) == sorted(want), "%s: holders %r, expected %r" % (run, sorted(got), sorted(want)))
        for k, a in want.items():
            check_close(got[k]["area_km2"], a, "%s: %s area_km2" % (run, k))
            check_close(got[k]["share"], a / TOTAL, "%s: %s share" % (run, k))
        check_close(sum(p["share"] for p in got.values()), 1.0, "%s: sum of shares" % run)
        check(got["contested:AM+AZ"]["holder"] is None and got["contested:AM+AZ"]["contested"] == "AM;AZ"
              and got["contested:AM+AZ"]["holder_name"] == "Contested (AM, AZ)",
              "%s: the contested piece: %r" % (run, got["contested:AM+AZ"]))
    # --holder keeps working: AM's own ground only, or one contested state by its id
    doc = w.json("-d", t, "snapshot", "--date", "2020-04-15", "--by", "actor", "--holder", "AM")
    check([f["properties"]["holder"] for f in doc["features"]] == ["AM"],
          "--holder AM: %r" % [f["properties"] for f in doc["features"]])
    doc = w.json("-d", t, "snapshot", "--date", "2020-04-15", "--by", "actor", "--holder", "contested:AM+AZ")
    check([f["properties"]["contested"] for f in doc["features"]] == ["AM;AZ"],
          "--holder contested:AM+AZ: %r" % [f["properties"] for f in doc["features"]])
    r = w.ok("-d", t, "snapshot", "--date", "2020-04-15", "--summary")
    out = r.out + r.err
    check("contested:AM+AZ+RU" in out and "Contested (AM, AZ, RU)" in out,
          "the summary has no line for contested ground:\n" + out)


# --------------------------------------------------------------------- diffs
@test("diff: AM -> contested (AM, AZ) -> AZ, with the parties in from_contested/to_contested")
def t_diff(w):
    t = w.tracker()

    def diff(d1, d2):
        return props(w.json("-d", t, "diff", d1, d2), "region")

    got = diff("2020-01-15", "2020-02-20")
    check(sorted(got) == ["R2", "R3"], "changes in %r" % sorted(got))
    p = got["R2"]
    check((p["from"], p["to"], p["from_contested"], p["to_contested"], p["events"]) ==
          ("AM", None, None, "AM;AZ", "e2"), "AM -> contested: %r" % p)
    check_close(p["area_km2"], AREA["R2"], "R2 area_km2")
    check(got["R3"]["to_contested"] == "AM;AZ;RU", "R3: %r" % got["R3"])
    got = diff("2020-02-20", "2020-03-02")
    p = got["R2"]
    check((p["from"], p["to"], p["from_contested"], p["to_contested"], p["events"]) ==
          (None, "AZ", "AM;AZ", None, "e3"), "contested -> AZ: %r" % p)
    # across both: AM -> AZ, through the two events
    got = diff("2020-01-15", "2020-03-02")
    p = got["R2"]
    check((p["from"], p["to"], p["from_contested"], p["to_contested"], p["events"]) ==
          ("AM", "AZ", None, None, "e2,e3"), "AM -> AZ: %r" % p)
    doc = w.json("-d", t, "diff", "2020-01-15", "2020-02-20", "--by", "actor")
    check(sorted((f["properties"]["from"], f["properties"]["to_contested"]) for f in doc["features"]) ==
          [("AM", "AM;AZ"), ("AM", "AM;AZ;RU")], "by actor: %r" % [f["properties"] for f in doc["features"]])


# --------------------------------------------------------------------- stats
@test("stats: each set of parties is a holder of its own, areas apart, shares summing to 1")
def t_stats(w):
    t = w.tracker()
    rows = list(csv.DictReader(io.StringIO(w.ok("-d", t, "stats").out)))
    at = {}
    for r in rows:
        at.setdefault(r["date"], {})[r["holder"]] = (float(r["area_km2"]), float(r["share"]))
    check(sorted(at) == ["2020-01-01", "2020-02-01", "2020-02-15", "2020-03-01", "2020-04-01"],
          "dates %r" % sorted(at))
    holders = ["AM", "AZ", "contested:AM+AZ", "contested:AM+AZ+RU"]
    for d, v in at.items():
        check(sorted(v) == holders, "%s: holders %r, expected %r" % (d, sorted(v), holders))
        check_close(sum(a for a, _ in v.values()), TOTAL, "%s: sum of areas" % d)
        check_close(sum(s for _, s in v.values()), 1.0, "%s: sum of shares" % d)
    want = {"2020-02-01": {"AM": AREA["R1"] + AREA["R3"], "contested:AM+AZ": AREA["R2"]},
            "2020-02-15": {"AM": AREA["R1"], "contested:AM+AZ": AREA["R2"], "contested:AM+AZ+RU": AREA["R3"]},
            "2020-03-01": {"AM": AREA["R1"], "AZ": AREA["R2"], "contested:AM+AZ+RU": AREA["R3"]},
            "2020-04-01": {"AM": AREA["R1"] - AREA["P1"], "AZ": AREA["R2"], "contested:AM+AZ": AREA["P1"],
                           "contested:AM+AZ+RU": AREA["R3"]}}
    for d, v in want.items():
        for h in holders:
            check_close(at[d][h][0], v.get(h, 0.0), "%s %s area_km2" % (d, h), abs_tol=1e-6)


# -------------------------------------------------------------------- render
def colour_counts(path, box):
    """Pixels of each colour (exact RGB) in the box (x0, y0, x1, y1) of a PNG."""
    im = Image.open(path).convert("RGB")
    counts = {}
    for px in im.crop(box).getdata():
        counts[px] = counts.get(px, 0) + 1
    return counts


@test("render: contested ground is grey, hatched in both parties' colours; held ground is not")
def t_render(w):
    t = w.tracker()
    # the map's whole view inside R2 (contested by AM and AZ on 2020-02-20), then inside R1 (AM's)
    w.ok("-d", t, "render", "--date", "2020-02-20", "--bbox", "41.3,40.3,41.7,40.7", "--no-labels",
         "--size", "400x300", "-o", "r2.png")
    c = colour_counts(w.path("r2.png"), (100, 75, 300, 225))
    n = sum(c.values())
    for name, rgb in (("grey", GREY), ("AM's colour", COLOURS["AM"]), ("AZ's colour", COLOURS["AZ"])):
        check(c.get(rgb, 0) > n * 0.1, "R2's interior has %d of %d pixels in %s %r; its colours: %r" % (
            c.get(rgb, 0), n, name, rgb, sorted(c.items(), key=lambda x: -x[1])[:6]))
    check(c.get(COLOURS["RU"], 0) == 0, "RU's colour in R2, which RU does not contest")
    # 800x600: at 400x300 the caption (with the base map's credit) reaches the box's lower edge
    w.ok("-d", t, "render", "--date", "2020-02-20", "--bbox", "40.7,40.65,40.9,40.9", "--no-labels",
         "--size", "800x600", "-o", "r1.png")
    c = colour_counts(w.path("r1.png"), (200, 150, 600, 450))
    check(c.get(COLOURS["AM"], 0) == sum(c.values()), "R1 (AM's) is not all AM's colour: %r" % (
        sorted(c.items(), key=lambda x: -x[1])[:6],))


# ---------------------------------------------------------------- GeoPackage
@test("copy to a GeoPackage and back: the parties column travels, the maps are the same")
def t_gpkg(w):
    t = w.tracker()
    w.ok("copy", t, "t.gpkg")
    w.ok("copy", "t.gpkg", "back")
    with open(w.path(t, "events.csv"), encoding="utf-8") as a, \
            open(w.path("back", "events.csv"), encoding="utf-8") as b:
        check(a.read() == b.read(), "events.csv changed on its way through the GeoPackage")
    for d in ("2020-02-20", "2020-04-15"):
        for by in ("region", "actor"):
            x = w.json("-d", t, "snapshot", "--date", d, "--by", by)
            y = w.json("-d", "t.gpkg", "snapshot", "--date", d, "--by", by)
            check(x == y, "%s by %s: the GeoPackage's snapshot differs" % (d, by))
    x = props(w.json("-d", "t.gpkg", "snapshot", "--date", "2020-02-20"), "region")
    check(x["R3"]["contested"] == "AM;AZ;RU", "the GeoPackage's R3: %r" % x["R3"])


@test("export: contested periods have no holder, their parties in the last field")
def t_export(w):
    t = w.tracker()
    w.ok("-d", t, "export", "-o", "x.geojson")
    with open(w.path("x.geojson"), encoding="utf-8") as f:
        feats = [x["properties"] for x in json.load(f)["features"]]
    r2 = sorted((p["valid_from"], p["holder"], p["contested"]) for p in feats if p["region"] == "R2")
    check(r2 == [("2020-01-01T00:00:00Z", "AM", None), ("2020-02-01T00:00:00Z", None, "AM;AZ"),
                 ("2020-03-01T00:00:00Z", "AZ", None)], "R2's periods: %r" % r2)
    check(all(list(p)[-1] == "contested" for p in feats), "contested is not the last field")


# ------------------------------------------------------------------ OGC API
@test("serve: control, changes and events items carry the parties")
def t_serve(w):
    t = w.tracker()
    env = dict(os.environ)
    env.pop("FRONTLINE_TRACKER", None)
    proc = subprocess.Popen([BIN, "-d", t, "serve", "--port", "0"], cwd=w.tmp, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        port = None
        for line in proc.stderr:
            m = re.search(r"listening on http://[^ ]+:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        check(port, "the server did not start")

        def get(path):
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=60) as r:
                return json.load(r)
        got = props(get("/collections/control/items?f=json&datetime=2020-02-20"), "region")
        check((got["R2"]["holder"], got["R2"]["contested"]) == (None, "AM;AZ"), "control R2: %r" % got["R2"])
        check((got["R1"]["holder"], got["R1"]["contested"]) == ("AM", None), "control R1: %r" % got["R1"])
        got = props(get("/collections/changes/items?f=json&datetime=2020-01-15/2020-02-20"), "region")
        check((got["R2"]["from"], got["R2"]["to"], got["R2"]["to_contested"]) == ("AM", None, "AM;AZ"),
              "changes R2: %r" % got["R2"])
        got = props(get("/collections/events/items?f=json"), "id")
        check((got["e4"]["to"], got["e4"]["parties"]) == ("contested", "AM;AZ;RU"), "event e4: %r" % got["e4"])
        check((got["e3"]["from"], got["e3"]["to"], got["e3"]["parties"]) == ("contested:AM+AZ", "AZ", None),
              "event e3: %r" % got["e3"])
    finally:
        proc.terminate()
        proc.wait(timeout=60)


# ----------------------------------------------------------------- bad input
BAD = [
    ("to=contested without parties", "e9,2020-05-01,R1,,contested,,capture,confirmed,s,",
     "events.csv:7: field 'parties': empty: to=contested needs the actors that contest the area, "
     "two or more actor ids separated by ';'"),
    ("one party", "e9,2020-05-01,R1,,contested,,capture,confirmed,s,AZ",
     "events.csv:7: field 'parties': one party ('AZ'): contested ground has two or more parties, "
     "their actor ids separated by ';'"),
    ("an unknown party", "e9,2020-05-01,R1,,contested,,capture,confirmed,s,AZ;XX",
     "events.csv:7: field 'parties': unknown actor 'XX' (its actors: AM, AZ, RU, PK)"),
    ("a presence as party", "e9,2020-05-01,R1,,contested,,capture,confirmed,s,AZ;PK",
     "events.csv:7: field 'parties': actor 'PK' is a presence (kind presence in the actors), which "
     "cannot hold territory nor contest it"),
    ("a party twice", "e9,2020-05-01,R1,,contested,,capture,confirmed,s,AZ;AM;AZ",
     "events.csv:7: field 'parties': actor 'AZ' is named twice"),
    ("parties with to=AZ", "e9,2020-05-01,R1,,AZ,,capture,confirmed,s,AM;AZ",
     "events.csv:7: field 'parties': 'AM;AZ' given, but 'to' is 'AZ': parties name the actors that "
     "contest the area of an event with to=contested"),
    ("the holder's id in to", "e9,2020-05-01,R1,,contested:AM+AZ,,capture,confirmed,s,",
     "events.csv:7: field 'to': 'contested:AM+AZ' is the holder of contested ground: write "
     "to=contested and the parties in 'parties'"),
    ("from=contested without parties", "e9,2020-05-01,R2,,AM,contested,capture,confirmed,s,",
     "events.csv:7: field 'from': name contested ground by its parties: contested:AM+AZ (their "
     "actor ids joined by '+')"),
    ("from naming an unknown party", "e9,2020-05-01,R2,,AM,contested:AZ+XX,capture,confirmed,s,",
     "events.csv:7: field 'from': unknown actor 'XX' (its actors: AM, AZ, RU, PK)"),
]


@test("bad parties, to and from: file:line: field and what is wrong, exit 1, nothing written")
def t_bad(w):
    for what, row, msg in BAD:
        t = w.tracker("bad", EVENTS + [row])
        r = w.run("-d", t, "snapshot", "--date", "2020-05-02", "-o", "out.geojson")
        check(r.rc == 1, "%s: exit status %d, expected 1\n%s" % (what, r.rc, r.describe()))
        check(r.err.strip() == "frontline: " + msg, "%s: stderr\n  %r\nexpected\n  %r" % (
            what, r.err.strip(), "frontline: " + msg))
        check(not os.path.exists(w.path("out.geojson")), "%s: out.geojson was written" % what)
        r = w.run("-d", t, "check")
        check(r.rc == 1 and "error: " + msg in r.out + r.err, "%s: check:\n%s" % (what, r.describe()))


@test("an actor with the id 'contested' (or contested:...) is refused with its file:line: field")
def t_bad_actor(w):
    for aid in ("contested", "contested:X"):
        t = w.tracker("bad", actors=["AM,Armenia,#ff0000,control,\n", "AZ,Azerbaijan,#0000ff,control,\n",
                                     "%s,Grey,#888888,control,\n" % aid, "RU,Russia,#00ff00,control,\n"])
        r = w.run("-d", t, "snapshot", "--date", "2020-02-20", "-o", "out.geojson")
        msg = ("frontline: actors.csv:4: field 'id': '%s' is reserved: events write to=contested (with "
               "their parties) for contested ground; give the actor another id" % aid)
        check(r.rc == 1 and r.err.strip() == msg, "%s: %s\nexpected %r" % (aid, r.describe(), msg))
        check(not os.path.exists(w.path("out.geojson")), "out.geojson was written")


@test("record: --from names contested ground by its id; --to contested ground is refused")
def t_record(w):
    t = w.tracker()
    with open(w.path(t, "events.csv"), encoding="utf-8") as f:
        before = f.read()
    r = w.run("-d", t, "record", "--date", "2020-05-01", "--region", "R3", "--to", "AZ", "--source", "x",
              "--to", "contested:AM+AZ")
    check(r.rc != 0 and "contested ground" in r.err, "record --to contested:AM+AZ:\n" + r.describe())
    with open(w.path(t, "events.csv"), encoding="utf-8") as f:
        check(f.read() == before, "events.csv changed")
    w.ok("-d", t, "record", "--date", "2020-05-01", "--region", "R3", "--to", "AZ",
         "--from", "contested:AM+AZ+RU", "--source", "x")
    got = [f["properties"] for f in w.json("-d", t, "snapshot", "--date", "2020-05-02")["features"]
           if f["properties"]["region"] == "R3"]
    check([(p["holder"], p["contested"]) for p in got] == [("AZ", None)], "R3 after the record: %r" % got)
    r = w.ok("-d", t, "check")
    check("'from'" not in r.out + r.err, "check complains about a from:\n" + r.describe())


if __name__ == "__main__":
    sys.exit(main("fl-contested-", context=Ctx))
