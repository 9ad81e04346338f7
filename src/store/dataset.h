/*
 * store/dataset.h: appending an event to a GeoPackage or PostGIS tracker
 * (dataset.c).  Private to the library.
 */
#ifndef FL_STORE_DATASET_H
#define FL_STORE_DATASET_H

#include "store.h"
#include <geos_c.h>

/* A dataset being appended to, between fl__dataset_begin and
 * fl__dataset_end: open for update, inside a transaction. */
typedef struct fl__dataset_writer {
	const char *path;
	void *ds;   /* GDALDatasetH */
	int lockfd; /* a GeoPackage's file, locked; -1 for PostGIS */
	bool pg;
} fl__dataset_writer;

/* Open the tracker at path for update, serialised with other writers (a
 * GeoPackage: flock() of its file; PostGIS: an advisory lock taken inside
 * the transaction), and start the transaction.  On failure nothing is
 * held. */
fl_status fl__dataset_begin(const char *path, bool pg, fl__dataset_writer *w);
/* Add the event, and its polygon (area, when not NULL) to the areas layer,
 * adding the layer and the columns it needs. */
fl_status fl__dataset_append(fl__dataset_writer *w, const fl__event_row *e, GEOSContextHandle_t h,
			     const GEOSGeometry *area);
/* Commit when st is FL_OK, else roll back; close and release the lock.
 * Returns st or the commit's failure. */
fl_status fl__dataset_end(fl__dataset_writer *w, fl_status st);

#endif
