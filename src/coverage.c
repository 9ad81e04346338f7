/*
 * coverage.c: the union of pieces that tile without overlap (atoms).
 *
 * Atoms are faces of one noded arrangement, so two atoms that touch share
 * their common boundary vertex for vertex.  Their union is then a matter of
 * bookkeeping, not of overlay: orient every ring so that its interior lies on
 * the left, drop each edge that is also walked the other way (it separates two
 * pieces of the union), and chain the edges that are left into rings, taking
 * at every vertex the outgoing edge that turns furthest left, so that shells
 * meeting at a point come out as separate polygons, as OGC wants.  Rings with
 * the interior on the left and positive area are shells, the others holes,
 * each put in the smallest shell around it.
 *
 * This is what GEOSCoverageUnion does too, but without building a planar
 * graph of C++ objects and without cloning the inputs: on the DeepState map it
 * is several times faster.  Anything unexpected (two pieces walking one edge
 * the same way, which is an overlap; an unbalanced vertex; a hole in no shell)
 * makes it give up, and the caller falls back to GEOS.
 *
 * Here: the edges of the pieces, and the unions the library asks for;
 * chaining the edges into rings and polygons is coverage_rings.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "coverage_rings.h"
#include "geo.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"
#include "wkb.h"

static uint64_t bits(double d)
{
	uint64_t u;
	d += 0.0; /* -0 + 0 is +0: -0 and 0 are one vertex */
	memcpy(&u, &d, sizeof u);
	return u;
}

static uint32_t vertex(fl__cov *c, fl__xy p)
{
	size_t m = c->vcap - 1;
	for (size_t i = fl__mix64(bits(p.x) ^ fl__mix64(bits(p.y))) & m;; i = (i + 1) & m) {
		uint32_t s = c->vslot[i];
		if (!s) {
			if (c->npt >= c->ptcap) {
				c->bad = true;
				return 0;
			}
			c->pt[c->npt] = p;
			c->vslot[i] = (uint32_t)++c->npt;
			return (uint32_t)(c->npt - 1);
		}
		if (c->pt[s - 1].x == p.x && c->pt[s - 1].y == p.y)
			return s - 1;
	}
}

/* One directed edge: cancels against the same edge walked the other way. */
static void edge(fl__cov *c, uint32_t a, uint32_t b)
{
	if (a == b || c->bad)
		return;
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	size_t m = c->ecap_h - 1;
	size_t i = fl__mix64(((uint64_t)lo << 32) | hi) & m;
	for (;; i = (i + 1) & m) {
		uint32_t s = c->eslot[i];
		if (!s)
			break;
		uint32_t e = s - 1;
		if ((c->ea[e] == lo && c->eb[e] == hi) || (c->ea[e] == hi && c->eb[e] == lo)) {
			if (c->dead[e] || c->ea[e] == a)
				c->bad = true; /* a third walk, or the same way twice: overlap */
			c->dead[e] = 1;
			return;
		}
	}
	if (c->ne >= c->ecap) {
		c->bad = true;
		return;
	}
	c->ea[c->ne] = a, c->eb[c->ne] = b, c->dead[c->ne] = 0;
	c->eslot[i] = (uint32_t)++c->ne;
}

/* The edges of one ring (in c->buf), oriented so that the polygon's interior is on the left. */
static void add_coords(fl__cov *c, unsigned int n, bool hole)
{
	const fl__xy *b = c->buf;
	bool ccw = fl__ring_area2(b, n) > 0;
	bool reverse = hole ? ccw : !ccw;
	uint32_t first = vertex(c, b[reverse ? n - 1 : 0]), prev = first;
	for (unsigned int k = 1; k < n && !c->bad; k++) {
		uint32_t v = vertex(c, b[reverse ? n - 1 - k : k]);
		edge(c, prev, v);
		prev = v;
	}
}

static void add_ring(fl__cov *c, GEOSContextHandle_t h, const GEOSGeometry *ring, bool hole)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) {
		c->bad = true;
		return;
	}
	if (n < 4)
		return; /* an empty or degenerate ring bounds nothing */
	fl__xy *b = fl__grow(c->buf, &c->bufcap, n, sizeof *b);
	if (!b || !GEOSCoordSeq_copyToBuffer_r(h, cs, (double *)b, 0, 0)) {
		c->bad = true;
		return;
	}
	c->buf = b;
	add_coords(c, n, hole);
}

/* A ring of an atom's WKB, read in place (wkb.c). */
static bool add_wkb_ring(void *ctx, const unsigned char *p, uint32_t n, bool big, bool hole)
{
	fl__cov *c = ctx;
	fl__xy *b = fl__grow(c->buf, &c->bufcap, n, sizeof *b);
	if (!b) {
		c->bad = true;
		return false;
	}
	c->buf = b;
	if (big == (FL__BIG_ENDIAN != 0) && sizeof(fl__xy) == 16)
		memcpy(b, p, 16 * (size_t)n);
	else
		for (uint32_t i = 0; i < n; i++)
			b[i] = (fl__xy){fl__wkb_coord(p + 16 * (size_t)i, big),
				    fl__wkb_coord(p + 16 * (size_t)i + 8, big)};
	add_coords(c, n, hole);
	return !c->bad;
}

static void add_polygon(fl__cov *c, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(h, g);
		for (int i = 0; i < n && !c->bad; i++)
			add_polygon(c, h, GEOSGetGeometryN_r(h, g, i));
		return;
	}
	if (type != GEOS_POLYGON) {
		c->bad = true;
		return;
	}
	if (GEOSisEmpty_r(h, g))
		return;
	add_ring(c, h, GEOSGetExteriorRing_r(h, g), false);
	int nh = GEOSGetNumInteriorRings_r(h, g);
	for (int i = 0; i < nh && !c->bad; i++)
		add_ring(c, h, GEOSGetInteriorRingN_r(h, g, i), true);
}

/* Room for `coords` coordinates in all. */
static bool cov_init(fl__cov *c, size_t coords)
{
	if (coords >= UINT32_MAX / 4)
		return false;
	for (c->vcap = 64; c->vcap < 2 * coords; c->vcap *= 2)
		;
	c->ecap_h = c->vcap;
	c->ptcap = c->ecap = coords + 1; /* a ring of k coordinates has k - 1 edges and vertices */
	c->vslot = calloc(c->vcap, sizeof *c->vslot);
	c->eslot = calloc(c->ecap_h, sizeof *c->eslot);
	c->pt = malloc(c->ptcap * sizeof *c->pt);
	c->ea = malloc(c->ecap * sizeof *c->ea);
	c->eb = malloc(c->ecap * sizeof *c->eb);
	c->dead = malloc(c->ecap);
	return c->vslot && c->eslot && c->pt && c->ea && c->eb && c->dead;
}

static void cov_free(fl__cov *c)
{
	free(c->pt), free(c->vslot), free(c->ea), free(c->eb), free(c->dead), free(c->eslot);
	free(c->buf);
}

GEOSGeometry *fl__coverage_union_fast(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n)
{
	fl__cov c = {0};
	size_t coords = 0;
	for (size_t i = 0; i < n; i++) {
		int k = GEOSGetNumCoordinates_r(h, parts[i]);
		if (k < 0)
			return NULL;
		coords += (size_t)k;
	}
	GEOSGeometry *r = NULL;
	if (cov_init(&c, coords)) {
		for (size_t i = 0; i < n && !c.bad; i++)
			add_polygon(&c, h, parts[i]);
		if (!c.bad)
			r = fl__cov_assemble(&c, h);
	}
	cov_free(&c);
	return r;
}

/* Edge cancelling straight from the index's WKB where the atom has no
 * geometry yet; NULL where the atoms are no clean coverage. */
static GEOSGeometry *atoms_union_fast(const fl_tracker *t, const size_t *atoms, size_t n)
{
	GEOSContextHandle_t h = t->geos;
	fl__cov c = {0};
	size_t coords = 0;
	for (size_t i = 0; i < n; i++) {
		const fl__atom *a = &t->atoms[atoms[i]];
		int k = a->geom ? GEOSGetNumCoordinates_r(h, a->geom) : (int)(a->wkblen / 16);
		coords += k > 0 ? (size_t)k : 0;
	}
	GEOSGeometry *r = NULL;
	if (cov_init(&c, coords)) {
		for (size_t i = 0; i < n && !c.bad; i++) {
			const fl__atom *a = &t->atoms[atoms[i]];
			if (a->geom)
				add_polygon(&c, h, a->geom);
			else if (!fl__wkb_rings(a->wkb, a->wkblen, add_wkb_ring, &c))
				c.bad = true;
		}
		if (!c.bad)
			r = fl__cov_assemble(&c, h);
	}
	cov_free(&c);
	return r;
}

unsigned char fl__coverage_check(const fl_tracker *t, double *x, double *y)
{
	*x = *y = NAN;
	if (t->natoms < 2)
		return FL__COVERAGE_CLEAN;
	/* T-junctions leave a shared border's edges uncancelled on both sides:
	 * the union of everything then has rings along rings (invalid), or a
	 * ring of no area (refused by the fast path) */
	unsigned char cv = FL__COVERAGE_CLEAN;
	size_t *all = malloc(t->natoms * sizeof *all);
	GEOSGeometry *u = NULL;
	if (all) {
		for (size_t i = 0; i < t->natoms; i++)
			all[i] = i;
		u = atoms_union_fast(t, all, t->natoms);
	}
	char *why = NULL;
	GEOSGeometry *where = NULL;
	if (!u || GEOSisValidDetail_r(t->geos, u, 0, &why, &where) != 1)
		cv = FL__COVERAGE_LOOSE;
	if (where && GEOSGeomTypeId_r(t->geos, where) == GEOS_POINT) {
		GEOSGeomGetX_r(t->geos, where, x);
		GEOSGeomGetY_r(t->geos, where, y);
	}
	if (why)
		GEOSFree_r(t->geos, why);
	if (where)
		GEOSGeom_destroy_r(t->geos, where);
	if (u)
		GEOSGeom_destroy_r(t->geos, u);
	free(all);
	return cv;
}

unsigned char fl__coverage_of(const fl_tracker *t)
{
	if (t->coverage != FL__COVERAGE_UNKNOWN)
		return t->coverage;
	double x, y;
	/* a cache filled on demand, as atoms' geometries */
	((fl_tracker *)t)->coverage = fl__coverage_check(t, &x, &y);
	return t->coverage;
}

GEOSGeometry *fl__atoms_union(const fl_tracker *t, const size_t *atoms, size_t n)
{
	GEOSContextHandle_t h = t->geos;
	if (n == 1) {
		const fl__atom *a = &t->atoms[atoms[0]];
		if (a->geom)
			return GEOSGeom_clone_r(h, a->geom);
		return fl__geos_from_wkb(h, a->wkb, a->wkblen);
	}
	bool loose = fl__coverage_of(t) == FL__COVERAGE_LOOSE;
	GEOSGeometry *r = loose ? NULL : atoms_union_fast(t, atoms, n);
	if (r)
		return r;
	/* no clean coverage: GEOS, on the atoms' geometries */
	GEOSGeometry **parts = malloc((n + 1) * sizeof *parts);
	if (!parts)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(parts[i] = (GEOSGeometry *)fl__atom_geom(t, atoms[i]))) {
			free(parts);
			return NULL;
		}
	if (!loose) {
		r = fl__coverage_union(h, parts, n);
	} else {
		/* borders with different vertices on each side: only an overlay
		 * joins them (GEOS's coverage union assumes they match) */
		GEOSGeometry **c = malloc((n + 1) * sizeof *c);
		for (size_t i = 0; c && i < n; i++)
			c[i] = GEOSGeom_clone_r(h, parts[i]);
		GEOSGeometry *coll = c ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, c,
								     (unsigned)n)
				       : NULL;
		free(c);
		r = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
		if (coll)
			GEOSGeom_destroy_r(h, coll);
	}
	free(parts);
	return r;
}

GEOSGeometry *fl__coverage_union(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n)
{
	if (n == 1)
		return GEOSGeom_clone_r(h, parts[0]);
	/* checked valid here: these parts (regions as drawn) may meet with
	 * T-junctions, which neither edge cancelling nor GEOS's coverage union
	 * joins; the hot paths go through fl__atoms_union */
	GEOSGeometry *u = fl__coverage_union_fast(h, parts, n);
	if (u && GEOSisValid_r(h, u) == 1)
		return u;
	if (u)
		GEOSGeom_destroy_r(h, u);
	GEOSGeometry **c = malloc((n + 1) * sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = GEOSGeom_clone_r(h, parts[i]);
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, c, (unsigned)n);
	free(c);
	if (!coll)
		return NULL;
	u = GEOSCoverageUnion_r(h, coll);
	if (u && GEOSisValid_r(h, u) != 1) {
		GEOSGeom_destroy_r(h, u);
		u = NULL;
	}
	if (!u) /* not a clean coverage after all: fall back to a full union */
		u = GEOSUnaryUnion_r(h, coll);
	GEOSGeom_destroy_r(h, coll);
	return u;
}
