/*
 * tilemeta.h: the tile set's metadata read back (tilemeta.c), for the tile
 * files' headers and metadata tables.  Private to the library.
 */
#ifndef FL_TILEMETA_H
#define FL_TILEMETA_H

#include "frontline/frontline.h"

/* What the metadata JSON of fl_tiles_metadata_json says, read back. */
typedef struct fl__tilemeta {
	char *json; /* the whole object, malloc'd */
	int minzoom, maxzoom, center_zoom;
	double bounds[4], center[2];
} fl__tilemeta;

fl_status fl__tilemeta_make(const fl_tracker *t, const fl_tile_opts *opts, fl__tilemeta *m);
void fl__tilemeta_free(fl__tilemeta *m);
/* The value of member key of the metadata's top-level object: a string
 * unescaped, anything else as written (an array, an object, a number);
 * NULL when absent.  malloc'd. */
char *fl__tilemeta_member(const fl__tilemeta *m, const char *key);

#endif
