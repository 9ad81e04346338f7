/*
 * render_hatch.c: partial ground on a map and the footnote.
 *
 * An event may speak of part of its regions only (fl_event.partial: "about
 * half of the district"): the map still fills the whole region with the
 * holder's colour, since the tracker knows no finer line, and dots it so
 * that no reader takes the fill for the whole truth.  Dots are distinct
 * from the zones' "/" lines and from the "\" stripes of uncertain dates
 * (render.c).  The footnote names the regions of both.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "render_hatch.h"
#include "tracker_priv.h"
#include "util.h"

void fl__hatch_dots(fl__canvas *c, const char *color)
{
	/* the grid is anchored half a step off the canvas's centre, so the
	 * centre (the bbox's centre) shows the holder's colour between dots */
	double sp = fmax(6, c->w / 150.0), r = fmax(1.1, c->w / 900.0);
	double gx = c->w / 2.0 + sp / 2, gy = c->h / 2.0 + sp / 2;
	double x0, y0, x1, y1;
	cairo_clip_extents(c->cr, &x0, &y0, &x1, &y1);
	cairo_new_path(c->cr);
	for (long j = (long)floor((y0 - gy) / sp) - 1; gy + (double)j * sp <= y1 + sp; j++) {
		double off = (j & 1) ? sp / 2 : 0, y = gy + (double)j * sp;
		for (long i = (long)floor((x0 - gx) / sp) - 1; gx + (double)i * sp <= x1 + sp; i++) {
			double x = gx + (double)i * sp + off;
			cairo_move_to(c->cr, x + r, y);
			cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
		}
	}
	fl__set_hex(c->cr, color, 0.9);
	cairo_fill(c->cr);
}

void fl__hatch_partial(fl__canvas *c, const fl_tracker *t, const GEOSGeometry *g)
{
	cairo_save(c->cr);
	cairo_new_path(c->cr);
	fl__path_geom(c, t->geos, g);
	cairo_clip(c->cr);
	fl__hatch_dots(c, FL__PARTIAL_DOTS);
	cairo_restore(c->cr);
}

/* The names of the regions of s's pieces for which want(piece), ", "
 * between them, appended to *out after `head`; false without memory. */
static bool append_names(const fl_tracker *t, const fl_snapshot *s, bool partial, const char *head,
			 char **out)
{
	unsigned char *seen = calloc(t->nregions + 1, 1);
	if (!seen)
		return false;
	char *acc = NULL;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		if ((partial ? !p->partial : !p->uncertain) || p->region < 0 || seen[p->region])
			continue;
		seen[p->region] = 1;
		char *n = fl__printf("%s%s%s", acc ? acc : "", acc ? ", " : "", t->regions[p->region].pub.name);
		free(acc);
		if (!(acc = n)) {
			free(seen);
			return false;
		}
	}
	free(seen);
	if (!acc)
		return true;
	char *n = fl__printf("%s%s%s%s.", *out ? *out : "", *out ? " " : "", head, acc);
	free(acc);
	free(*out);
	*out = n;
	return n != NULL;
}

char *fl__footnote(const fl_tracker *t, const fl_snapshot *s)
{
	char *out = NULL;
	if (!append_names(t, s, true, "Partial (dotted): ", &out) ||
	    !append_names(t, s, false, "Uncertain date (striped): ", &out)) {
		free(out);
		return NULL;
	}
	return out;
}
