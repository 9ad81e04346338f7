/*
 * store/ogr.c: reading a tracker through GDAL/OGR.
 *
 * One code path serves every store.  A folder tracker is a set of files, each
 * opened as its own datasource (GDAL would read a folder of CSVs as one
 * source but ignore the GeoJSON beside them); a GeoPackage holds the same
 * layers in one file.  Rows are validated one by one and every problem is
 * recorded (file, line or feature, field), so that `frontline check` can list
 * them all; fl_tracker_open() turns the first error into a failure.  This
 * file only fills a tracker with the layers' rows: opening one (the index or
 * the sources, the apply order, the atoms) is open.c's.
 *
 * Here: the order of reading, and the actors, regions (valid polygons that
 * must not overlap), areas and zones; the events are ogr_events.c's, and
 * opening a layer and checking its rows' fields and geometry ogr_layer.c's.
 */
#include "../gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../diag.h"
#include "../fail.h"
#include "../gdal_open.h"
#include "../geo.h"
#include "../tracker_priv.h"
#include "../utf8.h"
#include "../util.h"
#include "ogr.h"
#include "ogr_events.h"
#include "ogr_layer.h"
#include "store.h"

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}


/* ---------------------------------------------------------------- actors */
static fl_status load_actors(fl_tracker *t, fl__layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", NULL};
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		const char *id = fl__fstr(f, "id"), *color = fl__fstr(f, "color"), *kind = fl__fstr(f, "kind");
		/* a row with a value that is not UTF-8 is reported for that alone; it
		 * still defines its actor when its id is sound, so that the events
		 * naming it do not add errors of their own */
		fl__check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) {
			/* reported above */
		} else if (!*id) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "empty actor id");
		} else if (fl_tracker_find_actor(t, id) != FL_NONE) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "duplicate actor id '%s'", id);
		} else if (!strcmp(id, "contested") || !strncmp(id, "contested:", 10)) {
			/* the word of events' to=contested, and the ids of its holders */
			fl__diags_add(d, FL__ERROR, L->display, line, "id",
				      "'%s' is reserved: events write to=contested (with their parties) "
				      "for contested ground; give the actor another id", id);
		} else {
			if (fl__utf8_valid(color) && *color &&
			    (strlen(color) != 7 || color[0] != '#' ||
			     strspn(color + 1, "0123456789abcdefABCDEF") != 6))
				fl__diags_add(d, FL__ERROR, L->display, line, "color",
					      "'%s' is not a colour of the form #rrggbb", color);
			/* control: may hold territory; presence: is there without holding
			 * it (peacekeepers, a monitoring centre), named by zones only */
			if (fl__utf8_valid(kind) && *kind && strcmp(kind, "control") && strcmp(kind, "presence"))
				fl__diags_add(d, FL__ERROR, L->display, line, "kind",
					      "unknown actor kind '%s' (control, presence)", kind);
			fl_actor *v = fl__grow(t->actors, &cap, t->nactors + 1, sizeof *v);
			if (!v) {
				OGR_F_Destroy(f);
				return fl__fail(FL_ENOMEM, "out of memory");
			}
			t->actors = v;
			fl_actor *a = &t->actors[t->nactors++];
			a->id = fl__strdup(id);
			a->name = fl__strdup(fl__fstr(f, "name"));
			a->color = fl__strdup(*color ? color : "#888888");
			a->kind = fl__strdup(*kind ? kind : "control");
			a->note = fl__strdup(fl__fstr(f, "note"));
			a->nparties = 0, a->parties = NULL;
		}
		OGR_F_Destroy(f);
	}
	return FL_OK;
}

/* --------------------------------------------------------------- regions */
static fl_status load_regions(fl_tracker *t, fl__layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", NULL};
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		const char *id = fl__fstr(f, "id");
		bool ok = true;
		/* a name that is not UTF-8 is reported; the region stays, so that
		 * events naming it add no errors of their own */
		fl__check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) { /* reported: nothing more about this row */
			OGR_F_Destroy(f);
			continue;
		}
		GEOSGeometry *g = fl__read_geom(L, f, t->geos, line, d);
		if (!*id) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "empty region id");
			ok = false;
		} else if (fl_tracker_find_region(t, id) != FL_NONE) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "duplicate region id '%s'", id);
			ok = false;
		}
		if (!g) {
			fl__diags_add(d, FL__ERROR, L->display, line, "geometry",
				      "region '%s' has no geometry", id);
			ok = false;
		} else if (!fl__is_polygonal(t->geos, g)) {
			fl__diags_add(d, FL__ERROR, L->display, line, "geometry",
				      "region '%s' is a %s, not a polygon", id, GEOSGeomType_r(t->geos, g));
			ok = false;
		} else if (!fl__check_valid(t->geos, g, L->display, line, d))
			ok = false;
		if (!ok) {
			if (g)
				GEOSGeom_destroy_r(t->geos, g);
			OGR_F_Destroy(f);
			continue;
		}
		fl__region *v = fl__grow(t->regions, &cap, t->nregions + 1, sizeof *v);
		if (!v) {
			GEOSGeom_destroy_r(t->geos, g);
			OGR_F_Destroy(f);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		t->regions = v;
		fl__region *r = &t->regions[t->nregions++];
		memset(r, 0, sizeof *r);
		r->pub.id = fl__strdup(id);
		r->pub.name = fl__strdup(fl__fstr(f, "name"));
		r->pub.alt_names = fl__strdup(fl__fstr(f, "alt_names"));
		r->pub.kind = fl__strdup(fl__fstr(f, "kind"));
		r->pub.parent = fl__strdup(fl__fstr(f, "parent"));
		r->geom = g;
		r->pub.area_km2 = fl__geod_area_km2(&t->geod, t->geos, g);
		r->file = fl__strdup(L->display);
		r->line = line;
		OGR_F_Destroy(f);
	}
	return FL_OK;
}

/* Regions form a coverage: report pairs whose interiors overlap. */
typedef struct idxlist {
	size_t *v;
	size_t n, cap;
} idxlist;

static void collect_idx(void *item, void *userdata)
{
	idxlist *l = userdata;
	size_t *v = fl__grow(l->v, &l->cap, l->n + 1, sizeof *v);
	if (!v)
		return;
	l->v = v;
	l->v[l->n++] = (size_t)(uintptr_t)item - 1;
}

static void check_overlaps(fl_tracker *t, fl__diags *d)
{
	GEOSContextHandle_t h = t->geos;
	if (t->nregions < 2)
		return;
	GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
	for (size_t i = 0; i < t->nregions; i++)
		/* the tree stores the region's index + 1 as its item (no allocation) */
		GEOSSTRtree_insert_r(h, tree, t->regions[i].geom, (void *)(uintptr_t)(i + 1)); // NOLINT(performance-no-int-to-ptr)
	idxlist cand = {0};
	for (size_t i = 0; i < t->nregions; i++) {
		const GEOSGeometry *gi = t->regions[i].geom;
		cand.n = 0;
		GEOSSTRtree_query_r(h, tree, gi, collect_idx, &cand);
		const GEOSPreparedGeometry *pg = NULL;
		for (size_t k = 0; k < cand.n; k++) {
			size_t j = cand.v[k];
			if (j <= i)
				continue;
			const GEOSGeometry *gj = t->regions[j].geom;
			if (!pg)
				pg = GEOSPrepare_r(h, gi);
			if (!GEOSPreparedIntersects_r(h, pg, gj) || GEOSPreparedTouches_r(h, pg, gj) == 1)
				continue;
			if (GEOSRelatePattern_r(h, gi, gj, "2********") != 1)
				continue;
			GEOSGeometry *x = GEOSIntersection_r(h, gi, gj);
			double km2 = x ? fl__geod_area_km2(&t->geod, h, x) : 0;
			if (x)
				GEOSGeom_destroy_r(h, x);
			fl__diags_add(d, FL__ERROR, t->regions[j].file, t->regions[j].line, "geometry",
				      "region '%s' overlaps region '%s' by %.4f km²",
				      t->regions[j].pub.id, t->regions[i].pub.id, km2);
		}
		if (pg)
			GEOSPreparedGeom_destroy_r(h, pg);
	}
	free(cand.v);
	GEOSSTRtree_destroy_r(h, tree);
}

/* ----------------------------------------------------------------- areas */
typedef struct area_def {
	char *id;
	GEOSGeometry *geom;
} area_def;

static fl_status load_areas(fl_tracker *t, fl__layer_src *L, fl__diags *d, area_def **out, size_t *nout)
{
	static const char *const req[] = {"id", NULL};
	*out = NULL;
	*nout = 0;
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, n = 0, k = 0;
	area_def *v = NULL;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		const char *id = fl__fstr(f, "id");
		fl__check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) { /* reported: nothing more about this row */
			OGR_F_Destroy(f);
			continue;
		}
		GEOSGeometry *g = fl__read_geom(L, f, t->geos, line, d);
		if (!*id || !g || !fl__is_polygonal(t->geos, g)) {
			fl__diags_add(d, FL__ERROR, L->display, line, !*id ? "id" : "geometry",
				      !*id ? "empty area id" : "area '%s' needs a polygon", id);
			if (g)
				GEOSGeom_destroy_r(t->geos, g);
			OGR_F_Destroy(f);
			continue;
		}
		area_def *nv = fl__grow(v, &cap, n + 1, sizeof *nv);
		if (!nv) {
			GEOSGeom_destroy_r(t->geos, g);
			OGR_F_Destroy(f);
			break;
		}
		v = nv;
		v[n].id = fl__strdup(id);
		v[n].geom = g;
		n++;
		OGR_F_Destroy(f);
	}
	*out = v;
	*nout = n;
	return FL_OK;
}

/* ---------------------------------------------------------------- events */
static int cmp_area(const void *a, const void *b)
{
	return strcmp(((const area_def *)a)->id, ((const area_def *)b)->id);
}

/* Give each polygon event its polygon from areas.geojson. */
static void attach_areas(fl_tracker *t, area_def *areas, size_t nareas, fl__diags *d)
{
	if (nareas) /* an empty layer: areas is NULL, which qsort and bsearch must not get */
		qsort(areas, nareas, sizeof *areas, cmp_area);
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		if (!e->area_ref)
			continue;
		area_def key = {e->area_ref, NULL};
		area_def *a = nareas ? bsearch(&key, areas, nareas, sizeof *areas, cmp_area) : NULL;
		if (!a)
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "area",
				      "no polygon with id '%s' in the areas layer", e->area_ref);
		else
			e->polygon = GEOSGeom_clone_r(t->geos, a->geom);
	}
}

/* ----------------------------------------------------------------- zones */
static fl_status load_zones(fl_tracker *t, fl__layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", "valid_from", NULL};
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		const char *F = L->display;
		static const char *const quoted[] = {"id", "actor", "valid_from", "valid_to", NULL};
		if (!fl__check_utf8(L, f, line, d) && !fl__quoted_utf8(f, quoted)) {
			OGR_F_Destroy(f); /* reported: no value of the row is quoted */
			continue;
		}
		bool ok = true;
		fl__zone z;
		memset(&z, 0, sizeof z);
		z.pub.actor = FL_NONE;
		const char *id = fl__fstr(f, "id"), *actor = fl__fstr(f, "actor");
		if (!*id) {
			fl__diags_add(d, FL__ERROR, F, line, "id", "empty zone id");
			ok = false;
		}
		/* cppcheck-suppress redundantAssignment ; z.pub.actor = FL_NONE above stays when `actor` is empty */
		/* (contested ground's holders are no actors a zone may name) */
		if (*actor && ((z.pub.actor = fl_tracker_find_actor(t, actor)) == FL_NONE ||
			       fl__actor_contested(t, z.pub.actor))) {
			fl__unknown_actor(t, d, F, line, "actor", actor);
			ok = false;
		}
		char what[256];
		snprintf(what, sizeof what, "%s:%d: field 'valid_from'", F, line);
		if (fl_tracker_parse_date(t, fl__fstr(f, "valid_from"), FL_DATE_START, what,
					  &z.pub.valid_from)) {
			fl__diags_add(d, FL__ERROR, F, line, "valid_from", "%s",
				      strstr(fl_error_last(), "': ") + 3);
			ok = false;
		}
		const char *vt = fl__fstr(f, "valid_to");
		if (*vt) {
			snprintf(what, sizeof what, "%s:%d: field 'valid_to'", F, line);
			if (fl_tracker_parse_date(t, vt, FL_DATE_END, what, &z.pub.valid_to)) {
				fl__diags_add(d, FL__ERROR, F, line, "valid_to", "%s",
					      strstr(fl_error_last(), "': ") + 3);
				ok = false;
			} else
				z.pub.has_end = 1;
		}
		if (ok && z.pub.has_end && z.pub.valid_to < z.pub.valid_from)
			fl__diags_add(d, FL__ERROR, F, line, "valid_to",
				      "the zone ends (%s) before it starts (%s)", vt, fl__fstr(f, "valid_from"));
		z.geom = fl__read_geom(L, f, t->geos, line, d);
		if (!z.geom) {
			fl__diags_add(d, FL__ERROR, F, line, "geometry", "zone '%s' has no geometry", id);
			ok = false;
		} else if (!fl__check_valid(t->geos, z.geom, F, line, d))
			ok = false;
		if (!ok) {
			if (z.geom)
				GEOSGeom_destroy_r(t->geos, z.geom);
			OGR_F_Destroy(f);
			continue;
		}
		fl__zone *v = fl__grow(t->zones, &cap, t->nzones + 1, sizeof *v);
		if (!v) {
			GEOSGeom_destroy_r(t->geos, z.geom);
			OGR_F_Destroy(f);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		t->zones = v;
		const char *approx = fl__fstr(f, "approximate");
		z.pub.id = fl__strdup(id);
		z.pub.name = fl__strdup(fl__fstr(f, "name"));
		z.pub.kind = fl__strdup(fl__fstr(f, "kind"));
		z.pub.source = fl__strdup(fl__fstr(f, "source"));
		z.pub.note = fl__strdup(fl__fstr(f, "note"));
		z.pub.approximate = !strcmp(approx, "true") || !strcmp(approx, "1");
		t->zones[t->nzones++] = z;
		OGR_F_Destroy(f);
	}
	return FL_OK;
}

/* -------------------------------------------------------------- settings */
/* The tracker layer: one row per setting, `key,value`.  The one key is
 * time_zone, an IANA name read from the system's database (tz.c). */
static fl_status load_settings(fl_tracker *t, fl__layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"key", "value", NULL};
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	size_t k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		const char *key = fl__fstr(f, "key"), *value = fl__fstr(f, "value");
		if (!fl__check_utf8(L, f, line, d)) {
			/* reported */
		} else if (strcmp(key, "time_zone")) {
			fl__diags_add(d, FL__ERROR, L->display, line, "key",
				      "unknown key '%s' (the keys: time_zone)", key);
		} else if (t->tz_name) {
			fl__diags_add(d, FL__ERROR, L->display, line, "key", "time_zone is set twice");
		} else {
			fl__tz *z = NULL;
			if (fl__tz_open(value, &z) != FL_OK) {
				fl__diags_add(d, FL__ERROR, L->display, line, "value", "%s", fl_error_last());
			} else {
				t->tz = z;
				t->tz_name = t->tz_name_own = fl__strdup(value);
			}
		}
		OGR_F_Destroy(f);
	}
	return FL_OK;
}

/* ------------------------------------------------------------------ load */

fl_status fl__store_ogr_read(const char *path, fl_tracker *t, fl__diags *d)
{
	fl_status st = FL_OK;
	GDALDatasetH gpkg = NULL;
	if (!is_dir(path)) {
		if (!fl__file_exists(path) && strncmp(path, "PG:", 3) != 0)
			return fl__fail(FL_ENOTFOUND, "tracker '%s': no such folder or file", path);
		CPLErrorReset();
		gpkg = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		if (!gpkg) {
			char why[512];
			fl__gdal_open_reason(path, why, sizeof why);
			return fl__fail(FL_EINPUT, "tracker '%s': GDAL cannot open it: %s", path, why);
		}
	}
	fl__layer_src L;
	bool missing;
	area_def *areas = NULL;
	size_t nareas = 0;
	/* the settings first: the time zone says what the dates mean */
	st = fl__layer_open(path, gpkg, "tracker", d, &L, &missing);
	if (!st && !missing && !L.broken)
		st = load_settings(t, &L, d);
	fl__layer_close(&L);
	/* the order of reading: what a layer refers to comes before it */
	static const char *const order[] = {"actors", "regions", "events", "zones", "areas"};
	for (size_t li = 0; li < sizeof order / sizeof order[0] && !st; li++) {
		const fl__layer_spec *spec = fl__store_layer_spec(order[li]);
		if (li == 4) { /* areas: only when polygon events need them */
			bool any = false;
			for (size_t i = 0; i < t->nevents; i++)
				any |= t->events[i].area_ref != NULL;
			if (!any)
				break;
		}
		st = fl__layer_open(path, gpkg, spec->name, d, &L, &missing);
		if (st) {
			fl__layer_close(&L);
			break;
		}
		if (L.broken) { /* reported by the CSV check; what follows would only echo it */
			fl__layer_close(&L);
			break;
		}
		if (missing) {
			if (spec->required)
				st = fl__fail(FL_ENOTFOUND, "tracker '%s': missing %s%s%s", path, spec->name,
					      gpkg ? " layer" : ".", gpkg ? "" : spec->exts[0]);
			fl__layer_close(&L);
			continue;
		}
		switch (li) {
		case 0: st = load_actors(t, &L, d); break;
		case 1: st = load_regions(t, &L, d); check_overlaps(t, d); break;
		case 2: st = fl__load_events(t, &L, d); break;
		case 3: st = load_zones(t, &L, d); break;
		case 4:
			st = load_areas(t, &L, d, &areas, &nareas);
			if (!st)
				attach_areas(t, areas, nareas, d);
			break;
		}
		fl__layer_close(&L);
	}
	for (size_t i = 0; i < nareas; i++) {
		free(areas[i].id);
		GEOSGeom_destroy_r(t->geos, areas[i].geom);
	}
	free(areas);
	if (gpkg)
		GDALClose(gpkg);
	return st;
}

