/*
 * index.h: the persistent index: a tracker saved in one file that is mapped
 * read-only when it matches the sources (its key and layout: index.c;
 * index_read.c, index_write.c).
 * Private to the library.
 */
#ifndef FL_INDEX_H
#define FL_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include "frontline/frontline.h"

/* The key of a tracker's sources: paths, sizes and modification times. */
uint64_t fl__sources_key(const char *path);
/* The first bytes of an index (index.c). */
extern const char fl__index_magic[8];
/* Where the index of the tracker at path lives (malloc'd), NULL when it
 * has none (a PG: store). */
char *fl__index_path(const char *path);
/* Fill a new tracker (path, geos, geod set) from the index when it matches
 * the sources (index_read.c); FL_ENOTFOUND when there is none or it is
 * stale. */
fl_status fl__index_load(fl_tracker *t);
/* Release the index's mapping (fl_tracker_free). */
void fl__index_unmap(fl_tracker *t);
/* Whether a tracker is big enough for an index to pay. */
bool fl__index_worth(const fl_tracker *t);
/* Save it (index_write.c; best effort: a read-only folder just has no index). */
void fl__index_save(const fl_tracker *t);

#endif
