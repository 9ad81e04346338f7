/*
 * render_legend.h: the frame of a map (render_legend.c).  Private to the
 * library.
 */
#ifndef FL_RENDER_LEGEND_H
#define FL_RENDER_LEGEND_H

#include <stdbool.h>
#include <stddef.h>
#include "frontline/frontline.h"
#include "render_canvas.h"

/* How a swatch's hatch_color is drawn: "\" stripes (uncertain ground), "/"
 * lines in a dashed outline (a zone), dots (partial ground). */
enum { FL__SWATCH_STRIPES, FL__SWATCH_ZONE, FL__SWATCH_DOTS };

/* One row of the legend: a swatch (filled, or outlined) and its text,
 * wrapped over lines when it is wider than the legend may be. */
typedef struct fl__legend_row {
	const char *color;
	char text[320];
	bool outline;
	int hatch; /* contested ground's actor: its parties' stripes over the swatch; else FL_NONE */
	const char *hatch_color; /* when set, the swatch is hatched in this colour over `color` */
	int pattern;		 /* FL__SWATCH_*: how */
} fl__legend_row;

/* The rectangles the frame occupies (taken[] of fl__draw_frame). */
#define FL__FRAME_BOXES 4

/* The title and heading, the legend (rows), the scale bar, and along the
 * bottom the footnote (NULL: none) and the caption (render_caption.h);
 * taken[0..FL__FRAME_BOXES) get the rectangles they occupy. */
void fl__draw_frame(fl__canvas *c, const fl_tracker *t, const fl_render_opts *o, const char *heading,
		    fl__legend_row *rows, size_t nrows, const char *footnote, const char *caption,
		    fl__box *taken);

/* A row for each zone active at `at` (up to max): its hatching or dot, its
 * name and actor, "approximate" when its outline or place is.  Returns how
 * many. */
size_t fl__zone_rows(const fl_tracker *t, fl_instant at, fl__legend_row *rows, size_t max);

#endif
