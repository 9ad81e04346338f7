/*
 * stats_rate.c: the area gained per day over a rolling window, per actor.
 *
 * The rate at a sample instant x is (area at x - area at x less N days) / N:
 * the net gain of the last N days (a loss is negative), per day.  The window
 * is N days of the tracker's calendar (its time zone's), whatever the
 * series' step, so a weekly or monthly series gives the same rate at its
 * samples as a daily one on those days.  The areas N days back come from a
 * sweep of their own over the events in apply order, sampled at the shifted
 * instants (ascending, as the samples are): bookkeeping only, as the area
 * series itself.
 */
#include <stdlib.h>
#include <string.h>
#include "evcols.h"
#include "fail.h"
#include "stats_rate.h"
#include "tracker_priv.h"

fl_status fl__stats_rates(const fl_tracker *t, const unsigned char *active, const fl_instant *at,
			  size_t ns, const double *area, size_t stride, int days, double **rate)
{
	size_t na = t->nactors;
	*rate = NULL;
	if (days < 1)
		return fl__fail(FL_EARG, "rate window of %d days: give 1 day or more", days);
	double *r = calloc(ns * na + 1, sizeof *r), *then = calloc(na + 1, sizeof *then);
	int *holder = malloc((t->natoms + 1) * sizeof *holder);
	if (!r || !then || !holder) {
		free(r), free(then), free(holder);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t a = 0; a < t->natoms; a++)
		holder[a] = FL_NONE;
	size_t k = 0;
	for (size_t i = 0; i < ns; i++) {
		fl_instant back = fl__tz_from_civil(t->tz, fl__tz_to_civil(t->tz, at[i]) - (int64_t)days * 86400);
		for (; k < t->nevents && t->ec.when[t->order[k]] <= back; k++) {
			size_t e = t->order[k], n;
			if (!active[e])
				continue;
			const uint32_t *ea = fl__event_atoms(t, e, &n);
			int by = t->ec.to[e];
			for (size_t j = 0; j < n; j++) {
				size_t x = ea[j];
				if (holder[x] != FL_NONE)
					then[holder[x]] -= t->atoms[x].area_km2;
				then[by] += t->atoms[x].area_km2;
				holder[x] = by;
			}
		}
		for (size_t a = 0; a < na; a++) {
			double g = (area[i * stride + a] - then[a]) / days;
			r[i * na + a] = g > -1e-9 && g < 1e-9 ? 0 : g; /* sweep rounding */
		}
	}
	free(then), free(holder);
	*rate = r;
	return FL_OK;
}

fl_status fl_stats_parse_rate(const char *text, int *days)
{
	const char *p = text ? text : "";
	long n = 0;
	size_t i = 0;
	for (; p[i] >= '0' && p[i] <= '9' && n <= 36500; i++)
		n = n * 10 + (p[i] - '0');
	if (i == 0 || p[i] != 'd' || p[i + 1] || n < 1 || n > 36500)
		return fl__fail(FL_EARG, "rate window '%s': expected a number of days such as 7d or 30d "
					 "(1d to 36500d)", p);
	*days = (int)n;
	return FL_OK;
}
