/*
 * places_query.c: who holds each place for a query, and the places that
 * changed hands between two instants (frontline/places.h).
 *
 * A place is its atom: its holder at an instant is the atom's (a binary
 * search in the atom's timeline, replay.c), and the events that moved it
 * are the atom's events of (t1, t2] that apply and give it another holder.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "places_priv.h"
#include "replay.h"
#include "tracker_priv.h"
#include "util.h"

size_t fl__place_changes(const fl_tracker *t, size_t a, const unsigned char *active,
			 fl_instant t1, fl_instant t2, int *from, int *ev)
{
	const fl__atom *at = &t->atoms[a];
	size_t k1 = fl__timeline_after(t, a, t1), k2 = fl__timeline_after(t, a, t2), n = 0;
	int cur = FL_NONE;
	fl__atom_state_before(t, a, active, k1, &cur, NULL);
	*from = cur;
	/* the events of one instant together: the holder after the last of
	 * them is the one the place had (a holder in between never held it) */
	for (size_t j = k1; j < k2;) {
		fl_instant when = t->ec.when[at->tl[j]];
		int last = FL_NONE;
		for (; j < k2 && t->ec.when[at->tl[j]] == when; j++)
			if (active[at->tl[j]])
				last = (int)at->tl[j];
		if (last == FL_NONE || t->ec.to[last] == cur)
			continue;
		cur = t->ec.to[last];
		ev[n++] = last;
	}
	return n;
}

fl_status fl_places_state(const fl_places *p, const fl_query *q, fl_place_state *out)
{
	if (!p || !q || !out)
		return fl__fail(FL_EARG, "fl_places_state: NULL argument");
	const fl_tracker *t = p->t;
	unsigned char *active = fl__active_events(t, q);
	if (!active)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n; i++) {
		fl_place_state *s = &out[i];
		memset(s, 0, sizeof *s);
		s->holder = s->event = FL_NONE;
		s->status = "outside";
		if (p->atom[i] == FL_NONE)
			continue;
		size_t a = (size_t)p->atom[i];
		size_t k = fl__timeline_after(t, a, q->at);
		s->event = fl__atom_state_before(t, a, active, k, &s->holder, &s->since);
		s->has_since = s->event != FL_NONE;
		s->status = s->event == FL_NONE
				    ? "none"
				    : fl_event_status_name((fl_event_status)t->ec.status[s->event]);
		fl__uncertain u;
		s->uncertain = fl__atom_uncertain(t, a, active, q->at, k, s->holder, &u);
	}
	free(active);
	return FL_OK;
}

void fl_places_diff_free(fl_places_diff *d)
{
	if (!d)
		return;
	free(d->v);
	free(d->events);
	free(d);
}

size_t fl_places_diff_count(const fl_places_diff *d)
{
	return d ? d->n : 0;
}

const fl_place_change *fl_places_diff_at(const fl_places_diff *d, size_t i)
{
	return d && i < d->n ? &d->v[i] : NULL;
}

/* Change c (its events at ev[0, c.nevents)) appended to d, its events
 * after *used of them in d->events (c.events is set when the diff is done,
 * the block may move until then). */
static fl_status add_change(fl_places_diff *d, size_t *cap, size_t *ecap, size_t *used,
			    fl_place_change c, const int *ev)
{
	fl_place_change *nv = fl__grow(d->v, cap, d->n + 1, sizeof *nv);
	if (!nv)
		return fl__fail(FL_ENOMEM, "out of memory");
	d->v = nv;
	int *ne = fl__grow(d->events, ecap, *used + c.nevents + 1, sizeof *ne);
	if (!ne)
		return fl__fail(FL_ENOMEM, "out of memory");
	d->events = ne;
	memcpy(d->events + *used, ev, c.nevents * sizeof *ev);
	*used += c.nevents;
	c.events = NULL;
	d->v[d->n++] = c;
	return FL_OK;
}

fl_status fl_places_diff_new(const fl_places *p, const fl_query *q, fl_instant t1, fl_instant t2,
			     fl_places_diff **out)
{
	if (!p || !q || !out)
		return fl__fail(FL_EARG, "fl_places_diff_new: NULL argument");
	*out = NULL;
	if (t1 > t2)
		return fl__fail(FL_EARG, "`t1` is after `t2`: the changes run from the earlier instant");
	const fl_tracker *t = p->t;
	size_t longest = 0;
	for (size_t a = 0; a < t->natoms; a++)
		longest = t->atoms[a].ntl > longest ? t->atoms[a].ntl : longest;
	fl_places_diff *d = calloc(1, sizeof *d);
	unsigned char *active = fl__active_events(t, q);
	int *ev = malloc((longest + 1) * sizeof *ev);
	fl_status st = d && active && ev ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	size_t cap = 0, ecap = 0, used = 0;
	for (size_t i = 0; !st && i < p->n; i++) {
		if (p->atom[i] == FL_NONE)
			continue;
		fl_place_change c = {.place = i};
		c.nevents = fl__place_changes(t, (size_t)p->atom[i], active, t1, t2, &c.from, ev);
		c.to = c.nevents ? t->ec.to[ev[c.nevents - 1]] : c.from;
		if (c.to != c.from)
			st = add_change(d, &cap, &ecap, &used, c, ev);
	}
	for (size_t i = 0, at = 0; !st && i < d->n; at += d->v[i++].nevents)
		d->v[i].events = d->events + at;
	if (d)
		d->p = p;
	free(active);
	free(ev);
	return FL__HAND_OVER(st, d, fl_places_diff_free, out);
}
