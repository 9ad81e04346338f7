/*
 * render.c: maps with Cairo (fl_render_snapshot, fl_render_diff) and the
 * render options.
 *
 * One drawing routine serves PNG, SVG and PDF: only the surface differs
 * (render_canvas.c).  A map is the base map (render_basemap.c), the regions
 * in their holder's colour, the zones hatched, the labels placed where they
 * do not collide (render_labels.c), and its frame (render_legend.c); the
 * chart of a series is render_chart.c.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "diff_priv.h"
#include "render_basemap.h"
#include "render_canvas.h"
#include "render_labels.h"
#include "render_caption.h"
#include "render_hatch.h"
#include "render_legend.h"
#include "fail.h"
#include "shapes.h"
#include "snapshot_priv.h"
#include "tracker_priv.h"

fl_render_opts fl_render_opts_default(void)
{
	fl_render_opts o = {0};
	o.width = 1200;
	o.height = 900;
	o.labels = 1;
	return o;
}

/* A whole number of at most 5 digits (no sign, no space), then `stop`. */
static const char *small_uint(const char *p, int stop, long *v)
{
	const char *q = p;
	*v = 0;
	while (*q >= '0' && *q <= '9' && q - p < 6)
		*v = *v * 10 + (*q++ - '0');
	return q > p && q - p <= 5 && *q == stop ? q : NULL;
}

fl_status fl_render_parse_size(const char *text, int *w, int *h)
{
	long a = 0, b = 0;
	const char *p = text ? small_uint(text, 'x', &a) : NULL;
	if (!p || !small_uint(p + 1, '\0', &b) || a < 16 || b < 16 || a > 10000 || b > 10000)
		return fl__fail(FL_EARG, "`size` %s: expected WIDTHxHEIGHT in pixels, 16 to 10000 each "
				"(e.g. 1200x900)", text ? text : "");
	*w = (int)a;
	*h = (int)b;
	return FL_OK;
}

/* (its messages name the parameter `bbox`, as fl_render_opts does) */
fl_status fl_render_parse_bbox(const char *text, double bb[4])
{
	const char *p = text;
	for (int i = 0; p && i < 4; i++) {
		char *end;
		bb[i] = strtod(p, &end);
		p = end > p && *end == (i < 3 ? ',' : '\0') ? end + 1 : NULL;
	}
	if (!p)
		return fl__fail(FL_EARG, "`bbox` %s: expected W,S,E,N in degrees (e.g. 45.5,39,47.5,40.5)",
				text ? text : "");
	/* written so that NaN ("nan" is a number to sscanf) fails every test */
	if (!(bb[0] >= -180 && bb[0] < bb[2] && bb[2] <= 180 && bb[1] >= -90 && bb[1] < bb[3] &&
	      bb[3] <= 90))
		return fl__fail(FL_EARG, "`bbox` %s: need -180 <= W < E <= 180 and -90 <= S < N <= 90", text);
	return FL_OK;
}

/* ---------------------------------------------------------------- labels */
typedef fl__label label; /* render_labels.h */

/* Zones active at `at`: hatched, outlined, named. */
static void draw_zones(fl__canvas *c, const fl_tracker *t, fl_instant at, label *L, size_t *nl)
{
	GEOSContextHandle_t h = t->geos;
	for (size_t i = 0; i < t->nzones; i++) {
		const fl__zone *z = &t->zones[i];
		if (at < z->pub.valid_from || (z->pub.has_end && at > z->pub.valid_to))
			continue;
		const char *color = z->pub.actor != FL_NONE ? t->actors[z->pub.actor].color : "#444444";
		double x, y;
		int type = GEOSGeomTypeId_r(h, z->geom);
		if (type == GEOS_POINT) {
			double lon, lat;
			GEOSGeomGetX_r(h, z->geom, &lon);
			GEOSGeomGetY_r(h, z->geom, &lat);
			fl__project(c, lon, lat, &x, &y);
			cairo_arc(c->cr, x, y, fmax(4, c->w / 200.0), 0, 2 * M_PI);
			fl__set_hex(c->cr, color, 1);
			cairo_fill_preserve(c->cr);
			cairo_set_source_rgb(c->cr, 1, 1, 1);
			cairo_set_line_width(c->cr, 1.5);
			cairo_stroke(c->cr);
			y -= fmax(10, c->w / 80.0);
		} else {
			cairo_save(c->cr);
			cairo_new_path(c->cr);
			fl__path_geom(c, h, z->geom);
			cairo_clip_preserve(c->cr);
			fl__set_hex(c->cr, color, 1);
			cairo_set_line_width(c->cr, 2);
			double dash[] = {6, 4};
			cairo_set_dash(c->cr, dash, 2, 0);
			cairo_stroke(c->cr);
			cairo_set_dash(c->cr, NULL, 0, 0);
			cairo_set_line_width(c->cr, 1);
			fl__set_hex(c->cr, color, 0.7);
			for (int d = -c->h; d < c->w; d += 8) {
				cairo_move_to(c->cr, d, c->h);
				cairo_line_to(c->cr, d + c->h, 0);
			}
			cairo_stroke(c->cr);
			cairo_restore(c->cr);
			GEOSGeometry *pt = GEOSPointOnSurface_r(h, z->geom);
			double lon = 0, lat = 0;
			GEOSGeomGetX_r(h, pt, &lon);
			GEOSGeomGetY_r(h, pt, &lat);
			GEOSGeom_destroy_r(h, pt);
			fl__project(c, lon, lat, &x, &y);
		}
		L[*nl] = (label){x, y, ZONE_AREA, ""};
		snprintf(L[*nl].text, sizeof L[*nl].text, "%s", z->pub.name);
		(*nl)++;
	}
}

/* Uncertain ground (fl_piece): hatched, "\\" where zones are "/", in the
 * colour of another holder it may have (grey when that is no one), over
 * the nominal holder's fill. */
static void hatch_uncertain(fl__canvas *c, const fl_tracker *t, const GEOSGeometry *g, const fl_piece *p)
{
	const char *other = "#555555";
	for (size_t i = 0; i < p->npossible; i++)
		if (p->possible[i] != p->holder && p->possible[i] != FL_NONE) {
			other = t->actors[p->possible[i]].color;
			break;
		}
	cairo_save(c->cr);
	cairo_new_path(c->cr);
	fl__path_geom(c, t->geos, g);
	cairo_clip(c->cr);
	fl__set_hex(c->cr, other, 1);
	cairo_set_line_width(c->cr, fmax(2, c->w / 400.0));
	for (int d = -c->h; d < c->w; d += 10) {
		cairo_move_to(c->cr, d, 0);
		cairo_line_to(c->cr, d + c->h, c->h);
	}
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}

/* The extent to draw: the bbox, or the tracker's extent with a margin. */
static fl_status map_extent(const fl_tracker *t, const fl_render_opts *o, double bb[4])
{
	double tx0 = 1e9, ty0 = 1e9, tx1 = -1e9, ty1 = -1e9;
	for (size_t i = 0; i < t->natoms; i++) {
		double x0, y0, x1, y1;
		const GEOSGeometry *g = fl__atom_geom(t, i);
		if (g && GEOSGeom_getXMin_r(t->geos, g, &x0) && GEOSGeom_getYMin_r(t->geos, g, &y0) &&
		    GEOSGeom_getXMax_r(t->geos, g, &x1) && GEOSGeom_getYMax_r(t->geos, g, &y1)) {
			tx0 = fmin(tx0, x0), ty0 = fmin(ty0, y0), tx1 = fmax(tx1, x1), ty1 = fmax(ty1, y1);
		}
	}
	if (tx0 > tx1)
		return fl__fail(FL_EINPUT, "the tracker has no territory to draw");
	if (o->has_bbox) {
		memcpy(bb, o->bbox, 4 * sizeof *bb);
		if (bb[2] < tx0 || bb[0] > tx1 || bb[3] < ty0 || bb[1] > ty1)
			return fl__fail(FL_EARG,
					"`bbox` %g,%g,%g,%g is outside the tracker (which spans %.3f,%.3f,%.3f,%.3f)",
					bb[0], bb[1], bb[2], bb[3], tx0, ty0, tx1, ty1);
		return FL_OK;
	}
	double mx = (tx1 - tx0) * 0.04, my = (ty1 - ty0) * 0.04;
	bb[0] = tx0 - mx, bb[1] = ty0 - my, bb[2] = tx1 + mx, bb[3] = ty1 + my;
	return FL_OK;
}

static void draw_borders(fl__canvas *c, const fl_tracker *t)
{
	cairo_new_path(c->cr);
	for (size_t r = 0; r < t->nregions; r++)
		fl__path_geom(c, t->geos, fl__region_geom(t, r));
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.9);
	cairo_set_line_width(c->cr, fmax(0.6, c->w / 1600.0));
	cairo_stroke(c->cr);
}

/* The legend's rows: the actors holding ground (or gaining it, in a diff)
 * with their names, whole; the uncertain and partial ground drawn
 * (hatched_km2: their areas); the zones active at `at`.  Returns how many,
 * up to max. */
static size_t legend_rows(const fl_tracker *t, const double *area, const double *gain, bool is_diff,
			  const double hatched_km2[2], fl_instant at, fl__legend_row *rows, size_t max)
{
	memset(rows, 0, max * sizeof *rows);
	size_t nr = 0;
	for (size_t a = 0; a < t->nactors && nr + 2 < max; a++) {
		if (area[a] <= 0 && !(gain && gain[a] > 0))
			continue;
		rows[nr].color = t->actors[a].color;
		rows[nr].outline = is_diff;
		rows[nr].hatch = t->actors[a].nparties ? (int)a : FL_NONE;
		if (is_diff)
			snprintf(rows[nr].text, sizeof rows[nr].text, "%s gained %.1f km²", t->actors[a].id,
				 gain ? gain[a] : 0);
		else
			snprintf(rows[nr].text, sizeof rows[nr].text, "%s  %.1f km²  %s", t->actors[a].id,
				 area[a], t->actors[a].name);
		nr++;
	}
	if (hatched_km2[0] > 0) {
		rows[nr] = (fl__legend_row){.color = "#ffffff", .hatch = FL_NONE, .hatch_color = "#555555"};
		snprintf(rows[nr].text, sizeof rows[nr].text,
			 "Uncertain date, %.1f km²: stripes of the other holder it may have", hatched_km2[0]);
		nr++;
	}
	if (hatched_km2[1] > 0) {
		rows[nr] = (fl__legend_row){.color = "#dcdcdc", .hatch = FL_NONE,
					    .hatch_color = FL__PARTIAL_DOTS, .pattern = FL__SWATCH_DOTS};
		snprintf(rows[nr].text, sizeof rows[nr].text,
			 "Partial, %.1f km²: the source speaks of part of the region only", hatched_km2[1]);
		nr++;
	}
	return nr + fl__zone_rows(t, at, rows + nr, max - nr);
}

/* The map into path, or into the caller's image surface `into` (path NULL).
 * With keep, the base map is loaded once into *keep (when NULL) and left
 * there for the next image of the same frame; the caller frees it. */
static fl_status render_map(const fl_tracker *t, const fl_query *q, bool is_diff, fl_instant t1,
			    const fl_render_opts *o, const char *path, cairo_surface_t *into, fl__basemap **keep)
{
	fl__canvas c;
	double bb[4];
	fl_status st = fl__texts_utf8(o);
	if (!st && !into)
		st = fl__canvas_kind(path, &c.kind, true);
	if (!st)
		st = map_extent(t, o, bb);
	if (st)
		return st;
	fl_snapshot *s = NULL;
	fl_diff *d = NULL;
	st = fl_snapshot_new(t, q, FL_BY_REGION, &s);
	if (!st && is_diff)
		st = fl_diff_new(t, q, t1, q->at, FL_BY_REGION, &d);
	if (!st)
		st = into ? fl__canvas_wrap(&c, into) : fl__canvas_open(&c, path, o->width, o->height, true);
	else {
		fl_snapshot_free(s);
		return st;
	}
	label *L = calloc(t->nregions + t->nzones + 1, sizeof *L);
	size_t nl = 0, na = t->nactors;
	double *area = calloc(na + 1, sizeof *area);
	if (!st && (!L || !area))
		st = fl__fail(FL_ENOMEM, "out of memory");
	fl__basemap *bm = keep ? *keep : NULL;
	if (!st && !(st = fl__canvas_projection(&c, bb, 0.0)) && !bm) {
		st = fl__basemap_open(&c, o, &bm);
		if (!st && keep)
			*keep = bm;
	}
	if (!st) {
		cairo_t *cr = c.cr;
		fl__basemap_draw(&c, bm);
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		double uncertain_km2 = 0, partial_km2 = 0;
		/* control: one filled path per piece */
		for (size_t i = 0; i < fl_snapshot_count(s); i++) {
			const fl_piece *p = fl_snapshot_at(s, i);
			cairo_new_path(cr);
			fl__path_geom(&c, t->geos, fl__snapshot_geom(s, i));
			fl__set_hex(cr, p->holder != FL_NONE ? t->actors[p->holder].color : "#cccccc",
				is_diff ? 0.3 : 1);
			cairo_fill_preserve(cr);
			fl__hatch_parties(&c, t, p->holder, is_diff ? 0.3 : 1);
			if (p->holder != FL_NONE)
				area[p->holder] += p->area_km2;
			if (p->uncertain && !is_diff) {
				hatch_uncertain(&c, t, fl__snapshot_geom(s, i), p);
				uncertain_km2 += p->area_km2;
			}
			if (p->partial && !is_diff) {
				fl__hatch_partial(&c, t, fl__snapshot_geom(s, i));
				partial_km2 += p->area_km2;
			}
		}
		draw_borders(&c, t);
		double *gain = calloc(na + 1, sizeof *gain);
		for (size_t i = 0; d && gain && i < fl_diff_count(d); i++) {
			const fl_change *ch = fl_diff_at(d, i);
			cairo_new_path(cr);
			fl__path_geom(&c, t->geos, fl__diff_geom(d, i));
			fl__set_hex(cr, ch->to != FL_NONE ? t->actors[ch->to].color : "#cccccc", 1);
			cairo_fill_preserve(cr);
			fl__hatch_parties(&c, t, ch->to, 1);
			fl__path_geom(&c, t->geos, fl__diff_geom(d, i)); /* again, for its outline */
			cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
			cairo_set_line_width(cr, fmax(1.5, c.w / 600.0));
			cairo_stroke(cr);
			if (ch->to != FL_NONE)
				gain[ch->to] += ch->area_km2;
		}
		draw_zones(&c, t, q->at, L, &nl);
		if (o->labels)
			fl__region_labels(&c, t, o->names, L, &nl);
		fl__legend_row rows[48];
		double hatched_km2[2] = {uncertain_km2, partial_km2};
		size_t nr = legend_rows(t, area, gain, is_diff, hatched_km2, q->at, rows, 48);
		free(gain);
		char heading[96], d2[16];
		fl_tracker_format_date(t, q->at, d2, sizeof d2);
		if (is_diff) {
			char d1[16];
			fl_tracker_format_date(t, t1, d1, sizeof d1);
			snprintf(heading, sizeof heading, "Changes %s to %s", d1, d2);
		} else
			snprintf(heading, sizeof heading, "Control on %s", d2);
		fl__box taken[FL__FRAME_BOXES];
		char *foot = is_diff ? NULL : fl__footnote(t, s), *cap = fl__caption(t, o, heading, q->at, q);
		fl__draw_frame(&c, t, o, heading, rows, nr, foot, cap, taken);
		free(foot), free(cap);
		fl__draw_labels(&c, t, L, nl, taken, FL__FRAME_BOXES, bm, o->names, o->labels);
		if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
	}
	if (!keep)
		fl__basemap_free(bm);
	free(L);
	free(area);
	fl_snapshot_free(s);
	fl_diff_free(d);
	return fl__canvas_close(&c, path, st);
}

fl_status fl_render_snapshot(const fl_tracker *t, const fl_query *q, const fl_render_opts *o,
			     const char *path)
{
	return render_map(t, q, false, 0, o, path, NULL, NULL);
}

fl_status fl__render_frame(const fl_tracker *t, const fl_query *q, const fl_render_opts *o,
			   cairo_surface_t *image, fl__basemap **keep)
{
	return render_map(t, q, false, 0, o, NULL, image, keep);
}

fl_status fl_render_diff(const fl_tracker *t, const fl_query *filters, fl_instant t1, fl_instant t2,
			 const fl_render_opts *o, const char *path)
{
	if (t1 > t2)
		return fl__fail(FL_EARG, "`t1` is after `t2`: swap them");
	fl_query q = filters ? *filters : fl_query_at(t2);
	q.at = t2;
	return render_map(t, &q, true, t1, o, path, NULL, NULL);
}

