/*
 * import_priv.h: the steps of import-series (import.c): reading the dated
 * polygons (import_read.c) and writing the tracker (import_write.c).
 * Private to the library.
 */
#ifndef FL_IMPORT_PRIV_H
#define FL_IMPORT_PRIV_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* The polygons of one date. */
typedef struct fl__dated {
	fl_instant when;
	char date[16];
	const char *file;      /* for messages and sources */
	GEOSGeometry *geom;    /* union of the date's polygons, or NULL while reading */
	GEOSGeometry **parts;
	size_t nparts, cap;
} fl__dated;

/* ---- import_read.c ---- */
/* qsort order of dates: by instant. */
int fl__dated_cmp(const void *a, const void *b);
/* Add polygon g (taken) to the parts of date d. */
fl_status fl__dated_add_part(fl__dated *d, GEOSGeometry *g);
/* The date `date` of v[0, n), added (first read from file) when new; NULL
 * when out of memory. */
fl__dated *fl__dated_find(fl__dated **v, size_t *n, size_t *cap, const char *date, const char *file);
/* Read the polygons of one file into the dates they belong to (by date_field,
 * or the date in the file's name when it is NULL). */
fl_status fl__import_read_file(GEOSContextHandle_t h, const char *path, const char *date_field,
			       fl__dated **v, size_t *n, size_t *cap);
/* Union of the parts, repaired when invalid (*repaired counts it). */
fl_status fl__import_finish_date(GEOSContextHandle_t h, fl__dated *d, size_t *repaired);

/* ---- import_write.c ---- */
/* One event of the new tracker, its polygon in areas.geojson. */
typedef struct fl__import_ev {
	char id[48];
	char date[16];
	const char *to, *from, *kind, *source;
	GEOSGeometry *area; /* owned */
} fl__import_ev;
/* Write the tracker (actors.csv, events.csv, areas.geojson) into a folder
 * beside out_dir, then rename it into place; nothing left behind on
 * failure. */
fl_status fl__import_write(GEOSContextHandle_t h, const char *out_dir, const fl_import_opts *o,
			   const fl__import_ev *evs, size_t nev);

#endif
