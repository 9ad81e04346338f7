/*
 * tiles_snap.c: snap rounding of a tile's polygons to its integer grid.
 *
 * Rounding each vertex alone keeps shared edges shared, but it can move an
 * edge across a vertex of a neighbour within one unit of it: the pieces
 * then overlap or leave a gap there.  Snap rounding (Hobby, 1999) prevents
 * that: every grid point that some vertex of the tile rounds to is "hot",
 * and every edge is drawn through the hot points whose unit square it
 * crosses, in order.  Rounded so, edges may collapse onto each other but
 * never cross.  Each edge is walked from its lesser end whatever its
 * direction in its ring, so an edge two pieces share gets the same points
 * in both.
 */
#include <math.h>
#include <stdlib.h>
#include "tiles_priv.h"
#include "util.h"

static uint64_t cell_key(int64_t x, int64_t y)
{
	return ((uint64_t)(x + (1 << 30)) << 32) ^ (uint64_t)(y + (1 << 30));
}

int64_t fl__round_unit(double v) { return (int64_t)floor(v + 0.5); }

void fl__hot_free(fl__hot *hs)
{
	free(hs->slot);
	hs->slot = NULL;
	hs->n = hs->cap = 0;
}

static int hot_grow(fl__hot *hs)
{
	size_t nc = hs->cap ? hs->cap * 2 : 1024;
	uint64_t *ns = calloc(nc, sizeof *ns);
	if (!ns)
		return -1;
	for (size_t i = 0; i < hs->cap; i++) {
		if (!hs->slot[i])
			continue;
		size_t j = (size_t)fl__mix64(hs->slot[i]) & (nc - 1);
		while (ns[j])
			j = (j + 1) & (nc - 1);
		ns[j] = hs->slot[i];
	}
	free(hs->slot);
	hs->slot = ns;
	hs->cap = nc;
	return 0;
}

/* Keys are never 0: x + 2^30 > 0 for every coordinate of a tile. */
int fl__hot_add(fl__hot *hs, int64_t x, int64_t y)
{
	if ((hs->n + 1) * 2 > hs->cap && hot_grow(hs))
		return -1;
	uint64_t k = cell_key(x, y);
	size_t j = (size_t)fl__mix64(k) & (hs->cap - 1);
	for (; hs->slot[j]; j = (j + 1) & (hs->cap - 1))
		if (hs->slot[j] == k)
			return 0;
	hs->slot[j] = k;
	hs->n++;
	return 0;
}

static bool hot_has(const fl__hot *hs, int64_t x, int64_t y)
{
	if (!hs->cap)
		return false;
	uint64_t k = cell_key(x, y);
	for (size_t j = (size_t)fl__mix64(k) & (hs->cap - 1); hs->slot[j]; j = (j + 1) & (hs->cap - 1))
		if (hs->slot[j] == k)
			return true;
	return false;
}

static int put(fl__pts *o, int64_t x, int64_t y)
{
	fl__pt *nv = fl__grow(o->v, &o->cap, o->n + 1, sizeof *nv);
	if (!nv)
		return -1;
	o->v = nv;
	o->v[o->n++] = (fl__pt){x, y};
	return 0;
}

/* The hot points strictly between the squares of a and b that the segment
 * a-b crosses, in order from a (a is the lesser end). */
static int walk(const fl__hot *hs, double ax, double ay, double bx, double by, fl__pts *o)
{
	double x0 = ax + 0.5, y0 = ay + 0.5, dx = bx - ax, dy = by - ay;
	int64_t i = (int64_t)floor(x0), j = (int64_t)floor(y0);
	int64_t ie = (int64_t)floor(bx + 0.5), je = (int64_t)floor(by + 0.5);
	int si = dx > 0 ? 1 : dx < 0 ? -1 : 0, sj = dy > 0 ? 1 : dy < 0 ? -1 : 0;
	double tmx = si ? ((double)(si > 0 ? i + 1 : i) - x0) / dx : INFINITY;
	double tmy = sj ? ((double)(sj > 0 ? j + 1 : j) - y0) / dy : INFINITY;
	double tdx = si ? fabs(1 / dx) : INFINITY, tdy = sj ? fabs(1 / dy) : INFINITY;
	int64_t steps = llabs(ie - i) + llabs(je - j);
	for (int64_t s = 0; s < steps && (i != ie || j != je); s++) {
		if (tmx < tmy) {
			i += si;
			tmx += tdx;
		} else if (tmy < tmx) {
			j += sj;
			tmy += tdy;
		} else { /* through a corner */
			i += si;
			j += sj;
			tmx += tdx;
			tmy += tdy;
			s++;
		}
		if ((i != ie || j != je) && hot_has(hs, i, j) && put(o, i, j))
			return -1;
	}
	return 0;
}

int fl__snap_segment(const fl__hot *hs, double px, double py, double qx, double qy, fl__pts *o)
{
	if (put(o, fl__round_unit(px), fl__round_unit(py)))
		return -1;
	bool rev = px > qx || (px == qx && py > qy);
	size_t first = o->n;
	if (rev ? walk(hs, qx, qy, px, py, o) : walk(hs, px, py, qx, qy, o))
		return -1;
	if (rev) /* found from q to p: turned round */
		for (size_t a = first, b = o->n - 1; a < b && b > 0; a++, b--) {
			fl__pt t = o->v[a];
			o->v[a] = o->v[b];
			o->v[b] = t;
		}
	return 0;
}
