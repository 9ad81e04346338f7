/*
 * weight_cache.c: the zonal sums of a raster (weight_raster.c) kept in a
 * file beside the tracker's index, so that a series weighted by the same
 * raster costs no raster read the second time.
 *
 * Why a file of its own and not a section of the index: the index is the
 * tracker's sources saved once and mapped read-only (index.c); it is only
 * written for trackers big enough to pay, and a tracker may be weighted by
 * any number of rasters, each changing on its own.  One small file per
 * raster (and band), named by a hash of the raster's real path and band,
 * is rewritten alone when that raster changes and leaves the index and its
 * format untouched.  It holds
 *   "FLWGT001" u64 key u64 natoms f64 sums[natoms]   (native byte order)
 * where the key mixes the tracker's sources key (fl__sources_key: a changed
 * tracker has other atoms) with the raster's real path, band, device,
 * inode, size and modification time.  A file with another key, another
 * atom count or a wrong length is ignored and replaced.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "index.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_cache.h"
#include "weight_priv.h"

static const char magic[8] = {'F', 'L', 'W', 'G', 'T', '0', '0', '1'};

char *fl__wcache_path(const fl_tracker *t, const char *raster, int band, uint64_t *key)
{
	struct stat sb;
	char *real = realpath(raster, NULL);
	if (!real || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode) || !t->path) {
		free(real);
		return NULL;
	}
	char *index = fl__index_path(t->path);
	uint64_t name = fl__mix64(fl__hash_str(real) ^ (uint64_t)band);
	uint64_t k = fl__mix64(t->source_key ^ name);
	k = fl__mix64(k ^ (uint64_t)sb.st_dev);
	k = fl__mix64(k ^ (uint64_t)sb.st_ino);
	k = fl__mix64(k ^ (uint64_t)sb.st_size);
	k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_sec);
	k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_nsec);
	*key = k;
	char *path = index ? fl__printf("%s-weight-%016llx", index, (unsigned long long)name) : NULL;
	free(index);
	free(real);
	return path;
}

bool fl__wcache_load(const char *cpath, uint64_t key, fl_weight *w)
{
	FILE *f = fopen(cpath, "rb");
	if (!f)
		return false;
	char m[8];
	uint64_t k = 0, n = 0;
	bool ok = fread(m, 1, 8, f) == 8 && !memcmp(m, magic, 8) && fread(&k, sizeof k, 1, f) == 1 &&
		  k == key && fread(&n, sizeof n, 1, f) == 1 && n == w->natoms &&
		  fread(w->atom, sizeof *w->atom, w->natoms, f) == w->natoms && fgetc(f) == EOF;
	fclose(f);
	if (!ok)
		memset(w->atom, 0, w->natoms * sizeof *w->atom);
	return ok;
}

void fl__wcache_save(const char *cpath, uint64_t key, const fl_weight *w)
{
	char *tmp = fl__printf("%s.tmp%ld", cpath, (long)getpid());
	FILE *f = tmp ? fopen(tmp, "wb") : NULL;
	if (!f) {
		free(tmp);
		return;
	}
	uint64_t n = w->natoms;
	bool ok = fwrite(magic, 1, 8, f) == 8 && fwrite(&key, sizeof key, 1, f) == 1 &&
		  fwrite(&n, sizeof n, 1, f) == 1 &&
		  fwrite(w->atom, sizeof *w->atom, w->natoms, f) == w->natoms;
	ok = fflush(f) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, cpath) != 0)
		unlink(tmp);
	free(tmp);
}
