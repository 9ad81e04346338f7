/*
 * places_write.c: places written back through GDAL with their holders, or
 * the places that changed hands, and places as features
 * (frontline/places.h).
 *
 * A place keeps its layer's fields (as read: numbers as numbers, anything
 * else as its text) and gains the fields of the answer after them; a field
 * of the layer named like one of those (in any case) gives way to it, so
 * that the output of `frontline places` can be read again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "evcols.h"
#include "fail.h"
#include "features_priv.h"
#include "places_priv.h"
#include "tracker_priv.h"

static const fl__field state_fields[] = {{"holder", FL__STR}, {"holder_name", FL__STR},
					 {"since", FL__DATE},	{"event", FL__STR},
					 {"status", FL__STR},	{"uncertain", FL__BOOL}};
#define NSTATE (sizeof state_fields / sizeof state_fields[0])
static const fl__field change_fields[] = {
	{"from", FL__STR}, {"to", FL__STR}, {"events", FL__STR}, {"dates", FL__STR}};
#define NCHANGE (sizeof change_fields / sizeof change_fields[0])

/* The fields written: the layer's own that are kept (own[k] is the
 * layer's index of field k), then the answer's. */
typedef struct layout {
	fl__field *f;
	size_t *own;
	size_t nown, n;
	fl__value *v;          /* one feature's values */
} layout;

static void layout_free(layout *L)
{
	free(L->f);
	free(L->own);
	free(L->v);
}

static fl_status layout_make(const fl_places *p, const fl__field *add, size_t nadd, layout *L)
{
	memset(L, 0, sizeof *L);
	L->f = calloc(p->nfields + nadd + 1, sizeof *L->f);
	L->own = calloc(p->nfields + 1, sizeof *L->own);
	L->v = calloc(p->nfields + nadd + 1, sizeof *L->v);
	if (!L->f || !L->own || !L->v) {
		layout_free(L);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < p->nfields; j++) {
		size_t a = 0;
		while (a < nadd && strcasecmp(add[a].name, p->fields[j].name))
			a++;
		if (a < nadd)
			continue;
		L->own[L->nown] = j;
		L->f[L->nown++] = p->fields[j];
	}
	L->n = L->nown;
	for (size_t a = 0; a < nadd; a++)
		L->f[L->n++] = add[a];
	return FL_OK;
}

/* Place i's own values into L->v[0, nown). */
static void own_values(const fl_places *p, layout *L, size_t i)
{
	for (size_t k = 0; k < L->nown; k++) {
		const char *text = p->vals[i * p->nfields + L->own[k]];
		fl__value *v = &L->v[k];
		memset(v, 0, sizeof *v);
		v->null = !text;
		if (!text)
			continue;
		switch (L->f[k].type) {
		case FL__INT:
		case FL__BOOL: v->i = strtoll(text, NULL, 10); break;
		case FL__REAL: v->d = strtod(text, NULL); break;
		default: v->s = text; break;
		}
	}
}

/* A 2D point as ISO WKB in the machine's byte order (malloc'd). */
static unsigned char *point_wkb(double x, double y, size_t *len)
{
	unsigned char *w = malloc(21);
	if (!w)
		return NULL;
	const uint16_t one = 1;
	uint32_t type = 1;
	w[0] = *(const unsigned char *)&one; /* 1: little-endian, 0: big-endian, as the machine's */
	memcpy(w + 1, &type, 4);
	memcpy(w + 5, &x, 8);
	memcpy(w + 13, &y, 8);
	*len = 21;
	return w;
}

/* Add place i with the values of L->v to k. */
static fl_status add_place(fl__sink *k, const fl_places *p, const layout *L, size_t i)
{
	size_t len = 0;
	unsigned char *wkb = point_wkb(p->v[i].lon, p->v[i].lat, &len);
	if (!wkb)
		return fl__fail(FL_ENOMEM, "out of memory");
	return fl__sink_add_wkb(k, L->v, wkb, len);
}

static fl_status finish(fl__sink *k, fl_status st, unsigned char **buf, size_t *len)
{
	if (st) {
		fl__sink_abort(k);
		return st;
	}
	return buf ? fl__sink_commit_mem(k, buf, len) : fl__sink_commit(k);
}

static fl_status state_emit(const fl_places *p, const fl_query *q, const char *path,
			    const char *format, unsigned char **buf, size_t *len)
{
	if (!p || !q)
		return fl__fail(FL_EARG, "fl_places_write: NULL argument");
	const fl_tracker *t = p->t;
	fl_place_state *s = malloc((p->n + 1) * sizeof *s);
	if (!s)
		return fl__fail(FL_ENOMEM, "out of memory");
	layout L;
	fl_status st = fl_places_state(p, q, s);
	if (!st)
		st = layout_make(p, state_fields, NSTATE, &L);
	if (st) {
		free(s);
		return st;
	}
	fl__sink *k = NULL;
	st = fl__sink_open(path, format, "places", L.f, L.n, true, &k);
	if (!st)
		fl__sink_zone(k, t->tz); /* dates are the tracker's */
	for (size_t i = 0; !st && i < p->n; i++) {
		own_values(p, &L, i);
		const fl_place_state *x = &s[i];
		const fl_actor *h = x->holder != FL_NONE ? &t->actors[x->holder] : NULL;
		fl__value *v = L.v + L.nown;
		v[0] = (fl__value){.null = !h, .s = h ? h->id : NULL};
		v[1] = (fl__value){.null = !h, .s = h ? h->name : NULL};
		v[2] = (fl__value){.null = !x->has_since, .t = x->since};
		v[3] = (fl__value){.null = x->event == FL_NONE,
				   .s = x->event == FL_NONE ? NULL : fl__event_at(t, (size_t)x->event)->pub.id};
		v[4] = (fl__value){.s = x->status};
		v[5] = (fl__value){.i = x->uncertain};
		st = add_place(k, p, &L, i);
	}
	if (k)
		st = finish(k, st, buf, len);
	layout_free(&L);
	free(s);
	return st;
}

fl_status fl_places_write(const fl_places *p, const fl_query *q, const char *path,
			  const char *format)
{
	return state_emit(p, q, path, format, NULL, NULL);
}

fl_status fl_places_write_buffer(const fl_places *p, const fl_query *q, const char *format,
				 unsigned char **buf, size_t *len)
{
	if (!buf || !len)
		return fl__fail(FL_EARG, "fl_places_write_buffer: NULL argument");
	return state_emit(p, q, NULL, format ? format : "GeoJSON", buf, len);
}

fl_status fl_places_features(const fl_places *p, const fl_query *q, fl_features **out)
{
	if (!p || !q || !out)
		return fl__fail(FL_EARG, "fl_places_features: NULL argument");
	*out = NULL;
	const char **keys = calloc(p->n + 1, sizeof *keys);
	char *fids = malloc((p->n + 1) * 24);
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = keys && fids ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < p->n; i++) {
		keys[i] = p->v[i].name;
		if (!keys[i]) {
			snprintf(fids + i * 24, 24, "%lld", p->v[i].fid);
			keys[i] = fids + i * 24;
		}
	}
	if (!st)
		st = fl_places_write_buffer(p, q, "GeoJSON", &buf, &len);
	if (!st)
		st = fl__features_cut(buf, len, keys, p->n, out);
	fl_free(buf);
	free(keys);
	free(fids);
	return st;
}

/* ---------------------------------------------------------------- changes */

/* The ids (dates: 0) or dates (1) of change c's events, comma-separated
 * (malloc'd). */
static char *event_list(const fl_tracker *t, const fl_place_change *c, int dates)
{
	size_t len = 1;
	for (size_t e = 0; e < c->nevents; e++)
		len += (dates ? 32 : strlen(fl__event_at(t, (size_t)c->events[e])->pub.id)) + 1;
	char *s = malloc(len), *o = s;
	if (!s)
		return NULL;
	*o = 0;
	for (size_t e = 0; e < c->nevents; e++) {
		char d[32];
		const char *item = d;
		if (dates)
			fl_tracker_format_date(t, t->ec.when[c->events[e]], d, sizeof d);
		else
			item = fl__event_at(t, (size_t)c->events[e])->pub.id;
		o += sprintf(o, "%s%s", e ? "," : "", item);
	}
	return s;
}

static fl_status change_emit(const fl_places_diff *d, const char *path, const char *format)
{
	if (!d)
		return fl__fail(FL_EARG, "fl_places_diff_write: NULL argument");
	const fl_places *p = d->p;
	const fl_tracker *t = p->t;
	layout L;
	fl_status st = layout_make(p, change_fields, NCHANGE, &L);
	if (st)
		return st;
	fl__sink *k = NULL;
	st = fl__sink_open(path, format, "place_changes", L.f, L.n, true, &k);
	for (size_t i = 0; !st && i < d->n; i++) {
		const fl_place_change *c = &d->v[i];
		own_values(p, &L, c->place);
		char *ids = event_list(t, c, 0), *dates = event_list(t, c, 1);
		fl__value *v = L.v + L.nown;
		v[0] = (fl__value){.null = c->from == FL_NONE,
				   .s = c->from == FL_NONE ? NULL : t->actors[c->from].id};
		v[1] = (fl__value){.null = c->to == FL_NONE,
				   .s = c->to == FL_NONE ? NULL : t->actors[c->to].id};
		v[2] = (fl__value){.s = ids};
		v[3] = (fl__value){.s = dates};
		st = ids && dates ? add_place(k, p, &L, c->place) : fl__fail(FL_ENOMEM, "out of memory");
		free(ids);
		free(dates);
	}
	if (k)
		st = finish(k, st, NULL, NULL);
	layout_free(&L);
	return st;
}

fl_status fl_places_diff_write(const fl_places_diff *d, const char *path, const char *format)
{
	return change_emit(d, path, format);
}
