/*
 * check.c: validating a tracker and reporting every problem.
 *
 * The loader already records bad rows, unknown ids, invalid and overlapping
 * geometry and dangling corrections without stopping; check adds what needs
 * a replay of the log: events whose expected previous holder (`from`) is not
 * the holder of their area at that instant (corrections applied).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct fl_check_report {
	fl_check_item *items;
	char **texts;
	fl__diags d;
	size_t nerrors;
};

static void check_from(const fl_tracker *t, fl__diags *d)
{
	fl_query q = fl_query_at(0);
	unsigned char *active = fl__active_events(t, &q);
	int *holder = malloc((t->natoms + 1) * sizeof *holder);
	if (!active || !holder) {
		free(active), free(holder);
		return;
	}
	for (size_t a = 0; a < t->natoms; a++)
		holder[a] = FL_NONE;
	for (size_t k = 0; k < t->nevents; k++) {
		const fl__event *e = &t->events[t->order[k]];
		if (!active[t->order[k]])
			continue;
		if (e->pub.from != FL_NONE) {
			/* the area of the event held by someone else than `from` */
			double bad = 0;
			size_t first = SIZE_MAX;
			for (size_t j = 0; j < e->natoms; j++) {
				size_t a = e->atoms[j];
				if (holder[a] == e->pub.from)
					continue;
				bad += t->atoms[a].area_km2;
				if (first == SIZE_MAX || t->atoms[a].area_km2 > t->atoms[first].area_km2)
					first = a;
			}
			if (first != SIZE_MAX) {
				int r = t->atoms[first].region;
				bool real = bad >= FL__SLIVER_KM2;
				fl__diags_add(d, real ? FL__ERROR : FL__WARNING, e->pub.file, e->pub.line, "from",
					      "event '%s' expects the area to be held by '%s', but on %s %s%s%s is "
					      "held by %s (%.6f km²)%s", e->pub.id, t->actors[e->pub.from].id,
					      e->pub.date, r != FL_NONE ? "region '" : "part of its area",
					      r != FL_NONE ? t->regions[r].pub.id : "", r != FL_NONE ? "'" : "",
					      holder[first] == FL_NONE ? "nobody" : t->actors[holder[first]].id, bad,
					      real ? "" : ": a sliver of the precision grid");
			}
		}
		for (size_t j = 0; j < e->natoms; j++)
			holder[e->atoms[j]] = e->pub.to;
	}
	free(active);
	free(holder);
}

fl_status fl_check_run(const char *path, fl_check_report **out)
{
	*out = NULL;
	fl_check_report *r = calloc(1, sizeof *r);
	if (!r)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_tracker *t = NULL;
	fl_status st = fl__tracker_load(path, false, &r->d, &t);
	if (st) {
		fl_check_free(r);
		return st;
	}
	check_from(t, &r->d);
	fl_tracker_free(t);
	r->items = calloc(r->d.n + 1, sizeof *r->items);
	r->texts = calloc(r->d.n + 1, sizeof *r->texts);
	if (!r->items || !r->texts) {
		fl_check_free(r);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < r->d.n; i++) {
		const fl__diag *g = &r->d.v[i];
		r->texts[i] = fl__diag_text(g);
		r->items[i] = (fl_check_item){g->severity == FL__ERROR, g->file, g->line, g->field,
					      g->message, r->texts[i] ? r->texts[i] : ""};
		r->nerrors += g->severity == FL__ERROR;
	}
	*out = r;
	return FL_OK;
}

void fl_check_free(fl_check_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->texts && i < r->d.n; i++)
		free(r->texts[i]);
	free(r->texts);
	free(r->items);
	fl__diags_free(&r->d);
	free(r);
}

size_t fl_check_count(const fl_check_report *r) { return r->d.n; }
size_t fl_check_errors(const fl_check_report *r) { return r->nerrors; }

const fl_check_item *fl_check_item_at(const fl_check_report *r, size_t i)
{
	return i < r->d.n ? &r->items[i] : NULL;
}
