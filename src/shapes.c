/*
 * shapes.c: the shapes of a tracker's regions and atoms.
 *
 * Read from the sources, every region and atom has its GEOS geometry from
 * the start.  Read from the index, they have only their WKB in its mapping,
 * and the geometry is made on first use: most queries never need a shape
 * (an area series, a snapshot table), and a million GEOS objects made at
 * open would cost more than the answer.  The index writes these shapes
 * back, the queries and checks read them: this file sits below both and
 * calls nothing of the tracker's but its GEOS context.
 */
#include "geo.h"
#include "shapes.h"
#include "tracker_priv.h"

/* (The geometries are a cache filled on demand: not thread-safe, as a
 * tracker is used by one thread.) */

const GEOSGeometry *fl__region_geom(const fl_tracker *t, size_t r)
{
	fl__region *g = &((fl_tracker *)t)->regions[r];
	if (!g->geom && g->wkb)
		g->geom = fl__geos_from_wkb(t->geos, g->wkb, g->wkblen);
	return g->geom;
}

const GEOSGeometry *fl__atom_geom(const fl_tracker *t, size_t a)
{
	fl__atom *at = &((fl_tracker *)t)->atoms[a];
	if (!at->geom && at->wkb)
		at->geom = fl__geos_from_wkb(t->geos, at->wkb, at->wkblen);
	return at->geom;
}
