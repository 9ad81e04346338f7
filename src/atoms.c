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
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "atoms.h"
#include "coverage.h"
#include "diag.h"
#include "evcols.h"
#include "fail.h"
#include "geo.h"
#include "tracker_priv.h"
#include "util.h"


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

/* Repair an event polygon that GEOS finds invalid; refuse the repair when
 * it changes the area by more than 0.1 %. */
static void repair_event_polygon(fl_tracker *t, fl__event *e, fl__diags *d)
{
	GEOSContextHandle_t h = t->geos;
	if (GEOSisValid_r(h, e->polygon) == 1)
		return;
	GEOSGeometry *fixed = GEOSMakeValid_r(h, e->polygon);
	double a0 = fl__geod_area_km2(&t->geod, h, e->polygon);
	double a1 = fixed ? fl__geod_area_km2(&t->geod, h, fixed) : 0;
	/* written so that a0 = 0 (a symmetric bow-tie: the lobes cancel) with a
	 * repair of any area, and NaN, are refused */
	if (!fixed || !(fabs(a1 - a0) <= 0.001 * a0)) {
		fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "area",
			      "invalid polygon of area '%s': repair would change its area from %.4f to "
			      "%.4f km² (more than 0.1 %%): fix the polygon", e->area_ref ? e->area_ref : "",
			      a0, a1);
	} else
		fl__diags_add(d, FL__WARNING, e->pub.file, e->pub.line, "area",
			      "invalid polygon of area '%s' repaired with GEOS MakeValid (%.4f -> %.4f km²)",
			      e->area_ref ? e->area_ref : "", a0, a1);
	if (fixed) {
		GEOSGeom_destroy_r(h, e->polygon);
		e->polygon = fixed;
	}
}

typedef struct comp {
	size_t event;                 /* or region, for the region tree */
	const GEOSGeometry *geom;     /* one polygon of the (multi)polygon */
	const GEOSPreparedGeometry *prep;
} comp;

typedef struct hits {
	comp **v;
	size_t n, cap;
} hits;

static void collect_comp(void *item, void *userdata)
{
	hits *l = userdata;
	comp **v = fl__grow(l->v, &l->cap, l->n + 1, sizeof *v);
	if (!v)
		return;
	l->v = v;
	l->v[l->n++] = item;
}

/* Index the polygons of geoms[i] (one entry per component polygon). */
static comp *index_components(GEOSContextHandle_t h, GEOSGeometry **geoms, size_t n, GEOSSTRtree *tree,
			      size_t *ncomp)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (geoms[i])
			total += (size_t)GEOSGetNumGeometries_r(h, geoms[i]);
	comp *c = calloc(total + 1, sizeof *c);
	if (!c)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!geoms[i])
			continue;
		int m = GEOSGetNumGeometries_r(h, geoms[i]);
		for (int j = 0; j < m; j++) {
			c[k].event = i;
			c[k].geom = GEOSGetGeometryN_r(h, geoms[i], j);
			k++;
		}
	}
	for (size_t i = 0; i < k; i++) /* after filling: the tree keeps pointers */
		GEOSSTRtree_insert_r(h, tree, c[i].geom, &c[i]);
	*ncomp = k;
	return c;
}

static bool comp_contains(GEOSContextHandle_t h, comp *c, const GEOSGeometry *pt)
{
	if (!c->prep)
		c->prep = GEOSPrepare_r(h, c->geom);
	return c->prep && GEOSPreparedContains_r(h, c->prep, pt) == 1;
}

static void free_components(GEOSContextHandle_t h, comp *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		if (c[i].prep)
			GEOSPreparedGeom_destroy_r(h, c[i].prep);
	free(c);
}

/* Faces of the overlay of regions and event polygons, each located in its
 * region and in the event polygons that cover it through two STR trees. */
static fl_status build_overlay(fl_tracker *t, fl__diags *d)
{
	GEOSContextHandle_t h = t->geos;
	size_t nlines = 0, cap = 0;
	fl_status st = FL_OK;
	GEOSGeometry **lines = calloc(t->nregions + t->nevents + 1, sizeof *lines);
	GEOSGeometry **sev = calloc(t->nevents + 1, sizeof *sev);
	GEOSGeometry **srg = calloc(t->nregions + 1, sizeof *srg);
	size_t *ecap = calloc(t->nevents + 1, sizeof *ecap);
	/* events that name regions: per region, plus those naming every region */
	size_t **rev = calloc(t->nregions + 1, sizeof *rev), *nrev = calloc(t->nregions + 1, sizeof *nrev);
	size_t *rcap = calloc(t->nregions + 1, sizeof *rcap);
	if (!lines || !sev || !srg || !ecap || !rev || !nrev || !rcap) {
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t->nregions; i++) {
		srg[i] = GEOSGeom_setPrecision_r(h, t->regions[i].geom, FL__GRID, 0);
		if (srg[i])
			lines[nlines++] = GEOSBoundary_r(h, srg[i]);
	}
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		for (size_t r = 0; r < t->nregions && (e->pub.all_regions || e->pub.nregions); r++) {
			bool in = e->pub.all_regions;
			for (size_t k = 0; !in && k < e->pub.nregions; k++)
				in = (size_t)e->pub.regions[k] == r;
			if (!in)
				continue;
			size_t *v = fl__grow(rev[r], &rcap[r], nrev[r] + 1, sizeof *v);
			if (!v) {
				st = fl__fail(FL_ENOMEM, "out of memory");
				goto out;
			}
			rev[r] = v;
			rev[r][nrev[r]++] = i;
		}
		if (!e->polygon)
			continue;
		repair_event_polygon(t, e, d);
		sev[i] = GEOSGeom_setPrecision_r(h, e->polygon, FL__GRID, 0);
		if (sev[i])
			lines[nlines++] = GEOSBoundary_r(h, sev[i]);
	}
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, lines, (unsigned)nlines);
	GEOSGeometry *noded = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
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
	GEOSSTRtree *rtree = GEOSSTRtree_create_r(h, 10), *etree = GEOSSTRtree_create_r(h, 10);
	size_t nrc = 0, nec = 0;
	comp *rc = index_components(h, srg, t->nregions, rtree, &nrc);
	comp *ec = index_components(h, sev, t->nevents, etree, &nec);
	hits hr = {0}, he = {0};
	unsigned char *mark = calloc(t->nevents + 1, 1);
	if (!rc || !ec || !mark)
		st = fl__fail(FL_ENOMEM, "out of memory");
	int nf = GEOSGetNumGeometries_r(h, faces);
	for (int fi = 0; fi < nf && !st; fi++) {
		const GEOSGeometry *face = GEOSGetGeometryN_r(h, faces, fi);
		GEOSGeometry *pt = GEOSPointOnSurface_r(h, face);
		if (!pt)
			continue;
		int region = FL_NONE;
		hr.n = he.n = 0;
		GEOSSTRtree_query_r(h, rtree, pt, collect_comp, &hr);
		for (size_t k = 0; k < hr.n && region == FL_NONE; k++)
			if (comp_contains(h, hr.v[k], pt))
				region = (int)hr.v[k]->event;
		GEOSSTRtree_query_r(h, etree, pt, collect_comp, &he);
		size_t atom = t->natoms;
		bool added = false;
		for (size_t k = 0; k < he.n && !st; k++) {
			size_t e = he.v[k]->event;
			if (mark[e] || !comp_contains(h, he.v[k], pt))
				continue;
			mark[e] = 1;
			if (!added)
				st = push_atom(t, &cap, GEOSGeom_clone_r(h, face), region), added = true;
			if (!st)
				st = add_event_atom(&t->events[e], atom, &ecap[e]);
		}
		for (size_t k = 0; region != FL_NONE && k < nrev[region] && !st; k++) {
			size_t e = rev[region][k];
			if (mark[e])
				continue;
			mark[e] = 1;
			if (!added)
				st = push_atom(t, &cap, GEOSGeom_clone_r(h, face), region), added = true;
			if (!st)
				st = add_event_atom(&t->events[e], atom, &ecap[e]);
		}
		if (added) /* reset marks */
			for (size_t k = 0; k < t->nevents && k < SIZE_MAX; k++)
				if (mark[k]) {
					/* cheap enough: only events of this atom were marked */
					mark[k] = 0;
				}
		if (!added && region != FL_NONE && !st) /* a region piece no event ever touches */
			st = push_atom(t, &cap, GEOSGeom_clone_r(h, face), region);
		GEOSGeom_destroy_r(h, pt);
	}
	free(hr.v), free(he.v), free(mark);
	free_components(h, rc, nrc);
	free_components(h, ec, nec);
	GEOSSTRtree_destroy_r(h, rtree);
	GEOSSTRtree_destroy_r(h, etree);
	GEOSGeom_destroy_r(h, faces);
out:
	for (size_t i = 0; sev && i < t->nevents; i++)
		if (sev[i])
			GEOSGeom_destroy_r(h, sev[i]);
	for (size_t i = 0; srg && i < t->nregions; i++)
		if (srg[i])
			GEOSGeom_destroy_r(h, srg[i]);
	for (size_t i = 0; rev && i < t->nregions; i++)
		free(rev[i]);
	free(lines), free(sev), free(srg), free(ecap), free(rev), free(nrev), free(rcap);
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

/* Each atom's timeline from the events' atom columns, in apply order. */
static fl_status atoms_timelines(fl_tracker *t)
{
	/* counting sort: one pool, each atom's slice in apply order */
	const fl__evcols *c = &t->ec;
	size_t total = (size_t)c->atom0[t->nevents];
	free(t->tl_pool);
	t->tl_pool = malloc((total + 1) * sizeof *t->tl_pool);
	if (!t->tl_pool)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->natoms; i++)
		t->atoms[i].ntl = 0;
	for (size_t j = 0; j < total; j++)
		t->atoms[c->atoms[j]].ntl++;
	size_t off = 0;
	for (size_t i = 0; i < t->natoms; i++) {
		t->atoms[i].tl = t->tl_pool + off;
		off += t->atoms[i].ntl;
		t->atoms[i].ntl = 0;
	}
	for (size_t k = 0; k < t->nevents; k++) {
		size_t n;
		const uint32_t *at = fl__event_atoms(t, t->order[k], &n);
		for (size_t j = 0; j < n; j++) {
			fl__atom *a = &t->atoms[at[j]];
			t->tl_pool[(size_t)(a->tl - t->tl_pool) + a->ntl++] = (uint32_t)t->order[k];
		}
	}
	t->total_km2 = 0;
	for (size_t i = 0; i < t->natoms; i++)
		t->total_km2 += t->atoms[i].area_km2;
	return FL_OK;
}

fl_status fl__atoms_build(fl_tracker *t, fl__diags *d)
{
	bool polygons = false;
	for (size_t i = 0; i < t->nevents; i++)
		polygons |= t->events[i].pub.has_polygon != 0;
	fl_status st = polygons ? build_overlay(t, d) : build_from_regions(t);
	/* the overlay's faces are noded together: they meet vertex for vertex;
	 * regions as drawn are checked when first joined (fl__coverage_of) */
	t->coverage = polygons ? FL__COVERAGE_CLEAN : FL__COVERAGE_UNKNOWN;
	if (!st)
		st = fl__evcols_build(t);
	return st ? st : atoms_timelines(t);
}
