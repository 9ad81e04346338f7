/*
 * gdal_open.h: why GDAL could not open a path (gdal_open.c).
 * Private to the library.
 */
#ifndef FL_GDAL_OPEN_H
#define FL_GDAL_OPEN_H

#include <stddef.h>

/* GDAL's last message, else what the file system says about path (no such
 * file, permission denied, format not recognised...), written to buf. */
const char *fl__gdal_open_reason(const char *path, char *buf, size_t len);

#endif
