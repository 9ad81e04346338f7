/*
 * store/replace.h: locking and replacing a tracker's file whole
 * (replace.c).  Private to the library.
 */
#ifndef FL_STORE_REPLACE_H
#define FL_STORE_REPLACE_H

#include <sys/stat.h>
#include "frontline/frontline.h"

/* FL_EIO, naming the file, when it has no write bit at all or the caller
 * may not write it. */
fl_status fl__check_writable(const char *path, const struct stat *sb);
/* Write buf to target whole or not at all (temporary file, fsync, rename),
 * the new file with like's mode, group and (as root) owner when like is set;
 * refused, nothing written, when they cannot be kept. */
fl_status fl__replace_file(const char *target, const void *buf, size_t len, const struct stat *like);
/* Open path and take an exclusive flock() on it, waiting for other
 * writers; the file descriptor (close it to release), or -1 with *st set. */
int fl__lock_file(const char *path, fl_status *st);
/* The whole file (malloc'd, NUL-terminated, its length in *len), NULL
 * when it cannot be read (errno set). */
char *fl__slurp(const char *path, size_t *len);

#endif
