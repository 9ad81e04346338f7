/*
 * render_legend.c: the frame around a map: title, heading, legend, scale
 * bar and the attribution read from the tracker's README.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render_canvas.h"
#include "render_legend.h"
#include "util.h"

static void draw_scale_bar(fl__canvas *c, double x, double y)
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
}

void fl__draw_frame(fl__canvas *c, const fl_tracker *t, const fl_render_opts *o, const char *heading,
		    fl__legend_row *rows, size_t nrows, fl__box *taken)
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
	/* legend, bottom left */
	double lh = fs * 1.5, bw = 0;
	for (size_t i = 0; i < nrows; i++)
		bw = fmax(bw, fl__text_width(c, fs, rows[i].text));
	double bx = pad, by = c->h - pad - lh * (double)nrows - pad, bwid = bw + lh * 2 + pad;
	cairo_rectangle(c->cr, bx, by, bwid, lh * (double)nrows + pad);
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
	cairo_fill(c->cr);
	taken[1] = (fl__box){bx, by, bx + bwid, c->h};
	for (size_t i = 0; i < nrows; i++) {
		double ry = by + pad / 2 + lh * (double)i;
		cairo_rectangle(c->cr, bx + pad / 2, ry + lh * 0.15, lh * 1.2, lh * 0.7);
		fl__set_hex(c->cr, rows[i].color, 1);
		if (rows[i].hatch_color) {
			cairo_save(c->cr);
			cairo_fill_preserve(c->cr);
			cairo_clip(c->cr);
			fl__set_hex(c->cr, rows[i].hatch_color, 1);
			cairo_set_line_width(c->cr, fmax(1.5, c->w / 500.0));
			for (int k = -3; k <= 3; k++) {
				double d = k * lh / 3;
				cairo_move_to(c->cr, bx + pad / 2 + d, ry + lh * 0.15);
				cairo_line_to(c->cr, bx + pad / 2 + d + lh * 0.7, ry + lh * 0.85);
			}
			cairo_stroke(c->cr);
			cairo_restore(c->cr);
		} else {
			cairo_fill_preserve(c->cr);
			fl__hatch_parties(c, t, rows[i].hatch, 1);
		}
		if (rows[i].outline) {
			cairo_rectangle(c->cr, bx + pad / 2, ry + lh * 0.15, lh * 1.2, lh * 0.7);
			cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
			cairo_set_line_width(c->cr, 1.5);
			cairo_stroke(c->cr);
		}
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		fl__text_at(c, bx + pad / 2 + lh * 1.5, ry + lh * 0.7, fs, false, rows[i].text);
	}
	/* attribution and scale bar, bottom right */
	char *attr = o->attribution ? fl__strdup(o->attribution) : fl_tracker_attribution(t);
	double afs = fmax(7, c->w / 150.0);
	if (attr) {
		double aw = fl__text_width(c, afs, attr);
		if (aw > c->w - bwid - 3 * pad) { /* shrink to fit beside the legend */
			afs *= (c->w - bwid - 3 * pad) / aw;
			aw = fl__text_width(c, afs, attr);
		}
		cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
		fl__text_at(c, c->w - pad - aw, c->h - pad / 2, afs, false, attr);
		free(attr);
	}
	draw_scale_bar(c, c->w - pad, c->h - pad - afs * 2);
	taken[2] = (fl__box){c->w * 0.7, c->h - pad * 3 - afs * 3, c->w, c->h};
}
