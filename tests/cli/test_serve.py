#!/usr/bin/python3
"""End-to-end tests of `frontline serve` (OGC API - Features) on the shipped
Karabakh tracker: the resources and media types of the standard, paging,
bbox and datetime, every kind of bad request, GDAL's own OGC API client
(ogrinfo OAPIF:), concurrency, and a clean stop.

Usage: /usr/bin/python3 test_serve.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  One server (--port 0) is started for the whole file; features
are compared with what `frontline snapshot` / `diff` print, and geometry
with shapely.
"""
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from shapely.geometry import shape, box

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, Failure, Skip, check, fake_library, main, test  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_serve.py FRONTLINE_BINARY SOURCE_ROOT")
LEAFLET = "/usr/share/javascript/leaflet"


def env():
    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    return e


# ------------------------------------------------------------------ server
class Server:
    def __init__(self, args=(), tracker=None):
        self.proc = subprocess.Popen([BIN, "-d", tracker or KARABAKH, "serve", "--port", "0"] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                                     text=True)
        self.stderr = []
        deadline = time.time() + 120
        self.port = None
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.stderr.append(line)
            m = re.search(r"listening on http://([^ ]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
        if not self.port:
            self.proc.kill()
            raise Failure("the server did not start: %s" % "".join(self.stderr)
                          + self.proc.stderr.read())
        # keep draining stderr so the server never blocks on it
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("the server did not stop on SIGTERM")
        self.drain.join(timeout=10)
        return rc


SERVER = None


def request(path, headers=None, method="GET", body=None, srv=None):
    """Raw HTTP: the path is sent exactly as given (no normalisation)."""
    srv = srv or SERVER
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body.encode() if body is not None else None)
        r = c.getresponse()
        data = r.read()
        return r.status, r.getheader("Content-Type") or "", data, r
    finally:
        c.close()


def get_json(path, want_type=None, headers=None):
    status, ctype, data, _ = request(path, headers)
    check(status == 200, "GET %s: status %d, body %s" % (path, status, data[:300]))
    if want_type:
        check(ctype.split(";")[0].strip() == want_type,
              "GET %s: Content-Type %r, expected %r" % (path, ctype, want_type))
    try:
        return json.loads(data)
    except ValueError as e:
        raise Failure("GET %s: not JSON (%s): %r" % (path, e, data[:300]))


def expect_error(path, status, word=None, method="GET", headers=None):
    st, ctype, data, _ = request(path, headers=headers, method=method)
    check(st == status, "%s %s: status %d, expected %d; body %r" % (method, path, st, status,
                                                                     data[:300]))
    check(ctype.startswith("application/json"), "%s: error Content-Type %r" % (path, ctype))
    doc = json.loads(data)
    check(isinstance(doc.get("code"), str) and isinstance(doc.get("description"), str),
          "%s: error body without code/description: %r" % (path, doc))
    if word:
        check(word.lower() in doc["description"].lower(),
              "%s: description %r does not mention %r" % (path, doc["description"], word))
    return doc


def holders(doc):
    return {f["properties"]["region"]: f["properties"]["holder"] for f in doc["features"]}


def cli_json(args):
    p = subprocess.run([BIN, "-d", KARABAKH] + args, capture_output=True, text=True, env=env(),
                       timeout=300)
    check(p.returncode == 0, "frontline %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout)


def links(doc):
    return {l["rel"] + ":" + l.get("type", ""): l["href"] for l in doc["links"]}


def rel(doc, r, type_=None):
    for l in doc["links"]:
        if l["rel"] == r and (type_ is None or l.get("type") == type_):
            return l["href"]
    return None


def path_of(url):
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


# ---------------------------------------------------------------- the API
@test("landing page: JSON with self, alternate, service-desc, conformance, data links")
def _(tmp, srv):
    doc = get_json("/", "application/json")
    for r in ("self", "alternate", "service-desc", "conformance", "data"):
        check(rel(doc, r), "no %r link: %r" % (r, doc["links"]))
    check(rel(doc, "data").endswith("/collections"), "data link %r" % rel(doc, "data"))
    api = get_json(path_of(rel(doc, "service-desc")))
    check(api.get("openapi", "").startswith("3.0"), "API definition: %r" % list(api)[:5])
    check("/collections/{collectionId}/items" in api["paths"], "paths %r" % list(api["paths"]))
    st, ctype, _, _ = request("/api")
    check(ctype.startswith("application/vnd.oai.openapi+json"), "/api Content-Type %r" % ctype)


@test("conformance: core, geojson, html, oas30")
def _(tmp, srv):
    doc = get_json("/conformance", "application/json")
    for c in ("core", "geojson", "html", "oas30"):
        check("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + c in doc["conformsTo"],
              "missing %s in %r" % (c, doc["conformsTo"]))


@test("/collections: control, changes, events, regions, zones, front (and places: the tracker has them) with extents and items links")
def _(tmp, srv):
    doc = get_json("/collections", "application/json")
    ids = [c["id"] for c in doc["collections"]]
    check(ids == ["control", "changes", "events", "regions", "zones", "front", "places"], "collections %r" % ids)
    for c in doc["collections"]:
        check(rel(c, "items", "application/geo+json"), "%s: no items link" % c["id"])
        bb = c["extent"]["spatial"]["bbox"][0]
        check(44 < bb[0] < bb[2] < 51 and 38 < bb[1] < bb[3] < 42, "%s bbox %r" % (c["id"], bb))
    ctl = get_json("/collections/control")
    iv = ctl["extent"]["temporal"]["interval"][0]
    check(iv[0].startswith("1992-") and iv[1].startswith("2023-"), "temporal interval %r" % iv)
    check({a["id"]: a["color"] for a in ctl["actors"]}.get("AM") == "#e8842c", "actors %r" % ctl["actors"])


@test("control at datetime=2020-11-25 and 2020-11-24: Kalbajar AZ then AM; same as `frontline snapshot`")
def _(tmp, srv):
    for date, want in (("2020-11-24", "AM"), ("2020-11-25", "AZ")):
        doc = get_json("/collections/control/items?datetime=" + date, "application/geo+json")
        h = holders(doc)
        check(h["kalbajar"] == want, "%s: kalbajar held by %r, expected %s" % (date, h["kalbajar"], want))
        ref = cli_json(["snapshot", "--date", date])
        check(doc["numberMatched"] == doc["numberReturned"] == len(ref["features"]) == 78,
              "numberMatched %r numberReturned %r" % (doc["numberMatched"], doc["numberReturned"]))
        got = {f["id"]: f for f in doc["features"]}
        for f in ref["features"]:
            g = got[f["properties"]["region"]]
            check(g["properties"] == f["properties"], "%s: properties differ from the CLI" % g["id"])
            check(g["geometry"] == f["geometry"], "%s: geometry differs from the CLI" % g["id"])
        # RFC 3339 with the tracker's offset (Karabakh: Asia/Baku, +04:00)
        check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$", doc["timeStamp"]),
              "timeStamp %r" % doc["timeStamp"])
    # a date-time instant: the handover takes effect at the start of its day
    # in Baku (the tracker's time zone, UTC+4), 2020-11-24T20:00Z
    h = holders(get_json("/collections/control/items?datetime=2020-11-24T19:59:59Z"))
    check(h["kalbajar"] == "AM", "2020-11-24T19:59:59Z: %r" % h["kalbajar"])
    h = holders(get_json("/collections/control/items?datetime=2020-11-24T20:00:00Z"))
    check(h["kalbajar"] == "AZ", "2020-11-24T20:00:00Z: %r" % h["kalbajar"])
    h = holders(get_json("/collections/control/items?datetime=2020-11-25T00:00:00Z"))
    check(h["kalbajar"] == "AZ", "2020-11-25T00:00:00Z: %r" % h["kalbajar"])


@test("control without datetime is the latest map: every region AZ")
def _(tmp, srv):
    h = holders(get_json("/collections/control/items"))
    check(len(h) == 78 and set(h.values()) == {"AZ"}, "holders %r" % sorted(set(h.values())))


@test("paging: limit/offset, next and prev links walk all 78 features once")
def _(tmp, srv):
    path = "/collections/control/items?datetime=2020-11-24&limit=10"
    seen, pages = [], 0
    while path:
        doc = get_json(path, "application/geo+json")
        pages += 1
        check(doc["numberMatched"] == 78, "numberMatched %r" % doc["numberMatched"])
        check(doc["numberReturned"] == len(doc["features"]) <= 10, "numberReturned %r" % doc["numberReturned"])
        if pages > 1:
            check(rel(doc, "prev"), "page %d has no prev link" % pages)
        seen += [f["id"] for f in doc["features"]]
        nxt = rel(doc, "next")
        check("datetime=2020-11-24" in (nxt or "datetime=2020-11-24"), "next link lost datetime: %r" % nxt)
        path = path_of(nxt) if nxt else None
        check(pages < 20, "paging does not end")
    check(pages == 8, "%d pages, expected 8" % pages)
    check(len(seen) == 78 == len(set(seen)), "%d ids, %d distinct" % (len(seen), len(set(seen))))
    doc = get_json("/collections/control/items?offset=1000")
    check(doc["numberReturned"] == 0 and doc["features"] == [] and doc["numberMatched"] == 78,
          "offset past the end: %r" % {k: doc[k] for k in ("numberMatched", "numberReturned")})
    doc = get_json("/collections/control/items?limit=10000")
    check(doc["numberReturned"] == 78 and not rel(doc, "next"), "limit=10000")
    doc = get_json("/collections/control/items")
    check(doc["numberReturned"] == 78, "default limit")


@test("bbox: exactly the features whose geometry meets the box (shapely), not their envelope")
def _(tmp, srv):
    every = get_json("/collections/control/items?datetime=2020-11-24")
    # Agstafa's envelope reaches into this box, its shape does not (Qazakh's does)
    for bb in ((46.0, 39.9, 46.3, 40.1), (45.0, 40.8, 45.2, 41.0)):
        q = box(*bb)
        want = sorted(f["id"] for f in every["features"] if shape(f["geometry"]).intersects(q))
        for c in ("control", "regions"):
            doc = get_json("/collections/%s/items?datetime=2020-11-24&bbox=%g,%g,%g,%g" % ((c,) + bb))
            got = sorted(f["id"] for f in doc["features"])
            check(got == want and doc["numberMatched"] == len(want),
                  "%s bbox=%r: got %r, expected %r" % (c, bb, got, want))
    got = [f["id"] for f in get_json("/collections/regions/items?bbox=45.0,40.8,45.2,41.0")["features"]]
    check(got == ["qazakh"], "bbox 45.0,40.8,45.2,41.0 gave %r, expected only qazakh (not agstafa)" % got)
    bb = (45.8, 39.8, 46.4, 40.3)  # around Kalbajar
    doc = get_json("/collections/control/items?datetime=2020-11-24&bbox=%g,%g,%g,%g" % bb)
    got = sorted(f["id"] for f in doc["features"])
    want = []
    q = box(*bb)
    for f in every["features"]:
        if shape(f["geometry"]).intersects(q):
            want.append(f["id"])
    check("kalbajar" in got and "baku-city" not in got, "bbox result %r" % got)
    check(got == sorted(want), "bbox: got %r, expected %r" % (got, sorted(want)))
    check(doc["numberMatched"] == len(want), "numberMatched %r" % doc["numberMatched"])
    doc = get_json("/collections/regions/items?bbox=%g,%g,0,%g,%g,100" % bb)
    check(sorted(f["id"] for f in doc["features"]) == sorted(want), "6-number bbox")
    doc = get_json("/collections/control/items?bbox=0,0,1,1")
    check(doc["numberMatched"] == 0, "bbox far away matched %r" % doc["numberMatched"])


@test("changes datetime=2020-11-09/2020-12-02: Agdam, Kalbajar, Lachin, 5,693.6 km², as `frontline diff`")
def _(tmp, srv):
    doc = get_json("/collections/changes/items?datetime=2020-11-09/2020-12-02", "application/geo+json")
    ids = sorted(f["id"] for f in doc["features"])
    check(ids == ["agdam", "kalbajar", "lachin"], "changed %r" % ids)
    total = sum(f["properties"]["area_km2"] for f in doc["features"])
    check(abs(total - 5693.6) < 0.1, "total %.2f km2" % total)
    ref = cli_json(["diff", "2020-11-09", "2020-12-02"])
    check(sorted(f["properties"]["region"] for f in ref["features"]) == ids, "CLI diff differs")
    for f in doc["features"]:
        check(f["properties"]["from"] == "AM" and f["properties"]["to"] == "AZ", "%r" % f["properties"])
    # open ends
    doc = get_json("/collections/changes/items?datetime=2020-11-24/..")
    ids = [f["id"] for f in doc["features"]]
    check("kalbajar" in ids and "lachin" in ids and "agdam" not in ids, "D1/..: %r" % ids)
    doc = get_json("/collections/changes/items?datetime=../1993-01-01")
    check(doc["numberMatched"] > 0 and all(f["properties"]["from"] is None for f in doc["features"]),
          "../D2: everything from nobody: %r" % doc["features"][0]["properties"])
    doc = get_json("/collections/changes/items?datetime=2020-11-25/2020-11-25")
    check(doc["numberMatched"] == 0, "an empty interval changed %r" % doc["numberMatched"])
    doc = get_json("/collections/changes/items")
    check(doc["numberMatched"] > 0, "changes without datetime: the latest event's changes")


@test("events: datetime instant, interval and open end filter by the event's instant")
def _(tmp, srv):
    doc = get_json("/collections/events/items?datetime=2020-11-25")
    check([f["id"] for f in doc["features"]] == ["2020-kalbajar"], "on 2020-11-25: %r" %
          [f["id"] for f in doc["features"]])
    f = doc["features"][0]
    check(f["properties"]["to"] == "AZ" and f["properties"]["from"] == "AM" and f["properties"]["source"],
          "event properties %r" % f["properties"])
    kal = get_json("/collections/regions/items/kalbajar")
    check(abs(shape(f["geometry"]).area - shape(kal["geometry"]).area) < 1e-6,
          "the event's geometry is not Kalbajar")
    doc = get_json("/collections/events/items?datetime=2020-11-01/2020-12-31")
    ids = [f["id"] for f in doc["features"]]
    check("2020-agdam" in ids and "2020-lachin" in ids and "2020-kalbajar" in ids, "Nov-Dec 2020: %r" % ids)
    allev = get_json("/collections/events/items")
    after = get_json("/collections/events/items?datetime=2021-01-01/..")
    before = get_json("/collections/events/items?datetime=../2020-12-31")
    check(after["numberMatched"] + before["numberMatched"] == allev["numberMatched"],
          "open ends do not split the log: %d + %d != %d" % (after["numberMatched"],
                                                           before["numberMatched"], allev["numberMatched"]))


@test("regions and zones: ids, single features, zones filtered by validity")
def _(tmp, srv):
    doc = get_json("/collections/regions/items")
    check(doc["numberMatched"] == 78, "regions %r" % doc["numberMatched"])
    f = get_json("/collections/regions/items/kalbajar", "application/geo+json")
    check(f["id"] == "kalbajar" and "Karvachar" in f["properties"]["alt_names"], "%r" % f["properties"])
    check(rel(f, "self") and rel(f, "collection"), "feature links %r" % f.get("links"))
    z = get_json("/collections/zones/items")
    ids = [x["id"] for x in z["features"]]
    check("ru-pk-zone" in ids, "zones %r" % ids)
    z = get_json("/collections/zones/items?datetime=2019-01-01")
    check("ru-pk-zone" not in [x["id"] for x in z["features"]], "the peacekeeping zone in 2019")
    z = get_json("/collections/zones/items?datetime=2021-06-01")
    check("ru-pk-zone" in [x["id"] for x in z["features"]], "the peacekeeping zone in 2021")
    c = get_json("/collections/control/items/kalbajar?datetime=2020-11-24")
    check(c["properties"]["holder"] == "AM", "single control feature %r" % c["properties"]["holder"])


@test("HTML: f=html and a browser's Accept give text/html pages; f=json wins over Accept")
def _(tmp, srv):
    for path in ("/?f=html", "/collections?f=html", "/collections/control?f=html", "/conformance?f=html",
                 "/collections/control/items?f=html&datetime=2020-11-24&limit=5",
                 "/collections/regions/items/kalbajar?f=html"):
        st, ctype, data, _ = request(path)
        check(st == 200 and ctype.startswith("text/html"), "%s: %d %s" % (path, st, ctype))
        check(data.startswith(b"<!DOCTYPE html>"), "%s: not an HTML page" % path)
    st, ctype, data, _ = request("/collections/control/items?datetime=2020-11-24&limit=100",
                                 {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    check(ctype.startswith("text/html") and b"kalbajar" in data and b"<table>" in data, "items page")
    st, ctype, data, _ = request("/collections?f=json", {"Accept": "text/html"})
    check(ctype.startswith("application/json"), "f=json with Accept text/html gave %s" % ctype)


# ---------------------------------------------------------- GDAL's client
def ogrinfo(args):
    exe = shutil.which("ogrinfo")
    if not exe:
        raise Skip("ogrinfo (gdal-bin) is not installed")
    p = subprocess.run([exe] + args, capture_output=True, text=True, timeout=300)
    return p


@test("ogrinfo OAPIF:http://127.0.0.1:PORT lists the five collections, without errors")
def _(tmp, srv):
    p = ogrinfo(["-ro", "OAPIF:" + srv.base()])
    check(p.returncode == 0, "ogrinfo failed: %s" % p.stderr)
    for c in ("control", "changes", "events", "regions", "zones"):
        check(re.search(r"^\d+: %s\b" % c, p.stdout, re.M), "%s not listed:\n%s" % (c, p.stdout))
    check("ERROR" not in p.stderr, "ogrinfo reported errors: %s" % p.stderr)


@test("ogrinfo OAPIF control items: Kalbajar AZ at datetime=2020-11-25, AM at 2020-11-24")
def _(tmp, srv):
    for date, want in (("2020-11-25", "AZ"), ("2020-11-24", "AM")):
        p = ogrinfo(["-ro", "-al", "-geom=NO", "OAPIF:%s/collections/control?datetime=%s" % (srv.base(), date)])
        check(p.returncode == 0, "ogrinfo failed: %s" % p.stderr)
        feats = p.stdout.split("OGRFeature(control)")[1:]
        check(len(feats) == 78, "%s: ogrinfo read %d features, expected 78" % (date, len(feats)))
        kal = [f for f in feats if re.search(r"^\s*region \(String\) = kalbajar$", f, re.M)]
        check(len(kal) == 1, "%s: kalbajar found %d times" % (date, len(kal)))
        m = re.search(r"^\s*holder \(String\) = (\S+)$", kal[0], re.M)
        check(m and m.group(1) == want, "%s: ogrinfo says kalbajar held by %r, expected %s" % (
            date, m and m.group(1), want))


# ------------------------------------------------------------ bad requests
@test("malformed datetime: 400 with a JSON error (bad dates, reversed or triple intervals)")
def _(tmp, srv):
    for v in ("2020-02-30", "yesterday", "2020-11-25/2020-11-24", "2020-11-25/2020-11-26/2020-11-27", "..",
              "2020-13-01", "%00", "2020-11-25T25:00Z"):
        expect_error("/collections/control/items?datetime=" + v, 400, "datetime")
    expect_error("/collections/events/items?datetime=soon/..", 400, "datetime")


@test("datetime that does not fit the collection: control with an interval, changes with an instant")
def _(tmp, srv):
    expect_error("/collections/control/items?datetime=2020-11-09/2020-12-02", 400, "interval")
    expect_error("/collections/changes/items?datetime=2020-11-25", 400, "interval")
    expect_error("/collections/control/items/kalbajar?datetime=2020-01-01/..", 400, "interval")


@test("malformed bbox: 400 (too few numbers, text, latitudes out of range, south above north)")
def _(tmp, srv):
    for v in ("1,2,3", "a,b,c,d", "0,-91,1,1", "0,10,1,5", "1,2,3,4,5", "nan,0,1,1", "", "-200,0,0,1"):
        expect_error("/collections/control/items?bbox=" + v, 400, "bbox")
    expect_error("/collections/control/items?bbox=0,0,1,1&bbox-crs=EPSG:4326", 400, "bbox-crs")


@test("limit out of range or malformed: 400 (0, 10001, -5, x); offset -1: 400")
def _(tmp, srv):
    for v in ("0", "10001", "-5", "x", "1e3", "99999999999999999999"):
        expect_error("/collections/control/items?limit=" + v, 400, "limit")
    expect_error("/collections/control/items?offset=-1", 400, "offset")
    expect_error("/collections/control/items?f=xml", 400, "f")


@test("unknown collection, feature or resource: 404 with a JSON error")
def _(tmp, srv):
    expect_error("/collections/nope", 404, "collection")
    expect_error("/collections/nope/items", 404, "collection")
    expect_error("/collections/regions/items/nowhere", 404, "nowhere")
    expect_error("/collections/control/items/nowhere?datetime=2020-11-25", 404, "nowhere")
    expect_error("/nothing/here", 404)
    expect_error("/collections/control/items/kalbajar/extra", 404)
    expect_error("/viewer/secret.txt", 404)
    expect_error("/static/leaflet/leaflet.js.map", 404)


@test("paths that try to climb out of the static folder: 400, nothing leaks")
def _(tmp, srv):
    for p in ("/static/../../../../etc/passwd", "/static/leaflet/../../../../etc/passwd",
              "/viewer/../../../etc/passwd", "/viewer/..", "/static/leaflet/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "/static/leaflet/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/static//etc/passwd",
              "/viewer/./index.html", "/static/leaflet/..%5c..%5cetc%5cpasswd"):
        st, ctype, data, _ = request(p)
        check(st in (400, 404), "%s: status %d" % (p, st))
        check(b"root:" not in data, "%s: /etc/passwd leaked" % p)
        check(ctype.startswith("application/json") and "description" in json.loads(data),
              "%s: error without JSON body" % p)
    expect_error("/static/../../../../etc/passwd", 400, "path")


@test("unknown or repeated parameters: 400; methods other than GET/HEAD: 405 with Allow")
def _(tmp, srv):
    expect_error("/collections/control/items?foo=1", 400, "foo")
    expect_error("/collections/control/items?limit=5&limit=6", 400, "twice")
    expect_error("/collections?foo=1", 400, "foo")
    for m in ("POST", "PUT", "DELETE"):
        st, ctype, data, r = request("/collections/control/items", method=m, body="x" * 10)
        check(st == 405 and "GET" in (r.getheader("Allow") or ""), "%s: %d Allow %r" % (m, st, r.getheader("Allow")))
    st, _, data, _ = request("/collections", method="HEAD")
    check(st == 200 and data == b"", "HEAD: %d %r" % (st, data[:50]))


@test("HTTP/1.1 keep-alive: several GETs on one connection (a page, a HEAD, an error, a file)")
def _(tmp, srv):
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    try:
        c.connect()
        sock = c.sock
        for method, path, status in (("GET", "/collections/control/items?datetime=2020-11-25", 200),
                                     ("HEAD", "/collections", 200), ("GET", "/nothing/here", 404),
                                     ("GET", "/viewer", 200),
                                     ("GET", "/collections/control/items?datetime=2020-11-25&limit=3", 200)):
            c.request(method, path)
            r = c.getresponse()
            data = r.read()
            check(r.status == status, "%s %s: %d" % (method, path, r.status))
            check((r.getheader("Connection") or "").lower() != "close",
                  "%s %s: the server closes the connection" % (method, path))
            check(c.sock is sock, "%s %s: a new connection was opened" % (method, path))
            if path.endswith("limit=3"):
                check(len(json.loads(data)["features"]) == 3, "limit=3 on a kept connection")
    finally:
        c.close()


def cache_info(r):
    """X-Frontline-Cache as a dict: features, page, bytes, entries, limit."""
    h = r.getheader("X-Frontline-Cache") or ""
    d = dict(kv.strip().split("=", 1) for kv in h.split(";") if "=" in kv)
    check(set(d) == {"features", "page", "bytes", "entries", "limit"}, "X-Frontline-Cache %r" % h)
    for k in ("bytes", "entries", "limit"):
        d[k] = int(d[k])
    return d


def utc_seconds(stamp):
    """Seconds since 1970 of an RFC 3339 time stamp (Z or an offset)."""
    return int(datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


@test("prepared pages: the same bytes with the timeStamp of when the page was made; links of each Host, HEAD length")
def _(tmp, srv):
    path = "/collections/control/items?datetime=2020-11-23"  # not asked before: made now
    before = int(time.time())
    st, _, a, ra = request(path)
    after = time.time()
    time.sleep(1.1)
    st2, _, b, r = request(path)
    check(st == st2 == 200, "status %d %d" % (st, st2))
    check(cache_info(r)["page"] == "hit", "the second request was not served from the prepared page: %r"
          % r.getheader("X-Frontline-Cache"))
    da, db = json.loads(a), json.loads(b)
    check(a == b, "the prepared page changed: timeStamps %r %r" % (da["timeStamp"], db["timeStamp"]))
    check(before - 1 <= utc_seconds(da["timeStamp"]) <= after + 1,
          "timeStamp %r is not when the page was made (%d to %d)" % (da["timeStamp"], before, after))
    check(int(r.getheader("Content-Length")) == len(b), "Content-Length %r" % r.getheader("Content-Length"))
    # a page that is not the common one is made per request: its timeStamp is now
    st, _, c, rc = request(path + "&offset=1")
    check(st == 200 and cache_info(rc)["page"] == "none", "offset=1: %d %r" % (st, rc.getheader("X-Frontline-Cache")))
    check(utc_seconds(json.loads(c)["timeStamp"]) > utc_seconds(da["timeStamp"]),
          "offset=1: timeStamp %r, page made at %r" % (json.loads(c)["timeStamp"], da["timeStamp"]))
    for host in ("example.org:8000", "other.example:1", "example.org:8000"):
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        try:
            c.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            c.putheader("Host", host)
            c.endheaders()
            resp = c.getresponse()
            doc = json.loads(resp.read())
        finally:
            c.close()
        check(all(l["href"].startswith("http://%s/" % host) for l in doc["links"]),
              "Host %s: links %r (%r)" % (host, [l["href"] for l in doc["links"]],
                                          resp.getheader("X-Frontline-Cache")))
        check(len(doc["features"]) == 78, "Host %s: %d features" % (host, len(doc["features"])))
    st, _, data, r = request(path, method="HEAD")
    check(st == 200 and data == b"" and int(r.getheader("Content-Length")) == len(b),
          "HEAD: %d %r %r" % (st, data[:50], r.getheader("Content-Length")))
    # pages of one map that differ only in offset or bbox are different pages
    d1 = get_json(path + "&limit=5&offset=5")
    d2 = get_json(path + "&limit=5&offset=10")
    check([f["id"] for f in d1["features"]] != [f["id"] for f in d2["features"]], "offset ignored")
    check(len(get_json(path + "&bbox=46.0,39.5,46.5,40.0")["features"]) < 78, "bbox ignored")


@test("oversized requests (a 100 kB URL, 100 kB of headers) are refused and the server keeps serving")
def _(tmp, srv):
    st, _, _, _ = request("/collections/control/items?datetime=" + "2" * 100000)
    check(400 <= st < 500, "a 100 kB URL got %d" % st)
    st, _, _, _ = request("/collections", {"X-Big": "a" * 100000})
    check(400 <= st < 500, "100 kB of headers got %d" % st)
    many = "&".join("p%d=1" % i for i in range(100))
    expect_error("/collections?" + many, 400)
    get_json("/collections")


@test("after every bad request the server still serves, and answers 16 threads at once correctly")
def _(tmp, srv):
    check(srv.proc.poll() is None, "the server died: %s" % "".join(srv.stderr[-20:]))
    dates = ["2020-11-%02d" % d for d in range(5, 30)] + ["1993-04-01", "1993-04-02", "2023-09-20"]
    ref = {}
    for d in ("2020-11-24", "2020-11-25", "1993-04-01", "1993-04-02"):
        ref[d] = holders(cli_json(["snapshot", "--date", d]))
    errors = []

    def worker(k):
        try:
            for i in range(6):
                d = dates[(k * 7 + i) % len(dates)]
                doc = get_json("/collections/control/items?datetime=" + d)
                if len(doc["features"]) != 78:
                    errors.append("%s: %d features" % (d, len(doc["features"])))
                if d in ref and holders(doc) != ref[d]:
                    errors.append("%s: holders differ from the CLI" % d)
                doc = get_json("/collections/changes/items?datetime=1990-01-01/" + d)
        except Exception as e:  # noqa
            errors.append("%s" % e)
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=600)
    check(not errors, "%d errors: %s" % (len(errors), errors[:5]))
    for d in ("2020-11-24", "2020-11-25"):
        check(holders(get_json("/collections/control/items?datetime=" + d)) == ref[d], d)


def control_page(srv, date):
    st, _, data, r = request("/collections/control/items?datetime=" + date, srv=srv)
    check(st == 200, "%s: %d %r" % (date, st, data[:200]))
    return json.loads(data), cache_info(r)


@test("--cache-size: maps and pages kept within the limit (LRU by bytes), evicted and hit; answers stay right")
def _(tmp, srv):
    # the default, said on every items response
    st, _, _, r = request("/collections/control/items?datetime=2020-11-25")
    check(cache_info(r)["limit"] == 256 << 20, "default limit %r" % r.getheader("X-Frontline-Cache"))
    ref = {d: holders(cli_json(["snapshot", "--date", d])) for d in ("2020-11-24", "2020-11-25")}
    # one map of Karabakh (about 0.36 MB) and its page (0.3 MB) fit in 800 KiB; a second map
    # does not
    own = Server(args=["--cache-size", "800K"])
    try:
        limit = 800 * 1024
        doc, c = control_page(own, "2020-11-24")
        check(c["features"] == "miss" and c["page"] == "miss", "first request: %r" % c)
        check(holders(doc) == ref["2020-11-24"], "2020-11-24: holders differ from the CLI")
        check(c["limit"] == limit and 0 < c["bytes"] <= limit and c["entries"] == 2,
              "a map and its page are kept: %r" % c)
        kept = c["bytes"]
        doc2, c = control_page(own, "2020-11-24")
        check(c["features"] == "hit" and c["page"] == "hit" and c["bytes"] == kept, "again: %r" % c)
        check(doc2 == doc, "the page served from the cache differs")
        doc, c = control_page(own, "2020-11-25")
        check(c["features"] == "miss" and c["page"] == "miss", "another map: %r" % c)
        check(holders(doc) == ref["2020-11-25"], "2020-11-25: holders differ from the CLI")
        check(0 < c["bytes"] <= limit and c["entries"] == 2, "the older map was not evicted: %r" % c)
        doc, c = control_page(own, "2020-11-24")
        check(c["features"] == "miss", "2020-11-24 was evicted, yet %r" % c)
        check(holders(doc) == ref["2020-11-24"], "2020-11-24 again: holders differ from the CLI")
        # many distinct maps and diffs: each answer right, the cache never above its limit
        for d in ["2020-10-%02d" % k for k in range(1, 31, 3)] + ["1993-04-02", "2020-11-25"]:
            doc, c = control_page(own, d)
            check(len(doc["features"]) == 78 and c["bytes"] <= limit, "%s: %d features, %r"
                  % (d, len(doc["features"]), c))
            st, _, data, r = request("/collections/changes/items?datetime=1990-01-01/" + d, srv=own)
            check(st == 200 and cache_info(r)["bytes"] <= limit, "changes to %s: %d %r" % (d, st, r.getheader("X-Frontline-Cache")))
        check(holders(doc) == ref["2020-11-25"], "2020-11-25 at the end: holders differ from the CLI")
        # a changes set is small: kept, then hit
        st, _, a, r = request("/collections/changes/items?datetime=2020-11-09/2020-12-02", srv=own)
        st, _, b, r = request("/collections/changes/items?datetime=2020-11-09/2020-12-02", srv=own)
        c = cache_info(r)
        check(a == b and c["features"] == "hit" and c["page"] == "hit", "changes twice: %r" % c)
    finally:
        rc = own.stop()
    check(rc == 0 and "Sanitizer" not in "".join(own.stderr), "800K: exit %d %s" % (rc, "".join(own.stderr)[-2000:]))
    # a map larger than the limit is served, not kept
    own = Server(args=["--cache-size", "100K"])
    try:
        for k in range(2):
            doc, c = control_page(own, "2020-11-25")
            check(holders(doc) == ref["2020-11-25"], "100K: holders differ from the CLI")
            check(c["features"] == "miss" and c["page"] == "miss" and c["bytes"] == 0 and c["entries"] == 0,
                  "100K, request %d: %r" % (k + 1, c))
    finally:
        rc = own.stop()
    check(rc == 0 and "Sanitizer" not in "".join(own.stderr), "100K: exit %d %s" % (rc, "".join(own.stderr)[-2000:]))
    for bad in ("lots", "-1", "12X", "1.5M", "", "99999999999999999999G"):
        p = subprocess.run([BIN, "-d", KARABAKH, "serve", "--port", "0", "--cache-size", bad],
                           capture_output=True, text=True, env=env(), timeout=60)
        check(p.returncode == 2 and "--cache-size" in p.stderr, "--cache-size %r: exit %d, %s"
              % (bad, p.returncode, p.stderr))


# ---------------------------------------------------------- the viewer
@test("/viewer: the page, its script and Debian's Leaflet are served locally (no CDN)")
def _(tmp, srv):
    st, ctype, page, _ = request("/viewer")
    check(st == 200 and ctype.startswith("text/html"), "/viewer: %d %s" % (st, ctype))
    check(b"/static/leaflet/leaflet.js" in page and b"/viewer/viewer.js" in page, "page does not load Leaflet")
    check(not re.search(rb"(src|href)=\"(https?:)?//", page), "the page loads something from another host")
    if not os.path.isfile(os.path.join(LEAFLET, "leaflet.js")):
        raise Skip("libjs-leaflet is not installed")
    for name, typ in (("leaflet.js", "text/javascript"), ("leaflet.css", "text/css"),
                      ("images/layers.png", "image/png")):
        st, ctype, data, _ = request("/static/leaflet/" + name)
        check(st == 200 and ctype.startswith(typ), "%s: %d %s" % (name, st, ctype))
        check(data == open(os.path.join(LEAFLET, name), "rb").read(), "%s: bytes differ from Debian's" % name)
    st, ctype, js, _ = request("/viewer/viewer.js")
    check(st == 200 and b"/collections/control/items" in js, "viewer.js")


# ------------------------------------------------------------- the process
@test("options: default bind is loopback; bad --port, --bind, extra arguments exit 2")
def _(tmp, srv):
    check(srv.host == "127.0.0.1", "listening on %r" % srv.host)
    for args in (["--port", "70000"], ["--port", "x"], ["--bind", "not-an-address"], ["extra"],
                 ["--nope"]):
        p = subprocess.run([BIN, "-d", KARABAKH, "serve"] + args, capture_output=True, text=True,
                           env=env(), timeout=60)
        check(p.returncode == 2 and "frontline serve" in p.stderr, "%r: exit %d, %s" % (args, p.returncode, p.stderr))
    p = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, env=env(), timeout=60)
    check(p.returncode == 0 and "--port" in p.stdout, "--help")
    # a port in use is an error, not a hang
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        p = subprocess.run([BIN, "-d", KARABAKH, "serve", "--port", str(s.getsockname()[1])],
                           capture_output=True, text=True, env=env(), timeout=120)
        check(p.returncode == 1 and "cannot listen" in p.stderr, "port in use: %d %s" % (p.returncode, p.stderr))
    finally:
        s.close()


@test("libmicrohttpd missing or wrong (loaded only to serve): clear error naming it, exit 1, no hang")
def _(tmp, srv):
    for kind, want in [("empty", "cannot load libmicrohttpd (libmicrohttpd.so.12) to serve"),
                       ("other", "libmicrohttpd (libmicrohttpd.so.12) lacks MHD_")]:
        e = env()
        e.update(fake_library(os.path.join(tmp, kind), "libmicrohttpd.so.12", kind))
        p = subprocess.run([BIN, "-d", KARABAKH, "serve", "--port", "0"], capture_output=True, text=True,
                           env=e, timeout=120)
        check(p.returncode == 1 and want in p.stderr, "%s: exit %d, stderr %r" % (kind, p.returncode, p.stderr))


@test("a control character (%00, %0A) in the path or a parameter: 400 naming the path or parameter")
def _(tmp, srv):
    for path in ("/collections/control%00/items", "/viewer/viewer.js%00.png",
                 "/collections/control/items%0A", "/collections%7F"):
        doc = expect_error(path, 400, "path")
        check("control" in doc["description"], "%s: %r" % (path, doc["description"]))
    for path, name in (("/collections/control/items?datetime=2020%0A", "datetime"),
                       ("/collections/control/items?f=json%00", "f"),
                       ("/collections/control/items?datetime=2020-11-25&bbox=46,39.9,46.3,40.1%00", "bbox"),
                       ("/collections?f=html%09", "f"), ("/viewer?date=2020-11-25%00", "date")):
        doc = expect_error(path, 400, "parameter '%s'" % name)
        check("control character" in doc["description"], "%s: %r" % (path, doc["description"]))
    # an escaped '%' and other escapes still decode
    expect_error("/collections/control/items?datetime=2020%2511", 400, "datetime")
    doc = get_json("/collections/changes/items?datetime=2020-11-09%2F2020-12-02")
    check(doc["numberMatched"] == 3, "%%2F in a value: %r" % doc["numberMatched"])


@test("/viewer?date=2020-11-25 (the README's link) and &compare=D1/D2 answer 200; bad values 400")
def _(tmp, srv):
    for q in ("?date=2020-11-25", "?date=2020-11-25&compare=2020-11-09/2020-12-02"):
        for p in ("/viewer", "/viewer/", "/viewer/index.html"):
            st, ctype, page, _ = request(p + q)
            check(st == 200 and ctype.startswith("text/html") and b"/viewer/viewer.js" in page,
                  "%s%s: %d %s" % (p, q, st, ctype))
    for q, name in (("?date=yesterday", "date"), ("?date=2020-11-25/2020-11-26", "date"),
                    ("?compare=2020-11-09", "compare"), ("?compare=../2020-11-09", "compare"),
                    ("?day=2020-11-25", "day")):
        expect_error("/viewer" + q, 400, name)
    expect_error("/viewer/viewer.js?date=2020-11-25", 400, "date")


@test("HTML pages show the requested date; a feature linked from items?f=html&datetime=D is the one at D")
def _(tmp, srv):
    st, ctype, page, _ = request("/collections/control/items?f=html&datetime=2020-11-20")
    check(st == 200, "items page: %d" % st)
    text = page.decode()
    check("Date: <strong>2020-11-20</strong>" in text, "the items page does not show the date")
    m = re.search(r'<a href="(items/kalbajar\?[^"]*)">kalbajar</a>', text)
    check(m, "no link to kalbajar in the table")
    href = m.group(1).replace("&amp;", "&")
    check("datetime=2020-11-20" in href, "the feature link %r lost the datetime" % href)
    st, ctype, page, _ = request("/collections/control/" + href)
    text = page.decode()
    check(st == 200 and "Date: <strong>2020-11-20</strong>" in text, "feature page: %d" % st)
    m = re.search(r"<tr><th>holder</th><td>([^<]*)</td></tr>", text)
    check(m and m.group(1) == "AM", "kalbajar on 2020-11-20 shows holder %r, expected AM (today: AZ)"
          % (m and m.group(1)))
    for p in ("/?f=html&datetime=2020-11-20", "/collections?f=html&datetime=2020-11-20",
              "/collections/control?f=html&datetime=2020-11-20", "/conformance?f=html&datetime=2020-11-20",
              "/collections/changes/items?f=html&datetime=2020-11-09/2020-12-02",
              "/collections/regions/items/kalbajar?f=html&datetime=2020-11-20"):
        st, ctype, page, _ = request(p)
        want = p.split("datetime=")[1]
        check(st == 200 and ("Date: <strong>%s</strong>" % want) in page.decode(),
              "%s: %d, the date %s is not shown" % (p, st, want))
    st, _, page, _ = request("/collections?f=html&datetime=2020-11-20")
    check("/collections/control/items?f=html&amp;datetime=2020-11-20" in page.decode(),
          "the collections page's items links lost the datetime")
    st, _, page, _ = request("/collections/control/items?f=html")
    check(st == 200 and "Date: <strong>now</strong>" in page.decode(), "no date: not said")
    expect_error("/collections?f=html&datetime=soon", 400, "datetime")


def events_count(srv):
    st, _, data, _ = request("/collections/events/items?limit=10000", srv=srv)
    check(st == 200, "events: %d %r" % (st, data[:200]))
    return json.loads(data)["numberMatched"]


def kalbajar_holder(srv):
    st, _, data, _ = request("/collections/control/items/kalbajar", srv=srv)
    check(st == 200, "kalbajar: %d %r" % (st, data[:200]))
    return json.loads(data)["properties"]["holder"]


@test("serve answers from the tracker on disk: a record is seen, a broken file keeps the old one, SIGHUP reloads")
def _(tmp, srv):
    trk = os.path.join(tmp, "live")
    shutil.copytree(KARABAKH, trk, ignore=shutil.ignore_patterns(".frontline-index"))
    own = Server(tracker=trk)
    try:
        n = events_count(own)
        check(kalbajar_holder(own) == "AZ", "kalbajar before")
        # the latest map's prepared page, made and then served as it is
        for k in range(2):
            st, _, data, r = request("/collections/control/items", srv=own)
            check(holders(json.loads(data))["kalbajar"] == "AZ", "the latest page before")
        check(cache_info(r)["page"] == "hit", "the latest page is not prepared: %r" % r.getheader("X-Frontline-Cache"))
        p = subprocess.run([BIN, "-d", trk, "record", "--date", "2024-01-05", "--region", "kalbajar",
                            "--to", "AM", "--from", "AZ", "--source", "test of serve"],
                           capture_output=True, text=True, env=env(), timeout=300)
        check(p.returncode == 0, "record: %s" % p.stderr)
        time.sleep(1.1)  # the sources are looked at once a second at most
        check(events_count(own) == n + 1, "the recorded event is not served")
        check(kalbajar_holder(own) == "AM", "the latest map does not show the recorded event")
        st, _, data, r = request("/collections/control/items", srv=own)
        check(holders(json.loads(data))["kalbajar"] == "AM" and cache_info(r)["page"] == "miss",
              "after the reload the latest page is stale: %r" % r.getheader("X-Frontline-Cache"))
        ev = os.path.join(trk, "events.csv")
        good = open(ev, encoding="utf-8").read()
        with open(ev, "a", encoding="utf-8") as f:
            f.write("broken,2024-13-45,nowhere,XX\n")
        time.sleep(1.1)
        check(events_count(own) == n + 1 and kalbajar_holder(own) == "AM",
              "a tracker that fails to load replaced the served one")
        check(own.proc.poll() is None, "the server died on a broken tracker")
        own.proc.send_signal(signal.SIGHUP)
        time.sleep(1.1)
        check(own.proc.poll() is None, "SIGHUP stopped the server")
        check(events_count(own) == n + 1, "after SIGHUP on a broken tracker")
        err = "".join(own.stderr)
        check("events.csv" in err and "still serving" in err, "the reason is not logged: %r" % err[-2000:])
        # mended: the next look at the files loads it
        with open(ev, "w", encoding="utf-8") as f:
            f.write(good)
        time.sleep(1.1)
        check(events_count(own) == n + 1, "the mended tracker")
        # a change that keeps the file's inode, size and time is not seen; SIGHUP loads it
        st = os.stat(ev)
        with open(ev, "r+", encoding="utf-8") as f:
            f.write(good.replace("test of serve", "test of SERVE"))
        os.utime(ev, ns=(st.st_atime_ns, st.st_mtime_ns))
        reloads = "".join(own.stderr).count("reloaded")
        own.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 120
        while "".join(own.stderr).count("reloaded") == reloads and time.time() < deadline:
            time.sleep(0.1)
        srcs = [f["properties"]["source"] for f in get_json_from(own, "/collections/events/items?limit=10000")["features"]]
        check("test of SERVE" in srcs, "SIGHUP did not reload: sources %r" % srcs[-3:])
        # reloads while 8 clients ask: every answer whole and right
        errors, stop = [], threading.Event()

        def client(k):
            while not stop.is_set():
                try:
                    path = ("/collections/control/items?datetime=2020-11-2%d" % (4 + k % 2)
                            if k % 2 else "/collections/events/items?limit=10000")
                    st, _, data, _ = request(path, srv=own)
                    doc = json.loads(data)
                    if st != 200 or (k % 2 and len(doc["features"]) != 78) or \
                            (not k % 2 and doc["numberMatched"] != n + 1):
                        errors.append("%s: %d" % (path, st))
                except Exception as e:  # noqa
                    errors.append(str(e))
        ts = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for t in ts:
            t.start()
        for i in range(5):
            reloads = "".join(own.stderr).count("reloaded")
            own.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 120
            while "".join(own.stderr).count("reloaded") == reloads and time.time() < deadline:
                time.sleep(0.05)
        stop.set()
        for t in ts:
            t.join(timeout=300)
        check(not errors, "%d bad answers during reloads: %r" % (len(errors), errors[:5]))
        check(own.proc.poll() is None, "the server stopped on SIGHUP")
    finally:
        rc = own.stop()
    check(rc == 0, "exit %d: %s" % (rc, "".join(own.stderr)[-2000:]))


def get_json_from(srv, path):
    st, _, data, _ = request(path, srv=srv)
    check(st == 200, "%s: %d %r" % (path, st, data[:200]))
    return json.loads(data)


@test("SIGTERM stops the server cleanly (exit 0; no leak under ASan)")
def _(tmp, srv):
    global SERVER
    rc = srv.stop()
    err = "".join(srv.stderr)
    SERVER = None
    check(rc == 0, "exit %d; stderr: %s" % (rc, err[-3000:]))
    check("ERROR: AddressSanitizer" not in err and "LeakSanitizer" not in err, "sanitizer: %s" % err[-3000:])


# --------------------------------------------------------------------- main
def start_server():
    """One server for all the tests (each gets it as srv; the helpers use SERVER)."""
    global SERVER
    SERVER = Server()
    return SERVER


def stop_server(srv):
    if SERVER is not None:  # not yet stopped by the SIGTERM test
        srv.stop()


if __name__ == "__main__":
    sys.exit(main("fl-serve-", setup=start_server, teardown=stop_server))
