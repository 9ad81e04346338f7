/*
 * render_chart.c: the chart of an area series (fl_render_chart): one step
 * line per actor, in its colour, on the canvas of render_canvas.c.
 *
 * The frame is the series' bounds as asked (stats_priv.h): every line
 * starts at `from` with the area held then, whether or not an event falls
 * on it, and runs to `to`.  Ticks fall on the first day of months or years
 * (by the span) of the tracker's zone.  Under the plot: a legend of the
 * actors' ids, names and colours, and the caption (render_caption.c).
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date_priv.h"
#include "fail.h"
#include "render_canvas.h"
#include "render_caption.h"
#include "stats_priv.h"
#include "tracker_priv.h"
#include "tz.h"
#include "util.h"

enum { MAX_TICKS = 64 };

/* The civil day (days since 1970-01-01 in the tracker's zone) holding x. */
static int64_t civil_day(const fl_tracker *t, fl_instant x)
{
	int64_t c = fl__tz_to_civil(t->tz, x);
	return c / 86400 - (c % 86400 < 0);
}

/* Ticks in [from, to] on the first days of years (spans over three years),
 * of months (over two months) or on days, every `stride` of them so that
 * at most max fall; their instants and labels.  Returns how many. */
static size_t ticks(const fl_tracker *t, fl_instant from, fl_instant to, size_t max, fl_instant *at,
		    char (*lab)[24])
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	long y0, y1;
	int m0, m1, d0, d1;
	int64_t c0 = civil_day(t, from), c1 = civil_day(t, to);
	fl__civil_from_days(c0, &y0, &m0, &d0);
	fl__civil_from_days(c1, &y1, &m1, &d1);
	long months = (y1 - y0) * 12 + (m1 - m0);
	int unit = months > 36 ? 2 : months >= 2 ? 1 : 0; /* year, month, day */
	long count = unit == 2 ? y1 - y0 + 1 : unit == 1 ? months + 1 : (long)(c1 - c0 + 1);
	static const long strides[] = {1, 2, 3, 4, 6, 12, 24, 60, 120, 600, 6000};
	long stride = 1;
	for (size_t i = 0; i < sizeof strides / sizeof *strides; i++) {
		stride = strides[i];
		if ((count + stride - 1) / stride <= (long)max)
			break;
	}
	size_t n = 0;
	for (long k = 0; k < count && n < max; k++) {
		long y = y0;
		int m = 1, d = 1;
		if (unit == 2)
			y = y0 + k;
		else if (unit == 1)
			y = y0 + (m0 - 1 + k) / 12, m = (int)((m0 - 1 + k) % 12) + 1;
		else
			fl__civil_from_days(c0 + k, &y, &m, &d);
		long idx = unit == 2 ? y : unit == 1 ? m - 1 : k; /* on round numbers of the unit */
		if (idx % stride)
			continue;
		fl_instant x = fl__tz_from_civil(t->tz, fl__days_from_civil(y, m, d) * 86400);
		if (x < from || x > to)
			continue;
		at[n] = x;
		if (unit == 2)
			snprintf(lab[n], sizeof lab[n], "%ld", y);
		else if (unit == 1)
			snprintf(lab[n], sizeof lab[n], "%s %ld", mon[m - 1], y);
		else
			snprintf(lab[n], sizeof lab[n], "%s %d", mon[m - 1], d);
		n++;
	}
	return n;
}

/* The actors of the series: used[a] for those with rows; returns how many. */
static size_t actors_used(const fl_tracker *t, const fl_stats *s, bool *used)
{
	size_t n = 0;
	for (size_t i = 0; i < fl_stats_count(s); i++) {
		int a = fl_stats_at(s, i)->holder;
		if (a >= 0 && (size_t)a < t->nactors && !used[a])
			used[a] = true, n++;
	}
	return n;
}

/* The legend under the plot, from y: a swatch, the id and the name of each
 * actor used, wrapped within width w; only measured unless draw.  Returns
 * its height. */
static double chart_legend(fl__canvas *c, const fl_tracker *t, const bool *used, double x, double y,
			   double w, double fs, bool draw)
{
	double lh = fs * 1.4, h = 0;
	for (size_t a = 0; a < t->nactors; a++) {
		if (!used[a])
			continue;
		char *text = fl__printf("%s  %s", t->actors[a].id, t->actors[a].name);
		if (!text)
			continue;
		if (draw) {
			cairo_rectangle(c->cr, x, y + h + lh * 0.3, fs * 1.5, fs * 0.6);
			fl__set_hex(c->cr, t->actors[a].color, 1);
			cairo_fill(c->cr);
			cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		}
		size_t n = fl__text_block(c, x + fs * 2.2, y + h + lh * 0.7, w - fs * 2.2, fs, lh, text, draw);
		h += lh * (double)(n ? n : 1);
		free(text);
	}
	return h;
}

/* One actor's step line from `from` (its area then) to `to`. */
static void actor_line(fl__canvas *c, const fl_stats *s, int a, double start, double L, double T,
		       double pw, double ph, double ymax)
{
	const fl__stats_frame *f = fl__stats_get_frame(s);
	double span = (double)(f->to > f->from ? f->to - f->from : 1);
	double py = T + ph - start / ymax * ph;
	cairo_move_to(c->cr, L, py);
	for (size_t i = 0; i < fl_stats_count(s); i++) {
		const fl_stats_row *r = fl_stats_at(s, i);
		if (r->holder != a)
			continue;
		double x = L + pw * (double)(r->at - f->from) / span;
		double y = T + ph - r->area_km2 / ymax * ph;
		cairo_line_to(c->cr, x, py); /* area holds until the next sample */
		cairo_line_to(c->cr, x, y);
		py = y;
	}
	cairo_line_to(c->cr, L + pw, py);
}

/* The y axis's top and step: a round number above every area shown. */
static double y_axis(const fl_tracker *t, const fl_stats *s, double *step)
{
	const fl__stats_frame *f = fl__stats_get_frame(s);
	double ymax = 0;
	for (size_t i = 0; i < fl_stats_count(s); i++)
		ymax = fmax(ymax, fl_stats_at(s, i)->area_km2);
	for (size_t a = 0; a < t->nactors; a++)
		ymax = fmax(ymax, f->start[a]);
	*step = pow(10, floor(log10(ymax > 0 ? ymax : 1)));
	if (ymax / *step < 3)
		*step /= 2;
	ymax = ceil(ymax / *step) * *step;
	return ymax > 0 ? ymax : 1;
}

static void draw_chart(fl__canvas *c, const fl_tracker *t, const fl_stats *s, const fl_render_opts *o,
		       const bool *used, const char *caption)
{
	cairo_t *cr = c->cr;
	const fl__stats_frame *f = fl__stats_get_frame(s);
	double fs = fmax(9, c->w / 80.0), afs = fmax(8, c->w / 120.0), pad = fs * 0.8;
	double L = fs * 6, R = fs * 2, T = fs * 3.5;
	double pw = c->w - L - R;
	double capw = c->w - 2 * pad, caph = afs * 1.3 * (double)fl__text_block(c, 0, 0, capw, afs, afs * 1.3,
										 caption ? caption : "", false);
	double legh = chart_legend(c, t, used, L, 0, pw, fs, false);
	double ph = fmax(1, c->h - T - fs * 2.6 - legh - caph - pad * 2);
	double step, ymax = y_axis(t, s, &step);
	double span = (double)(f->to > f->from ? f->to - f->from : 1);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	/* grid and y labels */
	cairo_set_line_width(cr, 1);
	for (int k = 0; k * step <= ymax + step / 2; k++) {
		double v = k * step, y = T + ph - v / ymax * ph;
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, L, y);
		cairo_line_to(cr, L + pw, y);
		cairo_stroke(cr);
		char lab[32];
		snprintf(lab, sizeof lab, "%.0f", v);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		fl__text_at(c, L - fl__text_width(c, fs, lab) - fs / 2, y + fs / 3, fs, false, lab);
	}
	/* x ticks on month or year boundaries, labels that do not collide */
	fl_instant at[MAX_TICKS];
	char lab[MAX_TICKS][24];
	size_t maxt = (size_t)fmax(2, fmin(MAX_TICKS, pw / (fs * 6)));
	size_t nt = ticks(t, f->from, f->to, maxt, at, lab);
	for (size_t k = 0; k < nt; k++) {
		double x = L + pw * (double)(at[k] - f->from) / span;
		cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
		cairo_move_to(cr, x, T);
		cairo_line_to(cr, x, T + ph);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, x, T + ph);
		cairo_line_to(cr, x, T + ph + fs / 2);
		cairo_stroke(cr);
		double w = fl__text_width(c, fs, lab[k]);
		fl__text_at(c, fmin(c->w - w - 1, fmax(1, x - w / 2)), T + ph + fs * 1.7, fs, false, lab[k]);
	}
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_rectangle(cr, L, T, pw, ph);
	cairo_stroke(cr);
	fl__text_at(c, L, T - fs * 1.2, fs * 1.3, true, o->title ? o->title : "Area held (km²)");
	if (o->title)
		fl__text_at(c, L - fl__text_width(c, fs, "km²") - fs / 2, T - fs * 0.4, fs, false, "km²");
	for (size_t a = 0; a < t->nactors; a++) {
		if (!used[a])
			continue;
		actor_line(c, s, (int)a, f->start[a], L, T, pw, ph, ymax);
		fl__set_hex(cr, t->actors[a].color, 1);
		cairo_set_line_width(cr, fmax(2, c->w / 400.0));
		cairo_stroke(cr);
	}
	chart_legend(c, t, used, L, T + ph + fs * 2.4, pw, fs, true);
	if (caption) {
		cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		fl__text_block(c, pad, c->h - caph - pad / 2 + afs, capw, afs, afs * 1.3, caption, true);
	}
}

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
	if (fl_stats_count(s) == 0)
		return fl__fail(FL_EARG, "the series is empty: nothing to chart");
	st = fl__canvas_open(&c, path, o->width, o->height, false);
	if (st)
		return fl__canvas_close(&c, path, st);
	const fl__stats_frame *f = fl__stats_get_frame(s);
	bool *used = calloc(t->nactors + 1, sizeof *used);
	char d0[32], d1[32], *what = NULL, *caption = NULL;
	fl_tracker_format_date(t, f->from, d0, sizeof d0);
	fl_tracker_format_date(t, f->to, d1, sizeof d1);
	fl_query q = {.has_as_of = f->has_as_of, .as_of = f->as_of, .confirmed_only = f->confirmed_only};
	if (used && (what = fl__printf("Area held per actor, %s to %s", d0, d1)))
		caption = fl__caption(t, o, what, f->to, &q);
	if (!caption)
		st = fl__fail(FL_ENOMEM, "out of memory");
	else {
		actors_used(t, s, used);
		draw_chart(&c, t, s, o, used, caption);
		if (cairo_status(c.cr) != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_status(c.cr)));
	}
	free(used), free(what), free(caption);
	return fl__canvas_close(&c, path, st);
}
