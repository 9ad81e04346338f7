/*
 * stats.c: area held per actor over time, by one sweep over the events.
 *
 * Atoms carry their geodesic areas, so the series is bookkeeping only: each
 * event, in apply order, moves the area of its atoms from their old holder
 * to the new one, and the per-actor totals are sampled at the requested
 * instants.  A series over thousands of steps costs one pass over the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date_priv.h"
#include "evcols.h"
#include "fail.h"
#include "replay.h"
#include "sink.h"
#include "stats_priv.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_priv.h"

struct fl_stats {
	const fl_tracker *t;
	fl_step step;
	fl_stats_row *rows;
	size_t n;
	fl__stats_frame frame; /* as asked: bounds, filters, the areas at `from` */
	size_t nw;             /* weights: their names, and nw values per row */
	char **wname;
	double *wvals;
};

/* The weights' sums during the sweep: sum[j * nactors + a] is weight j's
 * sum over what actor a holds; samples holds nw * nactors of them per
 * sample. */
typedef struct wsweep {
	fl_weight *const *w;
	size_t nw;
	double *sum;
	double *samples;
	size_t cap;
} wsweep;

fl_status fl_step_parse(const char *text, fl_step *out)
{
	static const char *const names[] = {"event", "day", "week", "month"};
	for (int i = 0; i < 4; i++)
		if (text && strcmp(text, names[i]) == 0) {
			*out = (fl_step)i;
			return FL_OK;
		}
	return fl__fail(FL_EARG, "step '%s': expected day, week, month or event", text ? text : "");
}

fl_status fl_tracker_event_range(const fl_tracker *t, fl_instant *first, fl_instant *last)
{
	if (!t->nevents)
		return fl__fail(FL_ENOTFOUND, "tracker '%s' has no events", t->path);
	*first = t->ec.when[t->order[0]];
	*last = t->ec.when[t->order[t->nevents - 1]];
	if (fl__uncertain_span(t) > 0) /* the latest instant of any (fl_event's `latest`) */
		for (size_t i = 0; i < t->nevents; i++)
			if (t->ec.latest[i] > *last)
				*last = t->ec.latest[i];
	return FL_OK;
}

/* The last second of the day (in zone z) holding instant x, or of the
 * day `days` days after it. */
static fl_instant day_end(const fl__tz *z, fl_instant x, int days)
{
	int64_t c = fl__tz_to_civil(z, x);
	int64_t d = c / 86400 - (c % 86400 < 0);
	return fl__tz_from_civil(z, (d + 1 + days) * 86400) - 1;
}

/* The last second of the month (in zone z) holding instant x. */
static fl_instant month_end(const fl__tz *z, fl_instant x)
{
	int64_t c = fl__tz_to_civil(z, x);
	long y;
	int m, d;
	fl__civil_from_days(c / 86400 - (c % 86400 < 0), &y, &m, &d);
	if (++m > 12)
		m = 1, y++;
	return fl__tz_from_civil(z, fl__days_from_civil(y, m, 1) * 86400) - 1;
}

/* Event e gives its atoms to its actor: their areas move from their
 * holders to it.  same_too: an atom it already holds too (its area taken
 * off and added back), as the replay up to `from` has always done. */
static void apply_event(const fl_tracker *t, size_t e, int *holder, double *area, bool same_too,
			wsweep *ws)
{
	size_t n, na = t->nactors, nw = ws ? ws->nw : 0;
	const uint32_t *ea = fl__event_atoms(t, e, &n);
	int by = t->ec.to[e];
	for (size_t j = 0; j < n; j++) {
		size_t a = ea[j];
		if (holder[a] == by && !same_too)
			continue;
		if (holder[a] != FL_NONE)
			area[holder[a]] -= t->atoms[a].area_km2;
		area[by] += t->atoms[a].area_km2;
		for (size_t k = 0; k < nw; k++) {
			double v = ws->w[k]->atom[a];
			if (holder[a] != FL_NONE)
				ws->sum[k * na + (size_t)holder[a]] -= v;
			ws->sum[k * na + (size_t)by] += v;
		}
		holder[a] = by;
	}
}

/* The uncertain ground at a sample: what each actor surely holds and may
 * hold is its area less, and plus, the uncertain atoms (fl__atom_uncertain)
 * it holds nominally, or may hold.  Only the atoms of events whose period
 * covers the instant are looked at: those of the order window [lo, k). */
typedef struct unc_sweep {
	fl_instant span;
	size_t lo;
	uint32_t *stamp; /* per atom: the sample it was last looked at + 1 */
} unc_sweep;

static void uncertain_bounds(const fl_tracker *t, const unsigned char *active, unc_sweep *u, size_t k,
			     fl_instant at, uint32_t sample, const int *holder, double *min, double *max)
{
	while (u->lo < k && t->ec.when[t->order[u->lo]] <= at - u->span)
		u->lo++;
	for (size_t i = u->lo; i < k; i++) {
		size_t e = t->order[i];
		if (!active[e] || t->ec.latest[e] <= at)
			continue;
		size_t n;
		const uint32_t *ea = fl__event_atoms(t, e, &n);
		for (size_t j = 0; j < n; j++) {
			size_t a = ea[j];
			if (u->stamp[a] == sample + 1)
				continue;
			u->stamp[a] = sample + 1;
			fl__uncertain x;
			if (!fl__atom_uncertain(t, a, active, at, fl__timeline_after(t, a, at), holder[a], &x))
				continue;
			double km2 = t->atoms[a].area_km2;
			if (holder[a] != FL_NONE)
				min[holder[a]] -= km2;
			for (size_t h = 0; h < x.nholders; h++)
				if (x.holders[h] != holder[a] && x.holders[h] != FL_NONE)
					max[x.holders[h]] += km2;
		}
	}
}

/* The areas of every actor (area[a]; holder[a] per atom, all FL_NONE) at
 * each sample instant of [from, to]: at[i] and samples[(i * 3 + b) *
 * nactors + a] (b: 0 the area, 1 the least, 2 the most), *ns of them; and
 * the weights' sums in ws->samples. */
static fl_status sample_areas(const fl_tracker *t, const unsigned char *active, fl_instant from,
			      fl_instant to, fl_step step, int *holder, double *area, fl_instant **at,
			      double **samples, size_t *ns, wsweep *ws)
{
	size_t na = t->nactors, scap = 0, acap = 0, k = 0;
	unc_sweep u = {fl__uncertain_span(t), 0, NULL};
	if (u.span > 0 && !(u.stamp = calloc(t->natoms + 1, sizeof *u.stamp)))
		return fl__fail(FL_ENOMEM, "out of memory");
	/* days and months are the tracker's (its time zone's) */
	const fl__tz *z = t->tz;
	fl_instant next = step == FL_STEP_EVENT ? from
			  : step == FL_STEP_MONTH ? month_end(z, from)
			  : step == FL_STEP_WEEK  ? day_end(z, from, 6)
						  : day_end(z, from, 0);
	for (;;) {
		fl_instant sample;
		if (step == FL_STEP_EVENT) {
			/* apply everything before `from`, then sample after each event instant */
			while (k < t->nevents && t->ec.when[t->order[k]] < from) {
				size_t e = t->order[k++];
				if (active[e])
					apply_event(t, e, holder, area, true, ws);
			}
			while (k < t->nevents && !active[t->order[k]])
				k++;
			if (k >= t->nevents || t->ec.when[t->order[k]] > to)
				break;
			sample = t->ec.when[t->order[k]];
		} else {
			if (next > to && (*ns && (*at)[*ns - 1] >= to))
				break;
			sample = next > to ? to : next;
		}
		while (k < t->nevents && t->ec.when[t->order[k]] <= sample) {
			size_t e = t->order[k++];
			if (active[e])
				apply_event(t, e, holder, area, false, ws);
		}
		size_t nwv = ws->nw * na;
		double *nws = nwv ? fl__grow(ws->samples, &ws->cap, (*ns + 1) * nwv, sizeof *nws) : NULL;
		if (nws)
			ws->samples = nws;
		fl_instant *nat = fl__grow(*at, &acap, *ns + 1, sizeof *nat);
		double *nsm = nat ? fl__grow(*samples, &scap, (*ns + 1) * 3 * na + 1, sizeof *nsm) : NULL;
		if (nat)
			*at = nat;
		if (!nat || !nsm || (nwv && !nws)) {
			free(u.stamp);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		*samples = nsm;
		(*at)[*ns] = sample;
		double *row = *samples + *ns * 3 * na;
		for (size_t b = 0; b < 3; b++)
			memcpy(row + b * na, area, na * sizeof *area);
		if (nwv)
			memcpy(ws->samples + *ns * nwv, ws->sum, nwv * sizeof *ws->sum);
		if (u.stamp)
			uncertain_bounds(t, active, &u, k, sample, (uint32_t)*ns, holder, row + na, row + 2 * na);
		(*ns)++;
		if (step == FL_STEP_DAY)
			next = day_end(z, next + 1, 0);
		else if (step == FL_STEP_WEEK)
			next = day_end(z, next + 1, 6);
		else if (step == FL_STEP_MONTH)
			next = month_end(z, next + 1);
	}
	free(u.stamp);
	return FL_OK;
}

/* The rows of s: at each sample, every actor that holds area at some
 * sample. */
static fl_status stats_rows(fl_stats *s, const fl_instant *at, const double *samples, size_t ns,
			    const double *wsamples)
{
	const fl_tracker *t = s->t;
	size_t na = t->nactors;
	bool *used = calloc(na + 1, sizeof *used);
	if (!used)
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t nused = 0;
	for (size_t i = 0; i < ns; i++)
		for (size_t a = 0; a < na; a++)
			if (samples[(i * 3 + 2) * na + a] > 1e-9 && !used[a])
				used[a] = true, nused++;
	s->rows = calloc(ns * nused + 1, sizeof *s->rows);
	size_t nw = s->nw;
	if (nw)
		s->wvals = calloc(ns * nused * nw + 1, sizeof *s->wvals);
	if (!s->rows || (nw && !s->wvals)) {
		free(used);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ns; i++)
		for (size_t a = 0; a < na; a++) {
			if (!used[a])
				continue;
			double v = samples[i * 3 * na + a], lo = samples[(i * 3 + 1) * na + a],
			       hi = samples[(i * 3 + 2) * na + a];
			/* sweep rounding */
			v = v < 1e-9 ? 0 : v, lo = lo < 1e-9 ? 0 : lo, hi = hi < 1e-9 ? 0 : hi;
			fl_stats_row *r = &s->rows[s->n];
			*r = (fl_stats_row){at[i], (int)a, v, t->total_km2 > 0 ? v / t->total_km2 : 0,
					    lo, hi, NULL};
			if (nw) {
				double *wv = s->wvals + s->n * nw;
				for (size_t j = 0; j < nw; j++) {
					double x = wsamples[(i * nw + j) * na + a];
					wv[j] = x > -1e-9 && x < 1e-9 ? 0 : x; /* sweep rounding */
				}
				r->weight = wv;
			}
			s->n++;
		}
	free(used);
	return FL_OK;
}

/* s's frame: from, to as asked (to set by the caller), the filters, and
 * each actor's area at `from` (every active event up to it applied; holder
 * is scratch, one per atom). */
static fl_status frame_start(fl_stats *s, const unsigned char *active, fl_instant from,
			     const fl_query *q, int *holder)
{
	const fl_tracker *t = s->t;
	s->frame.from = from;
	s->frame.has_as_of = q->has_as_of;
	s->frame.as_of = q->as_of;
	s->frame.confirmed_only = q->confirmed_only;
	if (!(s->frame.start = calloc(t->nactors + 1, sizeof *s->frame.start)))
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t a = 0; a < t->natoms; a++)
		holder[a] = FL_NONE;
	for (size_t k = 0; k < t->nevents && t->ec.when[t->order[k]] <= from; k++)
		if (active[t->order[k]])
			apply_event(t, t->order[k], holder, s->frame.start, false, NULL);
	for (size_t a = 0; a < t->nactors; a++) /* sweep rounding */
		if (s->frame.start[a] < 1e-9)
			s->frame.start[a] = 0;
	return FL_OK;
}

/* The weights' names kept by s, and the sweep's sums (nw * nactors). */
static fl_status weights_start(fl_stats *s, fl_weight *const *weights, size_t nw, wsweep *ws)
{
	const fl_tracker *t = s->t;
	for (size_t j = 0; j < nw; j++)
		if (!weights[j] || weights[j]->t != t || weights[j]->natoms != t->natoms)
			return fl__fail(FL_EARG, "weights[%zu]: not a weight of this tracker", j);
	*ws = (wsweep){weights, nw, NULL, NULL, 0};
	if (!nw)
		return FL_OK;
	s->wname = calloc(nw, sizeof *s->wname);
	ws->sum = calloc(nw * t->nactors + 1, sizeof *ws->sum);
	if (!s->wname || !ws->sum)
		return fl__fail(FL_ENOMEM, "out of memory");
	s->nw = nw;
	for (size_t j = 0; j < nw; j++)
		if (!(s->wname[j] = strdup(weights[j]->name)))
			return fl__fail(FL_ENOMEM, "out of memory");
	return FL_OK;
}

fl_status fl_stats_new(const fl_tracker *t, const fl_query *filters, fl_instant from, fl_instant to,
		       fl_step step, fl_stats **out)
{
	return fl_stats_new_weighted(t, filters, from, to, step, NULL, 0, out);
}

fl_status fl_stats_new_weighted(const fl_tracker *t, const fl_query *filters, fl_instant from,
				fl_instant to, fl_step step, fl_weight *const *weights, size_t nweights,
				fl_stats **out)
{
	*out = NULL;
	if (from > to)
		return fl__fail(FL_EARG, "fl_stats_new: from is after to: swap them");
	if (nweights && !weights)
		return fl__fail(FL_EARG, "fl_stats_new_weighted: weights is NULL");
	fl_query q = filters ? *filters : fl_query_at(to);
	unsigned char *active = fl__active_events(t, &q);
	int *holder = malloc((t->natoms + 1) * sizeof *holder);
	double *area = calloc(t->nactors + 1, sizeof *area);
	double *samples = NULL;
	fl_instant *at = NULL;
	size_t ns = 0;
	fl_status rc = FL_OK;
	fl_stats *s = calloc(1, sizeof *s);
	wsweep ws = {0};
	if (!active || !holder || !area || !s) {
		rc = fl__fail(FL_ENOMEM, "out of memory");
	} else {
		s->t = t;
		s->step = step;
		for (size_t a = 0; a < t->natoms; a++)
			holder[a] = FL_NONE;
		rc = weights_start(s, weights, nweights, &ws);
		if (!rc)
			rc = sample_areas(t, active, from, to, step, holder, area, &at, &samples, &ns, &ws);
		if (!rc)
			rc = stats_rows(s, at, samples, ns, ws.samples);
		if (!rc)
			rc = frame_start(s, active, from, &q, holder);
	}
	free(active), free(holder), free(area), free(samples), free(at), free(ws.sum), free(ws.samples);
	if (s)
		s->frame.to = to;
	return FL__HAND_OVER(rc, s, fl_stats_free, out);
}

const fl__stats_frame *fl__stats_get_frame(const fl_stats *s) { return &s->frame; }

void fl_stats_free(fl_stats *s)
{
	if (!s)
		return;
	free(s->frame.start);
	free(s->rows);
	free(s->wvals);
	for (size_t j = 0; s->wname && j < s->nw; j++)
		free(s->wname[j]);
	free(s->wname);
	free(s);
}

size_t fl_stats_count(const fl_stats *s) { return s->n; }

const fl_stats_row *fl_stats_at(const fl_stats *s, size_t i)
{
	return i < s->n ? &s->rows[i] : NULL;
}

size_t fl_stats_weight_count(const fl_stats *s) { return s->nw; }

const char *fl_stats_weight_name(const fl_stats *s, size_t j)
{
	return j < s->nw ? s->wname[j] : NULL;
}

fl_status fl_stats_write_csv(const fl_stats *s, const char *path)
{
	enum { NFIX = 6 };
	static const fl__field fixed[NFIX] = {
		{"date", FL__STR},	   {"holder", FL__STR},	    {"area_km2", FL__REAL},
		{"share", FL__REAL}, {"area_km2_min", FL__REAL}, {"area_km2_max", FL__REAL}};
	fl__field *fields = calloc(NFIX + s->nw, sizeof *fields);
	fl__value *v = calloc(NFIX + s->nw, sizeof *v);
	if (!fields || !v) {
		free(fields), free(v);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	memcpy(fields, fixed, sizeof fixed);
	for (size_t j = 0; j < s->nw; j++)
		fields[NFIX + j] = (fl__field){s->wname[j], FL__REAL};
	fl__sink *k = NULL;
	fl_status st = fl__sink_open(path, "CSV", "stats", fields, NFIX + s->nw, false, &k);
	for (size_t i = 0; i < s->n && !st; i++) {
		const fl_stats_row *r = &s->rows[i];
		char date[32];
		/* the tracker's calendar date; an event's instant that is not the
		 * start of its day there, with the zone's offset */
		if (s->step == FL_STEP_EVENT && fl__tz_to_civil(s->t->tz, r->at) % 86400 != 0)
			fl_tracker_format_instant(s->t, r->at, date, sizeof date);
		else
			fl_tracker_format_date(s->t, r->at, date, sizeof date);
		v[0].s = date, v[1].s = s->t->actors[r->holder].id, v[2].d = r->area_km2;
		v[3].d = r->share, v[4].d = r->area_km2_min, v[5].d = r->area_km2_max;
		for (size_t j = 0; j < s->nw; j++)
			v[NFIX + j].d = r->weight[j];
		st = fl__sink_add(k, v, NULL, NULL);
	}
	free(fields), free(v);
	if (st) {
		fl__sink_abort(k);
		return st;
	}
	return fl__sink_commit(k);
}
