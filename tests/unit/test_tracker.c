/* test_tracker.c: loading trackers (store/ogr.c, tracker.c): the shipped
 * Karabakh tracker and small fixtures with planted faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

static void test_karabakh_loads(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	assert_int_equal(fl_tracker_region_count(t), 78);
	assert_true(fl_tracker_actor_count(t) >= 2);
	assert_int_not_equal(fl_tracker_find_actor(t, "AZ"), FL_NONE);
	assert_int_not_equal(fl_tracker_find_actor(t, "AM"), FL_NONE);
	static const char *const ids[] = {"kalbajar", "lachin", "agdam", "fuzuli", "jabrayil",
					  "qubadli", "zangilan", "khojaly", "khojavend", "tartar",
					  "shusha", "shusha-city", "khankendi-city", "lankaran"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		assert_int_not_equal(fl_tracker_find_region(t, ids[i]), FL_NONE);
	/* geodesic areas agree with pyproj's figures in the data's SOURCE.md */
	static const struct {
		const char *id;
		double km2;
	} areas[] = {{"kalbajar", 2860.7}, {"lachin", 1787.4}, {"agdam", 1045.5}, {"fuzuli", 1410.3},
		     {"shusha-city", 11.7}, {"khankendi-city", 29.5}, {"tartar", 1258.3}};
	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
		const fl_region *r = fl_tracker_region_at(t, (size_t)fl_tracker_find_region(t, areas[i].id));
		assert_true(fabs(r->area_km2 - areas[i].km2) < 0.06);
	}
	/* events apply in date order, same date in file order */
	const size_t *order = fl_tracker_event_order(t);
	assert_non_null(order);
	for (size_t k = 1; k < fl_tracker_event_count(t); k++) {
		const fl_event *a = fl_tracker_event_at(t, order[k - 1]), *b = fl_tracker_event_at(t, order[k]);
		assert_true(a->when < b->when || (a->when == b->when && order[k - 1] < order[k]));
	}
	int c = fl_tracker_find_event(t, "2020-shusha-city-confirmed");
	assert_int_not_equal(c, FL_NONE);
	assert_int_equal(fl_tracker_event_at(t, (size_t)c)->corrects,
			 fl_tracker_find_event(t, "2020-shusha-city"));
	int ag = fl_tracker_find_event(t, "1993-agdam");
	assert_true(fl_tracker_event_at(t, (size_t)ag)->partial);
	assert_true(fl_tracker_zone_count(t) >= 2);
	fl_tracker_free(t);
	fl_tracker_free(NULL);
}

/* A small tracker with one planted fault must fail naming file, line, field. */
static void expect_fault(const char *events, const char *regions, const char *want1,
			 const char *want2)
{
	char *dir = tmp_tracker();
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", regions ? regions : SQUARES_REGIONS);
	write_file(dir, "events.csv", events);
	fl_tracker *t = (fl_tracker *)1;
	assert_int_not_equal(fl_tracker_open(dir, &t), FL_OK);
	assert_null(t);
	const char *msg = fl_error_last();
	if (!strstr(msg, want1) || (want2 && !strstr(msg, want2)))
		fail_msg("message '%s' lacks '%s' / '%s'", msg, want1, want2 ? want2 : "");
	rm_tree(dir);
}

static void test_faults(void **state)
{
	(void)state;
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,\n"
				   "e2,2020-01-02,zz,Y,X,capture,confirmed,src,,,,\n",
		     NULL, "events.csv:3: field 'regions'", "unknown region 'zz'");
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,Q,,capture,confirmed,src,,,,\n", NULL,
		     "events.csv:2: field 'to'", "unknown actor 'Q'");
	expect_fault(EVENTS_HEADER "e1,2020-02-30,a,X,,capture,confirmed,src,,,,\n", NULL,
		     "events.csv:2: field 'date'", "2020-02-30");
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,,extra\n", NULL,
		     "events.csv:2", "fields");
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,\n"
				   "e1,2020-01-02,b,X,,capture,confirmed,src,,,,\n",
		     NULL, "events.csv:3: field 'id'", "duplicate");
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,rumoured,src,,,,\n", NULL,
		     "events.csv:2: field 'status'", "rumoured");
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,,,,,\n", NULL,
		     "events.csv:2: field 'source'", NULL);
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,nope,\n", NULL,
		     "events.csv:2: field 'corrects'", "nope");
	/* overlapping regions: b shifted onto a */
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,\n",
		     "{\"type\":\"FeatureCollection\",\"features\":["
		     "{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"name\":\"A\"},\"geometry\":"
		     "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},"
		     "{\"type\":\"Feature\",\"properties\":{\"id\":\"b\",\"name\":\"B\"},\"geometry\":"
		     "{\"type\":\"Polygon\",\"coordinates\":[[[0.5,0],[2,0],[2,1],[0.5,1],[0.5,0]]]}}]}",
		     "regions.geojson: feature 2", "overlaps region 'a'");
	/* a bow-tie */
	expect_fault(EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,\n",
		     "{\"type\":\"FeatureCollection\",\"features\":["
		     "{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"name\":\"A\"},\"geometry\":"
		     "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}",
		     "regions.geojson: feature 1: field 'geometry'", "Self-intersection");
}

/* Contested ground: to=contested with its parties gets a holder per set of
 * parties, after the actors of the layer, whose parties the API gives; the
 * same read from the sources and from the index. */
static void expect_contested(const fl_tracker *t)
{
	assert_int_equal(fl_tracker_actor_count(t), 5);
	int xy = fl_tracker_find_actor(t, "contested:X+Y"), xyz = fl_tracker_find_actor(t, "contested:X+Y+Z");
	assert_int_equal(xy, 3);
	assert_int_equal(xyz, 4);
	const fl_actor *a = fl_tracker_actor_at(t, 3);
	assert_string_equal(a->name, "Contested (X, Y)");
	assert_string_equal(a->kind, "contested");
	assert_int_equal(a->nparties, 2);
	const int *p = NULL;
	assert_int_equal(fl_tracker_actor_parties(t, 3, &p), 2);
	assert_ptr_equal(p, a->parties);
	assert_int_equal(p[0], fl_tracker_find_actor(t, "X"));
	assert_int_equal(p[1], fl_tracker_find_actor(t, "Y"));
	assert_int_equal(fl_tracker_actor_parties(t, 4, &p), 3);
	assert_int_equal(p[0], 0), assert_int_equal(p[1], 1), assert_int_equal(p[2], 2);
	/* the actors of the layer have none; past the end, none either */
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(fl_tracker_actor_parties(t, i, &p), 0);
		assert_null(p);
		assert_int_equal(fl_tracker_actor_at(t, i)->nparties, 0);
	}
	assert_int_equal(fl_tracker_actor_parties(t, 5, &p), 0);
	assert_null(p);
	assert_int_equal(fl_tracker_actor_parties(t, 4, NULL), 3);
	/* the events' holders; e5 comes from contested ground */
	assert_int_equal(fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e2"))->to, xy);
	assert_int_equal(fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e3"))->to, xy);
	assert_int_equal(fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e4"))->to, xyz);
	const fl_event *e5 = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "e5"));
	assert_int_equal(e5->from, xy);
	assert_int_equal(e5->to, fl_tracker_find_actor(t, "Y"));
	/* a snapshot: region b contested on 2020-02-15, Y's after e5 */
	fl_instant at = 0;
	assert_int_equal(fl_instant_parse("2020-02-15", FL_DATE_END, "date", &at), FL_OK);
	fl_query q = fl_query_at(at);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	assert_int_equal(fl_snapshot_region_holder(s, fl_tracker_find_region(t, "b")), xy);
	assert_int_equal(fl_snapshot_region_holder(s, fl_tracker_find_region(t, "c")), 0);
	fl_snapshot_free(s);
	/* the events layer writes them as the files do: to=contested and the parties */
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_tracker_write_layer_buffer(t, "events", NULL, &buf, &len), FL_OK);
	assert_non_null(strstr((char *)buf, "\"id\": \"e2\""));
	assert_non_null(strstr((char *)buf, "\"to\": \"contested\""));
	assert_non_null(strstr((char *)buf, "\"parties\": \"X;Y\""));
	assert_non_null(strstr((char *)buf, "\"parties\": \"X;Y;Z\""));
	assert_non_null(strstr((char *)buf, "\"from\": \"contested:X+Y\""));
	fl_free(buf);
}

static void test_contested(void **state)
{
	(void)state;
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "actors.csv", SQUARES_ACTORS "Z,Side Z,#00ff00\n");
	write_file(dir, "events.csv",
		   "id,date,regions,to,from,kind,status,source,area,parties\n"
		   "e1,2020-01-01,*,X,,baseline,confirmed,src,,\n"
		   "e2,2020-02-01,b,contested,X,capture,confirmed,src,,Y;X\n"
		   "e3,2020-02-03,,contested,,capture,confirmed,src,adv,X;Y\n"
		   "e4,2020-04-01,c,contested,X,capture,confirmed,src,,Z;Y;X\n"
		   "e5,2020-03-01,b,Y,contested:Y+X,capture,confirmed,src,,\n");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	expect_contested(t);
	fl_tracker_free(t);
	/* again, from the index the first open wrote (a polygon event makes it worth one) */
	char idx[600];
	snprintf(idx, sizeof idx, "%s/.frontline-index", dir);
	assert_int_equal(access(idx, R_OK), 0);
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	expect_contested(t);
	fl_tracker_free(t);
	rm_tree(dir);
}

static void test_missing_files(void **state)
{
	(void)state;
	char *dir = tmp_tracker();
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "actors"));
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	assert_int_equal(fl_tracker_open(dir, &t), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "events"));
	assert_int_equal(fl_tracker_open("/nonexistent/tracker", &t), FL_ENOTFOUND);
	rm_tree(dir);
}

/* The sources' signature: taken at open, the same on disk until a file
 * changes (size, time or inode), then different; the same again once opened. */
static void test_sources_signature(void **state)
{
	(void)state;
	char *dir = tmp_tracker();
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	write_file(dir, "events.csv", EVENTS_HEADER "e1,2020-01-01,a,X,,capture,confirmed,src,,,,\n");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	uint64_t sig = fl_tracker_sources_signature(t);
	assert_true(sig == fl_sources_signature(dir));
	assert_true(sig == fl_sources_signature(dir)); /* nothing changed: stable */
	char path[600];
	snprintf(path, sizeof path, "%s/events.csv", dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("e2,2020-02-01,b,Y,,capture,confirmed,src,,,,\n", f);
	fclose(f);
	uint64_t now = fl_sources_signature(dir);
	assert_true(now != sig);
	assert_true(fl_tracker_sources_signature(t) == sig); /* t is what was read */
	fl_tracker *t2 = NULL;
	assert_int_equal(fl_tracker_open(dir, &t2), FL_OK);
	assert_true(fl_tracker_sources_signature(t2) == now);
	assert_int_equal(fl_tracker_event_count(t2), 2);
	/* a zones file that appears is a change too */
	write_file(dir, "zones.csv", "id,name,actor,kind,valid_from,valid_to,source,note\n");
	assert_true(fl_sources_signature(dir) != now);
	fl_tracker_free(t2);
	fl_tracker_free(t);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_karabakh_loads),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_contested),
		cmocka_unit_test(test_sources_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
