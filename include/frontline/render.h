/*
 * render.h: maps and charts drawn with Cairo (PNG, SVG, PDF from one code path).
 *
 * A map shows the control on a date (or what changed between two dates) in a
 * Lambert azimuthal equal-area projection centred on the map's extent (through
 * PROJ): regions filled with their holder's colour, borders, labels that do not
 * overlap, zones active on the date hatched, a base map (sea, land,
 * countries, lakes, rivers, first-order divisions) with its populated
 * places named by rank, a legend with areas (its names wrapped, never cut),
 * the date and title, a scale bar and a caption.  Ground whose event speaks
 * of part of its region only (fl_piece.partial) is dotted, ground of
 * uncertain date striped, and a footnote names both.  The caption of every
 * map and chart gives the date with the tracker's time zone, the filters in
 * force (as-of, confirmed only), the sources' attribution and the base map's
 * credit.
 * The centre of the image is the centre of the bbox.
 *
 * Files are written whole or not at all.  The format comes from the extension.
 * Refusals (FL_EARG) name what is wrong in backquotes: `path`, `size` (the
 * text given to fl_render_parse_size), `bbox` (fl_render_opts.bbox), `t1`
 * and `t2`, `basemap` and `places` (a source that cannot be read);
 * fl_render_parse_bbox names `bbox` too.
 */
#ifndef FRONTLINE_RENDER_H
#define FRONTLINE_RENDER_H

#include "frontline/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names a map shows (fl_render_opts.names). */
enum {
	FL_NAMES_TRACKER = 0, /* the tracker's `name` of each region, Natural Earth's of each place */
	FL_NAMES_BOTH = 1     /* also each region's alt_names ("Kalbajar / Karvachar"), and a place that
			       * is a region by one of its names gets the region's other names */
};

typedef struct fl_render_opts {
	int width, height;     /* pixels (points for PDF) */
	int has_bbox;
	double bbox[4];        /* west, south, east, north in degrees */
	const char *title;     /* NULL: none */
	int labels;            /* draw region labels */
	const char *basemap;   /* NULL: none; a directory of the shipped layout (geodata/basemap: land,
				* countries, admin1, lakes, rivers, places .fgb); or any GDAL
				* vector source in longitude/latitude: every layer drawn */
	const char *places;    /* a GDAL point layer with a NAME (or NAME_EN) field and optional
				* SCALERANK, LABELRANK, POP_MAX; NULL: the shipped layout's */
	int names;             /* FL_NAMES_TRACKER (default) or FL_NAMES_BOTH */
	const char *attribution; /* NULL: read from the tracker's README ("Attribution: ...") */
	const char *basemap_credit; /* the base map's credit in the caption (e.g. "Made with
				     * Natural Earth"); NULL: none */
} fl_render_opts;

/* Defaults: 1200x900, labels on, no bbox (the tracker's extent). */
FL_API fl_render_opts fl_render_opts_default(void);

/* "1200x900" (each 16..10000). */
FL_API fl_status fl_render_parse_size(const char *text, int *w, int *h);
/* "W,S,E,N" in degrees, W < E, S < N, within -180..180 / -90..90. */
FL_API fl_status fl_render_parse_bbox(const char *text, double bbox[4]);

FL_API fl_status fl_render_snapshot(const fl_tracker *t, const fl_query *q,
				    const fl_render_opts *o, const char *path);
FL_API fl_status fl_render_diff(const fl_tracker *t, const fl_query *filters, fl_instant t1,
				fl_instant t2, const fl_render_opts *o, const char *path);
/* A line chart of area held per actor over the series (PNG or SVG), from
 * the series' `from` (the state then, whether or not an event falls on it)
 * to its `to`, with ticks on month or year boundaries of the tracker's
 * zone, a legend of the actors' names and colours, o->title and the
 * caption. */
FL_API fl_status fl_render_chart(const fl_tracker *t, const fl_stats *s, const fl_render_opts *o,
				 const char *path);

#ifdef __cplusplus
}
#endif
#endif
