/*
 * pieces.c: the geometry of a piece of an answer (a snapshot's piece, a
 * diff's change).
 *
 * A piece is the union of some atoms.  Read from the index, a piece of one
 * atom (a whole region held by one holder: most pieces of a map by region)
 * is that atom's WKB, which lies checked in the index's mapping: it is copied
 * out as it is for output, and made a GEOS geometry only if something draws
 * it.  That skips a WKB -> GEOS -> WKB round trip per piece.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "fail.h"
#include "geo.h"
#include "pieces.h"
#include "sink.h"
#include "tracker_priv.h"

fl_status fl__piece_make(const fl_tracker *t, const size_t *atoms, size_t n, fl__piece_geom *out)
{
	out->g = NULL;
	out->one = SIZE_MAX;
	if (n == 1 && t->atoms[atoms[0]].wkb) {
		out->one = atoms[0];
		return FL_OK;
	}
	out->g = fl__atoms_union(t, atoms, n);
	return out->g ? FL_OK : FL_EGEOM;
}

const GEOSGeometry *fl__piece_geos(const fl_tracker *t, fl__piece_geom *p)
{
	if (!p->g && p->one != SIZE_MAX) {
		const fl__atom *a = &t->atoms[p->one];
		p->g = fl__geos_from_wkb(t->geos, a->wkb, a->wkblen);
	}
	return p->g;
}

unsigned char *fl__piece_wkb(const fl_tracker *t, const fl__piece_geom *p, size_t *len)
{
	if (p->one == SIZE_MAX) /* (the atom's WKB even once drawn: no GEOS writer) */
		return p->g ? fl__geos_to_wkb(t->geos, p->g, len) : NULL;
	const fl__atom *a = &t->atoms[p->one];
	unsigned char *w = malloc(a->wkblen ? a->wkblen : 1);
	if (w)
		memcpy(w, a->wkb, a->wkblen);
	*len = a->wkblen;
	return w;
}

const unsigned char *fl__piece_wkb_kept(const fl_tracker *t, const fl__piece_geom *p, unsigned char **wkb,
					size_t *wkblen, size_t *len)
{
	if (!*wkb)
		*wkb = fl__piece_wkb(t, p, wkblen);
	*len = *wkblen;
	return *wkb;
}

fl_status fl__piece_add(fl__sink *k, const fl__value *v, const fl_tracker *t, const fl__piece_geom *p)
{
	if (p->one == SIZE_MAX)
		return fl__sink_add(k, v, t->geos, p->g);
	size_t len = 0;
	unsigned char *w = fl__piece_wkb(t, p, &len);
	return w ? fl__sink_add_wkb(k, v, w, len) : fl__fail(FL_ENOMEM, "out of memory");
}

fl_status fl__pieces_commit(fl__sink *k, fl_status st, unsigned char **buf, size_t *len)
{
	if (st) {
		fl__sink_abort(k);
		return st;
	}
	return buf ? fl__sink_commit_mem(k, buf, len) : fl__sink_commit(k);
}

void fl__piece_free(const fl_tracker *t, fl__piece_geom *p)
{
	if (p->g)
		GEOSGeom_destroy_r(t->geos, p->g);
	p->g = NULL;
	p->one = SIZE_MAX;
}
