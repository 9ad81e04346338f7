/*
 * summary.c: the totals of a diff and of a by-region snapshot (summary.h).
 *
 * Bookkeeping over what the diff and the snapshot already computed, no
 * geometry: a diff summary sums the changes' areas per actor and per
 * (from, to) pair and collects their events; a snapshot summary sums the
 * pieces' areas per holder and compares each piece's holder with its
 * region's holder at the start of the year (one more by-region snapshot).
 *
 * Sums are taken in change (piece) order, so that a pair's total is the
 * same double however the changes are grouped into pairs: the tool prints
 * these numbers, and its outputs must not move in the last digit.
 */
#include <stdint.h>
#include <stdlib.h>
#include "date_priv.h"
#include "diff_priv.h"
#include "fail.h"
#include "snapshot_priv.h"
#include "tracker_priv.h"
#include "util.h"
#include "frontline/summary.h"

struct fl_diff_summary {
	fl_actor_totals *actors;
	size_t nactors;
	fl_pair_total *pairs;
	size_t npairs;
	size_t *events;
	size_t nevents;
};

struct fl_snapshot_summary {
	int64_t year;
	fl_instant year_start;
	fl_holder_area *holders;
	size_t nholders;
	fl_handover *handovers;
	size_t nhandovers;
};

/* ---- diff summary ---- */

/* A change's place among the pairs: ordered by (from, to), FL_NONE first,
 * ties in change order. */
typedef struct pair_row {
	int from, to;
	size_t i;
	double area_km2;
} pair_row;

static int cmp_pair(const void *a, const void *b)
{
	const pair_row *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Totals per actor (those that gained or lost) and the events used. */
static fl_status diff_actors(fl_diff_summary *s, const fl_diff *d, size_t na, unsigned char *used)
{
	double *gain = calloc(na + 1, sizeof *gain), *lost = calloc(na + 1, sizeof *lost);
	fl_status st = FL_OK;
	if (!gain || !lost) {
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < fl_diff_count(d); i++) {
		const fl_change *c = fl_diff_at(d, i);
		if (c->to != FL_NONE)
			gain[c->to] += c->area_km2;
		if (c->from != FL_NONE)
			lost[c->from] += c->area_km2;
		for (size_t e = 0; e < c->nevents; e++)
			used[c->events[e]] = 1;
	}
	s->actors = malloc((na + 1) * sizeof *s->actors);
	if (!s->actors) {
		st = fl__fail(FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t a = 0; a < na; a++)
		if (gain[a] != 0 || lost[a] != 0)
			s->actors[s->nactors++] = (fl_actor_totals){(int)a, gain[a], lost[a], gain[a] - lost[a]};
done:
	free(gain), free(lost);
	return st;
}

/* Area per (from, to) pair, summed in change order; zero totals left out. */
static fl_status diff_pairs(fl_diff_summary *s, const fl_diff *d)
{
	size_t n = fl_diff_count(d);
	pair_row *rows = malloc((n + 1) * sizeof *rows);
	s->pairs = malloc((n + 1) * sizeof *s->pairs);
	if (!rows || !s->pairs) {
		free(rows);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const fl_change *c = fl_diff_at(d, i);
		rows[i] = (pair_row){c->from, c->to, i, c->area_km2};
	}
	qsort(rows, n, sizeof *rows, cmp_pair);
	for (size_t i = 0; i < n;) {
		fl_pair_total p = {rows[i].from, rows[i].to, 0};
		for (; i < n && rows[i].from == p.from && rows[i].to == p.to; i++)
			p.area_km2 += rows[i].area_km2;
		if (p.area_km2 != 0)
			s->pairs[s->npairs++] = p;
	}
	free(rows);
	return FL_OK;
}

fl_status fl_diff_summary_new(const fl_diff *d, fl_diff_summary **out)
{
	if (!out)
		return fl__fail(FL_EARG, "fl_diff_summary_new: out is NULL");
	*out = NULL;
	if (!d)
		return fl__fail(FL_EARG, "fl_diff_summary_new: d is NULL");
	const fl_tracker *t = fl__diff_tracker(d);
	size_t na = fl_tracker_actor_count(t), ne = fl_tracker_event_count(t);
	fl_diff_summary *s = calloc(1, sizeof *s);
	unsigned char *used = calloc(ne + 1, 1);
	const size_t *order = fl_tracker_event_order(t);
	fl_status st = !s || !used || !order ? fl__fail(FL_ENOMEM, "out of memory") : FL_OK;
	if (!st)
		st = diff_actors(s, d, na, used);
	if (!st)
		st = diff_pairs(s, d);
	if (!st && !(s->events = malloc((ne + 1) * sizeof *s->events)))
		st = fl__fail(FL_ENOMEM, "out of memory");
	for (size_t k = 0; !st && k < ne; k++)
		if (used[order[k]])
			s->events[s->nevents++] = order[k];
	free(used);
	return FL__HAND_OVER(st, s, fl_diff_summary_free, out);
}

void fl_diff_summary_free(fl_diff_summary *s)
{
	if (!s)
		return;
	free(s->actors), free(s->pairs), free(s->events);
	free(s);
}

size_t fl_diff_summary_actor_count(const fl_diff_summary *s) { return s->nactors; }

const fl_actor_totals *fl_diff_summary_actor_at(const fl_diff_summary *s, size_t i)
{
	return i < s->nactors ? &s->actors[i] : NULL;
}

size_t fl_diff_summary_pair_count(const fl_diff_summary *s) { return s->npairs; }

const fl_pair_total *fl_diff_summary_pair_at(const fl_diff_summary *s, size_t i)
{
	return i < s->npairs ? &s->pairs[i] : NULL;
}

size_t fl_diff_summary_event_count(const fl_diff_summary *s) { return s->nevents; }

size_t fl_diff_summary_event_at(const fl_diff_summary *s, size_t i)
{
	return i < s->nevents ? s->events[i] : SIZE_MAX;
}

/* ---- snapshot summary ---- */

/* Area per holder (actors, then not held), and its percentage of the total. */
static fl_status snapshot_holders(fl_snapshot_summary *m, const fl_snapshot *s, size_t na)
{
	double *area = calloc(na + 1, sizeof *area), total = 0;
	m->holders = malloc((na + 1) * sizeof *m->holders);
	if (!area || !m->holders) {
		free(area);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		total += p->area_km2;
		area[p->holder == FL_NONE ? na : (size_t)p->holder] += p->area_km2;
	}
	for (size_t a = 0; a <= na; a++)
		if (area[a] > 0)
			m->holders[m->nholders++] = (fl_holder_area){
				a < na ? (int)a : FL_NONE, area[a], total > 0 ? 100 * area[a] / total : 0};
	free(area);
	return FL_OK;
}

static int cmp_handover(const void *a, const void *b)
{
	const fl_handover *x = a, *y = b;
	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return x->piece < y->piece ? -1 : x->piece > y->piece;
}

/* The pieces whose holder differs from their region's at the year's start. */
static fl_status snapshot_handovers(fl_snapshot_summary *m, const fl_snapshot *s,
				    const fl_tracker *t, const fl_query *q)
{
	fl_query q0 = *q;
	q0.at = m->year_start;
	q0.holders = NULL, q0.nholders = 0; /* the year's start as it was, every holder */
	fl_snapshot *s0 = NULL;
	fl_status st = fl_snapshot_new(t, &q0, FL_BY_REGION, &s0);
	if (st)
		return st;
	size_t n = fl_snapshot_count(s);
	m->handovers = malloc((n + 1) * sizeof *m->handovers);
	if (!m->handovers) {
		fl_snapshot_free(s0);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		int before = p->region != FL_NONE ? fl_snapshot_region_holder(s0, p->region) : FL_NONE;
		if (p->region == FL_NONE || before == p->holder)
			continue;
		m->handovers[m->nhandovers++] = (fl_handover){
			.piece = i, .region = p->region, .from = before, .to = p->holder, .event = p->event,
			.since = p->since, .has_since = p->has_since, .partial = p->partial,
			.area_km2 = p->area_km2};
	}
	fl_snapshot_free(s0);
	qsort(m->handovers, m->nhandovers, sizeof *m->handovers, cmp_handover);
	return FL_OK;
}

fl_status fl_snapshot_summary_new(const fl_snapshot *s, fl_snapshot_summary **out)
{
	if (!out)
		return fl__fail(FL_EARG, "fl_snapshot_summary_new: out is NULL");
	*out = NULL;
	if (!s)
		return fl__fail(FL_EARG, "fl_snapshot_summary_new: s is NULL");
	const fl_tracker *t;
	fl_group by;
	const fl_query *q = fl__snapshot_query(s, &t, &by);
	if (by != FL_BY_REGION)
		return fl__fail(FL_EARG, "fl_snapshot_summary_new: s is grouped by actor: a summary "
					 "needs a snapshot grouped by region (FL_BY_REGION)");
	fl_snapshot_summary *m = calloc(1, sizeof *m);
	if (!m)
		return fl__fail(FL_ENOMEM, "out of memory");
	/* the year of the tracker's calendar (its time zone) */
	fl_instant ys = fl__year_start(fl__tz_to_civil(t->tz, q->at), &m->year);
	m->year_start = ys == INT64_MIN ? ys : fl__tz_from_civil(t->tz, ys + 1) - 1;
	fl_status st = snapshot_holders(m, s, fl_tracker_actor_count(t));
	if (!st)
		st = snapshot_handovers(m, s, t, q);
	return FL__HAND_OVER(st, m, fl_snapshot_summary_free, out);
}

void fl_snapshot_summary_free(fl_snapshot_summary *s)
{
	if (!s)
		return;
	free(s->holders), free(s->handovers);
	free(s);
}

int64_t fl_snapshot_summary_year(const fl_snapshot_summary *s) { return s->year; }

fl_instant fl_snapshot_summary_year_start(const fl_snapshot_summary *s) { return s->year_start; }

size_t fl_snapshot_summary_holder_count(const fl_snapshot_summary *s) { return s->nholders; }

const fl_holder_area *fl_snapshot_summary_holder_at(const fl_snapshot_summary *s, size_t i)
{
	return i < s->nholders ? &s->holders[i] : NULL;
}

size_t fl_snapshot_summary_handover_count(const fl_snapshot_summary *s) { return s->nhandovers; }

const fl_handover *fl_snapshot_summary_handover_at(const fl_snapshot_summary *s, size_t i)
{
	return i < s->nhandovers ? &s->handovers[i] : NULL;
}
