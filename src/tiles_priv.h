/*
 * tiles_priv.h: the parts of the vector tile encoder (tiles.h): the tileset
 * (tiles.c), the geometry of a tile (tiles_geom.c), the MVT messages
 * (tiles_mvt.c).
 * Private to the library.
 */
#ifndef FL_TILES_PRIV_H
#define FL_TILES_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* Web Mercator: the half width of the world in metres, and the extent and
 * buffer of a tile in its own units. */
#define FL__MERC_HALF 20037508.342789244
#define FL__TILE_EXTENT 4096
#define FL__TILE_BUFFER 64

enum { FL__TL_CONTROL, FL__TL_ZONES, FL__TL_PLACES };

/* One feature a tileset draws from: a period, a zone or a place. */
typedef struct fl__tfeat {
	GEOSGeometry *geom;   /* in Web Mercator metres; owned by the tileset */
	double box[4];        /* its envelope: min x, min y, max x, max y */
	int layer;            /* FL__TL_CONTROL, FL__TL_ZONES or FL__TL_PLACES */
	size_t idx;           /* the period (tileset's per), the zone or the place */
	fl_instant from, to;  /* shown over [from, to); to INT64_MAX while open */
} fl__tfeat;

struct fl_tileset {
	const fl_tracker *t;
	GEOSContextHandle_t geos; /* the tileset's own, for its geometries */
	fl_period *per;           /* the periods (control.h), their geometry dropped */
	size_t nper;
	fl__tfeat *f;             /* periods first, then zones, then places */
	size_t n;
	fl_places *places;        /* the tracker's places (NULL: none) */
	long pop_f, rank_f;       /* their fields POP_MAX and SCALERANK, -1: none */
	fl_query q;               /* the filters, for the places' holders at a date */
};

/* A growing array of command integers. */
typedef struct fl__u32s {
	uint32_t *v;
	size_t n, cap;
} fl__u32s;

/* A point of a tile's grid, and a growing list of them. */
typedef struct fl__pt {
	int64_t x, y;
} fl__pt;
typedef struct fl__pts {
	fl__pt *v;
	size_t n, cap;
} fl__pts;

/* ---- tiles_snap.c: snap rounding ---- */
/* The hot points of a tile: a set of grid points (zero it to start). */
typedef struct fl__hot {
	uint64_t *slot;
	size_t n, cap;
} fl__hot;
/* v in tile units rounded to the grid (halves up). */
int64_t fl__round_unit(double v);
/* Nonzero when memory runs out. */
int fl__hot_add(fl__hot *hs, int64_t x, int64_t y);
void fl__hot_free(fl__hot *hs);
/* Segment p-q (tile units) snap-rounded: p's grid point, then the hot
 * points whose unit squares the segment crosses before q's, in order,
 * appended to o (q's is the next segment's start).  Nonzero when memory
 * runs out. */
int fl__snap_segment(const fl__hot *hs, double px, double py, double qx, double qy, fl__pts *o);

/* ---- tiles_geom.c ---- */
/* lon/lat in degrees to Web Mercator metres (latitudes clamped to the
 * square world, ±85.0511°). */
void fl__merc(double lon, double lat, double *x, double *y);
/* A copy of g (points, lines, polygons or collections of them, lon/lat) in
 * Web Mercator; NULL on failure. */
GEOSGeometry *fl__geom_merc(GEOSContextHandle_t h, const GEOSGeometry *g);
/* The bounds of tile z/x/y in metres: min x, min y, max x, max y. */
void fl__tile_bounds(int z, int x, int y, double b[4]);
/* g (metres) cut to tile b (its bounds in metres) and its buffer: 1 with
 * *out the part (NULL when g lies inside: use g), 0 when g misses the
 * tile, -1 on failure. */
int fl__tile_clip(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4],
		  GEOSGeometry **out);
/* Add the grid points of g's vertices (metres, in tile b) to hs; nonzero
 * when memory runs out. */
int fl__tile_hot(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4], fl__hot *hs);
/* The geometry commands of g (metres, cut to tile b), snap-rounded to the
 * grid with the tile's hot points: appended to out, with *type the MVT
 * geometry type (1 point, 3 polygon).  1 when something is left, 0 when
 * nothing is, -1 on failure (GEOS or memory). */
int fl__tile_geom(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4],
		  const fl__hot *hs, fl__u32s *out, int *type);

/* ---- tiles_meta.c ---- */
/* The envelope of the tracker's regions (of its atoms when it has none),
 * lon/lat: min lon, min lat, max lon, max lat; false when none has a
 * geometry. */
bool fl__tiles_bounds(const fl_tracker *t, double box[4]);
/* The index of p's field `name` (in any case), -1 when it has none. */
long fl__places_field(const fl_places *p, const char *name);

/* ---- tiles_mvt.c: a tile being built ---- */
typedef struct fl__mvt fl__mvt;
fl__mvt *fl__mvt_new(void);
void fl__mvt_free(fl__mvt *m);
/* Start a layer (extent 4096, version 2); its features follow. */
int fl__mvt_layer(fl__mvt *m, const char *name);
/* Start a feature of the current layer with these geometry commands
 * (copied); its properties follow.  Nonzero when memory runs out (every
 * call here: then the tile is abandoned). */
int fl__mvt_feature(fl__mvt *m, int type, const uint32_t *geom, size_t n);
int fl__mvt_str(fl__mvt *m, const char *key, const char *v);
int fl__mvt_int(fl__mvt *m, const char *key, int64_t v);
int fl__mvt_bool(fl__mvt *m, const char *key, bool v);
int fl__mvt_double(fl__mvt *m, const char *key, double v);
/* The tile's bytes (malloc'd), its empty layers left out; *buf NULL and
 * *len 0 when it has no feature. */
fl_status fl__mvt_pack(fl__mvt *m, unsigned char **buf, size_t *len);

#endif
