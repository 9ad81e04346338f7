/*
 * test_output.c: frontline's own GeoJSON writer (src/geojson.c, through the
 * sink of src/output.c): the same bytes as GDAL's GeoJSON driver for the
 * same features, valid JSON (read back with json-c) for any text, exact
 * grid coordinates and GDAL's 15 significant figures for reals, the same
 * bytes whatever the number of threads; and what RFC 7946 asks of the
 * coordinates (src/wkb_rfc7946.c): rounded to 7 decimals, rings wound by
 * the right-hand rule.
 */
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <json-c/json.h>
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
#include "geojson.h"
#include "../geojson_reference.h"
#include "sink.h"
#include "wkb.h"
#include "wkb_rfc7946.h"

/* Awkward text for the properties: quotes, backslashes, slashes, every
 * control character, DEL, two- three- and four-byte UTF-8, U+2028. */
static const char *const awkward[] = {
	"",
	"plain",
	"a \"quoted\" back\\slash / slash",
	"\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
	"\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f",
	"Kəlbəcər / Քարվաճառ / Кельбаджар",
	"non-BMP \xF0\x9D\x84\x9E and \xF0\x9F\x87\xA6\xF0\x9F\x87\xBF",
	"line\xE2\x80\xA8separator",
};
#define NAWKWARD (sizeof awkward / sizeof awkward[0])

/* Reals that test 15 significant figures, GDAL's shortening of runs of 0s
 * and 9s, and the ".0" of whole numbers. */
static const double reals[] = {0.0,		  -3.0,		 1044.38413153249,
			       2.500000000000012, 7.899999999999991, 123456.78999999912,
			       12.3000000123456,  1e15,		 1e16,
			       1e20,		  1.2345e-05,	 99.99999999999999,
			       -0.000123,	  1.0 / 3.0,	 2860.68838635463};
#define NREALS (sizeof reals / sizeof reals[0])

/* n polygons of `sides` vertices each (as circles, some with a hole), every
 * field type with awkward values, written in `format` on `threads`
 * threads; returns the file. */
static unsigned char *write_squares(const char *format, int threads, size_t n, int sides,
				    size_t *len)
{
	assert_int_equal(fl_set_threads(threads), FL_OK);
	static const fl__field fields[] = {{"id", FL__STR},	{"area_km2", FL__REAL},
					   {"since", FL__DATE},	{"valid_from", FL__DATETIME},
					   {"partial", FL__BOOL}, {"count", FL__INT},
					   {"note", FL__STR}};
	fl__sink *k = NULL;
	assert_int_equal(fl__sink_open(NULL, format, "control", fields, 7, true, &k), FL_OK);
	GEOSContextHandle_t h = GEOS_init_r();
	for (size_t i = 0; i < n; i++) {
		double cx = (double)(i % 100) * 0.01 - 0.3, cy = (double)(i / 100) * 0.01 - 0.2;
		GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)sides + 1, 2);
		GEOSCoordSequence *hs = GEOSCoordSeq_create_r(h, 5, 2);
		for (int v = 0; v <= sides; v++) {
			double a = 2 * 3.141592653589793 * (v % sides) / sides;
			GEOSCoordSeq_setXY_r(h, cs, (unsigned)v, cx + 0.004 * cos(a), cy + 0.004 * sin(a));
		}
		static const double sq[5][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}};
		for (unsigned v = 0; v < 5; v++)
			GEOSCoordSeq_setXY_r(h, hs, v, cx + 0.001 * sq[v][0], cy + 0.001 * sq[v][1]);
		GEOSGeometry *hole = GEOSGeom_createLinearRing_r(h, hs);
		GEOSGeometry *poly = GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs),
							      i % 3 ? NULL : &hole, i % 3 ? 0 : 1);
		if (i % 3)
			GEOSGeom_destroy_r(h, hole);
		char id[32];
		snprintf(id, sizeof id, "s%zu", i);
		fl__value v[7] = {{.s = id},
				  {.d = reals[i % NREALS] * (double)(i + 1)},
				  {.t = (fl_instant)i * 86400 - 86400 * 365},
				  {.t = (fl_instant)i * 86399},
				  {.i = (long long)(i & 1)},
				  {.i = (long long)i * -7919},
				  {.s = awkward[i % NAWKWARD]}};
		if (i % 13 == 5)
			v[1].null = true;
		if (i % 11 == 4)
			v[6].null = true;
		assert_int_equal(fl__sink_add(k, v, h, i % 17 == 3 ? NULL : poly), FL_OK);
		GEOSGeom_destroy_r(h, poly);
	}
	GEOS_finish_r(h);
	unsigned char *buf = NULL;
	assert_int_equal(fl__sink_commit_mem(k, &buf, len), FL_OK);
	return buf;
}

/* frontline's writer gives GDAL's bytes, on one thread or several */
static void same_as_gdal(size_t n, int sides)
{
	size_t lg = 0, ln = 0;
	unsigned char *gdal = write_squares("GDAL:GeoJSON", 1, n, sides, &lg);
	unsigned char *own = write_squares("GeoJSON", 1, n, sides, &ln);
	/* a feature per line, in order */
	size_t lines = 0;
	for (size_t i = 0; i < ln; i++)
		lines += own[i] == '\n';
	assert_int_equal(lines, n ? n + 6 : 7); /* 4 lines of header, 3 of end */
	if (n)
		assert_non_null(strstr((char *)own, "\"id\": \"s0\""));
	assert_int_equal(ln, lg);
	assert_memory_equal(own, gdal, ln);
	assert_int_equal(own[ln], 0);
	for (int t = 2; t <= 5; t += 3) {
		size_t lt = 0;
		unsigned char *many = write_squares("GeoJSON", t, n, sides, &lt);
		assert_int_equal(lt, ln);
		assert_memory_equal(many, own, ln);
		free(many);
	}
	free(gdal);
	free(own);
}

static void test_same_as_gdal(void **state)
{
	(void)state;
	same_as_gdal(0, 8);
	same_as_gdal(1, 3000);
	same_as_gdal(3, 8);
	same_as_gdal(400, 12);
	same_as_gdal(7, 1000);
}

/* Every string read back by json-c is the one written; every feature is there. */
static void test_json_c_reads_it(void **state)
{
	(void)state;
	size_t len = 0;
	enum { N = 300 };
	unsigned char *own = write_squares("GeoJSON", 1, N, 6, &len);
	json_tokener *tok = json_tokener_new();
	json_object *doc = json_tokener_parse_ex(tok, (const char *)own, (int)len);
	assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
	assert_int_equal(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	json_object *features = NULL;
	assert_true(json_object_object_get_ex(doc, "features", &features));
	assert_int_equal(json_object_array_length(features), N);
	for (size_t i = 0; i < N; i++) {
		json_object *f = json_object_array_get_idx(features, i), *props = NULL, *note = NULL,
			    *area = NULL, *geom = NULL;
		assert_true(json_object_object_get_ex(f, "properties", &props));
		assert_true(json_object_object_get_ex(props, "note", &note));
		assert_true(json_object_object_get_ex(props, "area_km2", &area));
		assert_true(json_object_object_get_ex(f, "geometry", &geom));
		if (i % 11 == 4)
			assert_null(note);
		else
			assert_string_equal(json_object_get_string(note), awkward[i % NAWKWARD]);
		if (i % 13 != 5) {
			double want = reals[i % NREALS] * (double)(i + 1), got = json_object_get_double(area);
			assert_true(fabs(got - want) <= 1e-14 * fabs(want));
		}
		assert_true((geom == NULL) == (i % 17 == 3));
	}
	json_object_put(doc);
	free(own);
}

static const char *text_of(fl__gj_text *b)
{
	assert_false(b->oom);
	return b->p ? b->p : "";
}

/* Bytes that are not UTF-8 become U+FFFD; the rest is kept. */
static void test_not_utf8(void **state)
{
	(void)state;
	static const char bad[] = "a\xC3" "b\xE2\x82 \xF4\x90\x80\x80 \xED\xA0\x80 \xC0\xAF \xFF" "z\xC3\xA9";
	fl__gj_text b = {0};
	fl__gj_string(&b, bad, sizeof bad - 1, false);
	json_object *o = json_tokener_parse(text_of(&b));
	assert_non_null(o);
	const char *s = json_object_get_string(o);
	assert_non_null(strstr(s, "a\xEF\xBF\xBD" "b"));
	assert_non_null(strstr(s, "z\xC3\xA9"));
	assert_null(strchr(s, '\xFF'));
	json_object_put(o);
	free(b.p);
	/* and the escapes themselves, as GDAL writes them */
	b = (fl__gj_text){0};
	fl__gj_string(&b, "\x01/\"\\\x7f", 5, false);
	assert_string_equal(text_of(&b), "\"\\u0001/\\\"\\\\\x7f\"");
	free(b.p);
	b = (fl__gj_text){0};
	fl__gj_string(&b, "a/b", 3, true);
	assert_string_equal(text_of(&b), "\"a\\/b\"");
	free(b.p);
}

static void grid_is(double x, const char *want)
{
	fl__gj_text b = {0};
	fl__gj_grid(&b, x);
	assert_string_equal(text_of(&b), want);
	/* and it reads back as the same double */
	assert_true(strtod(want, NULL) == x || (x == 0 && strtod(want, NULL) == 0));
	free(b.p);
}

static void test_grid(void **state)
{
	(void)state;
	grid_is(0.0, "0.0");
	grid_is(-0.0, "0.0");
	grid_is(46.0, "46.0");
	grid_is(-180.0, "-180.0");
	grid_is(49.04736, "49.04736");
	grid_is(1e-7, "0.0000001");
	grid_is(-1e-7, "-0.0000001");
	grid_is(-0.5, "-0.5");
	grid_is(179.9999999, "179.9999999");
	grid_is(-89.9999999, "-89.9999999");
	grid_is(41.3545958, "41.3545958");
	grid_is(10.0000001, "10.0000001");
	grid_is(0.0000123, "0.0000123");
}

static void real_is(double d, const char *want)
{
	fl__gj_text b = {0};
	fl__gj_real(&b, d);
	assert_string_equal(text_of(&b), want);
	free(b.p);
}

static void test_reals(void **state)
{
	(void)state;
	real_is(0.0, "0.0");
	real_is(-3.0, "-3.0");
	real_is(1044.38413153249, "1044.38413153249");
	real_is(2.500000000000012, "2.5");
	real_is(7.899999999999991, "7.9");
	real_is(123456.78999999912, "123456.79");
	real_is(12.3000000123456, "12.3000000123456");
	real_is(99.99999999999999, "100.0");
	/* fewer figures would lose the point: 15 kept */
	real_is(85.0000000000004, "85.0000000000004");
	real_is(1e15, "1e+15");
	real_is(1.2345e-05, "1.2345e-05");
	real_is(NAN, "null");
	real_is(INFINITY, "null");
	real_is(-INFINITY, "null");
}

/* A million reals across every range the writer prints itself (and the
 * ties it leaves to printf): the same text as printf's. */
static void test_reals_as_printf(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	static const double special[] = {123456789012345.5, 0.5,	  1.25,	 2.5e-4, 1e-4,
					 9.99999999999999e14, 1e15,	  0.1,	 0.2,	 0.3,
					 1e14,		      99999.99999999995, 0.00012345678901234567};
	for (int i = 0; i < 1000000 + (int)(sizeof special / sizeof special[0]); i++) {
		double d;
		if (i < (int)(sizeof special / sizeof special[0]))
			d = special[i];
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			int e = (int)(x % 22) - 6;                   /* 1e-6 .. 1e15 */
			double m = (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
			d = (1 + 9 * m) * pow(10, e);
			if (i % 7 == 0) /* a few decimals, as areas often are */
				d = nearbyint(d * 1000) / 1000;
			if (i % 2)
				d = -d;
		}
		char want[40];
		reference_real(d, want);
		fl__gj_text b = {0};
		fl__gj_real(&b, d);
		if (strcmp(text_of(&b), want))
			fail_msg("%.17g: wrote %s, printf %s", d, b.p, want);
		free(b.p);
	}
}

/* Every geometry form frontline can meet (empty ones, holes, collections in
 * collections, MultiX of each kind) written as GDAL's GeoJSON driver writes
 * it, byte for byte. */
static void test_geometry_forms_as_gdal(void **state)
{
	(void)state;
	static const char *const wkt[] = {
		"GEOMETRYCOLLECTION (POINT (1 2),LINESTRING (0 0,1 1))",
		"MULTILINESTRING ((0 0,1 1),(2 2,3 3))",
		"MULTIPOINT ((1 2),(3 4))",
		"MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))",
		"LINESTRING EMPTY",
		"GEOMETRYCOLLECTION EMPTY",
		"POLYGON ((0 0,1 0,1 1,0 0),(0.2 0.1,0.3 0.1,0.3 0.2,0.2 0.1))",
		"MULTIPOLYGON (EMPTY,((0 0,1 0,1 1,0 0)))",
		"POLYGON EMPTY",
		"MULTIPOLYGON EMPTY",
		"GEOMETRYCOLLECTION (GEOMETRYCOLLECTION EMPTY,MULTIPOINT ((1 1)),POINT (-0.5 46))",
	};
	fl__gj_fields f;
	assert_true(fl__gj_fields_make(&f, NULL, NULL, 0));
	for (size_t i = 0; i < sizeof wkt / sizeof wkt[0]; i++) {
		OGRGeometryH g = NULL;
		char *w = (char *)wkt[i];
		assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
		int n = OGR_G_WkbSize(g);
		unsigned char *wkb = malloc((size_t)n);
		assert_int_equal(OGR_G_ExportToIsoWkb(g, wkbNDR, wkb), OGRERR_NONE);
		fl__gj_text own = {0};
		assert_true(fl__gj_feature(&own, true, &f, NULL, wkb, (size_t)n));
		/* GDAL's */
		GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GeoJSON"), "/vsimem/forms.geojson", 0, 0, 0,
					     GDT_Unknown, NULL);
		char *lco[] = {"SIGNIFICANT_FIGURES=15", NULL};
		OGRLayerH l = GDALDatasetCreateLayer(ds, "x", NULL, wkbUnknown, lco);
		OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
		OGR_F_SetGeometryDirectly(ft, g);
		assert_int_equal(OGR_L_CreateFeature(l, ft), OGRERR_NONE);
		OGR_F_Destroy(ft);
		GDALClose(ds);
		vsi_l_offset len = 0;
		char *file = (char *)VSIGetMemFileBuffer("/vsimem/forms.geojson", &len, TRUE);
		char *feat = strstr(file, "{ \"type\": \"Feature\"");
		assert_non_null(feat);
		char *end = strstr(feat, "\n]");
		assert_non_null(end);
		*end = 0;
		if (strcmp(own.p, feat))
			fail_msg("%s: wrote\n%s\nGDAL\n%s", wkt[i], own.p, feat);
		VSIFree(file);
		free(own.p);
		free(wkb);
	}
	fl__gj_fields_free(&f);
}

/* A damaged or unknown WKB: refused, and nothing of the feature is left. */
static void test_damaged_wkb(void **state)
{
	(void)state;
	static const char *const names[] = {"id"};
	static const fl__ftype types[] = {FL__STR};
	fl__value v[1] = {{.s = "x"}};
	unsigned char pt[21] = {1, 1, 0, 0, 0};
	double xy[2] = {46.5, 40.25};
	memcpy(pt + 5, xy, 16);
	fl__gj_fields f;
	assert_true(fl__gj_fields_make(&f, names, types, 1));
	fl__gj_text b = {0};
	fl__gj_begin(&b, "control");
	size_t head = b.len;
	assert_true(fl__gj_feature(&b, true, &f, v, pt, sizeof pt));
	assert_non_null(strstr(text_of(&b), "\"coordinates\": [ 46.5, 40.25 ] }"));
	size_t one = b.len;
	assert_true(one > head);
	assert_false(fl__gj_feature(&b, false, &f, v, pt, sizeof pt - 1)); /* short */
	unsigned char z[21];
	memcpy(z, pt, sizeof z);
	z[1] = 0xE9, z[2] = 3; /* 1001: Point Z */
	assert_false(fl__gj_feature(&b, false, &f, v, z, sizeof z));
	z[0] = 7;              /* no such byte order */
	assert_false(fl__gj_feature(&b, false, &f, v, z, sizeof z));
	/* a polygon claiming more rings than its bytes hold */
	unsigned char poly[9] = {1, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0x0f};
	assert_false(fl__gj_feature(&b, false, &f, v, poly, sizeof poly));
	assert_int_equal(b.len, one);
	assert_int_equal(strlen(b.p), one);
	free(b.p);
	fl__gj_fields_free(&f);
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
		cmocka_unit_test_teardown(test_same_as_gdal, reset_threads),
		cmocka_unit_test_teardown(test_json_c_reads_it, reset_threads),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_reals_as_printf),
		cmocka_unit_test(test_geometry_forms_as_gdal),
		cmocka_unit_test(test_damaged_wkb),
		cmocka_unit_test_teardown(test_threads_setting, reset_threads),
		cmocka_unit_test(test_wkb_rings),
		cmocka_unit_test(test_rfc7946_wkb),
		cmocka_unit_test(test_rfc7946_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
