/*
 * pmtiles.c: PMTiles v3: Hilbert tile ids, the header's bytes, directories
 * as varint columns (pmtiles_priv.h).
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "gzip.h"
#include "pmtiles_priv.h"
#include "util.h"

/* Tiles of the zoom levels before z: (4^z - 1) / 3. */
static uint64_t tiles_before(int z)
{
	return ((UINT64_C(1) << (2 * z)) - 1) / 3;
}

/* The distance along the Hilbert curve of side n (a power of 2) to x, y. */
static uint64_t hilbert_d(uint64_t n, uint64_t x, uint64_t y)
{
	uint64_t d = 0;
	for (uint64_t s = n / 2; s > 0; s /= 2) {
		uint64_t rx = (x & s) != 0, ry = (y & s) != 0;
		d += s * s * ((3 * rx) ^ ry);
		if (!ry) { /* rotate the quadrant */
			if (rx) {
				x = n - 1 - x;
				y = n - 1 - y;
			}
			uint64_t tmp = x;
			x = y;
			y = tmp;
		}
	}
	return d;
}

bool fl_pmtiles_tile_id(int z, uint32_t x, uint32_t y, uint64_t *id)
{
	if (z < 0 || z > FL_PMTILES_MAXZOOM || (uint64_t)x >> z || (uint64_t)y >> z)
		return false;
	*id = tiles_before(z) + hilbert_d(UINT64_C(1) << z, x, y);
	return true;
}

bool fl_pmtiles_tile_zxy(uint64_t id, int *z, uint32_t *x, uint32_t *y)
{
	int zz = 0;
	while (zz <= FL_PMTILES_MAXZOOM && id >= tiles_before(zz + 1))
		zz++;
	if (zz > FL_PMTILES_MAXZOOM)
		return false;
	uint64_t n = UINT64_C(1) << zz, d = id - tiles_before(zz), tx = 0, ty = 0;
	for (uint64_t s = 1; s < n; s *= 2) {
		uint64_t rx = 1 & (d / 2), ry = 1 & (d ^ rx);
		if (!ry) {
			if (rx) {
				tx = s - 1 - tx;
				ty = s - 1 - ty;
			}
			uint64_t tmp = tx;
			tx = ty;
			ty = tmp;
		}
		tx += s * rx;
		ty += s * ry;
		d /= 4;
	}
	*z = zz;
	*x = (uint32_t)tx;
	*y = (uint32_t)ty;
	return true;
}

typedef struct buf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
} buf;

static void put_varint(buf *b, uint64_t v)
{
	if (b->oom)
		return;
	unsigned char *np = fl__grow(b->p, &b->cap, b->len + 10, 1);
	if (!np) {
		b->oom = true;
		return;
	}
	b->p = np;
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		b->p[b->len++] = (unsigned char)(c | (v ? 0x80 : 0));
	} while (v);
}

fl_status fl__pmt_dir_encode(const fl__pmt_entry *e, size_t n, unsigned char **out, size_t *len)
{
	buf b = {0};
	put_varint(&b, n);
	for (size_t i = 0; i < n; i++)
		put_varint(&b, e[i].tile_id - (i ? e[i - 1].tile_id : 0));
	for (size_t i = 0; i < n; i++)
		put_varint(&b, e[i].run_length);
	for (size_t i = 0; i < n; i++)
		put_varint(&b, e[i].length);
	for (size_t i = 0; i < n; i++) {
		bool next = i && e[i].offset == e[i - 1].offset + e[i - 1].length;
		put_varint(&b, next ? 0 : e[i].offset + 1);
	}
	if (b.oom) {
		free(b.p);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	fl_status st = fl__gzip(b.p, b.len, out, len);
	free(b.p);
	return st;
}

/* A varint at b[*at, len); false when cut short or longer than 64 bits. */
static bool get_varint(const unsigned char *b, size_t len, size_t *at, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*at >= len)
			return false;
		unsigned char c = b[(*at)++];
		if (shift == 63 && (c & 0x7e))
			return false;
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

fl_status fl__pmt_dir_decode(const unsigned char *b, size_t len, const char *what,
			     fl__pmt_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t at = 0;
	uint64_t count = 0, v = 0;
	if (!get_varint(b, len, &at, &count) || count == 0)
		return fl__fail(FL_EINPUT, "%s: no entry count", what);
	/* each entry takes at least 4 bytes (one varint per column) */
	if (count > (len - at) / 4)
		return fl__fail(FL_EINPUT, "%s: %llu entries in %zu bytes", what,
				(unsigned long long)count, len);
	fl__pmt_entry *e = calloc((size_t)count, sizeof *e);
	if (!e)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_status st = FL_OK;
	uint64_t id = 0;
	for (size_t i = 0; i < count && !st; i++) {
		if (!get_varint(b, len, &at, &v) || (i && v == 0) || v > UINT64_MAX - id)
			st = fl__fail(FL_EINPUT, "%s: entry %zu: bad tile id", what, i);
		id += v;
		e[i].tile_id = id;
	}
	for (size_t i = 0; i < count && !st; i++) {
		if (!get_varint(b, len, &at, &v) || v > UINT32_MAX)
			st = fl__fail(FL_EINPUT, "%s: entry %zu: bad run length", what, i);
		e[i].run_length = (uint32_t)v;
	}
	for (size_t i = 0; i < count && !st; i++) {
		if (!get_varint(b, len, &at, &v) || v == 0 || v > UINT32_MAX)
			st = fl__fail(FL_EINPUT, "%s: entry %zu: bad length", what, i);
		e[i].length = (uint32_t)v;
	}
	for (size_t i = 0; i < count && !st; i++) {
		bool ok = get_varint(b, len, &at, &v) && (i || v) &&
			  (v || e[i - 1].offset <= UINT64_MAX - e[i - 1].length);
		if (!ok)
			st = fl__fail(FL_EINPUT, "%s: entry %zu: bad offset", what, i);
		else
			e[i].offset = v ? v - 1 : e[i - 1].offset + e[i - 1].length;
	}
	if (!st && at != len)
		st = fl__fail(FL_EINPUT, "%s: %zu bytes after the entries", what, len - at);
	if (st) {
		free(e);
		return st;
	}
	*out = e;
	*n = (size_t)count;
	return FL_OK;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_deg(unsigned char *p, double deg)
{
	double e7 = deg * 1e7;
	int32_t v = e7 >= 2147483647.0 ? INT32_MAX : e7 <= -2147483648.0 ? INT32_MIN
					 : (int32_t)(e7 < 0 ? e7 - 0.5 : e7 + 0.5);
	uint32_t u = (uint32_t)v;
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(u >> (8 * i));
}

static double get_deg(const unsigned char *p)
{
	uint32_t u = 0;
	for (int i = 0; i < 4; i++)
		u |= (uint32_t)p[i] << (8 * i);
	int32_t v;
	memcpy(&v, &u, sizeof v);
	return v / 1e7;
}

void fl__pmt_header_pack(const fl_pmtiles_header *h, unsigned char out[FL__PMT_HEADER])
{
	memset(out, 0, FL__PMT_HEADER);
	static const unsigned char magic[7] = {'P', 'M', 'T', 'i', 'l', 'e', 's'};
	memcpy(out, magic, sizeof magic);
	out[7] = 3;
	const uint64_t u[] = {h->root_offset, h->root_length, h->metadata_offset, h->metadata_length,
			      h->leaf_offset, h->leaf_length, h->data_offset, h->data_length,
			      h->addressed_tiles, h->tile_entries, h->tile_contents};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		put_u64(out + 8 + 8 * i, u[i]);
	out[96] = h->clustered ? 1 : 0;
	out[97] = (unsigned char)h->internal_compression;
	out[98] = (unsigned char)h->tile_compression;
	out[99] = (unsigned char)h->tile_type;
	out[100] = (unsigned char)h->min_zoom;
	out[101] = (unsigned char)h->max_zoom;
	for (int i = 0; i < 4; i++)
		put_deg(out + 102 + (size_t)4 * (size_t)i, h->bounds[i]);
	out[118] = (unsigned char)h->center_zoom;
	put_deg(out + 119, h->center[0]);
	put_deg(out + 123, h->center[1]);
}

fl_status fl__pmt_header_unpack(const unsigned char *b, size_t len, fl_pmtiles_header *h)
{
	memset(h, 0, sizeof *h);
	if (len < FL__PMT_HEADER || memcmp(b, "PMTiles", 7))
		return fl__fail(FL_EINPUT, "PMTiles: no PMTiles header (%zu bytes)", len);
	h->version = b[7];
	if (h->version != 3)
		return fl__fail(FL_EINPUT, "PMTiles: version %d, not 3", h->version);
	uint64_t *u[] = {&h->root_offset, &h->root_length, &h->metadata_offset, &h->metadata_length,
			 &h->leaf_offset, &h->leaf_length, &h->data_offset, &h->data_length,
			 &h->addressed_tiles, &h->tile_entries, &h->tile_contents};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		*u[i] = get_u64(b + 8 + 8 * i);
	h->clustered = b[96] == 1;
	h->internal_compression = b[97];
	h->tile_compression = b[98];
	h->tile_type = b[99];
	h->min_zoom = b[100];
	h->max_zoom = b[101];
	for (int i = 0; i < 4; i++)
		h->bounds[i] = get_deg(b + 102 + (size_t)4 * (size_t)i);
	h->center_zoom = b[118];
	h->center[0] = get_deg(b + 119);
	h->center[1] = get_deg(b + 123);
	return FL_OK;
}
