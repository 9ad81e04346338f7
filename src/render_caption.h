/*
 * render_caption.h: the caption under every map and chart, and text
 * wrapped to a width (render_caption.c).  Private to the library.
 */
#ifndef FL_RENDER_CAPTION_H
#define FL_RENDER_CAPTION_H

#include <stdbool.h>
#include <stddef.h>
#include "frontline/frontline.h"
#include "render_canvas.h"

/* The attribution of the tracker's sources: o->attribution, else the first
 * sentence of the "Attribution:" paragraph of the tracker's README; NULL
 * when neither.  Malloc'd. */
char *fl__attribution(const fl_tracker *t, const fl_render_opts *o);

/* The caption: `what` (the date or range shown) with the tracker's time
 * zone and its offset from UTC at `at` ("UTC" alone for a tracker that
 * declares no zone, or UTC), the filters of f (as_of, confirmed_only; f->at
 * is not read), the attribution and o->basemap_credit.  Malloc'd; NULL
 * without memory. */
char *fl__caption(const fl_tracker *t, const fl_render_opts *o, const char *what, fl_instant at,
		  const fl_query *f);

/* Lines of s no wider than width at `size` (regular weight): broken at
 * spaces, a word wider than the line between two characters.  Up to max
 * lines, each as its start in s and its length; returns how many. */
size_t fl__wrap(fl__canvas *c, double size, const char *s, double width, size_t *start, size_t *len,
		size_t max);
/* s wrapped to width, its first baseline at (x, y), lines lh apart; drawn
 * only when draw (else measured).  Returns the number of lines. */
size_t fl__text_block(fl__canvas *c, double x, double y, double width, double size, double lh,
		      const char *s, bool draw);

#endif
