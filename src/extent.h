/*
 * extent.h: the tracker's extent (extent.c): what `record` clips and what it
 * refuses.
 * Private to the library.
 */
#ifndef FL_EXTENT_H
#define FL_EXTENT_H

#include <stdbool.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* The tracker's extent (extent.c).  The part of a polygon outside the
 * regions that `record` clips (with a warning) rather than refuses: under
 * 1 km² and under 1 % of the polygon.  Larger, it is a mistake (another
 * place, another CRS, swapped axes) or ground the tracker does not follow. */
#define FL__CLIP_MAX_KM2 1.0
#define FL__CLIP_MAX_SHARE 0.01
bool fl__outside_is_sliver(double outside_km2, double area_km2);
/* Split polygon g (lon/lat) by the tracker's regions on the engine's grid:
 * *inside and *outside (Polygon or MultiPolygon, NULL when empty). */
fl_status fl__regions_clip(const fl_tracker *t, const GEOSGeometry *g, GEOSGeometry **inside,
			   GEOSGeometry **outside);

#endif
