/*
 * internal.h: the library's private structures and helpers, shared by the
 * files of src/ and never installed.
 *
 * The in-memory tracker keeps the public structs (fl_actor, fl_region, ...)
 * inside larger private ones that add geometry and bookkeeping.  The engine
 * works on atoms: the faces of the overlay of every region and every event
 * polygon.  Each atom has one geodesic area and a timeline (the events that
 * touch it, in the order they apply), so that a snapshot is a binary search
 * per atom and an area series needs no geometry work at all.  When no event
 * carries a polygon, the atoms are exactly the regions.
 */
#ifndef FL_INTERNAL_H
#define FL_INTERNAL_H

#define FL_BUILDING_LIBRARY 1
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <geos_c.h>
#include "fl_config.h"
#include "frontline/frontline.h"

/* ---- errors (error.c) ---- */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
fl_status fl__fail(fl_status st, const char *fmt, ...);
#ifdef __clang_analyzer__
/* fl__fail returns its first argument: tell clang-tidy's analyzer, which
 * cannot see into error.c, so that `st = fl__fail(FL_ENOMEM, ...)` is known
 * to stop the loops guarded by `!st`. */
#define fl__fail(st, ...) (fl__fail((st), __VA_ARGS__), (st))
#endif

/* Warnings of an output (error.c; fl_warning_count/fl_warning_at) */
void fl__warnings_clear(void);
void fl__warn(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* ---- small utilities (util.c) ---- */
char *fl__strdup(const char *s);
char *fl__printf(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
void *fl__grow(void *ptr, size_t *cap, size_t need, size_t elem);
/* A 64-bit finaliser that spreads every input bit (hash tables, keys). */
uint64_t fl__mix64(uint64_t x);
/* FNV-1a of a string (id maps, the index's string table). */
uint64_t fl__hash_str(const char *s);

/* ---- dates (date.c) ---- */
/* The end of the 31 December before t's UTC year; *year (may be NULL) its year. */
fl_instant fl__year_start(fl_instant t, int64_t *year);

/* ---- UTF-8 (utf8.c) ---- */
/* The offset of the first byte of s[0, n) that does not start a well-formed
 * UTF-8 sequence (overlongs, surrogates and code points above U+10FFFF are
 * refused), or SIZE_MAX when all of it is UTF-8. */
size_t fl__utf8_invalid_at(const char *s, size_t n);
/* Whether the string is UTF-8 (NULL is). */
bool fl__utf8_valid(const char *s);

/* ---- why GDAL could not open a path (gdal_open.c) ---- */
/* GDAL's last message, else what the file system says about path (no such
 * file, permission denied, format not recognised...), written to buf. */
const char *fl__gdal_open_reason(const char *path, char *buf, size_t len);

/* ---- diagnostics (diag.c): problems found while loading or checking ---- */
typedef enum fl__severity { FL__WARNING, FL__ERROR } fl__severity;
typedef struct fl__diag {
	fl__severity severity;
	char *file;
	int line;      /* 0 when not about a line */
	char *field;   /* may be NULL */
	char *message;
} fl__diag;
typedef struct fl__diags {
	fl__diag *v;
	size_t n, cap;
	size_t nerrors;
} fl__diags;
void fl__diags_add(fl__diags *d, fl__severity sev, const char *file, int line,
		   const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;
void fl__diags_free(fl__diags *d);
/* "file:line: field 'f': message" */
char *fl__diag_text(const fl__diag *g);

/* ---- geometry helpers (geo.c) ---- */
typedef struct fl__geod {
	double a, f; /* WGS 84 ellipsoid, read from PROJ's database */
} fl__geod;
fl_status fl__geod_init(fl__geod *g);
/* Geodesic area in km² of a (multi)polygon in lon/lat. */
double fl__geod_area_km2(const fl__geod *g, GEOSContextHandle_t h, const GEOSGeometry *geom);
GEOSContextHandle_t fl__geos_new(void);
/* ISO WKB of a geometry, malloc'd. */
unsigned char *fl__geos_to_wkb(GEOSContextHandle_t h, const GEOSGeometry *g, size_t *len);
GEOSGeometry *fl__geos_from_wkb(GEOSContextHandle_t h, const unsigned char *wkb, size_t len);
/* Union of geometries that form a coverage (edge-matched, no overlaps)
 * (coverage.c).  Takes ownership of nothing; returns a new geometry. */
GEOSGeometry *fl__coverage_union(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n);
/* The same by edge cancelling alone: NULL when the pieces are no clean
 * coverage (an overlap, an unbalanced vertex) or memory ran out. */
GEOSGeometry *fl__coverage_union_fast(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n);

/* ---- polygonal WKB read in place (wkb.c) ---- */
#define FL__BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
/* Called per ring: n points of 16 bytes at coords; false stops the walk. */
typedef bool (*fl__ring_fn)(void *ctx, const unsigned char *coords, uint32_t n, bool big_endian,
			    bool hole);
/* Check a WKB Polygon/MultiPolygon in lon/lat (closed rings of 4+ points)
 * and hand its rings to fn (may be NULL); false when it is anything else. */
bool fl__wkb_rings(const unsigned char *wkb, size_t len, fl__ring_fn fn, void *ctx);
double fl__wkb_coord(const unsigned char *p, bool big_endian);
uint32_t fl__wkb_u32(const unsigned char *p, bool big_endian);
/* Round a 2D WKB geometry's coordinates to FL__GRID and wind its polygon
 * rings by RFC 7946's right-hand rule, in place (wkb_rfc7946.c); false when
 * the WKB is not 2D, is damaged or has a point outside lon/lat (then it may
 * be partly rounded). */
bool fl__wkb_rfc7946(unsigned char *wkb, size_t len);

/* The engine's precision grid in degrees (about 1 cm): overlays snap to it. */
#define FL__GRID 1e-7
/* Mismatches smaller than this (0.01 km², the exactness the tracker
 * promises) are slivers of the 1 cm grid along long edges, not data. */
#define FL__SLIVER_KM2 0.01

/* The tracker's extent (extent.c).  The part of a polygon outside the
 * regions that `record` clips (with a warning) rather than refuses: under
 * 1 km² and under 1 % of the polygon.  Larger, it is a mistake (another
 * place, another CRS, swapped axes) or ground the tracker does not follow. */
#define FL__CLIP_MAX_KM2 1.0
#define FL__CLIP_MAX_SHARE 0.01
bool fl__outside_is_sliver(double outside_km2, double area_km2);
/* Split polygon g (lon/lat) by the tracker's regions on the engine's grid:
 * *inside and *outside (Polygon or MultiPolygon, NULL when empty). */
fl_status fl__regions_clip(const fl_tracker *t, const GEOSGeometry *g, GEOSGeometry **inside,
			   GEOSGeometry **outside);

/* What `after` gains and loses relative to `before` (changes.c): new
 * MultiPolygons, or NULL when empty. */
fl_status fl__polygon_changes(GEOSContextHandle_t h, const GEOSGeometry *before,
			      const GEOSGeometry *after, GEOSGeometry **gain, GEOSGeometry **loss);

/* The most threads fl_set_threads() accepts. */
#define FL__MAX_THREADS 64
/* Run fn(i, ctx, geos) for i in [0, n) on fl_threads() threads (parallel.c). */
typedef void (*fl__task_fn)(size_t i, void *ctx, GEOSContextHandle_t h);
void fl__parallel_for(size_t n, fl__task_fn fn, void *ctx);

/* ---- the tracker (tracker.c, open.c, store/ogr.c) ---- */
typedef struct fl__region {
	fl_region pub;
	GEOSGeometry *geom;    /* NULL until asked for (fl__region_geom) when read from the index */
	const unsigned char *wkb; /* the index's WKB of the region, or NULL */
	size_t wkblen;
	char *file;
	int line;
} fl__region;

typedef struct fl__event {
	fl_event pub;
	int *regions;          /* owned buffer behind pub.regions (NULL from the index) */
	char *area_ref;        /* id of the polygon in areas.geojson, or NULL */
	GEOSGeometry *polygon; /* the arbitrary area, or NULL */
	char *corrects_id;     /* as written, resolved into pub.corrects */
	size_t *atoms;         /* atoms this event covers: while atoms.c builds them only, */
	size_t natoms;         /* then packed into the columns (t->ec.atom0/atoms) and freed */
} fl__event;

/* The events as columns (file order), for the queries' inner loops and for
 * the events read from the index (evcols.c).  Read from the index, every
 * column points into its mapping and an event's struct is filled only when
 * asked for (fl__event_at): a million events cost no million struct writes
 * at open.  Built from the sources, the query columns are owned copies and
 * the rest are NULL (the events are all there). */
typedef struct fl__evcols {
	/* the columns queries read */
	const fl_instant *when, *recorded;
	const int32_t *to, *corrects;
	const uint8_t *status;
	const uint64_t *atom0;     /* event i covers atoms[atom0[i] .. atom0[i + 1]) */
	const uint32_t *atoms;
	/* the rest, from the index only */
	const int32_t *from, *line;
	const uint8_t *kind, *partial, *all_regions, *has_polygon;
	const uint64_t *reg0;      /* event i names regions[reg0[i] .. reg0[i + 1]) */
	const int *regions;
	const uint32_t *s_id, *s_date, *s_source, *s_note, *s_file; /* offsets into strings */
	const char *strings;
	void *owned;               /* the block behind the query columns, when built */
} fl__evcols;

typedef struct fl__zone {
	fl_zone pub;
	GEOSGeometry *geom;
} fl__zone;

typedef struct fl__atom {
	GEOSGeometry *geom;    /* NULL until asked for (fl__atom_geom) when read from the index */
	const unsigned char *wkb; /* the index's WKB of the atom, or NULL */
	size_t wkblen;
	double area_km2;
	int region;            /* region index or FL_NONE */
	const uint32_t *tl;    /* event indices, in the order they apply */
	size_t ntl;
} fl__atom;

/* Id lookups (tracker.c): open addressing over item indices, kept up to date
 * lazily as items are appended (loading a million events must not be
 * quadratic). */
typedef struct fl__idmap {
	int *slot;       /* item index + 1, 0 = empty */
	size_t cap;      /* a power of two, or 0 */
	size_t indexed;  /* items [0, indexed) are in the map */
} fl__idmap;

struct fl_tracker {
	char *path;
	GEOSContextHandle_t geos;
	fl__geod geod;

	fl_actor *actors;
	size_t nactors;
	fl__region *regions;
	size_t nregions;
	fl__event *events;     /* file order; read from the index, filled on demand */
	size_t nevents;
	fl__evcols ec;
	unsigned char *ev_ready; /* which events are filled (index only; NULL: all are) */
	const uint32_t *order; /* event indices in apply order (read from the index:
				* in its mapping) */
	const uint32_t *rank;  /* rank[e]: position of event e in order (the same
				* array as order when that is the identity) */
	uint32_t *order_own, *rank_own; /* the blocks behind them, when not mapped */
	size_t *order_pub;     /* fl_tracker_event_order()'s copy, made when asked */
	fl__zone *zones;
	size_t nzones;

	fl__atom *atoms;
	size_t natoms;
	double total_km2;      /* area of the tracked extent */

	uint32_t *tl_pool;     /* all atoms' timelines, one block (built from the sources;
				* read from the index, they lie in its mapping) */
	fl__idmap actor_ids, region_ids, event_ids;

	uint64_t source_key;   /* sizes and times of the source files (index.c) */
	char *index_path;      /* where the index lives, or NULL */
	unsigned char *arena;  /* the index mapped read-only, when read from it: strings point here */
	size_t arena_len;
	/* whether the atoms meet vertex for vertex (fl__coverage_clean): the
	 * overlay's atoms always do; regions drawn with T-junctions (a vertex of
	 * one in the middle of a neighbour's edge) do not, and their unions go
	 * through GEOS's overlay.  Found when first needed, kept in the index. */
	unsigned char coverage;
	/* the events that correct another, for the queries without --as-of or
	 * --status (fl__active_events), listed on first use from t->ec.corrects */
	size_t *correctors;
	size_t ncorrectors;
};
enum { FL__COVERAGE_UNKNOWN = 0, FL__COVERAGE_CLEAN = 1, FL__COVERAGE_LOOSE = 2 };

/* ---- the events' columns (evcols.c) ---- */
/* Build the query columns from the events (sources), moving each event's
 * atom list into them. */
fl_status fl__evcols_build(fl_tracker *t);
void fl__evcols_free(fl_tracker *t);
/* Event i, filled from the columns on first use when read from the index.
 * (A cache like the atoms' geometries: a tracker is used by one thread.) */
const fl__event *fl__event_at(const fl_tracker *t, size_t i);
/* The atoms event i covers. */
static inline const uint32_t *fl__event_atoms(const fl_tracker *t, size_t i, size_t *n)
{
	*n = (size_t)(t->ec.atom0[i + 1] - t->ec.atom0[i]);
	return t->ec.atoms + t->ec.atom0[i];
}

/* ---- the persistent index (index.c) ---- */
/* The key of a tracker's sources: paths, sizes and modification times. */
uint64_t fl__sources_key(const char *path);
/* Fill a new tracker (path, geos, geod set) from the index when it matches
 * the sources; FL_ENOTFOUND when there is none or it is stale. */
fl_status fl__index_load(fl_tracker *t);
/* Release the index's mapping (fl_tracker_free). */
void fl__index_unmap(fl_tracker *t);
/* Whether a tracker is big enough for an index to pay. */
bool fl__index_worth(const fl_tracker *t);
/* Save it (best effort: a read-only folder just has no index). */
void fl__index_save(const fl_tracker *t);
/* An atom's geometry, built from the index's WKB on first use (shapes.c);
 * NULL when memory runs out.  (Not thread-safe: a tracker is used by one
 * thread.) */
const GEOSGeometry *fl__atom_geom(const fl_tracker *t, size_t a);
/* A region's geometry, the same way (no query needs the regions' shapes:
 * only the regions layer, render and check do). */
const GEOSGeometry *fl__region_geom(const fl_tracker *t, size_t r);
/* The coverage union of some atoms (coverage.c), from their WKB when they
 * have no geometry yet; NULL on failure. */
GEOSGeometry *fl__atoms_union(const fl_tracker *t, const size_t *atoms, size_t n);
/* FL__COVERAGE_CLEAN when the edge-cancelling union of all the atoms is
 * valid (their shared borders have the same vertices on both sides), else
 * FL__COVERAGE_LOOSE; computed once, then kept in t->coverage. */
unsigned char fl__coverage_of(const fl_tracker *t);
/* The same, found again; when loose, where the union of all the atoms first
 * goes wrong (NaN when the fast union refused them altogether). */
unsigned char fl__coverage_check(const fl_tracker *t, double *x, double *y);

/* The tracker's actor ids for messages about an unknown one: all of them,
 * or the first 20 and "and N more" (malloc'd; "none" when there are none). */
char *fl__actor_ids_text(const fl_tracker *t);
/* Whether actor a may hold territory (its kind is not "presence"). */
bool fl__actor_holds(const fl_tracker *t, int a);

/* Opening a tracker (fl__tracker_load): open.h. */

/* Build atoms, the events' columns and the timelines (atoms.c). */
fl_status fl__atoms_build(fl_tracker *t, fl__diags *d);

/* Which events take part in a query (replay.c): active[e] != 0. */
unsigned char *fl__active_events(const fl_tracker *t, const fl_query *q);

/* The first entry of atom a's timeline (in time order) with instant > at. */
size_t fl__timeline_after(const fl_tracker *t, size_t a, fl_instant at);
/* The holder of atom a for a query: the latest active event with instant
 * <= at, or FL_NONE.  *since gets the start of the holder's run. */
int fl__atom_state(const fl_tracker *t, size_t a, const unsigned char *active,
		   fl_instant at, int *holder, fl_instant *since);
/* The same from the timeline position fl__timeline_after gave (no search). */
int fl__atom_state_before(const fl_tracker *t, size_t a, const unsigned char *active, size_t k,
			  int *holder, fl_instant *since);

/* ---- writing through GDAL (output.c) ---- */
typedef enum fl__ftype { FL__STR, FL__REAL, FL__INT, FL__DATE, FL__DATETIME, FL__BOOL } fl__ftype;
typedef struct fl__field {
	const char *name;
	fl__ftype type;
} fl__field;
typedef struct fl__value {
	bool null;
	const char *s;
	double d;
	long long i;
	fl_instant t;
} fl__value;
typedef struct fl__sink fl__sink;
/* Open a sink writing `layer` to path (NULL or "-" = stdout) in format
 * (driver or short name; NULL = by extension).  Nothing reaches the target
 * until fl__sink_commit(). */
fl_status fl__sink_open(const char *path, const char *format, const char *layer,
			const fl__field *fields, size_t nfields, bool has_geometry,
			fl__sink **out);
/* (fields' names must outlive the sink: static strings.) */
/* Add another layer to the same dataset (formats that hold several). */
fl_status fl__sink_layer(fl__sink *s, const char *layer, const fl__field *fields,
			 size_t nfields, bool has_geometry);
fl_status fl__sink_add(fl__sink *s, const fl__value *values, GEOSContextHandle_t h,
		       const GEOSGeometry *g);
/* The same with the geometry as 2D ISO WKB (NULL: none), malloc'd: the sink
 * takes it (RFC 7946 GeoJSON rounds and winds it in place) and frees it. */
fl_status fl__sink_add_wkb(fl__sink *s, const fl__value *values, unsigned char *wkb, size_t len);
/* The OGR style string of the next feature added (KML colours). */
void fl__sink_style(fl__sink *s, const char *style);
/* KML: one shared style per actor of t in the document's style table, in
 * the actor's colour, and the next feature drawn in actor_id's; other
 * formats: nothing. */
void fl__sink_actor_styles(fl__sink *s, const fl_tracker *t);
void fl__sink_actor_style(fl__sink *s, const char *actor_id);
/* KML: the next feature's <TimeSpan> (no <end> without has_to); other
 * formats: nothing. */
void fl__sink_timespan(fl__sink *s, fl_instant from, bool has_to, fl_instant to);
/* The GDAL dataset being built (a GDALDatasetH), and its driver name. */
void *fl__sink_dataset(fl__sink *s);
const char *fl__sink_driver(const fl__sink *s);
fl_status fl__sink_commit(fl__sink *s);
/* Finish and hand the bytes to the caller (malloc'd, NUL-terminated). */
fl_status fl__sink_commit_mem(fl__sink *s, unsigned char **buf, size_t *len);
void fl__sink_abort(fl__sink *s);
/* GeoJSON written on several threads (output_parallel.c).  make_layer
 * creates, in a new GeoJSON dataset, the layer the features belong to. */
typedef struct fl__geojson_parts {
	const char *memprefix; /* the parts are memprefix-partN.geojson in /vsimem */
	unsigned *counter;     /* N, shared by the sink's parts */
	fl_status (*make_layer)(void *ctx, void *ds, void **lyr);
	void *ctx;
} fl__geojson_parts;
/* Write features f[0, n) (w[i]: the weight of each, its points) into up to
 * `threads` GeoJSON files at once, cut into contiguous ranges, and append
 * their features' text to *body (",\n" between features), in order; the
 * header GDAL wrote before the feature list goes to *header the first time.
 * The features are not freed. */
fl_status fl__geojson_parts_write(const fl__geojson_parts *spec, void **f, const size_t *w,
				  size_t n, int threads, char **body, size_t *blen, size_t *bcap,
				  char **header, size_t *hlen);
/* Where the feature list of a GeoJSON file GDAL wrote starts (hlen) and how
 * long it is (blen); FL_EIO for a layout it does not know. */
fl_status fl__geojson_body(const unsigned char *buf, size_t len, size_t *hlen, size_t *blen);
/* How many parts this process wrote so far (for the tests). */
unsigned long fl__geojson_parts_written(void);
/* The GeoJSON file GDAL wrote for the layer itself (main, len) with the
 * parts' features (body) after its own: a new malloc'd file in *out. */
fl_status fl__geojson_join(const unsigned char *main, size_t len, const char *header, size_t hlen,
			   const char *body, size_t blen, unsigned char **out, size_t *outlen);
/* Write buf to target whole or not at all: temporary file, fsync, rename. */
fl_status fl__atomic_write(const char *target, const void *buf, size_t len);
/* The geometry of a piece of an answer (pieces.c): the union of its atoms,
 * or for a piece of one atom read from the index that atom's WKB, made a
 * GEOS geometry only when asked for. */
typedef struct fl__piece_geom {
	GEOSGeometry *g; /* owned; NULL until asked for when one is set */
	size_t one;      /* the one index atom, or SIZE_MAX */
} fl__piece_geom;
/* FL_EGEOM when the union fails (the error is left to the caller). */
fl_status fl__piece_make(const fl_tracker *t, const size_t *atoms, size_t n, fl__piece_geom *out);
/* Its GEOS geometry (built on first use; NULL when memory runs out). */
const GEOSGeometry *fl__piece_geos(const fl_tracker *t, fl__piece_geom *p);
/* A malloc'd WKB of it (NULL when memory runs out). */
unsigned char *fl__piece_wkb(const fl_tracker *t, const fl__piece_geom *p, size_t *len);
/* Write it with values v to a sink. */
fl_status fl__piece_add(fl__sink *k, const fl__value *v, const fl_tracker *t, const fl__piece_geom *p);
void fl__piece_free(const fl_tracker *t, fl__piece_geom *p);
/* The GEOS geometry of snapshot piece i, of diff change i (belongs to the
 * snapshot, the diff; NULL when memory runs out). */
const GEOSGeometry *fl__snapshot_geom(const fl_snapshot *s, size_t i);
const GEOSGeometry *fl__diff_geom(const fl_diff *d, size_t i);
/* What a snapshot was made of (its query keeps nholders, not holders), and
 * the tracker a diff was made from (summary.c). */
const fl_query *fl__snapshot_query(const fl_snapshot *s, const fl_tracker **t, fl_group *by);
const fl_tracker *fl__diff_tracker(const fl_diff *d);
/* The GDAL driver name for a format name or a path's extension. */
fl_status fl__resolve_format(const char *path, const char *format, const char **driver);
/* Whether target is a stream (an existing device, FIFO, socket or terminal,
 * or /dev/stdout and the like): written into in place, never renamed over;
 * without an extension it is written as stdout would be (GeoJSON, PNG). */
bool fl__is_stream(const char *target);
/* fsync a folder so that renames in it are durable (output.c). */
fl_status fl__fsync_dir(const char *dir);

/* The stores declare theirs beside their sources: src/store/store.h, ... */


#endif
