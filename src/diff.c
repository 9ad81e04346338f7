/*
 * diff.c: what changed between two instants.
 *
 * For each atom the holders at t1 and t2 come from two binary searches in its
 * timeline; atoms whose holder differs are grouped by (region, from, to) or by
 * (from, to), their areas summed, their geometries joined by coverage union,
 * and the events of (t1, t2] that touched them collected in apply order.
 */
#include <stdlib.h>
#include <string.h>
#include "diff_priv.h"
#include "evcols.h"
#include "fail.h"
#include "pieces.h"
#include "replay.h"
#include "sink.h"
#include "tracker_priv.h"
#include "util.h"

struct fl_diff {
	const fl_tracker *t;
	fl_group by;
	fl_change *changes;
	size_t **evbuf;
	fl__piece_geom *geoms;
	unsigned char **wkb;
	size_t *wkblen;
	size_t n;
};

typedef struct dstate {
	size_t atom;
	int region, from, to;
	size_t k1, k2; /* the atom's timeline entries in (t1, t2]: [k1, k2) */
	int u1, u2;    /* the holder at t1, at t2 is uncertain */
} dstate;

static int cmp_dstate(const void *a, const void *b)
{
	const dstate *x = a, *y = b;
	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->u1 != y->u1 || x->u2 != y->u2)
		return x->u1 * 2 + x->u2 < y->u1 * 2 + y->u2 ? -1 : 1;
	return x->atom < y->atom ? -1 : x->atom > y->atom;
}

typedef struct ranked {
	size_t rank, e;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Puts a group's events in apply order: O(n log n), a group may hold most of the log. */
static bool sort_by_rank(const fl_tracker *t, size_t *ev, size_t n)
{
	if (n < 2)
		return true;
	ranked *r = malloc(n * sizeof *r);
	if (!r)
		return false;
	for (size_t i = 0; i < n; i++)
		r[i] = (ranked){t->rank[ev[i]], ev[i]};
	qsort(r, n, sizeof *r, cmp_ranked);
	for (size_t i = 0; i < n; i++)
		ev[i] = r[i].e;
	free(r);
	return true;
}

fl_status fl_diff_new(const fl_tracker *t, const fl_query *filters, fl_instant t1, fl_instant t2,
		      fl_group by, fl_diff **out)
{
	if (!t || !out)
		return fl__fail(FL_EARG, "fl_diff_new: NULL argument");
	*out = NULL;
	if (t1 > t2) {
		char a[32], b[32];
		fl_tracker_format_instant(t, t1, a, sizeof a);
		fl_tracker_format_instant(t, t2, b, sizeof b);
		return fl__fail(FL_EARG, "the first date (%s) is after the second (%s): swap them", a, b);
	}
	fl_query q = filters ? *filters : fl_query_at(t2);
	fl_diff *d = calloc(1, sizeof *d);
	dstate *st = calloc(t->natoms + 1, sizeof *st);
	unsigned char *active = fl__active_events(t, &q);
	unsigned char *seen = calloc(t->nevents + 1, 1);
	size_t *parts = calloc(t->natoms + 1, sizeof *parts);
	fl_status rc = FL_OK;
	if (!d || !st || !active || !seen || !parts) {
		free(d), free(st), free(active), free(seen), free(parts);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	d->t = t;
	d->by = by;
	size_t n = 0;
	bool uncertain = fl__uncertain_span(t) > 0;
	for (size_t a = 0; a < t->natoms; a++) {
		int h1, h2;
		size_t k1 = fl__timeline_after(t, a, t1), k2 = fl__timeline_after(t, a, t2);
		fl__atom_state_before(t, a, active, k1, &h1, NULL);
		fl__atom_state_before(t, a, active, k2, &h2, NULL);
		if (h1 == h2)
			continue;
		fl__uncertain u;
		st[n++] = (dstate){a,  by == FL_BY_ACTOR ? FL_NONE : t->atoms[a].region,
				   h1, h2, k1, k2,
				   uncertain && fl__atom_uncertain(t, a, active, t1, k1, h1, &u),
				   uncertain && fl__atom_uncertain(t, a, active, t2, k2, h2, &u)};
	}
	qsort(st, n, sizeof *st, cmp_dstate);
	d->changes = calloc(n + 1, sizeof *d->changes);
	d->evbuf = calloc(n + 1, sizeof *d->evbuf);
	d->geoms = calloc(n + 1, sizeof *d->geoms);
	d->wkb = calloc(n + 1, sizeof *d->wkb);
	d->wkblen = calloc(n + 1, sizeof *d->wkblen);
	if (!d->changes || !d->evbuf || !d->geoms || !d->wkb || !d->wkblen) {
		rc = fl__fail(FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i, np = 0;
		fl_change c = {st[i].region, st[i].from, st[i].to, 0, 0, NULL, 0, 0, st[i].u1, st[i].u2};
		size_t *ev = NULL, evcap = 0;
		for (; j < n && !cmp_dstate(&(dstate){0, st[i].region, st[i].from, st[i].to, 0, 0, st[i].u1, st[i].u2},
					    &(dstate){0, st[j].region, st[j].from, st[j].to, 0, 0, st[j].u1, st[j].u2});
		     j++) {
			const fl__atom *a = &t->atoms[st[j].atom];
			parts[np++] = st[j].atom;
			c.area_km2 += a->area_km2;
			for (size_t k = st[j].k1; k < st[j].k2; k++) {
				size_t e = a->tl[k];
				if (!active[e] || seen[e])
					continue;
				seen[e] = 1;
				size_t *nv = fl__grow(ev, &evcap, c.nevents + 1, sizeof *nv);
				if (!nv)
					break;
				ev = nv;
				ev[c.nevents++] = e;
			}
		}
		/* apply order, and reset the marks for the next group */
		bool sorted = sort_by_rank(t, ev, c.nevents);
		for (size_t x = 0; x < c.nevents; x++)
			seen[ev[x]] = 0;
		if (!sorted) {
			free(ev);
			rc = fl__fail(FL_ENOMEM, "out of memory");
			goto done;
		}
		if (c.nevents) {
			c.first = t->ec.when[ev[0]];
			c.last = t->ec.when[ev[c.nevents - 1]];
		}
		c.events = ev;
		d->evbuf[d->n] = ev;
		if (fl__piece_make(t, parts, np, &d->geoms[d->n])) {
			d->changes[d->n++] = c;
			rc = fl__fail(FL_EGEOM, "union of the changed pieces failed");
			goto done;
		}
		d->changes[d->n++] = c;
		i = j;
	}
done:
	free(st), free(active), free(seen), free(parts);
	return FL__HAND_OVER(rc, d, fl_diff_free, out);
}

void fl_diff_free(fl_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->evbuf[i]);
		fl__piece_free(d->t, &d->geoms[i]);
		free(d->wkb[i]);
	}
	free(d->evbuf), free(d->geoms), free(d->wkb), free(d->wkblen), free(d->changes);
	free(d);
}

size_t fl_diff_count(const fl_diff *d) { return d->n; }

const fl_tracker *fl__diff_tracker(const fl_diff *d) { return d->t; }

const GEOSGeometry *fl__diff_geom(const fl_diff *d, size_t i)
{
	return i < d->n ? fl__piece_geos(d->t, &d->geoms[i]) : NULL;
}

const fl_change *fl_diff_at(const fl_diff *d, size_t i)
{
	return i < d->n ? &d->changes[i] : NULL;
}

const unsigned char *fl_diff_wkb(const fl_diff *d, size_t i, size_t *len)
{
	if (i >= d->n)
		return NULL;
	fl_diff *m = (fl_diff *)d; /* lazily filled cache */
	return fl__piece_wkb_kept(d->t, &d->geoms[i], &m->wkb[i], &m->wkblen[i], len);
}

/* The ids of a change's events, comma-separated, built in one pass. */
static char *event_ids(const fl_tracker *t, const fl_change *c)
{
	size_t len = 1;
	for (size_t e = 0; e < c->nevents; e++)
		len += strlen(fl__event_at(t, c->events[e])->pub.id) + 1;
	char *ids = malloc(len), *p = ids;
	if (!ids)
		return NULL;
	for (size_t e = 0; e < c->nevents; e++) {
		const char *id = fl__event_at(t, c->events[e])->pub.id;
		size_t n = strlen(id);
		if (e)
			*p++ = ',';
		memcpy(p, id, n);
		p += n;
	}
	*p = 0;
	return ids;
}

static fl_status diff_emit(const fl_diff *d, const char *path, const char *format,
			   unsigned char **buf, size_t *len)
{
	const fl_tracker *t = d->t;
	static const fl__field by_region[] = {
		{"from", FL__STR},	     {"to", FL__STR},	      {"area_km2", FL__REAL},
		{"events", FL__STR},	     {"first_date", FL__DATE}, {"last_date", FL__DATE},
		{"region", FL__STR},	     {"name", FL__STR},	      {"uncertain_start", FL__BOOL},
		{"uncertain_end", FL__BOOL}, {"from_contested", FL__STR}, {"to_contested", FL__STR}};
	/* (by actor, the fields of regions are left out: the others follow) */
	static const fl__field by_actor[] = {
		{"from", FL__STR},	       {"to", FL__STR},		    {"area_km2", FL__REAL},
		{"events", FL__STR},	       {"first_date", FL__DATE},    {"last_date", FL__DATE},
		{"uncertain_start", FL__BOOL}, {"uncertain_end", FL__BOOL}, {"from_contested", FL__STR},
		{"to_contested", FL__STR}};
	bool region = d->by == FL_BY_REGION;
	fl__sink *k = NULL;
	fl_status st = fl__sink_open(path, format, "changes", region ? by_region : by_actor, region ? 12 : 10,
				     true, &k);
	if (st)
		return st;
	fl__sink_zone(k, t->tz); /* the dates are the tracker's */
	for (size_t i = 0; i < d->n && !st; i++) {
		const fl_change *c = &d->changes[i];
		char *ids = event_ids(t, c);
		if (!ids) {
			st = fl__fail(FL_ENOMEM, "out of memory");
			break;
		}
		const fl_region *r = c->region != FL_NONE ? &t->regions[c->region].pub : NULL;
		/* contested ground on either side: no one actor, its parties ("AM;AZ") */
		char *pf = fl__actor_parties_text(t, c->from, ";"), *pt = fl__actor_parties_text(t, c->to, ";");
		bool nf = c->from == FL_NONE || pf, nt = c->to == FL_NONE || pt;
		fl__value v[12] = {
			{.null = nf, .s = nf ? NULL : t->actors[c->from].id},
			{.null = nt, .s = nt ? NULL : t->actors[c->to].id},
			{.d = c->area_km2},
			{.s = ids},
			{.null = !c->nevents, .t = c->first},
			{.null = !c->nevents, .t = c->last},
			{.null = !r, .s = r ? r->id : NULL},
			{.null = !r, .s = r ? r->name : NULL},
			{.i = c->uncertain_start},
			{.i = c->uncertain_end},
			{.null = !pf, .s = pf},
			{.null = !pt, .s = pt}};
		if (!region)
			v[6] = v[8], v[7] = v[9], v[8] = v[10], v[9] = v[11];
		st = fl__piece_add(k, v, t, &d->geoms[i]);
		free(ids), free(pf), free(pt);
	}
	return fl__pieces_commit(k, st, buf, len);
}

fl_status fl_diff_write(const fl_diff *d, const char *path, const char *format)
{
	return diff_emit(d, path, format, NULL, NULL);
}

fl_status fl_diff_write_buffer(const fl_diff *d, const char *format, unsigned char **buf,
			       size_t *len)
{
	return diff_emit(d, NULL, format ? format : "GeoJSON", buf, len);
}
