/*
 * tilefile.h: the whole history as one tile file, for any static host or
 * tile server: PMTiles v3 (pmtiles.h) or MBTiles 1.3, of the tiles that
 * tiles.h makes, gzip-compressed, with the tile set's metadata
 * (fl_tiles_metadata_json: vector_layers, bounds, center, zoom levels,
 * attribution).  And a static web site around a PMTiles file.
 */
#ifndef FRONTLINE_TILEFILE_H
#define FRONTLINE_TILEFILE_H
#include "frontline/tiles.h"
#ifdef __cplusplus
extern "C" {
#endif

typedef enum fl_tile_format {
	FL_TILES_NONE = 0, /* not a tile format */
	FL_TILES_PMTILES,
	FL_TILES_MBTILES
} fl_tile_format;

/* The tile format format names ("pmtiles", "mbtiles", any case), or when
 * format is NULL that path's extension gives (.pmtiles, .mbtiles);
 * FL_TILES_NONE for anything else. */
FL_API fl_tile_format fl_tile_format_of(const char *path, const char *format);

/* Every non-empty tile of the whole history (every event; zoom levels as
 * fl_tiles_zooms chooses from opts, NULL = chosen from the data) written to
 * path in format (FL_TILES_NONE: from path's extension; neither: FL_EARG
 * naming path), whole or not at all (a temporary file beside it, renamed
 * over it).  PMTiles may also go to a stream (/dev/stdout, a pipe).  A
 * tracker without any tile: FL_EINPUT. */
FL_API fl_status fl_tiles_write(const fl_tracker *t, const fl_tile_opts *opts, const char *path,
				fl_tile_format format);

#ifdef __cplusplus
}
#endif
#endif
