/*
 * import_read.c: the inputs of import-series.  Every input goes through
 * GDAL (any vector format, any CRS; the geometry is transformed to WGS 84
 * lon/lat), its polygons are sorted into dates (from the file's name or a
 * field), and the polygons of one date are unioned, repaired with MakeValid
 * when invalid, and snapped to the engine's 1e-7 degree grid so that the
 * tracker gives back exactly what was read.
 */
#include <ctype.h>
#include <math.h>
#include "gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fail.h"
#include "gdal_open.h"
#include "geo.h"
#include "import_priv.h"
#include "util.h"

/* YYYYMMDD or YYYY-MM-DD in a file's name. */
static fl_status date_from_name(const char *path, char *out)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (const char *p = base; *p; p++) {
		if (!isdigit((unsigned char)p[0]))
			continue;
		char buf[11];
		if (strlen(p) >= 10 && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && p[4] == '-' && p[7] == '-') {
			memcpy(buf, p, 10);
			buf[10] = 0;
		} else if (strspn(p, "0123456789") == 8) {
			snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
		} else {
			p += strspn(p, "0123456789") - 1;
			continue;
		}
		fl_instant t;
		char what[300];
		snprintf(what, sizeof what, "%s: the date in the file name", path);
		if (fl_instant_parse(buf, FL_DATE_START, what, &t))
			return FL_EINPUT;
		memcpy(out, buf, sizeof buf); /* out holds 11 bytes (see callers) */
		return FL_OK;
	}
	return fl__fail(FL_EINPUT, "%s: no date in the file name (expected YYYYMMDD or YYYY-MM-DD, "
			"or use `date_field`)", path);
}

int fl__dated_cmp(const void *a, const void *b)
{
	const fl__dated *x = a, *y = b;
	return x->when < y->when ? -1 : x->when > y->when;
}

fl_status fl__dated_add_part(fl__dated *d, GEOSGeometry *g)
{
	GEOSGeometry **v = fl__grow(d->parts, &d->cap, d->nparts + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	d->parts = v;
	d->parts[d->nparts++] = g;
	return FL_OK;
}

fl__dated *fl__dated_find(fl__dated **v, size_t *n, size_t *cap, const char *date, const char *file)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].date, date))
			return &(*v)[i];
	fl__dated *nv = fl__grow(*v, cap, *n + 1, sizeof *nv);
	if (!nv)
		return NULL;
	*v = nv;
	fl__dated *d = &(*v)[(*n)++];
	memset(d, 0, sizeof *d);
	snprintf(d->date, sizeof d->date, "%s", date);
	fl_instant_parse(date, FL_DATE_START, "date", &d->when);
	d->file = file;
	return d;
}

/* Feature k's geometry og, in WGS 84 lon/lat and 2D, as a GEOS polygon or
 * multipolygon (*g; a refusal names the file and the feature). */
static fl_status polygon_of(GEOSContextHandle_t h, OGRGeometryH og, OGRCoordinateTransformationH ct,
			    const char *path, long k, GEOSGeometry **g)
{
	fl_status st = FL_OK;
	*g = NULL;
	OGRGeometryH c = OGR_G_Clone(og);
	if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
		st = fl__fail(FL_EINPUT, "%s: feature %ld: cannot transform to WGS 84", path, k);
	OGR_G_FlattenTo2D(c);
	int len = OGR_G_WkbSize(c);
	unsigned char *buf = malloc((size_t)len);
	if (!st && buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
		*g = fl__geos_from_wkb(h, buf, (size_t)len);
	free(buf);
	OGR_G_DestroyGeometry(c);
	int type = *g ? GEOSGeomTypeId_r(h, *g) : -1;
	if (!st && type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
		st = fl__fail(FL_EINPUT, "%s: feature %ld: field 'geometry': expected a polygon", path, k);
	if (st && *g) {
		GEOSGeom_destroy_r(h, *g);
		*g = NULL;
	}
	return st;
}

fl_status fl__import_read_file(GEOSContextHandle_t h, const char *path, const char *date_field,
			       fl__dated **v, size_t *n, size_t *cap)
{
	char fdate[16] = "";
	fl_status st = FL_OK;
	if (!date_field && (st = date_from_name(path, fdate)))
		return st;
	for (size_t i = 0; !date_field && i < *n; i++)
		if (!strcmp((*v)[i].date, fdate))
			return fl__fail(FL_EINPUT, "%s: a second file for the date %s (the first is %s)", path,
					fdate, (*v)[i].file);
	/* name the driver when the extension says it: probing every driver costs */
	const char *dot = strrchr(path, '.');
	static const char *const json_drv[] = {"GeoJSON", NULL};
	bool json = dot && (!strcasecmp(dot, ".geojson") || !strcasecmp(dot, ".json"));
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, json ? json_drv : NULL,
				     NULL, NULL);
	if (!ds) {
		char why[512];
		return fl__fail(FL_EINPUT, "%s: GDAL cannot read it: %s", path,
				fl__gdal_open_reason(path, why, sizeof why));
	}
	OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
	OGRCoordinateTransformationH ct = fl__layer_to_lonlat(lyr, NULL);
	if (!lyr)
		st = fl__fail(FL_EINPUT, "%s: no layer in it", path);
	if (!st && date_field && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), date_field) < 0)
		st = fl__fail(FL_EINPUT, "%s: no field '%s' (`date_field`)", path, date_field);
	OGRFeatureH f;
	long k = 0;
	while (!st && (f = OGR_L_GetNextFeature(lyr))) {
		k++;
		char date[16];
		snprintf(date, sizeof date, "%s", fdate);
		if (date_field) {
			int fi = OGR_F_GetFieldIndex(f, date_field);
			int y, m, dd, hh, mm, tz;
			float ss;
			const char *txt = OGR_F_GetFieldAsString(f, fi);
			fl_instant t;
			char what[300];
			snprintf(what, sizeof what, "%s: feature %ld: field '%s'", path, k, date_field);
			OGRFieldType ft = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, fi));
			char typed[32];
			if ((ft == OFTDate || ft == OFTDateTime) &&
			    OGR_F_GetFieldAsDateTimeEx(f, fi, &y, &m, &dd, &hh, &mm, &ss, &tz)) {
				/* GDAL types 2024-02-30 as a Date too: check it like any text */
				snprintf(typed, sizeof typed, "%04d-%02d-%02d", y, m, dd);
				txt = typed;
			}
			if (!(st = fl_instant_parse(txt, FL_DATE_START, what, &t)))
				fl_instant_format_date(t, date, sizeof date);
		}
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		if (!st && og && !OGR_G_IsEmpty(og)) {
			GEOSGeometry *g = NULL;
			st = polygon_of(h, og, ct, path, k, &g);
			fl__dated *d = st ? NULL : fl__dated_find(v, n, cap, date, path);
			if (!st && !d)
				st = fl__fail(FL_ENOMEM, "out of memory");
			if (!st)
				st = fl__dated_add_part(d, g);
			else if (g)
				GEOSGeom_destroy_r(h, g);
		}
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	GDALClose(ds);
	return st;
}

fl_status fl__import_finish_date(GEOSContextHandle_t h, fl__dated *d, size_t *repaired)
{
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, d->parts,
							  (unsigned)d->nparts);
	free(d->parts);
	d->parts = NULL;
	d->nparts = 0;
	if (!coll)
		return fl__fail(FL_EGEOM, "%s: cannot collect its polygons", d->file);
	GEOSGeometry *u = NULL;
	fl_status st = FL_OK;
	if (GEOSGetNumGeometries_r(h, coll) == 1 && GEOSisValid_r(h, GEOSGetGeometryN_r(h, coll, 0)) == 1)
		u = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, coll, 0));
	else {
		/* each polygon repaired on its own (an invalid one with GEOS MakeValid,
		 * refused if that changes its area by more than 0.1 %), then unioned */
		int n = 0;
		for (int i = 0; i < GEOSGetNumGeometries_r(h, coll); i++)
			n += GEOSGetNumGeometries_r(h, GEOSGetGeometryN_r(h, coll, i));
		GEOSGeometry **fixed = calloc((size_t)n + 1, sizeof *fixed);
		const GEOSGeometry **polys = calloc((size_t)n + 1, sizeof *polys);
		for (int i = 0, k = 0; polys && i < GEOSGetNumGeometries_r(h, coll); i++) {
			const GEOSGeometry *g = GEOSGetGeometryN_r(h, coll, i);
			for (int j = 0; j < GEOSGetNumGeometries_r(h, g); j++)
				polys[k++] = GEOSGetGeometryN_r(h, g, j);
		}
		if (!polys)
			st = fl__fail(FL_ENOMEM, "out of memory");
		for (int i = 0; fixed && i < n && !st; i++) {
			const GEOSGeometry *p = polys[i];
			if (GEOSisValid_r(h, p) == 1) {
				fixed[i] = GEOSGeom_clone_r(h, p);
				continue;
			}
			fixed[i] = GEOSMakeValid_r(h, p);
			double a0 = 0, a1 = 0;
			GEOSArea_r(h, p, &a0);
			if (fixed[i])
				GEOSArea_r(h, fixed[i], &a1);
			if (!fixed[i] || (a0 > 0 && fabs(a1 - a0) / a0 > 0.001) || a0 <= 0)
				st = fl__fail(FL_EINPUT,
					      "%s: an invalid polygon whose repair (GEOS MakeValid) would change "
					      "its area by more than 0.1 %%: fix the source", d->file);
			else
				(*repaired)++;
		}
		GEOSGeometry *c2 = st || !fixed ? NULL
				   : GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, fixed, (unsigned)n);
		if (c2) {
			u = GEOSUnaryUnion_r(h, c2);
			GEOSGeom_destroy_r(h, c2);
		} else
			for (int i = 0; fixed && i < n; i++)
				if (fixed[i])
					GEOSGeom_destroy_r(h, fixed[i]);
		free(fixed);
		free(polys);
	}
	GEOSGeom_destroy_r(h, coll);
	if (st)
		return st;
	if (!u)
		return fl__fail(FL_EGEOM, "%s: cannot repair or union its polygons", d->file);
	/* kept as read: the change detection compares the source's own
	 * segments, and every overlay result is snapped to the grid */
	d->geom = u;
	return FL_OK;
}

/* g, repaired when invalid (polygons only: GEOS MakeValid's structure
 * method), taken; NULL on failure. */
static GEOSGeometry *valid_polygon(GEOSContextHandle_t h, GEOSGeometry *g)
{
	if (GEOSisValid_r(h, g) == 1)
		return g;
	GEOSMakeValidParams *p = GEOSMakeValidParams_create_r(h);
	GEOSGeometry *r = NULL;
	if (p && GEOSMakeValidParams_setMethod_r(h, p, GEOS_MAKE_VALID_STRUCTURE) &&
	    GEOSMakeValidParams_setKeepCollapsed_r(h, p, 0))
		r = GEOSMakeValidWithParams_r(h, g, p);
	if (p)
		GEOSMakeValidParams_destroy_r(h, p);
	GEOSGeom_destroy_r(h, g);
	return r;
}

/* The polygons of the features of lyr (those its filter lets through),
 * unioned on the grid into *out. */
static fl_status extent_union(GEOSContextHandle_t h, OGRLayerH lyr, const char *path, const char *where,
			      GEOSGeometry **out)
{
	OGRCoordinateTransformationH ct = fl__layer_to_lonlat(lyr, NULL);
	char *what = fl__printf("`extent` %s", path);
	GEOSGeometry **parts = NULL;
	size_t n = 0, cap = 0;
	long k = 0;
	fl_status st = what ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	OGRFeatureH f;
	while (!st && (f = OGR_L_GetNextFeature(lyr))) {
		k++;
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		GEOSGeometry *g = NULL;
		if (og && !OGR_G_IsEmpty(og))
			st = polygon_of(h, og, ct, what, k, &g);
		if (g && !(g = valid_polygon(h, g)))
			st = fl__fail(FL_EGEOM, "%s: feature %ld: cannot repair its polygon", what, k);
		GEOSGeometry **v = g ? fl__grow(parts, &cap, n + 1, sizeof *v) : parts;
		if (g && !v) {
			GEOSGeom_destroy_r(h, g);
			st = fl__fail(FL_ENOMEM, "out of memory");
		} else if (g)
			(parts = v)[n++] = g;
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	free(what);
	if (!st && !k && where)
		st = fl__fail(FL_EINPUT, "`extent_where` \"%s\": no feature of %s matches it", where, path);
	else if (!st && !n)
		st = fl__fail(FL_EINPUT, "`extent` %s: no polygon in it%s%s%s", path, where ? " (filter \"" : "",
			      where ? where : "", where ? "\")" : "");
	GEOSGeometry *coll = st ? NULL : GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts,
								      (unsigned)n);
	if (!coll)
		for (size_t i = 0; i < n; i++)
			GEOSGeom_destroy_r(h, parts[i]);
	free(parts);
	*out = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	if (!st && !*out)
		st = fl__fail(FL_EGEOM, "`extent` %s: cannot union its polygons: %s", path, fl_error_last());
	else if (!st && GEOSisEmpty_r(h, *out))
		st = fl__fail(FL_EINPUT, "`extent` %s: its polygons are empty", path);
	return st;
}

fl_status fl__import_read_extent(GEOSContextHandle_t h, const char *path, const char *where,
				 fl__territory *t)
{
	memset(t, 0, sizeof *t);
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds) {
		char why[512];
		return fl__fail(FL_EINPUT, "`extent` %s: GDAL cannot read it: %s", path,
				fl__gdal_open_reason(path, why, sizeof why));
	}
	OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
	fl_status st = lyr ? FL_OK : fl__fail(FL_EINPUT, "`extent` %s: no layer in it", path);
	CPLErrorReset();
	if (!st && where && OGR_L_SetAttributeFilter(lyr, where) != OGRERR_NONE)
		st = fl__fail(FL_EINPUT, "`extent_where` \"%s\": not a filter GDAL takes on %s: %s", where, path,
			      *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "syntax error");
	if (!st)
		st = extent_union(h, lyr, path, where, &t->geom);
	GDALClose(ds);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	t->desc = st ? NULL : where ? fl__printf("%s where %s", base, where) : fl__strdup(base);
	if (!st && !t->desc)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (st)
		fl__territory_free(h, t);
	return st;
}

void fl__territory_free(GEOSContextHandle_t h, fl__territory *t)
{
	if (t->geom)
		GEOSGeom_destroy_r(h, t->geom);
	free(t->desc);
	t->geom = NULL;
	t->desc = NULL;
}
