/*
 * output.c: writing features through GDAL, whole or not at all.
 *
 * Every output goes through a "sink": the dataset is first built in GDAL's
 * in-memory file system (/vsimem), whatever the driver, and only when it is
 * complete are its bytes copied out: to stdout, or to a temporary file beside
 * the target that is fsync'd and renamed over it.  A failure at any point
 * (bad geometry, full disk, killed process) therefore never leaves a partial
 * file under the target's name.  Formats with side files (Shapefile's .shx,
 * .dbf, .prj) are moved file by file.
 *
 * GeoJSON is the exception: frontline writes it itself (geojson.c), into
 * the sink's own buffer, which is then copied out the same way; `format`
 * "GDAL:GeoJSON" (any "GDAL:" driver) still writes it through GDAL.
 *
 * This file opens a sink, makes its layers and adds features (and frees it);
 * output_commit.c closes it and copies its files out, through the whole or
 * nothing writes of output_file.c; output_kml.c gives KML its styles.  The
 * sink's fields are in output_sink.h.
 */
#include "gdal_load.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "date_zone.h"
#include "fail.h"
#include "geo.h"
#include "sink.h"
#include "util.h"
#include "wkb_rfc7946.h"
#include "output_sink.h"

static void set_timespan(fl__sink *s, OGRFeatureH f);

static const struct {
	const char *alias, *driver, *ext;
} formats[] = {
	{"geojson", "GeoJSON", "geojson"}, {"json", "GeoJSON", "json"},
	{"gpkg", "GPKG", "gpkg"},	   {"geopackage", "GPKG", "gpkg"},
	{"fgb", "FlatGeobuf", "fgb"},	   {"flatgeobuf", "FlatGeobuf", "fgb"},
	{"kml", "LIBKML", "kml"},	   {"kml", "KML", "kml"},
	{"shp", "ESRI Shapefile", "shp"},
	{"shapefile", "ESRI Shapefile", "shp"}, {"csv", "CSV", "csv"},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* Whether the driver can write here (*ok): GeoJSON always (frontline writes
 * it itself, and GDAL is then not even loaded), others when GDAL has them.
 * An error when GDAL cannot be loaded. */
static fl_status driver_here(const char *driver, bool *ok)
{
	*ok = true;
	if (!strcmp(driver, "GeoJSON"))
		return FL_OK;
	fl_status st = fl__gdal_ready();
	*ok = !st && GDALGetDriverByName(driver) != NULL;
	return st;
}

fl_status fl__resolve_format(const char *path, const char *format, const char **driver)
{
	/* "GDAL:DRIVER": GDAL's driver even where frontline has its own writer */
	if (format && !strncasecmp(format, "GDAL:", 5) && format[5]) {
		fl_status st = fl__gdal_ready();
		if (st)
			return st;
		GDALDriverH d = GDALGetDriverByName(format + 5);
		if (d && GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, NULL) &&
		    GDALGetMetadataItem(d, GDAL_DCAP_CREATE, NULL)) {
			*driver = GDALGetDriverShortName(d);
			return FL_OK;
		}
		return fl__fail(FL_EARG, "`format` %s: no GDAL vector driver '%s' that writes",
				format, format + 5);
	}
	if (format && *format) {
		for (size_t i = 0; i < NFORMATS; i++) {
			bool ok = false;
			if (strcasecmp(format, formats[i].alias) && strcasecmp(format, formats[i].driver))
				continue;
			fl_status st = driver_here(formats[i].driver, &ok);
			if (st)
				return st;
			if (ok) {
				*driver = formats[i].driver;
				return FL_OK;
			}
		}
		fl_status st = fl__gdal_ready();
		if (st)
			return st;
		GDALDriverH d = GDALGetDriverByName(format);
		if (d && GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, NULL) &&
		    GDALGetMetadataItem(d, GDAL_DCAP_CREATE, NULL)) {
			*driver = GDALGetDriverShortName(d);
			return FL_OK;
		}
		return fl__fail(FL_EARG,
				"`format` %s: unknown output format (use geojson, gpkg, fgb, kml, shp, csv "
				"or a GDAL vector driver name)", format);
	}
	if (!path || strcmp(path, "-") == 0) {
		*driver = "GeoJSON";
		return FL_OK;
	}
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	for (size_t i = 0; dot && (!slash || dot > slash) && i < NFORMATS; i++) {
		bool ok = false;
		if (strcasecmp(dot + 1, formats[i].ext))
			continue;
		fl_status st = driver_here(formats[i].driver, &ok);
		if (st)
			return st;
		if (ok) {
			*driver = formats[i].driver;
			return FL_OK;
		}
	}
	/* a stream has no extension to speak of: it gets what stdout gets */
	if (fl__is_stream(path)) {
		*driver = "GeoJSON";
		return FL_OK;
	}
	return fl__fail(FL_EARG,
			"`path` %s: cannot tell the format from the extension (use .geojson, .gpkg, "
			".fgb, .kml, .shp, .csv, or `format`)", path);
}

static const char *ext_of_driver(const char *driver)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(formats[i].driver, driver) == 0)
			return formats[i].ext;
	return "dat";
}

static bool text_dates(const char *driver)
{
	return !strcmp(driver, "CSV") || !strcmp(driver, "KML") || !strcmp(driver, "LIBKML");
}

static OGRFieldType field_type(const fl__sink *s, fl__ftype t)
{
	switch (t) {
	case FL__STR: return OFTString;
	case FL__REAL: return OFTReal;
	case FL__INT: return OFTInteger64;
	/* GDAL's CSV and KML drivers write dates as 2020/11/25: keep ISO 8601 text */
	case FL__DATE: return text_dates(s->driver) ? OFTString : OFTDate;
	/* Shapefile has no date-time type either: ISO 8601 text keeps the time and offset */
	case FL__DATETIME:
		return text_dates(s->driver) || !strcmp(s->driver, "ESRI Shapefile") ? OFTString
										   : OFTDateTime;
	case FL__BOOL: return OFTInteger;
	}
	return OFTString;
}

/* Create the layer in ds (the sink's dataset, or a GeoJSON part's). */
static fl_status layer_in(fl__sink *s, GDALDatasetH ds, const char *layer, const fl__field *fields,
			  size_t nfields, bool has_geometry, OGRLayerH *out)
{
	char **lco = NULL;
	/* GeoJSON through GDAL ("GDAL:GeoJSON"): fl__sink_add rounds the
	 * coordinates to 7 decimals and winds the rings (wkb_rfc7946.c), as
	 * for frontline's own writer; 15 significant figures print the rounded
	 * coordinates exactly, and numbers in properties to 15 figures (17
	 * would round-trip every double: the last two are noise for areas in
	 * km²).  Given no SRS, GDAL writes no "crs". */
	if (strcmp(s->driver, "GeoJSON") == 0)
		lco = CSLSetNameValue(lco, "SIGNIFICANT_FIGURES", "15");
	if (strcmp(s->driver, "CSV") == 0)
		lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
	OGRwkbGeometryType gt = !has_geometry ? wkbNone
				: s->multi    ? (s->lines ? wkbMultiLineString : wkbMultiPolygon)
					      : wkbUnknown;
	OGRLayerH lyr = GDALDatasetCreateLayer(ds, layer, has_geometry ? s->srs : NULL, gt, lco);
	CSLDestroy(lco);
	*out = lyr;
	if (!lyr)
		return fl__fail(FL_EIO, "GDAL %s: cannot create layer '%s': %s", s->driver, layer,
				CPLGetLastErrorMsg());
	if (nfields > sizeof s->types / sizeof s->types[0])
		return fl__fail(FL_EARG, "too many fields");
	for (size_t i = 0; i < nfields; i++) {
		OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, field_type(s, fields[i].type));
		OGR_Fld_SetSubType(fd, fields[i].type == FL__BOOL ? OFSTBoolean : OFSTNone);
		OGRErr err = OGR_L_CreateField(lyr, fd, TRUE);
		OGR_Fld_Destroy(fd);
		if (err != OGRERR_NONE)
			return fl__fail(FL_EIO, "GDAL %s: cannot create field '%s': %s", s->driver,
					fields[i].name, CPLGetLastErrorMsg());
	}
	return FL_OK;
}

static const char *format_name(const fl__sink *s)
{
	return !strcmp(s->driver, "ESRI Shapefile") ? "Shapefile" : s->driver;
}

/* Warn of the strings the current layer's format cut (fl_warning_at). */
void fl__sink_warn_cut(fl__sink *s)
{
	char list[400] = "";
	size_t used = 0, total = 0;
	for (size_t i = 0; i < s->nfields; i++) {
		if (!s->cut[i])
			continue;
		total += s->cut[i];
		if (used < sizeof list)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s' (%zu value%s)",
						 used ? ", " : "", s->names[i], s->cut[i],
						 s->cut[i] == 1 ? "" : "s");
		s->cut[i] = 0;
	}
	if (total)
		fl__warn("%s: a %s string holds at most %zu bytes: cut %s", s->target ? s->target : "stdout",
			 format_name(s), s->strmax, list);
}

/* Warn of the fields the driver named otherwise (Shapefile: 10 characters). */
static void warn_renamed(fl__sink *s)
{
	OGRFeatureDefnH fd = OGR_L_GetLayerDefn(s->lyr);
	char list[400] = "";
	size_t used = 0;
	for (size_t i = 0; i < s->nfields; i++) {
		const char *got = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, s->index[i]));
		if (strcmp(got, s->names[i]) && used < sizeof list)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s' as '%s'",
						 used ? ", " : "", s->names[i], got);
	}
	if (used)
		fl__warn("%s: %s renamed fields: %s", s->target ? s->target : "stdout", format_name(s),
			 list);
}

/* The layer of frontline's own GeoJSON writer: its head, and the fields
 * kept to write each feature with. */
static fl_status native_layer(fl__sink *s, const char *layer, const fl__field *fields,
			      size_t nfields)
{
	if (s->layered)
		return fl__fail(FL_EARG, "GeoJSON holds one layer: cannot add '%s'", layer);
	if (nfields > sizeof s->types / sizeof s->types[0])
		return fl__fail(FL_EARG, "too many fields");
	s->nfields = nfields;
	for (size_t i = 0; i < nfields; i++) {
		s->types[i] = fields[i].type;
		s->names[i] = fields[i].name;
	}
	if (!fl__gj_fields_make(&s->gj, s->names, s->types, nfields))
		return fl__fail(FL_ENOMEM, "out of memory");
	s->gj.tz = s->tz;
	s->layered = true;
	s->rfc7946 = true;
	fl__gj_begin(&s->out, layer);
	return s->out.oom ? fl__fail(FL_ENOMEM, "out of memory") : FL_OK;
}

static fl_status create_layer(fl__sink *s, const char *layer, const fl__field *fields,
			      size_t nfields, bool has_geometry)
{
	if (s->native)
		return native_layer(s, layer, fields, nfields);
	fl__sink_warn_cut(s); /* of the layer before */
	fl_status st = layer_in(s, s->ds, layer, fields, nfields, has_geometry, &s->lyr);
	if (st)
		return st;
	s->nfields = nfields;
	int total = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(s->lyr));
	for (size_t i = 0; i < nfields; i++) {
		s->types[i] = fields[i].type;
		s->names[i] = fields[i].name;
		/* LIBKML has Name, description, ... already; Shapefile launders names */
		s->index[i] = OGR_L_FindFieldIndex(s->lyr, fields[i].name, TRUE);
		if (s->index[i] < 0)
			s->index[i] = total - (int)nfields + (int)i;
	}
	warn_renamed(s);
	s->rfc7946 = !strcmp(s->driver, "GeoJSON");
	return FL_OK;
}

static unsigned sink_counter;

static fl_status sink_open(const char *path, const char *format, const char *layer,
			   const fl__field *fields, size_t nfields, bool has_geometry, bool lines,
			   fl__sink **out)
{
	*out = NULL;
	fl__warnings_clear();
	const char *driver;
	fl_status st = fl__resolve_format(path, format, &driver);
	if (st)
		return st;
	bool to_stdout = !path || strcmp(path, "-") == 0;
	if (to_stdout && (strcmp(driver, "ESRI Shapefile") == 0))
		return fl__fail(FL_EARG, "Shapefile output needs a file (`path` FILE.shp), not stdout");
	bool native = !strcmp(driver, "GeoJSON") && !(format && !strncasecmp(format, "GDAL:", 5));
	GDALDriverH drv = NULL;
	if (!native) {
		st = fl__gdal_ready();
		if (st)
			return st;
		drv = GDALGetDriverByName(driver);
		if (!drv)
			return fl__fail(FL_EARG, "GDAL driver '%s' is not available", driver);
	}
	fl__sink *s = calloc(1, sizeof *s);
	if (!s)
		return fl__fail(FL_ENOMEM, "out of memory");
	if (!native) {
		CPLPushErrorHandler(CPLQuietErrorHandler); /* the library never prints */
		s->quiet = true;
	}
	s->driver = driver;
	s->lines = lines;
	s->native = native;
	s->target = to_stdout ? NULL : fl__strdup(path);
	/* dBase: a character field is at most 254 bytes; GDAL cuts longer strings */
	s->strmax = !strcmp(driver, "ESRI Shapefile") ? 254 : 0;
	s->multi = strcmp(driver, "GeoJSON") && strcmp(driver, "KML") && strcmp(driver, "LIBKML") &&
		   strcmp(driver, "CSV");
	if (native) {
		/* frontline's own GeoJSON: nothing of GDAL (output_commit.c writes
		 * the buffer out) */
		st = create_layer(s, layer, fields, nfields, has_geometry);
		if (st) {
			fl__sink_abort(s);
			return st;
		}
		*out = s;
		return FL_OK;
	}
	s->memdir = fl__printf("/vsimem/frontline-%ld-%u", (long)getpid(),
			       __atomic_add_fetch(&sink_counter, 1, __ATOMIC_SEQ_CST));
	const char *base = s->target ? strrchr(s->target, '/') : NULL;
	base = base ? base + 1 : s->target;
	/* drivers choose by the extension (a directory of files for FlatGeobuf or
	 * LIBKML without theirs): build under the driver's own extension */
	const char *dot = base ? strrchr(base, '.') : NULL;
	const char *want = ext_of_driver(driver);
	if (base && strcmp(want, "dat") && (!dot || strcasecmp(dot + 1, want)))
		s->mempath = fl__printf("%s/%.*s.%s", s->memdir, dot ? (int)(dot - base) : (int)strlen(base),
					base, want);
	else if (base)
		s->mempath = fl__printf("%s/%s", s->memdir, base);
	else
		s->mempath = fl__printf("%s/out.%s", s->memdir, ext_of_driver(driver));
	VSIMkdir(s->memdir, 0755);
	/* RFC 7946 GeoJSON is WGS 84 lon/lat by definition and says nothing of its
	 * CRS: given no SRS, GDAL writes the coordinates as they are, and PROJ's
	 * database (a few milliseconds to open) is left closed */
	if (strcmp(driver, "GeoJSON") != 0) {
		s->srs = OSRNewSpatialReference(NULL);
		OSRSetWellKnownGeogCS(s->srs, "WGS84");
		OSRSetAxisMappingStrategy(s->srs, OAMS_TRADITIONAL_GIS_ORDER);
	}
	CPLErrorReset();
	s->ds = GDALCreate(drv, s->mempath, 0, 0, 0, GDT_Unknown, NULL);
	if (!s->ds) {
		st = fl__fail(FL_EIO, "GDAL %s: cannot create output: %s", driver, CPLGetLastErrorMsg());
		fl__sink_abort(s);
		return st;
	}
	st = create_layer(s, layer, fields, nfields, has_geometry);
	if (st) {
		fl__sink_abort(s);
		return st;
	}
	*out = s;
	return FL_OK;
}

fl_status fl__sink_open(const char *path, const char *format, const char *layer,
			const fl__field *fields, size_t nfields, bool has_geometry, fl__sink **out)
{
	return sink_open(path, format, layer, fields, nfields, has_geometry, false, out);
}

fl_status fl__sink_open_lines(const char *path, const char *format, const char *layer,
			      const fl__field *fields, size_t nfields, fl__sink **out)
{
	return sink_open(path, format, layer, fields, nfields, true, true, out);
}

fl_status fl__sink_layer(fl__sink *s, const char *layer, const fl__field *fields, size_t nfields,
			 bool has_geometry)
{
	return create_layer(s, layer, fields, nfields, has_geometry);
}

fl_status fl__sink_add(fl__sink *s, const fl__value *v, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = g ? fl__geos_to_wkb(h, g, &len) : NULL;
	if (g && !wkb)
		return fl__fail(FL_EGEOM, "cannot convert a geometry for GDAL");
	return fl__sink_add_wkb(s, v, wkb, len);
}

/* A feature by frontline's own GeoJSON writer. */
static fl_status native_add(fl__sink *s, const fl__value *v, unsigned char *wkb, size_t len)
{
	free(s->style); /* GeoJSON has no styles */
	s->style = NULL;
	s->span = false;
	fl_status st = FL_OK;
	if (wkb && !fl__wkb_rfc7946(wkb, len))
		st = fl__fail(FL_EGEOM, "a geometry outside longitude -180..180 and latitude -90..90 "
				       "cannot be written as RFC 7946 GeoJSON");
	else if (!fl__gj_feature(&s->out, s->nfeatures == 0, &s->gj, v, wkb, len))
		st = fl__fail(FL_EGEOM, "cannot write a geometry as GeoJSON (damaged WKB)");
	else if (s->out.oom)
		st = fl__fail(FL_ENOMEM, "out of memory");
	else
		s->nfeatures++;
	free(wkb);
	return st;
}

fl_status fl__sink_add_wkb(fl__sink *s, const fl__value *v, unsigned char *wkb, size_t len)
{
	if (s->native)
		return native_add(s, v, wkb, len);
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(s->lyr));
	for (size_t i = 0; i < s->nfields; i++) {
		int fi = s->index[i];
		if (v[i].null) {
			OGR_F_SetFieldNull(f, fi);
			continue;
		}
		switch (s->types[i]) {
		case FL__STR:
			if (s->strmax && v[i].s && strlen(v[i].s) > s->strmax)
				s->cut[i]++;
			OGR_F_SetFieldString(f, fi, v[i].s ? v[i].s : "");
			break;
		case FL__REAL: OGR_F_SetFieldDouble(f, fi, v[i].d); break;
		case FL__INT: OGR_F_SetFieldInteger64(f, fi, v[i].i); break;
		case FL__BOOL: OGR_F_SetFieldInteger(f, fi, v[i].i ? 1 : 0); break;
		case FL__DATE:
		case FL__DATETIME: {
			char buf[32];
			/* a GeoPackage's DateTime is UTC by its specification (GDAL
			 * 3.6 keeps an offset as text its own filters misread) */
			if (s->types[i] == FL__DATE)
				fl__format_date_tz(s->tz, v[i].t, buf, sizeof buf);
			else
				fl__format_instant_tz(strcmp(s->driver, "GPKG") ? s->tz : NULL, v[i].t, buf,
						      sizeof buf);
			OGR_F_SetFieldString(f, fi, buf);
			break;
		}
		}
	}
	if (wkb) {
		if (s->rfc7946 && !fl__wkb_rfc7946(wkb, len)) {
			free(wkb);
			OGR_F_Destroy(f);
			return fl__fail(FL_EGEOM, "a geometry outside longitude -180..180 and latitude "
					"-90..90 cannot be written as RFC 7946 GeoJSON");
		}
		OGRGeometryH og = NULL;
		if (len > INT_MAX || OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) != OGRERR_NONE) {
			free(wkb);
			OGR_F_Destroy(f);
			return fl__fail(FL_EGEOM, "cannot convert a geometry for GDAL");
		}
		free(wkb);
		if (s->multi && wkbFlatten(OGR_G_GetGeometryType(og)) == wkbPolygon)
			og = OGR_G_ForceToMultiPolygon(og);
		OGR_F_SetGeometryDirectly(f, og);
	}
	set_timespan(s, f);
	if (s->style) {
		OGR_F_SetStyleString(f, s->style);
		free(s->style);
		s->style = NULL;
	}
	OGRErr err = OGR_L_CreateFeature(s->lyr, f);
	OGR_F_Destroy(f);
	if (err != OGRERR_NONE)
		return fl__fail(FL_EIO, "GDAL %s: cannot write a feature: %s", s->driver,
				CPLGetLastErrorMsg());
	return FL_OK;
}

void fl__sink_zone(fl__sink *s, const fl__tz *z)
{
	s->tz = z;
	s->gj.tz = z;
}

void fl__sink_style(fl__sink *s, const char *style)
{
	free(s->style);
	s->style = style ? fl__strdup(style) : NULL;
}

/* ----------------------------------------------------------------- KML */
void fl__sink_timespan(fl__sink *s, fl_instant from, bool has_to, fl_instant to)
{
	if (!fl__sink_is_kml(s))
		return;
	/* LIBKML writes its fields begin and end (LIBKML_BEGIN_FIELD's default
	 * names) as the <TimeSpan>: made before the first feature */
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "end" : "begin";
		if (OGR_L_FindFieldIndex(s->lyr, name, TRUE) >= 0)
			continue;
		OGRFieldDefnH fd = OGR_Fld_Create(name, OFTDateTime);
		OGR_L_CreateField(s->lyr, fd, TRUE);
		OGR_Fld_Destroy(fd);
	}
	s->span = true;
	s->span_to = has_to;
	s->span_from = from;
	s->span_end = to;
}

/* The <TimeSpan> into begin and end; the period's own fields stay
 * ExtendedData, so that GDAL reads them back (an open end: no SimpleData,
 * read as unset) */
static void set_timespan(fl__sink *s, OGRFeatureH f)
{
	if (!s->span)
		return;
	char buf[32];
	int b = OGR_F_GetFieldIndex(f, "begin"), e = OGR_F_GetFieldIndex(f, "end");
	if (b >= 0) {
		fl__format_instant_tz(s->tz, s->span_from, buf, sizeof buf);
		OGR_F_SetFieldString(f, b, buf);
	}
	if (e >= 0 && s->span_to) {
		fl__format_instant_tz(s->tz, s->span_end, buf, sizeof buf);
		OGR_F_SetFieldString(f, e, buf);
	}
	s->span = false;
}

void *fl__sink_dataset(fl__sink *s)
{
	return s->ds; /* NULL for frontline's own GeoJSON */
}

const char *fl__sink_driver(const fl__sink *s)
{
	return s->driver;
}

void fl__sink_abort(fl__sink *s)
{
	if (!s)
		return;
	if (s->ds)
		GDALClose(s->ds);
	if (s->memdir)
		VSIRmdirRecursive(s->memdir);
	if (s->srs)
		OSRDestroySpatialReference(s->srs);
	free(s->out.p);
	fl__gj_fields_free(&s->gj);
	free(s->joined);
	free(s->style);
	free(s->target);
	free(s->memdir);
	free(s->mempath);
	if (s->quiet)
		CPLPopErrorHandler();
	free(s);
}

