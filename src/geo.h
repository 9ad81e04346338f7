/*
 * geo.h: geometry helpers (geo.c): the ellipsoid and geodesic areas, GEOS
 * contexts, WKB in and out; the engine's precision grid.
 * Private to the library.
 */
#ifndef FL_GEO_H
#define FL_GEO_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

typedef struct fl__geod {
	double a, f; /* WGS 84 ellipsoid, read from PROJ's database */
} fl__geod;
fl_status fl__geod_init(fl__geod *g);
/* Geodesic area in km² of a (multi)polygon in lon/lat. */
double fl__geod_area_km2(const fl__geod *g, GEOSContextHandle_t h, const GEOSGeometry *geom);
GEOSContextHandle_t fl__geos_new(void);
/* ISO WKB of a geometry, malloc'd. */
unsigned char *fl__geos_to_wkb(GEOSContextHandle_t h, const GEOSGeometry *g, size_t *len);
GEOSGeometry *fl__geos_from_wkb(GEOSContextHandle_t h, const unsigned char *wkb, size_t len);
/* The polygons of an overlay's result (taken): g itself when it is a
 * non-empty (multi)polygon, else the polygons of a collection (an overlay
 * on the grid can leave lines and points beside them) as one
 * (multi)polygon; NULL when none (or out of memory). */
GEOSGeometry *fl__geos_polygonal(GEOSContextHandle_t h, GEOSGeometry *g);

/* The engine's precision grid in degrees (about 1 cm): overlays snap to it. */
#define FL__GRID 1e-7
/* Mismatches smaller than this (0.01 km², the exactness the tracker
 * promises) are slivers of the 1 cm grid along long edges, not data. */
#define FL__SLIVER_KM2 0.01

#endif
