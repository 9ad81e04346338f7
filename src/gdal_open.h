/*
 * gdal_open.h: why GDAL could not open a path, and the transformation of a
 * layer's CRS to longitude/latitude (gdal_open.c).
 * Private to the library.
 */
#ifndef FL_GDAL_OPEN_H
#define FL_GDAL_OPEN_H

#include <stddef.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* GDAL's last message, else what the file system says about path (no such
 * file, permission denied, format not recognised...), written to buf. */
const char *fl__gdal_open_reason(const char *path, char *buf, size_t len);

/* The transformation of layer l's CRS to WGS 84 longitude/latitude (both in
 * GIS axis order), NULL when none is needed: the layer is in it already or
 * has no CRS (*no_crs set then, when given).  The caller destroys it with
 * OCTDestroyCoordinateTransformation. */
OGRCoordinateTransformationH fl__layer_to_lonlat(OGRLayerH l, int *no_crs);

#endif
