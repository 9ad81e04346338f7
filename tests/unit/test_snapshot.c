/* test_snapshot.c: snapshots through the library (snapshot.c, replay.c,
 * atoms.c): holders on the dates of the 2020 handovers, as-of and status
 * filters, dissolved areas, and polygon events cutting across regions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_vsi.h>
#include "coverage.h"
#include "diag.h"
#include "diff_priv.h"
#include "evcols.h"
#include "index.h"
#include "replay.h"
#include "snapshot_priv.h"
#include "tracker_priv.h"
#include "open.h"
#include "helpers.h"

/* (the dates are the tracker's days: Karabakh's are Baku's, UTC+4) */
static int holder_at(const fl_tracker *t, const char *region, const char *date, fl_query q)
{
	assert_int_equal(fl_tracker_parse_date(t, date, FL_DATE_END, "test", &q.at), FL_OK);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	int h = fl_snapshot_region_holder(s, fl_tracker_find_region(t, region));
	fl_snapshot_free(s);
	return h;
}

static const char *holder_id(const fl_tracker *t, const char *region, const char *date)
{
	int h = holder_at(t, region, date, fl_query_at(0));
	return h == FL_NONE ? "-" : fl_tracker_actor_at(t, (size_t)h)->id;
}

static void test_handovers(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	assert_string_equal(holder_id(t, "agdam", "2020-11-19"), "AM");
	assert_string_equal(holder_id(t, "agdam", "2020-11-20"), "AZ");
	assert_string_equal(holder_id(t, "kalbajar", "2020-11-24"), "AM");
	assert_string_equal(holder_id(t, "kalbajar", "2020-11-25"), "AZ");
	assert_string_equal(holder_id(t, "lachin", "2020-11-30"), "AM");
	assert_string_equal(holder_id(t, "lachin", "2020-12-01"), "AZ");
	assert_string_equal(holder_id(t, "kalbajar", "1993-04-01"), "AZ");
	assert_string_equal(holder_id(t, "kalbajar", "1993-04-02"), "AM");
	assert_string_equal(holder_id(t, "khankendi-city", "2023-09-19"), "AM");
	assert_string_equal(holder_id(t, "khankendi-city", "2023-09-20"), "AZ");
	assert_string_equal(holder_id(t, "baku-city", "2020-11-25"), "AZ");
	/* before the tracked history nothing is held */
	assert_string_equal(holder_id(t, "baku-city", "1990-01-01"), "-");
	fl_tracker_free(t);
}

static void test_as_of_and_status(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	int AZ = fl_tracker_find_actor(t, "AZ"), AM = fl_tracker_find_actor(t, "AM");
	fl_query q = fl_query_at(0);
	q.has_as_of = 1;
	assert_int_equal(fl_tracker_parse_date(t, "2020-11-07", FL_DATE_END, "t", &q.as_of), FL_OK);
	assert_int_equal(holder_at(t, "shusha-city", "2020-11-08", q), AM);
	assert_int_equal(fl_tracker_parse_date(t, "2020-11-08", FL_DATE_END, "t", &q.as_of), FL_OK);
	assert_int_equal(holder_at(t, "shusha-city", "2020-11-08", q), AZ);
	/* the map as known in 2019 did not know about 2020 */
	assert_int_equal(fl_tracker_parse_date(t, "2019-12-31", FL_DATE_END, "t", &q.as_of), FL_OK);
	assert_int_equal(holder_at(t, "kalbajar", "2020-12-31", q), AM);
	/* confirmed only: the 2020 claims are left out, confirmations kept */
	fl_query c = fl_query_at(0);
	c.confirmed_only = 1;
	assert_int_equal(holder_at(t, "jabrayil", "2020-11-08", c), AM);
	assert_int_equal(holder_at(t, "jabrayil", "2020-11-08", fl_query_at(0)), AZ);
	assert_int_equal(holder_at(t, "shusha-city", "2020-11-08", c), AZ);
	fl_tracker_free(t);
}

static void assert_date(const fl_tracker *t, fl_instant x, const char *want)
{
	char buf[16];
	fl_tracker_format_date(t, x, buf, sizeof buf);
	assert_string_equal(buf, want);
}

/* fl_query_event_range: the first and last events that apply under the
 * query's filters (as-of, status), whatever its instant */
static void test_event_range(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_instant first = 0, last = 0;
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_query_event_range(t, &q, &first, &last), FL_OK);
	assert_date(t, first, "1992-05-08");
	/* the end of 2023-karabakh's period (2023-09-20/2023-10): the map
	 * changes until then */
	assert_date(t, last, "2023-10-31");
	q.has_as_of = 1;
	assert_int_equal(fl_tracker_parse_date(t, "2020-11-10", FL_DATE_END, "t", &q.as_of), FL_OK);
	assert_int_equal(fl_query_event_range(t, &q, &first, &last), FL_OK);
	assert_date(t, first, "1992-05-08");
	/* 2020-11-10T00:00+03:00, 01:00 in Baku (it was 2020-11-09 in UTC) */
	assert_date(t, last, "2020-11-10");
	assert_int_equal(fl_instant_parse("1990-01-01", FL_DATE_END, "t", &q.as_of), FL_OK);
	assert_int_equal(fl_query_event_range(t, &q, &first, &last), FL_ENOTFOUND);
	assert_non_null(strstr(fl_error_last(), "no event"));
	assert_int_equal(fl_query_event_range(t, NULL, &first, &last), FL_EARG);
	fl_tracker_free(t);
}

/* before the first event nothing is held: by region every region has no
 * holder, by actor the one piece is the whole tracked area with no holder */
static void test_before_first_event(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("1990-01-01", FL_DATE_END, "t", &q.at), FL_OK);
	fl_snapshot *reg = NULL, *act = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &reg), FL_OK);
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &act), FL_OK);
	double total = 0;
	for (size_t i = 0; i < fl_snapshot_count(reg); i++) {
		assert_int_equal(fl_snapshot_at(reg, i)->holder, FL_NONE);
		total += fl_snapshot_at(reg, i)->area_km2;
	}
	assert_int_equal(fl_snapshot_count(reg), fl_tracker_region_count(t));
	assert_int_equal(fl_snapshot_count(act), 1);
	assert_int_equal(fl_snapshot_at(act, 0)->holder, FL_NONE);
	assert_true(fabs(fl_snapshot_at(act, 0)->area_km2 - total) < 1e-6 * total);
	fl_snapshot_free(reg);
	fl_snapshot_free(act);
	fl_tracker_free(t);
}

static void test_by_actor_areas(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("2020-11-24", FL_DATE_END, "t", &q.at), FL_OK);
	fl_snapshot *reg = NULL, *act = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &reg), FL_OK);
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &act), FL_OK);
	double want[8] = {0};
	for (size_t i = 0; i < fl_snapshot_count(reg); i++) {
		const fl_piece *p = fl_snapshot_at(reg, i);
		if (p->holder != FL_NONE)
			want[p->holder] += fl_tracker_region_at(t, (size_t)p->region)->area_km2;
	}
	assert_int_equal(fl_snapshot_count(act), 2);
	for (size_t i = 0; i < fl_snapshot_count(act); i++) {
		const fl_piece *p = fl_snapshot_at(act, i);
		assert_true(fabs(p->area_km2 - want[p->holder]) < 1e-6);
		size_t len = 0;
		assert_non_null(fl_snapshot_wkb(act, i, &len));
		assert_true(len > 100);
	}
	/* AM on 2020-11-24: Kalbajar and Lachin among others, over 4,000 km² */
	int AM = fl_tracker_find_actor(t, "AM");
	assert_true(want[AM] > 4000 && want[AM] < 10000);
	fl_snapshot_free(reg);
	fl_snapshot_free(act);
	fl_tracker_free(t);
}

/* A polygon event across two squares splits them: by region gives pieces. */
static void test_polygon_event(void **state)
{
	(void)state;
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source\n"
		   "base,2020-01-01,*,,X,,baseline,confirmed,test\n"
		   "adv,2020-02-01,,adv,Y,X,capture,confirmed,test\n");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("2020-02-01", FL_DATE_END, "t", &q.at), FL_OK);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	assert_int_equal(fl_snapshot_count(s), 5); /* a:X,Y  b:X,Y  c:X */
	double y = 0, all = 0;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		all += p->area_km2;
		if (p->holder == fl_tracker_find_actor(t, "Y"))
			y += p->area_km2;
	}
	/* one degree square at the equator is about 12,308 km² */
	assert_true(fabs(all / 3 - 12308.0) < 5);
	assert_true(fabs(y / all - 1.0 / 3) < 1e-4);
	fl_snapshot_free(s);
	q.at -= 86400;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &s), FL_OK);
	assert_int_equal(fl_snapshot_count(s), 1);
	fl_snapshot_free(s);
	fl_tracker_free(t);
	rm_tree(dir);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The tracker's own layers as GeoJSON: regions, zones, events (with the union
 * of their area as geometry); an unknown layer is refused. */
static void test_layers(void **state)
{
	(void)state;
	char *dir = tmp_tracker();
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	write_file(dir, "events.csv",
		   EVENTS_HEADER "base,2020-01-01,*,X,,baseline,confirmed,test,,,,\n"
				 "ab,2020-02-01,a;b,Y,X,capture,claimed,\"src, quoted\",,,,\n");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_tracker_write_layer_buffer(t, "regions", NULL, &buf, &len), FL_OK);
	assert_int_equal(strlen((char *)buf), len);
	assert_int_equal(count((char *)buf, "\"type\": \"Feature\""), 3);
	assert_non_null(strstr((char *)buf, "\"id\": \"b\""));
	fl_free(buf);
	assert_int_equal(fl_tracker_write_layer_buffer(t, "events", NULL, &buf, &len), FL_OK);
	assert_int_equal(count((char *)buf, "\"type\": \"Feature\""), 2);
	assert_non_null(strstr((char *)buf, "\"regions\": \"a;b\""));
	assert_non_null(strstr((char *)buf, "\"regions\": \"*\""));
	assert_non_null(strstr((char *)buf, "\"when\": \"2020-02-01T00:00:00Z\""));
	/* the union of a and b is one polygon, of all three one too */
	assert_int_equal(count((char *)buf, "\"type\": \"Polygon\""), 2);
	fl_free(buf);
	assert_int_equal(fl_tracker_write_layer_buffer(t, "zones", NULL, &buf, &len), FL_OK);
	assert_int_equal(count((char *)buf, "\"type\": \"Feature\""), 0);
	fl_free(buf);
	buf = (unsigned char *)"x";
	assert_int_equal(fl_tracker_write_layer_buffer(t, "actors", NULL, &buf, &len), FL_EARG);
	assert_null(buf);
	assert_non_null(strstr(fl_error_last(), "actors"));
	fl_tracker_free(t);
	rm_tree(dir);
}

/* The persistent index: a second open reuses the overlay; changing a source
 * file invalidates it; a damaged index is ignored. */
static void test_index(void **state)
{
	(void)state;
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source\n"
		   "base,2020-01-01,*,,X,,baseline,confirmed,test\n"
		   "adv,2020-02-01,,adv,Y,X,capture,confirmed,test\n");
	char idx[600];
	snprintf(idx, sizeof idx, "%s/.frontline-index", dir);
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("2020-02-01", FL_DATE_END, "t", &q.at), FL_OK);
	double y[4] = {0};
	for (int round = 0; round < 4; round++) {
		if (round == 2) /* damage the index: it must be ignored and rebuilt */
			write_file(dir, ".frontline-index", "FLIDX002 garbage");
		if (round == 3) { /* a changed source: a bigger advance */
			sleep(1); /* a new modification time */
			write_file(dir, "areas.geojson",
				   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
				   "\"properties\":{\"id\":\"adv\"},\"geometry\":{\"type\":\"Polygon\","
				   "\"coordinates\":[[[0.5,0],[2.5,0],[2.5,1],[0.5,1],[0.5,0]]]}}]}");
		}
		fl_tracker *t = NULL;
		assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
		assert_int_equal(access(idx, R_OK), 0);
		fl_snapshot *s = NULL;
		assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &s), FL_OK);
		for (size_t i = 0; i < fl_snapshot_count(s); i++)
			if (fl_snapshot_at(s, i)->holder == fl_tracker_find_actor(t, "Y"))
				y[round] = fl_snapshot_at(s, i)->area_km2;
		fl_snapshot_free(s);
		fl_tracker_free(t);
	}
	assert_true(y[0] > 12000 && y[0] < 12400); /* one square degree at the equator */
	assert_true(fabs(y[1] - y[0]) < 1e-9);   /* from the index: the same */
	assert_true(fabs(y[2] - y[0]) < 1e-9);   /* rebuilt after damage: the same */
	assert_true(fabs(y[3] - 2 * y[0]) < 1);  /* rebuilt after the change: twice */
	rm_tree(dir);
}

/* Three regions drawn with a T-junction: the bottom one's top edge runs from
 * (2,1) to (0,1) in one piece, the two above it meet at (1,1), a vertex the
 * bottom one does not have.  Their borders do not cancel edge for edge; the
 * unions by actor must still be single valid polygons (through GEOS's
 * overlay), from the sources and from the index, which keeps the finding. */
#define TJ_REGIONS                                                                               \
	"{\"type\":\"FeatureCollection\",\"features\":["                                          \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"name\":\"A\"},\"geometry\":{\"type\":"    \
	"\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},"                        \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"b\",\"name\":\"B\"},\"geometry\":{\"type\":"    \
	"\"Polygon\",\"coordinates\":[[[0,1],[1,1],[1,2],[0,2],[0,1]]]}},"                        \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"c\",\"name\":\"C\"},\"geometry\":{\"type\":"    \
	"\"Polygon\",\"coordinates\":[[[1,1],[2,1],[2,2],[1,2],[1,1]]]}}]}"

static void expect_actor_polygons(const fl_tracker *t, const char *date, const char *actor,
				  double want_deg2)
{
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse(date, FL_DATE_END, "t", &q.at), FL_OK);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &s), FL_OK);
	bool found = false;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		if (fl_snapshot_at(s, i)->holder != fl_tracker_find_actor(t, actor))
			continue;
		found = true;
		GEOSContextHandle_t h = t->geos;
		const GEOSGeometry *g = fl__snapshot_geom(s, i);
		assert_non_null(g);
		assert_int_equal(GEOSisValid_r(h, g), 1);
		/* one polygon: the pieces are joined, not laid side by side */
		assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_POLYGON);
		double a = 0;
		assert_int_equal(GEOSArea_r(h, g, &a), 1);
		assert_true(fabs(a - want_deg2) < 1e-12);
	}
	assert_true(found);
	fl_snapshot_free(s);
}

static void test_t_junction(void **state)
{
	(void)state;
	char *dir = tmp_tracker();
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", TJ_REGIONS);
	write_file(dir, "events.csv", EVENTS_HEADER "base,2000-01-01,*,X,,baseline,confirmed,test,,,,false\n"
					 "c,2001-01-01,c,Y,X,capture,confirmed,test,,,,false\n");
	for (int round = 0; round < 2; round++) {
		fl_tracker *t = NULL;
		assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
		/* from the sources it is found when first needed; from the index, kept */
		assert_int_equal(t->coverage, round ? FL__COVERAGE_LOOSE : FL__COVERAGE_UNKNOWN);
		expect_actor_polygons(t, "2000-06-01", "X", 4);
		assert_int_equal(t->coverage, FL__COVERAGE_LOOSE);
		expect_actor_polygons(t, "2001-06-01", "X", 3);
		expect_actor_polygons(t, "2001-06-01", "Y", 1);
		/* the events layer: the baseline's area is the three regions joined */
		unsigned char *buf = NULL;
		size_t len = 0;
		assert_int_equal(fl_tracker_write_layer_buffer(t, "events", "FlatGeobuf", &buf, &len), FL_OK);
		VSILFILE *fp = VSIFileFromMemBuffer("/vsimem/tj-events.fgb", buf, len, FALSE);
		VSIFCloseL(fp);
		GDALDatasetH ds = GDALOpenEx("/vsimem/tj-events.fgb", GDAL_OF_VECTOR, NULL, NULL, NULL);
		assert_non_null(ds);
		OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
		OGRFeatureH f; /* (FlatGeobuf orders features by its spatial index) */
		while ((f = OGR_L_GetNextFeature(lyr)) &&
		       strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")), "base"))
			OGR_F_Destroy(f);
		assert_non_null(f);
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		assert_true(OGR_G_IsValid(g));
		/* one polygon (FlatGeobuf's layer is of MultiPolygons) */
		assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(g)), wkbMultiPolygon);
		assert_int_equal(OGR_G_GetGeometryCount(g), 1);
		assert_true(fabs(OGR_G_Area(g) - 4) < 1e-12);
		OGR_F_Destroy(f);
		GDALClose(ds);
		VSIUnlink("/vsimem/tj-events.fgb");
		fl_free(buf);
		if (!round)
			fl__index_save(t); /* small trackers get none by themselves */
		fl_tracker_free(t);
	}
	/* check warns, naming the regions and the place */
	fl_check_report *rep = NULL;
	assert_int_equal(fl_check_run(dir, &rep), FL_OK);
	assert_int_equal(fl_check_count(rep), 1);
	assert_int_equal(fl_check_errors(rep), 0);
	const fl_check_item *it = fl_check_at(rep, 0);
	assert_non_null(strstr(it->message, "T-junction"));
	assert_non_null(strstr(it->message, "near 1.0000000, 1.0000000"));
	assert_non_null(strstr(it->message, "regions 'a' and 'b'"));
	fl_check_free(rep);
	/* squares that meet vertex for vertex take the edge-cancelling union */
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	char idx[600];
	snprintf(idx, sizeof idx, "%s/.frontline-index", dir);
	unlink(idx);
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	expect_actor_polygons(t, "2000-06-01", "X", 3);
	assert_int_equal(t->coverage, FL__COVERAGE_CLEAN);
	fl_tracker_free(t);
	assert_int_equal(fl_check_run(dir, &rep), FL_OK);
	assert_int_equal(fl_check_count(rep), 0);
	fl_check_free(rep);
	rm_tree(dir);
}

/* The tracker in dir read from its sources (*src, without errors), its index
 * written, and opened again from that index (*idx). */
static void open_both(const char *dir, fl_tracker **src, fl_tracker **idx)
{
	fl__diags d = {0};
	assert_int_equal(fl__tracker_load(dir, false, &d, src), FL_OK);
	assert_int_equal(d.nerrors, 0);
	fl__diags_free(&d);
	fl__index_save(*src);
	assert_int_equal(fl_tracker_open(dir, idx), FL_OK);
	assert_non_null((*idx)->arena); /* read from the index */
}

/* The events corrected, listed from the index's columns and as a
 * tracker read from its sources finds them: the same active events. */
static void test_corrections_from_index(void **state)
{
	(void)state;
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source,corrects,recorded\n"
		   "base,2020-01-01,*,,X,,baseline,confirmed,test,,\n"
		   "adv,2020-02-01,,adv,Y,X,capture,claimed,test,,\n"
		   "c1,2020-03-01,c,,Y,X,capture,confirmed,test,,\n"
		   "fix,2020-02-01,,adv,X,,correction,confirmed,test,adv,2020-04-01\n"
		   "ret,2020-03-01,,,,,retraction,confirmed,test,c1,2020-05-01\n");
	fl_tracker *src = NULL, *idx = NULL;
	open_both(dir, &src, &idx);
	fl_query qs[4] = {fl_query_at(0), fl_query_at(0), fl_query_at(0), fl_query_at(0)};
	qs[1].confirmed_only = 1;
	qs[2].has_as_of = qs[3].has_as_of = 1;
	assert_int_equal(fl_instant_parse("2020-02-15", FL_DATE_END, "t", &qs[2].as_of), FL_OK);
	assert_int_equal(fl_instant_parse("2020-04-15", FL_DATE_END, "t", &qs[3].as_of), FL_OK);
	for (int k = 0; k < 4; k++) {
		unsigned char *a = fl__active_events(src, &qs[k]), *b = fl__active_events(idx, &qs[k]);
		assert_non_null(a);
		assert_non_null(b);
		assert_memory_equal(a, b, src->nevents);
		/* 'adv' is corrected by 'fix', unless the correction is not recorded yet */
		assert_int_equal(a[1], k == 2);
		assert_int_equal(a[3], k != 2);
		/* 'c1' is retracted by 'ret' once it is recorded */
		assert_int_equal(a[2], k == 3);
		assert_int_equal(a[4], k < 2);
		free(a), free(b);
	}
	/* the retraction read back from the index: no holder, no atom */
	const fl_event *r = fl_tracker_event_at(idx, 4);
	assert_int_equal(r->kind, FL_KIND_RETRACTION);
	assert_int_equal(r->to, FL_NONE);
	assert_int_equal(r->corrects, 2);
	assert_int_equal(idx->ec.atom0[5], idx->ec.atom0[4]);
	fl_tracker_free(src);
	fl_tracker_free(idx);
	rm_tree(dir);
}


/* A tracker for the index's event columns: corrections, a polygon, region
 * lists, notes, a partial event; a log out of time order (the apply order
 * is then no identity) or in time order. */
static char *columns_tracker_ordered(bool in_time_order)
{
	char *dir = advance_tracker();
	assert_non_null(dir);
	write_file(dir, "events.csv",
		   in_time_order
			   ? "id,date,regions,area,to,from,kind,status,source,note,corrects,recorded,partial\n"
			     "base,2020-01-01,*,,X,,baseline,confirmed,src-a,,,,\n"
			     "adv,2020-02-01,,adv,Y,X,capture,claimed,src-b,\"a note, quoted\",,,\n"
			     "fix,2020-02-15,,adv,X,,correction,confirmed,src-b,,adv,2020-04-01,\n"
			     "c1,2020-03-01,c;b,,Y,X,capture,confirmed,src-a,,,,true\n"
			   : "id,date,regions,area,to,from,kind,status,source,note,corrects,recorded,partial\n"
			     "base,2020-01-01,*,,X,,baseline,confirmed,src-a,,,,\n"
			     "adv,2020-02-01,,adv,Y,X,capture,claimed,src-b,\"a note, quoted\",,,\n"
			     "c1,2020-03-01,c;b,,Y,X,capture,confirmed,src-a,,,,true\n"
			     "fix,2020-02-01,,adv,X,,correction,confirmed,src-b,,adv,2020-04-01,\n");
	return dir;
}

static char *columns_tracker(void)
{
	return columns_tracker_ordered(false);
}

static void expect_same_event(const fl_event *a, const fl_event *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->date, b->date);
	assert_string_equal(a->source, b->source);
	assert_string_equal(a->note ? a->note : "", b->note ? b->note : "");
	assert_string_equal(a->file, b->file);
	assert_true(a->when == b->when && a->recorded == b->recorded);
	assert_int_equal(a->all_regions, b->all_regions);
	assert_int_equal(a->nregions, b->nregions);
	for (size_t k = 0; k < a->nregions; k++)
		assert_int_equal(a->regions[k], b->regions[k]);
	assert_int_equal(a->has_polygon, b->has_polygon);
	assert_int_equal(a->to, b->to);
	assert_int_equal(a->from, b->from);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->corrects, b->corrects);
	assert_int_equal(a->partial, b->partial);
	assert_int_equal(a->line, b->line);
}

/* The area of feature `id` of an events layer written as GeoJSON (in square
 * degrees), or -1 when it has no geometry. */
static double event_area(const fl_tracker *t, const char *id)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_tracker_write_layer_buffer(t, "events", NULL, &buf, &len), FL_OK);
	VSILFILE *fp = VSIFileFromMemBuffer("/vsimem/ev.geojson", buf, len, FALSE);
	VSIFCloseL(fp);
	GDALDatasetH ds = GDALOpenEx("/vsimem/ev.geojson", GDAL_OF_VECTOR, NULL, NULL, NULL);
	assert_non_null(ds);
	OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
	OGRFeatureH f;
	double area = -2;
	while ((f = OGR_L_GetNextFeature(lyr))) {
		if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")), id)) {
			OGRGeometryH g = OGR_F_GetGeometryRef(f);
			area = g ? OGR_G_Area(g) : -1;
		}
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
	VSIUnlink("/vsimem/ev.geojson");
	fl_free(buf);
	return area;
}

/* Read from the index, events are columns in its mapping: none is filled at
 * open, each is filled when asked for, and every field is the one the
 * sources give.  The events layer of a polygon event read from the index has
 * its area as geometry (it had none: the index keeps no event polygons). */
static void test_events_from_index(void **state)
{
	(void)state;
	char *dir = columns_tracker();
	fl_tracker *src = NULL, *idx = NULL;
	open_both(dir, &src, &idx);
	assert_null(src->ev_ready); /* from the sources: all there */
	assert_int_equal(fl_tracker_event_count(idx), 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(idx->ev_ready[i], 0);
	expect_same_event(fl_tracker_event_at(idx, 2), fl_tracker_event_at(src, 2));
	assert_int_equal(idx->ev_ready[2], 1);
	assert_int_equal(idx->ev_ready[1] + idx->ev_ready[3], 0);
	for (size_t i = 0; i < 4; i++)
		expect_same_event(fl_tracker_event_at(idx, i), fl_tracker_event_at(src, i));
	assert_int_equal(fl_tracker_event_at(idx, 2)->partial, 1);
	assert_int_equal(fl_tracker_event_at(idx, 3)->corrects, 1);
	/* the log is out of time order: the apply order is the sources' */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(fl_tracker_event_order(idx)[i], fl_tracker_event_order(src)[i]);
	assert_int_equal(fl_tracker_event_order(idx)[2], 3);
	/* the query columns: the same as the sources' */
	for (size_t i = 0; i < 4; i++) {
		size_t na, nb;
		const uint32_t *a = fl__event_atoms(src, i, &na), *b = fl__event_atoms(idx, i, &nb);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na * sizeof *a);
		assert_true(src->ec.when[i] == idx->ec.when[i]);
		assert_int_equal(src->ec.to[i], idx->ec.to[i]);
	}
	/* the polygon event's area (a unit square) and the correction's */
	assert_true(fabs(event_area(src, "adv") - 1) < 1e-9);
	assert_true(fabs(event_area(idx, "adv") - 1) < 1e-9);
	assert_true(fabs(event_area(idx, "fix") - 1) < 1e-9);
	assert_true(fabs(event_area(idx, "c1") - 2) < 1e-9);
	fl_tracker_free(src);
	fl_tracker_free(idx);
	rm_tree(dir);
}

/* Two byte strings (WKB, GeoJSON) are the same. */
static void expect_same_bytes(const unsigned char *a, size_t la, const unsigned char *b, size_t lb)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
}

/* Read from the index, a region's shape stays WKB in the mapping until
 * something draws or writes it (queries never do); the regions layer is
 * then the sources' byte for byte, and the order the API gives is the
 * engine's. */
static void test_regions_from_index(void **state)
{
	(void)state;
	char *dir = columns_tracker();
	fl_tracker *src = NULL, *idx = NULL;
	open_both(dir, &src, &idx);
	assert_true(idx->nregions > 0);
	for (size_t i = 0; i < idx->nregions; i++) {
		assert_null(idx->regions[i].geom);
		assert_non_null(idx->regions[i].wkb);
	}
	/* a snapshot by region builds no region geometry */
	fl_query q = fl_query_at(0);
	assert_int_equal(fl_instant_parse("2021-01-01", FL_DATE_END, "test", &q.at), FL_OK);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(idx, &q, FL_BY_REGION, &s), FL_OK);
	assert_true(fl_snapshot_count(s) > 0);
	fl_snapshot_free(s);
	assert_null(idx->regions[0].geom);
	unsigned char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	assert_int_equal(fl_tracker_write_layer_buffer(src, "regions", NULL, &a, &la), FL_OK);
	assert_int_equal(fl_tracker_write_layer_buffer(idx, "regions", NULL, &b, &lb), FL_OK);
	assert_int_equal(count((char *)b, "\"type\": \"Feature\""), (int)idx->nregions);
	expect_same_bytes(a, la, b, lb);
	fl_free(a), fl_free(b);
	for (size_t i = 0; i < idx->nregions; i++)
		assert_non_null(idx->regions[i].geom);
	const size_t *o = fl_tracker_event_order(idx);
	for (size_t i = 0; i < idx->nevents; i++)
		assert_int_equal(o[i], idx->order[i]);
	assert_ptr_equal(fl_tracker_event_order(idx), o); /* made once */
	fl_tracker_free(src);
	fl_tracker_free(idx);
	rm_tree(dir);
}

/* Read from the index, a piece of one atom is that atom's WKB as it lies in
 * the index (no GEOS round trip): the pieces, their WKB, their GEOS
 * geometries and the GeoJSON of snapshots and diffs are those of the
 * tracker read from its sources, byte for byte. */
static void test_pieces_from_index(void **state)
{
	(void)state;
	char *dir = columns_tracker();
	fl_tracker *src = NULL, *idx = NULL;
	open_both(dir, &src, &idx);
	GEOSContextHandle_t h = idx->geos;
	const char *dates[] = {"2020-01-15", "2020-02-20", "2020-03-15"};
	size_t singles = 0;
	for (size_t k = 0; k < 3; k++)
		for (int by = FL_BY_REGION; by <= FL_BY_ACTOR; by++) {
			fl_query q = fl_query_at(0);
			assert_int_equal(fl_instant_parse(dates[k], FL_DATE_END, "test", &q.at), FL_OK);
			fl_snapshot *a = NULL, *b = NULL;
			assert_int_equal(fl_snapshot_new(src, &q, (fl_group)by, &a), FL_OK);
			assert_int_equal(fl_snapshot_new(idx, &q, (fl_group)by, &b), FL_OK);
			assert_int_equal(fl_snapshot_count(a), fl_snapshot_count(b));
			for (size_t i = 0; i < fl_snapshot_count(b); i++) {
				size_t la = 0, lb = 0;
				const unsigned char *wa = fl_snapshot_wkb(a, i, &la);
				const unsigned char *wb = fl_snapshot_wkb(b, i, &lb);
				expect_same_bytes(wa, la, wb, lb);
				assert_true(fabs(fl_snapshot_at(a, i)->area_km2 -
						 fl_snapshot_at(b, i)->area_km2) < 1e-12);
				singles += by == FL_BY_REGION;
				/* drawn, it is a GEOS geometry, the same one */
				const GEOSGeometry *ga = fl__snapshot_geom(a, i), *gb = fl__snapshot_geom(b, i);
				assert_non_null(gb);
				assert_int_equal(GEOSEqualsExact_r(h, ga, gb, 0), 1);
				assert_ptr_equal(fl__snapshot_geom(b, i), gb); /* built once */
			}
			unsigned char *ja = NULL, *jb = NULL;
			size_t la = 0, lb = 0;
			assert_int_equal(fl_snapshot_write_buffer(a, NULL, &ja, &la), FL_OK);
			assert_int_equal(fl_snapshot_write_buffer(b, NULL, &jb, &lb), FL_OK);
			expect_same_bytes(ja, la, jb, lb);
			fl_free(ja), fl_free(jb);
			fl_snapshot_free(a), fl_snapshot_free(b);
		}
	assert_true(singles > 3);
	for (int by = FL_BY_REGION; by <= FL_BY_ACTOR; by++) {
		fl_query q = fl_query_at(0);
		fl_instant t1, t2;
		assert_int_equal(fl_instant_parse("2020-01-15", FL_DATE_END, "test", &t1), FL_OK);
		assert_int_equal(fl_instant_parse("2020-03-15", FL_DATE_END, "test", &t2), FL_OK);
		fl_diff *a = NULL, *b = NULL;
		assert_int_equal(fl_diff_new(src, &q, t1, t2, (fl_group)by, &a), FL_OK);
		assert_int_equal(fl_diff_new(idx, &q, t1, t2, (fl_group)by, &b), FL_OK);
		assert_int_equal(fl_diff_count(a), fl_diff_count(b));
		assert_true(fl_diff_count(b) > 0);
		for (size_t i = 0; i < fl_diff_count(b); i++) {
			size_t la = 0, lb = 0;
			const unsigned char *wa = fl_diff_wkb(a, i, &la);
			const unsigned char *wb = fl_diff_wkb(b, i, &lb);
			expect_same_bytes(wa, la, wb, lb);
			assert_int_equal(GEOSEqualsExact_r(h, fl__diff_geom(a, i), fl__diff_geom(b, i), 0), 1);
		}
		unsigned char *ja = NULL, *jb = NULL;
		size_t la = 0, lb = 0;
		assert_int_equal(fl_diff_write_buffer(a, NULL, &ja, &la), FL_OK);
		assert_int_equal(fl_diff_write_buffer(b, NULL, &jb, &lb), FL_OK);
		expect_same_bytes(ja, la, jb, lb);
		fl_free(ja), fl_free(jb);
		fl_diff_free(a), fl_diff_free(b);
	}
	fl_tracker_free(src);
	fl_tracker_free(idx);
	rm_tree(dir);
}

/* One byte of the index changed at offset `at` (of the mapping `base`):
 * the open ignores the index and reads the sources. */
typedef struct damage {
	const char *what;
	size_t at;
	const void *bytes;
	size_t n;
} damage;

static void expect_index_refused(const char *dir, const unsigned char *good, size_t len,
				 const damage *dm, const fl_tracker *ref)
{
	char path[600];
	snprintf(path, sizeof path, "%s/.frontline-index", dir);
	unsigned char *bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, good, len);
	assert_true(dm->at + dm->n <= len);
	memcpy(bad + dm->at, dm->bytes, dm->n);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bad, 1, len, fp), len);
	fclose(fp);
	free(bad);
	fl_tracker *t = NULL;
	fl_status st = fl_tracker_open(dir, &t);
	if (st != FL_OK || t->arena)
		fail_msg("damaged index (%s) was not refused", dm->what);
	for (size_t i = 0; i < fl_tracker_event_count(ref); i++)
		expect_same_event(fl_tracker_event_at(t, i), fl_tracker_event_at(ref, i));
	fl_tracker_free(t);
}

/* Every event column is checked when the index is opened: a value out of
 * range, a list running backwards or past its pool, a string offset past
 * the strings, an instant against the apply order: each is refused and
 * the tracker read from its sources. */
static void index_columns_checked(bool in_time_order)
{
	char *dir = columns_tracker_ordered(in_time_order);
	fl_tracker *ref = NULL, *idx = NULL;
	open_both(dir, &ref, &idx);
	/* the log in time order applies in file order (ranks are the order) */
	assert_int_equal(idx->rank == idx->order, in_time_order);
	const unsigned char *base = idx->arena;
	size_t len = idx->arena_len;
	unsigned char *good = malloc(len);
	assert_non_null(good);
	memcpy(good, base, len);
	const fl__evcols *c = &idx->ec;
#define OFF(p) ((size_t)((const unsigned char *)(p) - base))
	int32_t two = 2, five = 5, four = 4, big = 1 << 30, minus1 = -1, minus2 = -2;
	uint64_t huge = (uint64_t)1 << 40, three = 3;
	uint8_t k99 = 99, s9 = 9, x = 'x';
	uint32_t past = 0;
	uint64_t nstr;
	memcpy(&nstr, c->strings - 8, 8);
	past = (uint32_t)nstr;
	uint32_t natoms = (uint32_t)idx->natoms;
	fl_instant late = (fl_instant)4102444800; /* 2100: after every other event */
	/* the timelines lie in place after the apply order (u32 each); an atom
	 * with two events or more, for one out of order */
	size_t a2 = 0;
	while (a2 < idx->natoms && idx->atoms[a2].ntl < 2)
		a2++;
	assert_true(a2 < idx->natoms);
	uint32_t swapped[2] = {idx->atoms[a2].tl[1], idx->atoms[a2].tl[0]};
	uint32_t ne32 = (uint32_t)idx->nevents;
	size_t order_at = OFF(idx->atoms[0].tl) - 4 - 4 * idx->nevents;
	uint32_t first_again;
	memcpy(&first_again, base + order_at, 4);
	/* the first region's WKB: its type, and its first point's x */
	const unsigned char *rw = idx->regions[0].wkb;
	uint32_t rtype, point = 1;
	memcpy(&rtype, rw + 1, 4);
	assert_true(rw[0] == 1 && (rtype == 3 || rtype == 6));
	size_t x0 = rtype == 3 ? 13 : 22; /* after the headers of ring (and polygon) */
	double lon200 = 200;
	const damage cases[] = {
		{"holder out of range", OFF(&c->to[0]), &two, 4},
		{"previous holder out of range", OFF(&c->from[1]), &five, 4},
		{"holder negative", OFF(&c->to[1]), &minus1, 4},
		{"previous holder below none", OFF(&c->from[2]), &minus2, 4},
		{"region negative", OFF(&c->regions[0]), &minus1, 4},
		{"correction of no event", OFF(&c->corrects[3]), &four, 4},
		{"kind out of range", OFF(&c->kind[0]), &k99, 1},
		{"status out of range", OFF(&c->status[0]), &s9, 1},
		{"note past the strings", OFF(&c->s_note[1]), &past, 4},
		{"id past the strings", OFF(&c->s_id[0]), &past, 4},
		{"region list past its pool", OFF(&c->reg0[4]), &huge, 8},
		{"region list backwards", OFF(&c->reg0[1]), &three, 8},
		{"atom list past its pool", OFF(&c->atom0[4]), &huge, 8},
		{"region out of range", OFF(&c->regions[0]), &big, 4},
		{"atom out of range", OFF(&c->atoms[0]), &natoms, 4},
		{"strings not NUL-terminated", OFF(c->strings + nstr - 1), &x, 1},
		{"instant against the apply order", OFF(&c->when[0]), &late, 8},
		{"string table longer than the file", OFF(c->strings - 8), &huge, 8},
		{"timeline entry of no event", OFF(&idx->atoms[a2].tl[1]), &ne32, 4},
		{"timeline out of apply order", OFF(idx->atoms[a2].tl), swapped, 8},
		{"apply order repeating an event", order_at + 4, &first_again, 4},
		{"region not a polygon", OFF(rw + 1), &point, 4},
		{"region point outside lon/lat", OFF(rw + x0), &lon200, 8},
	};
#undef OFF
	fl_tracker_free(idx);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_index_refused(dir, good, len, &cases[i], ref);
	free(good);
	fl_tracker_free(ref);
	rm_tree(dir);
}

static void test_index_columns_checked(void **state)
{
	(void)state;
	index_columns_checked(false);
	index_columns_checked(true);
}

/* A polygon event below the 1 cm grid has no atoms: read from the index,
 * its feature in the events layer has no geometry, and the layer is
 * written (it failed the whole layer). */
static void test_events_layer_tiny_polygon(void **state)
{
	(void)state;
	char *dir = tmp_tracker();
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	write_file(dir, "areas.geojson",
		   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		   "{\"id\":\"tiny\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		   "[[[0.5,0.5],[0.500000001,0.5],[0.5,0.500000001],[0.5,0.5]]]}}]}");
	write_file(dir, "events.csv",
		   "id,date,regions,area,to,from,kind,status,source\n"
		   "base,2020-01-01,*,,X,,baseline,confirmed,test\n"
		   "tiny,2020-02-01,,tiny,Y,X,capture,confirmed,test\n");
	fl_tracker *src = NULL, *idx = NULL;
	open_both(dir, &src, &idx);
	size_t n;
	fl__event_atoms(src, 1, &n);
	assert_int_equal(n, 0); /* nothing left on the grid */
	assert_true(event_area(idx, "tiny") == -1);
	assert_true(fabs(event_area(idx, "base") - 3) < 1e-9);
	fl_tracker_free(src);
	fl_tracker_free(idx);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handovers),
		cmocka_unit_test(test_as_of_and_status),
		cmocka_unit_test(test_by_actor_areas),
		cmocka_unit_test(test_event_range),
		cmocka_unit_test(test_before_first_event),
		cmocka_unit_test(test_polygon_event),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_t_junction),
		cmocka_unit_test(test_corrections_from_index),
		cmocka_unit_test(test_events_from_index),
		cmocka_unit_test(test_regions_from_index),
		cmocka_unit_test(test_pieces_from_index),
		cmocka_unit_test(test_index_columns_checked),
		cmocka_unit_test(test_events_layer_tiny_polygon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
