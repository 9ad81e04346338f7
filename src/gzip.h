/*
 * gzip.h: gzip streams through zlib (gzip.c), for PMTiles archives: their
 * directories, metadata and tiles.  Private to the library.
 */
#ifndef FL_GZIP_H
#define FL_GZIP_H

#include <stddef.h>
#include "frontline/types.h"

/* in[0, n) as one gzip member (level 9, no name, no time: the same bytes
 * give the same output); *out malloc'd. */
fl_status fl__gzip(const void *in, size_t n, unsigned char **out, size_t *outlen);
/* One gzip member in[0, n) inflated; more than max bytes out, a truncated
 * or corrupt stream, or bytes after it: FL_EINPUT naming what.  *out
 * malloc'd with a NUL after the *outlen bytes. */
fl_status fl__gunzip(const void *in, size_t n, size_t max, const char *what, unsigned char **out,
		     size_t *outlen);

#endif
