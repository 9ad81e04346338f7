/*
 * weight.h: a quantity attached to the tracker's atoms (the people of a
 * population raster, a count of places) that follows control through time
 * as area does.
 *
 * Every atom has one timeline, so a value given to an atom once moves with
 * it from holder to holder: the weighted series (fl_stats_new_weighted) is
 * the same sweep as the area series, with no geometry work.  A weight is
 * built by a constructor that knows its source (fl_weight_from_raster,
 * fl_weight_from_places) for one tracker, and is valid with that tracker
 * only.
 *
 * Ownership: constructors return a weight the caller frees with
 * fl_weight_free(); it keeps a pointer to its tracker, which must outlive it.
 */
#ifndef FRONTLINE_WEIGHT_H
#define FRONTLINE_WEIGHT_H

#include "frontline/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_weight fl_weight;

FL_API void fl_weight_free(fl_weight *w);
/* The name it was given (a column name in the series); it belongs to w. */
FL_API const char *fl_weight_name(const fl_weight *w);
/* The sum over the whole tracker (every atom). */
FL_API double fl_weight_total(const fl_weight *w);

#ifdef __cplusplus
}
#endif
#endif
