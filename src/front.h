/*
 * front.h: the shared borders of adjacent atoms (front_edges.c) and the
 * front's length followed through a sweep (front_edges.c), for the front
 * line (lines.c) and the series (stats.c).
 * Private to the library.
 */
#ifndef FL_FRONT_H
#define FL_FRONT_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/frontline.h"

/* Every pair of atoms that share a border of positive length, found once
 * per tracker: pair p is atoms a[p] < b[p], its border the segments
 * seg[s0[p] .. s0[p + 1]) (x0, y0, x1, y1 each, lon/lat) of geodesic
 * length km[p].  Atom x's pairs are adj[adj0[x] .. adj0[x + 1]). */
typedef struct fl__front {
	size_t npairs;
	uint32_t *a, *b;
	double *km;
	size_t *s0;
	double *seg;
	size_t *adj0;
	uint32_t *adj;
} fl__front;

/* The tracker's shared borders, built on first use and kept in the
 * tracker (it owns them); NULL with the error set when that fails. */
const fl__front *fl__front_of(const fl_tracker *t);
void fl__front_free(fl__front *f);

/* Whether the border of pair p is front when its atoms are held by ha and
 * hb: both held, by different actors. */
static inline int fl__front_is(int ha, int hb)
{
	return ha != hb && ha >= 0 && hb >= 0;
}

/* Atom x passes from holder[x] to `to`: the front lengths (per actor, and
 * the total counted once per border) follow.  Call before holder[x] is
 * set; front may be NULL (nothing to follow). */
void fl__front_move(const fl__front *f, const int *holder, size_t x, int to, double *per_actor,
		    double *total);

/* The front followed through a sweep (stats.c): the lengths per actor as
 * atoms move (fl__front_sweep_move), kept at each sample
 * (fl__front_sweep_sample): value[i * nactors + a]. */
typedef struct fl__front_sweep {
	const fl__front *f;
	size_t nactors;
	double *now, total;
	double *value;
	size_t n, cap;
} fl__front_sweep;

/* Start a sweep of t (nothing held); FL_OK or the error. */
fl_status fl__front_sweep_init(fl__front_sweep *fs, const fl_tracker *t);
void fl__front_sweep_free(fl__front_sweep *fs);
/* Atom x passes from holder[x] to `to` (before holder[x] is set). */
void fl__front_sweep_move(fl__front_sweep *fs, const int *holder, size_t x, int to);
/* Keep the lengths now as the next sample's; FL_ENOMEM when that fails. */
fl_status fl__front_sweep_sample(fl__front_sweep *fs);

#endif
