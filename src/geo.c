/*
 * geo.c: the geometry plumbing: a GEOS context, WKB in and out, and
 * geodesic areas on the WGS 84 ellipsoid with PROJ's geodesic routines
 * (Karney's algorithm, geod_polygonarea).  Areas are never planar
 * degrees: a square degree near the Caucasus and one near the equator differ
 * by a quarter.
 */
#include <geodesic.h>
#include <math.h>
#include <proj.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "geo.h"

static void geos_notice(const char *fmt, ...)
{
	(void)fmt; /* GEOS notices are not errors; the library stays silent */
}

static void geos_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fl__fail(FL_EGEOM, "GEOS: %s", buf);
}

GEOSContextHandle_t fl__geos_new(void)
{
	GEOSContextHandle_t h = GEOS_init_r();
	if (h) {
		GEOSContext_setNoticeHandler_r(h, geos_notice);
		GEOSContext_setErrorHandler_r(h, geos_error);
	}
	return h;
}

fl_status fl__geod_init(fl__geod *g)
{
	PJ_CONTEXT *ctx = proj_context_create();
	if (!ctx)
		return fl__fail(FL_ENOMEM, "PROJ: cannot create a context");
	proj_log_level(ctx, PJ_LOG_NONE);
	PJ *ell = proj_create_from_database(ctx, "EPSG", "7030", PJ_CATEGORY_ELLIPSOID, 0, NULL);
	double a = 0, b = 0, inv_f = 0;
	int computed = 0;
	fl_status st = FL_OK;
	if (!ell || !proj_ellipsoid_get_parameters(ctx, ell, &a, &b, &computed, &inv_f) || inv_f == 0)
		st = fl__fail(FL_EIO, "PROJ: cannot read the WGS 84 ellipsoid (EPSG:7030) from proj.db");
	else {
		g->a = a;
		g->f = 1.0 / inv_f;
	}
	proj_destroy(ell);
	proj_context_destroy(ctx);
	return st;
}

/* Signed geodesic area (m²) of one ring. */
static double ring_area(const struct geod_geodesic *gd, GEOSContextHandle_t h,
			const GEOSGeometry *ring)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4)
		return 0;
	struct geod_polygon p;
	geod_polygon_init(&p, 0);
	for (unsigned int i = 0; i + 1 < n; i++) { /* the closing point repeats the first */
		double x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
		geod_polygon_addpoint(gd, &p, y, x);
	}
	double area = 0, perim = 0;
	geod_polygon_compute(gd, &p, 0, 1, &area, &perim);
	return area;
}

static double polygon_area(const struct geod_geodesic *gd, GEOSContextHandle_t h,
			   const GEOSGeometry *poly)
{
	double a = fabs(ring_area(gd, h, GEOSGetExteriorRing_r(h, poly)));
	int nh = GEOSGetNumInteriorRings_r(h, poly);
	for (int i = 0; i < nh; i++)
		a -= fabs(ring_area(gd, h, GEOSGetInteriorRingN_r(h, poly, i)));
	return a;
}

double fl__geod_area_km2(const fl__geod *g, GEOSContextHandle_t h, const GEOSGeometry *geom)
{
	struct geod_geodesic gd;
	geod_init(&gd, g->a, g->f);
	double a = 0;
	int type = GEOSGeomTypeId_r(h, geom);
	if (type == GEOS_POLYGON)
		a = polygon_area(&gd, h, geom);
	else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(h, geom);
		for (int i = 0; i < n; i++) {
			const GEOSGeometry *p = GEOSGetGeometryN_r(h, geom, i);
			if (GEOSGeomTypeId_r(h, p) == GEOS_POLYGON)
				a += polygon_area(&gd, h, p);
		}
	}
	return a / 1e6;
}

unsigned char *fl__geos_to_wkb(GEOSContextHandle_t h, const GEOSGeometry *g, size_t *len)
{
	GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
	if (!w)
		return NULL;
	GEOSWKBWriter_setFlavor_r(h, w, GEOS_WKB_ISO);
	GEOSWKBWriter_setOutputDimension_r(h, w, 2); /* the engine is 2D; any Z is dropped */
	unsigned char *buf = GEOSWKBWriter_write_r(h, w, g, len);
	GEOSWKBWriter_destroy_r(h, w);
	if (!buf)
		return NULL;
	unsigned char *r = malloc(*len);
	if (r)
		memcpy(r, buf, *len);
	GEOSFree_r(h, buf);
	return r;
}

GEOSGeometry *fl__geos_from_wkb(GEOSContextHandle_t h, const unsigned char *wkb, size_t len)
{
	return GEOSGeomFromWKB_buf_r(h, wkb, len);
}


GEOSGeometry *fl__geos_polygonal(GEOSContextHandle_t h, GEOSGeometry *g)
{
	if (!g)
		return NULL;
	int ty = GEOSGeomTypeId_r(h, g);
	if ((ty == GEOS_POLYGON || ty == GEOS_MULTIPOLYGON) && !GEOSisEmpty_r(h, g))
		return g;
	if (ty != GEOS_GEOMETRYCOLLECTION) {
		GEOSGeom_destroy_r(h, g);
		return NULL;
	}
	/* count the polygons first: a member may be a multipolygon */
	int n = GEOSGetNumGeometries_r(h, g);
	size_t count = 0;
	for (int i = 0; i < n; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
		int pt = GEOSGeomTypeId_r(h, p);
		if (!GEOSisEmpty_r(h, p) && (pt == GEOS_POLYGON || pt == GEOS_MULTIPOLYGON))
			count += pt == GEOS_POLYGON ? 1 : (size_t)GEOSGetNumGeometries_r(h, p);
	}
	GEOSGeometry **parts = calloc(count + 1, sizeof *parts);
	unsigned k = 0;
	for (int i = 0; parts && i < n; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
		int pt = GEOSGeomTypeId_r(h, p);
		if (GEOSisEmpty_r(h, p))
			continue;
		if (pt == GEOS_POLYGON)
			parts[k++] = GEOSGeom_clone_r(h, p);
		else if (pt == GEOS_MULTIPOLYGON)
			for (int j = 0; j < GEOSGetNumGeometries_r(h, p); j++)
				parts[k++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, p, j));
	}
	GEOSGeom_destroy_r(h, g);
	GEOSGeometry *r = NULL;
	if (parts && k == 1)
		r = parts[0];
	else if (parts && k > 1)
		r = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, k);
	else
		for (unsigned i = 0; parts && i < k; i++)
			GEOSGeom_destroy_r(h, parts[i]);
	free(parts);
	return r;
}
