/*
 * render_labels.h: the names on a map (render_labels.c): zones', regions'
 * and the base map's places, placed where they collide with nothing.
 * Private to the library.
 */
#ifndef FL_RENDER_LABELS_H
#define FL_RENDER_LABELS_H

#include <stddef.h>
#include "frontline/frontline.h"
#include "render_basemap.h"
#include "render_canvas.h"

/* A name to place centred on (x, y); larger areas are placed first, zones'
 * (area ZONE_AREA) before all. */
#define ZONE_AREA 1e12
typedef struct fl__label {
	double x, y, area;
	char text[160];
} fl__label;

/* Each region's label appended to L: its name without " District", and
 * with names == FL_NAMES_BOTH its alt_names after it ("Kalbajar / Karvachar"). */
void fl__region_labels(fl__canvas *c, const fl_tracker *t, int names, fl__label *L, size_t *nl);
/* Draw the labels L (largest area first) and bm's places by rank (a dot and
 * the name beside it): zones' labels, the major places (SCALERANK up to
 * 7), regions' labels, the other places; each only where it overlaps
 * nothing placed before and none of the boxes taken (legend, title...);
 * places only when with_places. */
void fl__draw_labels(fl__canvas *c, const fl_tracker *t, fl__label *L, size_t n, const fl__box *taken,
		     size_t ntaken, const fl__basemap *bm, int names, bool with_places);

#endif
