/*
 * pieces.h: the geometry of a piece of an answer (pieces.c).
 * Private to the library.
 */
#ifndef FL_PIECES_H
#define FL_PIECES_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"
#include "sink.h"

/* The geometry of a piece of an answer (pieces.c): the union of its atoms,
 * or for a piece of one atom read from the index that atom's WKB, made a
 * GEOS geometry only when asked for. */
typedef struct fl__piece_geom {
	GEOSGeometry *g; /* owned; NULL until asked for when one is set */
	size_t one;      /* the one index atom, or SIZE_MAX */
} fl__piece_geom;
/* FL_EGEOM when the union fails (the error is left to the caller). */
fl_status fl__piece_make(const fl_tracker *t, const size_t *atoms, size_t n, fl__piece_geom *out);
/* Its GEOS geometry (built on first use; NULL when memory runs out). */
const GEOSGeometry *fl__piece_geos(const fl_tracker *t, fl__piece_geom *p);
/* A malloc'd WKB of it (NULL when memory runs out). */
unsigned char *fl__piece_wkb(const fl_tracker *t, const fl__piece_geom *p, size_t *len);
/* Its WKB kept in *wkb (length *wkblen), made on first use: a cache of a
 * const answer; NULL when memory runs out. */
const unsigned char *fl__piece_wkb_kept(const fl_tracker *t, const fl__piece_geom *p, unsigned char **wkb,
					size_t *wkblen, size_t *len);
/* Write it with values v to a sink. */
fl_status fl__piece_add(fl__sink *k, const fl__value *v, const fl_tracker *t, const fl__piece_geom *p);
/* The end of writing an answer's pieces: on failure (st) the sink is
 * aborted and st returned, else it is committed to its target or, with buf,
 * to memory. */
fl_status fl__pieces_commit(fl__sink *k, fl_status st, unsigned char **buf, size_t *len);
void fl__piece_free(const fl_tracker *t, fl__piece_geom *p);

#endif
