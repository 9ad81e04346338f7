#!/usr/bin/python3
"""make_corpus.py: (re)write the seed corpora of tests/fuzz/corpus/ from the
shipped tracker, the check fixtures and the values the unit tests use.

    /usr/bin/python3 tests/fuzz/make_corpus.py [BUILD_FUZZ_DIR]

With a fuzz build directory, the index seed is written by fuzz_index itself
(FL_FUZZ_WRITE_SEED).  Seeds are named by content, so running it again only
adds what is new.  Inputs found while fuzzing stay out of git: CI fuzzes
into a scratch copy of the corpus.
"""
import csv, glob, gzip, hashlib, io, os, re, struct, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(root, "tests", "fuzz", "corpus")


def seed(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


fixtures = sorted(glob.glob(os.path.join(root, "tests", "fixtures", "check", "*")))
karabakh = os.path.join(root, "geodata", "karabakh")

# dates: every date of the shipped change log, the unit tests' values, variants
dates = set()
with open(os.path.join(karabakh, "events.csv"), newline="") as f:
    for row in csv.DictReader(f):
        dates.update(v for v in (row["date"], row["recorded"]) if v)
dates.update(["1969-12-31", "1970-01-01", "2000-02-29", "2020-02-30", "2020-13-01",
              "2020-11-09T21:00:00.250Z", "2020-11-10T00:00+03:00", "2020-11-10T00:00+0300",
              "2020-11-09T16:00-05:00", "2020-11-09T21:00", "2020-11-25T24:00Z",
              "2020-11-25T23:59:60Z", "2020-11-25 10:00z", "0000-01-01T00:00+18:00",
              "9999-12-31T23:59:59-18:00", "2020-11-25T10:00+19:00", "2020/11/25"])
for d in sorted(dates)[:60]:
    seed("date", d)
for d in ("0000-01-01T00:00+18:00", "9999-12-31T23:59:59-18:00", "2020-11-25T24:00Z"):
    seed("date", d)

# EDTF: every form of levels 0 and 1 and a few refusals (test_edtf.c has the rest)
for v in ("1985", "1985-04", "1985-04-12", "1985-04-12T23:20:30", "1985-04-12T23:20:30Z",
          "2004-01-01T10:10:10+05:00", "2004-01-01T10:10:10-05", "1964/2008", "2004-02-01/2005",
          "1985-04-12T23:20:30Z/..", "Y170000002", "Y-170000002", "Y292277026595", "2001-21", "2001-24",
          "1984?", "2004-06~", "2004-06-11%", "201X", "20XX", "2004-XX", "1985-04-XX", "1985-XX-XX",
          "1985-04-12/..", "../1985-04-12", "1985-04-12/", "/1985-04-12", "2004-06~/2004-06-11%",
          "-1985", "-0004-02-29", "2020-13", "2020-02-30", "2020-10-04~?", "2020-2X-01", "../.."):
    seed("edtf", v)

# CSV files: the shipped tracker's and the fixtures'
for p in [os.path.join(karabakh, "actors.csv"), os.path.join(karabakh, "events.csv")] + \
        sorted(glob.glob(os.path.join(root, "tests", "fixtures", "check", "*", "*.csv"))):
    seed("csvlint", read(p))
seed("csvlint", 'a,b\n"x\r\n""y""",2\r\n\n3,"4')

# events: every fixture's change log (the fixed folder is the clean fixture's)
for fx in fixtures:
    seed("events", read(os.path.join(fx, "events.csv")))
seed("events", "id,date,regions,to,from,kind,status,source,recorded,corrects\n"
               "a,2000-01-01,*,A,,baseline,confirmed,s,2000-01-01,\n"
               "b,2001-01-01T12:00+03:00,r1;r2,B,A,capture,claimed,s,2001-01-02,\n"
               "c,2001-01-01T09:00Z,r1,A,B,correction,disputed,s,2001-01-03,b\n")

# loader: the fixtures' files joined by "\n%%%%\n" (see fuzz_loader.c)
SEP = b"\n%%%%\n"
for fx in fixtures:
    parts = [read(os.path.join(fx, n)) for n in
             ("actors.csv", "regions.geojson", "events.csv", "zones.geojson")]
    seed("loader", SEP.join(parts))
clean = os.path.join(root, "tests", "fixtures", "check", "clean")
area = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"p1"},'
        b'"geometry":{"type":"Polygon","coordinates":[[[0.5,0.2],[2.5,0.2],[2.5,0.8],[0.5,0.8],[0.5,0.2]]]}}]}')
ev = (b"id,date,regions,area,to,from,kind,status,source\n"
      b"base,2000-01-01,*,,A,,baseline,confirmed,s\n"
      b"p,2001-01-01,,p1,B,,capture,confirmed,s\n")
seed("loader", SEP.join([read(os.path.join(clean, "actors.csv")), read(os.path.join(clean, "regions.geojson")),
                         ev, b"id,name,valid_from,actor\nz,Z,2000-01-01,A", area]))

# command-line values: sizes, bboxes, steps
for v in ("1200x900", "16x16", "10000x10000", "15x20", "1200x900x", "45.5,39,47.5,40.5",
          "-180,-90,180,90", "1,2,3", "1,1,1,1", "0,0,1e999,1", "day", "week", "month", "event", "year"):
    seed("cli_values", v)

# serve parameters: the unit tests' values
src = read(os.path.join(root, "tests", "unit", "test_serve_params.c")).decode()
for v in sorted(set(re.findall(r'"((?:[^"\\]|\\.)*)"', src))):
    if "%" in v or " " in v.strip() and "," not in v and "/" not in v:
        continue
    seed("serve_params", v.encode().decode("unicode_escape").encode("latin-1"))
seed("serve_params", "json\ntext/html;q=0.9, application/json;q=0")
seed("serve_params", "\napplication/geo+json, text/html;q=0.0")

# geojson: the writer's four paths (first byte): strings, reals, grid steps, WKB
import struct
for v in ("", "plain", 'a "q" \\ / \t\n\x01\x7f', "Kəlbəcər / Քարվաճառ", "\U0001d11e", "line\u2028sep"):
    seed("geojson", b"\x00" + v.encode())
seed("geojson", b"\x00a\xc3b\xed\xa0\x80\xff")
for d in (0.0, -3.0, 1044.38413153249, 2.500000000000012, 85.0000000000004, 1e15, 1.2345e-05, float("nan")):
    seed("geojson", b"\x01" + struct.pack("<d", d))
for k in (0, 1, -1, 1800000000, -1799999999, 410000000, 123):
    seed("geojson", b"\x02" + struct.pack("<q", k))
ring = [(46.0, 40.0), (46.5, 40.0), (46.5, 40.5), (46.0, 40.0)]
def wkb_poly(rings, bo="<"):
    out = struct.pack(bo + "BII", 1 if bo == "<" else 0, 3, len(rings))
    for r in rings:
        out += struct.pack(bo + "I", len(r)) + b"".join(struct.pack(bo + "dd", x, y) for x, y in r)
    return out
seed("geojson", b"\x03" + wkb_poly([ring]))
seed("geojson", b"\x03" + wkb_poly([ring], ">"))
seed("geojson", b"\x03" + struct.pack("<BII", 1, 6, 2) + wkb_poly([ring]) + wkb_poly([]))
seed("geojson", b"\x03" + struct.pack("<BII", 1, 7, 2) + struct.pack("<BIdd", 1, 1, 46.1, 40.1) +
     struct.pack("<BII", 1, 2, 2) + struct.pack("<dddd", 0, 0, 1, 1))
seed("geojson", b"\x03" + struct.pack("<BIdd", 1, 1, float("nan"), float("nan")))

# tz: TZif files of the system's database (versions 2 and 3, southern DST,
# half-hour DST, a fixed offset), and the 32-bit block alone as a version 1 file
for z in ("Asia/Baku", "Europe/Kyiv", "America/New_York", "Australia/Lord_Howe", "Etc/GMT-4",
          "America/Santiago"):
    p = os.path.join("/usr/share/zoneinfo", z)
    if os.path.exists(p):
        seed("tz", read(p))
kyiv = read("/usr/share/zoneinfo/Europe/Kyiv")
n = struct.unpack(">6I", kyiv[20:44])
v1 = 44 + n[3] * 5 + n[4] * 6 + n[5] + n[2] * 8 + n[1] + n[0]
seed("tz", kyiv[:4] + b"\0" + kyiv[5:v1])

# pmtiles: small archives written here from the specification (one root;
# a root whose one entry leads to a leaf), then a few cut or changed
def varint(v):
    out = b""
    while True:
        c, v = v & 0x7F, v >> 7
        out += bytes([c | (0x80 if v else 0)])
        if not v:
            return out


def pmt_dir(entries):
    b = varint(len(entries))
    b += b"".join(varint(e[0] - (entries[i - 1][0] if i else 0)) for i, e in enumerate(entries))
    b += b"".join(varint(e[3]) for e in entries)
    b += b"".join(varint(e[2]) for e in entries)
    b += b"".join(varint(0 if i and e[1] == entries[i - 1][1] + entries[i - 1][2] else e[1] + 1)
                  for i, e in enumerate(entries))
    return gzip.compress(b, mtime=0)


def pmtiles(tiles, leaf=False):
    data, entries = b"", []
    for tid, body in tiles:
        g = gzip.compress(body, mtime=0)
        entries.append((tid, len(data), len(g), 1))
        data += g
    leaves = b""
    if leaf:
        leaves = pmt_dir(entries)
        entries = [(entries[0][0], 0, len(leaves), 0)]
    root, meta = pmt_dir(entries), gzip.compress(b'{"vector_layers":[]}', mtime=0)
    off = [127, 127 + len(root), 127 + len(root) + len(meta), 127 + len(root) + len(meta) + len(leaves)]
    h = b"PMTiles\x03" + struct.pack("<11Q", off[0], len(root), off[1], len(meta), off[2], len(leaves),
                                     off[3], len(data), len(tiles), len(tiles), len(tiles))
    h += struct.pack("<BBBBBB4iB2i", 1, 2, 2, 1, 0, 2, 445000000, 390000000, 470000000, 410000000,
                     1, 460000000, 400000000)
    return h + root + meta + leaves + data


small = pmtiles([(0, b"world"), (1, b"a"), (2, b"b"), (3, b"c"), (4, b"d"), (5, b"e"), (20, b"f")])
seed("pmtiles", small)
seed("pmtiles", pmtiles([(i, bytes([i]) * (i % 7 + 1)) for i in range(0, 21)], leaf=True))
seed("pmtiles", small[:127] + b"\x1f\x8b")
seed("pmtiles", b"\x21\x41\x02\x03\x05\x11ab\xf0" + bytes(range(64)))

# index: the genuine body of the clean fixture's index, from fuzz_index
if len(sys.argv) > 1:
    exe = os.path.join(sys.argv[1], "tests", "fuzz", "fuzz_index")
    out = os.path.join(corpus, "index.seed.tmp")
    subprocess.run([exe, "-runs=0"], env=dict(os.environ, FL_FUZZ_WRITE_SEED=out),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seed("index", read(out))
    os.unlink(out)
for t in sorted(os.listdir(corpus)):
    print(t, len(os.listdir(os.path.join(corpus, t))))
