#!/usr/bin/env python3
"""serve_compare.py: the bytes `frontline serve` answers, compared between two builds.

usage: serve_compare.py OLD_FRONTLINE NEW_FRONTLINE TRACKER [TRACKER ...]

Starts both tools' servers on the same tracker (--port 0) and fetches the same
URLs from each: the items of every collection with and without bbox,
limit/offset and datetime, single features, and the other resources.  The
bodies must be equal byte for byte, but for the "timeStamp" of a page (when
it was made, also shown by the HTML page) and the port.  Prints one line per URL that differs and exits 1
if any does.
"""
import http.client
import re
import subprocess
import sys

STAMP = re.compile(rb'"timeStamp":"[^"]*"')
ORIGIN = re.compile(rb'http://127\.0\.0\.1:[0-9]+')
HTML_STAMP = re.compile(rb' features \(at [0-9T:-]+Z\)')


def norm(r):
    """the response without what differs by nature: the second and the port"""
    return (r[0], r[1], ORIGIN.sub(b"ORIGIN", HTML_STAMP.sub(b" features (at)", STAMP.sub(b'"timeStamp":""', r[2]))))


class Server:
    def __init__(self, exe, tracker):
        self.p = subprocess.Popen([exe, "-d", tracker, "serve", "--port", "0"],
                                  stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        for line in self.p.stderr:
            m = re.search(rb"listening on http://([^ ]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1).decode(), int(m.group(2))
                return
        raise SystemExit("%s: the server did not start" % exe)

    def get(self, path):
        c = http.client.HTTPConnection(self.host, self.port, timeout=120)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), body

    def stop(self):
        self.p.terminate()
        self.p.wait()


def urls(srv):
    out = ["/", "/collections", "/conformance", "/api", "/?f=html", "/collections?f=html",
           "/conformance?f=html", "/api?f=html", "/viewer", "/viewer/viewer.js", "/nope",
           "/collections/nope/items", "/collections/control/items/nope",
           "/collections/control/items?bbox=1,2", "/collections/control/items?foo=1",
           "/collections/control/items?datetime=2020-01-01/2020-02-01",
           "/collections/changes/items?datetime=2020-01-01", "/collections/control/items?limit=0",
           "/collections/regions/items?f=html&limit=1000", "/collections/events/items?f=html&limit=1000"]
    import json
    boxes = ["46.5,39.5,47.0,40.0", "46.8,39.7,46.9,39.8", "45,38,50,42", "0,0,1,1",
             "179,-10,-179,10", "46.95,39.85,47.05,39.95"]
    dates = [None, "2020-10-01", "2020-11-10", "2021-06-01", "1990-01-01"]
    intervals = [None, "2020-09-27/2020-11-10", "../2020-11-10", "2020-10-01/..",
                 "2020-11-01T12:00:00Z/2020-11-20"]
    for c in ["control", "changes", "events", "regions", "zones"]:
        out.append("/collections/" + c)
        ds = intervals if c in ("changes", "events", "zones") else dates
        for d in ds:
            q = [] if d is None else ["datetime=" + d]
            for extra in [[], ["limit=3"], ["limit=2", "offset=1"], ["offset=5"], ["f=html"]] + \
                         [["bbox=" + b] for b in boxes] + [["bbox=" + boxes[0], "limit=1", "offset=1"]]:
                qs = "&".join(q + extra)
                out.append("/collections/%s/items%s" % (c, "?" + qs if qs else ""))
            # every feature of the set by id, in JSON and HTML
            st, _, body = srv.get("/collections/%s/items?limit=10000%s" % (c, "&" + q[0] if q else ""))
            if st == 200:
                for f in json.loads(body)["features"]:
                    fid = str(f["id"]).replace("~", "%7E")
                    for fmt in ("json", "html"):
                        out.append("/collections/%s/items/%s?f=%s%s" % (c, fid, fmt, "&" + q[0] if q else ""))
    return out


def main():
    old, new, trackers = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = n = 0
    for tr in trackers:
        a, b = Server(old, tr), Server(new, tr)
        try:
            for u in urls(a):
                ra, rb = a.get(u), b.get(u)
                ra, rb = norm(ra), norm(rb)
                n += 1
                if ra != rb:
                    bad += 1
                    if bad <= 20:
                        at = next((i for i in range(min(len(ra[2]), len(rb[2])))
                                   if ra[2][i] != rb[2][i]), min(len(ra[2]), len(rb[2])))
                        print("differs: %s %s (%d vs %d bytes, from byte %d: %r vs %r)" % (
                            tr, u, len(ra[2]), len(rb[2]), at, ra[2][at - 20:at + 40],
                            rb[2][at - 20:at + 40]))
        finally:
            a.stop()
            b.stop()
    print("%d of %d responses identical" % (n - bad, n))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
