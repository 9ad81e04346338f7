/*
 * stats.h: area held per actor over time.
 *
 * One sweep over the events in apply order moves each atom's geodesic area
 * from its old holder to its new one; the series is sampled after every event
 * instant (FL_STEP_EVENT) or at the end of every day, week (Sunday) or month.
 * No geometry work is done.
 *
 * Ownership: fl_stats_new() returns a series the caller frees with
 * fl_stats_free(); rows belong to it.
 */
#ifndef FRONTLINE_STATS_H
#define FRONTLINE_STATS_H

#include "frontline/snapshot.h"
#include "frontline/weight.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fl_step { FL_STEP_EVENT, FL_STEP_DAY, FL_STEP_WEEK, FL_STEP_MONTH } fl_step;

typedef struct fl_stats fl_stats;

typedef struct fl_stats_row {
	fl_instant at;     /* the sample instant */
	int holder;        /* actor index */
	double area_km2;
	double share;      /* of the tracked area */
	/* With events whose date admits a period (uncertain ground, see
	 * fl_piece): the area the holder surely held at the instant and the area
	 * it may have held; both equal area_km2 when every date is exact. */
	double area_km2_min, area_km2_max;
	/* With weights (fl_stats_new_weighted): each weight's sum over the
	 * atoms the holder holds at the instant (nominal holders), in the
	 * order the weights were given; NULL without weights.  It belongs to
	 * the series. */
	const double *weight;
} fl_stats_row;

/* Parse "day", "week", "month" or "event" (FL_EARG otherwise). */
FL_API fl_status fl_step_parse(const char *text, fl_step *out);

/* The series over [from, to].  filters supplies as-of and status. */
FL_API fl_status fl_stats_new(const fl_tracker *t, const fl_query *filters, fl_instant from,
			      fl_instant to, fl_step step, fl_stats **out);
/* The same series carrying weights (weight.h): every row also has, per
 * weight, its sum under the row's holder.  The weights must be t's; the
 * series keeps their names, not the weights. */
FL_API fl_status fl_stats_new_weighted(const fl_tracker *t, const fl_query *filters,
				       fl_instant from, fl_instant to, fl_step step,
				       fl_weight *const *weights, size_t nweights, fl_stats **out);
FL_API void fl_stats_free(fl_stats *s);
/* How many weights the rows carry, and the name of weight j (NULL past the
 * end; it belongs to the series). */
FL_API size_t fl_stats_weight_count(const fl_stats *s);
FL_API const char *fl_stats_weight_name(const fl_stats *s, size_t j);
FL_API size_t fl_stats_count(const fl_stats *s);
/* Row i (NULL past the end); it belongs to the series. */
FL_API const fl_stats_row *fl_stats_at(const fl_stats *s, size_t i);
/* The first instant of the tracker's events and the last (the latest
 * instant any of them admits, fl_event's `latest`); FL_ENOTFOUND if none. */
FL_API fl_status fl_tracker_event_range(const fl_tracker *t, fl_instant *first, fl_instant *last);
/* CSV `date,holder,area_km2,share,area_km2_min,area_km2_max` and one
 * column per weight, named by it, through GDAL; path NULL or "-" = stdout. */
FL_API fl_status fl_stats_write_csv(const fl_stats *s, const char *path);

#ifdef __cplusplus
}
#endif
#endif
