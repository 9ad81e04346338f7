/* test_uncertain.c: uncertain ground through the public API (event dates
 * with a period, edtf.h; fl_piece's uncertain fields, fl_stats_row's
 * area_km2_min/max, fl_change's uncertain_start/end, fl_period's uncertain).
 *
 * Three unit squares a, b, c (helpers.h) in a UTC tracker; X holds all from
 * 2020-01-01; Y takes a in `2020-10` (1 to 31 October); X takes the area
 * 'adv' (the east half of a and the west half of b) between 10 and 20
 * October.  The east half of a then has two uncertain events that overlap:
 * on 15 October it may be X's or Y's (nominally X's: adv's event is the
 * later at its earliest instant), on 25 October too (Y's event may come
 * after adv's), on 31 October it is surely X's.  The west half of b moves
 * from X to X: never uncertain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

/* the instants of these days' starts (date -u -d DAY +%s) */
#define OCT01 1601510400
#define OCT10 1602288000
#define OCT15 1602720000
#define OCT20 1603152000
#define OCT25 1603584000
#define OCT31 1604102400
#define SEP30 1601424000
#define END_OF(day) ((day) + 86399)

static fl_tracker *open_fixture(char **dir)
{
	*dir = advance_tracker();
	assert_non_null(*dir);
	write_file(*dir, "events.csv",
		   "id,date,regions,to,kind,status,source,area\n"
		   "base,2020-01-01,*,X,baseline,confirmed,test,\n"
		   "e-month,2020-10,a,Y,capture,confirmed,test,\n"
		   "e-adv,2020-10-10/2020-10-20,,X,capture,claimed,test,adv\n");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(*dir, &t), FL_OK);
	return t;
}

/* The areas of the atoms, from the sure map of 31 October: a's west half
 * (Y's), a's east half (X's), b and c.  (Not the regions' areas: the edges of
 * a split square are more geodesics than the whole one's, a little apart.) */
typedef struct areas {
	double aw, ae, b, c;
} areas;

static areas atom_areas(const fl_tracker *t)
{
	areas r = {0, 0, 0, 0};
	fl_query q = fl_query_at(OCT31 + 86399);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	int a = fl_tracker_find_region(t, "a"), b = fl_tracker_find_region(t, "b");
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		assert_false(p->uncertain);
		if (p->region == a)
			*(p->holder == fl_tracker_find_actor(t, "Y") ? &r.aw : &r.ae) += p->area_km2;
		else
			*(p->region == b ? &r.b : &r.c) += p->area_km2;
	}
	fl_snapshot_free(s);
	return r;
}

static void test_event_instants(void **state)
{
	(void)state;
	char *dir;
	fl_tracker *t = open_fixture(&dir);
	const fl_event *m = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e-month"));
	const fl_event *a = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e-adv"));
	const fl_event *b = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "base"));
	assert_int_equal(m->when, OCT01);
	assert_int_equal(m->latest, OCT31);
	assert_string_equal(m->date, "2020-10");
	assert_int_equal(a->when, OCT10);
	assert_int_equal(a->latest, OCT20);
	assert_int_equal(b->when, b->latest);
	fl_tracker_free(t);
	rm_tree(dir);
}

/* The pieces of region `rid` at `at` as (holder, uncertain, npossible). */
typedef struct seen {
	int holder, uncertain;
	size_t npossible;
	double km2;
	fl_instant from, to;
} seen;

static size_t pieces_of(const fl_tracker *t, fl_instant at, const char *rid, seen *out, size_t max)
{
	fl_query q = fl_query_at(at);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	int r = fl_tracker_find_region(t, rid);
	size_t n = 0;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		if (p->region != r || n == max)
			continue;
		out[n++] = (seen){p->holder, p->uncertain, p->npossible, p->area_km2, p->uncertain_from,
				  p->uncertain_to};
		if (p->uncertain) {
			/* the possible holders are X and Y, each once */
			assert_int_equal(p->npossible, 2);
			assert_true(p->possible[0] != p->possible[1]);
			for (size_t k = 0; k < 2; k++)
				assert_true(p->possible[k] == fl_tracker_find_actor(t, "X") ||
					    p->possible[k] == fl_tracker_find_actor(t, "Y"));
		}
	}
	fl_snapshot_free(s);
	return n;
}

static void test_snapshot_pieces(void **state)
{
	(void)state;
	char *dir;
	fl_tracker *t = open_fixture(&dir);
	int X = fl_tracker_find_actor(t, "X"), Y = fl_tracker_find_actor(t, "Y");
	areas k = atom_areas(t);
	seen v[4];
	/* 30 September: all sure X */
	assert_int_equal(pieces_of(t, END_OF(SEP30), "a", v, 4), 1);
	assert_int_equal(v[0].holder, X);
	assert_false(v[0].uncertain);
	/* 15 October: a's west half Y (uncertain: e-month), east half X (uncertain: both events) */
	assert_int_equal(pieces_of(t, END_OF(OCT15), "a", v, 4), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_true(v[i].uncertain);
		assert_true(fabs(v[i].km2 - (v[i].holder == Y ? k.aw : k.ae)) < 1e-6 * k.b);
		if (v[i].holder == Y) {
			assert_int_equal(v[i].from, OCT01);
			assert_int_equal(v[i].to, OCT31);
		} else {
			assert_int_equal(v[i].holder, X);
			/* the period of both events on it */
			assert_int_equal(v[i].from, OCT01);
			assert_int_equal(v[i].to, OCT31);
		}
	}
	/* b moves from X to X: never uncertain */
	assert_int_equal(pieces_of(t, END_OF(OCT15), "b", v, 4), 1);
	assert_int_equal(v[0].holder, X);
	assert_false(v[0].uncertain);
	assert_true(fabs(v[0].km2 - k.b) < 1e-6 * k.b);
	/* 25 October: e-adv has surely happened, e-month may come after it: still uncertain */
	assert_int_equal(pieces_of(t, END_OF(OCT25), "a", v, 4), 2);
	assert_true(v[0].uncertain && v[1].uncertain);
	/* 31 October: sure, west half Y, east half X */
	assert_int_equal(pieces_of(t, END_OF(OCT31), "a", v, 4), 2);
	assert_false(v[0].uncertain || v[1].uncertain);
	assert_true((v[0].holder == X && v[1].holder == Y) || (v[0].holder == Y && v[1].holder == X));
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_stats_bounds(void **state)
{
	(void)state;
	char *dir;
	fl_tracker *t = open_fixture(&dir);
	int X = fl_tracker_find_actor(t, "X"), Y = fl_tracker_find_actor(t, "Y");
	areas k = atom_areas(t);
	double aw = k.aw, ae = k.ae, b = k.b, c = k.c, a = aw + ae;
	fl_stats *s = NULL;
	assert_int_equal(fl_stats_new(t, NULL, END_OF(SEP30), END_OF(OCT31), FL_STEP_DAY, &s), FL_OK);
	size_t checked = 0;
	for (size_t i = 0; i < fl_stats_count(s); i++) {
		const fl_stats_row *r = fl_stats_at(s, i);
		double area, lo, hi;
		if (r->at == END_OF(OCT15) || r->at == END_OF(OCT25)) {
			if (r->holder == X)
				area = ae + b + c, lo = b + c, hi = a + b + c;
			else
				area = aw, lo = 0, hi = a;
		} else if (r->at == END_OF(SEP30)) {
			area = lo = hi = r->holder == X ? a + b + c : 0;
		} else if (r->at == END_OF(OCT31)) {
			area = lo = hi = r->holder == X ? ae + b + c : aw;
		} else {
			assert_true(r->area_km2_min <= r->area_km2 + 1e-9 && r->area_km2 <= r->area_km2_max + 1e-9);
			continue;
		}
		assert_true(r->holder == X || r->holder == Y);
		assert_true(fabs(r->area_km2 - area) < 1e-6 * a);
		assert_true(fabs(r->area_km2_min - lo) < 1e-6 * a);
		assert_true(fabs(r->area_km2_max - hi) < 1e-6 * a);
		checked++;
	}
	assert_int_equal(checked, 8); /* four days, two holders */
	fl_stats_free(s);
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_diff_and_periods(void **state)
{
	(void)state;
	char *dir;
	fl_tracker *t = open_fixture(&dir);
	int X = fl_tracker_find_actor(t, "X"), Y = fl_tracker_find_actor(t, "Y");
	fl_diff *d = NULL;
	assert_int_equal(fl_diff_new(t, NULL, END_OF(SEP30), END_OF(OCT15), FL_BY_ACTOR, &d), FL_OK);
	assert_int_equal(fl_diff_count(d), 1);
	const fl_change *ch = fl_diff_at(d, 0);
	assert_int_equal(ch->from, X);
	assert_int_equal(ch->to, Y);
	assert_false(ch->uncertain_start);
	assert_true(ch->uncertain_end);
	fl_diff_free(d);
	/* the periods of a held by Y: on the west half October, uncertain, then
	 * sure; on the east half from October's start to e-adv's (nominal) start,
	 * uncertain */
	fl_periods *p = NULL;
	assert_int_equal(fl_periods_new(t, NULL, &p), FL_OK);
	int a = fl_tracker_find_region(t, "a"), found = 0;
	for (size_t i = 0; i < fl_periods_count(p); i++) {
		const fl_period *x = fl_periods_at(p, i);
		if (x->region != a || x->holder != Y)
			continue;
		if (x->uncertain) {
			/* the west half's, to the month's end; the east half's, to e-adv's when */
			assert_int_equal(x->from, OCT01);
			assert_true(x->to == OCT31 || x->to == OCT10);
			assert_true(x->has_to);
		} else {
			assert_int_equal(x->from, OCT31);
			assert_false(x->has_to);
		}
		found++;
	}
	assert_int_equal(found, 3);
	fl_periods_free(p);
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_bad_dates(void **state)
{
	(void)state;
	static const char *const bad[] = {"2020-13", "2020-10-04/..", "/2020-10-04", "2020-10-09/2020-10-04",
					  "2020-10-04?~", "X2020"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *dir = advance_tracker();
		char csv[512];
		snprintf(csv, sizeof csv, "id,date,regions,to,kind,status,source\nbase,2020-01-01,*,X,baseline,"
					  "confirmed,test\nbad,%s,a,Y,capture,confirmed,test\n", bad[i]);
		write_file(dir, "events.csv", csv);
		fl_tracker *t = NULL;
		assert_int_equal(fl_tracker_open(dir, &t), FL_EINPUT);
		assert_null(t);
		assert_non_null(strstr(fl_error_last(), "events.csv:3: field 'date'"));
		assert_non_null(strstr(fl_error_last(), bad[i]));
		rm_tree(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_instants),  cmocka_unit_test(test_snapshot_pieces),
		cmocka_unit_test(test_stats_bounds),    cmocka_unit_test(test_diff_and_periods),
		cmocka_unit_test(test_bad_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
