/* test_lines.c: the front line through the C API (lines.h: fl_lines_new,
 * fl_front_length; stats.h: fl_stats_new_opts with front and rate_days,
 * fl_stats_parse_rate) on a tracker small enough to check by hand.
 *
 * Three unit squares side by side on the equator, a [0,1], b [1,2] and
 * c [2,3] x [0,1]; the a|b and b|c borders are meridian arcs from 0 to 1
 * degree north, 110.574388558 km each (WGS 84, pyproj's Geod):
 *   a0  2020-01-01  a -> X
 *   b0  2020-01-01  b -> Y      (c held by no one: its border is not front)
 *   bx  2020-02-01  b -> X      (the front vanishes)
 *   cy  2020-03-01  c -> Y      (the b|c border is front)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

#define ARC_KM 110.57438855779878

#define assert_near(x, want, eps) assert_near_((x), (want), (eps), __FILE__, __LINE__)
static void assert_near_(double x, double want, double eps, const char *file, int line)
{
	if (!(fabs(x - want) <= eps))
		fail_msg("%s:%d: %.9f, expected %.9f (within %g)", file, line, x, want, eps);
}

typedef struct fixture {
	char *dir;
	fl_tracker *t;
	int X, Y;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_tracker();
	write_file(f->dir, "actors.csv", SQUARES_ACTORS);
	write_file(f->dir, "regions.geojson", SQUARES_REGIONS);
	write_file(f->dir, "events.csv",
		   EVENTS_HEADER "a0,2020-01-01,a,X,,baseline,confirmed,t,,,,\n"
				 "b0,2020-01-01,b,Y,,baseline,confirmed,t,,,,\n"
				 "bx,2020-02-01,b,X,Y,capture,confirmed,t,,,,\n"
				 "cy,2020-03-01,c,Y,,capture,confirmed,t,,,,\n");
	if (fl_tracker_open(f->dir, &f->t) != FL_OK) {
		fprintf(stderr, "%s\n", fl_error_last());
		return -1;
	}
	f->X = fl_tracker_find_actor(f->t, "X"), f->Y = fl_tracker_find_actor(f->t, "Y");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	fl_tracker_free(f->t);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static fl_instant at(const char *date)
{
	fl_instant x = 0;
	assert_int_equal(fl_instant_parse(date, FL_DATE_END, "test", &x), FL_OK);
	return x;
}

static void test_one_border(void **state)
{
	fixture *f = *state;
	fl_query q = fl_query_at(at("2020-01-15"));
	fl_lines *l = NULL;
	assert_int_equal(fl_lines_new(f->t, &q, &l), FL_OK);
	assert_int_equal(fl_lines_count(l), 1);
	const fl_line *ln = fl_lines_at(l, 0);
	assert_int_equal(ln->holder_a, f->X < f->Y ? f->X : f->Y);
	assert_int_equal(ln->holder_b, f->X < f->Y ? f->Y : f->X);
	assert_near(ln->length_km, ARC_KM, 1e-9);
	assert_near(fl_lines_total_km(l), ARC_KM, 1e-9);
	assert_null(fl_lines_at(l, 1));
	size_t len = 0;
	const unsigned char *wkb = fl_lines_wkb(l, 0, &len);
	assert_non_null(wkb);
	/* ISO WKB MultiLineString (type 5) of one string of two points: (1 0) (1 1), either way */
	assert_int_equal(len, 1 + 4 + 4 + (1 + 4 + 4 + 2 * 16));
	uint32_t type;
	memcpy(&type, wkb + 1, 4);
	assert_int_equal(wkb[0], 1);
	assert_int_equal(type, 5);
	double xy[4];
	memcpy(xy, wkb + 1 + 4 + 4 + 1 + 4 + 4, sizeof xy);
	assert_near(xy[0], 1, 0), assert_near(xy[2], 1, 0);
	assert_near(xy[1] + xy[3], 1, 0), assert_near(fabs(xy[1] - xy[3]), 1, 0);
	unsigned char *buf = NULL;
	assert_int_equal(fl_lines_write_buffer(l, NULL, &buf, &len), FL_OK);
	assert_non_null(strstr((char *)buf, "\"length_km\""));
	assert_non_null(strstr((char *)buf, "\"MultiLineString\""));
	fl_free(buf);
	fl_lines_free(l);
}

static void test_vanishes_and_moves(void **state)
{
	fixture *f = *state;
	fl_query q = fl_query_at(at("2020-02-15"));
	fl_lines *l = NULL;
	assert_int_equal(fl_lines_new(f->t, &q, &l), FL_OK);
	assert_int_equal(fl_lines_count(l), 0);
	assert_near(fl_lines_total_km(l), 0, 0);
	fl_lines_free(l);
	double per[2] = {-1, -1}, total = -1;
	q = fl_query_at(at("2020-03-15"));
	assert_int_equal(fl_front_length(f->t, &q, per, &total), FL_OK);
	assert_near(per[f->X], ARC_KM, 1e-9);
	assert_near(per[f->Y], ARC_KM, 1e-9);
	assert_near(total, ARC_KM, 1e-9);
	/* with holders: only the lines with one of them on a side */
	int only = f->X;
	q.holders = &only, q.nholders = 1;
	assert_int_equal(fl_lines_new(f->t, &q, &l), FL_OK);
	assert_int_equal(fl_lines_count(l), 1);
	fl_lines_free(l);
}

/* The series follows the front through the sweep and the rate over 7 days. */
static void test_stats_front_rate(void **state)
{
	fixture *f = *state;
	fl_stats *s = NULL;
	fl_stats_opts o = {.front = 1, .rate_days = 7};
	assert_int_equal(fl_stats_new_opts(f->t, NULL, at("2020-01-01"), at("2020-03-01"), FL_STEP_DAY, NULL, 0,
					   &o, &s),
			 FL_OK);
	double sq = fl_tracker_region_at(f->t, (size_t)fl_tracker_find_region(f->t, "b"))->area_km2;
	size_t seen = 0;
	for (size_t i = 0; i < fl_stats_count(s); i++) {
		const fl_stats_row *r = fl_stats_at(s, i);
		char d[16];
		fl_tracker_format_date(f->t, r->at, d, sizeof d);
		double want_front = strcmp(d, "2020-02-01") < 0 || strcmp(d, "2020-03-01") >= 0 ? ARC_KM : 0;
		assert_near(r->front_km, want_front, 1e-9);
		if (!strcmp(d, "2020-02-03")) { /* b went from Y to X two days ago */
			assert_near(r->rate_km2_per_day, r->holder == f->X ? sq / 7 : -sq / 7, 1e-9);
			seen++;
		}
		if (!strcmp(d, "2020-02-08") || !strcmp(d, "2020-01-20"))
			assert_near(r->rate_km2_per_day, 0, 1e-9);
	}
	assert_int_equal(seen, 2);
	fl_stats_free(s);
	/* without opts: no front, no rate */
	assert_int_equal(fl_stats_new(f->t, NULL, at("2020-01-01"), at("2020-01-02"), FL_STEP_DAY, &s), FL_OK);
	assert_near(fl_stats_at(s, 0)->front_km, 0, 0);
	assert_near(fl_stats_at(s, 0)->rate_km2_per_day, 0, 0);
	fl_stats_free(s);
	o.rate_days = -1;
	assert_int_equal(fl_stats_new_opts(f->t, NULL, at("2020-01-01"), at("2020-01-02"), FL_STEP_DAY, NULL, 0,
					   &o, &s),
			 FL_EARG);
	assert_non_null(strstr(fl_error_last(), "rate_days"));
}

static void test_parse_rate(void **state)
{
	(void)state;
	int d = 0;
	assert_int_equal(fl_stats_parse_rate("7d", &d), FL_OK);
	assert_int_equal(d, 7);
	assert_int_equal(fl_stats_parse_rate("30d", &d), FL_OK);
	assert_int_equal(d, 30);
	assert_int_equal(fl_stats_parse_rate("365d", &d), FL_OK);
	assert_int_equal(d, 365);
	const char *bad[] = {"7", "0d", "d", "-3d", "7w", "1.5d", "", "36501d", "7dd", "99999999999d"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(fl_stats_parse_rate(bad[i], &d), FL_EARG);
		/* the library names the value, not the tool's option */
		assert_null(strstr(fl_error_last(), "--rate"));
	}
	assert_int_equal(fl_stats_parse_rate(NULL, &d), FL_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_border),
		cmocka_unit_test(test_vanishes_and_moves),
		cmocka_unit_test(test_stats_front_rate),
		cmocka_unit_test(test_parse_rate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
