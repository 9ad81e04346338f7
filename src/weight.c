/* weight.c: PROVISIONAL (the lead's lands in main). */
#include <stdlib.h>
#include "fail.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_priv.h"

fl_status fl__weight_new(const fl_tracker *t, const char *name, fl_weight **out)
{
	fl_weight *w = calloc(1, sizeof *w);
	if (w) {
		w->name = fl__strdup(name);
		w->atom = calloc(t->natoms + 1, sizeof *w->atom);
	}
	if (!w || !w->name || !w->atom) {
		fl_weight_free(w);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	w->t = t;
	w->natoms = t->natoms;
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
	for (size_t i = 0; i < w->natoms; i++)
		s += w->atom[i];
	return s;
}
