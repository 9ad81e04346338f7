/*
 * output_sink.h: the insides of a sink (fl__sink, sink.h), shared by the
 * files that write through one: output.c (opening, layers, features),
 * output_kml.c (KML styles) and output_commit.c (closing,
 * and copying the dataset to its target); and the whole-or-nothing file
 * writing of output_file.c.  Included by those files only.
 */
#ifndef FL_OUTPUT_SINK_H
#define FL_OUTPUT_SINK_H
#include "gdal_load.h"
#include <string.h>
#include "geojson.h"
#include "sink.h"

struct fl__sink {
	char *target;       /* NULL for stdout */
	char *memdir;       /* /vsimem/... folder of the dataset */
	char *mempath;
	const char *driver;
	GDALDatasetH ds;
	OGRLayerH lyr;
	OGRSpatialReferenceH srs;
	bool multi;         /* driver wants one geometry type: promote to multi */
	bool lines;         /* ... and it is MultiLineString (fl__sink_open_lines) */
	bool rfc7946;       /* GeoJSON: coordinates rounded, rings wound (wkb_rfc7946.c) */
	bool quiet;         /* GDAL's error handler is pushed */
	char *style;        /* OGR style string of the next feature, or NULL */
	bool actor_styles;  /* KML: the document has a style per actor */
	bool span, span_to; /* KML: the next feature's <TimeSpan> (and its end) */
	fl_instant span_from, span_end;
	const fl__tz *tz;   /* the zone dates are written in (NULL: UTC) */
	size_t nfields;
	fl__ftype types[FL__GJ_MAX_FIELDS];
	int index[FL__GJ_MAX_FIELDS];      /* the layer's index of each field (drivers add their own) */
	const char *names[FL__GJ_MAX_FIELDS]; /* the fields' own names (static strings) */
	size_t strmax;      /* the longest string the format holds, in bytes (0: any) */
	size_t cut[FL__GJ_MAX_FIELDS];     /* strings cut to strmax, per field, in the current layer */
	/* GeoJSON: written by frontline's own writer (geojson.c), not GDAL */
	bool native;
	fl__gj_text out;       /* the collection so far */
	fl__gj_fields gj;      /* its fields, ready to write */
	size_t nfeatures;
	bool layered;       /* its one layer is made */
	unsigned char *joined; /* when finished: the native file (malloc'd) */
	size_t joined_len;
};

static inline bool fl__sink_is_kml(const fl__sink *s)
{
	return !strcmp(s->driver, "LIBKML");
}

/* Warn of the strings cut to the format's limit (output.c). */
void fl__sink_warn_cut(fl__sink *s);

/* Files (output_file.c): buf into tmp, fsync'd (removed on failure;
 * messages name target); buf into a stream (a device, a pipe). */
fl_status fl__write_temp(const char *tmp, const char *target, const void *buf, size_t len);
fl_status fl__write_stream(const char *target, const void *buf, size_t len);
#endif
