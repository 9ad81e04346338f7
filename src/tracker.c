/*
 * tracker.c: the public face of an opened tracker: free, the read-only
 * accessors and the id lookups.  Opening one lives in open.c, reading its
 * layers in store/ogr.c, the engine's atoms in atoms.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "evcols.h"
#include "fail.h"
#include "front.h"
#include "index.h"
#include "tracker_priv.h"
#include "utf8.h"
#include "util.h"

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
		free((int *)a->parties); /* a heap block also when read from the index */
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
	/* the events' strings and region lists are in t->pool or, read from
	 * the index, in its mapping (a million events need no visit then) */
	for (size_t i = 0; i < t->nevents && !t->arena; i++) {
		fl__event *e = &t->events[i];
		free(e->atoms);
		free(e->area_ref);
		free(e->corrects_id);
		if (e->polygon)
			GEOSGeom_destroy_r(h, e->polygon);
	}
	free(t->events);
	free(t->rank_own), free(t->order_own), free(t->order_pub);
	free(t->correctors);
	fl__front_free(t->front);
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
	free(t->actor_ids.slot);
	free(t->region_ids.slot);
	free(t->event_ids.slot);
	free(t->path);
	free(t->tz_name_own);
	fl__tz_free(t->tz);
	free(t->index_path);
	fl__index_unmap(t);
	fl__pool_free(&t->pool);
	fl__evcols_free(t);
	if (h)
		GEOS_finish_r(h);
	free(t);
}

const char *fl_tracker_path(const fl_tracker *t) { return t->path; }

const char *fl_tracker_time_zone(const fl_tracker *t) { return t->tz_name ? t->tz_name : "UTC"; }

uint64_t fl_tracker_sources_signature(const fl_tracker *t) { return t->source_key; }

size_t fl_tracker_actor_count(const fl_tracker *t) { return t->nactors; }
size_t fl_tracker_region_count(const fl_tracker *t) { return t->nregions; }
size_t fl_tracker_event_count(const fl_tracker *t) { return t->nevents; }
size_t fl_tracker_zone_count(const fl_tracker *t) { return t->nzones; }
const size_t *fl_tracker_event_order(const fl_tracker *t)
{
	/* the engine keeps the order as 32-bit indices (in the index's mapping
	 * when read from it); the API's size_t copy is made on first call */
	fl_tracker *w = (fl_tracker *)t;
	if (!w->order_pub && (w->order_pub = malloc((t->nevents + 1) * sizeof *w->order_pub)))
		for (size_t i = 0; i < t->nevents; i++)
			w->order_pub[i] = t->order[i];
	return w->order_pub;
}

const fl_actor *fl_tracker_actor_at(const fl_tracker *t, size_t i)
{
	return i < t->nactors ? &t->actors[i] : NULL;
}

size_t fl_tracker_actor_parties(const fl_tracker *t, size_t actor, const int **parties)
{
	const fl_actor *a = actor < t->nactors ? &t->actors[actor] : NULL;
	if (parties)
		*parties = a ? a->parties : NULL;
	return a ? a->nparties : 0;
}

const fl_region *fl_tracker_region_at(const fl_tracker *t, size_t i)
{
	return i < t->nregions ? &t->regions[i].pub : NULL;
}

const fl_event *fl_tracker_event_at(const fl_tracker *t, size_t i)
{
	return i < t->nevents ? &fl__event_at(t, i)->pub : NULL;
}

const fl_zone *fl_tracker_zone_at(const fl_tracker *t, size_t i)
{
	return i < t->nzones ? &t->zones[i].pub : NULL;
}

/* Whether event e names region r (or every region). */
static bool names_region(const fl_tracker *t, size_t e, int r)
{
	const fl_event *ev = &fl__event_at(t, e)->pub;
	bool hit = ev->all_regions;
	for (size_t i = 0; i < ev->nregions && !hit; i++)
		hit = ev->regions[i] == r;
	return hit;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* An event that names a region covers every atom of it (atoms.c): the
 * region's events are among its atoms' timelines, in apply order there.
 * Their union is sorted by rank (the timelines of several atoms
 * interleave), each event kept once and only when it names the region (an
 * event polygon over the region is in the timelines without naming it).
 * A region with no atom at all (one that the grid made empty) has no
 * timeline to read: then every event is looked at. */
fl_status fl_tracker_region_events(const fl_tracker *t, int r, size_t **out, size_t *n)
{
	if (!t || !out || !n)
		return fl__fail(FL_EARG, "fl_tracker_region_events: NULL argument");
	*out = NULL;
	*n = 0;
	if (r < 0 || (size_t)r >= t->nregions)
		return fl__fail(FL_EARG, "fl_tracker_region_events: region %d out of range (%zu regions)", r,
				t->nregions);
	size_t total = 0, natoms = 0;
	for (size_t a = 0; a < t->natoms; a++)
		if (t->atoms[a].region == r)
			total += t->atoms[a].ntl, natoms++;
	bool scan = natoms == 0;
	if (scan)
		total = t->nevents;
	/* (rank << 32 | event): sorting them sorts by rank */
	uint64_t *key = malloc((total + 1) * sizeof *key);
	if (!key)
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t k = 0;
	for (size_t a = 0; a < t->natoms && !scan; a++)
		for (size_t j = 0; t->atoms[a].region == r && j < t->atoms[a].ntl; j++) {
			uint32_t e = t->atoms[a].tl[j];
			key[k++] = (uint64_t)t->rank[e] << 32 | e;
		}
	for (size_t i = 0; scan && i < t->nevents; i++) /* already in apply order */
		key[k++] = (uint64_t)i << 32 | t->order[i];
	if (natoms > 1)
		qsort(key, k, sizeof *key, cmp_u64);
	size_t *v = malloc((k + 1) * sizeof *v), m = 0;
	if (!v) {
		free(key);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < k; j++) {
		size_t e = (size_t)(key[j] & 0xffffffffu);
		if ((j && key[j] == key[j - 1]) || !names_region(t, e, r))
			continue;
		v[m++] = e;
	}
	free(key);
	if (!m) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = m;
	return FL_OK;
}

/* Id lookups through hash maps of item indices, extended lazily to the items
 * appended since the last lookup (the loader checks every new id against the
 * ones before it: a million events must stay linear). */

typedef const char *(*key_fn)(const fl_tracker *t, size_t i);
static const char *actor_key(const fl_tracker *t, size_t i) { return t->actors[i].id; }
static const char *region_key(const fl_tracker *t, size_t i) { return t->regions[i].pub.id; }
static const char *event_key(const fl_tracker *t, size_t i) { return fl__event_at(t, i)->pub.id; }

#define SLOT_ITEM(v) ((size_t)((v) & 0xffffffffu) - 1)
#define SLOT_HASH(v) ((uint32_t)((v) >> 32))

static void map_insert(const fl_tracker *t, fl__idmap *m, key_fn key, size_t i)
{
	if (!m->slot)
		return;
	const char *k = key(t, i);
	uint64_t h = fl__mix64(fl__hash_str(k));
	size_t j = h & (m->cap - 1);
	for (; m->slot[j]; j = (j + 1) & (m->cap - 1))
		if (SLOT_HASH(m->slot[j]) == (uint32_t)(h >> 32) && strcmp(key(t, SLOT_ITEM(m->slot[j])), k) == 0)
			return; /* a duplicate id: the first one wins, as a scan would find */
	m->slot[j] = (h >> 32 << 32) | (uint64_t)(i + 1);
}

/* A zeroed table of cap slots.  Looking up a million event ids probes a
 * 16 MB table at random: in 2 MB pages (where the kernel gives them when
 * asked) each probe costs a cache miss, not also a TLB miss. */
static uint64_t *slots_new(size_t cap)
{
	size_t bytes = cap * sizeof(uint64_t), huge = (size_t)2 << 20;
	if (bytes < 2 * huge)
		return calloc(cap, sizeof(uint64_t));
	uint64_t *v = aligned_alloc(huge, bytes); /* (bytes is a multiple of huge) */
	if (!v)
		return NULL;
	madvise(v, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
	memset(v, 0, bytes);
	return v;
}

static int map_find(const fl_tracker *t, fl__idmap *m, key_fn key, size_t n, const char *id)
{
	if (!id)
		return FL_NONE;
	if (m->indexed > n) /* items were dropped (a failed load being undone): start over */
		m->indexed = 0, free(m->slot), m->slot = NULL, m->cap = 0;
	if (2 * n + 2 > m->cap) { /* grow, and re-insert everything */
		size_t cap = 64;
		while (cap < 2 * n + 2)
			cap *= 2;
		uint64_t *slot = slots_new(cap);
		if (!slot) { /* out of memory: fall back to a scan */
			for (size_t i = 0; i < n; i++)
				if (strcmp(key(t, i), id) == 0)
					return (int)i;
			return FL_NONE;
		}
		free(m->slot);
		m->slot = slot;
		m->cap = cap;
		m->indexed = 0;
	}
	if (!m->slot)
		return FL_NONE;
	for (; m->indexed < n; m->indexed++)
		map_insert(t, m, key, m->indexed);
	uint64_t h = fl__mix64(fl__hash_str(id));
	size_t j = h & (m->cap - 1);
	for (; m->slot[j]; j = (j + 1) & (m->cap - 1))
		if (SLOT_HASH(m->slot[j]) == (uint32_t)(h >> 32) && strcmp(key(t, SLOT_ITEM(m->slot[j])), id) == 0)
			return (int)SLOT_ITEM(m->slot[j]);
	return FL_NONE;
}

/* The maps are a cache: lookups through a const tracker may extend them. */
int fl_tracker_find_actor(const fl_tracker *t, const char *id)
{
	return map_find(t, (fl__idmap *)&t->actor_ids, actor_key, t->nactors, id);
}

int fl_tracker_find_region(const fl_tracker *t, const char *id)
{
	return map_find(t, (fl__idmap *)&t->region_ids, region_key, t->nregions, id);
}

int fl_tracker_find_event(const fl_tracker *t, const char *id)
{
	return map_find(t, (fl__idmap *)&t->event_ids, event_key, t->nevents, id);
}

#define FL__IDS_LISTED 20

char *fl__actor_ids_text(const fl_tracker *t)
{
	/* the actors of the layer: contested ground's holders come after them */
	size_t n = t->nactors, len = 32;
	while (n && t->actors[n - 1].nparties)
		n--;
	for (size_t i = 0; i < n && i < FL__IDS_LISTED; i++)
		len += strlen(t->actors[i].id) + 2;
	char *s = malloc(len);
	if (!s)
		return NULL;
	size_t used = 0;
	if (!n)
		used += (size_t)snprintf(s, len, "none");
	for (size_t i = 0; i < n && i < FL__IDS_LISTED; i++)
		used += (size_t)snprintf(s + used, len - used, "%s%s", i ? ", " : "", t->actors[i].id);
	if (n > FL__IDS_LISTED)
		snprintf(s + used, len - used, " and %zu more", n - FL__IDS_LISTED);
	return s;
}

bool fl__actor_contested(const fl_tracker *t, int a)
{
	return a >= 0 && (size_t)a < t->nactors && t->actors[a].nparties;
}

char *fl__actor_parties_text(const fl_tracker *t, int a, const char *sep)
{
	if (!fl__actor_contested(t, a))
		return NULL;
	const fl_actor *c = &t->actors[a];
	size_t len = 1;
	for (size_t i = 0; i < c->nparties; i++)
		len += strlen(t->actors[c->parties[i]].id) + strlen(sep);
	char *s = malloc(len);
	if (!s)
		return NULL;
	size_t used = 0;
	for (size_t i = 0; i < c->nparties; i++)
		used += (size_t)snprintf(s + used, len - used, "%s%s", i ? sep : "",
					 t->actors[c->parties[i]].id);
	return s;
}

bool fl__actor_holds(const fl_tracker *t, int a)
{
	return a >= 0 && (size_t)a < t->nactors && strcmp(t->actors[a].kind, "presence") != 0;
}

const char *fl_event_kind_name(fl_event_kind k)
{
	static const char *const n[] = {"capture", "handover", "withdrawal", "agreement",
					"baseline", "correction", "retraction"};
	return (unsigned)k < 7 ? n[k] : "unknown";
}

const char *fl_event_status_name(fl_event_status s)
{
	static const char *const n[] = {"claimed", "confirmed", "disputed"};
	return (unsigned)s < 3 ? n[s] : "unknown";
}

fl_status fl_event_kind_parse(const char *text, fl_event_kind *out)
{
	for (int k = FL_KIND_CAPTURE; text && k <= FL_KIND_RETRACTION; k++)
		if (!strcmp(text, fl_event_kind_name((fl_event_kind)k))) {
			*out = (fl_event_kind)k;
			return FL_OK;
		}
	if (!text || !fl__utf8_valid(text))
		return fl__fail(FL_EARG, "`kind`: %s", text ? "not UTF-8" : "missing");
	return fl__fail(FL_EARG, "`kind` %s: unknown kind (capture, handover, withdrawal, agreement, "
			"baseline, correction, retraction)", text);
}

fl_status fl_event_status_parse(const char *text, fl_event_status *out)
{
	for (int s = FL_STATUS_CLAIMED; text && s <= FL_STATUS_DISPUTED; s++)
		if (!strcmp(text, fl_event_status_name((fl_event_status)s))) {
			*out = (fl_event_status)s;
			return FL_OK;
		}
	if (!text || !fl__utf8_valid(text))
		return fl__fail(FL_EARG, "`status`: %s", text ? "not UTF-8" : "missing");
	return fl__fail(FL_EARG, "`status` %s: unknown status (claimed, confirmed, disputed)", text);
}
