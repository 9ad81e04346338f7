/*
 * snapshot.c: the map at an instant.
 *
 * One pass over the atoms finds each atom's holder (a binary search in its
 * timeline); atoms are then grouped by (region, holder) or by holder and each
 * group's geometry is the coverage union of its atoms (they are edge-matched
 * faces of one arrangement: coverage.c joins them by cancelling shared edges).
 * Areas are sums of the atoms' geodesic areas: no area is computed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "evcols.h"
#include "fail.h"
#include "pieces.h"
#include "replay.h"
#include "sink.h"
#include "snapshot_priv.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_priv.h"

struct fl_snapshot {
	const fl_tracker *t;
	fl_group by;
	fl_query q;
	fl_piece *pieces;
	fl__piece_geom *geoms;
	unsigned char **wkb;
	size_t *wkblen;
	size_t n;
	int *region_holder;
	double *region_best;
	int *possible;         /* FL__MAX_POSSIBLE per piece */
	size_t *atoms;         /* piece i's atoms: atoms[atom0[i] .. atom0[i + 1]) */
	size_t *atom0;
};

typedef struct atom_state {
	size_t atom;
	int region, holder, event;
	fl_instant since;
	int unc;               /* index into the uncertain atoms' list, or -1 */
	int unc_event;         /* its event (the grouping key), or FL_NONE */
} atom_state;

static int cmp_state(const void *a, const void *b)
{
	const atom_state *x = a, *y = b;
	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->holder != y->holder)
		return x->holder < y->holder ? -1 : 1;
	if (x->unc_event != y->unc_event)
		return x->unc_event < y->unc_event ? -1 : 1;
	return x->atom < y->atom ? -1 : x->atom > y->atom;
}

/* The state of every atom (those of the holders kept, when keep) into st,
 * *n of them, and the uncertain ones' details into *unc (st[i].unc indexes
 * it); false when memory runs out. */
static bool atom_states(const fl_tracker *t, const fl_query *q, fl_group by, const unsigned char *active,
			const unsigned char *keep, atom_state *st, size_t *nout, fl__uncertain **uncout)
{
	size_t n = 0, held = 0, nunc = 0, ucap = 0;
	fl__uncertain *unc = NULL;
	bool uncertain = fl__uncertain_span(t) > 0;
	for (size_t a = 0; a < t->natoms; a++) {
		atom_state x = {a, by == FL_BY_ACTOR ? FL_NONE : t->atoms[a].region, FL_NONE, FL_NONE, 0,
				-1, FL_NONE};
		size_t k = fl__timeline_after(t, a, q->at);
		x.event = fl__atom_state_before(t, a, active, k, &x.holder, &x.since);
		if (keep && (x.holder == FL_NONE || !keep[x.holder]))
			continue;
		fl__uncertain u;
		if (uncertain && fl__atom_uncertain(t, a, active, q->at, k, x.holder, &u)) {
			fl__uncertain *nu = fl__grow(unc, &ucap, nunc + 1, sizeof *nu);
			if (!nu) {
				free(unc);
				return false;
			}
			unc = nu;
			x.unc = (int)nunc;
			x.unc_event = u.event;
			unc[nunc++] = u;
		}
		held += x.holder != FL_NONE;
		st[n++] = x;
	}
	/* by actor, the area no one holds is left out; but before the first
	 * event nothing is held, and then the whole tracked area is one piece
	 * with no holder, as by region every region is one */
	if (by == FL_BY_ACTOR && held) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (st[i].holder != FL_NONE)
				st[k++] = st[i];
		n = k;
	}
	*nout = n;
	*uncout = unc;
	return true;
}

fl_status fl_snapshot_new(const fl_tracker *t, const fl_query *q, fl_group by, fl_snapshot **out)
{
	if (!t || !q || !out)
		return fl__fail(FL_EARG, "fl_snapshot_new: NULL argument");
	*out = NULL;
	fl_snapshot *s = calloc(1, sizeof *s);
	atom_state *st = calloc(t->natoms + 1, sizeof *st);
	unsigned char *active = fl__active_events(t, q);
	if (!s || !st || !active) {
		free(s), free(st), free(active);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	s->t = t;
	s->by = by;
	s->q = *q;
	s->q.holders = NULL; /* the caller's array is read here only */
	/* the holders asked for: only their atoms are looked at and joined */
	unsigned char *keep = NULL;
	if (q->nholders) {
		keep = calloc(t->nactors + 1, 1);
		if (!keep) {
			free(s), free(st), free(active);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < q->nholders; i++) {
			if (!q->holders || q->holders[i] < 0 || (size_t)q->holders[i] >= t->nactors) {
				free(keep), free(s), free(st), free(active);
				return fl__fail(FL_EARG, "holder %d: no such actor (the tracker has %zu)",
						q->holders ? q->holders[i] : -1, t->nactors);
			}
			keep[q->holders[i]] = 1;
		}
	}
	size_t n = 0;
	fl__uncertain *unc = NULL;
	if (!atom_states(t, q, by, active, keep, st, &n, &unc)) {
		free(keep), free(s), free(st), free(active);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	free(active);
	free(keep);
	qsort(st, n, sizeof *st, cmp_state);
	s->pieces = calloc(n + 1, sizeof *s->pieces);
	s->geoms = calloc(n + 1, sizeof *s->geoms);
	s->wkb = calloc(n + 1, sizeof *s->wkb);
	s->wkblen = calloc(n + 1, sizeof *s->wkblen);
	s->region_holder = malloc((t->nregions + 1) * sizeof *s->region_holder);
	s->region_best = calloc(t->nregions + 1, sizeof *s->region_best);
	s->possible = calloc((n + 1) * FL__MAX_POSSIBLE, sizeof *s->possible);
	s->atoms = calloc(n + 1, sizeof *s->atoms);
	s->atom0 = calloc(n + 2, sizeof *s->atom0);
	fl_status rc = FL_OK;
	if (!s->pieces || !s->geoms || !s->wkb || !s->wkblen || !s->region_holder ||
	    !s->region_best || !s->possible || !s->atoms || !s->atom0) {
		rc = fl__fail(FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t r = 0; r < t->nregions; r++)
		s->region_holder[r] = FL_NONE;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		fl_piece p = {.region = st[i].region, .holder = st[i].holder, .event = FL_NONE,
			      .uncertain_event = FL_NONE};
		int *poss = s->possible + s->n * FL__MAX_POSSIBLE;
		size_t np = 0, *parts = s->atoms + s->atom0[s->n];
		for (; j < n && st[j].region == st[i].region && st[j].holder == st[i].holder &&
		       st[j].unc_event == st[i].unc_event;
		     j++) {
			const fl__atom *a = &t->atoms[st[j].atom];
			if (st[j].unc >= 0 && unc) {
				const fl__uncertain *u = &unc[st[j].unc];
				if (!p.uncertain || u->from < p.uncertain_from)
					p.uncertain_from = u->from;
				if (!p.uncertain || u->to > p.uncertain_to)
					p.uncertain_to = u->to;
				p.uncertain = 1;
				p.uncertain_event = u->event;
				for (size_t h = 0; h < u->nholders; h++) {
					size_t x = 0;
					while (x < p.npossible && poss[x] != u->holders[h])
						x++;
					if (x == p.npossible && x < FL__MAX_POSSIBLE)
						poss[p.npossible++] = u->holders[h];
				}
			}
			parts[np++] = st[j].atom;
			p.area_km2 += a->area_km2;
			if (st[j].event != FL_NONE) {
				if (p.event == FL_NONE || t->rank[st[j].event] > t->rank[p.event])
					p.event = st[j].event;
				if (!p.has_since || st[j].since < p.since)
					p.since = st[j].since;
				p.has_since = 1;
			}
		}
		if (p.event != FL_NONE)
			p.partial = fl__event_at(t, (size_t)p.event)->pub.partial;
		p.possible = p.npossible ? poss : NULL;
		if (fl__piece_make(t, parts, np, &s->geoms[s->n])) {
			rc = fl__fail(FL_EGEOM, "union of the pieces failed: %s", fl_error_last());
			goto done;
		}
		s->atom0[s->n + 1] = s->atom0[s->n] + np;
		s->pieces[s->n++] = p;
		if (p.region != FL_NONE && p.area_km2 > s->region_best[p.region]) {
			s->region_best[p.region] = p.area_km2;
			s->region_holder[p.region] = p.holder;
		}
		i = j;
	}
done:
	free(st);
	free(unc);
	return FL__HAND_OVER(rc, s, fl_snapshot_free, out);
}

void fl_snapshot_free(fl_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->geoms)
			fl__piece_free(s->t, &s->geoms[i]);
		if (s->wkb)
			free(s->wkb[i]);
	}
	free(s->geoms);
	free(s->wkb);
	free(s->wkblen);
	free(s->pieces);
	free(s->region_holder);
	free(s->region_best);
	free(s->possible);
	free(s->atoms);
	free(s->atom0);
	free(s);
}

size_t fl_snapshot_count(const fl_snapshot *s) { return s->n; }

const fl_piece *fl_snapshot_at(const fl_snapshot *s, size_t i)
{
	return i < s->n ? &s->pieces[i] : NULL;
}

const unsigned char *fl_snapshot_wkb(const fl_snapshot *s, size_t i, size_t *len)
{
	if (i >= s->n)
		return NULL;
	fl_snapshot *m = (fl_snapshot *)s; /* lazily filled cache */
	return fl__piece_wkb_kept(s->t, &s->geoms[i], &m->wkb[i], &m->wkblen[i], len);
}

int fl_snapshot_region_holder(const fl_snapshot *s, int region)
{
	if (region < 0 || (size_t)region >= s->t->nregions)
		return FL_NONE;
	return s->region_holder[region];
}

const fl_query *fl__snapshot_query(const fl_snapshot *s, const fl_tracker **t, fl_group *by)
{
	*t = s->t;
	*by = s->by;
	return &s->q;
}

const GEOSGeometry *fl__snapshot_geom(const fl_snapshot *s, size_t i)
{
	return i < s->n ? fl__piece_geos(s->t, &s->geoms[i]) : NULL;
}

/* The fields that say a piece is uncertain, after the others of each layer. */
#define UNCERTAIN_FIELDS                                                                          \
	{"uncertain", FL__BOOL}, {"uncertain_from", FL__DATE}, {"uncertain_to", FL__DATE},       \
		{"uncertain_event", FL__STR}, {                                                   \
		"possible_holders", FL__STR                                                       \
	}
enum { NUNCERTAIN = 5 };

/* The uncertain fields of piece p into v[0..NUNCERTAIN); the holders list
 * goes to buf. */
static void uncertain_values(const fl_tracker *t, const fl_piece *p, fl__value *v, char *buf,
			     size_t len)
{
	const fl_event *e = p->uncertain ? &fl__event_at(t, (size_t)p->uncertain_event)->pub : NULL;
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; e && p->possible && i < p->npossible; i++) {
		int h = p->possible[i];
		const fl_actor *a = h != FL_NONE && t->actors ? &t->actors[h] : NULL;
		int w = snprintf(buf + o, len - o, "%s%s", i ? ";" : "", a ? a->id : "none");
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	v[0] = (fl__value){.i = p->uncertain};
	v[1] = (fl__value){.null = !e, .t = p->uncertain_from};
	v[2] = (fl__value){.null = !e, .t = p->uncertain_to};
	v[3] = (fl__value){.null = !e, .s = e ? e->id : NULL};
	v[4] = (fl__value){.null = !e, .s = buf};
}

double fl_snapshot_weight(const fl_snapshot *s, size_t i, const fl_weight *w)
{
	double sum = 0;
	if (!s || !w || i >= s->n || w->t != s->t || w->natoms != s->t->natoms)
		return 0;
	for (size_t k = s->atom0[i]; k < s->atom0[i + 1]; k++)
		sum += w->atom[s->atoms[k]];
	return sum;
}

static fl_status snapshot_emit(const fl_snapshot *s, const char *path, const char *format,
			       fl_weight *const *weights, size_t nw, unsigned char **buf, size_t *len)
{
	const fl_tracker *t = s->t;
	static const fl__field by_region[] = {
		{"region", FL__STR},  {"name", FL__STR},	  {"alt_names", FL__STR},
		{"holder", FL__STR},  {"holder_name", FL__STR}, {"since", FL__DATE},
		{"event", FL__STR},   {"kind", FL__STR},	  {"status", FL__STR},
		{"source", FL__STR},  {"partial", FL__BOOL},	  {"note", FL__STR},
		{"area_km2", FL__REAL}, UNCERTAIN_FIELDS, {"contested", FL__STR}};
	static const fl__field by_actor[] = {{"holder", FL__STR},   {"holder_name", FL__STR}, {"area_km2", FL__REAL},
					     {"share", FL__REAL},   UNCERTAIN_FIELDS,	       {"contested", FL__STR}};
	bool region = s->by == FL_BY_REGION;
	size_t nbase = region ? 14 + NUNCERTAIN : 5 + NUNCERTAIN;
	for (size_t j = 0; j < nw; j++)
		if (!weights[j] || weights[j]->t != t)
			return fl__fail(FL_EARG, "weights[%zu]: %s", j,
					weights[j] ? "a weight of another tracker" : "NULL");
	/* the weights' sums after the other fields, named by the weights */
	fl__field *fields = malloc((nbase + nw) * sizeof *fields);
	fl__value *v = malloc((nbase + nw) * sizeof *v);
	if (!fields || !v) {
		free(fields), free(v);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	memcpy(fields, region ? by_region : by_actor, nbase * sizeof *fields);
	for (size_t j = 0; j < nw; j++)
		fields[nbase + j] = (fl__field){weights[j]->name, FL__REAL};
	fl__sink *k = NULL;
	fl_status st = fl__sink_open(path, format, "control", fields, nbase + nw, true, &k);
	if (st) {
		free(fields), free(v);
		return st;
	}
	fl__sink_zone(k, t->tz); /* `since` is the tracker's date */
	fl__sink_actor_styles(k, t); /* KML: each piece in its holder's colour */
	for (size_t i = 0; i < s->n && !st; i++) {
		const fl_piece *p = &s->pieces[i];
		const fl_actor *a = p->holder != FL_NONE ? &t->actors[p->holder] : NULL;
		const fl_event *e = p->event != FL_NONE ? &fl__event_at(t, (size_t)p->event)->pub : NULL;
		const fl_region *r = p->region != FL_NONE ? &t->regions[p->region].pub : NULL;
		/* contested ground: no one holder, its parties ("AM;AZ") instead */
		char *parties = fl__actor_parties_text(t, p->holder, ";");
		const char *hid = a && !parties ? a->id : NULL;
		char possible[2048];
		memset(v, 0, (nbase + nw) * sizeof *v);
		if (region) {
			v[0] = (fl__value){.null = !r, .s = r ? r->id : NULL};
			v[1] = (fl__value){.null = !r, .s = r ? r->name : NULL};
			v[2] = (fl__value){.null = !r, .s = r ? r->alt_names : NULL};
			v[3] = (fl__value){.null = !hid, .s = hid};
			v[4] = (fl__value){.null = !a, .s = a ? a->name : NULL};
			v[5] = (fl__value){.null = !p->has_since, .t = p->since};
			v[6] = (fl__value){.null = !e, .s = e ? e->id : NULL};
			v[7] = (fl__value){.null = !e, .s = e ? fl_event_kind_name(e->kind) : NULL};
			v[8] = (fl__value){.null = !e, .s = e ? fl_event_status_name(e->status) : NULL};
			v[9] = (fl__value){.null = !e, .s = e ? e->source : NULL};
			v[10] = (fl__value){.null = !e, .i = p->partial};
			v[11] = (fl__value){.null = !e || !*e->note, .s = e ? e->note : NULL};
			v[12] = (fl__value){.d = p->area_km2};
			uncertain_values(t, p, v + 13, possible, sizeof possible);
			v[13 + NUNCERTAIN] = (fl__value){.null = !parties, .s = parties};
		} else {
			/* by actor a piece has a holder, but before the first event,
			 * when the one piece is the tracked area that no one holds */
			v[0] = (fl__value){.null = !hid, .s = hid};
			v[1] = (fl__value){.null = !a, .s = a ? a->name : NULL};
			v[2] = (fl__value){.d = p->area_km2};
			v[3] = (fl__value){.d = t->total_km2 > 0 ? p->area_km2 / t->total_km2 : 0};
			uncertain_values(t, p, v + 4, possible, sizeof possible);
			v[4 + NUNCERTAIN] = (fl__value){.null = !parties, .s = parties};
		}
		for (size_t j = 0; j < nw; j++)
			v[nbase + j] = (fl__value){.d = fl_snapshot_weight(s, i, weights[j])};
		fl__sink_actor_style(k, a ? a->id : NULL);
		st = fl__piece_add(k, v, t, &s->geoms[i]);
		free(parties);
	}
	st = fl__pieces_commit(k, st, buf, len);
	free(fields), free(v);
	return st;
}

fl_status fl_snapshot_write(const fl_snapshot *s, const char *path, const char *format)
{
	return snapshot_emit(s, path, format, NULL, 0, NULL, NULL);
}

fl_status fl_snapshot_write_weighted(const fl_snapshot *s, fl_weight *const *weights, size_t nweights,
				     const char *path, const char *format)
{
	if (!s || (nweights && !weights))
		return fl__fail(FL_EARG, "fl_snapshot_write_weighted: NULL argument");
	return snapshot_emit(s, path, format, weights, nweights, NULL, NULL);
}

fl_status fl_snapshot_write_buffer(const fl_snapshot *s, const char *format, unsigned char **buf,
				   size_t *len)
{
	return snapshot_emit(s, NULL, format ? format : "GeoJSON", NULL, 0, buf, len);
}
