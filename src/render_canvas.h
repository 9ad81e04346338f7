/*
 * render_canvas.h: what render.c, render_legend.c and render_chart.c draw
 * on (render_canvas.c).  Private to the library.
 */
#ifndef FL_RENDER_CANVAS_H
#define FL_RENDER_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <cairo.h>
#include <geos_c.h>
#include <proj.h>
#include "frontline/frontline.h"

/* A surface in memory, its drawing context, and the map's projection. */
typedef struct fl__canvas {
	cairo_surface_t *surf;
	cairo_t *cr;
	unsigned char *buf;   /* PDF/SVG bytes */
	size_t len, cap;
	int kind;             /* 0 png, 1 svg, 2 pdf, FL__CANVAS_IMAGE */
	int w, h;
	PJ_CONTEXT *pj_ctx;
	PJ *pj;
	double scale;         /* pixels per metre */
	double lon0, lat0;
	char *texts;          /* SVG: every text drawn, one a line (its <desc>) */
	size_t tlen, tcap;
} fl__canvas;

/* A rectangle of the canvas that something occupies (labels avoid them). */
typedef struct fl__box {
	double x0, y0, x1, y1;
} fl__box;

/* The kind of image path asks for (0 PNG, 1 SVG, 2 PDF), by extension; a
 * stream without one gets PNG.  PDF only when allow_pdf. */
fl_status fl__canvas_kind(const char *path, int *kind, bool allow_pdf);
/* A w x h canvas for the image at path (its kind by extension). */
fl_status fl__canvas_open(fl__canvas *c, const char *path, int w, int h, bool allow_pdf);
/* A canvas on the caller's image surface (an animation's frame): drawn
 * into, never written; fl__canvas_close(c, NULL, st) leaves the surface to
 * the caller. */
#define FL__CANVAS_IMAGE 3
fl_status fl__canvas_wrap(fl__canvas *c, cairo_surface_t *image);
/* Finish the image and write it to path whole (unless st, a failure
 * already); the canvas is freed either way.  Returns st or the write's. */
fl_status fl__canvas_close(fl__canvas *c, const char *path, fl_status st);
/* The source colour: "#rrggbb" with alpha. */
void fl__set_hex(cairo_t *cr, const char *hex, double alpha);
/* Contested ground: diagonal stripes in the colours of actor a's parties,
 * one after the other, over the current path (which is then cleared);
 * nothing but clearing it for an actor that is not contested ground. */
void fl__hatch_parties(fl__canvas *c, const fl_tracker *t, int a, double alpha);
/* The Lambert azimuthal equal-area projection centred on bbox bb, fitted to
 * the canvas with margin pixels around. */
fl_status fl__canvas_projection(fl__canvas *c, const double bb[4], double margin);
/* lon/lat to pixels. */
void fl__project(const fl__canvas *c, double lon, double lat, double *x, double *y);
/* A (multi)polygon's rings as the current path. */
void fl__path_geom(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *g);
/* A line string (or ring) as an open path. */
void fl__path_line(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *line);
/* Text with its baseline's left end at (x, y), and its width.  An SVG
 * (whose glyphs are paths) also lists the texts drawn, in that order, in
 * its <desc>, for screen readers and search. */
void fl__text_at(fl__canvas *c, double x, double y, double size, bool bold, const char *s);
double fl__text_width(fl__canvas *c, double size, const char *s);
/* render.c: the map of q (as fl_render_snapshot draws it) into the caller's
 * ARGB32 image surface, which gives the size (o's is not read).  The base
 * map is loaded into *keep when that is NULL and reused after: every image
 * drawn with one keep must have the same size and bbox; the caller frees
 * it with fl__basemap_free (render_basemap.h). */
struct fl__basemap;
fl_status fl__render_frame(const fl_tracker *t, const fl_query *q, const fl_render_opts *o,
			   cairo_surface_t *image, struct fl__basemap **keep);
/* The texts drawn as given: UTF-8 only (Cairo refuses the rest, and SVG
 * and PDF would carry it). */
fl_status fl__texts_utf8(const fl_render_opts *o);

#endif
