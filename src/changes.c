/*
 * changes.c: what differs between two polygons, found locally.
 *
 * Consecutive daily control polygons differ in a few small places.  Instead
 * of overlaying two 3,000-vertex polygons whole, the boundaries are compared
 * segment by segment (a hash set of segments): the symmetric difference of
 * the two areas is bounded by the segments that are not shared, so it lies
 * inside the boxes of their connected clusters.  Only those boxes (merged
 * until disjoint) are clipped out of both polygons and overlaid.  A check of
 * the planar areas guards the shortcut; if it ever disagrees, the whole
 * polygons are overlaid instead.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "changes.h"
#include "fail.h"
#include "geo.h"
#include "util.h"

typedef struct seg {
	double x1, y1, x2, y2;
} seg;

typedef struct segv {
	seg *v;
	size_t n, cap;
} segv;

static void add_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, segv *out)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 2)
		return;
	double px, py;
	GEOSCoordSeq_getXY_r(h, cs, 0, &px, &py);
	px += 0.0, py += 0.0; /* -0.0 becomes +0.0: segments are compared bytewise */
	for (unsigned i = 1; i < n; i++) {
		double x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
		x += 0.0, y += 0.0;
		seg *v = fl__grow(out->v, &out->cap, out->n + 1, sizeof *v);
		if (!v)
			return;
		out->v = v;
		/* direction-free: the smaller endpoint first */
		if (px < x || (px == x && py < y))
			out->v[out->n++] = (seg){px, py, x, y};
		else
			out->v[out->n++] = (seg){x, y, px, py};
		px = x, py = y;
	}
}

static void add_geom(GEOSContextHandle_t h, const GEOSGeometry *g, segv *out)
{
	int t = GEOSGeomTypeId_r(h, g);
	if (t == GEOS_POLYGON) {
		add_ring(h, GEOSGetExteriorRing_r(h, g), out);
		for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); i++)
			add_ring(h, GEOSGetInteriorRingN_r(h, g, i), out);
	} else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION)
		for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
			add_geom(h, GEOSGetGeometryN_r(h, g, i), out);
}

static uint64_t hash_doubles(const double *d, int n)
{
	uint64_t hsh = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < n; i++) {
		uint64_t b;
		memcpy(&b, &d[i], sizeof b);
		hsh = fl__mix64(hsh ^ b);
	}
	return hsh;
}

/* Open-addressing table of segments with a count per side. */
typedef struct slot {
	seg s;
	int used, cp, cq;
} slot;

static slot *seg_find(slot *tab, size_t mask, const seg *s)
{
	size_t i = hash_doubles(&s->x1, 4) & mask;
	/* bytewise, like hash_doubles: coordinates are finite and never -0.0 (seg_add) */
	while (tab[i].used && memcmp(&tab[i].s, s, sizeof *s)) // NOLINT(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c)
		i = (i + 1) & mask;
	return &tab[i];
}

/* Union-find over the endpoints of the changed segments. */
typedef struct pslot {
	double x, y;
	int used;
	size_t id;
} pslot;

static size_t point_id(pslot *tab, size_t mask, double x, double y, size_t *next)
{
	double k[2] = {x, y};
	size_t i = hash_doubles(k, 2) & mask;
	while (tab[i].used && (tab[i].x != x || tab[i].y != y))
		i = (i + 1) & mask;
	if (!tab[i].used)
		tab[i] = (pslot){x, y, 1, (*next)++};
	return tab[i].id;
}

static size_t uf_find(size_t *p, size_t a)
{
	while (p[a] != a)
		a = p[a] = p[p[a]];
	return a;
}

typedef struct rect {
	double x0, y0, x1, y1;
} rect;

/* Boxes around the clusters of segments the two boundaries do not share. */
static fl_status changed_boxes(GEOSContextHandle_t h, const GEOSGeometry *p, const GEOSGeometry *q,
			       rect **boxes, size_t *nboxes)
{
	segv sp = {0}, sq = {0};
	add_geom(h, p, &sp);
	add_geom(h, q, &sq);
	size_t cap = 16;
	while (cap < 2 * (sp.n + sq.n) + 16)
		cap *= 2;
	slot *tab = calloc(cap, sizeof *tab);
	fl_status st = FL_OK;
	seg *ch = NULL;
	size_t nch = 0;
	if (!tab) {
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sp.n; i++) {
		slot *s = seg_find(tab, cap - 1, &sp.v[i]);
		s->used = 1, s->s = sp.v[i], s->cp++;
	}
	for (size_t i = 0; i < sq.n; i++) {
		slot *s = seg_find(tab, cap - 1, &sq.v[i]);
		s->used = 1, s->s = sq.v[i], s->cq++;
	}
	ch = malloc((sp.n + sq.n + 1) * sizeof *ch);
	if (!ch) {
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cap; i++)
		if (tab[i].used && tab[i].cp != tab[i].cq)
			ch[nch++] = tab[i].s;
	/* cluster by shared endpoints */
	size_t pcap = 16, nid = 0;
	while (pcap < 4 * nch + 16)
		pcap *= 2;
	pslot *pt = calloc(pcap, sizeof *pt);
	size_t *parent = malloc((2 * nch + 1) * sizeof *parent);
	size_t *a = malloc((nch + 1) * sizeof *a);
	rect *r = malloc((2 * nch + 1) * sizeof *r);
	bool *has = calloc(2 * nch + 1, sizeof *has);
	if (!pt || !parent || !a || !r || !has) {
		free(pt), free(parent), free(a), free(r), free(has);
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < 2 * nch + 1; i++)
		parent[i] = i;
	for (size_t i = 0; i < nch; i++) {
		size_t u = point_id(pt, pcap - 1, ch[i].x1, ch[i].y1, &nid);
		size_t v = point_id(pt, pcap - 1, ch[i].x2, ch[i].y2, &nid);
		parent[uf_find(parent, u)] = uf_find(parent, v);
		a[i] = u;
	}
	for (size_t i = 0; i < nch; i++) {
		size_t root = uf_find(parent, a[i]);
		rect s = {fmin(ch[i].x1, ch[i].x2), fmin(ch[i].y1, ch[i].y2), fmax(ch[i].x1, ch[i].x2),
			  fmax(ch[i].y1, ch[i].y2)};
		if (!has[root])
			r[root] = s, has[root] = true;
		else
			r[root] = (rect){fmin(r[root].x0, s.x0), fmin(r[root].y0, s.y0),
					 fmax(r[root].x1, s.x1), fmax(r[root].y1, s.y1)};
	}
	size_t nb = 0;
	for (size_t i = 0; i < nid; i++)
		if (has[i]) {
			/* a margin where both polygons agree, edges on the grid */
			const double m = 10 * FL__GRID;
			r[nb++] = (rect){floor((r[i].x0 - m) / FL__GRID) * FL__GRID,
					 floor((r[i].y0 - m) / FL__GRID) * FL__GRID,
					 ceil((r[i].x1 + m) / FL__GRID) * FL__GRID,
					 ceil((r[i].y1 + m) / FL__GRID) * FL__GRID};
		}
	/* merge until disjoint */
	for (bool merged = true; merged;) {
		merged = false;
		for (size_t i = 0; i < nb; i++)
			for (size_t j = i + 1; j < nb; j++) {
				if (r[i].x0 > r[j].x1 || r[j].x0 > r[i].x1 || r[i].y0 > r[j].y1 ||
				    r[j].y0 > r[i].y1)
					continue;
				r[i] = (rect){fmin(r[i].x0, r[j].x0), fmin(r[i].y0, r[j].y0),
					      fmax(r[i].x1, r[j].x1), fmax(r[i].y1, r[j].y1)};
				r[j--] = r[--nb];
				merged = true;
			}
	}
	free(pt), free(parent), free(a), free(has);
	*boxes = r;
	*nboxes = nb;
out:
	free(sp.v), free(sq.v), free(tab), free(ch);
	return st;
}

/* Append the polygons of g (non-empty, of positive area) to parts and free g;
 * lines and points that an overlay may leave behind are dropped. */
static fl_status take_polygons(GEOSContextHandle_t h, GEOSGeometry *g, GEOSGeometry ***parts,
			       size_t *n, size_t *cap)
{
	if (!g)
		return fl__fail(FL_EGEOM, "overlay failed: %s", fl_error_last());
	fl_status st = FL_OK;
	int t = GEOSGeomTypeId_r(h, g);
	double area = 0;
	if (t == GEOS_POLYGON && GEOSArea_r(h, g, &area) && area > 0) {
		GEOSGeometry **v = fl__grow(*parts, cap, *n + 1, sizeof *v);
		if (!v) {
			GEOSGeom_destroy_r(h, g);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		*parts = v;
		(*parts)[(*n)++] = g;
		return FL_OK;
	}
	if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
		int m = GEOSGetNumGeometries_r(h, g);
		for (int i = 0; i < m && !st; i++)
			st = take_polygons(h, GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g, i)), parts, n, cap);
	}
	GEOSGeom_destroy_r(h, g);
	return st;
}

static GEOSGeometry *as_multi(GEOSContextHandle_t h, GEOSGeometry **parts, size_t n)
{
	if (n == 0)
		return NULL;
	return GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)n);
}

fl_status fl__polygon_changes(GEOSContextHandle_t h, const GEOSGeometry *before,
			      const GEOSGeometry *after, GEOSGeometry **gain, GEOSGeometry **loss)
{
	*gain = *loss = NULL;
	rect *box = NULL;
	size_t nb = 0;
	fl_status st = changed_boxes(h, before, after, &box, &nb);
	if (st)
		return st;
	GEOSGeometry **g = NULL, **l = NULL;
	size_t ng = 0, nl = 0, gcap = 0, lcap = 0;
	for (size_t i = 0; i < nb && !st; i++) {
		GEOSGeometry *cb = GEOSClipByRect_r(h, before, box[i].x0, box[i].y0, box[i].x1, box[i].y1);
		GEOSGeometry *ca = GEOSClipByRect_r(h, after, box[i].x0, box[i].y0, box[i].x1, box[i].y1);
		if (!cb || !ca)
			st = fl__fail(FL_EGEOM, "clipping failed");
		if (!st)
			st = take_polygons(h, GEOSDifferencePrec_r(h, ca, cb, FL__GRID), &g, &ng, &gcap);
		if (!st)
			st = take_polygons(h, GEOSDifferencePrec_r(h, cb, ca, FL__GRID), &l, &nl, &lcap);
		if (cb)
			GEOSGeom_destroy_r(h, cb);
		if (ca)
			GEOSGeom_destroy_r(h, ca);
	}
	free(box);
	/* guard: area(after) = area(before) + gain - loss */
	double ab = 0, aa = 0, ag = 0, al = 0, x;
	GEOSArea_r(h, before, &ab);
	GEOSArea_r(h, after, &aa);
	for (size_t i = 0; i < ng; i++)
		ag += GEOSArea_r(h, g[i], &x) ? x : 0;
	for (size_t i = 0; i < nl; i++)
		al += GEOSArea_r(h, l[i], &x) ? x : 0;
	if (st || fabs(ab + ag - al - aa) > 1e-7 * fmax(1, aa)) {
		for (size_t i = 0; i < ng; i++)
			GEOSGeom_destroy_r(h, g[i]);
		for (size_t i = 0; i < nl; i++)
			GEOSGeom_destroy_r(h, l[i]);
		ng = nl = 0;
		st = take_polygons(h, GEOSDifferencePrec_r(h, after, before, FL__GRID), &g, &ng, &gcap);
		if (!st)
			st = take_polygons(h, GEOSDifferencePrec_r(h, before, after, FL__GRID), &l, &nl, &lcap);
	}
	if (!st) {
		*gain = as_multi(h, g, ng);
		*loss = as_multi(h, l, nl);
	} else {
		for (size_t i = 0; i < ng; i++)
			GEOSGeom_destroy_r(h, g[i]);
		for (size_t i = 0; i < nl; i++)
			GEOSGeom_destroy_r(h, l[i]);
	}
	free(g);
	free(l);
	return st;
}
