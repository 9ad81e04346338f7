/*
 * weight.c: a quantity per atom (weight_priv.h): its allocation, name and
 * total.  The constructors that read sources live beside their readers.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "tracker_priv.h"
#include "weight_priv.h"

fl_status fl__weight_new(const fl_tracker *t, const char *name, fl_weight **out)
{
	*out = NULL;
	if (!name || !*name)
		return fl__fail(FL_EARG, "weight name: empty");
	fl_weight *w = calloc(1, sizeof *w);
	if (w) {
		w->t = t;
		w->natoms = t->natoms;
		w->name = strdup(name);
		w->atom = calloc(t->natoms + 1, sizeof *w->atom);
	}
	if (!w || !w->name || !w->atom) {
		fl_weight_free(w);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	*out = w;
	return FL_OK;
}

void fl_weight_free(fl_weight *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->atom);
	free(w);
}

const char *fl_weight_name(const fl_weight *w) { return w->name; }

double fl_weight_total(const fl_weight *w)
{
	double s = 0;
	for (size_t a = 0; a < w->natoms; a++)
		s += w->atom[a];
	return s;
}
