/*
 * tracker.c: the public face of an opened tracker: open, free, and the
 * read-only accessors.  Loading itself lives in store_ogr.c, the engine's
 * atoms in atoms.c.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

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

/* Strings, region lists and atom lists read from the index live in its
 * buffer and pools, not in heap blocks of their own. */
#define FREE_STR(s) (t->arena ? (void)0 : free((char *)(s)))

void fl_tracker_free(fl_tracker *t)
{
	if (!t)
		return;
	GEOSContextHandle_t h = t->geos;
	for (size_t i = 0; i < t->nactors; i++) {
		fl_actor *a = &t->actors[i];
		FREE_STR(a->id), FREE_STR(a->name), FREE_STR(a->color), FREE_STR(a->kind), FREE_STR(a->note);
	}
	free(t->actors);
	for (size_t i = 0; i < t->nregions; i++) {
		fl__region *r = &t->regions[i];
		FREE_STR(r->pub.id), FREE_STR(r->pub.name), FREE_STR(r->pub.alt_names);
		FREE_STR(r->pub.kind), FREE_STR(r->pub.parent);
		FREE_STR(r->file);
		GEOSGeom_destroy_r(h, r->geom);
	}
	free(t->regions);
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		FREE_STR(e->pub.id), FREE_STR(e->pub.date), FREE_STR(e->pub.source);
		FREE_STR(e->pub.note), FREE_STR(e->pub.file);
		if (!t->arena) {
			free(e->regions);
			free(e->atoms);
		}
		free(e->area_ref);
		free(e->corrects_id);
		if (e->polygon)
			GEOSGeom_destroy_r(h, e->polygon);
	}
	free(t->events);
	free(t->order);
	free(t->rank);
	for (size_t i = 0; i < t->nzones; i++) {
		fl__zone *z = &t->zones[i];
		FREE_STR(z->pub.id), FREE_STR(z->pub.name), FREE_STR(z->pub.kind);
		FREE_STR(z->pub.source), FREE_STR(z->pub.note);
		if (z->geom)
			GEOSGeom_destroy_r(h, z->geom);
	}
	free(t->zones);
	for (size_t i = 0; i < t->natoms; i++)
		if (t->atoms[i].geom)
			GEOSGeom_destroy_r(h, t->atoms[i].geom);
	free(t->atoms);
	free(t->tl_pool);
	free(t->path);
	free(t->index_path);
	free(t->arena);
	free(t->pool_regions);
	free(t->pool_atoms);
	if (h)
		GEOS_finish_r(h);
	free(t);
}

const char *fl_tracker_path(const fl_tracker *t) { return t->path; }
size_t fl_tracker_actor_count(const fl_tracker *t) { return t->nactors; }
size_t fl_tracker_region_count(const fl_tracker *t) { return t->nregions; }
size_t fl_tracker_event_count(const fl_tracker *t) { return t->nevents; }
size_t fl_tracker_zone_count(const fl_tracker *t) { return t->nzones; }
const size_t *fl_tracker_event_order(const fl_tracker *t) { return t->order; }

const fl_actor *fl_tracker_actor(const fl_tracker *t, size_t i)
{
	return i < t->nactors ? &t->actors[i] : NULL;
}

const fl_region *fl_tracker_region(const fl_tracker *t, size_t i)
{
	return i < t->nregions ? &t->regions[i].pub : NULL;
}

const fl_event *fl_tracker_event(const fl_tracker *t, size_t i)
{
	return i < t->nevents ? &t->events[i].pub : NULL;
}

const fl_zone *fl_tracker_zone(const fl_tracker *t, size_t i)
{
	return i < t->nzones ? &t->zones[i].pub : NULL;
}

/* Linear lookups: trackers hold tens of actors and the loader is the only
 * caller on a hot path for regions (once per event row). */
int fl_tracker_find_actor(const fl_tracker *t, const char *id)
{
	for (size_t i = 0; i < t->nactors; i++)
		if (strcmp(t->actors[i].id, id) == 0)
			return (int)i;
	return FL_NONE;
}

int fl_tracker_find_region(const fl_tracker *t, const char *id)
{
	for (size_t i = 0; i < t->nregions; i++)
		if (strcmp(t->regions[i].pub.id, id) == 0)
			return (int)i;
	return FL_NONE;
}

int fl_tracker_find_event(const fl_tracker *t, const char *id)
{
	for (size_t i = 0; i < t->nevents; i++)
		if (strcmp(t->events[i].pub.id, id) == 0)
			return (int)i;
	return FL_NONE;
}

const char *fl_event_kind_name(fl_event_kind k)
{
	static const char *const n[] = {"capture", "handover", "withdrawal", "agreement",
					"baseline", "correction"};
	return (unsigned)k < 6 ? n[k] : "unknown";
}

const char *fl_event_status_name(fl_event_status s)
{
	static const char *const n[] = {"claimed", "confirmed", "disputed"};
	return (unsigned)s < 3 ? n[s] : "unknown";
}
