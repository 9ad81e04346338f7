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
 * GeoJSON features are queued and written by GDAL on several threads into
 * files of their own, then joined in order (output_parallel.c).
 *
 * This file opens a sink, makes its layers and adds features (and frees it);
 * output_commit.c closes it and copies its files out, through the whole or
 * nothing writes of output_file.c; output_kml.c gives KML its styles.  The
 * sink's fields are in output_sink.h.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "geo.h"
#include "output_parallel.h"
#include "sink.h"
#include "util.h"
#include "wkb_rfc7946.h"
#include "output_sink.h"

/* A queue this full is written out: it bounds the memory the queue holds */
#define QUEUE_POINTS 2000000
#define QUEUE_FEATURES 100000
/* Below this many points one thread writes (a thread costs more than it saves) */
#define PARALLEL_POINTS 2048

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

fl_status fl__resolve_format(const char *path, const char *format, const char **driver)
{
	GDALAllRegister();
	if (format && *format) {
		for (size_t i = 0; i < NFORMATS; i++)
			if ((strcasecmp(format, formats[i].alias) == 0 ||
			     strcasecmp(format, formats[i].driver) == 0) &&
			    GDALGetDriverByName(formats[i].driver)) {
				*driver = formats[i].driver;
				return FL_OK;
			}
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
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < NFORMATS; i++)
			if (strcasecmp(dot + 1, formats[i].ext) == 0 &&
			    GDALGetDriverByName(formats[i].driver)) {
				*driver = formats[i].driver;
				return FL_OK;
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
	/* GeoJSON: nothing here may depend on the features before (no
	 * ID_GENERATE, no WRITE_BBOX): the parts of output_parallel.c are
	 * layers of their own made with these same options */
	/* RFC 7946 GeoJSON: fl__sink_add rounds the coordinates to 7 decimals
	 * and winds the rings (wkb_rfc7946.c); GDAL's own RFC7946=YES would do
	 * the same through C++ streams at a third of the speed.  15 significant
	 * figures print the rounded coordinates exactly, and numbers in
	 * properties to 15 figures (17 would round-trip every double: the last
	 * two are noise for areas in km²).  Given no SRS, GDAL writes no "crs". */
	if (strcmp(s->driver, "GeoJSON") == 0)
		lco = CSLSetNameValue(lco, "SIGNIFICANT_FIGURES", "15");
	if (strcmp(s->driver, "CSV") == 0)
		lco = CSLSetNameValue(lco, "GEOMETRY", "AS_WKT");
	OGRwkbGeometryType gt = !has_geometry ? wkbNone : s->multi ? wkbMultiPolygon : wkbUnknown;
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

/* make_layer of a GeoJSON part (output_parallel.c): the sink's own layer again */
static fl_status part_layer(void *ctx, void *ds, void **lyr)
{
	fl__sink *s = ctx;
	return layer_in(s, ds, s->layer, s->fields, s->nfields, s->has_geometry, lyr);
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

static fl_status create_layer(fl__sink *s, const char *layer, const fl__field *fields,
			      size_t nfields, bool has_geometry)
{
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
	/* GeoJSON: queued, and written on several threads (output_parallel.c) */
	s->rfc7946 = !strcmp(s->driver, "GeoJSON");
	s->batch = s->rfc7946 && has_geometry;
	if (s->batch) {
		free(s->layer);
		free(s->fields);
		s->layer = fl__strdup(layer);
		s->fields = malloc((nfields ? nfields : 1) * sizeof *s->fields);
		if (!s->layer || !s->fields)
			return fl__fail(FL_ENOMEM, "out of memory");
		memcpy(s->fields, fields, nfields * sizeof *fields); /* names: static strings */
		s->has_geometry = has_geometry;
	}
	return FL_OK;
}

static unsigned sink_counter;

fl_status fl__sink_open(const char *path, const char *format, const char *layer,
			const fl__field *fields, size_t nfields, bool has_geometry, fl__sink **out)
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
	GDALDriverH drv = GDALGetDriverByName(driver);
	if (!drv)
		return fl__fail(FL_EARG, "GDAL driver '%s' is not available", driver);
	fl__sink *s = calloc(1, sizeof *s);
	if (!s)
		return fl__fail(FL_ENOMEM, "out of memory");
	CPLPushErrorHandler(CPLQuietErrorHandler); /* the library never prints */
	s->quiet = true;
	s->driver = driver;
	s->target = to_stdout ? NULL : fl__strdup(path);
	/* dBase: a character field is at most 254 bytes; GDAL cuts longer strings */
	s->strmax = !strcmp(driver, "ESRI Shapefile") ? 254 : 0;
	s->multi = strcmp(driver, "GeoJSON") && strcmp(driver, "KML") && strcmp(driver, "LIBKML") &&
		   strcmp(driver, "CSV");
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

fl_status fl__sink_layer(fl__sink *s, const char *layer, const fl__field *fields, size_t nfields,
			 bool has_geometry)
{
	fl_status st = s->batch ? fl__sink_flush(s) : FL_OK;
	return st ? st : create_layer(s, layer, fields, nfields, has_geometry);
}

static void drop_queue(fl__sink *s)
{
	for (size_t i = 0; i < s->nqueue; i++)
		OGR_F_Destroy(s->queue[i]);
	s->nqueue = 0;
	s->qpoints = 0;
}

/* The queued features into the layer itself, by this thread. */
static fl_status write_queue_here(fl__sink *s)
{
	fl_status st = FL_OK;
	for (size_t i = 0; i < s->nqueue && !st; i++)
		if (OGR_L_CreateFeature(s->lyr, s->queue[i]) != OGRERR_NONE)
			st = fl__fail(FL_EIO, "GDAL %s: cannot write a feature: %s", s->driver,
				      CPLGetLastErrorMsg());
	drop_queue(s);
	return st;
}

/* Write the queued features: by one thread into the layer itself while it
 * is small and nothing went to parts yet, else into parts on several. */
fl_status fl__sink_flush(fl__sink *s)
{
	if (!s->nqueue)
		return FL_OK;
	int threads = fl_threads();
	if (!s->parted && (threads < 2 || s->nqueue < 2 || s->qpoints < PARALLEL_POINTS))
		return write_queue_here(s);
	fl__geojson_parts spec = {s->memdir, &s->nparts, part_layer, s};
	fl_status st = fl__geojson_parts_write(&spec, (void **)s->queue, s->weight, s->nqueue, threads,
					       &s->body, &s->blen, &s->bcap, &s->header, &s->hlen);
	if (st && !s->parted) {
		/* the first parts failed (a GDAL whose GeoJSON layout the join does
		 * not know, no memory for a thread's copy, ...): this thread writes
		 * everything into the layer instead, as without threads; a feature
		 * GDAL cannot write fails again there, with its own message */
		free(s->header), free(s->body);
		s->header = s->body = NULL;
		s->hlen = s->blen = s->bcap = 0;
		s->batch = false;
		return write_queue_here(s);
	}
	s->parted = true;
	drop_queue(s);
	return st;
}

static fl_status enqueue(fl__sink *s, OGRFeatureH f)
{
	OGRFeatureH *q = fl__grow(s->queue, &s->capqueue, s->nqueue + 1, sizeof *q);
	size_t *w = q ? fl__grow(s->weight, &s->capweight, s->nqueue + 1, sizeof *w) : NULL;
	if (q)
		s->queue = q;
	if (w)
		s->weight = w;
	if (!q || !w) {
		OGR_F_Destroy(f);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	/* about the points (16 bytes each) plus the properties */
	size_t pts = 1 + (g ? (size_t)OGR_G_WkbSize(g) / 16 : 0);
	s->queue[s->nqueue] = f;
	s->weight[s->nqueue++] = pts + s->nfields;
	s->qpoints += pts;
	if (s->qpoints >= QUEUE_POINTS || s->nqueue >= QUEUE_FEATURES)
		return fl__sink_flush(s);
	return FL_OK;
}

fl_status fl__sink_add(fl__sink *s, const fl__value *v, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = g ? fl__geos_to_wkb(h, g, &len) : NULL;
	if (g && !wkb)
		return fl__fail(FL_EGEOM, "cannot convert a geometry for GDAL");
	return fl__sink_add_wkb(s, v, wkb, len);
}

fl_status fl__sink_add_wkb(fl__sink *s, const fl__value *v, unsigned char *wkb, size_t len)
{
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
			if (s->types[i] == FL__DATE)
				fl_instant_format_date(v[i].t, buf, sizeof buf);
			else
				fl_instant_format(v[i].t, buf, sizeof buf);
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
	if (s->batch)
		return enqueue(s, f);
	OGRErr err = OGR_L_CreateFeature(s->lyr, f);
	OGR_F_Destroy(f);
	if (err != OGRERR_NONE)
		return fl__fail(FL_EIO, "GDAL %s: cannot write a feature: %s", s->driver,
				CPLGetLastErrorMsg());
	return FL_OK;
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
		fl_instant_format(s->span_from, buf, sizeof buf);
		OGR_F_SetFieldString(f, b, buf);
	}
	if (e >= 0 && s->span_to) {
		fl_instant_format(s->span_end, buf, sizeof buf);
		OGR_F_SetFieldString(f, e, buf);
	}
	s->span = false;
}

void *fl__sink_dataset(fl__sink *s)
{
	/* the caller writes into the dataset itself, in order with the features:
	 * no queue from here on (no GeoJSON sink is written this way; with parts
	 * already written, what it writes would come before them) */
	if (s->batch && !s->parted) {
		if (write_queue_here(s))
			return NULL;
		s->batch = false;
	}
	return s->ds;
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
	drop_queue(s);
	free(s->queue);
	free(s->weight);
	free(s->layer);
	free(s->fields);
	free(s->body);
	free(s->header);
	free(s->joined);
	free(s->style);
	free(s->target);
	free(s->memdir);
	free(s->mempath);
	if (s->quiet)
		CPLPopErrorHandler();
	free(s);
}

