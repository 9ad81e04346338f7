/*
 * test_hardening.c: the crashes and wrong acceptances found while fuzzing
 * (tests/fuzz), each reproduced from its input in tests/fuzz/regressions/.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "diag.h"
#include "index.h"
#include "open.h"
#include "helpers.h"

#define REGRESSIONS FL_SOURCE_ROOT "/tests/fuzz/regressions"
#define CLEAN FL_SOURCE_ROOT "/tests/fixtures/check/clean"

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*n = fread(buf, 1, 1 << 20, f);
	assert_true(*n < (1 << 20));
	fclose(f);
	return buf;
}

static void put(const char *dir, const char *name, const unsigned char *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* fuzz_cli_values, regressions/cli_values/bbox-nan: sscanf reads "nan" as a
 * number and every range test of a NaN is false, so --bbox nan,0,1,1 was
 * accepted and reached the projection. */
static void test_bbox_nan(void **state)
{
	(void)state;
	double bb[4];
	static const char *const bad[] = {"nan,0,1,1", "0,nan,1,1", "0,0,nan,1", "0,0,1,nan",
					  "NAN,0,1,1", "-nan,0,1,1", "0,0,inf,1", "-inf,0,1,1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(fl_render_parse_bbox(bad[i], bb), FL_EARG);
		assert_non_null(strstr(fl_error_last(), "`bbox`"));
		assert_null(strstr(fl_error_last(), "--bbox")); /* the library names parameters */
	}
	assert_int_equal(fl_render_parse_bbox("45.5,39,47.5,40.5", bb), FL_OK);
	assert_true(bb[0] == 45.5 && bb[3] == 40.5);
}

/* A copy of the clean fixture with its index written; the index's header
 * (magic, byte-order mark, sources' key) is kept, the body replaced by a
 * regression input, as fuzz_index does. */
static char *tracker_with_index_body(const char *body_file)
{
	static const char *const names[] = {"actors.csv", "regions.geojson", "events.csv",
					    "zones.geojson"};
	char *dir = tmp_tracker();
	assert_non_null(dir);
	for (size_t i = 0; i < 4; i++) {
		char p[512];
		size_t n;
		snprintf(p, sizeof p, "%s/%s", CLEAN, names[i]);
		unsigned char *b = slurp(p, &n);
		put(dir, names[i], b, n);
		free(b);
	}
	fl__diags d = {0};
	fl_tracker *t = NULL;
	assert_int_equal(fl__tracker_load(dir, false, &d, &t), FL_OK);
	assert_int_equal(d.nerrors, 0);
	fl__index_save(t);
	fl_tracker_free(t);
	fl__diags_free(&d);
	char p[512];
	size_t n, bn;
	snprintf(p, sizeof p, "%s/.frontline-index", dir);
	unsigned char *idx = slurp(p, &n);
	assert_true(n > 20);
	unsigned char *body = slurp(body_file, &bn);
	unsigned char *all = malloc(20 + bn);
	assert_non_null(all);
	memcpy(all, idx, 20);
	memcpy(all + 20, body, bn);
	put(dir, ".frontline-index", all, 20 + bn);
	free(all);
	free(body);
	free(idx);
	return dir;
}

/* The damaged index is ignored: the tracker reads as from its sources. */
static void expect_read_from_sources(const char *dir)
{
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	assert_int_equal(fl_tracker_event_count(t), 5);
	const size_t *order = fl_tracker_event_order(t);
	assert_non_null(order);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(order[i], i);
	/* every event as the sources say, and the range in time order */
	fl__diags d = {0};
	fl_tracker *ref = NULL;
	assert_int_equal(fl__tracker_load(dir, false, &d, &ref), FL_OK);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(fl_tracker_event_at(t, i)->id, fl_tracker_event_at(ref, i)->id);
		assert_true(fl_tracker_event_at(t, i)->when == fl_tracker_event_at(ref, i)->when);
	}
	fl_instant first, last;
	assert_int_equal(fl_tracker_event_range(t, &first, &last), FL_OK);
	assert_true(first <= last);
	fl_tracker_free(ref);
	fl__diags_free(&d);
	fl_query q = fl_query_at(4102444800); /* 2100-01-01 */
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	assert_int_equal(fl_snapshot_count(s), 3);
	fl_snapshot_free(s);
	fl_tracker_free(t);
}

/* An index whose body is a regression input is ignored, never trusted. */
static void damaged_index_is_ignored(const char *body_file)
{
	char *dir = tracker_with_index_body(body_file);
	expect_read_from_sources(dir);
	rm_tree(dir);
}

/* The index regressions below were found in FLIDX008, whose events were rows.
 * Since FLIDX009 (events as columns read in place) the same bodies are
 * refused earlier, by the layout's checks, and stay here as damaged indexes
 * that must be ignored.  The checks they were named after are tested in the
 * new layout by test_snapshot.c's test_index_columns_checked: an apply order
 * repeating an event, instants against it, lists past their pools. */

/* fuzz_index, regressions/index/order-not-a-permutation: an apply order
 * repeating an event left another's rank unset, and the timelines, sized
 * from the events, were filled through the order: a heap overflow. */
static void test_index_order_not_permutation(void **state)
{
	(void)state;
	damaged_index_is_ignored(REGRESSIONS "/index/order-not-a-permutation");
}

/* fuzz_index, regressions/index/order-against-time: a bit flipped in an
 * event's instant left the saved apply order out of time order; the tracker's
 * range then ran backwards (first after last).  The order is now checked
 * against the instants, and each atom's timeline against the order. */
static void test_index_order_against_time(void **state)
{
	(void)state;
	damaged_index_is_ignored(REGRESSIONS "/index/order-against-time");
}

/* fuzz_index, regressions/index/huge-region-count: the pools of the events'
 * region lists were sized by counts summed before checking that the lists
 * were there (a 14 GB malloc from a 2 kB file; fuzz_index's memory limit
 * fails it).  The index is refused before any allocation. */
static void test_index_huge_count(void **state)
{
	(void)state;
	damaged_index_is_ignored(REGRESSIONS "/index/huge-region-count");
}

/* fuzz_loader, regressions/loader/empty-areas-layer: a polygon event with
 * an areas layer that yields no polygon ("typd" for "type": GDAL reads no
 * feature) called qsort and bsearch with a NULL array (undefined, caught by
 * UBSan's nonnull-attribute check).  Now: the event's error, nothing else. */
static void test_empty_areas_layer(void **state)
{
	(void)state;
	static const char *const names[] = {"actors.csv", "regions.geojson"};
	char *dir = tmp_tracker();
	assert_non_null(dir);
	for (size_t i = 0; i < 2; i++) {
		char p[512];
		size_t n;
		snprintf(p, sizeof p, "%s/%s", CLEAN, names[i]);
		unsigned char *b = slurp(p, &n);
		put(dir, names[i], b, n);
		free(b);
	}
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source\n"
		   "base,2000-01-01,*,,A,,baseline,confirmed,s\n"
		   "p,2001-01-01,,p1,B,,capture,confirmed,s\n");
	write_file(dir, "areas.geojson",
		   "{\"type\":\"FeatureCollection\",\"features\":[]}");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_EINPUT);
	assert_null(t);
	assert_non_null(strstr(fl_error_last(), "areas.geojson"));
	fl_check_report *r = NULL;
	assert_int_equal(fl_check_run(dir, &r), FL_OK);
	assert_int_equal(fl_check_errors(r), 2); /* the empty layer, and the event */
	assert_non_null(strstr(fl_check_at(r, 1)->text, "no polygon with id 'p1'"));
	fl_check_free(r);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bbox_nan),
		cmocka_unit_test(test_index_order_not_permutation),
		cmocka_unit_test(test_index_order_against_time),
		cmocka_unit_test(test_index_huge_count),
		cmocka_unit_test(test_empty_areas_layer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
