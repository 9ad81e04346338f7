/*
 * weight.h: a quantity attached to atoms that follows control as area does
 * (PROVISIONAL copy of the lead's API, replaced when main is merged).
 */
#ifndef FRONTLINE_WEIGHT_H
#define FRONTLINE_WEIGHT_H

#include "frontline/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_weight fl_weight;
FL_API void fl_weight_free(fl_weight *w);
FL_API const char *fl_weight_name(const fl_weight *w);
FL_API double fl_weight_total(const fl_weight *w);

#ifdef __cplusplus
}
#endif
#endif
