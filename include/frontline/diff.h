/*
 * diff.h: what changed between two instants.
 *
 * The pieces of territory whose holder at t2 differs from their holder at t1,
 * grouped by (region, from, to) or by (from, to), with their geodesic area and
 * the events in (t1, t2] that touched them.  Both instants use the same filters
 * (as-of, status) taken from a query.  t1 == t2 gives an empty diff; t1 > t2 is
 * an error (FL_EARG).
 *
 * Ownership: fl_diff_new() returns a diff the caller frees with fl_diff_free();
 * changes and their event arrays belong to the diff; the tracker must outlive it.
 */
#ifndef FRONTLINE_DIFF_H
#define FRONTLINE_DIFF_H

#include "frontline/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_diff fl_diff;

typedef struct fl_change {
	int region;           /* region index, FL_NONE with FL_BY_ACTOR */
	int from;             /* holder at t1 (FL_NONE: not held) */
	int to;               /* holder at t2 */
	double area_km2;
	size_t nevents;       /* events in (t1, t2] touching these pieces, apply order */
	const size_t *events;
	fl_instant first, last; /* instants of the first and last of them */
	int uncertain_start;  /* the holder at t1 is uncertain (see fl_piece) */
	int uncertain_end;    /* the holder at t2 is uncertain */
} fl_change;

FL_API fl_status fl_diff_new(const fl_tracker *t, const fl_query *filters, fl_instant t1,
			     fl_instant t2, fl_group by, fl_diff **out);
FL_API void fl_diff_free(fl_diff *d);
FL_API size_t fl_diff_count(const fl_diff *d);
/* Change i (NULL past the end); it and its events array belong to the diff. */
FL_API const fl_change *fl_diff_at(const fl_diff *d, size_t i);
/* Geometry of change i as ISO WKB (lon/lat); belongs to the diff. */
FL_API const unsigned char *fl_diff_wkb(const fl_diff *d, size_t i, size_t *len);
/* Write the changes through GDAL (same rules as fl_snapshot_write). */
FL_API fl_status fl_diff_write(const fl_diff *d, const char *path, const char *format);
/* Into memory (see fl_snapshot_write_buffer); free with fl_free(). */
FL_API fl_status fl_diff_write_buffer(const fl_diff *d, const char *format, unsigned char **buf,
				      size_t *len);

#ifdef __cplusplus
}
#endif
#endif
