/* test_tiles.c: vector tiles through the C API (tiles.h), read back with
 * the messages protoc-c made of src/vector_tile.proto: the zooms chosen
 * and refused, a tile's layers, keys, values and geometry commands as the
 * MVT specification 2.1 has them (command integers, exterior rings of
 * positive area, interior ones negative), a tile at a date showing only
 * the periods of that date, the order and bytes of fl_tiles_each() and its
 * stop, bad tile addresses, and the metadata JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <frontline/frontline.h>
#include "helpers.h"
#include "vector_tile.pb-c.h"

static fl_tracker *open_k(void)
{
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	return t;
}

static void test_zooms(void **state)
{
	(void)state;
	fl_tracker *t = open_k();
	int lo = -1, hi = -1;
	fl_tile_opts o = {0, 0};
	assert_int_equal(fl_tiles_zooms(t, &o, &lo, &hi), FL_OK);
	/* the first zoom at which the districts' median edge spans a unit of
	 * the tile's 4096, or the smallest district a sixteenth of a tile */
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 9);
	assert_int_equal(fl_tiles_zooms(t, NULL, &lo, &hi), FL_OK);
	assert_int_equal(hi, 9);
	o = (fl_tile_opts){3, 6};
	assert_int_equal(fl_tiles_zooms(t, &o, &lo, &hi), FL_OK);
	assert_true(lo == 3 && hi == 6);
	o = (fl_tile_opts){5, 4};
	assert_int_equal(fl_tiles_zooms(t, &o, &lo, &hi), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "minzoom 5 is above maxzoom 4"));
	o = (fl_tile_opts){0, 25};
	assert_int_equal(fl_tiles_zooms(t, &o, &lo, &hi), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "expected 0 to 24"));
	fl_tracker_free(t);
}

/* The value of key in feature f of layer l, NULL when it has none. */
static const Flmvt__Tile__Value *prop(const Flmvt__Tile__Layer *l, const Flmvt__Tile__Feature *f,
				      const char *key)
{
	for (size_t i = 0; i + 1 < f->n_tags; i += 2)
		if (!strcmp(l->keys[f->tags[i]], key))
			return l->values[f->tags[i + 1]];
	return NULL;
}

/* Walk a polygon's commands as the specification has them; the number of
 * polygons (exterior rings). */
static int check_polygon(const Flmvt__Tile__Feature *f)
{
	int64_t x = 0, y = 0;
	int polys = 0;
	size_t i = 0;
	assert_int_equal(f->type, FLMVT__TILE__GEOM_TYPE__POLYGON);
	while (i < f->n_geometry) {
		uint32_t c = f->geometry[i++];
		assert_int_equal(c & 7, 1); /* MoveTo(1) */
		assert_int_equal(c >> 3, 1);
		int64_t x0, y0, a2 = 0;
		uint32_t dx = f->geometry[i++], dy = f->geometry[i++];
		x += (int64_t)(dx >> 1) ^ -(int64_t)(dx & 1);
		y += (int64_t)(dy >> 1) ^ -(int64_t)(dy & 1);
		x0 = x, y0 = y;
		c = f->geometry[i++];
		assert_int_equal(c & 7, 2); /* LineTo(n), n >= 2 */
		uint32_t n = c >> 3;
		assert_true(n >= 2);
		for (uint32_t k = 0; k < n; k++) {
			int64_t px = x, py = y;
			dx = f->geometry[i++], dy = f->geometry[i++];
			assert_true(dx || dy); /* no repeated vertex */
			x += (int64_t)(dx >> 1) ^ -(int64_t)(dx & 1);
			y += (int64_t)(dy >> 1) ^ -(int64_t)(dy & 1);
			a2 += px * y - x * py;
			assert_true(x >= -64 && x <= 4096 + 64 && y >= -64 && y <= 4096 + 64);
		}
		a2 += x * y0 - x0 * y;
		assert_int_equal(f->geometry[i++], 7 | (1 << 3)); /* ClosePath(1) */
		assert_true(a2 != 0);
		if (a2 > 0)
			polys++;
		else
			assert_true(polys > 0); /* a hole follows its exterior */
	}
	assert_int_equal(i, f->n_geometry);
	return polys;
}

static Flmvt__Tile *tile(const fl_tracker *t, const fl_query *q, int z, int x, int y)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_tile_mvt(t, q, z, x, y, &buf, &len), FL_OK);
	assert_true(len > 0);
	Flmvt__Tile *m = flmvt__tile__unpack(NULL, len, buf);
	fl_free(buf);
	assert_non_null(m);
	return m;
}

static void test_tile_content(void **state)
{
	(void)state;
	fl_tracker *t = open_k();
	/* 7/80/48: Kalbajar, Lachin and Karabakh, with the zones */
	Flmvt__Tile *m = tile(t, NULL, 7, 80, 48);
	assert_true(m->n_layers >= 1);
	const Flmvt__Tile__Layer *l = m->layers[0];
	assert_string_equal(l->name, "control");
	assert_int_equal(l->version, 2);
	assert_int_equal(l->extent, 4096);
	size_t kalbajar = 0;
	for (size_t i = 0; i < l->n_features; i++) {
		const Flmvt__Tile__Feature *f = l->features[i];
		assert_int_equal(f->n_tags % 2, 0);
		for (size_t k = 0; k < f->n_tags; k += 2)
			assert_true(f->tags[k] < l->n_keys && f->tags[k + 1] < l->n_values);
		assert_true(check_polygon(f) >= 1);
		const Flmvt__Tile__Value *from = prop(l, f, "valid_from"), *to = prop(l, f, "valid_to");
		const Flmvt__Tile__Value *d0 = prop(l, f, "valid_from_day"), *d1 = prop(l, f, "valid_to_day");
		assert_true(from && to && d0 && d1 && from->has_int_value && to->has_int_value);
		assert_true(from->int_value < to->int_value && d0->int_value <= d1->int_value);
		assert_non_null(prop(l, f, "holder"));
		const Flmvt__Tile__Value *r = prop(l, f, "region");
		kalbajar += r && !strcmp(r->string_value, "kalbajar");
	}
	/* Kalbajar: AZ, AM from 1993, AZ again from 2020-11-25 */
	assert_true(kalbajar >= 3);
	/* every value once in the layer's table */
	for (size_t i = 0; i < l->n_values; i++)
		for (size_t j = i + 1; j < l->n_values; j++) {
			const Flmvt__Tile__Value *a = l->values[i], *b = l->values[j];
			assert_false(a->string_value && b->string_value &&
				     !strcmp(a->string_value, b->string_value));
			assert_false(a->has_int_value && b->has_int_value && a->int_value == b->int_value);
		}
	flmvt__tile__free_unpacked(m, NULL);

	/* at a date: only the periods of that date, each piece once */
	fl_instant at;
	assert_int_equal(fl_tracker_parse_date(t, "2020-11-25", FL_DATE_END, "test", &at), FL_OK);
	fl_query q = fl_query_at(at);
	m = tile(t, &q, 7, 80, 48);
	l = m->layers[0];
	kalbajar = 0;
	for (size_t i = 0; i < l->n_features; i++) {
		const Flmvt__Tile__Feature *f = l->features[i];
		assert_true(prop(l, f, "valid_from")->int_value <= at);
		assert_true(at < prop(l, f, "valid_to")->int_value);
		const Flmvt__Tile__Value *r = prop(l, f, "region");
		if (r && !strcmp(r->string_value, "kalbajar")) {
			kalbajar++;
			assert_string_equal(prop(l, f, "holder")->string_value, "AZ");
			assert_string_equal(prop(l, f, "event")->string_value, "2020-kalbajar");
			assert_int_equal(prop(l, f, "valid_to")->int_value, FL_TILES_OPEN_END);
		}
	}
	assert_int_equal(kalbajar, 1);
	flmvt__tile__free_unpacked(m, NULL);
	fl_tracker_free(t);
}

static void test_bad_tiles(void **state)
{
	(void)state;
	fl_tracker *t = open_k();
	unsigned char *buf = (unsigned char *)"x";
	size_t len = 9;
	assert_int_equal(fl_tile_mvt(t, NULL, 25, 0, 0, &buf, &len), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "tile zoom 25"));
	assert_int_equal(fl_tile_mvt(t, NULL, 3, 8, 0, &buf, &len), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "tile 3/8/0"));
	assert_int_equal(fl_tile_mvt(t, NULL, 3, 0, -1, &buf, &len), FL_EARG);
	/* far from the tracker: empty, no bytes */
	assert_int_equal(fl_tile_mvt(t, NULL, 7, 0, 0, &buf, &len), FL_OK);
	assert_null(buf);
	assert_int_equal(len, 0);
	fl_tracker_free(t);
}

typedef struct walk {
	fl_tileset *ts;
	int n, last[3], stop_at;
} walk;

static int on_tile(void *ud, int z, int x, int y, const unsigned char *mvt, size_t len)
{
	walk *w = ud;
	assert_true(len > 0);
	if (w->n) { /* zoom, then x, then y, ascending */
		int *p = w->last;
		assert_true(z > p[0] || (z == p[0] && (x > p[1] || (x == p[1] && y > p[2]))));
	}
	w->last[0] = z, w->last[1] = x, w->last[2] = y;
	unsigned char *buf = NULL;
	size_t n = 0;
	assert_int_equal(fl_tileset_tile(w->ts, NULL, z, x, y, &buf, &n), FL_OK);
	assert_int_equal(n, len); /* the same bytes one by one */
	assert_memory_equal(buf, mvt, len);
	fl_free(buf);
	return ++w->n == w->stop_at ? FL_EIO : 0;
}

static void test_each(void **state)
{
	(void)state;
	fl_tracker *t = open_k();
	walk w = {0};
	assert_int_equal(fl_tileset_new(t, NULL, &w.ts), FL_OK);
	fl_tile_opts o = {4, 7};
	assert_int_equal(fl_tiles_each(t, NULL, &o, on_tile, &w), FL_OK);
	assert_int_equal(w.last[0], 7);
	assert_true(w.n >= 1 + 1 + 2 + 4); /* the tracker spans tiles at z6 and z7 */
	int all = w.n;
	w.n = 0;
	w.stop_at = 3;
	assert_int_equal(fl_tiles_each(t, NULL, &o, on_tile, &w), FL_EIO);
	assert_non_null(strstr(fl_error_last(), "stopped by the callback"));
	assert_int_equal(w.n, 3);
	assert_true(all > 3);
	fl_tileset_free(w.ts);
	fl_tracker_free(t);
}

static void test_metadata(void **state)
{
	(void)state;
	fl_tracker *t = open_k();
	char *s = fl_tiles_metadata_json(t, NULL);
	assert_non_null(s);
	json_object *d = json_tokener_parse(s);
	assert_non_null(d);
	json_object *v;
	assert_true(json_object_object_get_ex(d, "name", &v));
	assert_string_equal(json_object_get_string(v), "karabakh");
	assert_true(json_object_object_get_ex(d, "attribution", &v));
	assert_non_null(strstr(json_object_get_string(v), "Attribution: "));
	assert_true(json_object_object_get_ex(d, "maxzoom", &v));
	assert_int_equal(json_object_get_int(v), 9);
	assert_true(json_object_object_get_ex(d, "bounds", &v));
	assert_int_equal(json_object_array_length(v), 4);
	double w = json_object_get_double(json_object_array_get_idx(v, 0));
	double n = json_object_get_double(json_object_array_get_idx(v, 3));
	assert_true(w > 44 && w < 46 && n > 41 && n < 43);
	assert_true(json_object_object_get_ex(d, "vector_layers", &v));
	json_object *l0 = json_object_array_get_idx(v, 0), *id, *fields, *ft;
	assert_true(json_object_object_get_ex(l0, "id", &id));
	assert_string_equal(json_object_get_string(id), "control");
	assert_true(json_object_object_get_ex(l0, "fields", &fields));
	assert_true(json_object_object_get_ex(fields, "valid_to_day", &ft));
	assert_string_equal(json_object_get_string(ft), "Number");
	json_object_put(d);
	fl_free(s);
	fl_tile_opts bad = {9, 2};
	assert_null(fl_tiles_metadata_json(t, &bad));
	assert_non_null(strstr(fl_error_last(), "minzoom 9"));
	fl_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zooms),	   cmocka_unit_test(test_tile_content),
		cmocka_unit_test(test_bad_tiles), cmocka_unit_test(test_each),
		cmocka_unit_test(test_metadata),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
