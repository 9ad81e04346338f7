/*
 * sink.h: writing through GDAL (output.c): a sink that writes a layer of
 * features to a file, a stream or memory, whole or not at all.
 * Private to the library.
 */
#ifndef FL_SINK_H
#define FL_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

typedef enum fl__ftype { FL__STR, FL__REAL, FL__INT, FL__DATE, FL__DATETIME, FL__BOOL } fl__ftype;
typedef struct fl__field {
	const char *name;
	fl__ftype type;
} fl__field;
typedef struct fl__value {
	bool null;
	const char *s;
	double d;
	long long i;
	fl_instant t;
} fl__value;
typedef struct fl__sink fl__sink;
/* Open a sink writing `layer` to path (NULL or "-" = stdout) in format
 * (driver or short name; NULL = by extension).  Nothing reaches the target
 * until fl__sink_commit(). */
fl_status fl__sink_open(const char *path, const char *format, const char *layer,
			const fl__field *fields, size_t nfields, bool has_geometry,
			fl__sink **out);
/* (fields' names must outlive the sink: static strings.) */
/* The same for a layer of (multi)line strings (drivers of one geometry
 * type get MultiLineString; the features' WKB must be that). */
fl_status fl__sink_open_lines(const char *path, const char *format, const char *layer,
			      const fl__field *fields, size_t nfields, fl__sink **out);
/* Add another layer to the same dataset (formats that hold several). */
fl_status fl__sink_layer(fl__sink *s, const char *layer, const fl__field *fields,
			 size_t nfields, bool has_geometry);
fl_status fl__sink_add(fl__sink *s, const fl__value *values, GEOSContextHandle_t h,
		       const GEOSGeometry *g);
/* The same with the geometry as 2D ISO WKB (NULL: none), malloc'd: the sink
 * takes it (RFC 7946 GeoJSON rounds and winds it in place) and frees it. */
fl_status fl__sink_add_wkb(fl__sink *s, const fl__value *values, unsigned char *wkb, size_t len);
/* Write the sink's dates (and date-times, with their offset) in zone z
 * (tz.h; NULL, the default: UTC), which must outlive the sink. */
typedef struct fl__tz fl__tz;
void fl__sink_zone(fl__sink *s, const fl__tz *z);
/* The OGR style string of the next feature added (KML colours). */
void fl__sink_style(fl__sink *s, const char *style);
/* KML: one shared style per actor of t in the document's style table, in
 * the actor's colour, and the next feature drawn in actor_id's; other
 * formats: nothing. */
void fl__sink_actor_styles(fl__sink *s, const fl_tracker *t);
void fl__sink_actor_style(fl__sink *s, const char *actor_id);
/* KML: the next feature's <TimeSpan> (no <end> without has_to); other
 * formats: nothing. */
void fl__sink_timespan(fl__sink *s, fl_instant from, bool has_to, fl_instant to);
/* The GDAL dataset being built (a GDALDatasetH), and its driver name. */
void *fl__sink_dataset(fl__sink *s);
const char *fl__sink_driver(const fl__sink *s);
fl_status fl__sink_commit(fl__sink *s);
/* Finish and hand the bytes to the caller (malloc'd, NUL-terminated). */
fl_status fl__sink_commit_mem(fl__sink *s, unsigned char **buf, size_t *len);
void fl__sink_abort(fl__sink *s);

/* The GDAL driver name for a format name or a path's extension. */
fl_status fl__resolve_format(const char *path, const char *format, const char **driver);
/* Whether target is a stream (an existing device, FIFO, socket or terminal,
 * or /dev/stdout and the like): written into in place, never renamed over;
 * without an extension it is written as stdout would be (GeoJSON, PNG). */
bool fl__is_stream(const char *target);

/* Write buf to target whole or not at all: temporary file, fsync, rename. */
fl_status fl__atomic_write(const char *target, const void *buf, size_t len);
/* fsync a folder so that renames in it are durable. */
fl_status fl__fsync_dir(const char *dir);

#endif
