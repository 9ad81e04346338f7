/*
 * evcols.h: the events as columns (evcols.c).
 * Private to the library.
 */
#ifndef FL_EVCOLS_H
#define FL_EVCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tracker_priv.h"

/* Build the query columns from the events (sources), moving each event's
 * atom list into them; with atoms_are_regions (no event has a polygon: atom
 * i is region i), the atoms are the regions each event names. */
fl_status fl__evcols_build(fl_tracker *t, bool atoms_are_regions);
void fl__evcols_free(fl_tracker *t);
/* Event i, filled from the columns on first use when read from the index.
 * (A cache like the atoms' geometries: a tracker is used by one thread.) */
const fl__event *fl__event_at(const fl_tracker *t, size_t i);
/* The atoms event i covers. */
static inline const uint32_t *fl__event_atoms(const fl_tracker *t, size_t i, size_t *n)
{
	*n = (size_t)(t->ec.atom0[i + 1] - t->ec.atom0[i]);
	return t->ec.atoms + t->ec.atom0[i];
}

#endif
