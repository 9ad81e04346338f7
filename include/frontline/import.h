/*
 * import.h: turning a series of dated control polygons into a tracker.
 *
 * Each input is the area one actor holds on one date (one file per date, the
 * date read from the file name as YYYYMMDD or YYYY-MM-DD; or features dated by
 * a field).  The result is a folder tracker without regions whose change log
 * holds only what changed from one date to the next: on the first date the
 * whole extent (the union of every date's area) passes to `other` and that
 * date's area to `holder`; then each date's gains and losses are events.
 * Unchanged places are found by comparing the two boundaries segment by
 * segment, and only the boxes around changed segments are overlaid.
 *
 * The folder is written whole or not at all (built beside the target, then
 * renamed); an existing non-empty folder is refused.  Refusals name the
 * field or parameter in backquotes (`holder`, `date_field`, `out_dir`).
 *
 * Files of different statuses (file_status) make separate series in one
 * tracker, an assessed series and a claimed one beside it: each series is
 * imported on its own, its events carry its status, and the ids of the
 * series whose status is not `status` carry that status ("2024-07-09-
 * claimed-RU").  The folder also holds import-series.json: the options and
 * each series' days and first and last polygons, which fl_import_append
 * reads back.
 *
 * With `extent` (a GDAL polygon source, its features selected by
 * `extent_where`) the tracker covers that extent and every date's area:
 * `other` holds the ground of the extent outside a date's polygons, so
 * that the shares are of the whole territory, not of the union of the
 * polygons.  The daily polygons are never clipped to it (the tracker gives
 * back each date's polygon as read).  `actors` give the two actors' names
 * and colours; `attribution` is written as the "Attribution:" line of the
 * tracker's README.md, which `render` credits on every map.
 */
#ifndef FRONTLINE_IMPORT_H
#define FRONTLINE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "frontline/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The name and colour of an actor of the import (holder or other). */
typedef struct fl_import_actor {
	const char *id;          /* `holder` or `other` */
	const char *name;        /* NULL or "": the id */
	const char *color;       /* #rrggbb; NULL: the default (red holder, blue other) */
} fl_import_actor;

typedef struct fl_import_opts {
	const char *holder;      /* actor holding the area inside the polygons */
	const char *other;       /* actor holding the rest of the extent */
	const char *date_field;  /* NULL: dates from file names */
	const char *source;      /* NULL: each event cites its input file */
	fl_event_status status;  /* status of the imported events */
	/* called after each input file is read, when not NULL (files are read
	 * by several threads: the callback may run on any of them) */
	void (*progress)(size_t done, size_t total, void *userdata);
	void *userdata;
	/* the status of each input file, an fl_event_status or -1 for
	 * `status` (NULL: every file `status`); each status makes a series of
	 * its own */
	const int *file_status;
	/* fl_import_append: files without a status of their own go to the
	 * tracker's first series (`status` is not read) */
	bool status_unset;
	/* the territory: NULL for the union of every date's area; else a GDAL
	 * vector source whose polygons (its first layer's, those matching the
	 * OGR SQL filter extent_where when not NULL) and every date's area
	 * make it; `other` holds the extent outside each date's polygons */
	const char *extent;
	const char *extent_where;
	/* names and colours of holder and other in actors.csv */
	const fl_import_actor *actors;
	size_t nactors;
	/* the data's source and terms: the "Attribution:" line of the tracker's
	 * README.md (NULL: no README), credited on every map `render` draws
	 * (one line; its first sentence is what the map shows) */
	const char *attribution;
} fl_import_opts;

typedef struct fl_import_result {
	size_t dates;            /* dates read */
	size_t events;           /* events written */
	size_t repaired;         /* invalid inputs repaired with MakeValid */
} fl_import_result;

FL_API fl_status fl_import_series(const char *const *files, size_t nfiles, const fl_import_opts *o,
				  const char *out_dir, fl_import_result *result);

/* Add the days after the last date of each series to dir, a folder tracker
 * made by fl_import_series, so that it answers exactly as one import of all
 * the days would (the same events, the extents grown to match).  holder,
 * other, source, date_field, the extent, the actors and the attribution are
 * read back from the tracker: when given they must match it.  A date already in the series, or before its last
 * date, is refused (naming the file and the date), as is a status the
 * tracker has no series of.  The files are replaced under the writers'
 * lock, each whole (temporary file, fsync, rename: areas.geojson, then
 * events.csv, then import-series.json); on any error nothing is written. */
FL_API fl_status fl_import_append(const char *const *files, size_t nfiles, const fl_import_opts *o,
				  const char *dir, fl_import_result *result);

#ifdef __cplusplus
}
#endif
#endif
