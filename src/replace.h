/*
 * replace.h: replacing a tracker's file (replace.c).
 * Private to the library.
 */
#ifndef FL_REPLACE_H
#define FL_REPLACE_H

#include <stddef.h>
#include "frontline/frontline.h"

/* Replacing a tracker's file (replace.c).  FL_EIO, naming the file, when it
 * has no write bit at all or the caller may not write it. */
struct stat;
fl_status fl__check_writable(const char *path, const struct stat *sb);
/* Write buf to target whole or not at all (temporary file, fsync, rename),
 * the new file with like's mode, group and (as root) owner when like is set;
 * refused, nothing written, when they cannot be kept. */
fl_status fl__replace_file(const char *target, const void *buf, size_t len, const struct stat *like);

#endif
