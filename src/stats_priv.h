/*
 * stats_priv.h: what a series knows of how it was asked for (stats.c), for
 * its chart (render_chart.c).  Private to the library.
 */
#ifndef FL_STATS_PRIV_H
#define FL_STATS_PRIV_H

#include "frontline/stats.h"

/* The bounds asked for (the samples may start after `from`: with
 * FL_STEP_EVENT at the first event), the filters, and the area each actor
 * held at `from` (nominal holders, every event up to `from` applied; per
 * actor index). */
typedef struct fl__stats_frame {
	fl_instant from, to;
	int has_as_of;
	fl_instant as_of;
	int confirmed_only;
	double *start;
} fl__stats_frame;

const fl__stats_frame *fl__stats_get_frame(const fl_stats *s);

#endif
