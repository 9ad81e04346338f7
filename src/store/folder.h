/*
 * store/folder.h: writing a folder tracker (folder.c): appending an event
 * under the writers' lock, and the CSV files of a new tracker.  Private to
 * the library.
 */
#ifndef FL_STORE_FOLDER_H
#define FL_STORE_FOLDER_H

#include <sys/stat.h>
#include "store.h"
#include <geos_c.h>

/* A folder being appended to, between fl__folder_begin and fl__folder_end. */
typedef struct fl__folder_writer {
	const char *dir;
	char *events, *areas; /* the layers' files (areas NULL while there is none) */
	int fd;               /* events, locked */
	struct stat evst, arst;
	bool have_areas;
} fl__folder_writer;

/* Lock the folder's events file (waiting for other writers) and check that
 * it, and with_area its areas file, may be replaced.  On failure nothing is
 * held. */
fl_status fl__folder_begin(const char *dir, bool with_area, fl__folder_writer *w);
/* Append the event (and its polygon, area, when not NULL, named in messages
 * by what): areas first, then events, each replaced whole. */
fl_status fl__folder_append(fl__folder_writer *w, const fl__event_row *e, GEOSContextHandle_t h,
			    const GEOSGeometry *area, const char *what);
/* Release the lock; when st is FL_OK, fsync the folder first.  Returns st
 * or the fsync's failure. */
fl_status fl__folder_end(fl__folder_writer *w, fl_status st);

/* The file of layer `name` in a new folder: dir/name.EXT, EXT the layer's
 * first extension (malloc'd; NULL when memory runs out). */
char *fl__folder_new_file(const char *dir, const char *name);
/* Write the file of table layer `name` (CSV) of a new tracker in dir: the
 * header cols, then nrows records of ncols cells (row by row), by the
 * folder's CSV rule; flushed to disk before it returns. */
fl_status fl__folder_write_table(const char *dir, const char *name, const char *const *cols,
				 size_t ncols, const char *const *cells, size_t nrows);

/* The column names of a CSV text's header (its first record; a UTF-8 BOM
 * and the quotes of a quoted name left out): a GDAL string list (CSLDestroy). */
char **fl__csv_header_names(const char *buf);

#endif
