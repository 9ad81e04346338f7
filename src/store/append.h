/*
 * store/append.h: the store's side of `record` (append.c): hold the
 * tracker against other writers, answer what the checks ask of the stored
 * rows, append the event, commit.  Private to the library.
 *
 *   fl__append *a;
 *   st = fl__append_begin(path, with_area, &a);   (nothing held on failure)
 *   ... open the tracker, check the event, fl__append_area_ids(a),
 *       fl__append_polygon(a, ...) ...
 *   if (!st) st = fl__append_event(a, &row, h, area, what);
 *   st = fl__append_end(a, st);                   (commits when st is FL_OK)
 */
#ifndef FL_STORE_APPEND_H
#define FL_STORE_APPEND_H

#include "store.h"
#include <geos_c.h>

typedef struct fl__append fl__append;

/* Take the writers' lock of the tracker at path (a folder, a GeoPackage or
 * a PG: connection) and make it ready to write; with_area, when the event
 * brings a polygon, also checks that the areas file may be replaced. */
fl_status fl__append_begin(const char *path, bool with_area, fl__append **out);
/* The ids of the areas layer (a CSL list, NULL when none). */
char **fl__append_area_ids(const fl__append *a);
/* The polygon of event eid as stored: its `area` reference in the events
 * layer, then that feature of the areas layer (NULL when not found). */
GEOSGeometry *fl__append_polygon(const fl__append *a, GEOSContextHandle_t h, const char *eid);
/* Write the event, and its polygon when area is not NULL (what names the
 * polygon's source in messages). */
fl_status fl__append_event(fl__append *a, const fl__event_row *e, GEOSContextHandle_t h,
			   const GEOSGeometry *area, const char *what);
/* Commit when st is FL_OK (else leave the tracker as it was), release the
 * lock and free a.  Returns st or the commit's failure. */
fl_status fl__append_end(fl__append *a, fl_status st);

#endif
