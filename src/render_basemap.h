/*
 * render_basemap.h: the base map under a map and the places it names
 * (render_basemap.c).  Private to the library.
 *
 * Loading reads only what lies in the frame (a spatial filter on the
 * frame's longitude/latitude rectangle, the geometries clipped to it), and
 * drawing reads nothing: a caller that draws many images of one frame (an
 * animation: same bbox, same size) sets up one canvas projection, calls
 * fl__basemap_frame() and fl__basemap_load() once, then fl__basemap_draw()
 * (and fl__draw_labels() with the loaded places) on each frame's canvas,
 * and fl__basemap_free() at the end.  A loaded base map is read-only while
 * drawn and owns its own GEOS context.
 */
#ifndef FL_RENDER_BASEMAP_H
#define FL_RENDER_BASEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include "frontline/frontline.h"
#include "render_canvas.h"

/* A populated place of the places layer, inside the frame. */
typedef struct fl__place {
	double lon, lat;
	double rank1, rank2, pop; /* SCALERANK, LABELRANK (lower first), POP_MAX (higher first) */
	char *name;               /* UTF-8 */
} fl__place;

typedef struct fl__basemap fl__basemap;

/* The longitude/latitude rectangle (W, S, E, N) that covers canvas c once
 * its projection is set (fl__canvas_projection), with a small margin. */
void fl__basemap_frame(const fl__canvas *c, double frame[4]);

/* The base map `path` cut to frame: a directory holding the shipped layout
 * (land, countries, lakes, rivers, admin1 .fgb) draws those layers in
 * that order with their own styles; any other GDAL vector source draws
 * every layer (polygons filled, lines stroked), in longitude/latitude.
 * `places` is a GDAL point layer with a name field (NAME, name, NAME_EN);
 * NULL takes places.fgb of the shipped layout, when there is one; no
 * places at all unless with_places.  path may be NULL (no layers).  FL_EARG naming `basemap` or `places`
 * when a given one cannot be read. */
fl_status fl__basemap_load(const char *path, const char *places, bool with_places, const double frame[4],
			   fl__basemap **out);
/* The base map and places o asks for (places when o->labels), cut to the
 * frame of canvas c (its projection set). */
fl_status fl__basemap_open(const fl__canvas *c, const fl_render_opts *o, fl__basemap **out);
/* Paint the background and draw the layers (nothing but the plain
 * background when bm is NULL). */
void fl__basemap_draw(fl__canvas *c, const fl__basemap *bm);
/* The places loaded, best ranked first. */
const fl__place *fl__basemap_places(const fl__basemap *bm, size_t *n);
void fl__basemap_free(fl__basemap *bm);

#endif
