/*
 * front_edges.c: the shared borders of adjacent atoms, found once per
 * tracker, and the front's length followed through a sweep.
 *
 * Atoms of the overlay meet vertex for vertex (coverage.c), so a border two
 * atoms share is made of segments that both walk, once each way.  Every
 * segment of every ring is listed with its atom, the list sorted on the
 * segment's two ends (smaller end first), and each run of two with
 * different atoms is a piece of their common border; a segment walked
 * once lies on the tracker's outer edge (or along a gap), which is never
 * front.  Regions drawn with T-junctions (a vertex of one in the middle of
 * a neighbour's edge: t->coverage loose) have no such pairing: there the
 * borders come from GEOS, the intersection of the boundaries of every two
 * atoms whose boxes touch.
 *
 * Each pair's geodesic length is the sum of its segments' (Karney's
 * geod_inverse on the WGS 84 ellipsoid, as areas are).  A query of the
 * front is then a holder per atom and a look at the pairs; a series
 * follows the front as atoms change hands (fl__front_move), looking only
 * at the pairs of the atom that moved.
 */
#include <geodesic.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "fail.h"
#include "front.h"
#include "geo.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"

/* One segment of an atom's ring, its smaller end first; for shared ones,
 * the two atoms. */
typedef struct seg {
	double x0, y0, x1, y1;
	uint32_t a, b;
} seg;

typedef struct segs {
	seg *v;
	size_t n, cap;
	bool bad;
} segs;

static void push(segs *s, double x0, double y0, double x1, double y1, uint32_t a, uint32_t b)
{
	if (x0 == x1 && y0 == y1)
		return;
	seg *v = fl__grow(s->v, &s->cap, s->n + 1, sizeof *v);
	if (!v) {
		s->bad = true;
		return;
	}
	s->v = v;
	if (x1 < x0 || (x1 == x0 && y1 < y0)) {
		double tx = x0, ty = y0;
		x0 = x1, y0 = y1, x1 = tx, y1 = ty;
	}
	/* -0 and 0 are one coordinate */
	s->v[s->n++] = (seg){x0 + 0.0, y0 + 0.0, x1 + 0.0, y1 + 0.0, a, b};
}

static int cmp_ends(const void *p, const void *q)
{
	const seg *a = p, *b = q;
	const double u[4] = {a->x0, a->y0, a->x1, a->y1}, v[4] = {b->x0, b->y0, b->x1, b->y1};
	for (int i = 0; i < 4; i++)
		if (u[i] != v[i])
			return u[i] < v[i] ? -1 : 1;
	return (a->a > b->a) - (a->a < b->a);
}

static int cmp_pair(const void *p, const void *q)
{
	const seg *a = p, *b = q;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return cmp_ends(p, q);
}

static bool same_ends(const seg *a, const seg *b)
{
	return a->x0 == b->x0 && a->y0 == b->y0 && a->x1 == b->x1 && a->y1 == b->y1;
}

/* The segments of a linear or polygonal geometry's lines, for atoms a, b. */
static void add_lines(segs *s, GEOSContextHandle_t h, const GEOSGeometry *g, uint32_t a, uint32_t b)
{
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON) {
		add_lines(s, h, GEOSGetExteriorRing_r(h, g), a, b);
		int nh = GEOSGetNumInteriorRings_r(h, g);
		for (int i = 0; i < nh; i++)
			add_lines(s, h, GEOSGetInteriorRingN_r(h, g, i), a, b);
		return;
	}
	if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(h, g);
		for (int i = 0; i < n; i++)
			add_lines(s, h, GEOSGetGeometryN_r(h, g, i), a, b);
		return;
	}
	if (type != GEOS_LINESTRING && type != GEOS_LINEARRING)
		return; /* points where two atoms only touch */
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) {
		s->bad = true;
		return;
	}
	double px = 0, py = 0;
	for (unsigned int i = 0; i < n; i++) {
		double x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
		if (i)
			push(s, px, py, x, y, a, b);
		px = x, py = y;
	}
}

/* Clean coverage: every segment once per atom, then the ones walked by two. */
static void shared_by_pairing(const fl_tracker *t, segs *s)
{
	for (size_t x = 0; x < t->natoms && !s->bad; x++) {
		const GEOSGeometry *g = fl__atom_geom(t, x);
		if (!g) {
			s->bad = true;
			return;
		}
		add_lines(s, t->geos, g, (uint32_t)x, (uint32_t)x);
	}
	if (s->bad)
		return;
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, cmp_ends);
	size_t k = 0;
	for (size_t i = 0; i < s->n;) {
		size_t j = i + 1;
		while (j < s->n && same_ends(&s->v[i], &s->v[j]))
			j++;
		/* a run of two different atoms is a shared segment; one alone lies
		 * on the outer edge; more would be an overlap (none in a coverage) */
		if (j - i == 2 && s->v[i].a != s->v[i + 1].a) {
			seg m = s->v[i];
			m.b = s->v[i + 1].a; /* sorted: a < b */
			s->v[k++] = m;
		}
		i = j;
	}
	s->n = k;
}

typedef struct tree_hit {
	size_t *v;
	size_t n, cap;
	bool bad;
} tree_hit;

static void on_hit(void *item, void *ctx)
{
	tree_hit *r = ctx;
	size_t *v = fl__grow(r->v, &r->cap, r->n + 1, sizeof *v);
	if (!v) {
		r->bad = true;
		return;
	}
	r->v = v;
	r->v[r->n++] = *(const size_t *)item;
}

/* Loose coverage: the common boundary of every two atoms whose boxes
 * touch, from GEOS. */
static void shared_by_geos(const fl_tracker *t, segs *s)
{
	GEOSContextHandle_t h = t->geos;
	size_t n = t->natoms;
	GEOSGeometry **bd = calloc(n + 1, sizeof *bd);
	size_t *idx = malloc((n + 1) * sizeof *idx); /* the tree's items: atom numbers */
	GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
	tree_hit hit = {0};
	if (!bd || !idx || !tree)
		s->bad = true;
	for (size_t x = 0; x < n && !s->bad; x++) {
		const GEOSGeometry *g = fl__atom_geom(t, x);
		if (!g || !(bd[x] = GEOSBoundary_r(h, g)))
			s->bad = true;
		else {
			idx[x] = x;
			GEOSSTRtree_insert_r(h, tree, g, &idx[x]);
		}
	}
	for (size_t x = 0; x < n && !s->bad; x++) {
		hit.n = 0;
		GEOSSTRtree_query_r(h, tree, fl__atom_geom(t, x), on_hit, &hit);
		s->bad = hit.bad;
		for (size_t i = 0; i < hit.n && !s->bad; i++) {
			size_t y = hit.v[i];
			if (y <= x)
				continue;
			GEOSGeometry *c = GEOSIntersection_r(h, bd[x], bd[y]);
			if (!c) {
				s->bad = true;
				break;
			}
			add_lines(s, h, c, (uint32_t)x, (uint32_t)y);
			GEOSGeom_destroy_r(h, c);
		}
	}
	if (tree)
		GEOSSTRtree_destroy_r(h, tree);
	for (size_t x = 0; bd && x < n; x++)
		if (bd[x])
			GEOSGeom_destroy_r(h, bd[x]);
	free(bd), free(idx), free(hit.v);
}

/* The pairs, their lengths and the atoms' lists of pairs from the shared
 * segments (sorted by pair). */
static fl__front *gather(const fl_tracker *t, const segs *s)
{
	fl__front *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	size_t np = 0;
	for (size_t i = 0; i < s->n; i++)
		np += !i || s->v[i].a != s->v[i - 1].a || s->v[i].b != s->v[i - 1].b;
	f->a = malloc((np + 1) * sizeof *f->a);
	f->b = malloc((np + 1) * sizeof *f->b);
	f->km = calloc(np + 1, sizeof *f->km);
	f->s0 = malloc((np + 1) * sizeof *f->s0);
	f->seg = malloc((4 * s->n + 1) * sizeof *f->seg);
	f->adj0 = calloc(t->natoms + 2, sizeof *f->adj0);
	f->adj = malloc((2 * np + 1) * sizeof *f->adj);
	if (!f->a || !f->b || !f->km || !f->s0 || !f->seg || !f->adj0 || !f->adj) {
		fl__front_free(f);
		return NULL;
	}
	/* (a tracker read from the index has not read the ellipsoid yet) */
	fl__geod e = t->geod;
	if (!(e.a > 0) && fl__geod_init(&e)) {
		fl__front_free(f);
		return NULL;
	}
	struct geod_geodesic g;
	geod_init(&g, e.a, e.f);
	for (size_t i = 0; i < s->n; i++) {
		const seg *v = &s->v[i];
		if (!i || v->a != s->v[i - 1].a || v->b != s->v[i - 1].b) {
			f->a[f->npairs] = v->a, f->b[f->npairs] = v->b;
			f->s0[f->npairs++] = i;
		}
		double m = 0;
		geod_inverse(&g, v->y0, v->x0, v->y1, v->x1, &m, NULL, NULL);
		f->km[f->npairs - 1] += m / 1000;
		memcpy(f->seg + 4 * i, (const double[4]){v->x0, v->y0, v->x1, v->y1}, 4 * sizeof(double));
	}
	f->s0[f->npairs] = s->n;
	/* each atom's pairs: counted, then placed */
	for (size_t p = 0; p < np; p++)
		f->adj0[f->a[p] + 2]++, f->adj0[f->b[p] + 2]++;
	for (size_t x = 0; x < t->natoms; x++)
		f->adj0[x + 2] += f->adj0[x + 1];
	for (size_t p = 0; p < np; p++) {
		f->adj[f->adj0[f->a[p] + 1]++] = (uint32_t)p;
		f->adj[f->adj0[f->b[p] + 1]++] = (uint32_t)p;
	}
	return f;
}

const fl__front *fl__front_of(const fl_tracker *t)
{
	if (t->front)
		return t->front;
	segs s = {0};
	if (fl__coverage_of(t) == FL__COVERAGE_LOOSE)
		shared_by_geos(t, &s);
	else
		shared_by_pairing(t, &s);
	fl__front *f = NULL;
	if (!s.bad) {
		if (s.n)
			qsort(s.v, s.n, sizeof *s.v, cmp_pair);
		f = gather(t, &s);
	}
	free(s.v);
	if (!f) {
		fl__fail(FL_ENOMEM, "out of memory finding the atoms' shared borders");
		return NULL;
	}
	((fl_tracker *)t)->front = f; /* a cache filled on demand, as atoms' geometries */
	return f;
}

void fl__front_free(fl__front *f)
{
	if (!f)
		return;
	free(f->a), free(f->b), free(f->km), free(f->s0), free(f->seg), free(f->adj0), free(f->adj);
	free(f);
}

void fl__front_move(const fl__front *f, const int *holder, size_t x, int to, double *per_actor,
		    double *total)
{
	int from = holder[x];
	if (!f || from == to)
		return;
	for (size_t i = f->adj0[x]; i < f->adj0[x + 1]; i++) {
		size_t p = f->adj[i];
		int other = holder[f->a[p] == x ? f->b[p] : f->a[p]];
		double km = f->km[p];
		if (fl__front_is(from, other)) {
			per_actor[from] -= km, per_actor[other] -= km;
			*total -= km;
		}
		if (fl__front_is(to, other)) {
			per_actor[to] += km, per_actor[other] += km;
			*total += km;
		}
	}
}

fl_status fl__front_sweep_init(fl__front_sweep *fs, const fl_tracker *t)
{
	memset(fs, 0, sizeof *fs);
	if (!(fs->f = fl__front_of(t)))
		return FL_ENOMEM; /* (the error is set) */
	fs->nactors = t->nactors;
	if (!(fs->now = calloc(t->nactors + 1, sizeof *fs->now)))
		return fl__fail(FL_ENOMEM, "out of memory");
	return FL_OK;
}

void fl__front_sweep_free(fl__front_sweep *fs)
{
	free(fs->now), free(fs->value);
	memset(fs, 0, sizeof *fs);
}

fl_status fl__front_sweep_sample(fl__front_sweep *fs)
{
	size_t na = fs->nactors;
	double *v = fl__grow(fs->value, &fs->cap, (fs->n + 1) * na + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	fs->value = v;
	for (size_t a = 0; a < na; a++) /* sweep rounding */
		v[fs->n * na + a] = fs->now[a] < 1e-9 ? 0 : fs->now[a];
	fs->n++;
	return FL_OK;
}

void fl__front_sweep_move(fl__front_sweep *fs, const int *holder, size_t x, int to)
{
	fl__front_move(fs->f, holder, x, to, fs->now, &fs->total);
}
