/*
 * types.h: what every part of the public API shares.
 *
 * The export macro (FL_API: only the names it marks are exported from the
 * shared library), the status every fallible call returns, the instant, the
 * query that every map-making call takes (instant and filters), the grouping
 * of a map's pieces, and fl_free() for memory the library hands over.  Every
 * other public header includes this one; frontline.h includes them all.
 *
 * Naming: a collection X (a snapshot, a diff, a series, a report) is read
 * with fl_X_count() and fl_X_at(i); a named collection Y inside X with
 * fl_X_Y_count() and fl_X_Y_at(i); the geometry of item i with fl_X_wkb().
 * fl_X_at(i) gives NULL when i >= fl_X_count().  Pointers they return
 * belong to X and live as long as it does (each header's Ownership note).
 */
#ifndef FRONTLINE_TYPES_H
#define FRONTLINE_TYPES_H

#include <stddef.h>
#include <stdint.h>

#if defined(FL_BUILDING_LIBRARY) && defined(__GNUC__)
#define FL_API __attribute__((visibility("default")))
#else
#define FL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible call returns one of these (FL_OK == 0); on failure
 * fl_error_last() (error.h) says why. */
typedef enum fl_status {
	FL_OK = 0,
	FL_EINPUT = 1,   /* bad input data: a file's content is wrong */
	FL_EARG = 2,     /* bad parameter from the caller */
	FL_ENOTFOUND = 3,/* a file, id or feature does not exist */
	FL_EIO = 4,      /* reading or writing failed */
	FL_ENOMEM = 5,   /* out of memory */
	FL_EGEOM = 6,    /* a geometry operation failed */
	FL_ELOCK = 7     /* a lock could not be taken */
} fl_status;

/* Seconds since 1970-01-01T00:00:00Z (date.h parses and formats them). */
typedef int64_t fl_instant;

/* What a map-making call (snapshot, diff, stats, periods, render, export)
 * is asked: the instant and the filters.  The holders array is read during
 * the call only; the caller keeps it. */
typedef struct fl_query {
	fl_instant at;          /* the instant of the map */
	int has_as_of;          /* replay only events recorded by as_of */
	fl_instant as_of;
	int confirmed_only;     /* leave out claimed and disputed events */
	const int *holders;     /* snapshots: keep only territory held by these actors */
	size_t nholders;        /* (actor indices; 0 = every holder; read during the call) */
} fl_query;

/* A query for instant `at` with no other filter. */
FL_API fl_query fl_query_at(fl_instant at);

/* How the pieces of a map are grouped. */
typedef enum fl_group {
	FL_BY_REGION = 0,  /* one piece per region and holder */
	FL_BY_ACTOR = 1    /* one piece per holder, dissolved (the area not held is
			    * left out, but when nothing is held, before the first
			    * event, it is the one piece, holder FL_NONE) */
} fl_group;

/* Free memory the library handed to the caller (the _buffer outputs). */
FL_API void fl_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
