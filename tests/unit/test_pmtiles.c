/* test_pmtiles.c: PMTiles v3 archives through the C API (pmtiles.h): tile
 * ids as the specification's examples give them, archives written and read
 * back tile by tile (identical tiles stored once, runs joined, leaf
 * directories when the root would not fit in 16 KiB), and corrupt archives
 * refused with FL_EINPUT, never read past their end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <frontline/frontline.h>

static void test_tile_ids(void **state)
{
	(void)state;
	static const struct {
		int z;
		uint32_t x, y;
		uint64_t id;
	} v[] = {{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5},
		 {12, 3423, 1763, 19078479}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint64_t id = 99;
		int z = -1;
		uint32_t x = 9, y = 9;
		assert_true(fl_pmtiles_tile_id(v[i].z, v[i].x, v[i].y, &id));
		assert_int_equal(id, v[i].id);
		assert_true(fl_pmtiles_tile_zxy(v[i].id, &z, &x, &y));
		assert_int_equal(z, v[i].z);
		assert_int_equal(x, v[i].x);
		assert_int_equal(y, v[i].y);
	}
	for (int z = 0; z < 8; z++)
		for (uint32_t x = 0; x < (1u << z); x++)
			for (uint32_t y = 0; y < (1u << z); y++) {
				uint64_t id;
				int rz;
				uint32_t rx, ry;
				assert_true(fl_pmtiles_tile_id(z, x, y, &id));
				assert_true(fl_pmtiles_tile_zxy(id, &rz, &rx, &ry));
				assert_true(rz == z && rx == x && ry == y);
			}
	uint64_t id;
	assert_false(fl_pmtiles_tile_id(1, 2, 0, &id));
	assert_false(fl_pmtiles_tile_id(-1, 0, 0, &id));
	assert_false(fl_pmtiles_tile_id(FL_PMTILES_MAXZOOM + 1, 0, 0, &id));
}

static const fl_pmtiles_info info = {
	.min_zoom = 0, .max_zoom = 3, .center_zoom = 2,
	.bounds = {45.5, 39.25, 47.125, 40.5}, .center = {46.3125, 39.875},
	.metadata_json = "{\"vector_layers\":[{\"id\":\"control\",\"fields\":{}}]}"};

/* The content of tile z/x/y in the small archive: tiles of zoom 3 with x
 * < 4 are one shared "sea" tile (so runs and dedup), others their own. */
static size_t content(int z, uint32_t x, uint32_t y, char *buf)
{
	if (z == 3 && x < 4)
		return (size_t)sprintf(buf, "sea");
	return (size_t)sprintf(buf, "tile %d/%u/%u %s", z, x, y, z % 2 ? "odd" : "even");
}

static void test_roundtrip(void **state)
{
	(void)state;
	fl_pmtiles_writer *w;
	assert_int_equal(fl_pmtiles_writer_new(&w), FL_OK);
	char b[64];
	/* in reverse order of zoom and x: the writer sorts */
	for (int z = 3; z >= 0; z--)
		for (uint32_t x = 1u << z; x-- > 0;)
			for (uint32_t y = 0; y < (1u << z); y++) {
				size_t n = content(z, x, y, b);
				assert_int_equal(fl_pmtiles_writer_add(w, z, x, y, (unsigned char *)b, n), FL_OK);
			}
	assert_int_equal(fl_pmtiles_writer_add(w, 2, 4, 0, (unsigned char *)"x", 1), FL_EARG);
	assert_int_equal(fl_pmtiles_writer_add(w, 2, 0, 0, (unsigned char *)"x", 0), FL_EARG);
	unsigned char *buf;
	size_t len;
	assert_int_equal(fl_pmtiles_writer_finish(w, &info, &buf, &len), FL_OK);
	fl_pmtiles_writer_free(w);
	assert_memory_equal(buf, "PMTiles\x03", 8);
	fl_pmtiles *p;
	assert_int_equal(fl_pmtiles_open(buf, len, &p), FL_OK);
	const fl_pmtiles_header *h = fl_pmtiles_get_header(p);
	assert_int_equal(h->version, 3);
	assert_int_equal(h->root_offset, 127);
	assert_true(h->clustered);
	assert_int_equal(h->internal_compression, 2);
	assert_int_equal(h->tile_compression, 2);
	assert_int_equal(h->tile_type, 1);
	assert_int_equal(h->min_zoom, 0);
	assert_int_equal(h->max_zoom, 3);
	assert_int_equal(h->center_zoom, 2);
	assert_true(h->bounds[0] == 45.5 && h->bounds[1] == 39.25 && h->bounds[2] == 47.125 &&
		    h->bounds[3] == 40.5);
	assert_true(h->center[0] == 46.3125 && h->center[1] == 39.875);
	assert_int_equal(h->addressed_tiles, 1 + 4 + 16 + 64);
	/* 32 sea tiles share one blob */
	assert_int_equal(h->tile_contents, 1 + 4 + 16 + 32 + 1);
	assert_true(h->tile_entries < h->addressed_tiles);
	assert_int_equal(h->leaf_length, 0);
	assert_int_equal(h->data_offset + h->data_length, len);
	for (int z = 0; z <= 3; z++)
		for (uint32_t x = 0; x < (1u << z); x++)
			for (uint32_t y = 0; y < (1u << z); y++) {
				unsigned char *t;
				size_t tl;
				size_t n = content(z, x, y, b);
				assert_int_equal(fl_pmtiles_tile(p, z, x, y, &t, &tl), FL_OK);
				assert_int_equal(tl, n);
				assert_memory_equal(t, b, n);
				fl_free(t);
			}
	unsigned char *t;
	size_t tl;
	assert_int_equal(fl_pmtiles_tile(p, 4, 0, 0, &t, &tl), FL_ENOTFOUND);
	assert_null(t);
	char *json;
	size_t jl;
	assert_int_equal(fl_pmtiles_metadata(p, &json, &jl), FL_OK);
	assert_string_equal(json, info.metadata_json);
	fl_free(json);
	fl_pmtiles_close(p);
	fl_free(buf);
}

static void test_duplicate(void **state)
{
	(void)state;
	fl_pmtiles_writer *w;
	assert_int_equal(fl_pmtiles_writer_new(&w), FL_OK);
	unsigned char *buf;
	size_t len;
	assert_int_equal(fl_pmtiles_writer_finish(w, &info, &buf, &len), FL_EARG);
	assert_int_equal(fl_pmtiles_writer_add(w, 1, 1, 0, (unsigned char *)"a", 1), FL_OK);
	assert_int_equal(fl_pmtiles_writer_add(w, 1, 1, 0, (unsigned char *)"b", 1), FL_OK);
	assert_int_equal(fl_pmtiles_writer_finish(w, &info, &buf, &len), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "1/1/0 was added twice"));
	assert_null(buf);
	fl_pmtiles_writer_free(w);
}

/* Tile x/y of zoom 8 in the archive with leaves: bytes of a hash of x and
 * y, of a length between 16 and 255 that varies with them too. */
static size_t leaf_tile(uint32_t x, uint32_t y, unsigned char *v)
{
	uint32_t h = (x * 2654435761u) ^ (y * 40503u + 0x9e3779b9u);
	size_t n = 16 + (h >> 8) % 240;
	v[0] = (unsigned char)x, v[1] = (unsigned char)y; /* each different */
	for (size_t i = 2; i < n; i++) {
		h = h * 1103515245u + 12345u;
		v[i] = (unsigned char)(h >> 16);
	}
	return n;
}

/* Every tile of zoom 8, each different: the root alone would pass 16 KiB,
 * so the entries go to leaf directories. */
static void test_leaves(void **state)
{
	(void)state;
	fl_pmtiles_writer *w;
	assert_int_equal(fl_pmtiles_writer_new(&w), FL_OK);
	unsigned char v[256];
	for (uint32_t x = 0; x < 256; x++)
		for (uint32_t y = 0; y < 256; y++) {
			size_t n = leaf_tile(x, y, v);
			assert_int_equal(fl_pmtiles_writer_add(w, 8, x, y, v, n), FL_OK);
		}
	fl_pmtiles_info in = info;
	in.min_zoom = in.max_zoom = 8;
	unsigned char *buf;
	size_t len;
	assert_int_equal(fl_pmtiles_writer_finish(w, &in, &buf, &len), FL_OK);
	fl_pmtiles_writer_free(w);
	fl_pmtiles *p;
	assert_int_equal(fl_pmtiles_open(buf, len, &p), FL_OK);
	const fl_pmtiles_header *h = fl_pmtiles_get_header(p);
	assert_true(h->leaf_length > 0);
	assert_true(h->root_offset + h->root_length <= 16384);
	assert_int_equal(h->addressed_tiles, 65536);
	assert_int_equal(h->tile_contents, 65536);
	for (uint32_t x = 0; x < 256; x += 5)
		for (uint32_t y = 0; y < 256; y += 3) {
			size_t n = leaf_tile(x, y, v);
			unsigned char *t;
			size_t tl;
			assert_int_equal(fl_pmtiles_tile(p, 8, x, y, &t, &tl), FL_OK);
			assert_int_equal(tl, n);
			assert_memory_equal(t, v, n);
			fl_free(t);
		}
	fl_pmtiles_close(p);
	fl_free(buf);
}

/* Cut, changed or lying archives: FL_EINPUT, at open or at the tile. */
static void test_corrupt(void **state)
{
	(void)state;
	fl_pmtiles_writer *w;
	assert_int_equal(fl_pmtiles_writer_new(&w), FL_OK);
	assert_int_equal(fl_pmtiles_writer_add(w, 0, 0, 0, (unsigned char *)"world", 5), FL_OK);
	unsigned char *buf;
	size_t len;
	fl_pmtiles_info in = info;
	in.max_zoom = 0;
	assert_int_equal(fl_pmtiles_writer_finish(w, &in, &buf, &len), FL_OK);
	fl_pmtiles_writer_free(w);
	fl_pmtiles *p = NULL;
	assert_int_equal(fl_pmtiles_open(buf, 100, &p), FL_EINPUT);
	assert_null(p);
	/* the data section cut short */
	assert_int_equal(fl_pmtiles_open(buf, len - 1, &p), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "outside the file"));
	unsigned char *bad = malloc(len);
	memcpy(bad, buf, len);
	bad[7] = 2;
	assert_int_equal(fl_pmtiles_open(bad, len, &p), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "version 2"));
	memcpy(bad, buf, len);
	bad[127 + 12] ^= 0xff; /* inside the root's deflate stream */
	assert_int_equal(fl_pmtiles_open(bad, len, &p), FL_EINPUT);
	memcpy(bad, buf, len);
	bad[97] = 4; /* directories said to be zstd (a crash the fuzzer found) */
	assert_int_equal(fl_pmtiles_open(bad, len, &p), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "compression 4"));
	memcpy(bad, buf, len);
	bad[98] = 4; /* tiles said to be zstd */
	assert_int_equal(fl_pmtiles_open(bad, len, &p), FL_OK);
	unsigned char *t = NULL;
	size_t tl;
	assert_int_equal(fl_pmtiles_tile(p, 0, 0, 0, &t, &tl), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "compression 4"));
	fl_pmtiles_close(p);
	memcpy(bad, buf, len);
	bad[len - 3] ^= 0x55; /* the tile's gzip trailer (its CRC) */
	assert_int_equal(fl_pmtiles_open(bad, len, &p), FL_OK);
	assert_int_equal(fl_pmtiles_tile(p, 0, 0, 0, &t, &tl), FL_EINPUT);
	fl_pmtiles_close(p);
	free(bad);
	fl_free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tile_ids),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_leaves),
		cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
