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

/* One row of the legend: a swatch (filled, or outlined) and its text. */
typedef struct fl__legend_row {
	const char *color;
	char text[160];
	bool outline;
	int hatch; /* contested ground's actor: its parties' stripes over the swatch; else FL_NONE */
	const char *hatch_color; /* when set, the swatch is hatched in this colour over `color` */
} fl__legend_row;

/* The title and heading, the legend (rows), the scale bar and the
 * tracker's attribution; taken[0..2] get the rectangles they occupy. */
void fl__draw_frame(fl__canvas *c, const fl_tracker *t, const fl_render_opts *o, const char *heading,
		    fl__legend_row *rows, size_t nrows, fl__box *taken);

#endif
