/*
 * store/ogr.h: reading a tracker's layers through GDAL/OGR (ogr.c),
 * for open.c.  Private to the library.
 */
#ifndef FL_STORE_OGR_H
#define FL_STORE_OGR_H

#include "frontline/frontline.h"

/* Read the actors, regions, events, zones and (when polygon events name
 * them) areas of the tracker at path (a folder, a GeoPackage or a PG:
 * connection) into t, which has its GEOS context and ellipsoid.  Problems
 * of rows go to d and the reading goes on past them; a failure (no such
 * tracker, a file GDAL cannot read, a layer missing, memory) is returned,
 * and t then holds what was read so far (the caller frees it). */
fl_status fl__store_ogr_read(const char *path, fl_tracker *t, fl__diags *d);

#endif
