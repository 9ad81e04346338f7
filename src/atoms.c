/*
 * atoms.c: the space-time composite.
 *
 * Atoms are the smallest pieces of territory whose holder is always uniform:
 * the faces of the overlay of all regions and all event polygons.  Each atom
 * carries its geodesic area and its timeline: the events covering it, in
 * the order they apply.  When no event carries a polygon the atoms are the
 * regions themselves (no overlay work at all).  With polygon events the
 * overlay is computed on a fixed precision grid, so that lines re-digitised
 * a few centimetres apart snap together instead of leaving slivers.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Grid of the overlay in degrees (about 1 cm). */
#define FL_GRID 1e-7

static fl_status push_atom(fl_tracker *t, size_t *cap, GEOSGeometry *g, int region)
{
	fl__atom *v = fl__grow(t->atoms, cap, t->natoms + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	t->atoms = v;
	fl__atom *a = &t->atoms[t->natoms++];
	memset(a, 0, sizeof *a);
	a->geom = g;
	a->region = region;
	a->area_km2 = fl__geod_area_km2(&t->geod, t->geos, g);
	return FL_OK;
}

static fl_status add_event_atom(fl__event *e, size_t a, size_t *cap)
{
	size_t *v = fl__grow(e->atoms, cap, e->natoms + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	e->atoms = v;
	e->atoms[e->natoms++] = a;
	return FL_OK;
}

/* Faces of the overlay of regions and event polygons. */
static fl_status build_overlay(fl_tracker *t, fl__diags *d)
{
	GEOSContextHandle_t h = t->geos;
	size_t n = t->nregions, cap = 0;
	for (size_t i = 0; i < t->nevents; i++)
		n += t->events[i].polygon != NULL;
	GEOSGeometry **lines = calloc(n + 1, sizeof *lines);
	GEOSGeometry **snapped_ev = calloc(t->nevents + 1, sizeof *snapped_ev);
	GEOSGeometry **snapped_rg = calloc(t->nregions + 1, sizeof *snapped_rg);
	if (!lines || !snapped_ev || !snapped_rg) {
		free(lines), free(snapped_ev), free(snapped_rg);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	size_t k = 0;
	fl_status st = FL_OK;
	for (size_t i = 0; i < t->nregions; i++) {
		snapped_rg[i] = GEOSGeom_setPrecision_r(h, t->regions[i].geom, FL_GRID, 0);
		lines[k++] = GEOSBoundary_r(h, snapped_rg[i]);
	}
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		if (!e->polygon)
			continue;
		GEOSGeometry *p = e->polygon;
		if (GEOSisValid_r(h, p) != 1) {
			GEOSGeometry *fixed = GEOSMakeValid_r(h, p);
			double a0 = fl__geod_area_km2(&t->geod, h, p);
			double a1 = fixed ? fl__geod_area_km2(&t->geod, h, fixed) : 0;
			fl__diags_add(d, FL__WARNING, e->pub.file, e->pub.line, "area",
				      "invalid polygon repaired with GEOS MakeValid (%.4f -> %.4f km²)", a0, a1);
			if (!fixed || (a0 > 0 && a1 / a0 < 0.999) || (a0 > 0 && a1 / a0 > 1.001))
				fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "area",
					      "repair changes the area by more than 0.1 %%: fix the polygon");
			if (fixed) {
				GEOSGeom_destroy_r(h, e->polygon);
				e->polygon = fixed;
			}
		}
		snapped_ev[i] = GEOSGeom_setPrecision_r(h, e->polygon, FL_GRID, 0);
		lines[k++] = GEOSBoundary_r(h, snapped_ev[i]);
	}
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, lines, (unsigned)k);
	free(lines);
	GEOSGeometry *noded = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	const GEOSGeometry *in[1] = {noded};
	GEOSGeometry *faces = noded ? GEOSPolygonize_r(h, in, 1) : NULL;
	if (noded)
		GEOSGeom_destroy_r(h, noded);
	if (!faces) {
		st = fl__fail(FL_EGEOM, "overlay of regions and event areas failed: %s", fl_error_last());
		goto out;
	}
	/* locate each face: which region, which event polygons */
	int nf = GEOSGetNumGeometries_r(h, faces);
	const GEOSPreparedGeometry **prg = calloc(t->nregions + 1, sizeof *prg);
	const GEOSPreparedGeometry **pev = calloc(t->nevents + 1, sizeof *pev);
	size_t *ecap = calloc(t->nevents + 1, sizeof *ecap);
	for (size_t i = 0; i < t->nregions; i++)
		prg[i] = GEOSPrepare_r(h, snapped_rg[i]);
	for (size_t i = 0; i < t->nevents; i++)
		if (snapped_ev[i])
			pev[i] = GEOSPrepare_r(h, snapped_ev[i]);
	for (int fi = 0; fi < nf && !st; fi++) {
		const GEOSGeometry *face = GEOSGetGeometryN_r(h, faces, fi);
		GEOSGeometry *pt = GEOSPointOnSurface_r(h, face);
		int region = FL_NONE;
		for (size_t i = 0; i < t->nregions && region == FL_NONE; i++)
			if (GEOSPreparedContains_r(h, prg[i], pt) == 1)
				region = (int)i;
		bool covered = region != FL_NONE;
		size_t atom = t->natoms;
		bool added = false;
		for (size_t i = 0; i < t->nevents && !st; i++) {
			fl__event *e = &t->events[i];
			bool in_ev = (pev[i] && GEOSPreparedContains_r(h, pev[i], pt) == 1) ||
				     (region != FL_NONE && e->pub.all_regions);
			for (size_t r = 0; !in_ev && region != FL_NONE && r < e->pub.nregions; r++)
				in_ev = e->pub.regions[r] == region;
			if (!in_ev)
				continue;
			if (!added) {
				st = push_atom(t, &cap, GEOSGeom_clone_r(h, face), region);
				added = true;
			}
			if (!st)
				st = add_event_atom(e, atom, &ecap[i]);
		}
		if (!added && covered && !st) /* a region piece no event ever touches */
			st = push_atom(t, &cap, GEOSGeom_clone_r(h, face), region);
		GEOSGeom_destroy_r(h, pt);
	}
	for (size_t i = 0; i < t->nregions; i++)
		GEOSPreparedGeom_destroy_r(h, prg[i]);
	for (size_t i = 0; i < t->nevents; i++)
		if (pev[i])
			GEOSPreparedGeom_destroy_r(h, pev[i]);
	free(prg), free(pev), free(ecap);
	GEOSGeom_destroy_r(h, faces);
out:
	for (size_t i = 0; i < t->nevents; i++)
		if (snapped_ev[i])
			GEOSGeom_destroy_r(h, snapped_ev[i]);
	for (size_t i = 0; i < t->nregions; i++)
		if (snapped_rg[i])
			GEOSGeom_destroy_r(h, snapped_rg[i]);
	free(snapped_ev), free(snapped_rg);
	return st;
}

/* Atoms are the regions: no overlay needed. */
static fl_status build_from_regions(fl_tracker *t)
{
	size_t cap = 0;
	fl_status st = FL_OK;
	for (size_t i = 0; i < t->nregions && !st; i++)
		st = push_atom(t, &cap, GEOSGeom_clone_r(t->geos, t->regions[i].geom), (int)i);
	for (size_t i = 0; i < t->nevents && !st; i++) {
		fl__event *e = &t->events[i];
		size_t ecap = 0;
		if (e->pub.all_regions)
			for (size_t r = 0; r < t->nregions && !st; r++)
				st = add_event_atom(e, r, &ecap);
		else
			for (size_t r = 0; r < e->pub.nregions && !st; r++)
				st = add_event_atom(e, (size_t)e->pub.regions[r], &ecap);
	}
	return st;
}

fl_status fl__atoms_build(fl_tracker *t, fl__diags *d)
{
	bool polygons = false;
	for (size_t i = 0; i < t->nevents; i++)
		polygons |= t->events[i].polygon != NULL;
	fl_status st = polygons ? build_overlay(t, d) : build_from_regions(t);
	if (st)
		return st;
	/* timelines: walk events in apply order */
	size_t *cap = calloc(t->natoms + 1, sizeof *cap);
	if (!cap)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t k = 0; k < t->nevents && !st; k++) {
		fl__event *e = &t->events[t->order[k]];
		for (size_t j = 0; j < e->natoms; j++) {
			fl__atom *a = &t->atoms[e->atoms[j]];
			size_t *v = fl__grow(a->tl, &cap[e->atoms[j]], a->ntl + 1, sizeof *v);
			if (!v) {
				st = fl__fail(FL_ENOMEM, "out of memory");
				break;
			}
			a->tl = v;
			a->tl[a->ntl++] = t->order[k];
		}
	}
	free(cap);
	t->total_km2 = 0;
	for (size_t i = 0; i < t->natoms; i++)
		t->total_km2 += t->atoms[i].area_km2;
	return st;
}
