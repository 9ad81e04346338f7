/*
 * snapshot.h: the map at an instant.
 *
 * A snapshot partitions the tracked area into pieces, each with one holder
 * (or none), obtained by applying, in order, every event with instant <= the
 * query instant.  A query may replay only what was recorded by an instant
 * (as_of: the map as it was known then; corrections recorded by then replace
 * the events they correct) and may keep confirmed events only.
 *
 * Ownership: fl_snapshot_new() returns a snapshot the caller frees with
 * fl_snapshot_free(); pieces belong to the snapshot.  A snapshot keeps a
 * pointer to its tracker, which must outlive it.
 */
#ifndef FRONTLINE_SNAPSHOT_H
#define FRONTLINE_SNAPSHOT_H

#include <stddef.h>
#include "frontline/tracker.h"
#include "frontline/weight.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Instants of the first and last events that apply under q's filters
 * (as_of, confirmed_only; an event replaced by a correction that applies does
 * not count), whatever q->at: before *first nothing is held, after *last the
 * map no longer changes (*last is the latest instant of any of them: the end
 * of an uncertain period may come after the last event's instant).
 * FL_ENOTFOUND when no event applies. */
FL_API fl_status fl_query_event_range(const fl_tracker *t, const fl_query *q, fl_instant *first,
				      fl_instant *last);

typedef struct fl_snapshot fl_snapshot;

typedef struct fl_piece {
	int region;           /* region index, FL_NONE with FL_BY_ACTOR or outside regions */
	int holder;           /* actor index, FL_NONE when not held */
	int event;            /* latest event that applies here, or FL_NONE */
	fl_instant since;     /* start of the current holder's unbroken run */
	int has_since;
	double area_km2;      /* geodesic area */
	int partial;          /* the event speaks of part of the region only */
	/* Uncertain ground: an event whose date admits a period (fl_event's
	 * when < latest) may or may not have taken effect at the instant, and
	 * the holder depends on it.  `holder` is then the nominal one (every
	 * event taken at its `when`), `possible` lists every holder the piece
	 * may have (FL_NONE: no one; it belongs to the snapshot). */
	int uncertain;
	int uncertain_event;  /* the latest such event in apply order, or FL_NONE */
	fl_instant uncertain_from, uncertain_to; /* the period of those events */
	size_t npossible;
	const int *possible;
} fl_piece;

FL_API fl_status fl_snapshot_new(const fl_tracker *t, const fl_query *q,
				 fl_group by, fl_snapshot **out);
FL_API void fl_snapshot_free(fl_snapshot *s);

FL_API size_t fl_snapshot_count(const fl_snapshot *s);
/* Piece i (NULL past the end); it belongs to the snapshot. */
FL_API const fl_piece *fl_snapshot_at(const fl_snapshot *s, size_t i);

/* The piece's geometry as ISO WKB (lon/lat, WGS 84).  The buffer belongs to
 * the snapshot. */
FL_API const unsigned char *fl_snapshot_wkb(const fl_snapshot *s, size_t i,
						  size_t *len);

/* Holder of region `region` (index) in the snapshot, FL_NONE if not held;
 * when the region is split, the holder of its largest piece. */
FL_API int fl_snapshot_region_holder(const fl_snapshot *s, int region);

/* Write the snapshot through GDAL.  path NULL or "-" writes to stdout;
 * format is a GDAL driver name or short name (geojson, gpkg, fgb, kml, shp,
 * csv), or NULL to choose by the file's extension (GeoJSON for stdout).
 * A file is written whole or not at all (temporary file, then rename). */
FL_API fl_status fl_snapshot_write(const fl_snapshot *s, const char *path,
				   const char *format);

/* The same output into memory: *buf is malloc'd (NUL-terminated), the caller
 * frees it with fl_free().  format NULL means GeoJSON. */
FL_API fl_status fl_snapshot_write_buffer(const fl_snapshot *s, const char *format,
					  unsigned char **buf, size_t *len);

/* The sum of weight w (weight.h: people from a raster, ...) over piece i's
 * atoms; 0 past the end or for a weight of another tracker. */
FL_API double fl_snapshot_weight(const fl_snapshot *s, size_t i, const fl_weight *w);
/* fl_snapshot_write with one more field per weight after the others, named
 * by the weight (fl_weight_name), holding fl_snapshot_weight. */
FL_API fl_status fl_snapshot_write_weighted(const fl_snapshot *s, fl_weight *const *weights,
					    size_t nweights, const char *path, const char *format);

#ifdef __cplusplus
}
#endif
#endif
