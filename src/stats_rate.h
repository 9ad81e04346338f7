/*
 * stats_rate.h: the rate of gain over a rolling window (stats_rate.c), for
 * the area series (stats.c).
 * Private to the library.
 */
#ifndef FL_STATS_RATE_H
#define FL_STATS_RATE_H

#include <stddef.h>
#include "frontline/frontline.h"

/* Area gained per day over the `days` days before each sample instant
 * at[0, ns) (ascending), per actor: rate[i * nactors + a] = (area[i * stride
 * + a] - the actor's area `days` days of the tracker's calendar before
 * at[i]) / days, the earlier areas by a sweep of their own over the active
 * events.  *rate is malloc'd. */
fl_status fl__stats_rates(const fl_tracker *t, const unsigned char *active, const fl_instant *at,
			  size_t ns, const double *area, size_t stride, int days, double **rate);

#endif
