/*
 * tracker.h: a tracker is the whole record of one conflict: actors, regions,
 * the change log of events, and zones.
 *
 * A tracker is read through GDAL/OGR from
 *   - a folder of text files: actors.csv, regions.geojson, events.csv and
 *     zones.geojson (or zones.csv); areas.geojson holds the polygons of
 *     polygon events (an event names its area with `area`); tracker.csv,
 *     optional, the tracker's own settings (key,value: time_zone);
 *   - a GeoPackage file holding layers of the same names.
 * Regions in any CRS GDAL knows are transformed to WGS 84 lon/lat.
 *
 * Ownership: fl_tracker_open() returns a tracker the caller frees with
 * fl_tracker_free().  Every pointer obtained from a tracker (actors, regions,
 * events, zones and their strings) belongs to the tracker and lives as long
 * as it does.
 *
 * Threads: a tracker is not safe to query from two threads at once, even
 * through `const fl_tracker *`.  Queries fill caches inside it on first use
 * (the pieces' geometries, read lazily from the index, and the check of
 * their coverage).  Open one tracker per thread, or serialise the calls;
 * different trackers are independent.  The library's own threads
 * (fl_set_threads) never share a tracker with the caller's.
 */
#ifndef FRONTLINE_TRACKER_H
#define FRONTLINE_TRACKER_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/error.h"
#include "frontline/date.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_tracker fl_tracker;

typedef enum fl_event_kind {
	FL_KIND_CAPTURE, FL_KIND_HANDOVER, FL_KIND_WITHDRAWAL,
	FL_KIND_AGREEMENT, FL_KIND_BASELINE, FL_KIND_CORRECTION,
	FL_KIND_RETRACTION      /* withdraws the event it corrects: no area, no `to` */
} fl_event_kind;

typedef enum fl_event_status {
	FL_STATUS_CLAIMED, FL_STATUS_CONFIRMED, FL_STATUS_DISPUTED
} fl_event_status;

/* Index value meaning "none" (no actor, no event, no region). */
#define FL_NONE (-1)

typedef struct fl_actor {
	const char *id;
	const char *name;
	const char *color;   /* "#rrggbb" */
	const char *kind;    /* "control", "presence", or "contested" (below) */
	const char *note;
	/* Contested ground: an event with to=contested and its `parties` moves
	 * its area to a holder of its own, one per set of parties, that the
	 * tracker adds after the actors of its actors layer: id
	 * "contested:AM+AZ", name "Contested (AM, AZ)", kind "contested", a
	 * grey colour, and here the parties (actor indices, two or more, in the
	 * order of the actors layer).  0 and NULL for an actor of the layer. */
	size_t nparties;
	const int *parties;
} fl_actor;

typedef struct fl_region {
	const char *id;
	const char *name;
	const char *alt_names; /* semicolon-separated, may be "" */
	const char *kind;
	const char *parent;
	double area_km2;       /* geodesic, WGS 84 ellipsoid */
} fl_region;

typedef struct fl_event {
	const char *id;
	fl_instant when;        /* when the transfer takes effect: the earliest instant its
				 * date admits (the nominal instant, see docs/tracker-format.md) */
	fl_instant latest;      /* the latest instant it may have taken effect: when == latest
				 * for an exact date; between the two its ground is uncertain */
	const char *date;       /* the date as written in the source */
	int all_regions;        /* the area is every region ("*") */
	size_t nregions;        /* the area as regions ... */
	const int *regions;     /* ... indices into the tracker's regions */
	int has_polygon;        /* ... or (also) an arbitrary polygon */
	int to;                 /* actor index (FL_NONE for a retraction) */
	int from;               /* expected previous holder, or FL_NONE */
	fl_event_kind kind;
	fl_event_status status;
	const char *source;
	const char *note;
	fl_instant recorded;    /* when the event entered the record */
	int corrects;           /* index of the event it corrects, or FL_NONE */
	int partial;            /* the source speaks of part of the region */
	const char *file;       /* where it was read (for messages) */
	int line;
} fl_event;

typedef struct fl_zone {
	const char *id;
	const char *name;
	int actor;              /* actor index, or FL_NONE */
	const char *kind;
	fl_instant valid_from;
	fl_instant valid_to;    /* meaningful when has_end */
	int has_end;
	const char *source;
	const char *note;
	int approximate;
} fl_zone;

/* Open a tracker (folder or GeoPackage).  Bad content fails with FL_EINPUT
 * and a message naming file, line and field. */
FL_API fl_status fl_tracker_open(const char *path, fl_tracker **out);
FL_API void fl_tracker_free(fl_tracker *t);

FL_API const char *fl_tracker_path(const fl_tracker *t);

/* The attribution the tracker's README.md asks for: the first sentence of
 * its paragraph that starts "Attribution:" (the line render prints), with
 * that word; malloc'd (free with fl_free), NULL when there is none (or no
 * README, as for a GeoPackage or PG: store). */
FL_API char *fl_tracker_attribution(const fl_tracker *t);

/* The tracker's time zone: the IANA name its `tracker` layer declares
 * (tracker.csv in a folder: the row `time_zone,Asia/Baku`), "UTC" when it
 * declares none.  Date-only events and queries mean that zone's days, and
 * the dates a tracker's outputs show are in it (date.h:
 * fl_tracker_parse_date, fl_tracker_format_date). */
FL_API const char *fl_tracker_time_zone(const fl_tracker *t);

/* The signature of a tracker's sources on disk: a value made of the source
 * files' names, devices, inodes, sizes and modification times (a folder's
 * actors.csv, regions, events.csv, zones and areas; a GeoPackage's file).
 * fl_tracker_sources_signature() is the one taken when t was opened (before
 * its files were read); fl_sources_signature() computes it now for a path,
 * with a few stat() calls.  When they differ, the files have changed since
 * t was read (a `record`, an edit): open the tracker again to see it.  A
 * store without local files (PG:) has a constant signature, so its changes
 * are not seen this way.  Plain values, nothing to free; both may be called
 * from any thread, also while another thread queries t. */
FL_API uint64_t fl_tracker_sources_signature(const fl_tracker *t);
FL_API uint64_t fl_sources_signature(const char *path);

/* Item i of each list (NULL past the end) belongs to the tracker, as do its
 * strings; fl_tracker_find_X() gives the index of an id, FL_NONE if none. */
FL_API size_t fl_tracker_actor_count(const fl_tracker *t);
FL_API const fl_actor *fl_tracker_actor_at(const fl_tracker *t, size_t i);
FL_API int fl_tracker_find_actor(const fl_tracker *t, const char *id);
/* The parties of actor `actor` when it is contested ground (its kind is
 * "contested"): their number, and in *parties (when not NULL) the actor
 * indices, owned by the tracker.  0 (and *parties NULL) for an actor of the
 * actors layer or an index out of range. */
FL_API size_t fl_tracker_actor_parties(const fl_tracker *t, size_t actor, const int **parties);

FL_API size_t fl_tracker_region_count(const fl_tracker *t);
FL_API const fl_region *fl_tracker_region_at(const fl_tracker *t, size_t i);
FL_API int fl_tracker_find_region(const fl_tracker *t, const char *id);

/* Events in file order; fl_tracker_event_order() gives them in the order
 * they apply (by instant, then file order): an array of event indices made
 * on its first call (NULL if memory runs out), owned by the tracker.  Like
 * every query, it must not race another call on the same tracker. */
FL_API size_t fl_tracker_event_count(const fl_tracker *t);
FL_API const fl_event *fl_tracker_event_at(const fl_tracker *t, size_t i);
FL_API const size_t *fl_tracker_event_order(const fl_tracker *t);
FL_API int fl_tracker_find_event(const fl_tracker *t, const char *id);
/* The events whose area names region r (among its regions, or `*`), in the
 * order they apply, as event indices in *out (malloc'd, free with fl_free;
 * NULL when there are none) and their number in *n.  Found through the
 * region's timelines: only those events are read, not the whole log.
 * FL_EARG for a region index out of range. */
FL_API fl_status fl_tracker_region_events(const fl_tracker *t, int r, size_t **out, size_t *n);

FL_API size_t fl_tracker_zone_count(const fl_tracker *t);
FL_API const fl_zone *fl_tracker_zone_at(const fl_tracker *t, size_t i);

/* The tracker's own layers as features through GDAL, for publishing:
 *   "regions": id, name, alt_names, kind, parent, area_km2;
 *   "zones":   id, name, actor, kind, valid_from, valid_to, source, note,
 *              approximate;
 *   "events":  id, date (as written), when, regions, from, to, kind, status,
 *              source, note, recorded, corrects, partial, parties (to is
 *              "contested" and parties "AM;AZ" for contested ground), in apply order,
 *              with the union of the event's area as geometry.
 * format is a GDAL driver or short name, NULL for GeoJSON (RFC 7946).  *buf
 * is malloc'd and NUL-terminated; the caller frees it with fl_free()
 * (snapshot.h).  An unknown layer fails with FL_EARG. */
FL_API fl_status fl_tracker_write_layer_buffer(const fl_tracker *t, const char *layer,
					       const char *format, unsigned char **buf,
					       size_t *len);

/* The names of kinds and statuses as the tracker's files write them
 * ("capture", "confirmed"; "unknown" for a value out of range), and their
 * inverse: FL_EARG, *out unchanged, for a text that names none (the message
 * names the field, `kind` or `status`, quotes the text and lists the names). */
FL_API const char *fl_event_kind_name(fl_event_kind k);
FL_API const char *fl_event_status_name(fl_event_status s);
FL_API fl_status fl_event_kind_parse(const char *text, fl_event_kind *out);
FL_API fl_status fl_event_status_parse(const char *text, fl_event_status *out);

#ifdef __cplusplus
}
#endif
#endif
