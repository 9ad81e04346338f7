/*
 * places.h: points (towns, hospitals, water stations) and who holds them.
 *
 * Any GDAL point layer is read once as a set of places: each point is
 * located in the tracker's atoms (the faces every query is made of), so
 * that a place then follows control through time as its atom does, with
 * no geometry work per query.  Where a point lies:
 *  - inside an atom: that atom;
 *  - on the boundary between atoms (a shared edge or vertex): the first of
 *    them in the tracker's order of atoms, the same at every date (a point
 *    on the line between two holders is given to one of them, never to
 *    both or neither);
 *  - on the tracker's outer edge: the atom it touches (inside);
 *  - anywhere else: outside the tracker; it has no holder at any date and
 *    its status says "outside".
 * Coordinates are read in the layer's CRS and transformed to WGS 84.  A
 * layer without a CRS is taken as WGS 84 longitude/latitude when every
 * point lies within [-180, 180] x [-90, 90], and refused otherwise (a
 * projected layer that lost its .prj would be placed nowhere).
 *
 * Ownership: fl_places_open() returns a set the caller frees with
 * fl_places_free(); the places, their names and fields belong to the set.
 * The set keeps a pointer to its tracker (and uses its GEOS context while
 * it is opened), which must outlive it.  A diff (fl_places_diff_new) keeps
 * a pointer to its places, which must outlive it; its changes and their
 * event lists belong to it.  A weight made of places
 * (fl_weight_from_places) needs neither once made.
 */
#ifndef FRONTLINE_PLACES_H
#define FRONTLINE_PLACES_H

#include <stddef.h>
#include "frontline/features.h"
#include "frontline/tracker.h"
#include "frontline/weight.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_places fl_places;

typedef struct fl_place {
	double lon, lat;      /* WGS 84 */
	const char *name;     /* the layer's field `name` (in any case), NULL when it has none */
	long long fid;        /* the feature's id in the layer */
	int inside;           /* lies in the tracker's atoms */
	int region;           /* the region of its atom, FL_NONE outside (or outside regions) */
} fl_place;

/* Read the point layer `layer` of the GDAL source at path (NULL: its first
 * layer) and locate its points in t.  Refused, naming the file (and the
 * feature): a missing or unreadable file (FL_ENOTFOUND), an unknown layer
 * (FL_EARG), a layer that is not of points or a feature that is not a
 * point (FL_EINPUT), a point layer without CRS whose coordinates are not
 * longitude/latitude (FL_EINPUT). */
FL_API fl_status fl_places_open(const fl_tracker *t, const char *path, const char *layer,
				fl_places **out);
FL_API void fl_places_free(fl_places *p);
/* The path it was read from. */
FL_API const char *fl_places_path(const fl_places *p);
FL_API size_t fl_places_count(const fl_places *p);
/* Place i (NULL past the end). */
FL_API const fl_place *fl_places_at(const fl_places *p, size_t i);
/* The layer's own fields, in its order: their count, name j (NULL past the
 * end), and place i's value of field j as text (NULL when null or past
 * the end). */
FL_API size_t fl_places_field_count(const fl_places *p);
FL_API const char *fl_places_field_name(const fl_places *p, size_t j);
FL_API const char *fl_places_value(const fl_places *p, size_t i, size_t j);

/* The places a tracker comes with: `places.geojson` in its folder (malloc'd
 * path, the caller frees it with fl_free()), NULL when it has none. */
FL_API char *fl_tracker_places_path(const fl_tracker *t);

/* Who holds a place for a query (fl_query: instant, as-of, status). */
typedef struct fl_place_state {
	int holder;            /* actor index, FL_NONE when no one (or outside) */
	int event;             /* the latest event that applies to it, or FL_NONE */
	fl_instant since;      /* start of the holder's unbroken run (has_since) */
	int has_since;
	/* "confirmed", "claimed" or "disputed": the status of `event`; "none"
	 * when inside but no event applies yet; "outside" when the point lies
	 * outside the tracker (static strings) */
	const char *status;
	/* The holder depends on an event whose date admits a period that
	 * contains the instant (see snapshot.h): `holder` is the nominal one. */
	int uncertain;
} fl_place_state;

/* The state of every place under q into out[0, fl_places_count(p)) (the
 * caller's array).  q->holders is ignored. */
FL_API fl_status fl_places_state(const fl_places *p, const fl_query *q, fl_place_state *out);

/* Write the places with their layer's fields and holder, holder_name,
 * since, event, status and uncertain for q (a field of the layer with one
 * of those names is replaced) through GDAL: path NULL or "-" is stdout,
 * format a GDAL driver or short name or NULL (by extension; GeoJSON for
 * stdout).  A file is written whole or not at all. */
FL_API fl_status fl_places_write(const fl_places *p, const fl_query *q, const char *path,
				 const char *format);
FL_API fl_status fl_places_write_buffer(const fl_places *p, const fl_query *q,
					const char *format, unsigned char **buf, size_t *len);
/* The same GeoJSON as features (features.h), keyed by the place's `name`
 * (or its fid when it has none). */
FL_API fl_status fl_places_features(const fl_places *p, const fl_query *q, fl_features **out);

/* The places whose holder at t2 differs from their holder at t1 (q's
 * filters; q->at is ignored), t1 <= t2. */
typedef struct fl_place_change {
	size_t place;          /* index in the places */
	int from, to;          /* holders at t1 and t2 (FL_NONE: no one) */
	size_t nevents;        /* the events of (t1, t2] that changed its holder, */
	const int *events;     /* in the order they apply */
} fl_place_change;

typedef struct fl_places_diff fl_places_diff;
FL_API fl_status fl_places_diff_new(const fl_places *p, const fl_query *q, fl_instant t1,
				    fl_instant t2, fl_places_diff **out);
FL_API void fl_places_diff_free(fl_places_diff *d);
FL_API size_t fl_places_diff_count(const fl_places_diff *d);
/* Change i, in the order of the places (NULL past the end). */
FL_API const fl_place_change *fl_places_diff_at(const fl_places_diff *d, size_t i);
/* Write the changed places with their layer's fields and from, to, events
 * (ids, comma-separated) and dates (the events' dates, comma-separated),
 * as fl_places_write does. */
FL_API fl_status fl_places_diff_write(const fl_places_diff *d, const char *path,
				      const char *format);

/* The places as a weight of t (weight.h; for fl_stats_new_weighted): each
 * place counts 1 in its atom (field NULL; the weight is named "places"), or
 * the value of its numeric field `field` (null: 0; named "places_FIELD").
 * Places outside the tracker count for no one.  p must have been opened
 * with t.  An unknown field or one that is not an integer or real: FL_EARG,
 * naming the field and the file. */
FL_API fl_status fl_weight_from_places(const fl_tracker *t, const fl_places *p, const char *field,
				       fl_weight **out);

#ifdef __cplusplus
}
#endif
#endif
