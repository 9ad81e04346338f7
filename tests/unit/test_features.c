/* test_features.c: features as bytes through the C API (features.h): each
 * feature of a snapshot, a diff and the tracker's layers is a GeoJSON
 * Feature with the right key, holder and geometry, its box is that of its
 * coordinates, and its bytes are those a JSON writer gives for the feature
 * of the written GeoJSON (no whitespace, the same members and numbers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <frontline/frontline.h>
#include "helpers.h"

/* a and b split by the polygon event "adv" ([0.5, 1.5] x [0, 1]) */
static char *split_tracker(void)
{
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source,note\n"
		   "base,2020-01-01,*,,X,,baseline,confirmed,\"a/b \"\"quoted\"\" \\ source\","
		   "\"tab\there, \xc3\xa9t\xc3\xa9 \xe2\x80\xa8 \x01 <b>&\"\n"
		   "adv,2020-02-01T06:00:00Z,,adv,Y,X,capture,confirmed,test,\n");
	write_file(dir, "zones.geojson",
		   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		   "{\"id\":\"z1\",\"name\":\"Zone\",\"valid_from\":\"2020-01-10\"},\"geometry\":"
		   "{\"type\":\"Polygon\",\"coordinates\":[[[2.25,0.25],[2.75,0.25],[2.75,0.5],"
		   "[2.25,0.5],[2.25,0.25]]]}}]}");
	return dir;
}

static void envelope(json_object *c, double bb[4], int *has)
{
	size_t n = json_object_array_length(c);
	json_object *first = n ? json_object_array_get_idx(c, 0) : NULL;
	if (n >= 2 && !json_object_is_type(first, json_type_array)) {
		double x = json_object_get_double(first);
		double y = json_object_get_double(json_object_array_get_idx(c, 1));
		if (!*has)
			bb[0] = bb[2] = x, bb[1] = bb[3] = y, *has = 1;
		bb[0] = fmin(bb[0], x), bb[1] = fmin(bb[1], y);
		bb[2] = fmax(bb[2], x), bb[3] = fmax(bb[3], y);
		return;
	}
	for (size_t i = 0; i < n; i++)
		envelope(json_object_array_get_idx(c, i), bb, has);
}

/* ft's bytes: a Feature that a JSON writer prints back byte for byte, whose
 * box is its coordinates' and whose key is property keyprop (NULL: no
 * check); the feature, parsed (the caller puts it). */
static json_object *check_feature(const fl_feature *ft, const char *keyprop)
{
	assert_non_null(ft);
	assert_int_equal(strlen(ft->json), ft->len);
	assert_memory_equal(ft->json, "{\"type\":\"Feature\",", 18);
	json_object *o = json_tokener_parse(ft->json);
	assert_non_null(o);
	assert_string_equal(json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			    ft->json);
	json_object *props = json_object_object_get(o, "properties");
	json_object *geom = json_object_object_get(o, "geometry");
	assert_non_null(props);
	if (keyprop)
		assert_string_equal(json_object_get_string(json_object_object_get(props, keyprop)),
				    ft->key);
	/* the properties as text, in their order */
	size_t k = 0;
	json_object_object_foreach(props, name, val) {
		assert_true(k < ft->nprops);
		assert_string_equal(ft->props[k].name, name);
		if (!val)
			assert_null(ft->props[k].text);
		else
			assert_string_equal(ft->props[k].text,
					    json_object_is_type(val, json_type_string)
						    ? json_object_get_string(val)
						    : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
		k++;
	}
	assert_int_equal(k, ft->nprops);
	if (geom)
		assert_string_equal(ft->geometry_type,
				    json_object_get_string(json_object_object_get(geom, "type")));
	else
		assert_null(ft->geometry_type);
	double bb[4] = {0};
	int has = 0;
	if (geom)
		envelope(json_object_object_get(geom, "coordinates"), bb, &has);
	assert_int_equal(ft->has_bbox, has);
	for (int k = 0; k < 4 && has; k++)
		assert_true(bb[k] == ft->bbox[k]);
	return o;
}

/* The features of a written GeoJSON document, parsed. */
static json_object *written(unsigned char *buf)
{
	json_object *doc = json_tokener_parse((const char *)buf);
	fl_free(buf);
	assert_non_null(doc);
	return doc;
}

static void assert_bbox(const fl_feature *ft, double x0, double y0, double x1, double y1)
{
	assert_true(ft->has_bbox);
	assert_true(fabs(ft->bbox[0] - x0) < 1e-9 && fabs(ft->bbox[1] - y0) < 1e-9);
	assert_true(fabs(ft->bbox[2] - x1) < 1e-9 && fabs(ft->bbox[3] - y1) < 1e-9);
}

static void test_snapshot_features(void **state)
{
	(void)state;
	char *dir = split_tracker();
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("2020-02-01", FL_DATE_END, "t", &q.at), FL_OK);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	fl_features *ff = NULL;
	assert_int_equal(fl_snapshot_features(s, &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 5); /* a:X,Y  b:X,Y  c:X */
	assert_int_equal(fl_snapshot_count(s), 5);
	assert_null(fl_features_at(ff, 5));
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_snapshot_write_buffer(s, NULL, &buf, &len), FL_OK);
	json_object *doc = written(buf), *fs = json_object_object_get(doc, "features");
	assert_int_equal(json_object_array_length(fs), 5);
	int ay = 0;
	for (size_t i = 0; i < 5; i++) {
		const fl_feature *ft = fl_features_at(ff, i);
		json_object *o = check_feature(ft, "region");
		/* the feature of the written document, the same JSON */
		assert_true(json_object_equal(o, json_object_array_get_idx(fs, i)));
		const fl_piece *p = fl_snapshot_at(s, i);
		json_object *props = json_object_object_get(o, "properties");
		assert_string_equal(ft->key, fl_tracker_region_at(t, (size_t)p->region)->id);
		const char *holder = json_object_get_string(json_object_object_get(props, "holder"));
		assert_string_equal(holder, fl_tracker_actor_at(t, (size_t)p->holder)->id);
		const char *type = json_object_get_string(
			json_object_object_get(json_object_object_get(o, "geometry"), "type"));
		assert_true(!strcmp(type, "Polygon") || !strcmp(type, "MultiPolygon"));
		if (!strcmp(ft->key, "a") && !strcmp(holder, "Y")) {
			assert_bbox(ft, 0.5, 0, 1, 1);
			ay++;
		}
		if (!strcmp(ft->key, "c")) {
			assert_string_equal(holder, "X");
			assert_bbox(ft, 2, 0, 3, 1);
			/* the source, its slash, quotes and backslash as written */
			assert_non_null(strstr(ft->json, "\"source\":\"a/b \\\"quoted\\\" \\\\ source\""));
			/* and as text */
			int found = 0;
			for (size_t k = 0; k < ft->nprops; k++)
				if (!strcmp(ft->props[k].name, "source")) {
					assert_string_equal(ft->props[k].text, "a/b \"quoted\" \\ source");
					found = 1;
				}
			assert_true(found);
		}
		json_object_put(o);
	}
	assert_int_equal(ay, 1);
	json_object_put(doc);
	fl_features_free(ff);
	/* by actor: the key is the holder */
	fl_snapshot_free(s);
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &s), FL_OK);
	assert_int_equal(fl_snapshot_features(s, &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 2);
	for (size_t i = 0; i < 2; i++) {
		json_object *o = check_feature(fl_features_at(ff, i), "holder");
		json_object_put(o);
	}
	fl_features_free(ff);
	fl_snapshot_free(s);
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_diff_features(void **state)
{
	(void)state;
	char *dir = split_tracker();
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	fl_instant t1, t2;
	assert_int_equal(fl_instant_parse("2020-01-15", FL_DATE_END, "t", &t1), FL_OK);
	assert_int_equal(fl_instant_parse("2020-02-01", FL_DATE_END, "t", &t2), FL_OK);
	fl_query q = fl_query_at(t2);
	fl_diff *d = NULL;
	assert_int_equal(fl_diff_new(t, &q, t1, t2, FL_BY_REGION, &d), FL_OK);
	fl_features *ff = NULL;
	assert_int_equal(fl_diff_features(d, &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 2); /* a and b, X -> Y */
	int seen = 0;
	for (size_t i = 0; i < 2; i++) {
		const fl_feature *ft = fl_features_at(ff, i);
		json_object *o = check_feature(ft, "region");
		json_object *props = json_object_object_get(o, "properties");
		assert_string_equal(json_object_get_string(json_object_object_get(props, "from")), "X");
		assert_string_equal(json_object_get_string(json_object_object_get(props, "to")), "Y");
		if (!strcmp(ft->key, "a"))
			assert_bbox(ft, 0.5, 0, 1, 1), seen |= 1;
		else if (!strcmp(ft->key, "b"))
			assert_bbox(ft, 1, 0, 1.5, 1), seen |= 2;
		json_object_put(o);
	}
	assert_int_equal(seen, 3);
	fl_features_free(ff);
	fl_diff_free(d);
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_layer_features(void **state)
{
	(void)state;
	char *dir = split_tracker();
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	fl_features *ff = NULL;
	assert_int_equal(fl_tracker_layer_features(t, "regions", &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 3);
	static const char *const ids[] = {"a", "b", "c"};
	for (size_t i = 0; i < 3; i++) {
		const fl_feature *ft = fl_features_at(ff, i);
		json_object_put(check_feature(ft, "id"));
		assert_string_equal(ft->key, ids[i]);
		assert_bbox(ft, (double)i, 0, (double)i + 1, 1);
	}
	fl_features_free(ff);
	assert_int_equal(fl_tracker_layer_features(t, "events", &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 2);
	assert_string_equal(fl_features_at(ff, 0)->key, "base");
	assert_string_equal(fl_features_at(ff, 1)->key, "adv");
	json_object_put(check_feature(fl_features_at(ff, 0), "id"));
	json_object_put(check_feature(fl_features_at(ff, 1), "id"));
	assert_bbox(fl_features_at(ff, 0), 0, 0, 3, 1);
	assert_bbox(fl_features_at(ff, 1), 0.5, 0, 1.5, 1);
	fl_features_free(ff);
	assert_int_equal(fl_tracker_layer_features(t, "zones", &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 1);
	json_object_put(check_feature(fl_features_at(ff, 0), "id"));
	assert_string_equal(fl_features_at(ff, 0)->key, "z1");
	assert_bbox(fl_features_at(ff, 0), 2.25, 0.25, 2.75, 0.5);
	fl_features_free(ff);
	ff = (fl_features *)1;
	assert_int_equal(fl_tracker_layer_features(t, "areas", &ff), FL_EARG);
	assert_null(ff);
	fl_tracker_free(t);
	rm_tree(dir);
}

/* the positions of a GeoJSON geometry's coordinates, each inside bb */
static void assert_inside(json_object *c, const double bb[4])
{
	size_t n = json_object_array_length(c);
	json_object *first = n ? json_object_array_get_idx(c, 0) : NULL;
	if (n >= 2 && !json_object_is_type(first, json_type_array)) {
		double x = json_object_get_double(first);
		double y = json_object_get_double(json_object_array_get_idx(c, 1));
		assert_true(x >= bb[0] - 1e-9 && x <= bb[2] + 1e-9);
		assert_true(y >= bb[1] - 1e-9 && y <= bb[3] + 1e-9);
		return;
	}
	for (size_t i = 0; i < n; i++)
		assert_inside(json_object_array_get_idx(c, i), bb);
}

/* fl_vector_clip_buffer: the regions a and b cut to a box across them, c
 * (apart from it) left out; a bad box and a missing file are errors */
static void test_vector_clip(void **state)
{
	(void)state;
	char *dir = split_tracker();
	char path[4096];
	snprintf(path, sizeof path, "%s/regions.geojson", dir);
	const double bb[4] = {0.5, 0.25, 1.5, 0.75};
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(fl_vector_clip_buffer(path, bb, &text, &len), FL_OK);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	json_object *fc = json_tokener_parse(text);
	assert_non_null(fc);
	json_object *fs = json_object_object_get(fc, "features");
	assert_int_equal(json_object_array_length(fs), 2);
	for (size_t i = 0; i < 2; i++) {
		json_object *f = json_object_array_get_idx(fs, i);
		json_object *id = json_object_object_get(json_object_object_get(f, "properties"), "id");
		assert_string_equal(json_object_get_string(id), i ? "b" : "a");
		assert_inside(json_object_object_get(json_object_object_get(f, "geometry"), "coordinates"), bb);
	}
	json_object_put(fc);
	fl_free(text);
	const double bad[4] = {1, 0, 0, 1};
	text = (char *)1;
	assert_int_equal(fl_vector_clip_buffer(path, bad, &text, &len), FL_EARG);
	assert_null(text);
	assert_non_null(strstr(fl_error_last(), "`bbox`"));
	snprintf(path, sizeof path, "%s/none.geojson", dir);
	assert_int_equal(fl_vector_clip_buffer(path, bb, &text, &len), FL_EIO);
	assert_non_null(strstr(fl_error_last(), "none.geojson"));
	rm_tree(dir);
}

/* fl_tracker_attribution: the README's "Attribution:" sentence, NULL without one */
static void test_attribution(void **state)
{
	(void)state;
	char *dir = split_tracker();
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	assert_null(fl_tracker_attribution(t));
	write_file(dir, "README.md", "# T\n\nAttribution: squares by\nthe tests, CC0. Changes: none.\n\nMore.\n");
	char *a = fl_tracker_attribution(t);
	assert_non_null(a);
	assert_string_equal(a, "Attribution: squares by the tests, CC0.");
	fl_free(a);
	fl_tracker_free(t);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_features),
		cmocka_unit_test(test_diff_features),
		cmocka_unit_test(test_layer_features),
		cmocka_unit_test(test_vector_clip),
		cmocka_unit_test(test_attribution),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
