/*
 * export.c: control over time as periods, and the time-enabled export.
 *
 * Each atom's timeline, replayed with the query's filters, is a sequence of
 * holders; a period is a maximal run of one holder, [start, next change).
 * Periods of the atoms of one region that agree on holder, start, end and
 * starting event are joined (coverage union) into one feature: with
 * region-only events that is one feature per region per period.  The
 * periods cover exactly what snapshots show: at any T, the features with
 * valid_from <= T < valid_to are the snapshot's pieces, which is what QGIS's
 * Temporal Controller and Google Earth's time slider need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "evcols.h"
#include "fail.h"
#include "geo.h"
#include "periods.h"
#include "replay.h"
#include "sink.h"
#include "store/copy.h"
#include "store/store.h"
#include "tracker_priv.h"
#include "util.h"

struct fl_periods {
	const fl_tracker *t;
	fl_period *v;
	GEOSGeometry **geoms;
	unsigned char **wkb;
	size_t *wkblen;
	size_t n;
};

typedef struct pent {
	fl_period p;
	size_t atom;
} pent;

static int cmp_pent(const void *a, const void *b)
{
	const fl_period *x = &((const pent *)a)->p, *y = &((const pent *)b)->p;
	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->has_to != y->has_to)
		return x->has_to > y->has_to ? -1 : 1;
	if (x->has_to && x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->holder != y->holder)
		return x->holder < y->holder ? -1 : 1;
	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	if (x->uncertain != y->uncertain)
		return x->uncertain < y->uncertain ? -1 : 1;
	const pent *pa = a, *pb = b;
	return pa->atom < pb->atom ? -1 : pa->atom > pb->atom;
}

static bool same_group(const fl_period *x, const fl_period *y)
{
	return x->region == y->region && x->holder == y->holder && x->event == y->event &&
	       x->uncertain == y->uncertain &&
	       x->from == y->from && x->has_to == y->has_to && (!x->has_to || x->to == y->to);
}

/* The periods v[first, *n) of one atom, each split where its event's date
 * admits a period: [from, latest) uncertain, [latest, to) sure.  false when
 * memory runs out. */
static bool split_uncertain(const fl_tracker *t, pent **v, size_t *cap, size_t first, size_t *n)
{
	size_t extra = 0;
	for (size_t i = first; i < *n; i++) {
		const fl_period *p = &(*v)[i].p;
		fl_instant l = t->ec.latest[p->event];
		extra += l > p->from && (!p->has_to || p->to > l);
	}
	pent *nv = fl__grow(*v, cap, *n + extra + 1, sizeof *nv);
	if (!nv)
		return false;
	*v = nv;
	size_t j = *n + extra;
	for (size_t i = *n; i-- > first;) {
		pent x = nv[i];
		fl_instant l = t->ec.latest[x.p.event];
		if (l <= x.p.from) {
			nv[--j] = x;
			continue;
		}
		if (!x.p.has_to || x.p.to > l) {
			pent sure = x;
			sure.p.from = l;
			nv[--j] = sure;
			x.p.to = l;
			x.p.has_to = 1;
		}
		x.p.uncertain = 1;
		nv[--j] = x;
	}
	*n += extra;
	return true;
}

fl_status fl_periods_new(const fl_tracker *t, const fl_query *filters, fl_periods **out)
{
	if (!t || !out)
		return fl__fail(FL_EARG, "fl_periods_new: NULL argument");
	*out = NULL;
	fl_query q = filters ? *filters : fl_query_at(0);
	unsigned char *active = fl__active_events(t, &q);
	size_t cap = 0, n = 0;
	pent *v = NULL;
	bool uncertain = fl__uncertain_span(t) > 0;
	fl_status st = active ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t a = 0; a < t->natoms && !st; a++) {
		const fl__atom *at = &t->atoms[a];
		int h = FL_NONE, ev = FL_NONE;
		fl_instant from = 0;
		size_t first = n; /* this atom's periods start here */
		for (size_t k = 0; k <= at->ntl && !st; k++) {
			bool end = k == at->ntl;
			size_t e = end ? 0 : at->tl[k];
			if (!end && (!active[e] || t->ec.to[e] == h))
				continue;
			fl_instant when = end ? 0 : t->ec.when[e];
			if (h != FL_NONE && (end || when > from)) {
				pent *nv = fl__grow(v, &cap, n + 1, sizeof *nv);
				if (!nv) {
					st = fl__fail(FL_ENOMEM, "out of memory");
					break;
				}
				v = nv;
				v[n++] = (pent){{at->region, h, ev, from, when, !end, 0, 0}, a};
			} else if (!end && h != FL_NONE && n > first && v[n - 1].p.holder == t->ec.to[e] &&
				   v[n - 1].p.to == when) {
				/* a zero-length period between two of the same holder: rejoin them */
				n--;
				h = v[n].p.holder;
				ev = v[n].p.event;
				from = v[n].p.from;
				continue;
			}
			if (end)
				break;
			h = t->ec.to[e];
			ev = (int)e;
			from = when;
		}
		if (!st && uncertain && !split_uncertain(t, &v, &cap, first, &n))
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	free(active);
	fl_periods *p = calloc(1, sizeof *p);
	if (!st && !p)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (st) {
		free(v), free(p);
		return st;
	}
	p->t = t;
	if (v) /* NULL when no atom had a period */
		qsort(v, n, sizeof *v, cmp_pent);
	p->v = calloc(n + 1, sizeof *p->v);
	p->geoms = calloc(n + 1, sizeof *p->geoms);
	p->wkb = calloc(n + 1, sizeof *p->wkb);
	p->wkblen = calloc(n + 1, sizeof *p->wkblen);
	size_t *parts = calloc(n + 1, sizeof *parts);
	if (!p->v || !p->geoms || !p->wkb || !p->wkblen || !parts)
		st = fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !st;) {
		size_t j = i, np = 0;
		fl_period g = v[i].p;
		g.area_km2 = 0;
		for (; j < n && same_group(&v[j].p, &v[i].p); j++) {
			parts[np++] = v[j].atom;
			g.area_km2 += t->atoms[v[j].atom].area_km2;
		}
		GEOSGeometry *geom = fl__atoms_union(t, parts, np);
		if (!geom) {
			st = fl__fail(FL_EGEOM, "union of the pieces failed: %s", fl_error_last());
			break;
		}
		p->geoms[p->n] = geom;
		p->v[p->n++] = g;
		i = j;
	}
	free(parts);
	free(v);
	return FL__HAND_OVER(st, p, fl_periods_free, out);
}

void fl_periods_free(fl_periods *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		if (p->geoms && p->geoms[i])
			GEOSGeom_destroy_r(p->t->geos, p->geoms[i]);
		if (p->wkb)
			free(p->wkb[i]);
	}
	free(p->geoms), free(p->wkb), free(p->wkblen), free(p->v);
	free(p);
}

size_t fl_periods_count(const fl_periods *p) { return p->n; }

const fl_period *fl_periods_at(const fl_periods *p, size_t i)
{
	return i < p->n ? &p->v[i] : NULL;
}

const unsigned char *fl_periods_wkb(const fl_periods *p, size_t i, size_t *len)
{
	if (i >= p->n)
		return NULL;
	fl_periods *m = (fl_periods *)p; /* lazily filled cache */
	if (!m->wkb[i])
		m->wkb[i] = fl__geos_to_wkb(p->t->geos, p->geoms[i], &m->wkblen[i]);
	*len = m->wkblen[i];
	return m->wkb[i];
}

const GEOSGeometry *fl__periods_geom(const fl_periods *p, size_t i)
{
	return i < p->n ? p->geoms[i] : NULL;
}

/* ---------------------------------------------------------------- export */
static fl_status copy_into(void *ctx, const char *name, void *layer)
{
	return fl__copy_layer(layer, ctx, name, NULL);
}

fl_status fl_export_write(const fl_tracker *t, const fl_query *filters, const char *path,
			  const char *format)
{
	if (!t)
		return fl__fail(FL_EARG, "fl_export_write: NULL argument");
	static const fl__field fields[] = {
		{"region", FL__STR},	  {"name", FL__STR},	    {"holder", FL__STR},
		{"holder_name", FL__STR}, {"event", FL__STR},	    {"kind", FL__STR},
		{"source", FL__STR},	  {"status", FL__STR},	    {"valid_from", FL__DATETIME},
		{"valid_to", FL__DATETIME}, {"area_km2", FL__REAL}, {"uncertain", FL__BOOL},
		{"uncertain_from", FL__DATETIME}, {"uncertain_to", FL__DATETIME}, {"contested", FL__STR}};
	enum { NF = sizeof fields / sizeof fields[0] };
	const char *driver;
	fl_status st = fl__resolve_format(path, format, &driver);
	if (st)
		return st;
	fl_periods *p = NULL;
	st = fl_periods_new(t, filters, &p);
	if (st)
		return st;
	fl__sink *k = NULL;
	st = fl__sink_open(path, driver, "control", fields, NF, true, &k);
	if (st) {
		fl_periods_free(p);
		return st;
	}
	fl__sink_zone(k, t->tz); /* valid_from/valid_to with the tracker's offset */
	fl__sink_actor_styles(k, t);
	for (size_t i = 0; i < p->n && !st; i++) {
		const fl_period *x = &p->v[i];
		const fl_region *r = x->region != FL_NONE ? &t->regions[x->region].pub : NULL;
		const fl_actor *a = &t->actors[x->holder];
		const fl_event *e = &fl__event_at(t, (size_t)x->event)->pub;
		/* contested ground: no one holder, its parties ("AM;AZ") instead */
		char *parties = fl__actor_parties_text(t, x->holder, ";");
		fl__value v[NF];
		memset(v, 0, sizeof v);
		v[0] = (fl__value){.null = !r, .s = r ? r->id : NULL};
		v[1] = (fl__value){.null = !r, .s = r ? r->name : NULL};
		v[2] = (fl__value){.null = parties != NULL, .s = parties ? NULL : a->id};
		v[3] = (fl__value){.s = a->name};
		v[4] = (fl__value){.s = e->id};
		v[5] = (fl__value){.s = fl_event_kind_name(e->kind)};
		v[6] = (fl__value){.s = e->source};
		v[7] = (fl__value){.s = fl_event_status_name(e->status)};
		v[8] = (fl__value){.t = x->from};
		v[9] = (fl__value){.null = !x->has_to, .t = x->to};
		v[10] = (fl__value){.d = x->area_km2};
		/* the event's period, on the pieces that lie in it */
		v[11] = (fl__value){.i = x->uncertain};
		v[12] = (fl__value){.null = !x->uncertain, .t = e->when};
		v[13] = (fl__value){.null = !x->uncertain, .t = e->latest};
		v[14] = (fl__value){.null = !parties, .s = parties};
		fl__sink_actor_style(k, a->id);
		/* KML: also the placemark's <TimeSpan>, for Google Earth's slider */
		fl__sink_timespan(k, x->from, x->has_to, x->to);
		st = fl__sink_add(k, v, t->geos, p->geoms[i]);
		free(parties);
	}
	/* a GeoPackage is also the tracker itself: its own layers as they are */
	if (!st && !strcmp(driver, "GPKG"))
		st = fl__store_each_layer(t->path, copy_into, fl__sink_dataset(k));
	fl_periods_free(p);
	if (st)
		fl__sink_abort(k);
	else
		st = fl__sink_commit(k);
	return st;
}
