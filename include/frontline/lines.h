/*
 * lines.h: the front line at an instant.
 *
 * The front is every border between ground held by two different actors:
 * one line per pair of holders, a (multi)line string of their common
 * border, with its geodesic length on the WGS 84 ellipsoid.  The tracker's
 * outer edge is never front, and neither is a border between held ground
 * and ground nobody holds (before the first event there, or never taken):
 * an unheld atom is no side.  Uncertain ground counts for its nominal
 * holder (every event taken at its `when`).  The borders are found once
 * per tracker (the atoms' shared edges); a query is a holder per atom.
 *
 * Ownership: fl_lines_new() returns lines the caller frees with
 * fl_lines_free(); the lines and their WKB belong to them.  Lines keep a
 * pointer to their tracker, which must outlive them.
 */
#ifndef FRONTLINE_LINES_H
#define FRONTLINE_LINES_H

#include <stddef.h>
#include "frontline/tracker.h"
#include "frontline/features.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_lines fl_lines;

typedef struct fl_line {
	int holder_a, holder_b; /* actor indices, holder_a < holder_b (the tracker's actor order) */
	double length_km;       /* geodesic length of their common border */
} fl_line;

/* The front at q->at under q's filters (as_of, confirmed_only; with
 * q->holders, only the lines with at least one of them on a side). */
FL_API fl_status fl_lines_new(const fl_tracker *t, const fl_query *q, fl_lines **out);
FL_API void fl_lines_free(fl_lines *l);
FL_API size_t fl_lines_count(const fl_lines *l);
/* Line i (NULL past the end), ordered by (holder_a, holder_b). */
FL_API const fl_line *fl_lines_at(const fl_lines *l, size_t i);
/* Line i's geometry as ISO WKB MultiLineString (lon/lat, WGS 84; its
 * segments merged into the longest strings, GEOSLineMerge); NULL past the
 * end.  The buffer belongs to the lines. */
FL_API const unsigned char *fl_lines_wkb(const fl_lines *l, size_t i, size_t *len);
/* The whole front's length: every border counted once. */
FL_API double fl_lines_total_km(const fl_lines *l);
/* The front's length per actor at q->at, without the lines' geometry:
 * per_actor[a] (room for fl_tracker_actor_count() values) is the length of
 * actor a's border with any other holder, *total (may be NULL) every border
 * once. */
FL_API fl_status fl_front_length(const fl_tracker *t, const fl_query *q, double *per_actor,
				 double *total);
/* Write the lines through GDAL: fields holder_a, holder_b (actor ids),
 * name_a, name_b (their names), length_km; path NULL or "-" is stdout;
 * format a driver or short name, or NULL for the path's extension
 * (GeoJSON for stdout).  Whole or not at all. */
FL_API fl_status fl_lines_write(const fl_lines *l, const char *path, const char *format);
/* The same into memory (*buf malloc'd, NUL-terminated, freed with
 * fl_free()); format NULL means GeoJSON. */
FL_API fl_status fl_lines_write_buffer(const fl_lines *l, const char *format, unsigned char **buf,
				       size_t *len);

/* The lines as GeoJSON features (features.h), as fl_lines_write_buffer()
 * writes them; each keyed "holder_a:holder_b" (the actor ids). */
FL_API fl_status fl_lines_features(const fl_lines *l, fl_features **out);

#ifdef __cplusplus
}
#endif
#endif
