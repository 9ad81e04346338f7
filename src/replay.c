/*
 * replay.c: which events count for a query, and the state of an atom.
 *
 * An event counts when it was recorded by the query's as-of instant (if
 * any), passes the status filter, and has not been replaced by a correction
 * that itself counts.  A correction replaces the event it names: a claim
 * later confirmed, a date fixed, a transfer withdrawn.  The state of an atom
 * at T is then the latest counting event of its timeline with instant <= T.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "replay.h"
#include "tracker_priv.h"

fl_query fl_query_at(fl_instant at)
{
	fl_query q = {0};
	q.at = at;
	return q;
}

/* The events that correct another, listed once (a cache, as atoms' geometries). */
static const size_t *correctors(const fl_tracker *t, size_t *n)
{
	fl_tracker *m = (fl_tracker *)t;
	if (!t->correctors) {
		size_t k = 0, *v = NULL;
		for (size_t i = 0; i < t->nevents; i++)
			k += t->ec.corrects[i] != FL_NONE;
		v = malloc((k + 1) * sizeof *v);
		if (!v)
			return NULL;
		k = 0;
		for (size_t i = 0; i < t->nevents; i++)
			if (t->ec.corrects[i] != FL_NONE)
				v[k++] = i;
		m->correctors = v, m->ncorrectors = k;
	}
	*n = t->ncorrectors;
	return t->correctors;
}

unsigned char *fl__active_events(const fl_tracker *t, const fl_query *q)
{
	if (!q->has_as_of && !q->confirmed_only) {
		/* every event counts but those corrected: no pass over the events */
		size_t nc = 0;
		const size_t *c = correctors(t, &nc);
		unsigned char *active = c ? malloc(t->nevents + 1) : NULL;
		if (!active)
			return NULL;
		memset(active, 1, t->nevents + 1);
		for (size_t i = 0; i < nc; i++)
			active[t->ec.corrects[c[i]]] = 0;
		return active;
	}
	unsigned char *vis = calloc(t->nevents + 1, 1);
	if (!vis)
		return NULL;
	for (size_t i = 0; i < t->nevents; i++)
		vis[i] = (!q->has_as_of || t->ec.recorded[i] <= q->as_of) &&
			 (!q->confirmed_only || t->ec.status[i] == FL_STATUS_CONFIRMED);
	unsigned char *active = malloc(t->nevents + 1);
	if (!active) {
		free(vis);
		return NULL;
	}
	for (size_t i = 0; i < t->nevents; i++)
		active[i] = vis[i];
	for (size_t i = 0; i < t->nevents; i++) {
		int c = t->ec.corrects[i];
		if (vis[i] && c != FL_NONE)
			active[c] = 0;
	}
	free(vis);
	return active;
}

fl_status fl_query_event_range(const fl_tracker *t, const fl_query *q, fl_instant *first,
			       fl_instant *last)
{
	if (!t || !q || !first || !last)
		return fl__fail(FL_EARG, "fl_query_event_range: NULL argument");
	unsigned char *active = fl__active_events(t, q);
	if (!active)
		return fl__fail(FL_ENOMEM, "out of memory");
	/* (an event that moves no ground, a retraction, applies nothing) */
	for (size_t i = 0; i < t->nevents; i++)
		active[i] &= t->ec.atom0[i + 1] > t->ec.atom0[i];
	size_t lo = 0, hi = t->nevents;
	while (lo < t->nevents && !active[t->order[lo]])
		lo++;
	while (hi > lo && !active[t->order[hi - 1]])
		hi--;
	if (lo < hi) {
		*first = t->ec.when[t->order[lo]];
		/* the map changes until the end of the last period of an event
		 * that applies, which may end after a later event's instant */
		*last = t->ec.when[t->order[hi - 1]];
		/* until the latest instant of an event whose date admits a period
		 * the map may still change (its uncertain ground) */
		if (fl__uncertain_span(t) > 0)
			for (size_t i = lo; i < hi; i++)
				if (active[t->order[i]] && t->ec.latest[t->order[i]] > *last)
					*last = t->ec.latest[t->order[i]];
	}
	free(active);
	if (lo == hi)
		return fl__fail(FL_ENOTFOUND, "no event of tracker '%s' applies to the query", t->path);
	return FL_OK;
}

size_t fl__timeline_after(const fl_tracker *t, size_t ai, fl_instant at)
{
	const fl__atom *a = &t->atoms[ai];
	size_t lo = 0, hi = a->ntl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ec.when[a->tl[mid]] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fl__atom_state(const fl_tracker *t, size_t ai, const unsigned char *active, fl_instant at,
		   int *holder, fl_instant *since)
{
	return fl__atom_state_before(t, ai, active, fl__timeline_after(t, ai, at), holder, since);
}

int fl__atom_state_before(const fl_tracker *t, size_t ai, const unsigned char *active, size_t k,
			  int *holder, fl_instant *since)
{
	const fl__atom *a = &t->atoms[ai];
	while (k > 0 && !active[a->tl[k - 1]])
		k--;
	if (k == 0) {
		*holder = FL_NONE;
		return FL_NONE;
	}
	int ev = (int)a->tl[k - 1];
	*holder = t->ec.to[ev];
	if (since) {
		fl_instant s = t->ec.when[ev];
		for (size_t j = k - 1; j > 0; j--) {
			size_t e = a->tl[j - 1];
			if (!active[e])
				continue;
			if (t->ec.to[e] != *holder)
				break;
			s = t->ec.when[e];
		}
		*since = s;
	}
	return ev;
}

/* ------------------------------------------------------------ uncertainty */

fl_instant fl__uncertain_span(const fl_tracker *t)
{
	if (!t->unc_known) {
		fl_tracker *m = (fl_tracker *)t; /* a cache, as the correctors */
		fl_instant span = 0;
		for (size_t i = 0; i < t->nevents; i++)
			if (t->ec.latest[i] - t->ec.when[i] > span)
				span = t->ec.latest[i] - t->ec.when[i];
		m->unc_span = span;
		m->unc_known = 1;
	}
	return t->unc_span;
}

static void add_holder(fl__uncertain *u, int h)
{
	for (size_t i = 0; i < u->nholders; i++)
		if (u->holders[i] == h)
			return;
	if (u->nholders < FL__MAX_POSSIBLE)
		u->holders[u->nholders++] = h;
}

/*
 * The events of the timeline prefix [0, k) (when <= at) that may not have
 * taken effect by `at` are those with latest > at: U.  They all lie where
 * when > at - span.  The holders the atom may have at `at`:
 *  - the nominal one (every event of U took effect at its when);
 *  - the `to` of each event of U (it may have been the last to take effect);
 *  - the holder before the first event of U, when no event after that one is
 *    sure (none of U may have taken effect yet).
 * This may count a holder that no order of the events could give (when two
 * events of U bound each other's order): the area "it may have held" is an
 * upper bound, the area it surely held a lower one.
 */
bool fl__atom_uncertain(const fl_tracker *t, size_t ai, const unsigned char *active, fl_instant at,
			size_t k, int holder, fl__uncertain *u)
{
	fl_instant span = fl__uncertain_span(t);
	if (span == 0)
		return false;
	const fl__atom *a = &t->atoms[ai];
	u->event = FL_NONE;
	u->nholders = 0;
	size_t first = SIZE_MAX, sure_last = SIZE_MAX;
	for (size_t j = k; j > 0; j--) {
		size_t e = a->tl[j - 1];
		if (t->ec.when[e] <= at - span)
			break;
		if (!active[e])
			continue;
		if (t->ec.latest[e] > at) {
			if (u->event == FL_NONE) {
				u->event = (int)e;
				u->from = t->ec.when[e];
				u->to = t->ec.latest[e];
			}
			if (t->ec.when[e] < u->from)
				u->from = t->ec.when[e];
			if (t->ec.latest[e] > u->to)
				u->to = t->ec.latest[e];
			add_holder(u, t->ec.to[e]);
			first = j - 1;
		} else if (sure_last == SIZE_MAX) {
			sure_last = j - 1;
		}
	}
	if (u->event == FL_NONE)
		return false;
	add_holder(u, holder);
	if (sure_last == SIZE_MAX || sure_last < first) {
		int before = FL_NONE;
		fl__atom_state_before(t, ai, active, first, &before, NULL);
		add_holder(u, before);
	}
	return u->nholders > 1;
}
