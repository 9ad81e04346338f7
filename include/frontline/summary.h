/*
 * summary.h: the totals a person reads beside a diff or a map.
 *
 * A diff summary totals the changes of a diff (either grouping gives the
 * same totals): per actor the area gained (now held, held by another or by
 * no one at t1), lost (held at t1, by another or by no one at t2) and net
 * (gained - lost), listed in actor order, only the actors that gained or lost
 * something; per (from, to) pair the area that passed, ordered by from then
 * to (FL_NONE, not held, first), pairs of zero area left out; and the events
 * that caused the changes, each once, in the order they apply.
 *
 * A snapshot summary reads a by-region snapshot: the area per holder and its
 * percentage of the snapshot's total (actors in actor order, then the area
 * not held; holders with no area left out), and the regions that changed
 * hands in the snapshot's year.  The year is the UTC year of the query's
 * instant; its start is the end of the previous 31 December.  A piece of the
 * snapshot changed hands when its holder differs from its region's holder at
 * the year's start, under the same as-of and status filters but every holder
 * (fl_snapshot_region_holder of a snapshot made then); these handovers are
 * ordered by the date their holder took over, ties in piece order.
 *
 * Ownership: fl_diff_summary_new() and fl_snapshot_summary_new() return a
 * summary the caller frees with fl_diff_summary_free() or
 * fl_snapshot_summary_free(); its rows belong to it.  A summary reads the diff
 * or snapshot during the call only and may outlive it; the indices it holds
 * (actors, regions, events) name entries of the tracker.  Errors: FL_EARG
 * (NULL argument, a snapshot not grouped by region), FL_ENOMEM.
 */
#ifndef FRONTLINE_SUMMARY_H
#define FRONTLINE_SUMMARY_H

#include "frontline/diff.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diff summary ---- */

typedef struct fl_actor_totals {
	int actor;          /* actor index */
	double gained_km2;
	double lost_km2;
	double net_km2;     /* gained_km2 - lost_km2 */
} fl_actor_totals;

typedef struct fl_pair_total {
	int from;           /* holder at t1 (FL_NONE: not held) */
	int to;             /* holder at t2 (FL_NONE: not held) */
	double area_km2;
} fl_pair_total;

typedef struct fl_diff_summary fl_diff_summary;

FL_API fl_status fl_diff_summary_new(const fl_diff *d, fl_diff_summary **out);
FL_API void fl_diff_summary_free(fl_diff_summary *s);
/* Rows i (NULL past the end) belong to the summary. */
FL_API size_t fl_diff_summary_actor_count(const fl_diff_summary *s);
FL_API const fl_actor_totals *fl_diff_summary_actor_at(const fl_diff_summary *s, size_t i);
FL_API size_t fl_diff_summary_pair_count(const fl_diff_summary *s);
FL_API const fl_pair_total *fl_diff_summary_pair_at(const fl_diff_summary *s, size_t i);
/* The causing events as event indices (fl_tracker_event_at), in apply order;
 * fl_diff_summary_event_at() gives SIZE_MAX when i is out of range. */
FL_API size_t fl_diff_summary_event_count(const fl_diff_summary *s);
FL_API size_t fl_diff_summary_event_at(const fl_diff_summary *s, size_t i);

/* ---- snapshot summary ---- */

typedef struct fl_holder_area {
	int holder;         /* actor index, FL_NONE: not held */
	double area_km2;
	double percent;     /* 100 * area_km2 / the snapshot's total area */
} fl_holder_area;

typedef struct fl_handover {
	size_t piece;       /* index of the snapshot piece */
	int region;         /* region index */
	int from;           /* the region's holder at the year's start (FL_NONE: not held) */
	int to;             /* the piece's holder now (FL_NONE: not held) */
	int event;          /* the latest event that applies to the piece, or FL_NONE */
	fl_instant since;   /* when `to` took over (valid when has_since) */
	int has_since;
	int partial;        /* the event speaks of part of the region only */
	double area_km2;    /* the piece's area */
} fl_handover;

typedef struct fl_snapshot_summary fl_snapshot_summary;

/* s must be grouped by region (FL_BY_REGION); a snapshot filtered by holders
 * gives their areas only, while the year's start is taken with every holder. */
FL_API fl_status fl_snapshot_summary_new(const fl_snapshot *s, fl_snapshot_summary **out);
FL_API void fl_snapshot_summary_free(fl_snapshot_summary *s);
/* The snapshot's UTC year, and its start (the end of the previous 31 December). */
FL_API int64_t fl_snapshot_summary_year(const fl_snapshot_summary *s);
FL_API fl_instant fl_snapshot_summary_year_start(const fl_snapshot_summary *s);
/* Rows i (NULL past the end) belong to the summary. */
FL_API size_t fl_snapshot_summary_holder_count(const fl_snapshot_summary *s);
FL_API const fl_holder_area *fl_snapshot_summary_holder_at(const fl_snapshot_summary *s, size_t i);
FL_API size_t fl_snapshot_summary_handover_count(const fl_snapshot_summary *s);
FL_API const fl_handover *fl_snapshot_summary_handover_at(const fl_snapshot_summary *s, size_t i);

#ifdef __cplusplus
}
#endif
#endif
