/*
 * tiles.h: the whole history as Mapbox Vector Tiles (specification 2.1), in
 * the WebMercatorQuad tiling (EPSG:3857, tile 0/0/0 the whole world, y down
 * from the north).
 *
 * Each tile has up to three layers, extent 4096:
 *   control  the time-enabled periods (control.h): one feature per period
 *            that meets the tile, its polygon clipped to the tile and a
 *            buffer of 64 units around it.  Properties:
 *              holder, holder_name      the actor's id and name (contested
 *                                       ground: its own id "contested:AM+AZ")
 *              color                    "#rrggbb", when the actor has one
 *              contested                its parties "AM;AZ" (contested only)
 *              region, region_name      absent for pieces outside regions
 *              event, status, kind      the event that began the period
 *              partial, uncertain       booleans (uncertain: see fl_period)
 *              valid_from, valid_to     seconds since 1970-01-01T00:00:00Z
 *              valid_from_day,          whole days since 1970-01-01 in the
 *              valid_to_day             tracker's time zone
 *            A feature shows at instant T when valid_from <= T < valid_to
 *            (days: valid_from_day <= D < valid_to_day).  A current period
 *            (no end) has valid_to = valid_to_day = FL_TILES_OPEN_END, the
 *            largest integer a JavaScript number holds exactly, so that a
 *            style compares it like any other.
 *   zones    the tracker's zones (id, name, actor, kind, approximate,
 *            valid_from/valid_to and the _day values as above).
 *   places   the tracker's places (places.h: places.geojson in its folder;
 *            a tracker without it has no such layer, in the tiles or in
 *            vector_layers): one point feature per place within the
 *            envelope of the tracker's regions (the metadata's bounds),
 *            in the one tile whose own extent holds it (not repeated in
 *            the buffers of its neighbours), at every zoom of the set (the
 *            style may filter by scalerank; no zoom is chosen here).
 *            Properties:
 *              name                     the layer's field `name` (any case:
 *                                       NAME), when it has one
 *              pop_max, scalerank       the layer's POP_MAX and SCALERANK
 *                                       as numbers, when present and numeric
 *              holder, holder_name      only in the tiles of a date (at not
 *                                       NULL): who holds it then (the filters
 *                                       of fl_tileset_new), absent when no one
 *            The whole history's places carry no periods: a place's holder
 *            on a day is that of the control piece under it.
 *
 * Geometry: each tile is cut to its bounds and a buffer of 64 units, and
 * its coordinates are snap-rounded to the tile's integer grid: every grid
 * point a vertex of the tile rounds to is "hot", and each edge is drawn
 * through the hot points it passes within half a unit of, the same way in
 * every piece that has the edge.  Pieces of the history meet along shared
 * edges with the same vertices (the atoms' coverage), so the pieces shown
 * at any instant leave no gaps and do not overlap, at any zoom; rounded
 * edges may collapse onto each other (a piece thinner than the grid
 * vanishes into its neighbours' edges) but never cross.  Repeated vertices
 * and vertices exactly in line with their neighbours are then dropped:
 * rounding to the grid of each zoom (1/4096 of the tile) is the
 * simplification per zoom.  Polygons are wound as the specification says
 * (exterior rings clockwise on screen, y down).
 *
 * Ownership: fl_tileset_new() returns a set the caller frees with
 * fl_tileset_free(); the tracker must outlive it (its places are read
 * when the set is made: a places.geojson that cannot be read fails
 * fl_tileset_new, naming the file).  fl_tileset_tile()
 * reads the tracker's actors, regions and events (the set has its
 * geometries and a GEOS context of its own): one call at a time, as on the
 * tracker.  Tile bytes (*buf) are malloc'd for the
 * caller (free with fl_free); the bytes fl_tiles_each() passes to its
 * callback belong to the call and are gone when the callback returns.
 * MVT bytes are never compressed here: a container (PMTiles, MBTiles) or an
 * HTTP server gzips them.
 */
#ifndef FRONTLINE_TILES_H
#define FRONTLINE_TILES_H
#include <stddef.h>
#include "frontline/control.h"
#ifdef __cplusplus
extern "C" {
#endif

/* valid_to and valid_to_day of a period without end: 2^53 - 1. */
#define FL_TILES_OPEN_END 9007199254740991LL
/* The highest zoom fl_tiles_zooms() chooses, and the highest accepted. */
#define FL_TILES_MAX_ZOOM 14
#define FL_TILES_LIMIT_ZOOM 24

typedef struct fl_tile_opts {
	/* The zoom levels to make, 0 <= minzoom <= maxzoom <= 24.  Both 0:
	 * chosen from the data (fl_tiles_zooms). */
	int minzoom, maxzoom;
} fl_tile_opts;

/* The zoom levels opts asks for: as given, or when both are 0, minzoom 0 and
 * maxzoom the first zoom at which (a) the median edge of the regions'
 * polygons (of the atoms, for a tracker without regions) is at least one
 * unit of the tile's 4096 (beyond it, tiles add no detail the data has;
 * clients overzoom) and (b) the smallest region spans at least 1/16 of a
 * tile (about 16 pixels), whichever is higher, at most FL_TILES_MAX_ZOOM.
 * FL_EARG for out-of-range or crossed zooms. */
FL_API fl_status fl_tiles_zooms(const fl_tracker *t, const fl_tile_opts *opts, int *minzoom,
				int *maxzoom);

/* What tiles are made from: the tracker's periods (filters as for
 * fl_periods_new: as-of and status; NULL = every event), zones and places,
 * projected to Web Mercator once. */
typedef struct fl_tileset fl_tileset;
FL_API fl_status fl_tileset_new(const fl_tracker *t, const fl_query *filters, fl_tileset **out);
FL_API void fl_tileset_free(fl_tileset *ts);
/* Tile z/x/y (0 <= x, y < 2^z, z <= FL_TILES_LIMIT_ZOOM, else FL_EARG) as
 * MVT bytes: at NULL, the whole history (every period that meets the tile);
 * else the pieces of the snapshot at *at (the periods with valid_from <= *at
 * < valid_to) and the zones valid then.  An empty tile is *buf = NULL,
 * *len = 0 and FL_OK. */
FL_API fl_status fl_tileset_tile(const fl_tileset *ts, const fl_instant *at, int z, int x,
				 int y, unsigned char **buf, size_t *len);

/* One tile, without keeping a tileset: q NULL = the whole history, else the
 * snapshot at q->at (with q's as-of and status filters).  For many tiles,
 * make a tileset once. */
FL_API fl_status fl_tile_mvt(const fl_tracker *t, const fl_query *q, int z, int x, int y,
			     unsigned char **buf, size_t *len);

/* Called for each non-empty tile; a nonzero return stops the walk:
 * fl_tiles_each then fails with that value when it is an fl_status error
 * code (FL_EIO for a failed write, say), else with FL_EIO, and the message
 * "stopped by the callback at tile z/x/y". */
typedef int (*fl_tile_fn)(void *ud, int z, int x, int y, const unsigned char *mvt, size_t len);

/* Every non-empty tile of the zooms opts asks for (fl_tiles_zooms), of the
 * whole history (q NULL) or of the snapshot at q->at, in this order: zoom
 * ascending, then x ascending, then y ascending.  (A PMTiles writer sorts
 * by tile id itself.) */
FL_API fl_status fl_tiles_each(const fl_tracker *t, const fl_query *q, const fl_tile_opts *opts,
			       fl_tile_fn cb, void *ud);

/* The tile set's description as one JSON object (TileJSON 3.0 members, as
 * PMTiles and MBTiles metadata carry them):
 *   {"name", "description", "attribution" (fl_tracker_attribution, omitted
 *    when none), "format":"pbf", "minzoom", "maxzoom",
 *    "bounds":[w,s,e,n] (degrees), "center":[lon,lat,zoom],
 *    "vector_layers":[{"id","description","minzoom","maxzoom",
 *                      "fields":{name:"String"|"Number"|"Boolean"}}]}
 * (vector_layers: control, zones, and places when the tracker has places,
 * with the fields its file has; an unreadable places.geojson: NULL)
 * malloc'd, NUL-terminated (free with fl_free); NULL on failure (the
 * error in fl_error_last). */
FL_API char *fl_tiles_metadata_json(const fl_tracker *t, const fl_tile_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
