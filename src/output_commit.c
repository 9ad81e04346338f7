/*
 * output_commit.c: a sink finished: its dataset closed (or frontline's own
 * GeoJSON finished) and its files copied out of GDAL's in-memory file system, to
 * stdout, a stream, beside their targets then renamed over them (the main
 * file last), or into the caller's memory.
 */
#include "gdal_load.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "output_sink.h"
#include "util.h"

/* frontline's own GeoJSON: the collection finished, its bytes (malloc'd,
 * NUL-terminated) moved to s->joined. */
static fl_status finish_native(fl__sink *s)
{
	if (!s->layered)
		return fl__fail(FL_EIO, "GeoJSON: no layer was made");
	fl__gj_end(&s->out);
	if (s->out.oom)
		return fl__fail(FL_ENOMEM, "out of memory");
	s->joined = (unsigned char *)s->out.p;
	s->joined_len = s->out.len;
	s->out = (fl__gj_text){0};
	return FL_OK;
}

/* frontline's own GeoJSON, one file and never through GDAL: to stdout, into
 * a stream, or whole or not at all to a file. */
static fl_status commit_native(fl__sink *s)
{
	fl_status st = finish_native(s);
	if (st)
		return st;
	if (!s->target) {
		if (fwrite(s->joined, 1, s->joined_len, stdout) != s->joined_len || fflush(stdout))
			return fl__fail(FL_EIO, "stdout: write failed: %s", strerror(errno));
		return FL_OK;
	}
	struct stat sb;
	if (stat(s->target, &sb) == 0 && S_ISDIR(sb.st_mode))
		return fl__fail(FL_EIO, "%s: cannot write: it is a directory (nothing written)", s->target);
	return fl__atomic_write(s->target, s->joined, s->joined_len);
}

/* Close the dataset GDAL wrote. */
static fl_status close_dataset(fl__sink *s)
{
	fl__sink_warn_cut(s);
	CPLErrorReset();
	GDALClose(s->ds);
	s->ds = NULL;
	if (CPLGetLastErrorType() >= CE_Failure)
		return fl__fail(FL_EIO, "GDAL %s: writing failed: %s", s->driver, CPLGetLastErrorMsg());
	return FL_OK;
}

fl_status fl__sink_commit(fl__sink *s)
{
	if (s->native) {
		fl_status nst = commit_native(s);
		fl__sink_abort(s);
		return nst;
	}
	fl_status st = close_dataset(s);
	char **files = st ? NULL : VSIReadDir(s->memdir);
	if (!st && !s->target) {
		vsi_l_offset len = 0;
		const GByte *buf = VSIGetMemFileBuffer(s->mempath, &len, FALSE);
		if (buf && (fwrite(buf, 1, (size_t)len, stdout) != (size_t)len || fflush(stdout)))
			st = fl__fail(FL_EIO, "stdout: write failed: %s", strerror(errno));
	} else if (!st && fl__is_stream(s->target)) {
		/* one file into the stream; a format of several files cannot go there */
		size_t nf = 0;
		for (size_t i = 0; files && files[i]; i++)
			nf += strcmp(files[i], ".") && strcmp(files[i], "..");
		vsi_l_offset len = 0;
		const GByte *buf = VSIGetMemFileBuffer(s->mempath, &len, FALSE);
		if (nf != 1 || !buf)
			st = fl__fail(FL_EARG, "%s: %s writes %zu files: it cannot go to a device or pipe",
				      s->target, s->driver, nf);
		else
			st = fl__write_stream(s->target, buf, (size_t)len);
	} else if (!st) {
		const char *slash = strrchr(s->target, '/');
		char *dir = slash ? fl__printf("%.*s", (int)(slash - s->target), s->target)
				  : fl__strdup(".");
		/* phase 1: every file to a temporary name beside its target (fsync'd);
		 * phase 2: rename them, the main file last.  A failure in phase 1
		 * removes the temporaries and leaves the targets untouched. */
		const char *base = strrchr(s->mempath, '/') + 1;
		size_t nf = (size_t)CSLCount(files), nt = 0;
		char **tmp = calloc(nf + 1, sizeof *tmp), **dst = calloc(nf + 1, sizeof *dst);
		int main_i = -1;
		if (!tmp || !dst)
			st = fl__fail(FL_ENOMEM, "out of memory");
		for (size_t i = 0; !st && i < nf; i++) {
			if (!strcmp(files[i], ".") || !strcmp(files[i], ".."))
				continue;
			struct stat sb;
			char *d = !strcmp(files[i], base) ? fl__strdup(s->target)
							  : fl__printf("%s/%s", dir, files[i]);
			if (d && stat(d, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				st = fl__fail(FL_EIO, "%s: cannot write: it is a directory (nothing written)", d);
				free(d);
				break;
			}
			char *mem = fl__printf("%s/%s", s->memdir, files[i]);
			char *t = fl__printf("%s.tmp-%ld", d, (long)getpid());
			vsi_l_offset len = 0;
			const GByte *buf = VSIGetMemFileBuffer(mem, &len, FALSE);
			st = fl__write_temp(t, d, buf, (size_t)len);
			free(mem);
			if (st) {
				free(t), free(d);
				break;
			}
			if (!strcmp(files[i], base))
				main_i = (int)nt;
			tmp[nt] = t, dst[nt] = d, nt++;
		}
		for (int pass = 0; pass < 2 && !st; pass++)
			for (size_t i = 0; i < nt && !st; i++) {
				if (((int)i == main_i) != (pass == 1))
					continue;
				if (rename(tmp[i], dst[i]))
					st = fl__fail(FL_EIO, "%s: cannot write: %s", dst[i], strerror(errno));
			}
		for (size_t i = 0; i < nt; i++) {
			if (st)
				unlink(tmp[i]);
			free(tmp[i]), free(dst[i]);
		}
		free(tmp), free(dst);
		free(dir);
	}
	CSLDestroy(files);
	fl__sink_abort(s);
	return st;
}

fl_status fl__sink_commit_mem(fl__sink *s, unsigned char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	fl_status st = s->native ? finish_native(s) : close_dataset(s);
	if (!st && s->native) {
		/* frontline's own GeoJSON, malloc'd and NUL-terminated: handed over */
		*buf = s->joined, *len = s->joined_len;
		s->joined = NULL;
	} else if (!st) {
		vsi_l_offset n = 0;
		GByte *mem = VSIGetMemFileBuffer(s->mempath, &n, FALSE);
		*buf = malloc((size_t)n + 1);
		if (!*buf)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else {
			if (n)
				memcpy(*buf, mem, (size_t)n);
			(*buf)[n] = 0;
			*len = (size_t)n;
		}
	}
	fl__sink_abort(s);
	return st;
}
