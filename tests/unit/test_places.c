/* test_places.c: places through the C API (places.h): locating points in
 * the atoms (inside, on a shared edge, on the outer edge, outside), their
 * holders for a query, the places that changed hands, places as a weight
 * and as features, and the refusals naming the file and field.
 *
 * Three unit squares a [0,1], b [1,2], c [2,3] x [0,1] (helpers.h):
 *   base  2020-01-01  a b c -> X
 *   ab    2020-02-01  a b   -> Y  (claimed)
 *   a2    2020-03-01  a     -> X
 * Points: pa (0.5, 0.5) in a, edge (1, 0.5) on a|b, pb (1.5, 0.5) in b,
 * rim (3, 0.5) on c's outer side, out (5, 5) outside; fields name, pop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

typedef struct fixture {
	char *dir, pts[600];
	fl_tracker *t;
	fl_places *p;
	int X, Y;
} fixture;

#define POINT(name, pop, x, y)                                                                    \
	"{\"type\":\"Feature\",\"properties\":{\"name\":\"" name "\",\"pop\":" #pop                 \
	"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #x "," #y "]}}"

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_tracker();
	write_file(f->dir, "actors.csv", SQUARES_ACTORS);
	write_file(f->dir, "regions.geojson", SQUARES_REGIONS);
	write_file(f->dir, "events.csv",
		   EVENTS_HEADER "base,2020-01-01,*,X,,baseline,confirmed,test,,,,\n"
				 "ab,2020-02-01,a;b,Y,X,capture,claimed,test,,,,\n"
				 "a2,2020-03-01,a,X,Y,capture,confirmed,test,,,,\n");
	write_file(f->dir, "towns.geojson",
		   "{\"type\":\"FeatureCollection\",\"features\":[" POINT("pa", 10, 0.5, 0.5) ","
		   POINT("edge", 20, 1, 0.5) "," POINT("pb", 30, 1.5, 0.5) "," POINT("rim", 40, 3, 0.5)
		   "," POINT("out", 50, 5, 5) "]}");
	snprintf(f->pts, sizeof f->pts, "%s/towns.geojson", f->dir);
	if (fl_tracker_open(f->dir, &f->t) != FL_OK || fl_places_open(f->t, f->pts, NULL, &f->p) != FL_OK) {
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
	fl_places_free(f->p);
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

static void located(void **state)
{
	fixture *f = *state;
	assert_int_equal(fl_places_count(f->p), 5);
	static const char *const names[] = {"pa", "edge", "pb", "rim", "out"};
	static const char *const regions[] = {"a", "a", "b", "c", NULL};
	for (size_t i = 0; i < 5; i++) {
		const fl_place *pl = fl_places_at(f->p, i);
		assert_string_equal(pl->name, names[i]);
		assert_int_equal(pl->inside, regions[i] != NULL);
		if (regions[i])
			assert_string_equal(fl_tracker_region_at(f->t, (size_t)pl->region)->id, regions[i]);
		else
			assert_int_equal(pl->region, FL_NONE);
	}
	assert_null(fl_places_at(f->p, 5));
	assert_int_equal(fl_places_field_count(f->p), 2);
	assert_string_equal(fl_places_field_name(f->p, 1), "pop");
	assert_string_equal(fl_places_value(f->p, 2, 1), "30");
	assert_null(fl_places_value(f->p, 2, 2));
	assert_float_equal(fl_places_at(f->p, 1)->lon, 1.0, 1e-12);
}

static void states(void **state)
{
	fixture *f = *state;
	fl_place_state s[5];
	fl_query q = fl_query_at(at("2019-12-31"));
	assert_int_equal(fl_places_state(f->p, &q, s), FL_OK);
	assert_int_equal(s[0].holder, FL_NONE);
	assert_string_equal(s[0].status, "none");
	assert_string_equal(s[4].status, "outside");
	q = fl_query_at(at("2020-02-15"));
	assert_int_equal(fl_places_state(f->p, &q, s), FL_OK);
	int ab = fl_tracker_find_event(f->t, "ab");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(s[i].holder, f->Y);
		assert_int_equal(s[i].event, ab);
		assert_string_equal(s[i].status, "claimed");
		assert_true(s[i].has_since);
		assert_int_equal(s[i].since, fl_tracker_event_at(f->t, (size_t)ab)->when);
	}
	assert_int_equal(s[3].holder, f->X);
	assert_string_equal(s[3].status, "confirmed");
	assert_int_equal(s[4].holder, FL_NONE);
	assert_int_equal(s[4].event, FL_NONE);
	/* confirmed only: the claim is left out */
	q.confirmed_only = 1;
	assert_int_equal(fl_places_state(f->p, &q, s), FL_OK);
	assert_int_equal(s[0].holder, f->X);
	assert_int_equal(s[2].holder, f->X);
}

static void changes(void **state)
{
	fixture *f = *state;
	fl_query q = fl_query_at(0);
	fl_places_diff *d = NULL;
	assert_int_equal(fl_places_diff_new(f->p, &q, at("2020-01-15"), at("2020-03-15"), &d), FL_OK);
	/* pa and edge went X -> Y -> X (no net change); pb X -> Y */
	assert_int_equal(fl_places_diff_count(d), 1);
	const fl_place_change *c = fl_places_diff_at(d, 0);
	assert_int_equal(c->place, 2);
	assert_int_equal(c->from, f->X);
	assert_int_equal(c->to, f->Y);
	assert_int_equal(c->nevents, 1);
	assert_int_equal(c->events[0], fl_tracker_find_event(f->t, "ab"));
	assert_null(fl_places_diff_at(d, 1));
	fl_places_diff_free(d);
	assert_int_equal(fl_places_diff_new(f->p, &q, at("2020-01-15"), at("2020-02-15"), &d), FL_OK);
	assert_int_equal(fl_places_diff_count(d), 3);
	fl_places_diff_free(d);
	assert_int_equal(fl_places_diff_new(f->p, &q, at("2020-03-15"), at("2020-01-15"), &d), FL_EARG);
	assert_null(d);
}

static void weights(void **state)
{
	fixture *f = *state;
	fl_weight *n = NULL, *pop = NULL, *bad = NULL;
	assert_int_equal(fl_weight_from_places(f->t, f->p, NULL, &n), FL_OK);
	assert_int_equal(fl_weight_from_places(f->t, f->p, "pop", &pop), FL_OK);
	assert_string_equal(fl_weight_name(n), "places");
	assert_string_equal(fl_weight_name(pop), "places_pop");
	assert_float_equal(fl_weight_total(n), 4, 1e-12);          /* "out" counts for no one */
	assert_float_equal(fl_weight_total(pop), 10 + 20 + 30 + 40, 1e-9);
	fl_weight *w[2] = {n, pop};
	fl_stats *s = NULL;
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_stats_new_weighted(f->t, &q, at("2020-02-15"), at("2020-02-15"), FL_STEP_DAY, w, 2, &s),
			 FL_OK);
	int seen = 0;
	for (size_t i = 0; i < fl_stats_count(s); i++) {
		const fl_stats_row *r = fl_stats_at(s, i);
		if (r->holder == f->Y) {
			assert_float_equal(r->weight[0], 3, 1e-12);
			assert_float_equal(r->weight[1], 60, 1e-9);
			seen++;
		} else if (r->holder == f->X) {
			assert_float_equal(r->weight[0], 1, 1e-12);
			assert_float_equal(r->weight[1], 40, 1e-9);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	fl_stats_free(s);
	fl_weight_free(n);
	fl_weight_free(pop);
	assert_int_equal(fl_weight_from_places(f->t, f->p, "popp", &bad), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`field` popp"));
	assert_non_null(strstr(fl_error_last(), f->pts));
	assert_int_equal(fl_weight_from_places(f->t, f->p, "name", &bad), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "not numeric"));
	assert_null(bad);
}

static void features(void **state)
{
	fixture *f = *state;
	fl_features *ff = NULL;
	fl_query q = fl_query_at(at("2020-02-15"));
	assert_int_equal(fl_places_features(f->p, &q, &ff), FL_OK);
	assert_int_equal(fl_features_count(ff), 5);
	const fl_feature *x = fl_features_at(ff, 2);
	assert_string_equal(x->key, "pb");
	assert_string_equal(x->geometry_type, "Point");
	assert_non_null(strstr(x->json, "\"holder\":\"Y\""));
	assert_non_null(strstr(x->json, "\"status\":\"claimed\""));
	assert_non_null(strstr(fl_features_at(ff, 4)->json, "\"status\":\"outside\""));
	fl_features_free(ff);
}

static void refusals(void **state)
{
	fixture *f = *state;
	fl_places *p = NULL;
	char path[600];
	snprintf(path, sizeof path, "%s/none.geojson", f->dir);
	assert_int_equal(fl_places_open(f->t, path, NULL, &p), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), path));
	snprintf(path, sizeof path, "%s/regions.geojson", f->dir);
	assert_int_equal(fl_places_open(f->t, path, NULL, &p), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "not of points"));
	assert_int_equal(fl_places_open(f->t, f->pts, "villages", &p), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "villages"));
	assert_null(p);
	char *own = fl_tracker_places_path(f->t);
	assert_null(own); /* no places.geojson */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(located), cmocka_unit_test(states),   cmocka_unit_test(changes),
		cmocka_unit_test(weights), cmocka_unit_test(features), cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
