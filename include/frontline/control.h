/*
 * control.h: control over time, as periods, and the time-enabled export.
 *
 * A period is a piece of territory (a region, or the part of a region an
 * event polygon cut off) held by one actor over [from, to): it starts with
 * the event that gave the piece to that holder and ends with the next event
 * that gives it to someone else (no end while current).  Events that keep
 * the holder (a claim then its confirmation) do not break a period.  At any
 * instant T the periods with from <= T < to are exactly the pieces of the
 * snapshot at T, so GIS software with a time slider (QGIS's Temporal
 * Controller, Google Earth) plays the whole history from one layer.
 *
 * fl_export_write() writes that layer, `control`, through GDAL: a GeoPackage
 * also gets the tracker's own layers (actors, regions, areas, events, zones),
 * so that it is itself a tracker; KML gets a <TimeSpan> per placemark and the
 * actors' colours as styles; FlatGeobuf, Shapefile, CSV (WKT) and any GDAL
 * vector driver get the control layer alone.
 *
 * Ownership: fl_periods_new() returns periods the caller frees with
 * fl_periods_free(); periods and their geometry belong to them; the tracker
 * must outlive them.
 */
#ifndef FRONTLINE_CONTROL_H
#define FRONTLINE_CONTROL_H

#include "frontline/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_periods fl_periods;

typedef struct fl_period {
	int region;          /* region index, FL_NONE outside regions */
	int holder;          /* actor index */
	int event;           /* the event that began the period */
	fl_instant from;     /* the period is [from, to) */
	fl_instant to;       /* meaningful when has_to */
	int has_to;          /* 0 while current */
	double area_km2;     /* geodesic */
	int uncertain;       /* [from, to) lies in the period of the event's date
			      * (its when to its latest): the holder is uncertain
			      * (see fl_piece); the rest of the run is a period of
			      * its own */
} fl_period;

/* Every period of the tracker, by region then start.  filters supplies as-of
 * and status (its `at` is ignored); NULL means every event. */
FL_API fl_status fl_periods_new(const fl_tracker *t, const fl_query *filters, fl_periods **out);
FL_API void fl_periods_free(fl_periods *p);
FL_API size_t fl_periods_count(const fl_periods *p);
/* Period i (NULL past the end); it belongs to the periods. */
FL_API const fl_period *fl_periods_at(const fl_periods *p, size_t i);
/* Geometry of period i as ISO WKB (lon/lat); belongs to the periods. */
FL_API const unsigned char *fl_periods_wkb(const fl_periods *p, size_t i, size_t *len);

/* Write the time-enabled export to path (not stdout: "-" is refused for
 * multi-layer formats).  format as for fl_snapshot_write (NULL: by the
 * extension).  Written whole or not at all. */
FL_API fl_status fl_export_write(const fl_tracker *t, const fl_query *filters, const char *path,
				 const char *format);

#ifdef __cplusplus
}
#endif
#endif
