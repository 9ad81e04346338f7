"""pmtiles_reader.py: a small reader of PMTiles v3 archives for the tests,
written from the specification (independent of the library's reader): the
header's fields, every tile entry of the root and leaf directories, a tile's
bytes.  Imported by test_tilefile.py and test_site.py."""
import gzip
import struct

FIELDS = ("root_offset", "root_length", "metadata_offset", "metadata_length", "leaf_offset",
          "leaf_length", "data_offset", "data_length", "addressed_tiles", "tile_entries",
          "tile_contents")


def header(b):
    """The header's fields as a dict."""
    if len(b) < 127 or b[:7] != b"PMTiles":
        raise ValueError("not a PMTiles archive")
    h = {"version": b[7]}
    h.update(zip(FIELDS, struct.unpack_from("<11Q", b, 8)))
    (h["clustered"], h["internal_compression"], h["tile_compression"], h["tile_type"], h["min_zoom"],
     h["max_zoom"]) = struct.unpack_from("<6B", b, 96)
    e7 = struct.unpack_from("<4i", b, 102)
    h["bounds"] = [v / 1e7 for v in e7]
    h["center_zoom"] = b[118]
    h["center"] = [v / 1e7 for v in struct.unpack_from("<2i", b, 119)]
    return h


def _varints(b):
    i = 0
    while i < len(b):
        v = shift = 0
        while True:
            c = b[i]
            i += 1
            v |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                break
        yield v


def directory(raw):
    """The entries (tile_id, offset, length, run_length) of one directory
    (its bytes as stored: gzip)."""
    it = _varints(gzip.decompress(raw))
    n = next(it)
    ids, tid = [], 0
    for _ in range(n):
        tid += next(it)
        ids.append(tid)
    runs = [next(it) for _ in range(n)]
    lens = [next(it) for _ in range(n)]
    out = []
    for i in range(n):
        o = next(it)
        off = out[i - 1][1] + out[i - 1][2] if o == 0 else o - 1
        out.append((ids[i], off, lens[i], runs[i]))
    return out


def entries(b, h=None):
    """Every tile entry (run_length > 0) of the archive, leaves followed."""
    h = h or header(b)
    todo, out = [directory(b[h["root_offset"]:h["root_offset"] + h["root_length"]])], []
    while todo:
        for e in todo.pop(0):
            if e[3] == 0:
                s = h["leaf_offset"] + e[1]
                todo.append(directory(b[s:s + e[2]]))
            else:
                out.append(e)
    return sorted(out)


def zxy(tile_id):
    """The z, x, y of a Hilbert tile id (the specification's numbering)."""
    z, acc = 0, 0
    while acc + 4 ** z <= tile_id:
        acc += 4 ** z
        z += 1
    n, d, x, y, s = 1 << z, tile_id - acc, 0, 0, 1
    while s < n:
        rx = 1 & (d // 2)
        ry = 1 & (d ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        d //= 4
        s *= 2
    return z, x, y


def tiles(b):
    """{(z, x, y): uncompressed tile bytes} of every tile in the archive."""
    h = header(b)
    out = {}
    for tid, off, length, run in entries(b, h):
        s = h["data_offset"] + off
        data = gzip.decompress(b[s:s + length])
        for k in range(run):
            out[zxy(tid + k)] = data
    return out
