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
 * Geometry comes out of OGR as ISO WKB, transformed to WGS 84 lon/lat with
 * the traditional GIS axis order when the layer has another CRS, and goes into
 * GEOS.  Regions must be valid polygons and must not overlap.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../internal.h"
#include "csvlint.h"
#include "ogr.h"
#include "store.h"

typedef struct layer_src {
	char *display;       /* "events.csv" or "t.gpkg:events", for messages */
	GDALDatasetH ds;     /* owned when own_ds */
	bool own_ds;
	OGRLayerH lyr;
	int *lines;          /* CSV: the line each record starts on */
	size_t nlines;
	OGRCoordinateTransformationH ct;
	OGRSpatialReferenceH srs;
	bool broken;         /* CSV whose structure is broken: not read (see csvlint.c) */
} layer_src;

static void layer_close(layer_src *L)
{
	if (L->ct)
		OCTDestroyCoordinateTransformation(L->ct);
	if (L->srs)
		OSRDestroySpatialReference(L->srs);
	if (L->own_ds && L->ds)
		GDALClose(L->ds);
	free(L->lines);
	free(L->display);
	memset(L, 0, sizeof *L);
}

static int row_line(const layer_src *L, size_t k)
{
	if (L->lines)
		return k < L->nlines ? L->lines[k] : 0;
	return (int)k + 1;
}

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static fl_status setup_transform(layer_src *L)
{
	OGRSpatialReferenceH src = OGR_L_GetSpatialRef(L->lyr);
	if (!src)
		return FL_OK; /* GeoJSON without crs is RFC 7946 lon/lat */
	OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
	OSRSetWellKnownGeogCS(wgs, "WGS84");
	OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
	OGRSpatialReferenceH s2 = OSRClone(src);
	OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
	if (OSRIsSame(s2, wgs)) {
		OSRDestroySpatialReference(s2);
		OSRDestroySpatialReference(wgs);
		return FL_OK;
	}
	L->ct = OCTNewCoordinateTransformation(s2, wgs);
	OSRDestroySpatialReference(s2);
	L->srs = wgs;
	if (!L->ct)
		return fl__fail(FL_EINPUT, "%s: cannot transform its CRS to WGS 84: %s", L->display,
				CPLGetLastErrorMsg());
	return FL_OK;
}

/* Open layer `name` of the tracker: a file in a folder, or a layer of a
 * GeoPackage.  *missing is set (and FL_OK returned) when it does not exist. */
static fl_status layer_open(const char *root, GDALDatasetH gpkg, const char *name,
			    fl__diags *d, layer_src *L, bool *missing)
{
	memset(L, 0, sizeof *L);
	*missing = false;
	if (gpkg) {
		L->ds = gpkg;
		L->lyr = GDALDatasetGetLayerByName(gpkg, name);
		if (!L->lyr) {
			*missing = true;
			return FL_OK;
		}
		const char *base = strrchr(root, '/');
		L->display = fl__printf("%s:%s", base ? base + 1 : root, name);
		return setup_transform(L);
	}
	const char *const *exts = fl__store_layer_spec(name)->exts;
	for (size_t i = 0; exts[i]; i++) {
		char *p = fl__printf("%s/%s.%s", root, name, exts[i]);
		if (!file_exists(p)) {
			free(p);
			continue;
		}
		L->display = fl__printf("%s.%s", name, exts[i]);
		bool csv = strcmp(exts[i], "csv") == 0;
		if (csv) {
			size_t before = d->nerrors;
			fl_status st = fl__csv_lint(p, L->display, d, &L->lines, &L->nlines);
			if (st || d->nerrors > before) {
				/* GDAL would read the broken rows its own way: more errors
				 * that only echo the one reported */
				L->broken = !st;
				free(p);
				return st;
			}
		}
		CPLErrorReset();
		L->ds = fl__store_open_file(p, false);
		L->own_ds = true;
		if (!L->ds) {
			char why[512];
			fl__gdal_open_reason(p, why, sizeof why);
			free(p);
			return fl__fail(FL_EINPUT, "%s: GDAL cannot read it: %s", L->display, why);
		}
		free(p);
		L->lyr = GDALDatasetGetLayer(L->ds, 0);
		if (!L->lyr)
			return fl__fail(FL_EINPUT, "%s: no layer in it", L->display);
		return setup_transform(L);
	}
	*missing = true;
	return FL_OK;
}

/* The value of a field as a string ("" when null or absent).  Dates that a
 * driver typed as Date/DateTime come back in ISO 8601, not GDAL's
 * "2020/11/10" form.  Strings stay valid while the feature lives; values
 * of other types are formatted into a ring of buffers (valid for the next
 * seven calls), so a caller may hold several at once. */
static const char *fstr(OGRFeatureH f, const char *name)
{
	static _Thread_local char ring[8][64];
	static _Thread_local unsigned next;
	int i = OGR_F_GetFieldIndex(f, name);
	if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
		return "";
	OGRFieldType ft = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
	if (ft == OFTString)
		return OGR_F_GetFieldAsString(f, i);
	char *buf = ring[next++ % 8];
	const size_t bufsz = sizeof ring[0];
	if (ft == OFTDate || ft == OFTDateTime) {
		int y, m, d, hh, mm, tz;
		float ss;
		OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &hh, &mm, &ss, &tz);
		if (ft == OFTDate) {
			snprintf(buf, bufsz, "%04d-%02d-%02d", y, m, d);
			return buf;
		}
		int n = snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, (int)ss);
		if (tz == 100)
			snprintf(buf + n, bufsz - (size_t)n, "Z");
		else if (tz > 1) {
			int off = (tz - 100) * 15;
			snprintf(buf + n, bufsz - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
				 abs(off) / 60, abs(off) % 60);
		}
		return buf;
	}
	snprintf(buf, bufsz, "%s", OGR_F_GetFieldAsString(f, i));
	return buf;
}

static bool has_column(const layer_src *L, const char *name)
{
	return OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(L->lyr), name) >= 0;
}

/* Report every text field of the feature that is not UTF-8 (error, with the
 * column's name: `events.csv:7: field 'source': not UTF-8 ...`); false when
 * one is not.  Callers then echo none of the row's values in other messages,
 * so no output ever carries the bad bytes. */
static bool check_utf8(const layer_src *L, OGRFeatureH f, int line, fl__diags *d)
{
	bool ok = true;
	int n = OGR_F_GetFieldCount(f);
	for (int i = 0; i < n; i++) {
		OGRFieldDefnH fd = OGR_F_GetFieldDefnRef(f, i);
		OGRFieldType ft = OGR_Fld_GetType(fd);
		if ((ft != OFTString && ft != OFTStringList) || !OGR_F_IsFieldSetAndNotNull(f, i))
			continue;
		const char *v = OGR_F_GetFieldAsString(f, i), *name = OGR_Fld_GetNameRef(fd);
		size_t at = fl__utf8_invalid_at(v, strlen(v));
		if (at == SIZE_MAX)
			continue;
		char col[32];
		if (!fl__utf8_valid(name)) {
			snprintf(col, sizeof col, "column %d", i + 1);
			name = col;
		}
		fl__diags_add(d, FL__ERROR, L->display, line, name,
			      "not UTF-8 (byte 0x%02X at offset %zu of the value): save the file as UTF-8",
			      (unsigned char)v[at], at);
		ok = false;
	}
	return ok;
}

/* Whether the named fields (those messages may quote) are all UTF-8: a row
 * whose other text alone is not (a note, a source) is still read, so that
 * what refers to it adds no errors of its own. */
static bool quoted_fields_utf8(OGRFeatureH f, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (!fl__utf8_valid(fstr(f, names[i])))
			return false;
	return true;
}

static bool require_columns(const layer_src *L, const char *const *cols, fl__diags *d)
{
	bool ok = true;
	for (size_t i = 0; cols[i]; i++)
		if (!has_column(L, cols[i])) {
			fl__diags_add(d, FL__ERROR, L->display, 1, cols[i], "missing column");
			ok = false;
		}
	return ok;
}

/* Read the feature's geometry into GEOS, lon/lat. NULL when absent. */
static GEOSGeometry *read_geom(const layer_src *L, OGRFeatureH f, GEOSContextHandle_t h,
			       int line, fl__diags *d)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	if (!g || OGR_G_IsEmpty(g))
		return NULL;
	OGRGeometryH c = OGR_G_Clone(g);
	if (L->ct && OGR_G_Transform(c, L->ct) != OGRERR_NONE) {
		fl__diags_add(d, FL__ERROR, L->display, line, "geometry",
			      "cannot transform to WGS 84");
		OGR_G_DestroyGeometry(c);
		return NULL;
	}
	OGR_G_FlattenTo2D(c);
	int len = OGR_G_WkbSize(c);
	unsigned char *buf = malloc((size_t)len);
	GEOSGeometry *r = NULL;
	if (buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
		r = fl__geos_from_wkb(h, buf, (size_t)len);
	free(buf);
	OGR_G_DestroyGeometry(c);
	if (!r)
		fl__diags_add(d, FL__ERROR, L->display, line, "geometry", "unreadable geometry");
	return r;
}

static bool is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int t = GEOSGeomTypeId_r(h, g);
	return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

/* Check validity; report GEOS's reason and location. */
static bool check_valid(GEOSContextHandle_t h, const GEOSGeometry *g, const char *file, int line,
			fl__diags *d)
{
	char *reason = NULL;
	GEOSGeometry *loc = NULL;
	char v = GEOSisValidDetail_r(h, g, 0, &reason, &loc);
	if (v == 1)
		return true;
	double x = 0, y = 0;
	if (loc) {
		GEOSGeomGetX_r(h, loc, &x);
		GEOSGeomGetY_r(h, loc, &y);
	}
	fl__diags_add(d, FL__ERROR, file, line, "geometry", "invalid polygon: %s at (%.6f %.6f)",
		      reason ? reason : "unknown reason", x, y);
	if (reason)
		GEOSFree_r(h, reason);
	if (loc)
		GEOSGeom_destroy_r(h, loc);
	return false;
}

/* ---------------------------------------------------------------- actors */
static fl_status load_actors(fl_tracker *t, layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", NULL};
	if (!require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = row_line(L, k);
		const char *id = fstr(f, "id"), *color = fstr(f, "color"), *kind = fstr(f, "kind");
		/* a row with a value that is not UTF-8 is reported for that alone; it
		 * still defines its actor when its id is sound, so that the events
		 * naming it do not add errors of their own */
		check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) {
			/* reported above */
		} else if (!*id) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "empty actor id");
		} else if (fl_tracker_find_actor(t, id) != FL_NONE) {
			fl__diags_add(d, FL__ERROR, L->display, line, "id", "duplicate actor id '%s'", id);
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
			a->name = fl__strdup(fstr(f, "name"));
			a->color = fl__strdup(*color ? color : "#888888");
			a->kind = fl__strdup(*kind ? kind : "control");
			a->note = fl__strdup(fstr(f, "note"));
		}
		OGR_F_Destroy(f);
	}
	return FL_OK;
}

/* "unknown actor 'X' (its actors: ...)" */
static void unknown_actor(const fl_tracker *t, fl__diags *d, const char *file, int line,
			  const char *field, const char *id)
{
	char *ids = fl__actor_ids_text(t);
	fl__diags_add(d, FL__ERROR, file, line, field, "unknown actor '%s' (its actors: %s)", id,
		      ids ? ids : "?");
	free(ids);
}

/* --------------------------------------------------------------- regions */
static fl_status load_regions(fl_tracker *t, layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", NULL};
	if (!require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = row_line(L, k);
		const char *id = fstr(f, "id");
		bool ok = true;
		/* a name that is not UTF-8 is reported; the region stays, so that
		 * events naming it add no errors of their own */
		check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) { /* reported: nothing more about this row */
			OGR_F_Destroy(f);
			continue;
		}
		GEOSGeometry *g = read_geom(L, f, t->geos, line, d);
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
		} else if (!is_polygonal(t->geos, g)) {
			fl__diags_add(d, FL__ERROR, L->display, line, "geometry",
				      "region '%s' is a %s, not a polygon", id, GEOSGeomType_r(t->geos, g));
			ok = false;
		} else if (!check_valid(t->geos, g, L->display, line, d))
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
		r->pub.name = fl__strdup(fstr(f, "name"));
		r->pub.alt_names = fl__strdup(fstr(f, "alt_names"));
		r->pub.kind = fl__strdup(fstr(f, "kind"));
		r->pub.parent = fl__strdup(fstr(f, "parent"));
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

static fl_status load_areas(fl_tracker *t, layer_src *L, fl__diags *d, area_def **out, size_t *nout)
{
	static const char *const req[] = {"id", NULL};
	*out = NULL;
	*nout = 0;
	if (!require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, n = 0, k = 0;
	area_def *v = NULL;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = row_line(L, k);
		const char *id = fstr(f, "id");
		check_utf8(L, f, line, d);
		if (!fl__utf8_valid(id)) { /* reported: nothing more about this row */
			OGR_F_Destroy(f);
			continue;
		}
		GEOSGeometry *g = read_geom(L, f, t->geos, line, d);
		if (!*id || !g || !is_polygonal(t->geos, g)) {
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
static int parse_kind(const char *s)
{
	static const char *const k[] = {"capture", "handover", "withdrawal", "agreement",
					"baseline", "correction"};
	for (int i = 0; i < 6; i++)
		if (strcmp(s, k[i]) == 0)
			return i;
	return -1;
}

static int parse_status(const char *s)
{
	static const char *const k[] = {"claimed", "confirmed", "disputed"};
	for (int i = 0; i < 3; i++)
		if (strcmp(s, k[i]) == 0)
			return i;
	return -1;
}

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

static fl_status load_events(fl_tracker *t, layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "date", "to", "status", "source", NULL};
	if (!require_columns(L, req, d))
		return FL_OK;
	if (!has_column(L, "regions") && !has_column(L, "area"))
		fl__diags_add(d, FL__ERROR, L->display, 1, "regions",
			      "missing column: events need 'regions' or 'area'");
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = row_line(L, k);
		const char *F = L->display;
		static const char *const quoted[] = {"id",	 "date",     "regions", "to",
						     "from",	 "kind",     "status",  "recorded",
						     "corrects", "partial",  "area",    NULL};
		if (!check_utf8(L, f, line, d) && !quoted_fields_utf8(f, quoted)) {
			OGR_F_Destroy(f); /* reported: no value of the row is quoted */
			continue;
		}
		bool ok = true;
		fl__event e;
		memset(&e, 0, sizeof e);
		e.pub.from = e.pub.to = e.pub.corrects = FL_NONE;
		const char *id = fstr(f, "id");
		if (!*id) {
			fl__diags_add(d, FL__ERROR, F, line, "id", "empty event id");
			ok = false;
		} else if (fl_tracker_find_event(t, id) != FL_NONE) {
			fl__diags_add(d, FL__ERROR, F, line, "id", "duplicate event id '%s'", id);
			ok = false;
		}
		char what[256];
		snprintf(what, sizeof what, "%s:%d: field 'date'", F, line);
		if (fl_instant_parse(fstr(f, "date"), FL_DATE_START, what, &e.pub.when)) {
			fl__diags_add(d, FL__ERROR, F, line, "date", "%s",
				      strstr(fl_error_last(), "': ") ? strstr(fl_error_last(), "': ") + 3
								     : fl_error_last());
			ok = false;
		}
		const char *rec = fstr(f, "recorded");
		e.pub.recorded = e.pub.when;
		if (*rec) {
			snprintf(what, sizeof what, "%s:%d: field 'recorded'", F, line);
			if (fl_instant_parse(rec, FL_DATE_START, what, &e.pub.recorded)) {
				fl__diags_add(d, FL__ERROR, F, line, "recorded", "%s",
					      strstr(fl_error_last(), "': ") + 3);
				ok = false;
			} else if (ok && e.pub.recorded < e.pub.when - 86400)
				/* known before it happened: a typo in one of the two? */
				fl__diags_add(d, FL__WARNING, F, line, "recorded",
					      "recorded %s, more than a day before the event's date %s", rec,
					      fstr(f, "date"));
		}
		const char *to = fstr(f, "to"), *from = fstr(f, "from");
		if (!*to) {
			fl__diags_add(d, FL__ERROR, F, line, "to", "empty: which actor gains the area?");
			ok = false;
		} else if ((e.pub.to = fl_tracker_find_actor(t, to)) == FL_NONE) {
			unknown_actor(t, d, F, line, "to", to);
			ok = false;
		} else if (!fl__actor_holds(t, e.pub.to)) {
			fl__diags_add(d, FL__ERROR, F, line, "to",
				      "actor '%s' is a presence (kind presence in the actors), which cannot "
				      "hold territory: name the actor that controls the area, and the "
				      "presence in a zone", to);
			ok = false;
		}
		/* cppcheck-suppress redundantAssignment ; e.pub.from = FL_NONE above stays when `from` is empty */
		if (*from && (e.pub.from = fl_tracker_find_actor(t, from)) == FL_NONE) {
			unknown_actor(t, d, F, line, "from", from);
			ok = false;
		} else if (*from && !fl__actor_holds(t, e.pub.from)) {
			fl__diags_add(d, FL__ERROR, F, line, "from",
				      "actor '%s' is a presence (kind presence in the actors), which never "
				      "holds territory: 'from' is the previous holder", from);
			ok = false;
		}
		const char *kind = fstr(f, "kind"), *status = fstr(f, "status");
		int ki = *kind ? parse_kind(kind) : FL_KIND_CAPTURE;
		if (ki < 0) {
			fl__diags_add(d, FL__ERROR, F, line, "kind",
				      "unknown kind '%s' (capture, handover, withdrawal, agreement, "
				      "baseline, correction)", kind);
			ok = false;
		}
		int si = parse_status(status);
		if (si < 0) {
			fl__diags_add(d, FL__ERROR, F, line, "status",
				      "%s '%s' (claimed, confirmed, disputed)",
				      *status ? "unknown status" : "empty status", status);
			ok = false;
		}
		e.pub.kind = ki < 0 ? FL_KIND_CAPTURE : (fl_event_kind)ki;
		e.pub.status = si < 0 ? FL_STATUS_CLAIMED : (fl_event_status)si;
		if (!*fstr(f, "source")) {
			fl__diags_add(d, FL__ERROR, F, line, "source", "empty: every event needs a source");
			ok = false;
		}
		const char *partial = fstr(f, "partial");
		if (*partial && strcmp(partial, "true") && strcmp(partial, "false") &&
		    strcmp(partial, "1") && strcmp(partial, "0")) {
			fl__diags_add(d, FL__ERROR, F, line, "partial", "'%s' is not true or false", partial);
			ok = false;
		}
		e.pub.partial = !strcmp(partial, "true") || !strcmp(partial, "1");

		/* the area: regions and/or a polygon of areas.geojson */
		const char *regions = fstr(f, "regions"), *area = fstr(f, "area");
		size_t rcap = 0;
		if (strcmp(regions, "*") == 0)
			e.pub.all_regions = 1;
		else if (*regions) {
			char *copy = fl__strdup(regions), *save = NULL;
			for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
				while (*tok == ' ')
					tok++;
				int r = fl_tracker_find_region(t, tok);
				if (r == FL_NONE) {
					fl__diags_add(d, FL__ERROR, F, line, "regions", "unknown region '%s'", tok);
					ok = false;
					continue;
				}
				int *nv = fl__grow(e.regions, &rcap, e.pub.nregions + 1, sizeof *nv);
				if (!nv)
					break;
				e.regions = nv;
				e.regions[e.pub.nregions++] = r;
			}
			free(copy);
		}
		if (*area) { /* resolved by attach_areas(), unless the index makes it unneeded */
			e.area_ref = fl__strdup(area);
			e.pub.has_polygon = 1;
		}
		if (!*regions && !*area) {
			fl__diags_add(d, FL__ERROR, F, line, "regions",
				      "empty: name the regions (or '*') or an area");
			ok = false;
		}
		const char *corr = fstr(f, "corrects");
		if (*corr)
			e.corrects_id = fl__strdup(corr);
		else if (ki == FL_KIND_CORRECTION) {
			fl__diags_add(d, FL__ERROR, F, line, "corrects",
				      "empty: a correction names the event it corrects");
			ok = false;
		}
		if (!ok) {
			free(e.regions);
			free(e.corrects_id);
			free(e.area_ref);
			if (e.polygon)
				GEOSGeom_destroy_r(t->geos, e.polygon);
			OGR_F_Destroy(f);
			continue;
		}
		fl__event *v = fl__grow(t->events, &cap, t->nevents + 1, sizeof *v);
		if (!v) {
			OGR_F_Destroy(f);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		t->events = v;
		e.pub.id = fl__strdup(id);
		e.pub.date = fl__strdup(fstr(f, "date"));
		e.pub.regions = e.regions;
		e.pub.source = fl__strdup(fstr(f, "source"));
		e.pub.note = fl__strdup(fstr(f, "note"));
		e.pub.file = fl__strdup(F);
		e.pub.line = line;
		t->events[t->nevents++] = e;
		OGR_F_Destroy(f);
	}
	/* resolve corrections */
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		if (!e->corrects_id)
			continue;
		int c = fl_tracker_find_event(t, e->corrects_id);
		if (c == FL_NONE)
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "corrects",
				      "no event with id '%s' to correct", e->corrects_id);
		else if ((size_t)c == i)
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "corrects",
				      "an event cannot correct itself");
		else
			e->pub.corrects = c;
	}
	return FL_OK;
}

/* ----------------------------------------------------------------- zones */
static fl_status load_zones(fl_tracker *t, layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "name", "valid_from", NULL};
	if (!require_columns(L, req, d))
		return FL_OK;
	size_t cap = 0, k = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = row_line(L, k);
		const char *F = L->display;
		static const char *const quoted[] = {"id", "actor", "valid_from", "valid_to", NULL};
		if (!check_utf8(L, f, line, d) && !quoted_fields_utf8(f, quoted)) {
			OGR_F_Destroy(f); /* reported: no value of the row is quoted */
			continue;
		}
		bool ok = true;
		fl__zone z;
		memset(&z, 0, sizeof z);
		z.pub.actor = FL_NONE;
		const char *id = fstr(f, "id"), *actor = fstr(f, "actor");
		if (!*id) {
			fl__diags_add(d, FL__ERROR, F, line, "id", "empty zone id");
			ok = false;
		}
		/* cppcheck-suppress redundantAssignment ; z.pub.actor = FL_NONE above stays when `actor` is empty */
		if (*actor && (z.pub.actor = fl_tracker_find_actor(t, actor)) == FL_NONE) {
			unknown_actor(t, d, F, line, "actor", actor);
			ok = false;
		}
		char what[256];
		snprintf(what, sizeof what, "%s:%d: field 'valid_from'", F, line);
		if (fl_instant_parse(fstr(f, "valid_from"), FL_DATE_START, what, &z.pub.valid_from)) {
			fl__diags_add(d, FL__ERROR, F, line, "valid_from", "%s",
				      strstr(fl_error_last(), "': ") + 3);
			ok = false;
		}
		const char *vt = fstr(f, "valid_to");
		if (*vt) {
			snprintf(what, sizeof what, "%s:%d: field 'valid_to'", F, line);
			if (fl_instant_parse(vt, FL_DATE_END, what, &z.pub.valid_to)) {
				fl__diags_add(d, FL__ERROR, F, line, "valid_to", "%s",
					      strstr(fl_error_last(), "': ") + 3);
				ok = false;
			} else
				z.pub.has_end = 1;
		}
		if (ok && z.pub.has_end && z.pub.valid_to < z.pub.valid_from)
			fl__diags_add(d, FL__ERROR, F, line, "valid_to",
				      "the zone ends (%s) before it starts (%s)", vt, fstr(f, "valid_from"));
		z.geom = read_geom(L, f, t->geos, line, d);
		if (!z.geom) {
			fl__diags_add(d, FL__ERROR, F, line, "geometry", "zone '%s' has no geometry", id);
			ok = false;
		} else if (!check_valid(t->geos, z.geom, F, line, d))
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
		const char *approx = fstr(f, "approximate");
		z.pub.id = fl__strdup(id);
		z.pub.name = fl__strdup(fstr(f, "name"));
		z.pub.kind = fl__strdup(fstr(f, "kind"));
		z.pub.source = fl__strdup(fstr(f, "source"));
		z.pub.note = fl__strdup(fstr(f, "note"));
		z.pub.approximate = !strcmp(approx, "true") || !strcmp(approx, "1");
		t->zones[t->nzones++] = z;
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
		if (!file_exists(path) && strncmp(path, "PG:", 3) != 0)
			return fl__fail(FL_ENOTFOUND, "tracker '%s': no such folder or file", path);
		CPLErrorReset();
		gpkg = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		if (!gpkg) {
			char why[512];
			fl__gdal_open_reason(path, why, sizeof why);
			return fl__fail(FL_EINPUT, "tracker '%s': GDAL cannot open it: %s", path, why);
		}
	}
	layer_src L;
	bool missing;
	area_def *areas = NULL;
	size_t nareas = 0;
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
		st = layer_open(path, gpkg, spec->name, d, &L, &missing);
		if (st) {
			layer_close(&L);
			break;
		}
		if (L.broken) { /* reported by the CSV check; what follows would only echo it */
			layer_close(&L);
			break;
		}
		if (missing) {
			if (spec->required)
				st = fl__fail(FL_ENOTFOUND, "tracker '%s': missing %s%s%s", path, spec->name,
					      gpkg ? " layer" : ".", gpkg ? "" : spec->exts[0]);
			layer_close(&L);
			continue;
		}
		switch (li) {
		case 0: st = load_actors(t, &L, d); break;
		case 1: st = load_regions(t, &L, d); check_overlaps(t, d); break;
		case 2: st = load_events(t, &L, d); break;
		case 3: st = load_zones(t, &L, d); break;
		case 4:
			st = load_areas(t, &L, d, &areas, &nareas);
			if (!st)
				attach_areas(t, areas, nareas, d);
			break;
		}
		layer_close(&L);
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
