/* test_serve_params.c: the query parameters of `frontline serve`
 * (src/serve/serve_params.c): datetime instants and intervals, bbox, limit,
 * offset, format negotiation and path checks, including hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "serve_params.h"

static fl_instant at(const char *text, fl_date_side side)
{
	fl_instant t;
	assert_int_equal(fl_instant_parse(text, side, "test", &t), FL_OK);
	return t;
}

static void test_datetime_instant(void **state)
{
	(void)state;
	sp_datetime d;
	char err[256];
	assert_int_equal(sp_parse_datetime(NULL, &d, err, sizeof err), 0);
	assert_false(d.present);
	/* a date means the whole day: lo its start, hi its end */
	assert_int_equal(sp_parse_datetime("2020-11-25", &d, err, sizeof err), 0);
	assert_true(d.present);
	assert_false(d.interval);
	assert_true(d.start.date_only);
	assert_true(d.start.lo == at("2020-11-25T00:00:00Z", FL_DATE_START));
	assert_true(d.start.hi == at("2020-11-25T23:59:59Z", FL_DATE_START));
	assert_true(d.end.hi == d.start.hi);
	assert_int_equal(sp_parse_datetime("2020-11-25T00:00:00Z", &d, err, sizeof err), 0);
	assert_false(d.start.date_only);
	assert_true(d.start.lo == d.start.hi);
	assert_int_equal(sp_parse_datetime("2020-11-25T03:00:00+03:00", &d, err, sizeof err), 0);
	assert_true(d.start.lo == at("2020-11-25T00:00:00Z", FL_DATE_START));
	fl_instant lo, hi;
	sp_datetime_range(&d, &lo, &hi);
	assert_true(lo == hi);
}

static void test_datetime_interval(void **state)
{
	(void)state;
	sp_datetime d;
	char err[256];
	fl_instant lo, hi;
	assert_int_equal(sp_parse_datetime("2020-11-09/2020-12-02", &d, err, sizeof err), 0);
	assert_true(d.interval);
	sp_datetime_range(&d, &lo, &hi);
	assert_true(lo == at("2020-11-09", FL_DATE_START));
	assert_true(hi == at("2020-12-02", FL_DATE_END));
	assert_int_equal(sp_parse_datetime("../2020-12-02", &d, err, sizeof err), 0);
	assert_true(d.start.open && !d.end.open);
	sp_datetime_range(&d, &lo, &hi);
	assert_true(lo == INT64_MIN);
	assert_int_equal(sp_parse_datetime("2020-11-09/..", &d, err, sizeof err), 0);
	assert_true(!d.start.open && d.end.open);
	sp_datetime_range(&d, &lo, &hi);
	assert_true(hi == INT64_MAX);
	assert_int_equal(sp_parse_datetime("/2020-12-02", &d, err, sizeof err), 0);
	assert_true(d.start.open);
	assert_int_equal(sp_parse_datetime("../..", &d, err, sizeof err), 0);
	/* the same day at both ends is a one-day interval */
	assert_int_equal(sp_parse_datetime("2020-11-25/2020-11-25", &d, err, sizeof err), 0);
}

static void test_datetime_bad(void **state)
{
	(void)state;
	sp_datetime d;
	char err[256];
	const char *bad[] = {"",	   "..",	 "2020-02-30",	     "2020-13-01",
			     "yesterday",  "2020-11-25/2020-11-24", "2020/11/25",	     "a/b/c",
			     "2020-11-25x", "2020-11-25T25:00:00Z", "2020-11-25/", "\x01\xff",
			     "2020-11-25/2020-11-26/.."};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		if (strcmp(bad[i], "2020-11-25/") == 0) {
			/* an empty end is open, as OGC API allows */
			assert_int_equal(sp_parse_datetime(bad[i], &d, err, sizeof err), 0);
			continue;
		}
		if (sp_parse_datetime(bad[i], &d, err, sizeof err) != -1)
			fail_msg("datetime '%s' was accepted", bad[i]);
		assert_true(strlen(err) > 0);
		assert_non_null(strstr(err, "datetime"));
	}
	assert_int_equal(sp_parse_datetime("2020-11-25/2020-11-24", &d, err, sizeof err), -1);
	assert_non_null(strstr(err, "ends before it starts"));
	/* a huge value is refused without reading it all */
	char big[4000];
	memset(big, '2', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_int_equal(sp_parse_datetime(big, &d, err, sizeof err), -1);
	assert_non_null(strstr(err, "too long"));
	/* messages fit any buffer */
	char tiny[8];
	assert_int_equal(sp_parse_datetime("nonsense", &d, tiny, sizeof tiny), -1);
	assert_int_equal(strlen(tiny), 7);
}

static void test_bbox(void **state)
{
	(void)state;
	sp_bbox b;
	char err[256];
	assert_int_equal(sp_parse_bbox(NULL, &b, err, sizeof err), 0);
	assert_false(b.present);
	assert_int_equal(sp_parse_bbox("45.5,39.5,47,40.5", &b, err, sizeof err), 0);
	assert_true(b.present);
	assert_true(b.minx == 45.5 && b.miny == 39.5 && b.maxx == 47 && b.maxy == 40.5);
	assert_int_equal(sp_parse_bbox("45.5,39.5,0,47,40.5,100", &b, err, sizeof err), 0);
	assert_true(b.maxx == 47 && b.maxy == 40.5);
	double in[4] = {46, 40, 46.2, 40.1}, out[4] = {44, 38, 45, 39};
	assert_true(sp_bbox_intersects(&b, in));
	assert_false(sp_bbox_intersects(&b, out));
	/* across the antimeridian */
	assert_int_equal(sp_parse_bbox("170,-10,-170,10", &b, err, sizeof err), 0);
	double fiji[4] = {177, -18, 179, -16}, samoa[4] = {-173, -14, -171, -13}, az[4] = {45, 38, 50, 42};
	assert_true(sp_bbox_intersects(&b, fiji) == 0); /* -18 is south of -10 */
	assert_true(sp_bbox_intersects(&b, samoa) == 0);
	assert_int_equal(sp_parse_bbox("170,-20,-170,10", &b, err, sizeof err), 0);
	assert_true(sp_bbox_intersects(&b, fiji));
	assert_true(sp_bbox_intersects(&b, samoa));
	assert_false(sp_bbox_intersects(&b, az));
	const char *bad[] = {"",	      "1,2,3",	       "1,2,3,4,5",	 "a,b,c,d",
			     "1,2,3,4,",      ",1,2,3,4",      "0,0,nan,1",	 "0,0,inf,1",
			     "0,0,1e999,1",   "0,91,1,92",     "-181,0,0,1",	 "0,10,1,5",
			     "0x10,0,1,1",    "1 ,2,3,4",      "1,2,3,4,5,6,7", "0,0,5,1,1,0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sp_parse_bbox(bad[i], &b, err, sizeof err) != -1)
			fail_msg("bbox '%s' was accepted", bad[i]);
	assert_int_equal(sp_parse_bbox("0,10,1,5", &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "southern edge"));
}

static void test_limit_offset(void **state)
{
	(void)state;
	long v;
	char err[256];
	assert_int_equal(sp_parse_limit(NULL, &v, err, sizeof err), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(sp_parse_limit("10000", &v, err, sizeof err), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(sp_parse_limit("1", &v, err, sizeof err), 0);
	const char *bad[] = {"0", "10001", "-1", "", "ten", "5x", "1.5", "99999999999999999999999", " 5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sp_parse_limit(bad[i], &v, err, sizeof err) != -1)
			fail_msg("limit '%s' was accepted", bad[i]);
	assert_int_equal(sp_parse_limit("10001", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(sp_parse_offset(NULL, &v, err, sizeof err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sp_parse_offset("0", &v, err, sizeof err), 0);
	assert_int_equal(sp_parse_offset("77", &v, err, sizeof err), 0);
	assert_int_equal(v, 77);
	assert_int_equal(sp_parse_offset("-1", &v, err, sizeof err), -1);
	assert_int_equal(sp_parse_offset("x", &v, err, sizeof err), -1);
}

static void test_format(void **state)
{
	(void)state;
	sp_format f;
	char err[256];
	assert_int_equal(sp_parse_format(NULL, NULL, &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format("html", NULL, &f, err, sizeof err), 0);
	assert_int_equal(f, SP_HTML);
	assert_int_equal(sp_parse_format("json", "text/html", &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format("xml", NULL, &f, err, sizeof err), -1);
	/* a browser */
	assert_int_equal(sp_parse_format(NULL, "text/html,application/xhtml+xml,*/*;q=0.8", &f, err,
					 sizeof err), 0);
	assert_int_equal(f, SP_HTML);
	/* GDAL, curl */
	assert_int_equal(sp_parse_format(NULL, "application/geo+json, application/json", &f, err,
					 sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format(NULL, "*/*", &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format(NULL, "application/json, text/html", &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format(NULL, "text/html;q=0, application/json", &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
	assert_int_equal(sp_parse_format(NULL, "text/htmlx", &f, err, sizeof err), 0);
	assert_int_equal(f, SP_JSON);
}

static void test_paths(void **state)
{
	(void)state;
	char err[256];
	const char *good[] = {"/", "/collections", "/collections/", "/viewer/viewer.js",
			      "/static/leaflet/images/layers.png", "/collections/control/items/a.b"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (sp_path_check(good[i], err, sizeof err))
			fail_msg("path '%s' refused: %s", good[i], err);
	const char *bad[] = {"",
			     "collections",
			     "/..",
			     "/static/../../etc/passwd",
			     "/static/leaflet/../../../etc/passwd",
			     "/viewer/./viewer.js",
			     "/viewer/..",
			     "/static//etc/passwd",
			     "/static/..\\..\\etc",
			     "/viewer/\x01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sp_path_check(bad[i], err, sizeof err) != -1)
			fail_msg("path '%s' accepted", bad[i]);
	assert_int_equal(sp_path_check(NULL, err, sizeof err), -1);
}

/* libmicrohttpd's unescape callback: a %00 or %0A decodes to 0x7f, never
 * cutting the text; the control check then names the parameter. */
static void test_unescape(void **state)
{
	(void)state;
	char err[256];
	struct {
		const char *in, *out;
	} cases[] = {{"/collections/control%00/items", "/collections/control\x7f/items"},
		     {"/viewer/viewer.js%00.png", "/viewer/viewer.js\x7f.png"},
		     {"2020%0A", "2020\x7f"},
		     {"a%7fb%1F", "a\x7f" "b\x7f"},
		     {"2020-11-09%2F2020-12-02", "2020-11-09/2020-12-02"},
		     {"%41%62%e2%82%ac", "Ab\xe2\x82\xac"},
		     {"100%", "100%"},
		     {"%zz%4", "%zz%4"},
		     {"%%41", "%A"},
		     {"", ""}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s", cases[i].in);
		size_t n = sp_unescape(buf);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	assert_int_equal(sp_control_check("datetime", "2020-11-25", "value", err, sizeof err), 0);
	assert_int_equal(sp_control_check("datetime", NULL, "value", err, sizeof err), 0);
	assert_int_equal(sp_control_check("datetime", "2020\x7f", "value", err, sizeof err), -1);
	assert_non_null(strstr(err, "parameter 'datetime'"));
	assert_non_null(strstr(err, "control character"));
	assert_int_equal(sp_control_check("f", "json\t", "value", err, sizeof err), -1);
	assert_int_equal(sp_path_check("/collections/control\x7f/items", err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datetime_instant), cmocka_unit_test(test_datetime_interval),
		cmocka_unit_test(test_datetime_bad),	 cmocka_unit_test(test_bbox),
		cmocka_unit_test(test_limit_offset),	 cmocka_unit_test(test_format),
		cmocka_unit_test(test_paths),		 cmocka_unit_test(test_unescape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
