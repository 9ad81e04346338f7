/*
 * render_hatch.h: partial ground on a map, dotted, and the footnote that
 * names the ground a map draws with less than certainty (render_hatch.c).
 * Private to the library.
 */
#ifndef FL_RENDER_HATCH_H
#define FL_RENDER_HATCH_H

#include <geos_c.h>
#include "frontline/frontline.h"
#include "render_canvas.h"

/* The colour of the dots of partial ground. */
#define FL__PARTIAL_DOTS "#111111"

/* Dots in `color` over the current clip, on one staggered grid over the
 * whole canvas, so that neighbouring pieces' dots line up. */
void fl__hatch_dots(fl__canvas *c, const char *color);
/* Partial ground (fl_piece.partial): g dotted over its fill. */
void fl__hatch_partial(fl__canvas *c, const fl_tracker *t, const GEOSGeometry *g);
/* The footnote of snapshot s: the regions of its partial pieces and those
 * of its uncertain ones, named, each once; NULL when it has neither (or
 * without memory).  Malloc'd. */
char *fl__footnote(const fl_tracker *t, const fl_snapshot *s);

#endif
