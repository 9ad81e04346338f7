/*
 * render_canvas.c: the canvas of a map or a chart.  The surface writes into
 * memory whatever the format (PNG, SVG or PDF); the bytes reach the target
 * through fl__atomic_write, so a failed render leaves no file.  Coordinates
 * go from lon/lat to a Lambert azimuthal equal-area projection centred on
 * the bbox (PROJ), then to pixels with one scale, so areas on the map are
 * true to each other and the image centre is the bbox centre.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fail.h"
#include "render_canvas.h"
#include "sink.h"
#include "utf8.h"
#include "util.h"

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int n)
{
	fl__canvas *c = closure;
	unsigned char *nb = fl__grow(c->buf, &c->cap, c->len + n, 1);
	if (!nb)
		return CAIRO_STATUS_NO_MEMORY;
	c->buf = nb;
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	return CAIRO_STATUS_SUCCESS;
}

fl_status fl__canvas_kind(const char *path, int *kind, bool allow_pdf)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	int k = -1;
	if (dot && !strcasecmp(dot, ".png"))
		k = 0;
	else if (dot && !strcasecmp(dot, ".svg"))
		k = 1;
	else if (dot && !strcasecmp(dot, ".pdf") && allow_pdf)
		k = 2;
	/* a stream (/dev/null, a pipe, /dev/stdout) has no name to go by: PNG */
	if (k < 0 && path && fl__is_stream(path))
		k = 0;
	if (k < 0)
		return fl__fail(FL_EARG, "`path` %s: the file must end in %s", path ? path : "(none)",
				allow_pdf ? ".png, .svg or .pdf" : ".png or .svg");
	*kind = k;
	return FL_OK;
}

fl_status fl__canvas_open(fl__canvas *c, const char *path, int w, int h, bool allow_pdf)
{
	memset(c, 0, sizeof *c);
	fl_status st = fl__canvas_kind(path, &c->kind, allow_pdf);
	if (!st)
		st = fl__cairo_load();
	if (st)
		return st;
	c->w = w;
	c->h = h;
	if (c->kind == 0)
		c->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	else if (c->kind == 1) {
		c->surf = cairo_svg_surface_create_for_stream(mem_write, c, w, h);
		cairo_svg_surface_set_document_unit(c->surf, CAIRO_SVG_UNIT_PX); /* --size is pixels */
	}
	else
		c->surf = cairo_pdf_surface_create_for_stream(mem_write, c, w, h);
	if (cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS)
		return fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_surface_status(c->surf)));
	c->cr = cairo_create(c->surf);
	return FL_OK;
}

/* The SVG's texts as its <desc>, XML-escaped, right after the <svg> start
 * tag (the SVG as Cairo wrote it if that tag is not found). */
static fl_status svg_desc(fl__canvas *c)
{
	size_t at = 0;
	while (at + 4 < c->len && memcmp(c->buf + at, "<svg", 4))
		at++;
	while (at < c->len && c->buf[at] != '>')
		at++;
	if (!c->tlen || at >= c->len)
		return FL_OK;
	at++;
	size_t esc = 0;
	for (size_t i = 0; i < c->tlen; i++)
		esc += c->texts[i] == '<' || c->texts[i] == '>' ? 4 : c->texts[i] == '&' ? 5 : 1;
	size_t n = c->len + esc + 16;
	unsigned char *out = malloc(n), *p = out;
	if (!out)
		return fl__fail(FL_ENOMEM, "out of memory");
	memcpy(p, c->buf, at);
	p += at;
	memcpy(p, "\n<desc>", 7);
	p += 7;
	for (size_t i = 0; i < c->tlen; i++) {
		char ch = c->texts[i];
		const char *e = ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : ch == '&' ? "&amp;" : NULL;
		if (e) {
			memcpy(p, e, strlen(e));
			p += strlen(e);
		} else
			*p++ = (unsigned char)ch;
	}
	memcpy(p, "</desc>", 7);
	p += 7;
	memcpy(p, c->buf + at, c->len - at);
	p += c->len - at;
	free(c->buf);
	c->buf = out, c->len = (size_t)(p - out), c->cap = n;
	return FL_OK;
}

fl_status fl__canvas_wrap(fl__canvas *c, cairo_surface_t *image)
{
	memset(c, 0, sizeof *c);
	fl_status st = fl__cairo_load();
	if (st)
		return st;
	c->kind = FL__CANVAS_IMAGE;
	c->w = cairo_image_surface_get_width(image);
	c->h = cairo_image_surface_get_height(image);
	c->cr = cairo_create(image);
	return FL_OK;
}

fl_status fl__canvas_close(fl__canvas *c, const char *path, fl_status st)
{
	if (c->cr)
		cairo_destroy(c->cr);
	if (c->kind == FL__CANVAS_IMAGE) { /* the caller's surface: theirs to keep */
		if (c->pj)
			proj_destroy(c->pj);
		if (c->pj_ctx)
			proj_context_destroy(c->pj_ctx);
		return st;
	}
	if (c->surf && !st && c->kind == 0) {
		cairo_status_t cs = cairo_surface_write_to_png_stream(c->surf, mem_write, c);
		if (cs != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cs));
	}
	if (c->surf) {
		cairo_surface_finish(c->surf);
		if (!st && cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s",
				      cairo_status_to_string(cairo_surface_status(c->surf)));
		cairo_surface_destroy(c->surf);
	}
	if (!st && c->kind == 1)
		st = svg_desc(c);
	free(c->texts);
	if (!st)
		st = fl__atomic_write(path, c->buf, c->len);
	free(c->buf);
	if (c->pj)
		proj_destroy(c->pj);
	if (c->pj_ctx)
		proj_context_destroy(c->pj_ctx);
	return st;
}

static void hex_rgb(const char *hex, double *r, double *g, double *b)
{
	unsigned v = 0x888888;
	if (hex && hex[0] == '#')
	{
		char six[7] = {0}; /* at most six hex digits, as "#rrggbb" */
		strncpy(six, hex + 1, 6);
		v = (unsigned)strtoul(six, NULL, 16);
	}
	*r = ((v >> 16) & 255) / 255.0;
	*g = ((v >> 8) & 255) / 255.0;
	*b = (v & 255) / 255.0;
}

void fl__set_hex(cairo_t *cr, const char *hex, double alpha)
{
	double r, g, b;
	hex_rgb(hex, &r, &g, &b);
	cairo_set_source_rgba(cr, r, g, b, alpha);
}

void fl__hatch_parties(fl__canvas *c, const fl_tracker *t, int a, double alpha)
{
	cairo_t *cr = c->cr;
	const int *parties = NULL;
	size_t n = a >= 0 ? fl_tracker_actor_parties(t, (size_t)a, &parties) : 0;
	if (!n) {
		cairo_new_path(cr);
		return;
	}
	cairo_save(cr);
	cairo_clip_preserve(cr);
	cairo_new_path(cr);
	/* on one grid over the whole canvas, so that neighbouring pieces'
	 * stripes meet; each stripe is 40 % of the step, grey between them */
	double x0 = 0, y0 = 0, x1 = c->w, y1 = c->h;
	double step = fmax(10, c->w / 80.0), hgt = y1 - y0;
	cairo_set_line_width(cr, step * 0.4);
	for (long k = (long)floor((x0 - hgt) / step); (double)k * step <= x1 + step; k++) {
		/* the line x + y = k * step + y1 across the canvas */
		cairo_move_to(cr, (double)k * step, y1);
		cairo_line_to(cr, (double)k * step + hgt, y0);
		size_t which = (size_t)(((k % (long)n) + (long)n) % (long)n);
		fl__set_hex(cr, fl_tracker_actor_at(t, (size_t)parties[which])->color, alpha);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	cairo_new_path(cr);
}

fl_status fl__canvas_projection(fl__canvas *c, const double bb[4], double margin)
{
	c->lon0 = (bb[0] + bb[2]) / 2;
	c->lat0 = (bb[1] + bb[3]) / 2;
	c->pj_ctx = proj_context_create();
	proj_log_level(c->pj_ctx, PJ_LOG_NONE);
	char def[256];
	snprintf(def, sizeof def, "+proj=laea +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=m +no_defs",
		 c->lat0, c->lon0);
	c->pj = proj_create_crs_to_crs(c->pj_ctx, "OGC:CRS84", def, NULL);
	if (!c->pj)
		return fl__fail(FL_EIO, "PROJ: cannot set up the map projection (%s)", def);
	double hw = 0, hh = 0;
	for (int i = 0; i <= 8; i++) {
		int col = i % 3, row = i / 3;
		double lon = bb[0] + (bb[2] - bb[0]) * col / 2.0, lat = bb[1] + (bb[3] - bb[1]) * row / 2.0;
		PJ_COORD p = proj_trans(c->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
		hw = fmax(hw, fabs(p.xy.x));
		hh = fmax(hh, fabs(p.xy.y));
	}
	if (hw <= 0 || hh <= 0)
		return fl__fail(FL_EARG, "the bbox is empty");
	c->scale = fmin(c->w * (1 - margin) / (2 * hw), c->h * (1 - margin) / (2 * hh));
	return FL_OK;
}

void fl__project(const fl__canvas *c, double lon, double lat, double *x, double *y)
{
	PJ_COORD p = proj_trans(c->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
	*x = c->w / 2.0 + p.xy.x * c->scale;
	*y = c->h / 2.0 - p.xy.y * c->scale;
}

/* A line's or a ring's coordinates as a path (closed for a ring). */
static void path_coords(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *line, bool close)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, line);
	unsigned n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
		return;
	for (unsigned i = 0; i < n; i++) {
		double lon, lat, x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
		fl__project(c, lon, lat, &x, &y);
		if (i == 0)
			cairo_move_to(c->cr, x, y);
		else
			cairo_line_to(c->cr, x, y);
	}
	if (close)
		cairo_close_path(c->cr);
}

void fl__path_line(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *line)
{
	path_coords(c, h, line, false);
}

void fl__path_geom(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	if (!g) /* (a geometry built on demand when memory ran out) */
		return;
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON) {
		path_coords(c, h, GEOSGetExteriorRing_r(h, g), true);
		int nh = GEOSGetNumInteriorRings_r(h, g);
		for (int i = 0; i < nh; i++)
			path_coords(c, h, GEOSGetInteriorRingN_r(h, g, i), true);
	} else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
			fl__path_geom(c, h, GEOSGetGeometryN_r(h, g, i));
	}
}

void fl__text_at(fl__canvas *c, double x, double y, double size, bool bold, const char *s)
{
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, size);
	cairo_move_to(c->cr, x, y);
	cairo_show_text(c->cr, s);
	size_t n = strlen(s);
	char *nt = c->kind == 1 ? fl__grow(c->texts, &c->tcap, c->tlen + n + 2, 1) : NULL;
	if (nt) { /* (without memory, the <desc> misses a text: the picture is whole) */
		c->texts = nt;
		memcpy(c->texts + c->tlen, s, n);
		c->tlen += n;
		c->texts[c->tlen++] = '\n';
	}
}

double fl__text_width(fl__canvas *c, double size, const char *s)
{
	cairo_text_extents_t e;
	cairo_set_font_size(c->cr, size);
	cairo_text_extents(c->cr, s, &e);
	return e.x_advance;
}

fl_status fl__texts_utf8(const fl_render_opts *o)
{
	if (!fl__utf8_valid(o->title))
		return fl__fail(FL_EARG, "title: not UTF-8");
	if (!fl__utf8_valid(o->attribution))
		return fl__fail(FL_EARG, "attribution: not UTF-8");
	if (!fl__utf8_valid(o->basemap_credit))
		return fl__fail(FL_EARG, "basemap_credit: not UTF-8");
	return FL_OK;
}
