/*
 * store/ogr_layer.h: one layer of a tracker as the OGR reader sees it
 * (ogr_layer.c), for ogr.c and ogr_events.c.  Private to the library.
 */
#ifndef FL_STORE_OGR_LAYER_H
#define FL_STORE_OGR_LAYER_H

#include "../gdal_load.h"
#include "frontline/frontline.h"
#include <geos_c.h>
#include "../diag.h"

typedef struct fl__layer_src {
	char *display;       /* "events.csv" or "t.gpkg:events", for messages */
	GDALDatasetH ds;     /* owned when own_ds */
	bool own_ds;
	OGRLayerH lyr;
	int *lines;          /* CSV: the line each record starts on */
	size_t nlines;
	OGRCoordinateTransformationH ct;
	OGRSpatialReferenceH srs;
	bool broken;         /* CSV whose structure is broken: not read (see csvlint.c) */
} fl__layer_src;

/* Open layer `name` of the tracker: a file in the folder root, or a layer
 * of the dataset gpkg (a GeoPackage or a database) when not NULL.
 * *missing is set (and FL_OK returned) when it does not exist; L->broken
 * when its CSV structure is broken (reported to d: not read further). */
fl_status fl__layer_open(const char *root, GDALDatasetH gpkg, const char *name, fl__diags *d,
			 fl__layer_src *L, bool *missing);
void fl__layer_close(fl__layer_src *L);
/* The line (of the file; the feature number for other stores) of row k. */
int fl__row_line(const fl__layer_src *L, size_t k);
bool fl__file_exists(const char *p);

/* The value of a field as a string ("" when null or absent); dates in ISO
 * 8601.  Valid while the feature lives, or for the next seven calls. */
const char *fl__fstr(OGRFeatureH f, const char *name);
/* The same by field index (as OGR_FD_GetFieldIndex gives it; -1: absent),
 * for the rows of a big layer: the name is looked up once. */
const char *fl__fstr_at(OGRFeatureH f, int i);
bool fl__has_column(const fl__layer_src *L, const char *name);
/* Report (to d) every column of cols the layer lacks; false when one does. */
bool fl__require_columns(const fl__layer_src *L, const char *const *cols, fl__diags *d);
/* Report every text field of the feature that is not UTF-8; false when one
 * is not. */
bool fl__check_utf8(const fl__layer_src *L, OGRFeatureH f, int line, fl__diags *d);
/* The indices of the layer's text fields (String, StringList), at most cap
 * of them in out; their number. */
size_t fl__text_fields(OGRFeatureDefnH fd, int *out, size_t cap);
/* fl__check_utf8 over the n text fields listed (fl__text_fields, looked up
 * once for a big layer); text NULL: the first n fields, text or not. */
bool fl__check_utf8_at(const fl__layer_src *L, OGRFeatureH f, const int *text, size_t n, int line,
		       fl__diags *d);
/* Whether the named fields (NULL-terminated; those messages may quote) are
 * all UTF-8. */
bool fl__quoted_utf8(OGRFeatureH f, const char *const *names);
/* The same by field indices (n of them; -1: absent, which is ""). */
bool fl__quoted_utf8_at(OGRFeatureH f, const int *fields, size_t n);
/* The feature's geometry in GEOS, lon/lat; NULL when absent (or reported
 * unreadable). */
GEOSGeometry *fl__read_geom(const fl__layer_src *L, OGRFeatureH f, GEOSContextHandle_t h, int line,
			    fl__diags *d);
bool fl__is_polygonal(GEOSContextHandle_t h, const GEOSGeometry *g);
/* Whether g is valid; else GEOS's reason and location go to d. */
bool fl__check_valid(GEOSContextHandle_t h, const GEOSGeometry *g, const char *file, int line,
		     fl__diags *d);
/* "unknown actor 'X' (its actors: ...)" to d. */
void fl__unknown_actor(const fl_tracker *t, fl__diags *d, const char *file, int line,
		       const char *field, const char *id);

#endif
