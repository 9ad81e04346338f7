/*
 * test_coverage.c: the union of pieces that tile without overlap
 * (src/coverage.c), on the shapes where edge cancelling and ring chaining can
 * go wrong: corners that touch, holes that touch their shell, islands in
 * holes, and pieces that overlap after all (the GEOS fallback).  Every result
 * must be valid and equal to GEOS's own union of the pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "coverage.h"
#include "geo.h"

/* Unit squares of a grid, named by their lower-left corners "x,y;x,y;...". */
static size_t cells(GEOSContextHandle_t h, const char *spec, GEOSGeometry **out)
{
	GEOSWKTReader *r = GEOSWKTReader_create_r(h);
	size_t n = 0;
	for (const char *p = spec; *p;) {
		int x, y, used = 0;
		assert_int_equal(sscanf(p, "%d,%d%n", &x, &y, &used), 2);
		char wkt[256];
		/* alternate the orientation: the union must not depend on it */
		if (n % 2)
			snprintf(wkt, sizeof wkt, "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", x, y, x, y + 1,
				 x + 1, y + 1, x + 1, y, x, y);
		else
			snprintf(wkt, sizeof wkt, "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", x, y, x + 1, y,
				 x + 1, y + 1, x, y + 1, x, y);
		out[n] = GEOSWKTReader_read_r(h, r, wkt);
		assert_non_null(out[n++]);
		p += used;
		if (*p == ';')
			p++;
	}
	GEOSWKTReader_destroy_r(h, r);
	return n;
}

/* Union through fl__coverage_union: valid, equal to GEOS's union, with the
 * expected numbers of polygons and holes. */
static void check(const char *spec, int polygons, int holes)
{
	GEOSContextHandle_t h = fl__geos_new();
	GEOSGeometry *parts[64];
	size_t n = cells(h, spec, parts);
	GEOSGeometry *fast = fl__coverage_union_fast(h, parts, n);
	bool overlap = strstr(spec, "0,0;0,0") != NULL;
	if (overlap ? fast != NULL : fast == NULL)
		fail_msg("%s: the edge-cancelling union %s", spec, overlap ? "accepted an overlap" : "gave up");
	if (fast)
		GEOSGeom_destroy_r(h, fast);
	GEOSGeometry *u = fl__coverage_union(h, parts, n);
	assert_non_null(u);
	if (GEOSisValid_r(h, u) != 1) {
		char *why = GEOSisValidReason_r(h, u);
		fail_msg("%s: invalid union: %s", spec, why);
	}
	GEOSGeometry *copies[64];
	for (size_t i = 0; i < n; i++)
		copies[i] = GEOSGeom_clone_r(h, parts[i]);
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, copies, (unsigned)n);
	GEOSGeometry *want = GEOSUnaryUnion_r(h, coll);
	if (GEOSEquals_r(h, u, want) != 1)
		fail_msg("%s: the union differs from GEOS's", spec);
	int np = GEOSGeomTypeId_r(h, u) == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, u);
	int nh = 0;
	for (int i = 0; i < np; i++)
		nh += GEOSGetNumInteriorRings_r(h, np == 1 && GEOSGeomTypeId_r(h, u) == GEOS_POLYGON
							  ? u
							  : GEOSGetGeometryN_r(h, u, i));
	if (np != polygons || nh != holes)
		fail_msg("%s: %d polygons and %d holes, expected %d and %d", spec, np, nh, polygons,
			 holes);
	GEOSGeom_destroy_r(h, u), GEOSGeom_destroy_r(h, want), GEOSGeom_destroy_r(h, coll);
	for (size_t i = 0; i < n; i++)
		GEOSGeom_destroy_r(h, parts[i]);
	GEOS_finish_r(h);
}

static void test_shared_edges(void **state)
{
	(void)state;
	check("0,0;1,0", 1, 0);
	check("0,0;1,0;2,0;0,1;1,1;2,1", 1, 0);
}

/* Two squares meeting at a corner are two polygons, not one ring touching itself. */
static void test_corners(void **state)
{
	(void)state;
	check("0,0;1,1", 2, 0);
	check("0,0;1,1;2,2;0,2", 4, 0);
	check("0,0;1,0;1,1;2,2", 2, 0); /* an L and a square on its corner */
}

static void test_holes(void **state)
{
	(void)state;
	/* a ring of eight cells around an empty one */
	check("0,0;1,0;2,0;0,1;2,1;0,2;1,2;2,2", 1, 1);
	/* the same without the corner (2,2): the hole touches the shell at a point */
	check("0,0;1,0;2,0;0,1;2,1;0,2;1,2", 1, 1);
	/* two holes meeting at a corner: one touching the other */
	check("0,0;1,0;2,0;3,0;0,1;2,1;3,1;0,2;1,2;3,2;0,3;1,3;2,3;3,3", 1, 2);
	/* a C whose tips touch at a corner: the enclosed cell is a hole touching the shell */
	check("1,0;2,0;2,1;2,2;1,2;0,2;0,1", 1, 1);
	/* a C whose tips do not touch, and a cell that touches both tips at corners */
	check("0,0;1,0;2,0;0,1;0,2;1,2;2,2;3,1", 2, 0);
}

/* A square inside the hole of a frame: two polygons, one with a hole. */
static void test_island(void **state)
{
	(void)state;
	check("0,0;1,0;2,0;3,0;4,0;0,1;4,1;0,2;2,2;4,2;0,3;4,3;0,4;1,4;2,4;3,4;4,4", 2, 1);
}

/* Overlapping pieces are no coverage: the GEOS fallback answers. */
static void test_overlap(void **state)
{
	(void)state;
	check("0,0;0,0;1,0", 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_edges), cmocka_unit_test(test_corners),
		cmocka_unit_test(test_holes),        cmocka_unit_test(test_island),
		cmocka_unit_test(test_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
