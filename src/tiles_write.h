/*
 * tiles_write.h: the MBTiles writer (tiles_mbtiles.c), which tiles_write.c
 * calls.  Private to the library.
 */
#ifndef FL_TILES_WRITE_H
#define FL_TILES_WRITE_H

#include "frontline/frontline.h"
#include "frontline/tilefile.h"
#include "tilemeta.h"

/* MBTiles through GDAL's SQLite driver (tiles_mbtiles.c). */
fl_status fl__mbtiles_write(const fl_tracker *t, const fl_tile_opts *opts, const fl__tilemeta *m,
			    const char *path);

#endif
