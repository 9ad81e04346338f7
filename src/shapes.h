/*
 * shapes.h: the atoms' and regions' geometries, built lazily from the index
 * (shapes.c).
 * Private to the library.
 */
#ifndef FL_SHAPES_H
#define FL_SHAPES_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* An atom's geometry, built from the index's WKB on first use;
 * NULL when memory runs out.  (Not thread-safe: a tracker is used by one
 * thread.) */
const GEOSGeometry *fl__atom_geom(const fl_tracker *t, size_t a);
/* A region's geometry, the same way (no query needs the regions' shapes:
 * only the regions layer, render and check do). */
const GEOSGeometry *fl__region_geom(const fl_tracker *t, size_t r);

#endif
