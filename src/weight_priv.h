/*
 * weight_priv.h: a weight's values, one per atom, for its constructors and
 * the sweeps that read it (weight.c).  Private to the library.
 */
#ifndef FL_WEIGHT_PRIV_H
#define FL_WEIGHT_PRIV_H

#include "frontline/weight.h"

struct fl_weight {
	char *name;
	const fl_tracker *t;
	size_t natoms; /* t's */
	double *atom;  /* one value per atom */
};

/* A weight of t named `name`, every atom's value 0 (a constructor fills
 * `atom`); FL_EARG when name is NULL or empty. */
fl_status fl__weight_new(const fl_tracker *t, const char *name, fl_weight **out);

#endif
