/*
 * weight_priv.h: a weight's values, one per atom (PROVISIONAL copy of the
 * lead's, replaced when main is merged).
 * Private to the library.
 */
#ifndef FL_WEIGHT_PRIV_H
#define FL_WEIGHT_PRIV_H

#include <stddef.h>
#include "frontline/frontline.h"
#include "frontline/weight.h"

struct fl_weight {
	char *name;
	const fl_tracker *t;
	size_t natoms;
	double *atom;
};
fl_status fl__weight_new(const fl_tracker *t, const char *name, fl_weight **out);

#endif
