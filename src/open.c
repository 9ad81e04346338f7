/*
 * open.c: opening a tracker, in one place.
 *
 * fl_tracker_open() and `check` (fl__tracker_load) come here, and the steps
 * run in this order:
 *   1. the key of the sources (paths, sizes, times: index.c);
 *   2. the index, when it matches that key: it holds the whole tracker as
 *      it was last opened (atoms and apply order too), and nothing else is
 *      read (PROJ's database is not even opened);
 *   3. otherwise the sources: every layer read into the tracker by the
 *      store (store/ogr.c), problems of rows collected in the diagnostics;
 *   4. the apply order: by instant, same-instant events in file order;
 *   5. the atoms, the events' columns and the timelines (atoms.c);
 *   6. the index saved for the next open, when the tracker read without
 *      errors and is big enough for it to pay.
 * The stores only read layers; the index only reads and writes its file;
 * neither calls back here.  fl_tracker_open() turns the first problem into
 * its failure; `check` lists them all.
 */
#include "gdal_load.h"
#include <stdlib.h>
#include "atoms.h"
#include "diag.h"
#include "fail.h"
#include "geo.h"
#include "index.h"
#include "tracker_priv.h"
#include "util.h"
#include "open.h"
#include "store/ogr.h"

typedef struct order_key {
	fl_instant when;
	size_t i;
} order_key;

static int cmp_order(const void *a, const void *b)
{
	const order_key *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The apply order (t->order, and each event's rank in it). */
static fl_status apply_order(const char *path, fl_tracker *t)
{
	if (t->nevents > INT32_MAX)
		return fl__fail(FL_EINPUT, "%s: more than %d events", path, INT32_MAX);
	t->order = t->order_own = malloc((t->nevents + 1) * sizeof *t->order_own);
	t->rank = t->rank_own = malloc((t->nevents + 1) * sizeof *t->rank_own);
	if (!t->order_own || !t->rank_own)
		return fl__fail(FL_ENOMEM, "out of memory");
	order_key *keys = malloc((t->nevents + 1) * sizeof *keys);
	if (!keys)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->nevents; i++)
		keys[i] = (order_key){t->events[i].pub.when, i};
	qsort(keys, t->nevents, sizeof *keys, cmp_order);
	for (size_t i = 0; i < t->nevents; i++)
		t->order_own[i] = (uint32_t)keys[i].i;
	free(keys);
	for (size_t i = 0; i < t->nevents; i++)
		t->rank_own[t->order[i]] = (uint32_t)i;
	return FL_OK;
}

static fl_status tracker_load(const char *path, bool use_index, fl__diags *d, fl_tracker **out)
{
	*out = NULL;
	fl_tracker *t = calloc(1, sizeof *t);
	if (!t)
		return fl__fail(FL_ENOMEM, "out of memory");
	t->path = fl__strdup(path);
	t->geos = fl__geos_new();
	t->source_key = fl__sources_key(path);
	if (use_index && fl__index_load(t) == FL_OK) {
		*out = t;
		return FL_OK;
	}
	/* the sources are read through GDAL, which is loaded only now (see
	 * gdal_load.h), not for a tracker opened from its index */
	fl_status st = fl__gdal_ready();
	if (st) {
		fl_tracker_free(t);
		return st;
	}
	CPLPushErrorHandler(CPLQuietErrorHandler); /* the library never prints */
	st = fl__geod_init(&t->geod);
	if (!st)
		st = fl__store_ogr_read(path, t, d);
	CPLPopErrorHandler();
	if (!st)
		st = apply_order(path, t);
	if (!st)
		st = fl__atoms_build(t, d);
	if (st) {
		fl_tracker_free(t);
		return st;
	}
	if (use_index && d->nerrors == 0 && fl__index_worth(t))
		fl__index_save(t);
	*out = t;
	return FL_OK;
}

fl_status fl__tracker_load(const char *path, bool use_index, fl__diags *d, fl_tracker **out)
{
	return tracker_load(path, use_index, d, out);
}

fl_status fl_tracker_open(const char *path, fl_tracker **out)
{
	if (!path || !out)
		return fl__fail(FL_EARG, "fl_tracker_open: NULL argument");
	*out = NULL;
	fl__diags d = {0};
	fl_tracker *t = NULL;
	fl_status st = fl__tracker_load(path, true, &d, &t);
	if (st == FL_OK && d.nerrors) {
		size_t i = 0;
		while (d.v[i].severity != FL__ERROR)
			i++;
		char *msg = fl__diag_text(&d.v[i]);
		if (d.nerrors > 1)
			st = fl__fail(FL_EINPUT, "%s (and %zu more problems: run 'frontline check')",
				      msg ? msg : "", d.nerrors - 1);
		else
			st = fl__fail(FL_EINPUT, "%s", msg ? msg : "");
		free(msg);
		fl_tracker_free(t);
		t = NULL;
	}
	fl__diags_free(&d);
	*out = t;
	return st;
}

uint64_t fl_sources_signature(const char *path) { return path ? fl__sources_key(path) : 0; }
