/*
 * store/ogr_layer.c: one layer of a tracker as the OGR reader sees it.
 *
 * A layer is a file of a folder (each opened as its own datasource, by the
 * driver its extension names: store.c) or a layer of a GeoPackage or
 * PostGIS database.  A CSV file is checked first for its structure
 * (csvlint.c), which also gives the line each record starts on, so that
 * messages name the file's own lines.  Geometry comes out of OGR as ISO
 * WKB, transformed to WGS 84 lon/lat with the traditional GIS axis order
 * when the layer has another CRS, and goes into GEOS.  The helpers below
 * are what every layer's reader (ogr.c, ogr_events.c) checks a row with.
 */
#include "../gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csvlint.h"
#include "ogr_layer.h"
#include "store.h"
#include <geos_c.h>
#include "../diag.h"
#include "../fail.h"
#include "../utf8.h"
#include "../gdal_open.h"
#include "../geo.h"
#include "../tracker_priv.h"
#include "../util.h"

void fl__layer_close(fl__layer_src *L)
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

int fl__row_line(const fl__layer_src *L, size_t k)
{
	if (L->lines)
		return k < L->nlines ? L->lines[k] : 0;
	return (int)k + 1;
}

bool fl__file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static fl_status setup_transform(fl__layer_src *L)
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
fl_status fl__layer_open(const char *root, GDALDatasetH gpkg, const char *name,
			    fl__diags *d, fl__layer_src *L, bool *missing)
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
		if (!fl__file_exists(p)) {
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
const char *fl__fstr(OGRFeatureH f, const char *name)
{
	return fl__fstr_at(f, OGR_F_GetFieldIndex(f, name));
}

const char *fl__fstr_at(OGRFeatureH f, int i)
{
	static _Thread_local char ring[8][64];
	static _Thread_local unsigned next;
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

bool fl__has_column(const fl__layer_src *L, const char *name)
{
	return OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(L->lyr), name) >= 0;
}

/* Report every text field of the feature that is not UTF-8 (error, with the
 * column's name: `events.csv:7: field 'source': not UTF-8 ...`); false when
 * one is not.  Callers then echo none of the row's values in other messages,
 * so no output ever carries the bad bytes. */
bool fl__check_utf8(const fl__layer_src *L, OGRFeatureH f, int line, fl__diags *d)
{
	int n = OGR_F_GetFieldCount(f), text[64];
	if (n > 64)
		return fl__check_utf8_at(L, f, NULL, n, line, d);
	size_t k = fl__text_fields(OGR_F_GetDefnRef(f), text, (size_t)n);
	return fl__check_utf8_at(L, f, text, k, line, d);
}

size_t fl__text_fields(OGRFeatureDefnH fd, int *out, size_t cap)
{
	size_t k = 0;
	int n = OGR_FD_GetFieldCount(fd);
	for (int i = 0; i < n && k < cap; i++) {
		OGRFieldType ft = OGR_Fld_GetType(OGR_FD_GetFieldDefn(fd, i));
		if (ft == OFTString || ft == OFTStringList)
			out[k++] = i;
	}
	return k;
}

bool fl__check_utf8_at(const fl__layer_src *L, OGRFeatureH f, const int *text, size_t n, int line,
		       fl__diags *d)
{
	bool ok = true;
	for (size_t j = 0; j < n; j++) {
		int i = text ? text[j] : (int)j;
		if (!text) { /* every field: the text ones only */
			OGRFieldType ft = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
			if (ft != OFTString && ft != OFTStringList)
				continue;
		}
		if (!OGR_F_IsFieldSetAndNotNull(f, i))
			continue;
		const char *v = OGR_F_GetFieldAsString(f, i);
		size_t at = fl__utf8_invalid_at(v, strlen(v));
		if (at == SIZE_MAX)
			continue;
		const char *name = OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, i));
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
bool fl__quoted_utf8(OGRFeatureH f, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (!fl__utf8_valid(fl__fstr(f, names[i])))
			return false;
	return true;
}

bool fl__quoted_utf8_at(OGRFeatureH f, const int *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!fl__utf8_valid(fl__fstr_at(f, fields[i])))
			return false;
	return true;
}

bool fl__require_columns(const fl__layer_src *L, const char *const *cols, fl__diags *d)
{
	bool ok = true;
	for (size_t i = 0; cols[i]; i++)
		if (!fl__has_column(L, cols[i])) {
			fl__diags_add(d, FL__ERROR, L->display, 1, cols[i], "missing column");
			ok = false;
		}
	return ok;
}

/* Read the feature's geometry into GEOS, lon/lat. NULL when absent. */
GEOSGeometry *fl__read_geom(const fl__layer_src *L, OGRFeatureH f, GEOSContextHandle_t h,
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

bool fl__is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int t = GEOSGeomTypeId_r(h, g);
	return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

/* Check validity; report GEOS's reason and location. */
bool fl__check_valid(GEOSContextHandle_t h, const GEOSGeometry *g, const char *file, int line,
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

void fl__unknown_actor(const fl_tracker *t, fl__diags *d, const char *file, int line,
			  const char *field, const char *id)
{
	char *ids = fl__actor_ids_text(t);
	fl__diags_add(d, FL__ERROR, file, line, field, "unknown actor '%s' (its actors: %s)", id,
		      ids ? ids : "?");
	free(ids);
}
