/*
 * periods.h: the periods' geometries (export.c) for the library's other
 * writers (the vector tiles, tiles.c).
 * Private to the library.
 */
#ifndef FL_PERIODS_H
#define FL_PERIODS_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* The geometry of period i (lon/lat, in the tracker's GEOS context); it
 * belongs to the periods.  NULL past the end. */
const GEOSGeometry *fl__periods_geom(const fl_periods *p, size_t i);

#endif
