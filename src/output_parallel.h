/*
 * output_parallel.h: GeoJSON written on several threads (output_parallel.c).
 * Private to the library.
 */
#ifndef FL_OUTPUT_PARALLEL_H
#define FL_OUTPUT_PARALLEL_H

#include <stddef.h>
#include "frontline/frontline.h"

/* GeoJSON written on several threads (output_parallel.c).  make_layer
 * creates, in a new GeoJSON dataset, the layer the features belong to. */
typedef struct fl__geojson_parts {
	const char *memprefix; /* the parts are memprefix-partN.geojson in /vsimem */
	unsigned *counter;     /* N, shared by the sink's parts */
	fl_status (*make_layer)(void *ctx, void *ds, void **lyr);
	void *ctx;
} fl__geojson_parts;
/* Write features f[0, n) (w[i]: the weight of each, its points) into up to
 * `threads` GeoJSON files at once, cut into contiguous ranges, and append
 * their features' text to *body (",\n" between features), in order; the
 * header GDAL wrote before the feature list goes to *header the first time.
 * The features are not freed. */
fl_status fl__geojson_parts_write(const fl__geojson_parts *spec, void **f, const size_t *w,
				  size_t n, int threads, char **body, size_t *blen, size_t *bcap,
				  char **header, size_t *hlen);
/* Where the feature list of a GeoJSON file GDAL wrote starts (hlen) and how
 * long it is (blen); FL_EIO for a layout it does not know. */
fl_status fl__geojson_body(const unsigned char *buf, size_t len, size_t *hlen, size_t *blen);
/* How many parts this process wrote so far (for the tests). */
unsigned long fl__geojson_parts_written(void);
/* The GeoJSON file GDAL wrote for the layer itself (main, len) with the
 * parts' features (body) after its own: a new malloc'd file in *out. */
fl_status fl__geojson_join(const unsigned char *main, size_t len, const char *header, size_t hlen,
			   const char *body, size_t blen, unsigned char **out, size_t *outlen);

#endif
