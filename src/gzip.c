/* gzip.c: gzip streams through zlib (gzip.h). */
#include "gzip.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST /* next_in is const: the input is only read */
#include <zlib.h>
#include "fail.h"

fl_status fl__gzip(const void *in, size_t n, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (n > UINT_MAX / 2)
		return fl__fail(FL_EARG, "gzip: %zu bytes are too many for one stream", n);
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t cap = deflateBound(&z, (uLong)n);
	unsigned char *buf = malloc(cap ? cap : 1);
	if (!buf) {
		deflateEnd(&z);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	z.next_in = (const Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return fl__fail(FL_EIO, "gzip: deflate failed (%d)", rc);
	}
	*out = buf;
	*outlen = len;
	return FL_OK;
}

fl_status fl__gunzip(const void *in, size_t n, size_t max, const char *what, unsigned char **out,
		     size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (n > UINT_MAX || max > UINT_MAX / 2)
		return fl__fail(FL_EINPUT, "%s: too large to inflate", what);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t cap = n * 4 + 64 < max ? n * 4 + 64 : max, len = 0;
	unsigned char *buf = malloc(cap + 1);
	fl_status st = buf ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	z.next_in = (const Bytef *)in;
	z.avail_in = (uInt)n;
	while (!st) {
		z.next_out = buf + len;
		z.avail_out = (uInt)(cap - len);
		int rc = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (len == cap) {
			if (cap >= max) {
				st = fl__fail(FL_EINPUT, "%s: inflates to more than %zu bytes", what, max);
				break;
			}
			size_t ncap = cap * 2 < max ? cap * 2 : max;
			unsigned char *nb = realloc(buf, ncap + 1);
			if (!nb)
				st = fl__fail(FL_ENOMEM, "out of memory");
			else
				buf = nb, cap = ncap;
		} else if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			st = fl__fail(FL_EINPUT, "%s: the gzip stream is truncated", what);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			st = fl__fail(FL_EINPUT, "%s: corrupt gzip stream (%s)", what,
				      z.msg ? z.msg : "inflate failed");
		}
	}
	if (!st && z.avail_in != 0)
		st = fl__fail(FL_EINPUT, "%s: %u bytes after the gzip stream", what, z.avail_in);
	inflateEnd(&z);
	if (st) {
		free(buf);
		return st;
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return FL_OK;
}
