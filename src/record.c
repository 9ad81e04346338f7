/*
 * record.c: appending an event, validated first, written safely.
 *
 * The order of work is: check what can be checked without the tracker
 * (date, kind, status, source, `recorded`, the polygon file); take the
 * writers' lock; open the tracker as it is now and check the rest (ids,
 * actors, regions, the corrected event, `from` against a replay at the
 * event's instant, the polygon against the regions, a duplicate); then
 * write.  A retraction (fl_record_retract) goes the same way with less to
 * check: the event it withdraws, its id, `recorded`.
 *
 * This file decides what is recorded; the store writes it (store/append.c):
 * a folder rewrites events.csv (and areas.geojson) whole under flock() of
 * events.csv (store/folder.c); a GeoPackage or PostGIS tracker takes one
 * OGR transaction (store/dataset.c).
 */
#include "gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "event_date.h"
#include "evcols.h"
#include "extent.h"
#include "fail.h"
#include "gdal_open.h"
#include "geo.h"
#include "replay.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "utf8.h"
#include "util.h"
#include "store/append.h"
#include "frontline/record.h"
#include "record_priv.h"

/* ------------------------------------------------------------ the polygon */
static fl_status read_area(fl_tracker *t, const char *file, GEOSGeometry **out)
{
	*out = NULL;
	fl_status st0 = fl__gdal_ready();
	if (st0)
		return st0;
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds) {
		char reason[512];
		return fl__fail(FL_EARG, "`area_file` %s: GDAL cannot read it: %s", file,
				fl__gdal_open_reason(file, reason, sizeof reason));
	}
	OGRLayerH l = GDALDatasetGetLayer(ds, 0);
	OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
	OSRSetWellKnownGeogCS(wgs, "WGS84");
	OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
	OGRCoordinateTransformationH ct = NULL;
	OGRSpatialReferenceH src = l ? OGR_L_GetSpatialRef(l) : NULL;
	if (src) {
		OGRSpatialReferenceH s2 = OSRClone(src);
		OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
		if (!OSRIsSame(s2, wgs))
			ct = OCTNewCoordinateTransformation(s2, wgs);
		OSRDestroySpatialReference(s2);
	}
	GEOSGeometry **parts = NULL;
	size_t n = 0, cap = 0;
	fl_status st = l ? FL_OK : fl__fail(FL_EARG, "`area_file` %s: no layer in it", file);
	OGRFeatureH f;
	int k = 0;
	while (!st && l && (f = OGR_L_GetNextFeature(l))) {
		k++;
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g && !OGR_G_IsEmpty(g)) {
			OGRGeometryH c = OGR_G_Clone(g);
			OGR_G_FlattenTo2D(c);
			if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
				st = fl__fail(FL_EARG, "`area_file` %s: feature %d: cannot transform to WGS 84", file, k);
			int len = OGR_G_WkbSize(c);
			unsigned char *buf = st ? NULL : malloc((size_t)len);
			GEOSGeometry *gg = NULL;
			if (buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
				gg = fl__geos_from_wkb(t->geos, buf, (size_t)len);
			free(buf);
			OGR_G_DestroyGeometry(c);
			int ty = gg ? GEOSGeomTypeId_r(t->geos, gg) : -1;
			if (!st && ty != GEOS_POLYGON && ty != GEOS_MULTIPOLYGON)
				st = fl__fail(FL_EARG, "`area_file` %s: feature %d: not a polygon", file, k);
			else if (!st && GEOSisValid_r(t->geos, gg) != 1) {
				char *why = GEOSisValidReason_r(t->geos, gg);
				st = fl__fail(FL_EARG, "`area_file` %s: feature %d: invalid polygon: %s", file, k,
					      why ? why : "?");
				if (why)
					GEOSFree_r(t->geos, why);
			}
			if (!st) {
				GEOSGeometry **nv = fl__grow(parts, &cap, n + 1, sizeof *nv);
				if (nv) {
					parts = nv;
					parts[n++] = gg;
					gg = NULL;
				}
			}
			if (gg)
				GEOSGeom_destroy_r(t->geos, gg);
		}
		OGR_F_Destroy(f);
	}
	if (!st && n == 0)
		st = fl__fail(FL_EARG, "`area_file` %s: no polygon in it", file);
	if (!st) {
		GEOSGeometry *coll = GEOSGeom_createCollection_r(t->geos, GEOS_GEOMETRYCOLLECTION, parts,
								 (unsigned)n);
		n = 0; /* the collection owns the parts */
		*out = coll ? GEOSUnaryUnion_r(t->geos, coll) : NULL;
		if (coll)
			GEOSGeom_destroy_r(t->geos, coll);
		if (!*out)
			st = fl__fail(FL_EGEOM, "`area_file` %s: union of its polygons failed", file);
	}
	for (size_t i = 0; i < n; i++)
		GEOSGeom_destroy_r(t->geos, parts[i]);
	free(parts);
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	OSRDestroySpatialReference(wgs);
	GDALClose(ds);
	return st;
}

/* ------------------------------------------------- the polygon's extent */
/* g with longitude and latitude swapped (NULL when that fails). */
static GEOSGeometry *swap_xy(fl_tracker *t, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(t->geos, g, &len);
	OGRGeometryH og = NULL;
	GEOSGeometry *r = NULL;
	if (wkb && len <= INT32_MAX && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
		OGR_G_SwapXY(og);
		if (OGR_G_ExportToIsoWkb(og, wkbNDR, wkb) == OGRERR_NONE)
			r = fl__geos_from_wkb(t->geos, wkb, len);
	}
	if (og)
		OGR_G_DestroyGeometry(og);
	free(wkb);
	return r;
}

/* Whether g lies inside the regions, but for a part outside that would be
 * clipped. */
static bool fits(fl_tracker *t, const GEOSGeometry *g)
{
	GEOSGeometry *in = NULL, *out = NULL;
	bool ok = false;
	if (fl__regions_clip(t, g, &in, &out) == FL_OK && in)
		ok = !out || fl__outside_is_sliver(fl__geod_area_km2(&t->geod, t->geos, out),
						   fl__geod_area_km2(&t->geod, t->geos, g));
	if (in)
		GEOSGeom_destroy_r(t->geos, in);
	if (out)
		GEOSGeom_destroy_r(t->geos, out);
	return ok;
}

/* A tracker with regions covers them and nothing else: the polygon's part
 * outside is clipped off when it is a sliver (its km² in *clipped), the
 * polygon refused otherwise.  A polygon with nothing outside on the grid is
 * kept as drawn. */
static fl_status fit_area(fl_tracker *t, const char *file, GEOSGeometry **area, double *clipped)
{
	*clipped = 0;
	if (!t->nregions)
		return FL_OK; /* its extent is the union of its event polygons */
	fl_status st = t->geod.a > 0 ? FL_OK : fl__geod_init(&t->geod); /* not read from the index */
	GEOSGeometry *in = NULL, *out = NULL;
	if (!st)
		st = fl__regions_clip(t, *area, &in, &out);
	if (st || !out) {
		if (in)
			GEOSGeom_destroy_r(t->geos, in);
		return st;
	}
	double all = fl__geod_area_km2(&t->geod, t->geos, *area);
	double off = fl__geod_area_km2(&t->geod, t->geos, out);
	GEOSGeom_destroy_r(t->geos, out);
	if (in && fl__outside_is_sliver(off, all)) {
		GEOSGeom_destroy_r(t->geos, *area);
		*area = in;
		*clipped = off;
		return FL_OK;
	}
	if (in)
		GEOSGeom_destroy_r(t->geos, in);
	GEOSGeometry *sw = swap_xy(t, *area);
	bool swapped = sw && fits(t, sw);
	if (sw)
		GEOSGeom_destroy_r(t->geos, sw);
	const char *hint = swapped ? "; it would lie inside the regions with longitude and latitude "
				     "swapped: is the file lat/lon?" : "";
	if (!in)
		return fl__fail(FL_EARG, "`area_file` %s: the polygon (%.3f km²) lies outside the tracker's "
				"regions%s (nothing written)", file, all, hint);
	return fl__fail(FL_EARG, "`area_file` %s: %.3f km² of the polygon's %.3f km² (%.1f %%) lie outside "
			"the tracker's regions (only a part under %g km² and under %g %% of the polygon is "
			"clipped off)%s (nothing written)", file, off, all, all > 0 ? 100 * off / all : 100.0,
			FL__CLIP_MAX_KM2, 100 * FL__CLIP_MAX_SHARE, hint);
}

/* ----------------------------------------------------------- validation */
/* What needs no tracker. */
static fl_status precheck(const fl_record *r, fl_instant *when)
{
	/* the values go into the tracker as they are: UTF-8 only (GeoJSON and
	 * the other outputs carry them), checked first so that no message
	 * echoes bytes that are not */
	const char *names[] = {"`id`",	   "`date`", "`to`",	  "`from`",
			       "`source`", "`note`", "`corrects`", "`recorded`"};
	const char *texts[] = {r->id, r->date, r->to, r->from, r->source, r->note, r->corrects, r->recorded};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!fl__utf8_valid(texts[i]))
			return fl__fail(FL_EARG, "%s: not UTF-8 (nothing written)", names[i]);
	for (size_t i = 0; i < r->nregions; i++)
		if (!fl__utf8_valid(r->regions[i]))
			return fl__fail(FL_EARG, "`regions`: a region id that is not UTF-8 (nothing written)");
	if (!r->date || !*r->date)
		return fl__fail(FL_EARG, "`date` is required");
	fl_instant latest;
	if (fl__event_dates(NULL, r->date, "`date`", when, &latest)) /* (UTC here: the tracker's zone later) */
		return FL_EARG;
	if (!r->to || !*r->to)
		return fl__fail(FL_EARG, "`to` is required: which actor gains the area?");
	if (!r->source || !*r->source)
		return fl__fail(FL_EARG, "`source` is required: every event needs a source");
	if (r->nregions == 0 && !r->area_file)
		return fl__fail(FL_EARG, "name the area: `regions` or `area_file`");
	if (r->kind == FL_KIND_RETRACTION)
		return fl__fail(FL_EARG, "`kind` retraction: a retraction moves no ground; record it with "
				"fl_record_retract() (nothing written)");
	if ((unsigned)r->kind > FL_KIND_RETRACTION)
		return fl__fail(FL_EARG, "`kind` %d: not an fl_event_kind", (int)r->kind);
	if ((unsigned)r->status > FL_STATUS_DISPUTED)
		return fl__fail(FL_EARG, "`status` %d: not an fl_event_status", (int)r->status);
	if (r->kind == FL_KIND_CORRECTION && (!r->corrects || !*r->corrects))
		return fl__fail(FL_EARG, "`kind` correction needs `corrects`: the id of the event it "
				"corrects");
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i] && strpbrk(texts[i], "\r\n"))
			return fl__fail(FL_EARG, "a line break in '%s': keep each value on one line",
					texts[i]);
	if (r->id && (!*r->id || strpbrk(r->id, ";,\" ")))
		return fl__fail(FL_EARG, "`id` '%s': an id is non-empty, without spaces, ';', ',' or '\"'",
				r->id);
	for (size_t i = 0; i < r->nregions; i++)
		if (!r->regions[i] || !*r->regions[i] || strpbrk(r->regions[i], ";,\r\n"))
			return fl__fail(FL_EARG, "`regions` '%s': not a region id",
					r->regions[i] ? r->regions[i] : "");
	return FL_OK;
}

/* Does the new event cover atom a?  Its regions, or a polygon whose interior
 * meets the atom's interior. */
static bool covers(fl_tracker *t, size_t a, const int *regions, size_t nregions,
		   const GEOSGeometry *area, const GEOSPreparedGeometry *pg)
{
	const fl__atom *at = &t->atoms[a];
	for (size_t i = 0; i < nregions; i++)
		if (at->region == regions[i])
			return true;
	const GEOSGeometry *ag = fl__atom_geom(t, a);
	if (!pg || !ag || GEOSPreparedIntersects_r(t->geos, pg, ag) != 1)
		return false;
	/* more than a sliver of the grid the atoms are snapped to */
	GEOSGeometry *x = GEOSIntersection_r(t->geos, ag, area);
	double ax = 0, aa = 0;
	if (x) {
		GEOSArea_r(t->geos, x, &ax);
		GEOSGeom_destroy_r(t->geos, x);
	}
	GEOSArea_r(t->geos, ag, &aa);
	return aa > 0 && ax / aa > 1e-3;
}

/* ------------------------------------------------------------ duplicates */
/* The same polygon on the engine's grid: what every answer sees of it.
 * Equality is GEOS's topological one, so ring order, start vertex, winding
 * and redundant vertices do not matter. */
static bool same_polygon(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b)
{
	GEOSGeometry *sa = GEOSGeom_setPrecision_r(h, a, FL__GRID, 0);
	GEOSGeometry *sb = GEOSGeom_setPrecision_r(h, b, FL__GRID, 0);
	bool eq = sa && sb && GEOSEquals_r(h, sa, sb) == 1;
	if (sa)
		GEOSGeom_destroy_r(h, sa);
	if (sb)
		GEOSGeom_destroy_r(h, sb);
	return eq;
}

static bool same_regions(const fl_event *e, const int *regs, size_t n)
{
	if (e->all_regions)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool in = false;
		for (size_t j = 0; j < e->nregions && !in; j++)
			in = e->regions[j] == regs[i];
		if (!in)
			return false;
	}
	for (size_t j = 0; j < e->nregions; j++) {
		bool in = false;
		for (size_t i = 0; i < n && !in; i++)
			in = e->regions[j] == regs[i];
		if (!in)
			return false;
	}
	return true;
}

/* Refuse an event that is already recorded: same instant, regions, polygon,
 * to, from and source (kind, status and note may differ: a retried command
 * with another note is still the same report). */
static fl_status refuse_duplicate(fl_tracker *t, const fl_record *r, fl_instant when, int to, int from,
				  const int *regs, const GEOSGeometry *area, const fl__append *store)
{
	for (size_t i = 0; i < t->nevents; i++) {
		if (t->ec.when[i] != when || t->ec.to[i] != to)
			continue;
		/* a corrected event no longer counts, and one being corrected is
		 * repeated on purpose (a claim confirmed) */
		if (fl__record_corrected_by(t, (int)i) != FL_NONE ||
		    (r->corrects && !strcmp(fl__event_at(t, i)->pub.id, r->corrects)))
			continue;
		const fl__event *e = fl__event_at(t, i);
		if (e->pub.from != from || strcmp(e->pub.source ? e->pub.source : "", r->source) ||
		    !e->pub.has_polygon != !area || !same_regions(&e->pub, regs, r->nregions))
			continue;
		if (area) {
			GEOSGeometry *own = e->polygon ? NULL : fl__append_polygon(store, t->geos, e->pub.id);
			bool eq = (e->polygon || own) && same_polygon(t->geos, e->polygon ? e->polygon : own, area);
			if (own)
				GEOSGeom_destroy_r(t->geos, own);
			if (!eq)
				continue;
		}
		return fl__fail(FL_EARG, "already recorded as event '%s' (%s:%d): the same date, %s, `to`, "
				"`from` and `source` (nothing written); to record a second, identical event "
				"give it a new `id`", e->pub.id, e->pub.file ? e->pub.file : t->path, e->pub.line,
				area && r->nregions ? "regions and area" : area ? "area" : "regions");
	}
	return FL_OK;
}

/* Check the record against the opened tracker; fills the resolved id. */
static fl_status validate(fl_tracker *t, const fl_record *r, fl_instant when, fl_instant rec,
			  const char *rec_text, const GEOSGeometry *area, const char *const *area_ids,
			  size_t nareas, const fl__append *store, char *id, size_t idlen)
{
	int to = fl_tracker_find_actor(t, r->to), from = FL_NONE;
	if (r->from && *r->from)
		from = fl_tracker_find_actor(t, r->from);
	if (to == FL_NONE || (r->from && *r->from && from == FL_NONE)) {
		bool bad_to = to == FL_NONE;
		char *ids = fl__actor_ids_text(t);
		fl_status st = fl__fail(FL_EARG, "%s %s: unknown actor (the tracker's actors: %s)",
					bad_to ? "`to`" : "`from`", bad_to ? r->to : r->from, ids ? ids : "?");
		free(ids);
		return st;
	}
	if (!fl__actor_holds(t, to) || (from != FL_NONE && !fl__actor_holds(t, from)))
		return fl__fail(FL_EARG, "%s %s: a presence (kind presence in the actors) cannot hold "
				"territory (nothing written)", fl__actor_holds(t, to) ? "`from`" : "`to`",
				fl__actor_holds(t, to) ? r->from : r->to);
	if (fl__actor_contested(t, to)) /* its files write to=contested and the parties */
		return fl__fail(FL_EARG, "`to` %s: contested ground is written in the events' file "
				"(to=contested and the parties in 'parties'), not recorded (nothing written)",
				r->to);
	int corrects = FL_NONE;
	fl_status st0 = r->corrects ? fl__record_correctable(t, "`corrects`", r->corrects, &corrects) : FL_OK;
	if (!st0)
		st0 = fl__record_check_recorded(t, rec_text, rec, when, r->date, corrects);
	if (st0)
		return st0;
	int *regs = calloc(r->nregions + 1, sizeof *regs);
	if (!regs)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nregions; i++)
		if ((regs[i] = fl_tracker_find_region(t, r->regions[i])) == FL_NONE) {
			free(regs);
			return fl__fail(FL_EARG, "`regions` %s: unknown region", r->regions[i]);
		}
	/* before `from`, which the recorded event itself changes: a retry is
	 * told it is one */
	fl_status st = r->id ? FL_OK : refuse_duplicate(t, r, when, fl_tracker_find_actor(t, r->to), from, regs,
						       area, store);
	if (!st && from != FL_NONE) {
		fl_query q = fl_query_at(when);
		unsigned char *active = fl__active_events(t, &q);
		if (active && corrects != FL_NONE)
			active[corrects] = 0; /* replaced by the new event */
		const GEOSPreparedGeometry *pg = area ? GEOSPrepare_r(t->geos, area) : NULL;
		for (size_t a = 0; a < t->natoms && !st && active; a++) {
			if (!covers(t, a, regs, r->nregions, area, pg))
				continue;
			int h;
			int ev = fl__atom_state(t, a, active, when, &h, NULL);
			if (h == from)
				continue;
			int rg = t->atoms[a].region;
			char date[32];
			fl_tracker_format_instant(t, when, date, sizeof date);
			st = fl__fail(FL_EARG, "`from` %s: on %s %s%s is held by %s%s%s%s, not %s (nothing written)",
				      r->from, date, rg == FL_NONE ? "part of the area" : "region ",
				      rg == FL_NONE ? "" : t->regions[rg].pub.id,
				      h == FL_NONE ? "nobody" : t->actors[h].id, ev == FL_NONE ? "" : " (event ",
				      ev == FL_NONE ? "" : fl__event_at(t, (size_t)ev)->pub.id, ev == FL_NONE ? "" : ")", r->from);
		}
		if (pg)
			GEOSPreparedGeom_destroy_r(t->geos, pg);
		free(active);
	}
	free(regs);
	if (st)
		return st;
	/* the id */
	if (r->id) {
		if (fl_tracker_find_event(t, r->id) != FL_NONE)
			return fl__fail(FL_EARG, "`id` %s: an event with this id exists (nothing written)", r->id);
		snprintf(id, idlen, "%s", r->id);
	} else {
		char base[160];
		snprintf(base, sizeof base, "%.10s-%s", r->date, r->nregions ? r->regions[0] : "area");
		for (int k = 1;; k++) {
			if (k == 1)
				snprintf(id, idlen, "%s", base);
			else
				snprintf(id, idlen, "%s-%d", base, k);
			bool taken = fl_tracker_find_event(t, id) != FL_NONE;
			for (size_t i = 0; area_ids && i < nareas && !taken; i++)
				taken = !strcmp(area_ids[i], id);
			if (!taken)
				break;
		}
	}
	for (size_t i = 0; area && area_ids && i < nareas; i++)
		if (!strcmp(area_ids[i], id))
			return fl__fail(FL_EARG, "`id` %s: areas already has a polygon with this id", id);
	return FL_OK;
}

/* ------------------------------------------------------------ recording */
/* Check the event against the tracker as it is under the writers' lock,
 * then hand its row to the store (store/append.c). */
static fl_status record_in(const char *path, const fl_record *r, fl_instant when, fl_instant rec,
			   const char *recorded, char *id, size_t idlen, double *clipped)
{
	fl__append *store = NULL;
	fl_status st = fl__append_begin(path, r->area_file != NULL, &store);
	if (st)
		return st;
	fl_tracker *t = NULL;
	GEOSGeometry *area = NULL;
	char **aids = NULL;
	st = fl_tracker_open(path, &t);
	/* a date-only `date` is the tracker's day (its time zone; precheck read it in UTC) */
	if (!st)
		st = fl__event_dates(t, r->date, "`date`", &when, &(fl_instant){0}) ? FL_EARG : FL_OK;
	char zoned[64]; /* (`recorded` may point here until the row is written) */
	st = st ? st : fl__record_recorded_zoned(t, r->recorded, &rec, &recorded, zoned, sizeof zoned);
	if (!st && r->area_file)
		st = read_area(t, r->area_file, &area);
	if (!st && area)
		st = fit_area(t, r->area_file, &area, clipped);
	if (!st) {
		aids = fl__append_area_ids(store);
		st = validate(t, r, when, rec, recorded, area, (const char *const *)aids, (size_t)CSLCount(aids),
			      store, id, idlen);
	}
	if (!st) {
		char regions[4096] = "";
		size_t used = 0;
		for (size_t i = 0; i < r->nregions && used < sizeof regions; i++)
			used += (size_t)snprintf(regions + used, sizeof regions - used, "%s%s", i ? ";" : "",
						 r->regions[i]);
		const fl__event_row row = {.id = id,
					   .date = r->date,
					   .regions = regions,
					   .to = r->to,
					   .from = r->from,
					   .kind = fl_event_kind_name(r->kind),
					   .status = fl_event_status_name(r->status),
					   .source = r->source,
					   .note = r->note,
					   .recorded = recorded,
					   .corrects = r->corrects,
					   .partial = r->partial ? "true" : "false",
					   .area = area ? id : NULL};
		char *what = area ? fl__printf("`area_file` %s", r->area_file) : NULL;
		st = area && !what ? fl__fail(FL_ENOMEM, "out of memory")
				   : fl__append_event(store, &row, t->geos, area, what);
		free(what);
	}
	st = fl__append_end(store, st);
	if (area)
		GEOSGeom_destroy_r(t->geos, area);
	fl_tracker_free(t);
	CSLDestroy(aids);
	return st;
}

fl_status fl_record_append(const char *tracker, const fl_record *r, char *id_out, size_t id_len)
{
	fl_record_result res;
	fl_status st = fl_record_append_ex(tracker, r, &res);
	if (!st && id_out && id_len)
		snprintf(id_out, id_len, "%s", res.id);
	return st;
}

fl_status fl_record_append_ex(const char *tracker, const fl_record *r, fl_record_result *res)
{
	if (res)
		memset(res, 0, sizeof *res);
	if (!tracker || !r)
		return fl__fail(FL_EARG, "fl_record_append: NULL argument");
	fl_instant when, rec;
	char recorded[128];
	fl_status st = precheck(r, &when);
	if (!st)
		st = fl__record_recorded(r->recorded, &rec, recorded, sizeof recorded);
	if (st)
		return st;
	char id[256];
	double clipped = 0;
	struct stat sb;
	if (fl__store_kind_of(tracker) != FL__STORE_PG && stat(tracker, &sb) != 0)
		return fl__fail(FL_ENOTFOUND, "tracker '%s': no such folder or file", tracker);
	st = record_in(tracker, r, when, rec, recorded, id, sizeof id, &clipped);
	if (!st && res) {
		snprintf(res->id, sizeof res->id, "%s", id);
		res->clipped_km2 = clipped;
		/* below the exactness the tracker promises it is grid noise, not ground */
		if (clipped >= FL__SLIVER_KM2)
			snprintf(res->warning, sizeof res->warning, "`area_file` %s: %.3f km² of the polygon lay "
				 "outside the tracker's regions and were clipped off", r->area_file, clipped);
	}
	return st;
}
