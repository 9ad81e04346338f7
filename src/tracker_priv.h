/*
 * tracker_priv.h: the in-memory tracker (tracker.c): the public structs
 * (fl_actor, fl_region, ...) inside larger private ones that add geometry
 * and bookkeeping, and struct fl_tracker itself.
 *
 * The engine works on atoms: the faces of the overlay of every region and
 * every event polygon.  Each atom has one geodesic area and a timeline (the
 * events that touch it, in the order they apply), so that a snapshot is a
 * binary search per atom and an area series needs no geometry work at all.
 * When no event carries a polygon, the atoms are exactly the regions.
 * Private to the library.
 */
#ifndef FL_TRACKER_PRIV_H
#define FL_TRACKER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <geos_c.h>
#include "frontline/frontline.h"
#include "geo.h"
#include "pool.h"
#include "tz.h"

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
	/* pub's strings and region list lie in t->pool (from the sources) or in
	 * the index's mapping: an event owns none of them */
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
	const fl_instant *when, *latest, *recorded;
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
	uint64_t *slot;  /* item index + 1 in the low 32 bits (0 = empty), the id's
			  * hash in the high ones: a probe compares strings only when
			  * the hashes agree (a million event ids are not in cache) */
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

	/* the tracker's time zone (its `tracker` layer's time_zone): the name as
	 * written ("UTC" by default; owned, or in the index's mapping) and the
	 * zone read from the system's database (NULL for UTC) */
	const char *tz_name;
	char *tz_name_own;
	fl__tz *tz;

	uint64_t source_key;   /* sizes and times of the source files (index.c) */
	char *index_path;      /* where the index lives, or NULL */
	unsigned char *arena;  /* the index mapped read-only, when read from it: strings point here */
	fl__pool pool;         /* read from the sources: the events' strings and region lists */
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
	/* the longest period of uncertainty of an event (latest - when), found
	 * on first use (fl__uncertain_span): 0 when every date is exact */
	fl_instant unc_span;
	unsigned char unc_known;
	/* the atoms' shared borders (front.h), found on first use */
	struct fl__front *front;
};

/* The tracker's actor ids for messages about an unknown one: all of them,
 * or the first 20 and "and N more" (malloc'd; "none" when there are none). */
char *fl__actor_ids_text(const fl_tracker *t);
/* Whether actor a may hold territory (its kind is not "presence"). */
bool fl__actor_holds(const fl_tracker *t, int a);
/* Whether actor a is contested ground (a holder the loader added for a set
 * of parties: fl_actor.parties). */
bool fl__actor_contested(const fl_tracker *t, int a);
/* The parties of a contested actor as text, their ids joined by sep
 * ("AM;AZ"), malloc'd; NULL for any other actor (or out of memory). */
char *fl__actor_parties_text(const fl_tracker *t, int a, const char *sep);

#endif
