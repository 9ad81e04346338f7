/*
 * output_file.c: files written whole or not at all.
 *
 * A file is written to a temporary name beside its target, fsync'd and
 * renamed over it, so that a failure (full disk, killed process) never
 * leaves a partial file under the target's name; a target that is a stream
 * (a device, a pipe, our standard output) is written into instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "output_sink.h"
#include "util.h"

static fl_status write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return FL_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return FL_OK;
}

/* Write buf to tmp and fsync it; on failure remove tmp. */
fl_status fl__write_temp(const char *tmp, const char *target, const void *buf, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(errno));
	int e = 0;
	if (write_all(fd, buf, len) || fsync(fd))
		e = errno ? errno : EIO;
	if (close(fd) && !e)
		e = errno;
	if (e) {
		unlink(tmp);
		return fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(e));
	}
	return FL_OK;
}

/* A target that exists and is no regular file (/dev/null, /dev/stdout, a
 * FIFO, a terminal) is a stream: it is written into, never renamed over
 * (which would put a plain file in the place of a device). */
bool fl__is_stream(const char *target)
{
	struct stat sb;
	/* /dev/stdout and /proc/self/fd/N are links to whatever the descriptor is,
	 * a plain file included: never a place for a temporary */
	if (!strncmp(target, "/dev/", 5) || !strncmp(target, "/proc/", 6))
		return lstat(target, &sb) == 0 && !S_ISDIR(sb.st_mode);
	return stat(target, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

fl_status fl__write_stream(const char *target, const void *buf, size_t len)
{
	/* our own standard output and error: their descriptors as they are
	 * (reopening a file behind them would write at its start) */
	int std = !strcmp(target, "/dev/stdout") ? 1 : !strcmp(target, "/dev/stderr") ? 2 : -1;
	if (std > 0) {
		fflush(std == 1 ? stdout : stderr);
		if (write_all(std, buf, len))
			return fl__fail(FL_EIO, "%s: write failed: %s", target, strerror(errno));
		return FL_OK;
	}
	int fd = open(target, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fl__fail(FL_EIO, "%s: cannot write: %s", target, strerror(errno));
	int e = write_all(fd, buf, len) ? (errno ? errno : EIO) : 0;
	if (close(fd) && !e)
		e = errno;
	if (e)
		return fl__fail(FL_EIO, "%s: write failed: %s", target, strerror(e));
	return FL_OK;
}

fl_status fl__atomic_write(const char *target, const void *buf, size_t len)
{
	if (fl__is_stream(target))
		return fl__write_stream(target, buf, len);
	char *tmp = fl__printf("%s.tmp-%ld", target, (long)getpid());
	if (!tmp)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_status st = fl__write_temp(tmp, target, buf, len);
	if (!st && rename(tmp, target)) {
		st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return st;
}

fl_status fl__fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fl__fail(FL_EIO, "%s: cannot open the folder: %s", dir, strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	if (rc && e != EINVAL)
		return fl__fail(FL_EIO, "%s: fsync failed: %s", dir, strerror(e));
	return FL_OK;
}
