/*
 * pmtiles_read.c: one tile of a PMTiles v3 archive held in memory
 * (frontline/pmtiles.h): the header checked, the root directory read once,
 * leaf directories read on the way to a tile.  Every offset, length and
 * count comes from the file and is checked against the bytes there are.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "gzip.h"
#include "pmtiles_priv.h"
#include "util.h"

/* Inflated directories, metadata and tiles may be no larger than this. */
#define INFLATE_MAX ((size_t)64 << 20)
/* Root, then leaves: the specification's writers use one level of leaves. */
#define DEPTH_MAX 4

struct fl_pmtiles {
	unsigned char *buf;
	size_t len;
	fl_pmtiles_header h;
	fl__pmt_entry *root;
	size_t nroot;
};

void fl_pmtiles_close(fl_pmtiles *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p->root);
	free(p);
}

/* Whether [off, off + n) lies within [0, len). */
static bool within(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

/* b[0, n) inflated as the archive's compression c says (1 none, 2 gzip). */
static fl_status inflate_as(int c, const unsigned char *b, size_t n, const char *what,
			    unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (c == 2)
		return fl__gunzip(b, n, INFLATE_MAX, what, out, outlen);
	if (c != 1)
		return fl__fail(FL_EINPUT, "%s: compression %d is not supported (1 none, 2 gzip)", what, c);
	*out = malloc(n + 1);
	if (!*out)
		return fl__fail(FL_ENOMEM, "out of memory");
	if (n)
		memcpy(*out, b, n);
	(*out)[n] = 0;
	*outlen = n;
	return FL_OK;
}

/* The directory at [off, off + n) of the file. */
static fl_status read_dir(const fl_pmtiles *p, uint64_t off, uint64_t n, const char *what,
			  fl__pmt_entry **e, size_t *ne)
{
	if (!within(off, n, p->len) || n == 0)
		return fl__fail(FL_EINPUT, "PMTiles: %s lies outside the file", what);
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	fl_status st = inflate_as(p->h.internal_compression, p->buf + off, (size_t)n, what, &raw, &rawlen);
	if (!st)
		st = fl__pmt_dir_decode(raw, rawlen, what, e, ne);
	free(raw);
	return st;
}

fl_status fl_pmtiles_open(const unsigned char *buf, size_t len, fl_pmtiles **out)
{
	if (!buf || !out)
		return fl__fail(FL_EARG, "fl_pmtiles_open: NULL argument");
	*out = NULL;
	fl_pmtiles *p = calloc(1, sizeof *p);
	if (!p)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_status st = fl__pmt_header_unpack(buf, len, &p->h);
	const fl_pmtiles_header *h = &p->h;
	if (!st && (!within(h->metadata_offset, h->metadata_length, len) ||
		    !within(h->leaf_offset, h->leaf_length, len) ||
		    !within(h->data_offset, h->data_length, len)))
		st = fl__fail(FL_EINPUT, "PMTiles: a section lies outside the file (%zu bytes)", len);
	if (!st && (h->min_zoom > h->max_zoom || h->max_zoom > FL_PMTILES_MAXZOOM))
		st = fl__fail(FL_EINPUT, "PMTiles: zoom levels %d to %d", h->min_zoom, h->max_zoom);
	if (!st) {
		p->buf = malloc(len);
		if (!p->buf)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else
			memcpy(p->buf, buf, len), p->len = len;
	}
	if (!st)
		st = read_dir(p, h->root_offset, h->root_length, "PMTiles root directory", &p->root,
			      &p->nroot);
	return FL__HAND_OVER(st, p, fl_pmtiles_close, out);
}

const fl_pmtiles_header *fl_pmtiles_get_header(const fl_pmtiles *p)
{
	return p ? &p->h : NULL;
}

fl_status fl_pmtiles_metadata(const fl_pmtiles *p, char **json, size_t *len)
{
	if (!p || !json || !len)
		return fl__fail(FL_EARG, "fl_pmtiles_metadata: NULL argument");
	return inflate_as(p->h.internal_compression, p->buf + p->h.metadata_offset,
			  (size_t)p->h.metadata_length, "PMTiles metadata", (unsigned char **)json, len);
}

/* The entry of e[0, n) (sorted by tile id, as the reader checks) whose
 * range holds id, or that leads to it (a leaf); NULL when none. */
static const fl__pmt_entry *find(const fl__pmt_entry *e, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n; /* the last entry with tile_id <= id */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].tile_id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const fl__pmt_entry *c = &e[lo - 1];
	if (c->run_length == 0 || id - c->tile_id < c->run_length)
		return c;
	return NULL;
}

fl_status fl_pmtiles_tile(const fl_pmtiles *p, int z, uint32_t x, uint32_t y, unsigned char **tile,
			  size_t *len)
{
	if (!p || !tile || !len)
		return fl__fail(FL_EARG, "fl_pmtiles_tile: NULL argument");
	*tile = NULL, *len = 0;
	uint64_t id;
	if (!fl_pmtiles_tile_id(z, x, y, &id))
		return fl__fail(FL_EARG, "fl_pmtiles_tile: tile %d/%u/%u is out of range", z, x, y);
	const fl__pmt_entry *dir = p->root;
	size_t n = p->nroot;
	fl__pmt_entry *leaf = NULL;
	fl_status st = FL_OK;
	for (int depth = 0; !st; depth++) {
		const fl__pmt_entry *e = find(dir, n, id);
		if (!e) {
			st = fl__fail(FL_ENOTFOUND, "PMTiles: no tile %d/%u/%u", z, x, y);
		} else if (e->run_length) {
			if (!within(e->offset, e->length, (size_t)p->h.data_length))
				st = fl__fail(FL_EINPUT, "PMTiles: tile %d/%u/%u lies outside the data", z, x, y);
			else
				st = inflate_as(p->h.tile_compression, p->buf + p->h.data_offset + e->offset,
						e->length, "PMTiles tile", tile, len);
			break;
		} else if (depth + 1 >= DEPTH_MAX) {
			st = fl__fail(FL_EINPUT, "PMTiles: leaf directories deeper than %d", DEPTH_MAX);
		} else if (!within(e->offset, e->length, (size_t)p->h.leaf_length)) {
			st = fl__fail(FL_EINPUT, "PMTiles: a leaf directory lies outside its section");
		} else {
			fl__pmt_entry *next = NULL;
			size_t nn = 0;
			st = read_dir(p, p->h.leaf_offset + e->offset, e->length, "PMTiles leaf directory",
				      &next, &nn);
			free(leaf);
			leaf = st ? NULL : next;
			dir = leaf, n = nn;
		}
	}
	free(leaf);
	return st;
}
