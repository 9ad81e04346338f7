/*
 * extent.c: the tracker's extent and polygons that leave it.
 *
 * A tracker with regions covers the union of its regions and nothing else:
 * an event polygon is meant to cut across regions, not to add ground the
 * tracker does not follow.  fl__regions_clip() splits a polygon into the
 * part inside the regions and the part outside, on the engine's precision
 * grid (so that a polygon drawn along a region's border, a few centimetres
 * off, leaves no outside part at all).  `record` clips an outside part that
 * is a sliver and refuses the polygon otherwise; `check` reports events whose
 * polygon leaves the regions, with the same bound.
 */
#include <math.h>
#include <stdlib.h>
#include "extent.h"
#include "fail.h"
#include "geo.h"
#include "shapes.h"
#include "tracker_priv.h"

bool fl__outside_is_sliver(double outside_km2, double area_km2)
{
	/* written so that NaN is no sliver */
	return outside_km2 < FL__CLIP_MAX_KM2 && outside_km2 < FL__CLIP_MAX_SHARE * area_km2;
}

fl_status fl__regions_clip(const fl_tracker *t, const GEOSGeometry *g, GEOSGeometry **inside,
			   GEOSGeometry **outside)
{
	GEOSContextHandle_t h = t->geos;
	*inside = *outside = NULL;
	const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
	GEOSGeometry **near = calloc(t->nregions + 1, sizeof *near);
	if (!pg || !near) {
		if (pg)
			GEOSPreparedGeom_destroy_r(h, pg);
		free(near);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	unsigned n = 0;
	fl_status st = FL_OK;
	for (size_t r = 0; r < t->nregions && !st; r++) {
		const GEOSGeometry *rg = fl__region_geom(t, r);
		if (rg && GEOSPreparedIntersects_r(h, pg, rg) != 1)
			continue;
		if (!rg || !(near[n++] = GEOSGeom_clone_r(h, rg)))
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	GEOSPreparedGeom_destroy_r(h, pg);
	if (st) {
		for (unsigned i = 0; i < n; i++)
			if (near[i])
				GEOSGeom_destroy_r(h, near[i]);
		free(near);
		return st;
	}
	if (n == 0) { /* all of it outside */
		free(near);
		*outside = fl__geos_polygonal(h, GEOSGeom_clone_r(h, g));
		return FL_OK;
	}
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, near, n);
	free(near); /* the collection owns the regions' copies */
	GEOSGeometry *u = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	GEOSGeometry *in = u ? GEOSIntersectionPrec_r(h, g, u, FL__GRID) : NULL;
	GEOSGeometry *out = u ? GEOSDifferencePrec_r(h, g, u, FL__GRID) : NULL;
	if (u)
		GEOSGeom_destroy_r(h, u);
	if (!in || !out) {
		if (in)
			GEOSGeom_destroy_r(h, in);
		if (out)
			GEOSGeom_destroy_r(h, out);
		return fl__fail(FL_EGEOM, "the polygon cannot be cut by the regions");
	}
	*inside = fl__geos_polygonal(h, in);
	*outside = fl__geos_polygonal(h, out);
	return FL_OK;
}
