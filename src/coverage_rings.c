/*
 * coverage_rings.c: the edges left after cancelling (coverage.c) chained
 * into rings, taking at every vertex the outgoing edge that turns furthest
 * left, so that shells meeting at a point come out as separate polygons;
 * rings of positive area are shells, the others holes, each put in the
 * smallest shell around it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coverage_rings.h"
#include "util.h"

#define TWO_PI 6.283185307179586476925286766559

typedef struct ring {
	size_t off, n; /* coordinates in the ring pool, closed */
	double area2;  /* twice the signed area: > 0 shell, < 0 hole */
	double x0, y0, x1, y1;
	long shell;    /* for a hole: its shell */
} ring;

static bool inside(const fl__xy *p, size_t n, fl__xy q)
{
	bool in = false;
	for (size_t i = 0, j = n - 1; i < n; j = i++)
		if ((p[i].y > q.y) != (p[j].y > q.y) &&
		    q.x < (p[j].x - p[i].x) * (q.y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
			in = !in;
	return in;
}

static GEOSGeometry *make_ring(GEOSContextHandle_t h, const fl__xy *p, size_t n)
{
	GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, (const double *)p, (unsigned)n, 0, 0);
	return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

/* Holes into the smallest shell around the middle of their first edge, then polygons. */
static GEOSGeometry *polygons(GEOSContextHandle_t h, const fl__xy *pool, ring *rings, size_t nr)
{
	/* each hole goes to the smallest shell around the middle of its first edge */
	size_t nshell = 0;
	for (size_t i = 0; i < nr; i++) {
		if (rings[i].area2 > 0) {
			nshell++;
			continue;
		}
		const fl__xy *p = pool + rings[i].off;
		fl__xy q = {(p[0].x + p[1].x) / 2, (p[0].y + p[1].y) / 2};
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
	fl__xy *pool;
	size_t npool, poolcap;
	ring *rings;
	size_t nr, rcap;
} rset;

static void rset_free(rset *s)
{
	free(s->pool), free(s->rings);
}

static bool add_ring_to(rset *s, const fl__xy *p, size_t n)
{
	fl__xy *np = fl__grow(s->pool, &s->poolcap, s->npool + n, sizeof *np);
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
	*r = (ring){off, n, fl__ring_area2(np + off, n), INFINITY, INFINITY, -INFINITY, -INFINITY, -1};
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
static bool emit(const fl__cov *c, walk *w, size_t p, fl__xy **buf, size_t *bufcap, rset *rings)
{
	size_t n = w->top - p + 1;
	fl__xy *b = fl__grow(*buf, bufcap, n, sizeof *b);
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

GEOSGeometry *fl__cov_assemble(fl__cov *c, GEOSContextHandle_t h)
{
	size_t nv = c->npt, ne = c->ne;
	size_t *first = calloc(nv + 2, sizeof *first);
	uint32_t *out = malloc((ne + 1) * sizeof *out);
	unsigned char *used = calloc(ne + 1, 1);
	rset rings = {0};
	fl__xy *buf = NULL;
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
				fl__xy a = c->pt[c->ea[e]], o = c->pt[v];
				double back = atan2(a.y - o.y, a.x - o.x), best = 10;
				for (size_t k = k0; k < k1; k++) {
					fl__xy q = c->pt[c->eb[out[k]]];
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
