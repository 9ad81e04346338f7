/* test_summary.c: the summaries through the C API (summary.h, src/summary.c)
 * on a tracker small enough to check by hand, and the library's messages
 * naming its parameters, not the tool's options (stats.c).
 *
 * Three unit squares side by side on the equator, a [0,1], b [1,2] and
 * c [2,3] x [0,1], each 12308.78 km² (WGS 84, pyproj's Geod):
 *   base  2020-01-01  a b c -> X  (baseline)
 *   ab    2020-02-01  a b   -> Y  (claimed, source "src, quoted")
 *   c1    2021-03-01  c     -> Y
 *   a2    2021-05-01  a     -> X
 *   cx    2022-07-01  c     -> X  (claimed)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

#define SQUARE_KM2 12308.778361

/* cmocka's assert_float_equal compares floats: 12308 km² keeps 3 decimals */
#define assert_near(x, want, eps) assert_near_((x), (want), (eps), __FILE__, __LINE__)
static void assert_near_(double x, double want, double eps, const char *file, int line)
{
	if (!(fabs(x - want) <= eps))
		fail_msg("%s:%d: %.9f, expected %.9f (within %g)", file, line, x, want, eps);
}

typedef struct fixture {
	char *dir;
	fl_tracker *t;
	int X, Y, a, b, c;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_tracker();
	write_file(f->dir, "actors.csv", SQUARES_ACTORS);
	write_file(f->dir, "regions.geojson", SQUARES_REGIONS);
	write_file(f->dir, "events.csv",
		   EVENTS_HEADER "base,2020-01-01,*,X,,baseline,confirmed,test,,,,\n"
				 "ab,2020-02-01,a;b,Y,X,capture,claimed,\"src, quoted\",,,,\n"
				 "c1,2021-03-01,c,Y,X,capture,confirmed,c1 source,,,,\n"
				 "a2,2021-05-01,a,X,Y,capture,confirmed,a2 source,,,,\n"
				 "cx,2022-07-01,c,X,Y,capture,claimed,cx source,,,,\n");
	if (fl_tracker_open(f->dir, &f->t) != FL_OK) {
		fprintf(stderr, "%s\n", fl_error_last());
		return -1;
	}
	f->X = fl_tracker_find_actor(f->t, "X"), f->Y = fl_tracker_find_actor(f->t, "Y");
	f->a = fl_tracker_find_region(f->t, "a"), f->b = fl_tracker_find_region(f->t, "b");
	f->c = fl_tracker_find_region(f->t, "c");
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

static double area(const fixture *f, int region)
{
	return fl_tracker_region_at(f->t, (size_t)region)->area_km2;
}

static fl_diff_summary *diff_summary(const fixture *f, const char *d1, const char *d2, fl_group by,
				     fl_query q)
{
	fl_diff *d = NULL;
	assert_int_equal(fl_diff_new(f->t, &q, at(d1), at(d2), by, &d), FL_OK);
	fl_diff_summary *m = NULL;
	assert_int_equal(fl_diff_summary_new(d, &m), FL_OK);
	fl_diff_free(d); /* the summary outlives its diff */
	return m;
}

static void expect_actor(const fl_diff_summary *m, size_t i, int actor, double gained, double lost)
{
	const fl_actor_totals *a = fl_diff_summary_actor_at(m, i);
	assert_non_null(a);
	assert_int_equal(a->actor, actor);
	assert_near(a->gained_km2, gained, 1e-6);
	assert_near(a->lost_km2, lost, 1e-6);
	assert_near(a->net_km2, gained - lost, 1e-6);
}

static void expect_pair(const fl_diff_summary *m, size_t i, int from, int to, double km2)
{
	const fl_pair_total *p = fl_diff_summary_pair_at(m, i);
	assert_non_null(p);
	assert_int_equal(p->from, from);
	assert_int_equal(p->to, to);
	assert_near(p->area_km2, km2, 1e-6);
}

static void expect_events(const fixture *f, const fl_diff_summary *m, const char *const *ids, size_t n)
{
	assert_int_equal(fl_diff_summary_event_count(m), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fl_tracker_event_at(f->t, fl_diff_summary_event_at(m, i))->id, ids[i]);
	assert_true(fl_diff_summary_event_at(m, n) == SIZE_MAX);
}

/* 2020-06-01 -> 2021-12-31: a went back from Y to X, c from X to Y. */
static void test_diff_totals(void **state)
{
	const fixture *f = *state;
	for (int by = FL_BY_REGION; by <= FL_BY_ACTOR; by++) {
		fl_diff_summary *m = diff_summary(f, "2020-06-01", "2021-12-31", (fl_group)by, fl_query_at(0));
		assert_int_equal(fl_diff_summary_actor_count(m), 2);
		expect_actor(m, 0, f->X, area(f, f->a), area(f, f->c));
		expect_actor(m, 1, f->Y, area(f, f->c), area(f, f->a));
		assert_near(fl_diff_summary_actor_at(m, 0)->gained_km2, SQUARE_KM2, 0.01);
		assert_null(fl_diff_summary_actor_at(m, 2));
		assert_int_equal(fl_diff_summary_pair_count(m), 2);
		expect_pair(m, 0, f->X, f->Y, area(f, f->c));
		expect_pair(m, 1, f->Y, f->X, area(f, f->a));
		assert_null(fl_diff_summary_pair_at(m, 2));
		static const char *const ev[] = {"c1", "a2"};
		expect_events(f, m, ev, 2);
		fl_diff_summary_free(m);
	}
}

/* From before the baseline: every square from not held, pairs from FL_NONE
 * first; b and a summed into one pair; events in apply order. */
static void test_diff_from_nothing(void **state)
{
	const fixture *f = *state;
	fl_diff_summary *m = diff_summary(f, "2019-06-01", "2020-06-01", FL_BY_REGION, fl_query_at(0));
	assert_int_equal(fl_diff_summary_actor_count(m), 2);
	expect_actor(m, 0, f->X, area(f, f->c), 0);
	expect_actor(m, 1, f->Y, area(f, f->a) + area(f, f->b), 0);
	assert_int_equal(fl_diff_summary_pair_count(m), 2);
	expect_pair(m, 0, FL_NONE, f->X, area(f, f->c));
	expect_pair(m, 1, FL_NONE, f->Y, area(f, f->a) + area(f, f->b));
	assert_near(fl_diff_summary_pair_at(m, 1)->area_km2, 2 * SQUARE_KM2, 0.02);
	static const char *const ev[] = {"base", "ab"};
	expect_events(f, m, ev, 2);
	assert_string_equal(fl_tracker_event_at(f->t, fl_diff_summary_event_at(m, 1))->source, "src, quoted");
	fl_diff_summary_free(m);

	/* confirmed only: "ab" is left out, a and b go to X with c */
	fl_query q = fl_query_at(0);
	q.confirmed_only = 1;
	m = diff_summary(f, "2019-06-01", "2020-06-01", FL_BY_ACTOR, q);
	assert_int_equal(fl_diff_summary_actor_count(m), 1);
	expect_actor(m, 0, f->X, area(f, f->a) + area(f, f->b) + area(f, f->c), 0);
	static const char *const base[] = {"base"};
	expect_events(f, m, base, 1);
	fl_diff_summary_free(m);
	/* nothing changed between 2020-06-01 and 2020-12-31 */
	m = diff_summary(f, "2020-06-01", "2020-12-31", FL_BY_ACTOR, fl_query_at(0));
	assert_int_equal(fl_diff_summary_actor_count(m), 0);
	assert_int_equal(fl_diff_summary_pair_count(m), 0);
	assert_int_equal(fl_diff_summary_event_count(m), 0);
	fl_diff_summary_free(m);
}

static fl_snapshot_summary *snapshot_summary(const fixture *f, const char *date, const int *holders,
					     size_t nholders)
{
	fl_query q = fl_query_at(at(date));
	q.holders = holders, q.nholders = nholders;
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(f->t, &q, FL_BY_REGION, &s), FL_OK);
	fl_snapshot_summary *m = NULL;
	assert_int_equal(fl_snapshot_summary_new(s, &m), FL_OK);
	fl_snapshot_free(s);
	return m;
}

static void expect_handover(const fixture *f, const fl_snapshot_summary *m, size_t i, int region,
			    int from, int to, const char *event, const char *since)
{
	const fl_handover *h = fl_snapshot_summary_handover_at(m, i);
	assert_non_null(h);
	assert_int_equal(h->region, region);
	assert_int_equal(h->from, from);
	assert_int_equal(h->to, to);
	assert_string_equal(fl_tracker_event_at(f->t, (size_t)h->event)->id, event);
	assert_true(h->has_since);
	char buf[16];
	fl_instant_format_date(h->since, buf, sizeof buf);
	assert_string_equal(buf, since);
	assert_false(h->partial);
	assert_near(h->area_km2, area(f, region), 1e-6);
}

/* 2021-06-30: X holds a, Y holds b and c; since the end of 2020-12-31
 * (a Y, b Y, c X) c went to Y on 2021-03-01, a to X on 2021-05-01. */
static void test_snapshot_summary(void **state)
{
	const fixture *f = *state;
	fl_snapshot_summary *m = snapshot_summary(f, "2021-06-30", NULL, 0);
	assert_int_equal(fl_snapshot_summary_year(m), 2021);
	char buf[32];
	fl_instant_format(fl_snapshot_summary_year_start(m), buf, sizeof buf);
	assert_string_equal(buf, "2020-12-31T23:59:59Z");
	assert_int_equal(fl_snapshot_summary_holder_count(m), 2);
	const fl_holder_area *x = fl_snapshot_summary_holder_at(m, 0), *y = fl_snapshot_summary_holder_at(m, 1);
	assert_int_equal(x->holder, f->X);
	assert_int_equal(y->holder, f->Y);
	assert_near(x->area_km2, area(f, f->a), 1e-6);
	assert_near(y->area_km2, area(f, f->b) + area(f, f->c), 1e-6);
	assert_near(x->percent, 100.0 / 3, 1e-6);
	assert_near(y->percent, 200.0 / 3, 1e-6);
	assert_null(fl_snapshot_summary_holder_at(m, 2));
	assert_int_equal(fl_snapshot_summary_handover_count(m), 2);
	expect_handover(f, m, 0, f->c, f->X, f->Y, "c1", "2021-03-01");
	expect_handover(f, m, 1, f->a, f->Y, f->X, "a2", "2021-05-01");
	assert_null(fl_snapshot_summary_handover_at(m, 2));
	fl_snapshot_summary_free(m);

	/* Y's territory only: its area is the whole (100 %), and of the year's
	 * handovers only c, Y's gain; the year's start still counts every holder */
	m = snapshot_summary(f, "2021-06-30", &f->Y, 1);
	assert_int_equal(fl_snapshot_summary_holder_count(m), 1);
	assert_int_equal(fl_snapshot_summary_holder_at(m, 0)->holder, f->Y);
	assert_near(fl_snapshot_summary_holder_at(m, 0)->percent, 100, 1e-9);
	assert_int_equal(fl_snapshot_summary_handover_count(m), 1);
	expect_handover(f, m, 0, f->c, f->X, f->Y, "c1", "2021-03-01");
	fl_snapshot_summary_free(m);

	/* before the baseline: the not-held area, nothing changed hands */
	m = snapshot_summary(f, "2019-06-01", NULL, 0);
	assert_int_equal(fl_snapshot_summary_year(m), 2019);
	assert_int_equal(fl_snapshot_summary_holder_count(m), 1);
	assert_int_equal(fl_snapshot_summary_holder_at(m, 0)->holder, FL_NONE);
	assert_near(fl_snapshot_summary_holder_at(m, 0)->area_km2, 3 * SQUARE_KM2, 0.03);
	assert_int_equal(fl_snapshot_summary_handover_count(m), 0);
	fl_snapshot_summary_free(m);

	/* 2020: everything came from nobody (base), a and b then went to Y */
	m = snapshot_summary(f, "2020-12-31", NULL, 0);
	assert_int_equal(fl_snapshot_summary_handover_count(m), 3);
	expect_handover(f, m, 0, f->c, FL_NONE, f->X, "base", "2020-01-01");
	expect_handover(f, m, 1, f->a, FL_NONE, f->Y, "ab", "2020-02-01");
	expect_handover(f, m, 2, f->b, FL_NONE, f->Y, "ab", "2020-02-01");
	fl_snapshot_summary_free(m);
}

/* A summary needs regions: a by-actor snapshot is refused by name. */
static void test_snapshot_summary_by_actor(void **state)
{
	const fixture *f = *state;
	fl_query q = fl_query_at(at("2021-06-30"));
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(f->t, &q, FL_BY_ACTOR, &s), FL_OK);
	fl_snapshot_summary *m = (fl_snapshot_summary *)&m;
	assert_int_equal(fl_snapshot_summary_new(s, &m), FL_EARG);
	assert_null(m);
	assert_non_null(strstr(fl_error_last(), "FL_BY_REGION"));
	fl_snapshot_free(s);
	assert_int_equal(fl_snapshot_summary_new(NULL, &m), FL_EARG);
	fl_diff_summary *dm = NULL;
	assert_int_equal(fl_diff_summary_new(NULL, &dm), FL_EARG);
}

/* The store answers by itself only for what it can: a folder never. */
static void test_store_snapshot_write(void **state)
{
	const fixture *f = *state;
	fl_query q = fl_query_at(at("2021-06-30"));
	char out[600];
	snprintf(out, sizeof out, "%s/out.geojson", f->dir);
	assert_int_equal(fl_store_snapshot_write(f->dir, &q, FL_BY_REGION, out, NULL), FL_ENOTFOUND);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(fl_store_snapshot_write(NULL, &q, FL_BY_REGION, out, NULL), FL_EARG);
}

/* The library names its parameters; the tool speaks of --from and --step. */
static void test_messages_name_parameters(void **state)
{
	const fixture *f = *state;
	fl_stats *s = NULL;
	assert_int_equal(fl_stats_new(f->t, NULL, at("2021-01-01"), at("2020-01-01"), FL_STEP_DAY, &s), FL_EARG);
	assert_null(s);
	assert_non_null(strstr(fl_error_last(), "from is after to"));
	assert_null(strstr(fl_error_last(), "--"));
	fl_step step;
	assert_int_equal(fl_step_parse("year", &step), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "'year'"));
	assert_null(strstr(fl_error_last(), "--"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_totals),
		cmocka_unit_test(test_diff_from_nothing),
		cmocka_unit_test(test_snapshot_summary),
		cmocka_unit_test(test_snapshot_summary_by_actor),
		cmocka_unit_test(test_store_snapshot_write),
		cmocka_unit_test(test_messages_name_parameters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
