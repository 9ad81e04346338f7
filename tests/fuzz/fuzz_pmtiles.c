/*
 * fuzz_pmtiles.c: the PMTiles reader (src/pmtiles_read.c, src/pmtiles.c,
 * src/gzip.c), which reads archives from anywhere.
 *
 * The input is an archive.  When it opens, every tile of zoom levels 0 to
 * 3 and the tiles named by the input's last bytes are looked up and the
 * metadata read: each either succeeds, or fails with a message and no
 * bytes.  Then the input, cut into tiles, is written as an archive and read
 * back: every tile must come back as it went in.
 */
#include <frontline/frontline.h>
#include "fuzz_common.h"

static void lookup(const fl_pmtiles *p, int z, uint32_t x, uint32_t y)
{
	unsigned char *t = (unsigned char *)1;
	size_t n = 7;
	fl_status st = fl_pmtiles_tile(p, z, x, y, &t, &n);
	if (st) {
		FZ_ASSERT(t == NULL && n == 0);
		FZ_ASSERT(*fl_error_last());
		FZ_ASSERT(st == FL_ENOTFOUND || st == FL_EINPUT || st == FL_ENOMEM || st == FL_EARG);
	} else {
		FZ_ASSERT(t != NULL);
	}
	fl_free(t);
}

static void read_archive(const uint8_t *data, size_t size)
{
	fl_pmtiles *p = NULL;
	if (fl_pmtiles_open(data, size, &p)) {
		FZ_ASSERT(p == NULL && *fl_error_last());
		return;
	}
	for (int z = 0; z <= 3; z++)
		for (uint32_t x = 0; x < (1u << z); x++)
			for (uint32_t y = 0; y < (1u << z); y++)
				lookup(p, z, x, y);
	if (size >= 9) {
		uint32_t x, y;
		memcpy(&x, data + size - 9, 4);
		memcpy(&y, data + size - 5, 4);
		int z = data[size - 1] % (FL_PMTILES_MAXZOOM + 2);
		lookup(p, z, x, y);
		if (z <= FL_PMTILES_MAXZOOM)
			lookup(p, z, x & ((1u << z) - 1), y & ((1u << z) - 1));
	}
	char *json = NULL;
	size_t n = 0;
	if (fl_pmtiles_metadata(p, &json, &n) == FL_OK)
		FZ_ASSERT(json && json[n] == 0);
	fl_free(json);
	fl_pmtiles_close(p);
}

/* The input cut into tiles of 1 to 16 bytes at zoom 2 (a byte chooses the
 * tile), written and read back. */
static void roundtrip(const uint8_t *data, size_t size)
{
	fl_pmtiles_writer *w = NULL;
	FZ_ASSERT(fl_pmtiles_writer_new(&w) == FL_OK);
	const uint8_t *at[16] = {0};
	size_t len[16] = {0};
	for (size_t i = 0; i + 1 < size;) {
		unsigned k = data[i] & 15, n = 1 + (data[i] >> 4);
		if (i + 1 + n > size)
			break;
		if (!len[k]) {
			at[k] = data + i + 1, len[k] = n;
			FZ_ASSERT(fl_pmtiles_writer_add(w, 2, k & 3, k >> 2, at[k], n) == FL_OK);
		}
		i += 1 + n;
	}
	fl_pmtiles_info info = {.min_zoom = 2, .max_zoom = 2, .metadata_json = "{}"};
	unsigned char *buf = NULL;
	size_t blen = 0;
	fl_status st = fl_pmtiles_writer_finish(w, &info, &buf, &blen);
	fl_pmtiles_writer_free(w);
	if (st) {
		FZ_ASSERT(st == FL_EARG && !buf); /* no tile */
		return;
	}
	fl_pmtiles *p = NULL;
	FZ_ASSERT(fl_pmtiles_open(buf, blen, &p) == FL_OK);
	for (unsigned k = 0; k < 16; k++) {
		unsigned char *t = NULL;
		size_t n = 0;
		st = fl_pmtiles_tile(p, 2, k & 3, k >> 2, &t, &n);
		if (!len[k])
			FZ_ASSERT(st == FL_ENOTFOUND);
		else
			FZ_ASSERT(st == FL_OK && n == len[k] && !memcmp(t, at[k], n));
		fl_free(t);
	}
	fl_pmtiles_close(p);
	fl_free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_archive(data, size);
	roundtrip(data, size);
	fl_error_clear();
	return 0;
}
