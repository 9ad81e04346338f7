/*
 * pmtiles_write.c: a PMTiles v3 archive built in memory (frontline/pmtiles.h).
 *
 * Tiles come in any order.  Each is gzip-compressed once and stored once:
 * a tile whose bytes equal an earlier one's (a 64-bit hash finds the
 * candidate, the compressed bytes are compared) refers to the same blob.
 * At the end the entries are sorted by tile id, the blobs laid out in that
 * order (so the archive is clustered), consecutive ids with the same blob
 * joined into one run, and the directory split into leaves when the root
 * would not fit in the first 16,384 bytes.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "gzip.h"
#include "pmtiles_priv.h"
#include "util.h"

typedef struct blob {
	size_t off, len; /* in the pool */
	uint64_t hash;
	uint64_t out; /* offset in the data section once placed, UINT64_MAX before */
} blob;

typedef struct tile {
	uint64_t id;
	size_t blob;
} tile;

struct fl_pmtiles_writer {
	unsigned char *pool;
	size_t pool_len, pool_cap;
	blob *blobs;
	size_t nblobs, blobs_cap;
	tile *tiles;
	size_t ntiles, tiles_cap;
	size_t *slots; /* open addressing over blobs (index + 1; 0 empty) */
	size_t nslots;
};

fl_status fl_pmtiles_writer_new(fl_pmtiles_writer **out)
{
	if (!out)
		return fl__fail(FL_EARG, "fl_pmtiles_writer_new: NULL argument");
	*out = calloc(1, sizeof **out);
	return *out ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
}

void fl_pmtiles_writer_free(fl_pmtiles_writer *w)
{
	if (!w)
		return;
	free(w->pool);
	free(w->blobs);
	free(w->tiles);
	free(w->slots);
	free(w);
}

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(1099511628211);
	return fl__mix64(h ^ n);
}

static bool rehash(fl_pmtiles_writer *w)
{
	size_t ns = w->nslots ? w->nslots * 2 : 1024;
	size_t *s = calloc(ns, sizeof *s);
	if (!s)
		return false;
	for (size_t b = 0; b < w->nblobs; b++) {
		size_t i = (size_t)w->blobs[b].hash & (ns - 1);
		while (s[i])
			i = (i + 1) & (ns - 1);
		s[i] = b + 1;
	}
	free(w->slots);
	w->slots = s;
	w->nslots = ns;
	return true;
}

/* The blob of gz[0, n) with hash h: an equal one, or a new one. */
static fl_status find_blob(fl_pmtiles_writer *w, uint64_t h, const unsigned char *gz, size_t n,
			   size_t *out)
{
	if ((w->nblobs + 1) * 2 > w->nslots && !rehash(w))
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t i = (size_t)h & (w->nslots - 1);
	for (; w->slots[i]; i = (i + 1) & (w->nslots - 1)) {
		const blob *b = &w->blobs[w->slots[i] - 1];
		if (b->hash == h && b->len == n && !memcmp(w->pool + b->off, gz, n)) {
			*out = w->slots[i] - 1;
			return FL_OK;
		}
	}
	unsigned char *np = fl__grow(w->pool, &w->pool_cap, w->pool_len + n, 1);
	blob *nb = np ? fl__grow(w->blobs, &w->blobs_cap, w->nblobs + 1, sizeof *nb) : NULL;
	if (np)
		w->pool = np;
	if (!nb)
		return fl__fail(FL_ENOMEM, "out of memory");
	w->blobs = nb;
	memcpy(w->pool + w->pool_len, gz, n);
	w->blobs[w->nblobs] = (blob){.off = w->pool_len, .len = n, .hash = h, .out = UINT64_MAX};
	w->pool_len += n;
	w->slots[i] = ++w->nblobs;
	*out = w->nblobs - 1;
	return FL_OK;
}

fl_status fl_pmtiles_writer_add(fl_pmtiles_writer *w, int z, uint32_t x, uint32_t y,
				const unsigned char *data, size_t len)
{
	uint64_t id;
	if (!w || (!data && len))
		return fl__fail(FL_EARG, "fl_pmtiles_writer_add: NULL argument");
	if (!fl_pmtiles_tile_id(z, x, y, &id))
		return fl__fail(FL_EARG, "fl_pmtiles_writer_add: tile %d/%u/%u is out of range", z, x, y);
	if (!len)
		return fl__fail(FL_EARG, "fl_pmtiles_writer_add: tile %d/%u/%u is empty", z, x, y);
	tile *nt = fl__grow(w->tiles, &w->tiles_cap, w->ntiles + 1, sizeof *nt);
	if (!nt)
		return fl__fail(FL_ENOMEM, "out of memory");
	w->tiles = nt;
	unsigned char *gz;
	size_t gzlen, b = 0;
	fl_status st = fl__gzip(data, len, &gz, &gzlen);
	if (st)
		return st;
	if (gzlen > UINT32_MAX) {
		free(gz);
		return fl__fail(FL_EARG, "fl_pmtiles_writer_add: tile %d/%u/%u is too large", z, x, y);
	}
	st = find_blob(w, hash_bytes(data, len), gz, gzlen, &b);
	free(gz);
	if (!st)
		w->tiles[w->ntiles++] = (tile){id, b};
	return st;
}

static int cmp_tile(const void *a, const void *b)
{
	uint64_t x = ((const tile *)a)->id, y = ((const tile *)b)->id;
	return x < y ? -1 : x > y;
}

/* The entries of the sorted tiles (runs joined), and the data section. */
static fl_status lay_out(fl_pmtiles_writer *w, fl__pmt_entry **entries, size_t *nentries,
			 unsigned char **data, size_t *data_len)
{
	fl__pmt_entry *e = malloc(w->ntiles * sizeof *e);
	unsigned char *d = malloc(w->pool_len ? w->pool_len : 1);
	if (!e || !d) {
		free(e), free(d);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	size_t n = 0, dl = 0;
	for (size_t i = 0; i < w->ntiles; i++) {
		const tile *t = &w->tiles[i];
		if (i && t->id == t[-1].id) {
			free(e), free(d);
			int z;
			uint32_t x, y;
			fl_pmtiles_tile_zxy(t->id, &z, &x, &y);
			return fl__fail(FL_EARG, "fl_pmtiles_writer_add: tile %d/%u/%u was added twice", z,
					x, y);
		}
		blob *b = &w->blobs[t->blob];
		if (b->out == UINT64_MAX) {
			memcpy(d + dl, w->pool + b->off, b->len);
			b->out = dl;
			dl += b->len;
		}
		fl__pmt_entry *last = n ? &e[n - 1] : NULL;
		if (last && last->offset == b->out && last->tile_id + last->run_length == t->id &&
		    last->run_length < UINT32_MAX)
			last->run_length++;
		else
			e[n++] = (fl__pmt_entry){t->id, b->out, (uint32_t)b->len, 1};
	}
	*entries = e, *nentries = n, *data = d, *data_len = dl;
	return FL_OK;
}

/* The root directory (and the leaves when the root alone is too large). */
static fl_status directories(const fl__pmt_entry *e, size_t n, unsigned char **root,
			     size_t *root_len, unsigned char **leaves, size_t *leaves_len)
{
	*leaves = NULL, *leaves_len = 0;
	fl_status st = fl__pmt_dir_encode(e, n, root, root_len);
	if (st || FL__PMT_HEADER + *root_len <= FL__PMT_ROOT_MAX)
		return st;
	free(*root);
	*root = NULL;
	for (size_t per = 4096; !st; per *= 2) {
		size_t nleaves = (n + per - 1) / per, cap = 0, len = 0;
		fl__pmt_entry *re = malloc(nleaves * sizeof *re);
		unsigned char *lv = NULL;
		st = re ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
		for (size_t k = 0; k < nleaves && !st; k++) {
			size_t first = k * per, cnt = n - first < per ? n - first : per, gl;
			unsigned char *g, *nl;
			st = fl__pmt_dir_encode(e + first, cnt, &g, &gl);
			if (st)
				break;
			nl = fl__grow(lv, &cap, len + gl, 1);
			if (!nl) {
				free(g);
				st = fl__fail(FL_ENOMEM, "out of memory");
				break;
			}
			lv = nl;
			memcpy(lv + len, g, gl);
			free(g);
			re[k] = (fl__pmt_entry){e[first].tile_id, len, (uint32_t)gl, 0};
			len += gl;
		}
		if (!st)
			st = fl__pmt_dir_encode(re, nleaves, root, root_len);
		free(re);
		if (!st && FL__PMT_HEADER + *root_len <= FL__PMT_ROOT_MAX) {
			*leaves = lv, *leaves_len = len;
			return FL_OK;
		}
		free(lv);
		if (!st) {
			free(*root);
			*root = NULL;
		}
	}
	return st;
}

fl_status fl_pmtiles_writer_finish(fl_pmtiles_writer *w, const fl_pmtiles_info *info,
				   unsigned char **buf, size_t *len)
{
	if (!w || !info || !buf || !len)
		return fl__fail(FL_EARG, "fl_pmtiles_writer_finish: NULL argument");
	*buf = NULL, *len = 0;
	if (!w->ntiles)
		return fl__fail(FL_EARG, "fl_pmtiles_writer_finish: no tile was added");
	if (info->min_zoom < 0 || info->min_zoom > info->max_zoom || info->max_zoom > FL_PMTILES_MAXZOOM)
		return fl__fail(FL_EARG, "fl_pmtiles_writer_finish: zoom levels %d to %d",
				info->min_zoom, info->max_zoom);
	qsort(w->tiles, w->ntiles, sizeof *w->tiles, cmp_tile);
	for (size_t b = 0; b < w->nblobs; b++)
		w->blobs[b].out = UINT64_MAX;
	fl__pmt_entry *e = NULL;
	unsigned char *data = NULL, *root = NULL, *leaves = NULL, *meta = NULL;
	size_t n = 0, data_len = 0, root_len = 0, leaves_len = 0, meta_len = 0;
	const char *json = info->metadata_json ? info->metadata_json : "{}";
	fl_status st = lay_out(w, &e, &n, &data, &data_len);
	if (!st)
		st = directories(e, n, &root, &root_len, &leaves, &leaves_len);
	if (!st)
		st = fl__gzip(json, strlen(json), &meta, &meta_len);
	fl_pmtiles_header h = {.version = 3, .clustered = true, .internal_compression = 2,
			       .tile_compression = 2, .tile_type = 1, .min_zoom = info->min_zoom,
			       .max_zoom = info->max_zoom, .center_zoom = info->center_zoom};
	memcpy(h.bounds, info->bounds, sizeof h.bounds);
	memcpy(h.center, info->center, sizeof h.center);
	h.root_offset = FL__PMT_HEADER, h.root_length = root_len;
	h.metadata_offset = h.root_offset + root_len, h.metadata_length = meta_len;
	h.leaf_offset = h.metadata_offset + meta_len, h.leaf_length = leaves_len;
	h.data_offset = h.leaf_offset + leaves_len, h.data_length = data_len;
	h.addressed_tiles = w->ntiles, h.tile_entries = n, h.tile_contents = w->nblobs;
	size_t total = (size_t)h.data_offset + data_len;
	unsigned char *out = st ? NULL : malloc(total);
	if (!st && !out)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st) {
		fl__pmt_header_pack(&h, out);
		memcpy(out + h.root_offset, root, root_len);
		memcpy(out + h.metadata_offset, meta, meta_len);
		if (leaves_len)
			memcpy(out + h.leaf_offset, leaves, leaves_len);
		memcpy(out + h.data_offset, data, data_len);
		*buf = out, *len = total;
	}
	free(e), free(data), free(root), free(leaves), free(meta);
	return st;
}
