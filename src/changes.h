/*
 * changes.h: what a polygon gains and loses (changes.c).
 * Private to the library.
 */
#ifndef FL_CHANGES_H
#define FL_CHANGES_H

#include <geos_c.h>
#include "frontline/frontline.h"

/* What `after` gains and loses relative to `before` (changes.c): new
 * MultiPolygons, or NULL when empty. */
fl_status fl__polygon_changes(GEOSContextHandle_t h, const GEOSGeometry *before,
			      const GEOSGeometry *after, GEOSGeometry **gain, GEOSGeometry **loss);

#endif
