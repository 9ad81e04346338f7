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
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "geo.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"
#include "wkb.h"

#define TWO_PI 6.283185307179586476925286766559

typedef struct xy {
	double x, y;
} xy;

typedef struct cov {
	xy *pt;            /* vertices, by id */
	size_t npt, ptcap;
	uint32_t *vslot;   /* vertex hash: id + 1, 0 = empty */
	size_t vcap;
	uint32_t *ea, *eb; /* directed edges a -> b */
	unsigned char *dead;
	size_t ne, ecap;
	uint32_t *eslot;   /* edge hash on the unordered pair: edge + 1 */
	size_t ecap_h;
	xy *buf;           /* one ring's coordinates */
	size_t bufcap;
	bool bad;
} cov;

static uint64_t bits(double d)
{
	uint64_t u;
	d += 0.0; /* -0 + 0 is +0: -0 and 0 are one vertex */
	memcpy(&u, &d, sizeof u);
	return u;
}

static uint32_t vertex(cov *c, xy p)
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
static void edge(cov *c, uint32_t a, uint32_t b)
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

static double ring_area2(const xy *p, size_t n)
{
	double s = 0;
	for (size_t i = 0; i + 1 < n; i++)
		s += (p[i].x - p[0].x) * (p[i + 1].y - p[0].y) - (p[i + 1].x - p[0].x) * (p[i].y - p[0].y);
	return s;
}

/* The edges of one ring, oriented so that the polygon's interior is on the left. */
/* The edges of one ring (in c->buf), oriented so that the polygon's interior is on the left. */
static void add_coords(cov *c, unsigned int n, bool hole)
{
	const xy *b = c->buf;
	bool ccw = ring_area2(b, n) > 0;
	bool reverse = hole ? ccw : !ccw;
	uint32_t first = vertex(c, b[reverse ? n - 1 : 0]), prev = first;
	for (unsigned int k = 1; k < n && !c->bad; k++) {
		uint32_t v = vertex(c, b[reverse ? n - 1 - k : k]);
		edge(c, prev, v);
		prev = v;
	}
}

static void add_ring(cov *c, GEOSContextHandle_t h, const GEOSGeometry *ring, bool hole)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) {
		c->bad = true;
		return;
	}
	if (n < 4)
		return; /* an empty or degenerate ring bounds nothing */
	xy *b = fl__grow(c->buf, &c->bufcap, n, sizeof *b);
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
	cov *c = ctx;
	xy *b = fl__grow(c->buf, &c->bufcap, n, sizeof *b);
	if (!b) {
		c->bad = true;
		return false;
	}
	c->buf = b;
	if (big == (FL__BIG_ENDIAN != 0) && sizeof(xy) == 16)
		memcpy(b, p, 16 * (size_t)n);
	else
		for (uint32_t i = 0; i < n; i++)
			b[i] = (xy){fl__wkb_coord(p + 16 * (size_t)i, big),
				    fl__wkb_coord(p + 16 * (size_t)i + 8, big)};
	add_coords(c, n, hole);
	return !c->bad;
}

static void add_polygon(cov *c, GEOSContextHandle_t h, const GEOSGeometry *g)
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

typedef struct ring {
	size_t off, n; /* coordinates in the ring pool, closed */
	double area2;  /* twice the signed area: > 0 shell, < 0 hole */
	double x0, y0, x1, y1;
	long shell;    /* for a hole: its shell */
} ring;

static bool inside(const xy *p, size_t n, xy q)
{
	bool in = false;
	for (size_t i = 0, j = n - 1; i < n; j = i++)
		if ((p[i].y > q.y) != (p[j].y > q.y) &&
		    q.x < (p[j].x - p[i].x) * (q.y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
			in = !in;
	return in;
}

static GEOSGeometry *make_ring(GEOSContextHandle_t h, const xy *p, size_t n)
{
	GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, (const double *)p, (unsigned)n, 0, 0);
	return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

/* Holes into the smallest shell around the middle of their first edge, then polygons. */
static GEOSGeometry *polygons(GEOSContextHandle_t h, const xy *pool, ring *rings, size_t nr)
{
	/* each hole goes to the smallest shell around the middle of its first edge */
	size_t nshell = 0;
	for (size_t i = 0; i < nr; i++) {
		if (rings[i].area2 > 0) {
			nshell++;
			continue;
		}
		const xy *p = pool + rings[i].off;
		xy q = {(p[0].x + p[1].x) / 2, (p[0].y + p[1].y) / 2};
		double smallest = INFINITY;
		for (size_t j = 0; j < nr; j++) {
			const ring *sh = &rings[j];
			if (sh->area2 <= 0 || q.x < sh->x0 || q.x > sh->x1 || q.y < sh->y0 || q.y > sh->y1 ||
			    sh->area2 >= smallest || !inside(pool + sh->off, sh->n - 1, q))
				continue;
			smallest = sh->area2;
			rings[i].shell = (long)j;
		}
		if (rings[i].shell < 0)
			return NULL;
	}
	if (!nshell)
		return GEOSGeom_createEmptyPolygon_r(h);
	GEOSGeometry *result = NULL;
	GEOSGeometry **polys = calloc(nshell, sizeof *polys);
	size_t *nholes = calloc(nr, sizeof *nholes);
	GEOSGeometry **holes = calloc(nr + 1, sizeof *holes);
	bool ok = polys && nholes && holes;
	for (size_t i = 0; i < nr && ok; i++)
		if (rings[i].area2 < 0)
			nholes[rings[i].shell]++;
	size_t np = 0;
	for (size_t i = 0; i < nr && ok; i++) {
		if (rings[i].area2 <= 0)
			continue;
		size_t k = 0;
		for (size_t j = 0; j < nr && nholes[i] && ok; j++)
			if (rings[j].area2 < 0 && rings[j].shell == (long)i) {
				holes[k] = make_ring(h, pool + rings[j].off, rings[j].n);
				ok = holes[k++] != NULL;
			}
		GEOSGeometry *shell = ok ? make_ring(h, pool + rings[i].off, rings[i].n) : NULL;
		if (!shell) {
			for (size_t j = 0; j < k; j++)
				if (holes[j])
					GEOSGeom_destroy_r(h, holes[j]);
			ok = false;
			break;
		}
		polys[np] = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)k);
		ok = polys[np++] != NULL;
	}
	if (ok)
		result = np == 1 ? polys[0]
				 : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, (unsigned)np);
	if (!result)
		for (size_t i = 0; i < np; i++)
			if (polys[i])
				GEOSGeom_destroy_r(h, polys[i]);
	free(polys), free(nholes), free(holes);
	return result;
}

/* The walk being traced: its vertices, and where each one is in it. */
typedef struct walk {
	uint32_t *v;
	uint32_t *pos; /* by vertex id: index in v, or UINT32_MAX */
	size_t top;
} walk;

/* Rings as they are traced: coordinates in one pool. */
typedef struct rset {
	xy *pool;
	size_t npool, poolcap;
	ring *rings;
	size_t nr, rcap;
} rset;

static void rset_free(rset *s)
{
	free(s->pool), free(s->rings);
}

static bool add_ring_to(rset *s, const xy *p, size_t n)
{
	xy *np = fl__grow(s->pool, &s->poolcap, s->npool + n, sizeof *np);
	if (np)
		s->pool = np;
	ring *nr = np ? fl__grow(s->rings, &s->rcap, s->nr + 1, sizeof *nr) : NULL;
	if (!nr)
		return false;
	s->rings = nr;
	size_t off = s->npool;
	memcpy(np + off, p, n * sizeof *p);
	s->npool += n;
	ring *r = &nr[s->nr++];
	*r = (ring){off, n, ring_area2(np + off, n), INFINITY, INFINITY, -INFINITY, -INFINITY, -1};
	for (size_t k = off; k < off + n; k++) {
		r->x0 = fmin(r->x0, np[k].x), r->y0 = fmin(r->y0, np[k].y);
		r->x1 = fmax(r->x1, np[k].x), r->y1 = fmax(r->y1, np[k].y);
	}
	return r->n >= 4 && r->area2 != 0;
}

/* The walk's vertices from index p on, closed, become a ring; the walk keeps
 * its vertex p.  A face's boundary that touches itself at a vertex thus comes
 * out as simple rings (a shell and the hole it touches), as OGC wants.  Every
 * vertex stays: pieces of different holders meet vertex for vertex, so the
 * output tiles the extent exactly. */
static bool emit(const cov *c, walk *w, size_t p, xy **buf, size_t *bufcap, rset *rings)
{
	size_t n = w->top - p + 1;
	xy *b = fl__grow(*buf, bufcap, n, sizeof *b);
	if (!b)
		return false;
	*buf = b;
	for (size_t k = p; k < w->top; k++)
		b[k - p] = c->pt[w->v[k]];
	b[n - 1] = b[0];
	for (size_t k = p + 1; k < w->top; k++)
		w->pos[w->v[k]] = UINT32_MAX;
	w->top = p + 1;
	return add_ring_to(rings, b, n);
}

/* Chain the edges that are left into rings and rings into polygons. */
static GEOSGeometry *assemble(cov *c, GEOSContextHandle_t h)
{
	size_t nv = c->npt, ne = c->ne;
	size_t *first = calloc(nv + 2, sizeof *first);
	uint32_t *out = malloc((ne + 1) * sizeof *out);
	unsigned char *used = calloc(ne + 1, 1);
	rset rings = {0};
	xy *buf = NULL;
	size_t bufcap = 0;
	GEOSGeometry *result = NULL;
	if (!first || !out || !used)
		goto done;
	/* outgoing edges of each vertex, and in-degree = out-degree everywhere */
	long *balance = calloc(nv + 1, sizeof *balance);
	if (!balance)
		goto done;
	for (size_t e = 0; e < ne; e++)
		if (!c->dead[e]) {
			first[c->ea[e] + 1]++;
			balance[c->ea[e]]++;
			balance[c->eb[e]]--;
		}
	bool balanced = true;
	for (size_t v = 0; v < nv; v++)
		balanced &= balance[v] == 0;
	free(balance);
	if (!balanced)
		goto done;
	for (size_t v = 0; v < nv; v++)
		first[v + 1] += first[v];
	size_t *fill = malloc((nv + 1) * sizeof *fill);
	if (!fill)
		goto done;
	memcpy(fill, first, (nv + 1) * sizeof *fill);
	for (size_t e = 0; e < ne; e++)
		if (!c->dead[e])
			out[fill[c->ea[e]]++] = (uint32_t)e;
	free(fill);

	walk w = {0};
	w.pos = malloc((nv + 1) * sizeof *w.pos);
	w.v = calloc(nv + 1, sizeof *w.v);
	if (!w.pos || !w.v)
		goto walk_done;
	for (size_t v = 0; v < nv; v++)
		w.pos[v] = UINT32_MAX;
	for (size_t s = 0; s < ne; s++) {
		if (c->dead[s] || used[s])
			continue;
		w.top = 0;
		w.v[w.top] = c->ea[s];
		w.pos[c->ea[s]] = (uint32_t)w.top++;
		uint32_t e = (uint32_t)s, next;
		do {
			used[e] = 1;
			/* at the end vertex, the outgoing edge first clockwise from the way back */
			uint32_t v = c->eb[e];
			size_t k0 = first[v], k1 = first[v + 1];
			next = UINT32_MAX;
			if (k1 - k0 == 1)
				next = out[k0];
			else {
				xy a = c->pt[c->ea[e]], o = c->pt[v];
				double back = atan2(a.y - o.y, a.x - o.x), best = 10;
				for (size_t k = k0; k < k1; k++) {
					xy q = c->pt[c->eb[out[k]]];
					double turn = back - atan2(q.y - o.y, q.x - o.x);
					while (turn <= 0)
						turn += TWO_PI;
					if (turn < best)
						best = turn, next = out[k];
				}
			}
			if (next == UINT32_MAX || (used[next] && next != s))
				goto walk_done; /* the turns are not a permutation: give up */
			if (w.pos[v] != UINT32_MAX) {
				/* back at a vertex of this walk: the loop since then is a ring */
				if (!emit(c, &w, w.pos[v], &buf, &bufcap, &rings))
					goto walk_done;
			} else {
				w.v[w.top] = v;
				w.pos[v] = (uint32_t)w.top++;
			}
			e = next;
		} while (e != s);
		for (size_t k = 0; k < w.top; k++)
			w.pos[w.v[k]] = UINT32_MAX;
	}
	result = polygons(h, rings.pool, rings.rings, rings.nr);
walk_done:
	free(w.pos), free(w.v);
done:
	free(first), free(out), free(used), free(buf);
	rset_free(&rings);
	return result;
}

/* Room for `coords` coordinates in all. */
static bool cov_init(cov *c, size_t coords)
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

static void cov_free(cov *c)
{
	free(c->pt), free(c->vslot), free(c->ea), free(c->eb), free(c->dead), free(c->eslot);
	free(c->buf);
}

GEOSGeometry *fl__coverage_union_fast(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n)
{
	cov c = {0};
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
			r = assemble(&c, h);
	}
	cov_free(&c);
	return r;
}

/* Edge cancelling straight from the index's WKB where the atom has no
 * geometry yet; NULL where the atoms are no clean coverage. */
static GEOSGeometry *atoms_union_fast(const fl_tracker *t, const size_t *atoms, size_t n)
{
	GEOSContextHandle_t h = t->geos;
	cov c = {0};
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
			r = assemble(&c, h);
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
