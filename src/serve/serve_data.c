/*
 * serve_data.c: what `frontline serve` serves, as feature sets.
 *
 * The library hands a snapshot, a diff or a tracker layer as features, each
 * as GeoJSON bytes with its box (exactly the features `frontline snapshot`
 * prints, without whitespace); a set of them (serve_fset.c) is made once,
 * and a response is then a filter over the set and a concatenation of
 * bytes: no geometry work and no library call per request.
 *
 * Snapshots and diffs are cached (serve_cache.c, within the server's byte
 * limit) under a key that is the number of events applied at each instant:
 * two instants with no event between them give the same map, so a viewer
 * scrubbing day by day through a quiet month hits one entry.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

static int cmp_instant(const void *a, const void *b)
{
	fl_instant x = *(const fl_instant *)a, y = *(const fl_instant *)b;
	return x < y ? -1 : x > y;
}

/* An instant written as a date (side: FL_DATE_START or FL_DATE_END) or as a
 * date-time, read back as a request's datetime would be: the temporal
 * extent the layer's text says (a zone valid to a day is valid all that day). */
static fl_instant as_written(const fl_tracker *tr, fl_instant t, int date_only, fl_date_side side)
{
	char buf[32];
	if (date_only)
		fl_tracker_format_date(tr, t, buf, sizeof buf);
	else
		fl_tracker_format_instant(tr, t, buf, sizeof buf);
	fl_instant v;
	if (fl_tracker_parse_date(tr, buf, side, "datetime", &v) != FL_OK) {
		fl_error_clear();
		return t;
	}
	return v;
}

/* The temporal extent of each feature of a layer: an event's instant, a
 * zone's days of validity; NULL for the regions (or out of memory: *oom). */
static sv_time *layer_times(fl_tracker *t, const char *name, size_t n, int *oom)
{
	int events = strcmp(name, "events") == 0, zones = strcmp(name, "zones") == 0;
	if (!events && !zones)
		return NULL;
	sv_time *v = malloc((n ? n : 1) * sizeof *v);
	const size_t *order = events ? fl_tracker_event_order(t) : NULL;
	if (!v || (events && n && !order)) {
		free(v);
		*oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (events) {
			fl_instant w = fl_tracker_event_at(t, order[i])->when;
			v[i].t0 = v[i].t1 = as_written(t, w, 0, FL_DATE_START);
		} else {
			const fl_zone *z = fl_tracker_zone_at(t, i);
			v[i].t0 = as_written(t, z->valid_from, 1, FL_DATE_START);
			v[i].t1 = z->has_end ? as_written(t, z->valid_to, 1, FL_DATE_END) : INT64_MAX;
		}
	}
	return v;
}

static sv_fset *layer(fl_tracker *t, const char *name, char *err, size_t errlen)
{
	fl_features *ff = NULL;
	if (fl_tracker_layer_features(t, name, &ff) != FL_OK) {
		snprintf(err, errlen, "%s: %s", name, fl_error_last());
		return NULL;
	}
	int oom = 0;
	sv_time *times = layer_times(t, name, fl_features_count(ff), &oom);
	sv_fset *f = oom ? NULL : sv_fset_make(ff, times, err, errlen);
	if (oom)
		snprintf(err, errlen, "%s: out of memory", name);
	free(times);
	fl_features_free(ff);
	return f;
}

int sv_server_init(sv_server *s, fl_tracker *t, size_t cache_bytes, char *err, size_t errlen)
{
	s->t = t;
	pthread_mutex_init(&s->lib_lock, NULL);
	pthread_mutex_init(&s->base_lock, NULL);
	s->attribution = fl_tracker_attribution(t);
	int oom = sv_cache_init(&s->cache, cache_bytes);
	s->nwhen = fl_tracker_event_count(t);
	s->when = malloc((s->nwhen ? s->nwhen : 1) * sizeof *s->when);
	if (!s->when || oom) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->nwhen; i++)
		s->when[i] = fl_tracker_event_at(t, i)->when;
	qsort(s->when, s->nwhen, sizeof *s->when, cmp_instant);
	if (!(s->fixed[SV_REGIONS] = layer(t, "regions", err, errlen)) ||
	    !(s->fixed[SV_ZONES] = layer(t, "zones", err, errlen)) ||
	    !(s->fixed[SV_EVENTS] = layer(t, "events", err, errlen)) ||
	    sv_places_init(s, err, errlen))
		return 1;
	int has = 0;
	const sv_fset *r = s->fixed[SV_REGIONS];
	for (size_t i = 0; i < r->n; i++) {
		if (!r->v[i].has_env)
			continue;
		const double *e = r->v[i].env;
		if (!has) {
			memcpy(s->extent, e, sizeof s->extent);
			has = 1;
		}
		s->extent[0] = e[0] < s->extent[0] ? e[0] : s->extent[0];
		s->extent[1] = e[1] < s->extent[1] ? e[1] : s->extent[1];
		s->extent[2] = e[2] > s->extent[2] ? e[2] : s->extent[2];
		s->extent[3] = e[3] > s->extent[3] ? e[3] : s->extent[3];
	}
	if (!has) {
		s->extent[0] = -180, s->extent[1] = -90, s->extent[2] = 180, s->extent[3] = 90;
	}
	s->actors = json_object_new_array();
	for (size_t i = 0; i < fl_tracker_actor_count(t); i++) {
		const fl_actor *a = fl_tracker_actor_at(t, i);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(a->id));
		json_object_object_add(o, "name", json_object_new_string(a->name));
		json_object_object_add(o, "color", json_object_new_string(a->color));
		json_object_object_add(o, "kind", json_object_new_string(a->kind));
		json_object_array_add(s->actors, o);
	}
	return 0;
}

void sv_server_free(sv_server *s)
{
	for (int i = 0; i < SV_NCOLL; i++)
		sv_fset_release(s->fixed[i]);
	if (s->cache.buckets)
		sv_cache_free(&s->cache);
	free(s->when);
	json_object_put(s->actors);
	fl_free(s->attribution);
	sv_basemap_free(s);
	sv_places_free(s);
	fl_tileset_free(s->tiles);
	pthread_mutex_destroy(&s->lib_lock);
}

/* Number of events with instant <= at. */
static size_t applied(const sv_server *s, fl_instant at)
{
	size_t lo = 0, hi = s->nwhen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->when[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static sv_fset *compute(sv_server *s, sv_coll c, fl_instant t1, fl_instant t2, size_t k1,
			size_t k2, int *hit, char *err, size_t errlen, int *status)
{
	const size_t key[3] = {(size_t)c, k1, k2}; /* its key in the cache */
	sv_fset *f = sv_cache_set(&s->cache, key, sizeof key);
	if (hit)
		*hit = f != NULL;
	if (f)
		return f;
	pthread_mutex_lock(&s->lib_lock);
	f = sv_cache_set(&s->cache, key, sizeof key); /* built by another thread meanwhile? */
	if (!f) {
		fl_features *ff = NULL;
		fl_status st;
		fl_query q = fl_query_at(t2);
		if (c == SV_CONTROL) {
			fl_snapshot *snap = NULL;
			st = fl_snapshot_new(s->t, &q, FL_BY_REGION, &snap);
			if (!st)
				st = fl_snapshot_features(snap, &ff);
			fl_snapshot_free(snap);
		} else if (c == SV_FRONT) {
			st = sv_front_features(s, &q, &ff);
		} else if (c == SV_PLACES) {
			st = fl_places_features(s->places, &q, &ff);
		} else {
			fl_diff *d = NULL;
			st = fl_diff_new(s->t, &q, t1, t2, FL_BY_REGION, &d);
			if (!st)
				st = fl_diff_features(d, &ff);
			fl_diff_free(d);
		}
		if (st) {
			snprintf(err, errlen, "%s", fl_error_last());
			*status = st == FL_EARG ? 400 : 500;
		} else {
			f = sv_fset_make(ff, NULL, err, errlen);
			*status = 500;
			if (f)
				sv_cache_put_set(&s->cache, key, sizeof key, f);
		}
		fl_features_free(ff);
	}
	pthread_mutex_unlock(&s->lib_lock);
	return f;
}

sv_fset *sv_control(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen,
		    int *status)
{
	size_t k = applied(s, at);
	return compute(s, SV_CONTROL, at, at, k, k, hit, err, errlen, status);
}

sv_fset *sv_front(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen, int *status)
{
	size_t k = applied(s, at);
	return compute(s, SV_FRONT, at, at, k, k, hit, err, errlen, status);
}

sv_fset *sv_changes(sv_server *s, fl_instant t1, fl_instant t2, int *hit, char *err,
		    size_t errlen, int *status)
{
	if (t1 > t2) {
		snprintf(err, errlen, "the interval ends before it starts");
		*status = 400;
		return NULL;
	}
	return compute(s, SV_CHANGES, t1, t2, applied(s, t1), applied(s, t2), hit, err, errlen,
		       status);
}

sv_fset *sv_places(sv_server *s, fl_instant at, int *hit, char *err, size_t errlen, int *status)
{
	size_t k = applied(s, at);
	return compute(s, SV_PLACES, at, at, k, k, hit, err, errlen, status);
}
