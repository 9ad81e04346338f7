/*
 * places_priv.h: a set of places (places.c reads and locates them;
 * places_query.c answers who holds them, places_write.c writes them).
 * Private to the library.
 */
#ifndef FL_PLACES_PRIV_H
#define FL_PLACES_PRIV_H

#include <stddef.h>
#include "frontline/frontline.h"
#include "frontline/places.h"
#include "pool.h"
#include "sink.h"

struct fl_places {
	const fl_tracker *t;
	char *path;
	size_t n;
	fl_place *v;
	int *atom;             /* the atom of each place, FL_NONE outside */
	size_t nfields;        /* the layer's own fields: */
	fl__field *fields;     /* name (in the pool) and the type they are written as */
	const char **vals;     /* n * nfields values as text (in the pool), NULL: null */
	fl__pool pool;
};

struct fl_places_diff {
	const fl_places *p;
	fl_place_change *v;
	size_t n;
	int *events;           /* every change's events, one after the other */
};

/* The events of atom a's timeline that apply under `active` and take
 * effect in (t1, t2] and change its holder, in apply order, into ev (room
 * for the atom's timeline); their count.  *from: the holder at t1. */
size_t fl__place_changes(const fl_tracker *t, size_t a, const unsigned char *active,
			 fl_instant t1, fl_instant t2, int *from, int *ev);

#endif
