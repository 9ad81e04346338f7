/*
 * store/replace.c: the locked atomic rewrite of a tracker's file.
 *
 * Writers serialise on flock() of the file they rewrite (events.csv of a
 * folder, the GeoPackage file).  Since a folder's file is replaced by
 * rename, a writer that waited on the old inode re-checks after taking the
 * lock that the path still names the file it locked, and retries otherwise.
 *
 * `record` replaces events.csv (and areas.geojson) by a new file renamed over
 * the old one.  A rename puts a new inode in place: unless told, it has the
 * writer's owner, primary group and umask, so a tracker shared through a
 * group (chmod 660, chgrp editors) would stop being readable by the others
 * after one record.  The new file gets the old one's permission bits and
 * group (and owner, when the writer is root, the only one allowed to give a
 * file away); when the group cannot be kept the file is not replaced.
 *
 * A file nobody may write (no write bit at all) or the writer may not
 * write is refused rather than replaced: the rename would go through, since
 * only the folder's permissions matter to it, and silently undo a chmod
 * a-w.  Root passes every access() test, hence the look at the bits too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "replace.h"
#include "../fail.h"
#include "../util.h"

fl_status fl__check_writable(const char *path, const struct stat *sb)
{
	unsigned mode = (unsigned)(sb->st_mode & 07777);
	if ((sb->st_mode & 0222) == 0)
		return fl__fail(FL_EIO, "%s: the file is read-only (mode %04o, no write permission for "
				"anyone): it is not replaced (nothing written)", path, mode);
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0)
		return fl__fail(FL_EIO, "%s: no permission to write it (mode %04o, owner %ld, group "
				"%ld): it is not replaced (nothing written)", path, mode, (long)sb->st_uid,
				(long)sb->st_gid);
	return FL_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno ? errno : EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Give the open temporary fd the owner (root only), group and mode of like. */
static fl_status keep_attributes(int fd, const char *target, const struct stat *like)
{
	struct stat now;
	if (fstat(fd, &now) != 0)
		return fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(errno));
	uid_t uid = geteuid() == 0 && now.st_uid != like->st_uid ? like->st_uid : (uid_t)-1;
	gid_t gid = now.st_gid != like->st_gid ? like->st_gid : (gid_t)-1;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) != 0)
		return fl__fail(FL_EIO, "%s: cannot give the new file the %s %ld of the old one: %s "
				"(nothing written)", target, uid != (uid_t)-1 ? "owner" : "group",
				uid != (uid_t)-1 ? (long)like->st_uid : (long)like->st_gid, strerror(errno));
	/* after fchown, which may clear set-id bits */
	if (fchmod(fd, like->st_mode & 07777) != 0)
		return fl__fail(FL_EIO, "%s: cannot give the new file the mode %04o of the old one: %s "
				"(nothing written)", target, (unsigned)(like->st_mode & 07777), strerror(errno));
	return FL_OK;
}

fl_status fl__replace_file(const char *target, const void *buf, size_t len, const struct stat *like)
{
	char *tmp = fl__printf("%s.tmp-%ld", target, (long)getpid());
	if (!tmp)
		return fl__fail(FL_ENOMEM, "out of memory");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, like ? 0600 : 0644);
	if (fd < 0) {
		fl_status st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target,
					strerror(errno));
		free(tmp);
		return st;
	}
	fl_status st = like ? keep_attributes(fd, target, like) : FL_OK;
	int e = 0;
	if (!st && ((e = write_all(fd, buf, len)) != 0 || (fsync(fd) != 0 && (e = errno) != 0)))
		st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(e));
	if (close(fd) != 0 && !st)
		st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(errno));
	if (!st && rename(tmp, target) != 0)
		st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", target, strerror(errno));
	if (st)
		unlink(tmp);
	free(tmp);
	return st;
}

int fl__lock_file(const char *path, fl_status *st)
{
	for (int tries = 0; tries < 1000; tries++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			*st = fl__fail(errno == ENOENT ? FL_ENOTFOUND : FL_EIO, "%s: cannot open: %s", path,
				       strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX) != 0) {
			*st = fl__fail(FL_ELOCK, "%s: cannot lock: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd); /* replaced while we waited: lock the new file */
	}
	*st = fl__fail(FL_ELOCK, "%s: cannot lock (the file keeps being replaced)", path);
	return -1;
}

char *fl__slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *nb = realloc(b, cap * 2 + 1);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(b);
		return NULL;
	}
	if (b)
		b[n] = 0;
	*len = n;
	return b;
}
