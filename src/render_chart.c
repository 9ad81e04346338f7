/*
 * render_chart.c: the chart of an area series (fl_render_chart): one line
 * per actor, in its colour, on the canvas of render_canvas.c.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include "fail.h"
#include "render_canvas.h"
#include "tracker_priv.h"

fl_status fl_render_chart(const fl_tracker *t, const fl_stats *s, const fl_render_opts *o,
			  const char *path)
{
	fl__canvas c;
	int kind;
	fl_status st = fl__texts_utf8(o);
	if (!st)
		st = fl__canvas_kind(path, &kind, false);
	if (st)
		return st;
	size_t n = fl_stats_count(s);
	if (n == 0)
		return fl__fail(FL_EARG, "the series is empty: nothing to chart");
	st = fl__canvas_open(&c, path, o->width, o->height, false);
	if (st)
		return fl__canvas_close(&c, path, st);
	cairo_t *cr = c.cr;
	double fs = fmax(9, c.w / 80.0);
	double L = fs * 6, R = fs * 4, T = fs * 3.5, B = fs * 4;
	double pw = c.w - L - R, ph = c.h - T - B;
	fl_instant t0 = fl_stats_at(s, 0)->at, t1 = fl_stats_at(s, n - 1)->at;
	if (t1 == t0)
		t1 = t0 + 86400;
	double ymax = 0;
	for (size_t i = 0; i < n; i++)
		ymax = fmax(ymax, fl_stats_at(s, i)->area_km2);
	double step = pow(10, floor(log10(ymax > 0 ? ymax : 1)));
	if (ymax / step < 3)
		step /= 2;
	ymax = ceil(ymax / step) * step;
	if (ymax <= 0)
		ymax = 1;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	/* grid and y labels */
	cairo_set_line_width(cr, 1);
	for (int k = 0; k * step <= ymax + step / 2; k++) {
		double v = k * step;
		double y = T + ph - v / ymax * ph;
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, L, y);
		cairo_line_to(cr, L + pw, y);
		cairo_stroke(cr);
		char lab[32];
		snprintf(lab, sizeof lab, "%.0f", v);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		fl__text_at(&c, L - fl__text_width(&c, fs, lab) - fs / 2, y + fs / 3, fs, false, lab);
	}
	/* x labels: about six dates */
	for (int k = 0; k <= 5; k++) {
		fl_instant at = t0 + (t1 - t0) * k / 5;
		char lab[16];
		fl_tracker_format_date(t, at, lab, sizeof lab);
		double x = L + pw * k / 5.0;
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, x, T + ph);
		cairo_line_to(cr, x, T + ph + fs / 2);
		cairo_stroke(cr);
		fl__text_at(&c, x - fl__text_width(&c, fs, lab) / 2, T + ph + fs * 1.7, fs, false, lab);
	}
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_rectangle(cr, L, T, pw, ph);
	cairo_stroke(cr);
	fl__text_at(&c, L, T - fs * 1.2, fs * 1.3, true, o->title ? o->title : "Area held (km²)");
	/* one step line per actor */
	double lx = L + pw - fs;
	for (size_t a = 0; a < t->nactors; a++) {
		bool any = false;
		double px = 0, py = 0;
		for (size_t i = 0; i < n; i++) {
			const fl_stats_row *r = fl_stats_at(s, i);
			if (r->holder != (int)a)
				continue;
			double x = L + pw * (double)(r->at - t0) / (double)(t1 - t0);
			double y = T + ph - r->area_km2 / ymax * ph;
			if (!any)
				cairo_move_to(cr, x, y);
			else {
				cairo_line_to(cr, x, py); /* area holds until the next sample */
				cairo_line_to(cr, x, y);
			}
			any = true;
			px = x, py = y;
		}
		if (!any)
			continue;
		(void)px;
		cairo_line_to(cr, L + pw, py);
		fl__set_hex(cr, t->actors[a].color, 1);
		cairo_set_line_width(cr, fmax(2, c.w / 400.0));
		cairo_stroke(cr);
		/* legend entry, top right inside the plot */
		char lab[128];
		snprintf(lab, sizeof lab, "%s", t->actors[a].id);
		double w = fl__text_width(&c, fs, lab);
		lx -= w + fs * 3;
		cairo_rectangle(cr, lx, T + fs * 0.6, fs * 1.5, fs * 0.6);
		fl__set_hex(cr, t->actors[a].color, 1);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		fl__text_at(&c, lx + fs * 2, T + fs * 1.3, fs, false, lab);
	}
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
	return fl__canvas_close(&c, path, st);
}
