/*
 * test_output.c: GeoJSON written on several threads (src/output_parallel.c):
 * the join of the parts GDAL writes, the layouts it refuses, and sinks that
 * must give the same bytes on one thread and on several; and what RFC 7946
 * asks of the coordinates (src/wkb_rfc7946.c): rounded to 7 decimals, rings
 * wound by the right-hand rule.
 */
#include <gdal.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "geo.h"
#include "output_parallel.h"
#include "sink.h"
#include "wkb.h"
#include "wkb_rfc7946.h"

#define HEAD "{\n\"type\": \"FeatureCollection\",\n\"name\": \"control\",\n\"features\": [\n"
#define TAIL "\n]\n}\n"
#define F1 "{ \"type\": \"Feature\", \"properties\": { \"id\": \"a\" }, \"geometry\": null }"
#define F2 "{ \"type\": \"Feature\", \"properties\": { \"id\": \"b\" }, \"geometry\": null }"

static void body_of(const char *text, fl_status want, size_t want_h, size_t want_b)
{
	size_t h = 99, b = 99;
	fl_status st = fl__geojson_body((const unsigned char *)text, strlen(text), &h, &b);
	assert_int_equal(st, want);
	if (!st) {
		assert_int_equal(h, want_h);
		assert_int_equal(b, want_b);
	} else {
		assert_non_null(strstr(fl_error_last(), "layout"));
	}
}

static void test_body(void **state)
{
	(void)state;
	const size_t hl = strlen(HEAD);
	body_of(HEAD TAIL, FL_OK, hl, 0);
	body_of(HEAD F1 TAIL, FL_OK, hl, strlen(F1));
	body_of(HEAD F1 ",\n" F2 TAIL, FL_OK, hl, strlen(F1 ",\n" F2));
	/* layouts it does not know are refused, not guessed at */
	body_of("", FL_EIO, 0, 0);
	body_of("{\"type\": \"FeatureCollection\", \"features\": []}", FL_EIO, 0, 0);
	body_of(HEAD F1 "\n]}", FL_EIO, 0, 0);
	body_of(HEAD F1 "\n]\n}\n\n", FL_EIO, 0, 0);
	body_of("\"features\": [\n", FL_EIO, 0, 0);
}

static void join_is(const char *main, const char *header, const char *body, const char *want)
{
	unsigned char *out = NULL;
	size_t n = 0;
	fl_status st = fl__geojson_join((const unsigned char *)main, strlen(main), header,
					header ? strlen(header) : 0, body, strlen(body), &out, &n);
	if (!want) {
		assert_int_equal(st, FL_EIO);
		assert_null(out);
		return;
	}
	assert_int_equal(st, FL_OK);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], 0);
	free(out);
}

static void test_join(void **state)
{
	(void)state;
	/* the layer itself empty: the parts' features alone */
	join_is(HEAD TAIL, HEAD, F1 ",\n" F2, HEAD F1 ",\n" F2 TAIL);
	/* the layer's own features first, then the parts' */
	join_is(HEAD F1 TAIL, HEAD, F2, HEAD F1 ",\n" F2 TAIL);
	join_is(HEAD F1 TAIL, HEAD, "", HEAD F1 TAIL);
	join_is(HEAD TAIL, HEAD, "", HEAD TAIL);
	/* a part's header unlike the layer's (another name): refused */
	join_is(HEAD TAIL, "{\n\"type\": \"FeatureCollection\",\n\"name\": \"other\",\n\"features\": [\n",
		F1, NULL);
	join_is("{}", HEAD, F1, NULL);
}

/* n squares of `sides` vertices each (as circles), written as GeoJSON on
 * `threads` threads; returns the file. */
static unsigned char *write_squares(int threads, size_t n, int sides, size_t *len, unsigned *nparts)
{
	assert_int_equal(fl_set_threads(threads), FL_OK);
	unsigned long before = fl__geojson_parts_written();
	static const fl__field fields[] = {{"id", FL__STR}, {"area_km2", FL__REAL}, {"since", FL__DATE},
					   {"partial", FL__BOOL}};
	fl__sink *k = NULL;
	assert_int_equal(fl__sink_open(NULL, "GeoJSON", "control", fields, 4, true, &k), FL_OK);
	GEOSContextHandle_t h = GEOS_init_r();
	for (size_t i = 0; i < n; i++) {
		double cx = (double)(i % 100) * 0.01, cy = (double)(i / 100) * 0.01;
		GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)sides + 1, 2);
		for (int v = 0; v <= sides; v++) {
			double a = 2 * 3.141592653589793 * (v % sides) / sides;
			GEOSCoordSeq_setXY_r(h, cs, (unsigned)v, cx + 0.004 * cos(a), cy + 0.004 * sin(a));
		}
		GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, cs);
		GEOSGeometry *poly = GEOSGeom_createPolygon_r(h, ring, NULL, 0);
		char id[32];
		snprintf(id, sizeof id, "s%zu", i);
		fl__value v[4] = {{.s = id}, {.d = (double)i / 7}, {.t = (fl_instant)i * 86400}, {.i = (long long)(i & 1)}};
		if (i % 13 == 5)
			v[1].null = true;
		assert_int_equal(fl__sink_add(k, v, h, i % 17 == 3 ? NULL : poly), FL_OK);
		GEOSGeom_destroy_r(h, poly);
	}
	GEOS_finish_r(h);
	unsigned char *buf = NULL;
	assert_int_equal(fl__sink_commit_mem(k, &buf, len), FL_OK);
	*nparts = (unsigned)(fl__geojson_parts_written() - before);
	return buf;
}

/* parts: whether several threads must have written (enough points) */
static void same_bytes(size_t n, int sides, bool parts)
{
	size_t l1 = 0;
	unsigned np = 99;
	unsigned char *one = write_squares(1, n, sides, &l1, &np);
	assert_int_equal(np, 0);
	/* a feature per line, in order */
	size_t lines = 0;
	for (size_t i = 0; i < l1; i++)
		lines += one[i] == '\n';
	assert_int_equal(lines, n ? n + 6 : 7); /* 4 lines of header, 3 of end */
	if (n)
		assert_non_null(strstr((char *)one, "\"id\": \"s0\""));
	for (int t = 2; t <= 5; t += 3) {
		size_t lt = 0;
		unsigned char *many = write_squares(t, n, sides, &lt, &np);
		if (parts)
			assert_true(np >= 2);
		else
			assert_int_equal(np, 0);
		assert_int_equal(lt, l1);
		assert_memory_equal(many, one, l1);
		free(many);
	}
	free(one);
}

static void test_same_bytes(void **state)
{
	(void)state;
	same_bytes(0, 8, false);
	same_bytes(1, 3000, false); /* one feature, many points: one thread */
	same_bytes(3, 8, false);    /* few points: one thread writes into the layer */
	same_bytes(2000, 12, true); /* in parts */
	same_bytes(7, 1000, true);  /* a few heavy features */
}

/* More features than the queue holds: it is written several times, each
 * time in parts, and the parts follow each other in order. */
static void test_queue_flushed_twice(void **state)
{
	(void)state;
	same_bytes(100000 + 1500, 4, true);
}

/* ---- RFC 7946 coordinates (wkb_rfc7946.c) ---- */

static GEOSGeometry *ring_of(GEOSContextHandle_t h, const double *xy, unsigned n)
{
	GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, n, 2);
	for (unsigned i = 0; i < n; i++)
		GEOSCoordSeq_setXY_r(h, cs, i, xy[2 * i], xy[2 * i + 1]);
	return GEOSGeom_createLinearRing_r(h, cs);
}

/* exterior clockwise, hole counterclockwise (both wrong for RFC 7946), with
 * coordinates off the grid and one just below zero */
static GEOSGeometry *wrong_polygon(GEOSContextHandle_t h, double dx)
{
	const double shell[] = {dx + 0.00000004, 0, dx + 0, 1.23456789, dx + 1.00000006, 1.23456789,
				dx + 1, -0.00000001, dx + 0.00000004, 0};
	const double hole[] = {dx + 0.2, 0.2, dx + 0.8, 0.2, dx + 0.8, 0.8, dx + 0.2, 0.8, dx + 0.2, 0.2};
	GEOSGeometry *holes[1] = {ring_of(h, hole, 5)};
	return GEOSGeom_createPolygon_r(h, ring_of(h, shell, 5), holes, 1);
}

static bool ring_ccw(GEOSContextHandle_t h, const GEOSGeometry *ring)
{
	char ccw = 0;
	assert_int_equal(GEOSCoordSeq_isCCW_r(h, GEOSGeom_getCoordSeq_r(h, ring), &ccw), 1);
	return ccw != 0;
}

static void check_rfc7946_polygon(GEOSContextHandle_t h, const GEOSGeometry *p)
{
	assert_int_equal(GEOSGeomTypeId_r(h, p), GEOS_POLYGON);
	assert_true(ring_ccw(h, GEOSGetExteriorRing_r(h, p)));
	for (int k = 0; k < GEOSGetNumInteriorRings_r(h, p); k++)
		assert_false(ring_ccw(h, GEOSGetInteriorRingN_r(h, p, k)));
}

/* every coordinate a whole number of 1e-7 degrees, and no -0 */
static void check_on_grid(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	assert_true(GEOSGetNumCoordinates_r(h, g) > 0);
	GEOSGeometry *pts = GEOSGeom_extractUniquePoints_r(h, g);
	for (int i = 0; i < GEOSGetNumGeometries_r(h, pts); i++) {
		double x = 0, y = 0;
		const GEOSGeometry *pt = GEOSGetGeometryN_r(h, pts, i);
		GEOSGeomGetX_r(h, pt, &x);
		GEOSGeomGetY_r(h, pt, &y);
		assert_true(x == nearbyint(x * 1e7) / 1e7 && y == nearbyint(y * 1e7) / 1e7);
		assert_false(signbit(x) && x == 0);
		assert_false(signbit(y) && y == 0);
	}
	GEOSGeom_destroy_r(h, pts);
}

static void rfc7946_roundtrip(GEOSContextHandle_t h, const GEOSGeometry *g, int byte_order)
{
	GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
	GEOSWKBWriter_setByteOrder_r(h, w, byte_order);
	size_t len = 0;
	unsigned char *wkb = GEOSWKBWriter_write_r(h, w, g, &len);
	GEOSWKBWriter_destroy_r(h, w);
	assert_true(fl__wkb_rfc7946(wkb, len));
	GEOSGeometry *back = GEOSGeomFromWKB_buf_r(h, wkb, len);
	GEOSFree_r(h, wkb);
	assert_non_null(back);
	check_on_grid(h, back);
	int type = GEOSGeomTypeId_r(h, back);
	if (type == GEOS_POLYGON)
		check_rfc7946_polygon(h, back);
	for (int i = 0; type != GEOS_POLYGON && i < GEOSGetNumGeometries_r(h, back); i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(h, back, i);
		if (GEOSGeomTypeId_r(h, p) == GEOS_POLYGON)
			check_rfc7946_polygon(h, p);
	}
	/* the same shape, only rounded: the area moves by less than the grid allows */
	double a0 = 0, a1 = 0;
	GEOSArea_r(h, g, &a0);
	GEOSArea_r(h, back, &a1);
	assert_true(fabs(a0 - a1) < 1e-6);
	GEOSGeom_destroy_r(h, back);
}

/* A little-endian WKB polygon of rings with npts[k] points each (the
 * points a closed triangle's, repeated), into buf; returns its length. */
static size_t wkb_polygon(unsigned char *buf, const uint32_t *npts, uint32_t nrings)
{
	static const double tri[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 0}};
	size_t n = 0;
	uint32_t type = 3;
	buf[n++] = 1;
	memcpy(buf + n, &type, 4), n += 4;
	memcpy(buf + n, &nrings, 4), n += 4;
	for (uint32_t k = 0; k < nrings; k++) {
		memcpy(buf + n, &npts[k], 4), n += 4;
		for (uint32_t i = 0; i < npts[k]; i++)
			memcpy(buf + n, tri[i % 4], 16), n += 16;
	}
	return n;
}

/* The index's check of polygonal WKB (wkb.c): closed rings of 4 points or
 * more in lon/lat; an empty ring only alone (GEOS refuses an empty shell
 * with holes, which would otherwise pass the check and fail later). */
static void test_wkb_rings(void **state)
{
	(void)state;
	unsigned char buf[512];
	uint32_t square[] = {4}, empty[] = {0}, shell_hole[] = {4, 4};
	uint32_t empty_shell[] = {0, 4}, empty_hole[] = {4, 0}, short_ring[] = {3};
	assert_true(fl__wkb_rings(buf, wkb_polygon(buf, square, 1), NULL, NULL));
	assert_true(fl__wkb_rings(buf, wkb_polygon(buf, empty, 1), NULL, NULL));
	assert_true(fl__wkb_rings(buf, wkb_polygon(buf, shell_hole, 2), NULL, NULL));
	assert_false(fl__wkb_rings(buf, wkb_polygon(buf, empty_shell, 2), NULL, NULL));
	assert_false(fl__wkb_rings(buf, wkb_polygon(buf, empty_hole, 2), NULL, NULL));
	assert_false(fl__wkb_rings(buf, wkb_polygon(buf, short_ring, 1), NULL, NULL));
	size_t len = wkb_polygon(buf, square, 1);
	assert_false(fl__wkb_rings(buf, len - 1, NULL, NULL)); /* cut short */
	double lon = 181;
	memcpy(buf + 13, &lon, 8);
	assert_false(fl__wkb_rings(buf, len, NULL, NULL));
}

static void test_rfc7946_wkb(void **state)
{
	(void)state;
	GEOSContextHandle_t h = GEOS_init_r();
	GEOSGeometry *p = wrong_polygon(h, 0);
	rfc7946_roundtrip(h, p, GEOS_WKB_NDR);
	rfc7946_roundtrip(h, p, GEOS_WKB_XDR); /* big-endian WKB too */
	/* a multipolygon, and a collection with a point and a line, in any order */
	GEOSGeometry *parts[2] = {wrong_polygon(h, 10), wrong_polygon(h, 20)};
	GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
	rfc7946_roundtrip(h, mp, GEOS_WKB_NDR);
	const double line[] = {1.000000049, 2.00000005, 3.1, 4.99999999};
	GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
	GEOSCoordSeq_setXY_r(h, cs, 0, line[0], line[1]);
	GEOSCoordSeq_setXY_r(h, cs, 1, line[2], line[3]);
	GEOSGeometry *members[3] = {GEOSGeom_createPointFromXY_r(h, -0.00000004, 5.123456789),
				    GEOSGeom_createLineString_r(h, cs), wrong_polygon(h, 30)};
	GEOSGeometry *gc = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, members, 3);
	rfc7946_roundtrip(h, gc, GEOS_WKB_NDR);
	/* damaged or 3D WKB: refused */
	size_t len = 0;
	unsigned char *wkb = GEOSGeomToWKB_buf_r(h, p, &len);
	assert_false(fl__wkb_rfc7946(wkb, len - 1));
	assert_false(fl__wkb_rfc7946(wkb, len - 20));
	assert_false(fl__wkb_rfc7946(NULL, 0));
	GEOSFree_r(h, wkb);
	/* a real 3D geometry (the engine's WKB is 2D: fl__geos_to_wkb drops Z) */
	GEOSGeometry *pz = GEOSGeom_createPointFromXY_r(h, 1, 2);
	GEOSCoordSequence *zs = GEOSCoordSeq_create_r(h, 1, 3);
	GEOSCoordSeq_setXYZ_r(h, zs, 0, 1, 2, 3);
	GEOSGeometry *z = GEOSGeom_createPoint_r(h, zs);
	GEOSWKBWriter *w3 = GEOSWKBWriter_create_r(h);
	GEOSWKBWriter_setOutputDimension_r(h, w3, 3);
	GEOSWKBWriter_setFlavor_r(h, w3, GEOS_WKB_ISO);
	wkb = GEOSWKBWriter_write_r(h, w3, z, &len);
	assert_int_equal(len, 1 + 4 + 24);
	assert_false(fl__wkb_rfc7946(wkb, len));
	GEOSFree_r(h, wkb);
	GEOSWKBWriter_destroy_r(h, w3);
	unsigned char *flat = fl__geos_to_wkb(h, z, &len);
	assert_int_equal(len, 1 + 4 + 16);
	assert_true(fl__wkb_rfc7946(flat, len));
	free(flat);
	GEOSGeom_destroy_r(h, z);
	GEOSGeom_destroy_r(h, pz);
	/* outside lon/lat: refused, as GDAL's RFC 7946 mode refused it */
	GEOSGeometry *far = wrong_polygon(h, 179.5);
	wkb = GEOSGeomToWKB_buf_r(h, far, &len);
	assert_false(fl__wkb_rfc7946(wkb, len));
	GEOSFree_r(h, wkb);
	GEOSGeom_destroy_r(h, far);
	GEOSGeom_destroy_r(h, p);
	GEOSGeom_destroy_r(h, mp);
	GEOSGeom_destroy_r(h, gc);
	GEOS_finish_r(h);
}

/* Through the sink: the GeoJSON text holds the rounded coordinates, the
 * exterior ring counterclockwise, no "crs", and areas to 15 figures. */
static void test_rfc7946_text(void **state)
{
	(void)state;
	static const fl__field fields[] = {{"id", FL__STR}, {"area_km2", FL__REAL}};
	fl__sink *k = NULL;
	assert_int_equal(fl__sink_open(NULL, "GeoJSON", "control", fields, 2, true, &k), FL_OK);
	GEOSContextHandle_t h = GEOS_init_r();
	GEOSGeometry *p = wrong_polygon(h, 40);
	fl__value v[2] = {{.s = "w"}, {.d = 1044.3841315324853}};
	assert_int_equal(fl__sink_add(k, v, h, p), FL_OK);
	GEOSGeom_destroy_r(h, p);
	/* a geometry past the antimeridian is refused, not written out of the RFC */
	p = wrong_polygon(h, 179.5);
	assert_int_equal(fl__sink_add(k, v, h, p), FL_EGEOM);
	assert_non_null(strstr(fl_error_last(), "outside longitude -180..180"));
	GEOSGeom_destroy_r(h, p);
	GEOS_finish_r(h);
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl__sink_commit_mem(k, &buf, &len), FL_OK);
	char *text = calloc(len + 1, 1);
	memcpy(text, buf, len);
	free(buf);
	assert_null(strstr(text, "\"crs\""));
	assert_non_null(strstr(text, "\"area_km2\": 1044.38413153249 "));
	/* counterclockwise from the first point; the hole clockwise */
	assert_non_null(strstr(text, "\"coordinates\": [ [ [ 40.0, 0.0 ], [ 41.0, 0.0 ], "
				     "[ 41.0000001, 1.2345679 ], [ 40.0, 1.2345679 ], [ 40.0, 0.0 ] ], "
				     "[ [ 40.2, 0.2 ], [ 40.2, 0.8 ], [ 40.8, 0.8 ], [ 40.8, 0.2 ], "
				     "[ 40.2, 0.2 ] ] ]"));
	free(text);
}

static void test_threads_setting(void **state)
{
	(void)state;
	assert_int_equal(fl_set_threads(-1), FL_EARG);
	assert_int_equal(fl_set_threads(65), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "65 threads: out of range"));
	assert_int_equal(fl_set_threads(3), FL_OK);
	assert_int_equal(fl_threads(), 3);
	assert_int_equal(fl_set_threads(0), FL_OK);
	assert_true(fl_threads() >= 1 && fl_threads() <= 8);
}

/* whatever a failed test left set */
static int reset_threads(void **state)
{
	(void)state;
	return fl_set_threads(0) == FL_OK ? 0 : -1;
}

int main(void)
{
	GDALAllRegister();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_join),
		cmocka_unit_test_teardown(test_same_bytes, reset_threads),
		cmocka_unit_test_teardown(test_queue_flushed_twice, reset_threads),
		cmocka_unit_test_teardown(test_threads_setting, reset_threads),
		cmocka_unit_test(test_wkb_rings),
		cmocka_unit_test(test_rfc7946_wkb),
		cmocka_unit_test(test_rfc7946_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
