/*
 * check.c: validating a tracker and reporting every problem.
 *
 * The loader already records bad rows, unknown ids, invalid and overlapping
 * geometry and dangling corrections without stopping; check adds what needs
 * a replay of the log: events whose expected previous holder (`from`) is not
 * the holder of their area at that instant (corrections applied; or, when
 * the log mixes statuses, the holder by the events of the event's own
 * status: a claimed series beside an assessed one follows its own line),
 * and
 * event polygons that reach outside the tracker's regions, and
 * events other than baselines without a `from` although another actor held
 * their area then (a warning: nothing checks such a transfer).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "diag.h"
#include "evcols.h"
#include "extent.h"
#include "fail.h"
#include "geo.h"
#include "replay.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "open.h"

struct fl_check_report {
	fl_check_item *items;
	char **texts;
	fl__diags d;
	size_t nerrors;
};

static void check_from(const fl_tracker *t, fl__diags *d)
{
	fl_query q = fl_query_at(0);
	unsigned char *active = fl__active_events(t, &q);
	int *holder = malloc((t->natoms + 1) * sizeof *holder);
	/* the holders by the events of each status alone (FL_STATUS_*) */
	int *own = malloc((3 * t->natoms + 1) * sizeof *own);
	if (!active || !holder || !own) {
		free(active), free(holder), free(own);
		return;
	}
	for (size_t a = 0; a < t->natoms; a++)
		holder[a] = own[a] = own[t->natoms + a] = own[2 * t->natoms + a] = FL_NONE;
	for (size_t k = 0; k < t->nevents; k++) {
		size_t ei = t->order[k], na;
		if (!active[ei])
			continue;
		const fl__event *e = fl__event_at(t, ei);
		const uint32_t *ea = fl__event_atoms(t, ei, &na);
		int *mine = own + (size_t)t->ec.status[ei] % 3 * t->natoms;
		bool own_ok = true;
		for (size_t j = 0; j < na && e->pub.from != FL_NONE; j++)
			own_ok = own_ok && mine[ea[j]] == e->pub.from;
		if (e->pub.from != FL_NONE && !own_ok) {
			/* the area of the event held by someone else than `from` */
			double bad = 0;
			size_t first = SIZE_MAX;
			for (size_t j = 0; j < na; j++) {
				size_t a = ea[j];
				if (holder[a] == e->pub.from)
					continue;
				bad += t->atoms[a].area_km2;
				if (first == SIZE_MAX || t->atoms[a].area_km2 > t->atoms[first].area_km2)
					first = a;
			}
			if (first != SIZE_MAX) {
				int r = t->atoms[first].region;
				bool real = bad >= FL__SLIVER_KM2;
				fl__diags_add(d, real ? FL__ERROR : FL__WARNING, e->pub.file, e->pub.line, "from",
					      "event '%s' expects the area to be held by '%s', but on %s %s%s%s is "
					      "held by %s (%.6f km²)%s", e->pub.id, t->actors[e->pub.from].id,
					      e->pub.date, r != FL_NONE ? "region '" : "part of its area",
					      r != FL_NONE ? t->regions[r].pub.id : "", r != FL_NONE ? "'" : "",
					      holder[first] == FL_NONE ? "nobody" : t->actors[holder[first]].id, bad,
					      real ? "" : ": a sliver of the precision grid");
			}
		} else if (e->pub.from == FL_NONE && e->pub.kind != FL_KIND_BASELINE && na) {
			/* no `from`: worth naming when the area had a holder other than
			 * `to` (ground nobody held, as a tracker without regions grows,
			 * has none; an event confirming the holder transfers nothing) */
			double nobody = 0;
			int first = FL_NONE;
			bool several = false;
			for (size_t j = 0; j < na; j++) {
				int h = holder[ea[j]];
				if (h == FL_NONE)
					nobody += t->atoms[ea[j]].area_km2;
				else if (first == FL_NONE)
					first = h;
				else
					several |= h != first;
			}
			if (first != FL_NONE && nobody < FL__SLIVER_KM2 && (several || first != e->pub.to))
				fl__diags_add(d, FL__WARNING, e->pub.file, e->pub.line, "from",
					      "empty: event '%s' (%s) names no previous holder, so nothing "
					      "checks its transfer; on %s its area was held by %s%s%s", e->pub.id,
					      fl_event_kind_name(e->pub.kind), e->pub.date,
					      several ? "several actors, among them '" : "'",
					      t->actors[first].id,
					      several ? "' (one event per previous holder lets each be checked)"
						      : "' (name it in 'from')");
		}
		for (size_t j = 0; j < na; j++)
			holder[ea[j]] = mine[ea[j]] = e->pub.to;
	}
	free(active);
	free(holder);
	free(own);
}

/* Event polygons reaching outside the regions (a tracker with regions covers
 * them and nothing else): an error where `record` would refuse the polygon,
 * a warning for a sliver it would clip off, nothing below the grid's noise. */
static void check_extent(const fl_tracker *t, fl__diags *d)
{
	if (!t->nregions)
		return; /* the extent is the union of the event polygons */
	for (size_t i = 0; i < t->nevents; i++) {
		const fl__event *e = fl__event_at(t, i);
		if (!e->pub.has_polygon)
			continue;
		size_t na;
		const uint32_t *ea = fl__event_atoms(t, i, &na);
		double off = 0, all = 0;
		for (size_t j = 0; j < na; j++) {
			all += t->atoms[ea[j]].area_km2;
			if (t->atoms[ea[j]].region == FL_NONE)
				off += t->atoms[ea[j]].area_km2;
		}
		if (off < FL__SLIVER_KM2)
			continue;
		if (e->polygon)
			all = fl__geod_area_km2(&t->geod, t->geos, e->polygon);
		bool sliver = fl__outside_is_sliver(off, all);
		fl__diags_add(d, sliver ? FL__WARNING : FL__ERROR, e->pub.file, e->pub.line, "area",
			      "event '%s': %.3f km² of its polygon (area '%s' of the areas layer, %.3f km²) lie "
			      "outside the tracker's regions%s", e->pub.id, off, e->area_ref ? e->area_ref : "",
			      all, sliver ? ": a sliver, which record would clip off"
					  : ": record refuses such a polygon; fix it or add the regions it covers");
	}
}

/* Regions drawn with T-junctions (region-only trackers: their atoms are the
 * regions): a warning, with where and which regions, since maps by actor
 * then take GEOS's slower overlay. */
static void check_coverage(const fl_tracker *t, fl__diags *d)
{
	if (t->coverage == FL__COVERAGE_CLEAN || !t->nregions)
		return;
	/* invalid or overlapping regions are errors already, and say why */
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == FL__ERROR && d->v[i].field && !strcmp(d->v[i].field, "geometry"))
			return;
	double x, y;
	if (fl__coverage_check(t, &x, &y) != FL__COVERAGE_LOOSE)
		return;
	GEOSContextHandle_t h = t->geos;
	GEOSGeometry *pt = isnan(x) ? NULL : GEOSGeom_createPointFromXY_r(h, x, y);
	size_t near[2] = {0, 0}, nn = 0;
	for (size_t i = 0; pt && i < t->nregions && nn < 2; i++) {
		double dist = 1;
		const GEOSGeometry *g = fl__region_geom(t, i);
		if (g && GEOSDistance_r(h, pt, g, &dist) == 1 &&
		    dist <= FL__GRID)
			near[nn++] = i;
	}
	if (pt)
		GEOSGeom_destroy_r(h, pt);
	const fl__region *r = &t->regions[near[0]];
	char at[96] = "";
	if (!isnan(x))
		snprintf(at, sizeof at, " (first near %.7f, %.7f)", x, y);
	fl__diags_add(d, FL__WARNING, r->file, nn ? r->line : 0, "geometry",
		      "%s%s%s%s%s do not share their borders vertex for vertex: a vertex of one lies on "
		      "an edge of the other without being a vertex of it (a T-junction)%s; maps by actor "
		      "then join regions through GEOS's overlay, which is slower (snapping the regions to "
		      "each other fixes it)", nn ? "regions '" : "the regions", nn ? r->pub.id : "",
		      nn > 1 ? "' and '" : nn ? "'" : "", nn > 1 ? t->regions[near[1]].pub.id : "",
		      nn > 1 ? "'" : "", at);
}

fl_status fl_check_run(const char *path, fl_check_report **out)
{
	*out = NULL;
	fl_check_report *r = calloc(1, sizeof *r);
	if (!r)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_tracker *t = NULL;
	fl_status st = fl__tracker_load(path, false, &r->d, &t);
	if (st) {
		fl_check_free(r);
		return st;
	}
	check_from(t, &r->d);
	check_extent(t, &r->d);
	check_coverage(t, &r->d);
	fl_tracker_free(t);
	r->items = calloc(r->d.n + 1, sizeof *r->items);
	r->texts = calloc(r->d.n + 1, sizeof *r->texts);
	if (!r->items || !r->texts) {
		fl_check_free(r);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < r->d.n; i++) {
		const fl__diag *g = &r->d.v[i];
		r->texts[i] = fl__diag_text(g);
		r->items[i] = (fl_check_item){g->severity == FL__ERROR, g->file, g->line, g->field,
					      g->message, r->texts[i] ? r->texts[i] : ""};
		r->nerrors += g->severity == FL__ERROR;
	}
	*out = r;
	return FL_OK;
}

void fl_check_free(fl_check_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->texts && i < r->d.n; i++)
		free(r->texts[i]);
	free(r->texts);
	free(r->items);
	fl__diags_free(&r->d);
	free(r);
}

size_t fl_check_count(const fl_check_report *r) { return r->d.n; }
size_t fl_check_errors(const fl_check_report *r) { return r->nerrors; }

const fl_check_item *fl_check_at(const fl_check_report *r, size_t i)
{
	return i < r->d.n ? &r->items[i] : NULL;
}
