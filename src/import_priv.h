/*
 * import_priv.h: the steps of import-series (import.c): reading the dated
 * polygons (import_read.c), the actors' names and colours (import_actors.c)
 * and writing the tracker (import_write.c).
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

/* The territory given to the import (fl_import_opts.extent): its polygons
 * in WGS 84, repaired, unioned on the grid; and what the extent's event
 * names as its source. */
typedef struct fl__territory {
	GEOSGeometry *geom; /* NULL: the union of every date's area only */
	char *desc;         /* "FILE" or "FILE where FILTER" (FILE's base name) */
} fl__territory;
/* The polygons of the first layer of path (those matching the OGR SQL
 * filter `where` when not NULL) into *t; refusals name `extent` or
 * `extent_where` and the file. */
fl_status fl__import_read_extent(GEOSContextHandle_t h, const char *path, const char *where,
				 fl__territory *t);
void fl__territory_free(GEOSContextHandle_t h, fl__territory *t);

/* ---- import.c ---- */
/* One event of the new tracker, its polygon in areas.geojson. */
typedef struct fl__import_ev {
	char id[96];
	char date[16];
	const char *to, *from, *kind, *source;
	fl_event_status status;
	int series;         /* index in the import's series */
	int cls;            /* 0 the extent, 1 the baseline, 2 a day's change */
	GEOSGeometry *area; /* owned */
} fl__import_ev;

/* One series of the import: the files of one status (an assessed series,
 * a claimed one beside it).  Its events' ids carry `tag` ("" for the
 * series of the import's own status, else "claimed-" and the like) so that
 * two series never share an id. */
typedef struct fl__series {
	fl_event_status status;
	char tag[16];
	const char **files;
	size_t nfiles;
	/* its days: the first and last day's polygons as read (the state that
	 * --append continues from), the dates and files of every day */
	GEOSGeometry *first, *last;
	char **days; /* CSL of "DATE FILE" */
} fl__series;

/* The date part of fl__series.days[i] ("DATE FILE"): the first 10 bytes. */

/* The extent of a series: the union of the territory (when not NULL) and
 * its gains (in date order; taken) less its first day's area, on the grid;
 * *out NULL when empty. */
fl_status fl__import_extent(GEOSContextHandle_t h, const GEOSGeometry *territory, GEOSGeometry **gains,
			    size_t ngains, const GEOSGeometry *first, GEOSGeometry **out);
/* The source cited by a series' extent event (malloc'd; NULL when out of
 * memory). */
char *fl__import_extent_source(const fl__territory *t);
/* The events of dates d[from, nd) of a series (d[from - 1] the day before
 * when from > 0; else d[0] becomes the baseline), appended to *evs; the
 * gains, copied, also to gains[] (room for nd). */
fl_status fl__import_series_events(GEOSContextHandle_t h, const fl_import_opts *o, const fl__series *s,
				   int si, fl__dated *d, size_t nd, size_t from, fl__import_ev **evs,
				   size_t *nev, size_t *ecap, GEOSGeometry **gains, size_t *ngains,
				   size_t *repaired);
/* Read the files of one series into its dates (time order). */
fl_status fl__import_read_dates(GEOSContextHandle_t h, const char *const *files, size_t nfiles,
				const fl_import_opts *o, fl__dated **d, size_t *nd);
void fl__import_free_dates(GEOSContextHandle_t h, fl__dated *d, size_t nd);
/* An event of date `date` with id date-tag-what-to. */
fl__import_ev fl__import_new_ev(const char *date, const char *tag, const char *what, const char *to,
				const char *from, const char *kind, const char *source,
				GEOSGeometry *area);
/* The order of events in events.csv: every series' extent, every series'
 * baseline, then by date (each date's series in order). */
void fl__import_sort(fl__import_ev *evs, size_t nev);

/* ---- import_actors.c ---- */
/* The name and colour actors.csv gives actor id (the holder or the other). */
void fl__import_actor(const fl_import_opts *o, const char *id, const char **name, const char **color);
/* The checks of `actors` and `attribution` (import and append alike). */
fl_status fl__import_check_names(const fl_import_opts *o);

/* ---- import_write.c ---- */
/* Write the tracker (actors.csv, events.csv, areas.geojson and the state
 * file of --append) into a folder beside out_dir, then rename it into place;
 * nothing left behind on failure. */
fl_status fl__import_write(GEOSContextHandle_t h, const char *out_dir, const fl_import_opts *o,
			   const fl__import_ev *evs, size_t nev, const fl__series *ser, size_t nser,
			   const fl__territory *ter);
/* The events' polygons as the lines of areas.geojson's features array
 * (each a feature, no comma), in a CSL list (NULL on failure). */
char **fl__import_area_lines(GEOSContextHandle_t h, const fl__import_ev *evs, size_t nev);
/* The row of one event under the header cols, by the folder's CSV rule. */
fl_status fl__import_event_row(const fl__import_ev *e, char **cols, const char *eol, char **buf,
			       size_t *len, size_t *cap);

/* ---- import_state.c ---- */
/* The state file of a tracker made by import-series: what --append reads
 * back (the options, each series' days and its first and last polygons). */
#define FL__IMPORT_STATE "import-series.json"
/* The state file's text (malloc'd, NULL on failure). */
char *fl__import_state_text(GEOSContextHandle_t h, const fl_import_opts *o, const fl__series *ser,
			    size_t nser, const fl__territory *ter, size_t *len);
/* Read it back: the options (strings malloc'd into *o: holder, other,
 * source, date_field, attribution, actors), the series (each's first,
 * last, days) and the territory. */
fl_status fl__import_state_read(GEOSContextHandle_t h, const char *path, fl_import_opts *o,
				fl__series **ser, size_t *nser, fl__territory *ter);
void fl__import_state_free(GEOSContextHandle_t h, fl_import_opts *o, fl__series *ser, size_t nser,
			   fl__territory *ter);

/* ---- import_append.c, import_rewrite.c ---- */
/* An append: the tracker's options and series, and what the new days add. */
typedef struct fl__append_job {
	const char *dir;
	fl_import_opts so; /* the tracker's options */
	fl__territory ter; /* and its territory */
	char *esrc;        /* the source its extents cite */
	fl__series *ser;
	size_t nser;
	fl__import_ev *evs; /* the new rows: new extents (cls 0) first, then the days */
	size_t nev, ecap;
	fl__import_ev *ext; /* grown extents, one slot per series (area NULL: unchanged) */
	size_t dates, repaired;
	GEOSGeometry **newlast;
	char ***newdays; /* per series: CSL of the new days */
} fl__append_job;
/* areas.geojson (at path) with the grown extents in place and the new
 * features where one import would have written them (malloc'd). */
fl_status fl__append_areas(GEOSContextHandle_t h, fl__append_job *j, const char *path, char **out,
			   size_t *outlen);
/* events.csv (at path) with the new rows where one import would have
 * written them, the old records kept byte for byte (malloc'd). */
fl_status fl__append_events(fl__append_job *j, const char *path, char **out, size_t *outlen);

#endif
