/*
 * render_legend.c: the frame around a map: title, heading, legend (its rows
 * wrapped within the legend's width, never cut), scale bar, and along the
 * bottom a band with the footnote and the caption (render_caption.c).
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render_canvas.h"
#include "render_caption.h"
#include "render_hatch.h"
#include "render_legend.h"
#include "tracker_priv.h"

/* The scale bar, its right end at (x, y); returns its length in pixels. */
static double draw_scale_bar(fl__canvas *c, double x, double y)
{
	/* a round length near a fifth of the width */
	double target_m = c->w / 5.0 / c->scale, unit = pow(10, floor(log10(target_m)));
	double len_m = unit;
	if (target_m >= 5 * unit)
		len_m = 5 * unit;
	else if (target_m >= 2 * unit)
		len_m = 2 * unit;
	double px = len_m * c->scale, fs = fmax(8, c->w / 120.0);
	cairo_set_source_rgb(c->cr, 0.15, 0.15, 0.15);
	cairo_set_line_width(c->cr, 2);
	cairo_move_to(c->cr, x - px, y);
	cairo_line_to(c->cr, x, y);
	cairo_move_to(c->cr, x - px, y - 5);
	cairo_line_to(c->cr, x - px, y + 1);
	cairo_move_to(c->cr, x, y - 5);
	cairo_line_to(c->cr, x, y + 1);
	cairo_stroke(c->cr);
	char s[64];
	if (len_m >= 1000)
		snprintf(s, sizeof s, "%g km", len_m / 1000);
	else
		snprintf(s, sizeof s, "%g m", len_m);
	fl__text_at(c, x - px, y - 7, fs, false, s);
	return px;
}

/* A legend row's swatch in the w x h box at (x, y). */
static void swatch(fl__canvas *c, const fl_tracker *t, const fl__legend_row *r, double x, double y,
		   double w, double h)
{
	cairo_rectangle(c->cr, x, y, w, h);
	fl__set_hex(c->cr, r->color, 1);
	if (r->hatch_color) {
		cairo_save(c->cr);
		cairo_fill_preserve(c->cr);
		cairo_clip(c->cr);
		fl__set_hex(c->cr, r->hatch_color, 1);
		if (r->pattern == FL__SWATCH_DOTS)
			fl__hatch_dots(c, r->hatch_color);
		else {
			bool zone = r->pattern == FL__SWATCH_ZONE;
			cairo_set_line_width(c->cr, zone ? 1 : fmax(1.5, c->w / 500.0));
			for (int k = -3; k <= 3; k++) {
				double d = k * h / 2;
				cairo_move_to(c->cr, x + d, zone ? y + h : y);
				cairo_line_to(c->cr, x + d + h, zone ? y : y + h);
			}
			cairo_stroke(c->cr);
		}
		cairo_restore(c->cr);
		if (r->pattern == FL__SWATCH_ZONE) {
			double dash[] = {4, 2};
			cairo_rectangle(c->cr, x + 1, y + 1, w - 2, h - 2);
			fl__set_hex(c->cr, r->hatch_color, 1);
			cairo_set_dash(c->cr, dash, 2, 0);
			cairo_set_line_width(c->cr, 2);
			cairo_stroke(c->cr);
			cairo_set_dash(c->cr, NULL, 0, 0);
		}
	} else {
		cairo_fill_preserve(c->cr);
		fl__hatch_parties(c, t, r->hatch, 1);
	}
	if (r->outline) {
		cairo_rectangle(c->cr, x, y, w, h);
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		cairo_set_line_width(c->cr, 1.5);
		cairo_stroke(c->cr);
	}
}

/* The legend, bottom left, its bottom at `bottom`: rows wrapped within at
 * most `maxw` pixels; returns the box it takes (drawn only when draw). */
static fl__box draw_legend(fl__canvas *c, const fl_tracker *t, const fl__legend_row *rows, size_t nrows,
			   double fs, double pad, double bottom, double maxw, bool draw)
{
	enum { MAXL = 8 };
	double lh = fs * 1.5, sw = lh * 1.5, tw = fmax(fs * 4, maxw - sw - pad), bw = 0, nlines = 0;
	size_t *start = calloc(nrows * MAXL + 1, sizeof *start), *len = calloc(nrows * MAXL + 1, sizeof *len);
	size_t *nl = calloc(nrows + 1, sizeof *nl);
	char *buf = malloc(sizeof rows->text);
	if (!start || !len || !nl || !buf) {
		free(start), free(len), free(nl), free(buf);
		return (fl__box){0, 0, 0, 0};
	}
	for (size_t i = 0; i < nrows; i++) {
		nl[i] = fl__wrap(c, fs, rows[i].text, tw, start + i * MAXL, len + i * MAXL, MAXL);
		nlines += (double)(nl[i] ? nl[i] : 1);
		for (size_t k = 0; k < nl[i]; k++) {
			memcpy(buf, rows[i].text + start[i * MAXL + k], len[i * MAXL + k]);
			buf[len[i * MAXL + k]] = 0;
			bw = fmax(bw, fl__text_width(c, fs, buf));
		}
	}
	double bx = pad, by = bottom - lh * nlines - pad, bwid = bw + sw + pad;
	if (!draw) {
		free(start), free(len), free(nl), free(buf);
		return (fl__box){bx, by, bx + bwid, bottom};
	}
	cairo_rectangle(c->cr, bx, by, bwid, lh * nlines + pad);
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
	cairo_fill(c->cr);
	double ry = by + pad / 2;
	for (size_t i = 0; i < nrows; i++) {
		swatch(c, t, &rows[i], bx + pad / 2, ry + lh * 0.15, lh * 1.2, lh * 0.7);
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		for (size_t k = 0; k < nl[i]; k++) {
			memcpy(buf, rows[i].text + start[i * MAXL + k], len[i * MAXL + k]);
			buf[len[i * MAXL + k]] = 0;
			fl__text_at(c, bx + pad / 2 + sw, ry + lh * (0.7 + (double)k), fs, false, buf);
		}
		ry += lh * (double)(nl[i] ? nl[i] : 1);
	}
	free(start), free(len), free(nl), free(buf);
	return (fl__box){bx, by, bx + bwid, bottom};
}

/* The footnote and the caption in a band across the bottom, wrapped to the
 * width, in type of size afs; returns the band's top (drawn only when draw). */
static double draw_band(fl__canvas *c, double pad, double afs, const char *footnote, const char *caption,
			bool draw)
{
	double alh = afs * 1.3, w = c->w - 2 * pad;
	size_t nf = footnote ? fl__text_block(c, 0, 0, w, afs, alh, footnote, false) : 0;
	size_t nc = caption ? fl__text_block(c, 0, 0, w, afs, alh, caption, false) : 0;
	if (!nf && !nc)
		return c->h;
	double top = c->h - alh * (double)(nf + nc) - pad / 2;
	if (!draw)
		return top;
	cairo_rectangle(c->cr, 0, top, c->w, c->h - top);
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.9);
	cairo_fill(c->cr);
	double y = top + afs + pad / 4;
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	if (nf)
		fl__text_block(c, pad, y, w, afs, alh, footnote, true);
	cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
	if (nc)
		fl__text_block(c, pad, y + alh * (double)nf, w, afs, alh, caption, true);
	return top;
}

/* The widest the legend may be: half the map, more on a narrow one (but
 * for the scale bar). */
static double legend_width(const fl__canvas *c, double fs, double pad)
{
	return fmax(c->w * 0.5, fmin(c->w * 0.75 - 2 * pad, fs * 40));
}

void fl__draw_frame(fl__canvas *c, const fl_tracker *t, const fl_render_opts *o, const char *heading,
		    fl__legend_row *rows, size_t nrows, const char *footnote, const char *caption,
		    fl__box *taken)
{
	double fs = fmax(9, c->w / 90.0), pad = fs * 0.8;
	/* title and date, top left */
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	double y = pad + fs * 1.4;
	if (o->title) {
		fl__text_at(c, pad, y, fs * 1.6, true, o->title);
		y += fs * 1.6;
	}
	fl__text_at(c, pad, y, fs * 1.2, !o->title, heading);
	taken[0] = (fl__box){0, 0, pad + fmax(o->title ? fl__text_width(c, fs * 1.6, o->title) : 0,
					  fl__text_width(c, fs * 1.2, heading)) + pad, y + pad};
	/* the band along the bottom, the legend bottom left above it, the
	 * scale bar bottom right */
	double k = 1, afs = fmax(8, c->w / 120.0);
	for (int i = 0; i < 6; i++) { /* smaller type where they would cover the middle of the map */
		double top = draw_band(c, pad, afs * k, footnote, caption, false);
		fl__box b = draw_legend(c, t, rows, nrows, fs * k, pad, top - pad / 2, legend_width(c, fs * k, pad),
					false);
		double over = (c->h - b.y0) / (c->h * 0.28);
		if (over <= 1 || fs * k <= 5)
			break;
		k = fmax(5 / fs, k / fmin(over, 1.5));
	}
	double top = draw_band(c, pad, afs * k, footnote, caption, true);
	taken[3] = (fl__box){0, top, c->w, c->h};
	taken[1] = draw_legend(c, t, rows, nrows, fs * k, pad, top - pad / 2, legend_width(c, fs * k, pad), true);
	double sfs = fmax(8, c->w / 120.0);
	double px = draw_scale_bar(c, c->w - pad, top - pad);
	taken[2] = (fl__box){c->w - pad * 2 - px, top - pad * 2 - sfs * 1.5, c->w, top};
}

size_t fl__zone_rows(const fl_tracker *t, fl_instant at, fl__legend_row *rows, size_t max)
{
	size_t nr = 0;
	for (size_t i = 0; i < t->nzones && nr < max; i++) {
		const fl_zone *z = &t->zones[i].pub;
		if (at < z->valid_from || (z->has_end && at > z->valid_to))
			continue;
		const char *color = z->actor != FL_NONE ? t->actors[z->actor].color : "#444444";
		bool point = GEOSGeomTypeId_r(t->geos, t->zones[i].geom) == GEOS_POINT;
		rows[nr] = (fl__legend_row){.color = point ? color : "#ffffff", .hatch = FL_NONE,
					    .hatch_color = point ? NULL : color, .pattern = FL__SWATCH_ZONE};
		snprintf(rows[nr].text, sizeof rows[nr].text, "%s: %s%s%s%s%s", point ? "Site" : "Zone", z->name,
			 z->actor != FL_NONE ? " (" : "", z->actor != FL_NONE ? t->actors[z->actor].id : "",
			 z->actor != FL_NONE ? ")" : "",
			 !z->approximate ? "" : point ? ", place approximate" : ", outline approximate");
		nr++;
	}
	return nr;
}
