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

/* The state of build_overlay. */
typedef struct overlay {
	GEOSContextHandle_t h;
	GEOSGeometry **sev, **srg;  /* event polygons and regions on the grid */
	size_t *ecap, cap;          /* capacities: each event's atom list, the atoms */
	size_t **rev, *nrev, *rcap; /* per region, the events that name it */
	unsigned char *mark;        /* the events the current face went to */
	GEOSSTRtree *rtree, *etree; /* the regions' and event polygons' components */
	hits hr, he;
} overlay;

/* Event i in the lists of the regions it names. */
static fl_status list_region_event(fl_tracker *t, overlay *o, size_t i)
{
	const fl__event *e = &t->events[i];
	for (size_t r = 0; r < t->nregions && (e->pub.all_regions || e->pub.nregions); r++) {
		bool in = e->pub.all_regions;
		for (size_t k = 0; !in && k < e->pub.nregions; k++)
			in = (size_t)e->pub.regions[k] == r;
		if (!in)
			continue;
		size_t *v = fl__grow(o->rev[r], &o->rcap[r], o->nrev[r] + 1, sizeof *v);
		if (!v)
			return fl__fail(FL_ENOMEM, "out of memory");
		o->rev[r] = v;
		o->rev[r][o->nrev[r]++] = i;
	}
	return FL_OK;
}

/* The faces of the noded boundaries of the regions and the event polygons
 * (put on the grid in o->srg, o->sev), NULL with *st set on failure. */
static GEOSGeometry *overlay_faces(fl_tracker *t, overlay *o, fl__diags *d, fl_status *st)
{
	GEOSContextHandle_t h = o->h;
	size_t nlines = 0;
	GEOSGeometry **lines = calloc(t->nregions + t->nevents + 1, sizeof *lines);
	if (!lines) {
		*st = fl__fail(FL_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < t->nregions; i++) {
		o->srg[i] = GEOSGeom_setPrecision_r(h, t->regions[i].geom, FL__GRID, 0);
		if (o->srg[i])
			lines[nlines++] = GEOSBoundary_r(h, o->srg[i]);
	}
	for (size_t i = 0; i < t->nevents && !*st; i++) {
		fl__event *e = &t->events[i];
		*st = list_region_event(t, o, i);
		if (*st || !e->polygon)
			continue;
		repair_event_polygon(t, e, d);
		o->sev[i] = GEOSGeom_setPrecision_r(h, e->polygon, FL__GRID, 0);
		if (o->sev[i])
			lines[nlines++] = GEOSBoundary_r(h, o->sev[i]);
	}
	GEOSGeometry *faces = NULL;
	if (!*st) {
		GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, lines, (unsigned)nlines);
		GEOSGeometry *noded = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
		if (coll)
			GEOSGeom_destroy_r(h, coll);
		const GEOSGeometry *in[1] = {noded};
		faces = noded ? GEOSPolygonize_r(h, in, 1) : NULL;
		if (noded)
			GEOSGeom_destroy_r(h, noded);
		if (!faces)
			*st = fl__fail(FL_EGEOM, "overlay of regions and event areas failed: %s", fl_error_last());
	} else {
		for (size_t i = 0; i < nlines; i++)
			GEOSGeom_destroy_r(h, lines[i]);
	}
	free(lines);
	return faces;
}

/* Event e covers the face (in region): the face's atom, made on first use
 * (*added), joins e's atoms once. */
static fl_status face_event(fl_tracker *t, overlay *o, const GEOSGeometry *face, int region, size_t e,
			    bool *added)
{
	if (o->mark[e])
		return FL_OK;
	o->mark[e] = 1;
	fl_status st = FL_OK;
	if (!*added)
		st = push_atom(t, &o->cap, GEOSGeom_clone_r(o->h, face), region), *added = true;
	return st ? st : add_event_atom(&t->events[e], t->natoms - 1, &o->ecap[e]);
}

/* One face of the overlay: its region and the events whose polygons cover
 * it or that name its region, found at a point inside it. */
static fl_status place_face(fl_tracker *t, overlay *o, const GEOSGeometry *face)
{
	GEOSContextHandle_t h = o->h;
	GEOSGeometry *pt = GEOSPointOnSurface_r(h, face);
	if (!pt)
		return FL_OK;
	fl_status st = FL_OK;
	int region = FL_NONE;
	o->hr.n = o->he.n = 0;
	GEOSSTRtree_query_r(h, o->rtree, pt, collect_comp, &o->hr);
	for (size_t k = 0; k < o->hr.n && region == FL_NONE; k++)
		if (comp_contains(h, o->hr.v[k], pt))
			region = (int)o->hr.v[k]->event;
	GEOSSTRtree_query_r(h, o->etree, pt, collect_comp, &o->he);
	bool added = false;
	for (size_t k = 0; k < o->he.n && !st; k++)
		if (!o->mark[o->he.v[k]->event] && comp_contains(h, o->he.v[k], pt))
			st = face_event(t, o, face, region, o->he.v[k]->event, &added);
	for (size_t k = 0; region != FL_NONE && k < o->nrev[region] && !st; k++)
		st = face_event(t, o, face, region, o->rev[region][k], &added);
	if (added) /* only events of this atom were marked */
		memset(o->mark, 0, t->nevents);
	if (!added && region != FL_NONE && !st) /* a region piece no event ever touches */
		st = push_atom(t, &o->cap, GEOSGeom_clone_r(h, face), region);
	GEOSGeom_destroy_r(h, pt);
	return st;
}

/* Faces of the overlay of regions and event polygons, each located in its
 * region and in the event polygons that cover it through two STR trees. */
static fl_status build_overlay(fl_tracker *t, fl__diags *d)
{
	GEOSContextHandle_t h = t->geos;
	fl_status st = FL_OK;
	overlay o = {.h = h};
	o.sev = calloc(t->nevents + 1, sizeof *o.sev);
	o.srg = calloc(t->nregions + 1, sizeof *o.srg);
	o.ecap = calloc(t->nevents + 1, sizeof *o.ecap);
	o.rev = calloc(t->nregions + 1, sizeof *o.rev);
	o.nrev = calloc(t->nregions + 1, sizeof *o.nrev);
	o.rcap = calloc(t->nregions + 1, sizeof *o.rcap);
	GEOSGeometry *faces = NULL;
	if (!o.sev || !o.srg || !o.ecap || !o.rev || !o.nrev || !o.rcap)
		st = fl__fail(FL_ENOMEM, "out of memory");
	else
		faces = overlay_faces(t, &o, d, &st);
	if (faces) {
		o.rtree = GEOSSTRtree_create_r(h, 10), o.etree = GEOSSTRtree_create_r(h, 10);
		size_t nrc = 0, nec = 0;
		comp *rc = index_components(h, o.srg, t->nregions, o.rtree, &nrc);
		comp *ec = index_components(h, o.sev, t->nevents, o.etree, &nec);
		o.mark = calloc(t->nevents + 1, 1);
		if (!rc || !ec || !o.mark)
			st = fl__fail(FL_ENOMEM, "out of memory");
		int nf = GEOSGetNumGeometries_r(h, faces);
		for (int fi = 0; fi < nf && !st; fi++)
			st = place_face(t, &o, GEOSGetGeometryN_r(h, faces, fi));
		free(o.hr.v), free(o.he.v), free(o.mark);
		free_components(h, rc, nrc);
		free_components(h, ec, nec);
		GEOSSTRtree_destroy_r(h, o.rtree);
		GEOSSTRtree_destroy_r(h, o.etree);
		GEOSGeom_destroy_r(h, faces);
	}
	for (size_t i = 0; o.sev && i < t->nevents; i++)
		if (o.sev[i])
			GEOSGeom_destroy_r(h, o.sev[i]);
	for (size_t i = 0; o.srg && i < t->nregions; i++)
		if (o.srg[i])
			GEOSGeom_destroy_r(h, o.srg[i]);
	for (size_t i = 0; o.rev && i < t->nregions; i++)
		free(o.rev[i]);
	free(o.sev), free(o.srg), free(o.ecap), free(o.rev), free(o.nrev), free(o.rcap);
	return st;
}

/* Atoms are the regions: no overlay needed.  An event's atoms are then the
 * regions it names, which fl__evcols_build reads from the event itself (no
 * list per event: a million of them would be a million blocks). */
static fl_status build_from_regions(fl_tracker *t)
{
	size_t cap = 0;
	fl_status st = FL_OK;
	for (size_t i = 0; i < t->nregions && !st; i++)
		st = push_atom(t, &cap, GEOSGeom_clone_r(t->geos, t->regions[i].geom), (int)i);
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
		st = fl__evcols_build(t, !polygons);
	return st ? st : atoms_timelines(t);
}
