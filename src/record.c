/*
 * record.c: appending an event, validated first, written safely.
 *
 * The order of work is: check what can be checked without the tracker
 * (date, kind, status, source, the polygon file); take the writers' lock;
 * open the tracker as it is now and check the rest (ids, actors, regions,
 * `from` against a replay at the event's instant); then write.
 *
 * Folder trackers: the lock is flock() on events.csv itself.  Since the file
 * is replaced by rename, a writer that waited on the old inode re-checks
 * after taking the lock that the path still names the file it locked, and
 * retries otherwise.  The new events.csv is the old bytes (re-read under the
 * lock) plus one row, written to a temporary file, fsync'd and renamed; the
 * folder is fsync'd after.  A polygon is appended to areas.geojson the same
 * way before, so that the events.csv rename commits both.
 *
 * GeoPackage and PostGIS: an OGR transaction; writers serialise on flock()
 * of the GeoPackage file, or on a PostgreSQL advisory lock taken inside the
 * transaction.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "store/csv.h"
#include "store/replace.h"
#include "store/store.h"
#include "frontline/record.h"

/* ------------------------------------------------------------ the polygon */
static fl_status read_area(fl_tracker *t, const char *file, GEOSGeometry **out)
{
	*out = NULL;
	GDALAllRegister();
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds) {
		char reason[512];
		return fl__fail(FL_EARG, "--area %s: GDAL cannot read it: %s", file,
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
	fl_status st = l ? FL_OK : fl__fail(FL_EARG, "--area %s: no layer in it", file);
	OGRFeatureH f;
	int k = 0;
	while (!st && l && (f = OGR_L_GetNextFeature(l))) {
		k++;
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g && !OGR_G_IsEmpty(g)) {
			OGRGeometryH c = OGR_G_Clone(g);
			OGR_G_FlattenTo2D(c);
			if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
				st = fl__fail(FL_EARG, "--area %s: feature %d: cannot transform to WGS 84", file, k);
			int len = OGR_G_WkbSize(c);
			unsigned char *buf = st ? NULL : malloc((size_t)len);
			GEOSGeometry *gg = NULL;
			if (buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
				gg = fl__geos_from_wkb(t->geos, buf, (size_t)len);
			free(buf);
			OGR_G_DestroyGeometry(c);
			int ty = gg ? GEOSGeomTypeId_r(t->geos, gg) : -1;
			if (!st && ty != GEOS_POLYGON && ty != GEOS_MULTIPOLYGON)
				st = fl__fail(FL_EARG, "--area %s: feature %d: not a polygon", file, k);
			else if (!st && GEOSisValid_r(t->geos, gg) != 1) {
				char *why = GEOSisValidReason_r(t->geos, gg);
				st = fl__fail(FL_EARG, "--area %s: feature %d: invalid polygon: %s", file, k,
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
		st = fl__fail(FL_EARG, "--area %s: no polygon in it", file);
	if (!st) {
		GEOSGeometry *coll = GEOSGeom_createCollection_r(t->geos, GEOS_GEOMETRYCOLLECTION, parts,
								 (unsigned)n);
		n = 0; /* the collection owns the parts */
		*out = coll ? GEOSUnaryUnion_r(t->geos, coll) : NULL;
		if (coll)
			GEOSGeom_destroy_r(t->geos, coll);
		if (!*out)
			st = fl__fail(FL_EGEOM, "--area %s: union of its polygons failed", file);
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
		return fl__fail(FL_EARG, "--area %s: the polygon (%.3f km²) lies outside the tracker's "
				"regions%s (nothing written)", file, all, hint);
	return fl__fail(FL_EARG, "--area %s: %.3f km² of the polygon's %.3f km² (%.1f %%) lie outside "
			"the tracker's regions (only a part under %g km² and under %g %% of the polygon is "
			"clipped off)%s (nothing written)", file, off, all, all > 0 ? 100 * off / all : 100.0,
			FL__CLIP_MAX_KM2, 100 * FL__CLIP_MAX_SHARE, hint);
}

/* ----------------------------------------------------------- validation */
static int parse_name(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static const char *const kinds[] = {"capture", "handover", "withdrawal", "agreement", "baseline",
				    "correction"};
static const char *const statuses[] = {"claimed", "confirmed", "disputed"};

/* What needs no tracker. */
static fl_status precheck(const fl_record *r, fl_instant *when)
{
	/* the values go into the tracker as they are: UTF-8 only (GeoJSON and
	 * the other outputs carry them), checked first so that no message
	 * echoes bytes that are not */
	const char *names[] = {"--id", "--date", "--to", "--from", "--source", "--note", "--kind",
			       "--status", "--corrects"};
	const char *texts[] = {r->id, r->date, r->to, r->from, r->source, r->note, r->kind, r->status,
			       r->corrects};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!fl__utf8_valid(texts[i]))
			return fl__fail(FL_EARG, "%s: not UTF-8 (nothing written)", names[i]);
	for (size_t i = 0; i < r->nregions; i++)
		if (!fl__utf8_valid(r->regions[i]))
			return fl__fail(FL_EARG, "--region: a region id that is not UTF-8 (nothing written)");
	if (!r->date || !*r->date)
		return fl__fail(FL_EARG, "--date is required");
	if (fl_instant_parse(r->date, FL_DATE_START, "--date", when))
		return FL_EARG;
	if (!r->to || !*r->to)
		return fl__fail(FL_EARG, "--to is required: which actor gains the area?");
	if (!r->source || !*r->source)
		return fl__fail(FL_EARG, "--source is required: every event needs a source");
	if (r->nregions == 0 && !r->area_file)
		return fl__fail(FL_EARG, "name the area: --region ID (repeatable) or --area FILE");
	if (r->kind && parse_name(r->kind, kinds, 6) < 0)
		return fl__fail(FL_EARG, "--kind %s: unknown kind (capture, handover, withdrawal, "
				"agreement, baseline, correction)", r->kind);
	if (r->status && parse_name(r->status, statuses, 3) < 0)
		return fl__fail(FL_EARG, "--status %s: unknown status (claimed, confirmed, disputed)",
				r->status);
	if (r->kind && !strcmp(r->kind, "correction") && (!r->corrects || !*r->corrects))
		return fl__fail(FL_EARG, "--kind correction needs --corrects ID: the event it corrects");
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i] && strpbrk(texts[i], "\r\n"))
			return fl__fail(FL_EARG, "a line break in '%s': keep each value on one line",
					texts[i]);
	if (r->id && (!*r->id || strpbrk(r->id, ";,\" ")))
		return fl__fail(FL_EARG, "--id '%s': an id is non-empty, without spaces, ';', ',' or '\"'",
				r->id);
	for (size_t i = 0; i < r->nregions; i++)
		if (!r->regions[i] || !*r->regions[i] || strpbrk(r->regions[i], ";,\r\n"))
			return fl__fail(FL_EARG, "--region '%s': not a region id",
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
/* Where the polygons are stored, for events read from the index (which
 * keeps the atoms, not the events' polygons). */
typedef struct store_ref {
	const char *events_file, *areas_file; /* a folder tracker */
	GDALDatasetH ds;                       /* GeoPackage, PostGIS: the open dataset */
} store_ref;

/* The feature of layer l whose `id` is id (NULL when none). */
static OGRFeatureH feature_by_id(OGRLayerH l, const char *id)
{
	size_t n = strlen(id);
	char *esc = malloc(2 * n + 1), *o = esc;
	for (size_t i = 0; esc && i < n; i++) {
		if (id[i] == '\'')
			*o++ = '\'';
		*o++ = id[i];
	}
	char *flt = esc ? (*o = 0, fl__printf("id = '%s'", esc)) : NULL;
	free(esc);
	OGRFeatureH f = NULL;
	if (flt && OGR_L_SetAttributeFilter(l, flt) == OGRERR_NONE) {
		OGR_L_ResetReading(l);
		f = OGR_L_GetNextFeature(l);
		OGR_L_SetAttributeFilter(l, NULL);
	}
	free(flt);
	return f;
}

/* The polygon of event eid as stored: its `area` reference in the events
 * layer, then that feature of the areas layer (NULL when not found). */
static GEOSGeometry *stored_polygon(fl_tracker *t, const store_ref *s, const char *eid)
{
	GDALDatasetH eds = s->ds ? s->ds : fl__store_open_file(s->events_file, true);
	OGRLayerH el = s->ds ? GDALDatasetGetLayerByName(s->ds, "events") : eds ? GDALDatasetGetLayer(eds, 0) : NULL;
	OGRFeatureH f = el ? feature_by_id(el, eid) : NULL;
	char *ref = NULL;
	if (f) {
		int i = OGR_F_GetFieldIndex(f, "area");
		ref = i >= 0 ? fl__strdup(OGR_F_GetFieldAsString(f, i)) : NULL;
		OGR_F_Destroy(f);
	}
	if (eds && !s->ds)
		GDALClose(eds);
	GDALDatasetH ads = NULL;
	if (ref && *ref)
		ads = s->ds ? s->ds : s->areas_file ? fl__store_open_file(s->areas_file, true) : NULL;
	OGRLayerH al = !ads ? NULL : s->ds ? GDALDatasetGetLayerByName(s->ds, "areas") : GDALDatasetGetLayer(ads, 0);
	f = al ? feature_by_id(al, ref) : NULL;
	free(ref);
	GEOSGeometry *g = NULL;
	OGRGeometryH og = f ? OGR_F_GetGeometryRef(f) : NULL;
	if (og) {
		OGRGeometryH c = OGR_G_Clone(og);
		OGR_G_FlattenTo2D(c);
		int len = OGR_G_WkbSize(c);
		unsigned char *buf = len > 0 ? malloc((size_t)len) : NULL;
		if (buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
			g = fl__geos_from_wkb(t->geos, buf, (size_t)len);
		free(buf);
		OGR_G_DestroyGeometry(c);
	}
	if (f)
		OGR_F_Destroy(f);
	if (ads && !s->ds)
		GDALClose(ads);
	return g;
}

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
				  const int *regs, const GEOSGeometry *area, const store_ref *sref)
{
	for (size_t i = 0; i < t->nevents; i++) {
		if (t->ec.when[i] != when || t->ec.to[i] != to)
			continue;
		const fl__event *e = fl__event_at(t, i);
		if (e->pub.from != from || strcmp(e->pub.source ? e->pub.source : "", r->source) ||
		    !e->pub.has_polygon != !area || !same_regions(&e->pub, regs, r->nregions))
			continue;
		if (area) {
			GEOSGeometry *own = e->polygon ? NULL : stored_polygon(t, sref, e->pub.id);
			bool eq = (e->polygon || own) && same_polygon(t->geos, e->polygon ? e->polygon : own, area);
			if (own)
				GEOSGeom_destroy_r(t->geos, own);
			if (!eq)
				continue;
		}
		return fl__fail(FL_EARG, "already recorded as event '%s' (%s:%d): the same date, %s, --to, "
				"--from and --source (nothing written); to record a second, identical event "
				"give it a new --id", e->pub.id, e->pub.file ? e->pub.file : t->path, e->pub.line,
				area && r->nregions ? "regions and area" : area ? "area" : "regions");
	}
	return FL_OK;
}

/* Check the record against the opened tracker; fills the resolved id. */
static fl_status validate(fl_tracker *t, const fl_record *r, fl_instant when, const GEOSGeometry *area,
			  const char *const *area_ids, size_t nareas, const store_ref *sref, char *id,
			  size_t idlen)
{
	int to = fl_tracker_find_actor(t, r->to), from = FL_NONE;
	if (r->from && *r->from)
		from = fl_tracker_find_actor(t, r->from);
	if (to == FL_NONE || (r->from && *r->from && from == FL_NONE)) {
		bool bad_to = to == FL_NONE;
		char *ids = fl__actor_ids_text(t);
		fl_status st = fl__fail(FL_EARG, "%s %s: unknown actor (the tracker's actors: %s)",
					bad_to ? "--to" : "--from", bad_to ? r->to : r->from, ids ? ids : "?");
		free(ids);
		return st;
	}
	if (!fl__actor_holds(t, to) || (from != FL_NONE && !fl__actor_holds(t, from)))
		return fl__fail(FL_EARG, "%s %s: a presence (kind presence in the actors) cannot hold "
				"territory (nothing written)", fl__actor_holds(t, to) ? "--from" : "--to",
				fl__actor_holds(t, to) ? r->from : r->to);
	int corrects = FL_NONE;
	if (r->corrects && (corrects = fl_tracker_find_event(t, r->corrects)) == FL_NONE)
		return fl__fail(FL_EARG, "--corrects %s: no event with this id (nothing written)",
				r->corrects);
	int *regs = calloc(r->nregions + 1, sizeof *regs);
	if (!regs)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nregions; i++)
		if ((regs[i] = fl_tracker_find_region(t, r->regions[i])) == FL_NONE) {
			free(regs);
			return fl__fail(FL_EARG, "--region %s: unknown region", r->regions[i]);
		}
	/* before `from`, which the recorded event itself changes: a retry is
	 * told it is one */
	fl_status st = r->id ? FL_OK : refuse_duplicate(t, r, when, fl_tracker_find_actor(t, r->to), from, regs,
						       area, sref);
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
			fl_instant_format(when, date, sizeof date);
			st = fl__fail(FL_EARG, "--from %s: on %s %s%s is held by %s%s%s%s, not %s (nothing written)",
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
			return fl__fail(FL_EARG, "--id %s: an event with this id exists (nothing written)", r->id);
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
			return fl__fail(FL_EARG, "--id %s: areas already has a polygon with this id", id);
	return FL_OK;
}

/* ----------------------------------------------------------- CSV writing */
static void csv_put(char **buf, size_t *len, size_t *cap, const char *s)
{
	(void)fl__text_put(buf, len, cap, s, strlen(s)); /* csvwrite.c */
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *nb = realloc(b, cap * 2 + 1);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(b);
		return NULL;
	}
	if (b)
		b[n] = 0;
	*len = n;
	return b;
}

/* The line ending of a text file: CRLF when its first line ends so. */
static const char *line_ending(const char *buf, size_t len)
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;
	return nl && nl > buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* The header's column names (the first record of the file). */
static char **csv_header(const char *buf)
{
	char **cols = NULL;
	const char *p = buf;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (;;) {
		const char *e = p;
		while (*e && *e != ',' && *e != '\n' && *e != '\r')
			e++;
		char *name = fl__printf("%.*s", (int)(e - p), p);
		size_t nl = strlen(name);
		if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
			memmove(name, name + 1, nl - 2);
			name[nl - 2] = 0;
		}
		cols = CSLAddString(cols, name);
		free(name);
		if (*e != ',')
			break;
		p = e + 1;
	}
	return cols;
}

/* buf with one more empty column at the end of every record. */
static char *csv_add_column(const char *buf, size_t len, const char *name, size_t *outlen)
{
	size_t cap = len * 2 + 64, n = 0;
	char *o = malloc(cap);
	if (!o)
		return NULL;
	bool inq = false, header = true;
	for (size_t i = 0; i <= len; i++) {
		char c = '\0';
		if (i < len)
			c = buf[i];
		bool eol = i == len || (!inq && (c == '\n' || c == '\r'));
		if (eol) {
			/* end of a record (skip the '\n' of "\r\n" and blank lines) */
			bool blank = n == 0 || o[n - 1] == '\n';
			if (!blank) {
				if (header) {
					size_t k = strlen(name);
					o[n++] = ',';
					/* a field of the CSV line, not a C string: no NUL */
					memcpy(o + n, name, k); // NOLINT(bugprone-not-null-terminated-result)
					n += k;
					header = false;
				} else
					o[n++] = ',';
			}
			if (i == len)
				break;
			o[n++] = c;
			if (c == '\r' && i + 1 < len && buf[i + 1] == '\n')
				o[n++] = buf[++i];
			continue;
		}
		if (c == '"')
			inq = !inq;
		o[n++] = c;
	}
	*outlen = n;
	return o;
}

/* --------------------------------------------------------- folder store */
static int lock_file(const char *path, fl_status *st)
{
	for (int tries = 0; tries < 1000; tries++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			*st = fl__fail(errno == ENOENT ? FL_ENOTFOUND : FL_EIO, "%s: cannot open: %s", path,
				       strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX) != 0) {
			*st = fl__fail(FL_ELOCK, "%s: cannot lock: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd); /* replaced while we waited: lock the new file */
	}
	*st = fl__fail(FL_ELOCK, "%s: cannot lock (the file keeps being replaced)", path);
	return -1;
}

static char **area_ids_of(const char *path)
{
	char **ids = NULL;
	GDALDatasetH ds = path ? fl__store_open_file(path, true) : NULL;
	OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
	OGRFeatureH f;
	while (l && (f = OGR_L_GetNextFeature(l))) {
		int i = OGR_F_GetFieldIndex(f, "id");
		if (i >= 0)
			ids = CSLAddString(ids, OGR_F_GetFieldAsString(f, i));
		OGR_F_Destroy(f);
	}
	if (ds)
		GDALClose(ds);
	return ids;
}

static char *geojson_feature(fl_tracker *t, const GEOSGeometry *g, const char *id)
{
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(t->geos, g, &len);
	OGRGeometryH og = NULL;
	char *r = NULL;
	if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
		char **opts = CSLSetNameValue(NULL, "SIGNIFICANT_FIGURES", "17");
		char *js = OGR_G_ExportToJsonEx(og, opts);
		CSLDestroy(opts);
		if (js)
			r = fl__printf("{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\"},\"geometry\":%s}", id,
				       js);
		CPLFree(js);
	}
	if (og)
		OGR_G_DestroyGeometry(og);
	free(wkb);
	return r;
}

/* areas.geojson with one more feature: inserted before the `]` that closes
 * the features array, leaving the rest of the file as it is. */
static char *areas_append(const char *old, size_t oldlen, const char *feature, size_t *outlen)
{
	if (!old) {
		char *r = fl__printf("{\"type\":\"FeatureCollection\",\"features\":[\n%s\n]}\n", feature);
		*outlen = r ? strlen(r) : 0;
		return r;
	}
	size_t i = oldlen;
	while (i > 0 && strchr(" \t\r\n", old[i - 1]))
		i--;
	if (i == 0 || old[i - 1] != '}')
		return NULL;
	i--;
	while (i > 0 && strchr(" \t\r\n", old[i - 1]))
		i--;
	if (i == 0 || old[i - 1] != ']')
		return NULL;
	size_t close = i - 1, j = close;
	while (j > 0 && strchr(" \t\r\n", old[j - 1]))
		j--;
	bool empty = j > 0 && old[j - 1] == '[';
	const char *eol = line_ending(old, oldlen);
	char *r = fl__printf("%.*s%s%s%s%s%s", (int)close, old, empty ? "" : ",", eol, feature, eol, old + close);
	*outlen = r ? strlen(r) : 0;
	return r;
}

static fl_status record_folder(const char *dir, const fl_record *r, fl_instant when, char *id,
			       size_t idlen, double *clipped)
{
	char *events = fl__store_file(dir, "events");
	if (!events)
		return fl__fail(FL_ENOTFOUND, "tracker '%s': missing events.csv", dir);
	fl_status st = FL_OK;
	int fd = lock_file(events, &st);
	if (fd < 0) {
		free(events);
		return st;
	}
	fl_tracker *t = NULL;
	GEOSGeometry *area = NULL;
	char *areas_path = fl__store_file(dir, "areas");
	char **aids = NULL;
	char *buf = NULL, *row = NULL, *withcol = NULL, *feature = NULL, *oldareas = NULL, *newareas = NULL;
	char **cols = NULL;
	size_t len = 0, rlen = 0, rcap = 0;
	/* the files the record replaces keep their mode, group and owner; one
	 * that may not be written is refused, not replaced */
	struct stat evst, arst;
	bool have_areas = areas_path && stat(areas_path, &arst) == 0;
	if (fstat(fd, &evst) != 0)
		st = fl__fail(FL_EIO, "%s: cannot stat: %s", events, strerror(errno));
	if (!st)
		st = fl__check_writable(events, &evst);
	if (!st && r->area_file && have_areas)
		st = fl__check_writable(areas_path, &arst);
	if (!st)
		st = fl_tracker_open(dir, &t);
	if (!st && r->area_file)
		st = read_area(t, r->area_file, &area);
	if (!st && area)
		st = fit_area(t, r->area_file, &area, clipped);
	if (!st) {
		aids = area_ids_of(areas_path);
		store_ref sref = {events, areas_path, NULL};
		st = validate(t, r, when, area, (const char *const *)aids, (size_t)CSLCount(aids), &sref, id,
			      idlen);
	}
	if (!st && !(buf = slurp(events, &len)))
		st = fl__fail(FL_EIO, "%s: cannot read: %s", events, strerror(errno));
	if (!st) {
		cols = csv_header(buf);
		/* the optional columns this event needs */
		const char *need[] = {area ? "area" : NULL, r->corrects ? "corrects" : NULL};
		for (size_t k = 0; k < 2 && !st; k++) {
			if (!need[k] || CSLFindString(cols, need[k]) >= 0)
				continue;
			size_t nl = 0;
			withcol = csv_add_column(buf, len, need[k], &nl);
			if (!withcol)
				st = fl__fail(FL_ENOMEM, "out of memory");
			else {
				free(buf);
				buf = withcol;
				withcol = NULL;
				len = nl;
				cols = CSLAddString(cols, need[k]);
			}
		}
	}
	if (!st) {
		char recorded[32], regions[4096] = "";
		const char *eol = line_ending(buf, len); /* a CRLF file stays CRLF */
		fl_instant_format(fl_instant_now(), recorded, sizeof recorded);
		size_t used = 0;
		for (size_t i = 0; i < r->nregions && used < sizeof regions; i++)
			used += (size_t)snprintf(regions + used, sizeof regions - used, "%s%s", i ? ";" : "",
						 r->regions[i]);
		if (len && buf[len - 1] != '\n')
			csv_put(&row, &rlen, &rcap, eol);
		for (int c = 0; cols && cols[c]; c++) {
			const char *k = cols[c], *v = "";
			if (!strcmp(k, "id")) v = id;
			else if (!strcmp(k, "date")) v = r->date;
			else if (!strcmp(k, "regions")) v = regions;
			else if (!strcmp(k, "to")) v = r->to;
			else if (!strcmp(k, "from")) v = r->from ? r->from : "";
			else if (!strcmp(k, "kind")) v = r->kind ? r->kind : "capture";
			else if (!strcmp(k, "status")) v = r->status ? r->status : "claimed";
			else if (!strcmp(k, "source")) v = r->source;
			else if (!strcmp(k, "note")) v = r->note ? r->note : "";
			else if (!strcmp(k, "recorded")) v = recorded;
			else if (!strcmp(k, "partial")) v = "false";
			else if (!strcmp(k, "corrects")) v = r->corrects ? r->corrects : "";
			else if (!strcmp(k, "area")) v = area ? id : "";
			if (c)
				csv_put(&row, &rlen, &rcap, ",");
			fl__csv_field(&row, &rlen, &rcap, v); /* csvwrite.c */
		}
		csv_put(&row, &rlen, &rcap, eol);
		if (!row)
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	if (!st && area) {
		size_t olen = 0, nlen = 0;
		char *apath = areas_path ? areas_path : fl__printf("%s/areas.geojson", dir);
		oldareas = areas_path ? slurp(areas_path, &olen) : NULL;
		feature = geojson_feature(t, area, id);
		if (areas_path && !oldareas)
			st = fl__fail(FL_EIO, "%s: cannot read: %s", areas_path, strerror(errno));
		else if (!feature)
			st = fl__fail(FL_EGEOM, "--area %s: cannot write the polygon as GeoJSON", r->area_file);
		else if (!(newareas = areas_append(oldareas, olen, feature, &nlen)))
			st = fl__fail(FL_EINPUT, "%s: not a FeatureCollection ending in its features array",
				      apath);
		else /* a new areas.geojson is shared as events.csv is */
			st = fl__replace_file(apath, newareas, nlen, have_areas ? &arst : &evst);
		if (apath != areas_path)
			free(apath);
	}
	if (!st) {
		/* the commit point */
		char *all = malloc(len + rlen + 1);
		if (!all)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else {
			memcpy(all, buf, len);
			memcpy(all + len, row, rlen);
			st = fl__replace_file(events, all, len + rlen, &evst);
			free(all);
		}
	}
	if (!st)
		st = fl__fsync_dir(dir);
	close(fd); /* releases the lock */
	if (area)
		GEOSGeom_destroy_r(t->geos, area);
	fl_tracker_free(t);
	CSLDestroy(aids);
	CSLDestroy(cols);
	free(events), free(areas_path), free(buf), free(row), free(withcol), free(feature);
	free(oldareas), free(newareas);
	return st;
}

/* ------------------------------------------------- GeoPackage, PostGIS */
static void set_str(OGRFeatureH f, const char *name, const char *v)
{
	int i = OGR_F_GetFieldIndex(f, name);
	if (i >= 0 && v)
		OGR_F_SetFieldString(f, i, v);
}

static fl_status ensure_field(OGRLayerH l, const char *name)
{
	if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name) >= 0)
		return FL_OK;
	OGRFieldDefnH fd = OGR_Fld_Create(name, OFTString);
	OGRErr e = OGR_L_CreateField(l, fd, TRUE);
	OGR_Fld_Destroy(fd);
	return e == OGRERR_NONE ? FL_OK
				: fl__fail(FL_EIO, "cannot add column '%s': %s", name, CPLGetLastErrorMsg());
}

static fl_status record_dataset(const char *path, bool pg, const fl_record *r, fl_instant when,
				char *id, size_t idlen, double *clipped)
{
	GDALAllRegister();
	int lockfd = -1;
	fl_status st = FL_OK;
	if (!pg && (lockfd = lock_file(path, &st)) < 0)
		return st;
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	if (!ds) {
		char why[512];
		st = fl__fail(FL_EIO, "tracker '%s': cannot open it for writing: %s", path,
			      fl__gdal_open_reason(path, why, sizeof why));
		if (lockfd >= 0)
			close(lockfd);
		return st;
	}
	fl_tracker *t = NULL;
	GEOSGeometry *area = NULL;
	char **aids = NULL;
	bool in_tx = false;
	if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
		st = fl__fail(FL_EIO, "tracker '%s': cannot start a transaction: %s", path,
			      CPLGetLastErrorMsg());
	else
		in_tx = true;
	if (!st && pg) {
		/* writers of this database queue here until the holder commits */
		OGRLayerH rs = GDALDatasetExecuteSQL(ds, "SELECT pg_advisory_xact_lock(7362001)", NULL, NULL);
		if (rs)
			GDALDatasetReleaseResultSet(ds, rs);
	}
	if (!st)
		st = fl_tracker_open(path, &t);
	if (!st && r->area_file)
		st = read_area(t, r->area_file, &area);
	if (!st && area)
		st = fit_area(t, r->area_file, &area, clipped);
	OGRLayerH al = GDALDatasetGetLayerByName(ds, "areas");
	if (!st && al) {
		OGRFeatureH f;
		OGR_L_ResetReading(al);
		while ((f = OGR_L_GetNextFeature(al))) {
			int i = OGR_F_GetFieldIndex(f, "id");
			if (i >= 0)
				aids = CSLAddString(aids, OGR_F_GetFieldAsString(f, i));
			OGR_F_Destroy(f);
		}
	}
	store_ref sref = {NULL, NULL, ds};
	if (!st)
		st = validate(t, r, when, area, (const char *const *)aids, (size_t)CSLCount(aids), &sref, id,
			      idlen);
	OGRLayerH el = GDALDatasetGetLayerByName(ds, "events");
	if (!st && !el)
		st = fl__fail(FL_EINPUT, "tracker '%s': no events layer", path);
	if (!st && r->corrects)
		st = ensure_field(el, "corrects");
	if (!st && area) {
		if (!al) {
			OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
			OSRSetWellKnownGeogCS(wgs, "WGS84");
			char **lco = pg ? CSLSetNameValue(NULL, "GEOMETRY_NAME", "geom") : NULL;
			al = GDALDatasetCreateLayer(ds, "areas", wgs, wkbUnknown, lco);
			CSLDestroy(lco);
			OSRDestroySpatialReference(wgs);
			if (!al)
				st = fl__fail(FL_EIO, "cannot create layer areas: %s", CPLGetLastErrorMsg());
		}
		if (!st)
			st = ensure_field(al, "id");
		if (!st)
			st = ensure_field(el, "area");
		if (!st) {
			OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(al));
			set_str(f, "id", id);
			size_t len = 0;
			unsigned char *wkb = fl__geos_to_wkb(t->geos, area, &len);
			OGRGeometryH og = NULL;
			if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
				OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(al);
				if (lsrs) {
					OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
					OSRSetWellKnownGeogCS(wgs, "WGS84");
					OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
					OGR_G_AssignSpatialReference(og, wgs);
					OGR_G_TransformTo(og, lsrs);
					OSRDestroySpatialReference(wgs);
				}
				OGR_F_SetGeometryDirectly(f, og);
			}
			free(wkb);
			if (OGR_L_CreateFeature(al, f) != OGRERR_NONE)
				st = fl__fail(FL_EIO, "cannot write the area: %s", CPLGetLastErrorMsg());
			OGR_F_Destroy(f);
		}
	}
	if (!st) {
		char recorded[32], regions[4096] = "";
		fl_instant_format(fl_instant_now(), recorded, sizeof recorded);
		size_t used = 0;
		for (size_t i = 0; i < r->nregions && used < sizeof regions; i++)
			used += (size_t)snprintf(regions + used, sizeof regions - used, "%s%s", i ? ";" : "",
						 r->regions[i]);
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(el));
		set_str(f, "id", id);
		set_str(f, "date", r->date);
		set_str(f, "regions", regions);
		set_str(f, "to", r->to);
		set_str(f, "from", r->from ? r->from : "");
		set_str(f, "kind", r->kind ? r->kind : "capture");
		set_str(f, "status", r->status ? r->status : "claimed");
		set_str(f, "source", r->source);
		set_str(f, "note", r->note ? r->note : "");
		set_str(f, "recorded", recorded);
		set_str(f, "corrects", r->corrects ? r->corrects : "");
		set_str(f, "partial", "false");
		set_str(f, "area", area ? id : "");
		if (OGR_L_CreateFeature(el, f) != OGRERR_NONE)
			st = fl__fail(FL_EIO, "cannot write the event: %s", CPLGetLastErrorMsg());
		OGR_F_Destroy(f);
	}
	if (in_tx) {
		if (st)
			GDALDatasetRollbackTransaction(ds);
		else if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
			st = fl__fail(FL_EIO, "tracker '%s': commit failed: %s (nothing written)", path,
				      CPLGetLastErrorMsg());
	}
	GDALClose(ds);
	if (lockfd >= 0)
		close(lockfd);
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
	fl_instant when;
	fl_status st = precheck(r, &when);
	if (st)
		return st;
	char id[256];
	double clipped = 0;
	fl__store_kind kind = fl__store_kind_of(tracker);
	struct stat sb;
	if (kind != FL__STORE_PG && stat(tracker, &sb) != 0)
		return fl__fail(FL_ENOTFOUND, "tracker '%s': no such folder or file", tracker);
	if (kind == FL__STORE_FOLDER)
		st = record_folder(tracker, r, when, id, sizeof id, &clipped);
	else
		st = record_dataset(tracker, kind == FL__STORE_PG, r, when, id, sizeof id, &clipped);
	if (!st && res) {
		snprintf(res->id, sizeof res->id, "%s", id);
		res->clipped_km2 = clipped;
		/* below the exactness the tracker promises it is grid noise, not ground */
		if (clipped >= FL__SLIVER_KM2)
			snprintf(res->warning, sizeof res->warning, "--area %s: %.3f km² of the polygon lay "
				 "outside the tracker's regions and were clipped off", r->area_file, clipped);
	}
	return st;
}
