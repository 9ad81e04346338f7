/*
 * diff_priv.h: what the summaries read of a diff (diff.c).
 * Private to the library.
 */
#ifndef FL_DIFF_PRIV_H
#define FL_DIFF_PRIV_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* The GEOS geometry of diff change i (belongs to the diff; NULL when
 * memory runs out). */
const GEOSGeometry *fl__diff_geom(const fl_diff *d, size_t i);
/* The tracker a diff was made from. */
const fl_tracker *fl__diff_tracker(const fl_diff *d);

#endif
