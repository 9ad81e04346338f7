/*
 * serve.h: the parts of the server module (libfrontline_serve: OGC API -
 * Features over libmicrohttpd), a client of libfrontline; the tool calls it
 * through serve_run.h.
 *
 *   serve_http.c    sv_run(): the libmicrohttpd daemon, signals
 *   serve_live.c    the tracker as it is on disk: reloads, reference counts
 *   serve_routes.c  one request in, one response out (no HTTP library here)
 *   serve_items.c   the items of a collection: pages, bbox, datetime
 *   serve_respond.c the parts of a response: bodies, errors, parameters, links
 *   serve_data.c    the server's feature sets: the fixed layers, and the
 *                   snapshots and diffs (cached)
 *   serve_fset.c    a feature set: the library's features (features.h) with
 *                   ids, envelopes and joined bytes; the bbox test
 *   serve_cache.c   the LRU cache of sets and pages, within a byte limit
 *   serve_pages.c   prepared pages: the common page of items, whole, in memory
 *   serve_html.c    the HTML encoding of every resource
 *   serve_static.c  the viewer and Leaflet files, from a fixed list
 *   serve_basemap.c the base map (Natural Earth) cut to the tracker's extent
 *   serve_places.c  the tracker's places (the places collection), when it has them
 *   serve_tiles.c   OGC API - Tiles: the control collection as vector tiles
 *   serve_params.c  datetime, bbox, limit, offset, f (pure functions)
 *   serve_buf.c     growing byte buffers
 *
 * Threads: libmicrohttpd calls sv_handle() from several threads.  The tracker
 * (its GEOS context) is not thread-safe, so every library call is made under
 * lib_lock; feature sets are immutable once built and reference-counted, so
 * responses are assembled from cached bytes without that lock.  A loaded
 * tracker and all that is built from it is one sv_server, reference-counted
 * (serve_live.c): a reload swaps in a new one while requests in flight finish
 * on the one they started with.
 */
#ifndef FL_SERVE_H
#define FL_SERVE_H
#include <pthread.h>
#include <stddef.h>
#include <json-c/json.h>
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <frontline/frontline.h>
#include "serve_params.h"

/* ---- feature sets (serve_fset.c) ---- */
typedef struct sv_feature {
	char *id;          /* the feature id of the collection */
	char *json;        /* the GeoJSON Feature, serialized, with "id" (in the set's
			    * joined bytes: not NUL-terminated) */
	size_t len;
	int has_env;
	double env[4];     /* minlon, minlat, maxlon, maxlat */
	fl_instant t0, t1; /* temporal extent, INT64_MIN / INT64_MAX when open */
	fl_property *props; /* its properties as text (for HTML), in one block with */
	size_t nprops;      /* their text and ... */
	const char *gtype;  /* ... the geometry's type (NULL: no geometry) */
} sv_feature;

typedef struct sv_fset {
	sv_feature *v;
	size_t n;
	char *all;         /* every feature's bytes joined with ',' ... */
	size_t *pos;       /* ... feature i starting at all + pos[i] */
	int refs;          /* atomic */
	unsigned long long uid; /* unique for the life of the process (page cache key) */
	size_t bytes;      /* its memory, as the cache charges it (GEOS geometries aside) */
	pthread_mutex_t geo_lock;   /* geos and geoms: */
	GEOSContextHandle_t geos;   /* made on the first bbox query that needs it */
	GEOSGeometry **geoms;       /* each feature's geometry, read on first need */
} sv_fset;

/* A feature's temporal extent: INT64_MIN / INT64_MAX when open. */
typedef struct sv_time {
	fl_instant t0, t1;
} sv_time;

/* A set of the library's features; the id of each is its key (made unique
 * with "~2", "~3" ...; "feature" when it has none), its temporal extent
 * times[i] (open when times is NULL).  Returns NULL and a message on
 * failure.  The set starts with one reference; ff may be freed after. */
sv_fset *sv_fset_make(const fl_features *ff, const sv_time *times, char *err, size_t errlen);
void sv_fset_retain(sv_fset *f);
void sv_fset_release(sv_fset *f);

/* keep[i] = 1 for the features of f whose geometry intersects the box bb
 * (OGC API - Features, /req/core/fc-bbox-response), 0 for the others and for
 * features without geometry.  Envelopes decide when they are apart from the
 * box or inside it; otherwise the feature's geometry (read from its GeoJSON
 * with GEOS once, kept in the set) is tested against the box.  -1 with a
 * message on failure. */
int sv_fset_bbox(sv_fset *f, const sp_bbox *bb, unsigned char *keep, char *err, size_t errlen);

/* ---- the server ---- */
typedef enum sv_coll { SV_CONTROL, SV_CHANGES, SV_EVENTS, SV_REGIONS, SV_ZONES, SV_FRONT, SV_PLACES, SV_NCOLL } sv_coll;

typedef struct sv_file {
	const char *url;   /* "/viewer/viewer.js" */
	const char *type;  /* media type */
	unsigned char *data;
	size_t len;
} sv_file;

/* A prepared page: the whole GeoJSON text of a page of items, made once
 * (stamp: when; it is the page's timeStamp) and sent as it is. */
typedef struct sv_page {
	int refs; /* atomic: the cache's and each response's */
	fl_instant stamp;
	size_t len;
	char data[];
} sv_page;
void sv_page_retain(sv_page *p);
void sv_page_release(sv_page *p);

/* ---- the cache of sets and pages (serve_cache.c) ---- */
typedef struct sv_entry sv_entry;
typedef struct sv_cache {
	pthread_mutex_t lock;
	sv_entry *head, *tail; /* most and least recently used */
	sv_entry **buckets;    /* hash chains */
	size_t bytes, limit;   /* charged, at most */
	size_t entries;
} sv_cache;

/* Nonzero when out of memory. */
int sv_cache_init(sv_cache *c, size_t limit);
void sv_cache_free(sv_cache *c);
/* The set or page under key, as a reference the caller releases; NULL when
 * absent. */
sv_fset *sv_cache_set(sv_cache *c, const void *key, size_t n);
sv_page *sv_cache_page(sv_cache *c, const void *key, size_t n);
/* Keep f (charged f->bytes) or p (cut from the set whose uid is set, and
 * dropped with it; set 0: a page of its own, such as a tile), dropping the least recently used entries until it
 * fits; not kept when larger than the limit, when the key is there
 * already, or (a page) when its set is not kept.  1 when kept. */
int sv_cache_put_set(sv_cache *c, const void *key, size_t n, sv_fset *f);
int sv_cache_put_page(sv_cache *c, unsigned long long set, const void *key, size_t n,
		      sv_page *p);
void sv_cache_usage(sv_cache *c, size_t *bytes, size_t *entries);

typedef struct sv_files {
	sv_file *v;
	size_t n;
	const char *basemap_dir; /* the base map's layers (geodata/basemap), or NULL */
} sv_files;

/* the base map's layers (serve_basemap.c) */
#define SV_NBASE 5
extern const char *const sv_base_layers[SV_NBASE];

typedef struct sv_server {
	fl_tracker *t;              /* owned (serve_live.c frees it with the server) */
	int refs;                   /* atomic: the live pointer and requests in flight */
	pthread_mutex_t lib_lock;   /* every libfrontline call on t */
	sv_fset *fixed[SV_NCOLL];   /* events, regions, zones: built once, not in the cache */
	sv_cache cache;             /* snapshots, diffs and prepared pages */
	fl_instant *when;           /* event instants in apply order */
	size_t nwhen;
	double extent[4];           /* of the regions */
	json_object *actors;        /* [{id, name, color, kind}] (read only after init) */
	const sv_files *files;      /* borrowed: they outlive every server */
	char *attribution;          /* the tracker's (fl_tracker_attribution), or NULL */
	pthread_mutex_t base_lock;  /* base: */
	sv_page *base[SV_NBASE];    /* each base map layer, cut on its first request */
	fl_tileset *tiles;          /* the vector tiles' source, made on the first tile
				     * request (under lib_lock), or NULL */
	char origin[160];           /* "http://127.0.0.1:8080" when Host is missing */
	fl_places *places;          /* the tracker's places, or NULL (serve_places.c) */
} sv_server;

/* Load the fixed collections, with a cache of cache_bytes; nonzero with a
 * message on failure. */
int sv_server_init(sv_server *s, fl_tracker *t, size_t cache_bytes, char *err, size_t errlen);
void sv_server_free(sv_server *s);

/* The snapshot at `at` (control) or the changes over (t1, t2], from the cache
 * (*hit = 1) or computed under lib_lock (*hit = 0; hit may be NULL).  The
 * caller releases the set.  NULL with a message (and *status 400 or 500) on
 * failure. */
sv_fset *sv_control(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen,
		    int *status);
sv_fset *sv_changes(sv_server *s, fl_instant t1, fl_instant t2, int *hit, char *err,
		    size_t errlen, int *status);
/* The front line at `at`, the same way. */
sv_fset *sv_front(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen, int *status);
/* The front line under q as features (serve_front.c). */
fl_status sv_front_features(const sv_server *s, const fl_query *q, fl_features **out);

/* The places with their holders at `at`, as sv_control (s->places must be set). */
sv_fset *sv_places(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen, int *status);

/* ---- the places collection (serve_places.c) ---- */
/* Read the tracker's places when it has them (s->places, else NULL);
 * nonzero with a message when they cannot be read. */
int sv_places_init(sv_server *s, char *err, size_t errlen);
void sv_places_free(sv_server *s);
/* Whether collection c is served (places only when the tracker has them). */
int sv_coll_present(const sv_server *s, int c);

/* ---- static files (serve_static.c) ---- */
/* Where the served files are: the viewer's, Leaflet's, protomaps-leaflet's
 * and the static site's (periods.js); the last two are optional (NULL or
 * missing: the viewer draws features). */
typedef struct sv_dirs {
	const char *viewer, *leaflet, *vendor, *site;
} sv_dirs;
/* Read the whitelisted files from dirs; a missing
 * Leaflet is reported (nonzero) but the rest is kept.  sv_static_free()
 * releases them (after the daemon stopped: responses point into them). */
int sv_static_load(sv_files *fs, const sv_dirs *dirs, char *err, size_t errlen);
void sv_static_free(sv_files *fs);
const sv_file *sv_static_find(const sv_files *fs, const char *url);
/* The viewer's page (/viewer, /viewer/, /viewer/index.html): it takes the
 * parameters date and compare. */
int sv_static_is_viewer(const char *url);

/* ---- the live tracker (serve_live.c) ---- */
typedef struct sv_live {
	pthread_mutex_t lock;        /* cur, checked, failed, reloading */
	pthread_mutex_t reload_lock; /* one load at a time */
	sv_server *cur;
	char *path;
	const sv_files *files;
	long long checked;           /* monotonic second of the last signature check */
	int has_failed;
	uint64_t failed;             /* a signature that failed to load: not retried */
	int reloading;
	size_t cache_bytes;          /* each server's cache limit */
} sv_live;

/* Serve t (opened from path; the live tracker owns it from now on, also on
 * failure), caching up to cache_bytes.  Nonzero with a message on failure. */
int sv_live_init(sv_live *L, const char *path, fl_tracker *t, const sv_files *files,
		 size_t cache_bytes, char *err, size_t errlen);
/* The server to answer one request from, as a reference the caller gives
 * back with sv_live_put().  At most once a second it compares the sources'
 * signature with the one of the served tracker and reloads first when they
 * differ. */
sv_server *sv_live_get(sv_live *L);
void sv_live_put(sv_server *s);
/* Load the tracker again (force: even when its signature did not change).
 * 0 when reloaded or unchanged; -1 when it failed to load: the old one keeps
 * serving and the reason is written to stderr. */
int sv_live_reload(sv_live *L, int force);
/* Set the origin (for requests without a Host) of the current and later servers. */
void sv_live_set_origin(sv_live *L, const char *origin);
void sv_live_free(sv_live *L);

/* ---- one request (serve_routes.c) ---- */
typedef struct sv_arg {
	const char *key, *value;
} sv_arg;

typedef struct sv_request {
	const char *method;
	const char *path;    /* decoded */
	const char *accept;  /* header or NULL */
	const char *host;    /* header or NULL */
	const sv_arg *args;  /* decoded query parameters */
	size_t nargs;
} sv_request;

typedef struct sv_slice {
	const char *p;
	size_t n;
} sv_slice;

/* The body is `body`, then the slices, then `tail`.  Slices point into a
 * feature set's cached bytes (held by `hold` until the response is sent), so
 * that a page of features is sent without copying it. */
typedef struct sv_response {
	int status;
	const char *type;    /* Content-Type */
	unsigned char *body;
	size_t len;
	int owned;           /* body is malloc'd; else it lives as long as the server */
	const char *allow;   /* Allow header for 405 */
	sv_slice *slices;    /* malloc'd, or NULL */
	size_t nslices;
	sv_fset *hold;       /* a reference to release after sending, or NULL */
	const char *tail;    /* static text after the slices, or NULL */
	sv_page *page;       /* the body is this prepared page (a reference), not body/slices */
	char cache[96];      /* X-Frontline-Cache: what the cache did ("" when not used) */
} sv_response;

/* Release what a response holds (body if owned, slices, the set, the page). */
void sv_response_free(sv_response *rs);

void sv_handle(sv_server *s, const sv_request *rq, sv_response *rs);

/* ---- the base map (serve_basemap.c) ---- */
/* The box the base map is cut to: the extent ext grown by a margin. */
void sv_basemap_box(const double ext[4], double out[4]);
/* /basemap (nseg 1) and /basemap/{layer} (seg[1]) at the origin o. */
void sv_basemap(sv_server *s, const char *o, int nseg, char *const seg[], const sv_request *rq,
		sv_response *rs);
/* The layers kept (sv_server_free calls it). */
void sv_basemap_free(sv_server *s);

/* ---- OGC API - Tiles (serve_tiles.c) ---- */
/* /tileMatrixSets[/{id}] (seg[0], seg[1]) at the origin o */
void sv_tms(const char *o, int nseg, char *const seg[], const sv_request *rq, sv_response *rs);
/* /collections/{c}/tiles... (read from rq->path) */
void sv_tiles(sv_server *s, const char *o, const sv_request *rq, sv_response *rs);

/* ---- the parts of a response (serve_respond.c) ---- */
#define T_JSON "application/json"
#define T_GEOJSON "application/geo+json"
#define T_HTML "text/html; charset=utf-8"
#define T_OPENAPI "application/vnd.oai.openapi+json;version=3.0"
#define CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

typedef struct sv_coll_info {
	const char *id, *title, *description;
} sv_coll_info;
extern const sv_coll_info sv_colls[SV_NCOLL];

/* The body (malloc'd, owned by the response) with a status and type. */
void sv_respond(sv_response *rs, int status, const char *type, char *body, size_t len);
void sv_respond_json(sv_response *rs, int status, const char *type, json_object *doc);
/* A JSON document as JSON, or as an HTML page. */
void sv_respond_doc(sv_response *rs, sp_format fmt, const char *type, const char *title,
		    json_object *doc, const char *datetime);
/* A feature collection or feature (doc without its features) as an HTML page. */
void sv_respond_html(sv_response *rs, const char *title, json_object *doc,
		     const sv_feature *const *feats, size_t nfeats, const char *datetime);
/* An error body {"code", "description"}. */
void sv_error(sv_response *rs, int status, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* The value of query parameter key ("" when it has none), NULL when absent. */
const char *sv_arg_value(const sv_request *rq, const char *key);
/* Every parameter one of allowed (NULL-terminated), none twice; else an
 * error response and -1. */
int sv_check_args(const sv_request *rq, const char *const *allowed, sv_response *rs);
json_object *sv_link(const char *href, const char *rel, const char *type, const char *title);
/* self and alternate links of url in JSON (json_type) and HTML; sep joins
 * the f parameter to url ("?" or "&"). */
void sv_self_links(json_object *links, const char *url, sp_format fmt, const char *json_type,
		   const char *sep);
/* at as RFC 3339, with the offset of t's time zone */
void sv_iso(const fl_tracker *t, fl_instant at, char *buf, size_t len);

/* ---- features of a collection (serve_items.c) ---- */
/* The parameters of items, accepted by every resource but the viewer's */
extern const char *const sv_item_params[];
/* /collections/{c}/items at the origin o */
void sv_items(sv_server *s, const char *o, int c, const sv_request *rq, sv_response *rs);
/* /collections/{c}/items/{fid} */
void sv_item(sv_server *s, const char *o, int c, const char *fid, const sv_request *rq,
	     sv_response *rs);

/* ---- prepared pages (serve_pages.c) ---- */
/* The page pre, then the slices, then tail, in one block (one reference),
 * stamped `stamp`; NULL when out of memory. */
sv_page *sv_page_make(fl_instant stamp, const char *pre, size_t npre, const sv_slice *sl,
		      size_t ns, const char *tail);
/* Fill rs->cache for X-Frontline-Cache: what happened to the features
 * ("hit", "miss" or "fixed") and the page ("hit", "miss" or "none"), and
 * the cache's size after the request. */
void sv_cache_note(sv_server *s, sv_response *rs, const char *features, const char *page);

/* ---- HTML (serve_html.c) ---- */
/* An HTML page for a JSON resource (landing page, conformance, collections,
 * collection, feature collection, feature): malloc'd, NUL-terminated.  The
 * features of a collection or the one feature are feats[0, nfeats) (their
 * document has no "features", no "properties"); their table is drawn from
 * their properties as text.  datetime is the request's datetime parameter
 * (NULL when absent): the page shows it, and its links to collections,
 * features and items carry it. */
char *sv_html_page(const char *title, json_object *doc, const sv_feature *const *feats,
		   size_t nfeats, const char *datetime, size_t *len);

/* ---- growing byte buffers (serve_buf.c) ---- */
typedef struct sv_buf {
	char *p;
	size_t n, cap;
	int oom;
} sv_buf;
void sv_buf_add(sv_buf *b, const char *s, size_t n);
void sv_buf_str(sv_buf *b, const char *s);
/* s percent-encoded for a query value or a path segment */
void sv_buf_url(sv_buf *b, const char *s);
void sv_buf_printf(sv_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
#endif
