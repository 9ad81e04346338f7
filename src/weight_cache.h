/*
 * weight_cache.h: a raster's sums per atom kept in a file beside the
 * tracker's index (weight_cache.c).
 * Private to the library.
 */
#ifndef FL_WEIGHT_CACHE_H
#define FL_WEIGHT_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "frontline/frontline.h"
#include "frontline/weight.h"

/* Where the sums of band `band` of the raster at path are kept for t
 * (malloc'd), and in *key what they must have been made from (t's
 * sources, the raster's path, band, size and modification time); NULL when
 * t keeps no local files (a PG: store) or the raster is not a file. */
char *fl__wcache_path(const fl_tracker *t, const char *raster, int band, uint64_t *key);
/* The sums read into w->atom when the file at cpath holds them under key. */
bool fl__wcache_load(const char *cpath, uint64_t key, fl_weight *w);
/* Keep w's sums there (best effort: a read-only folder keeps none). */
void fl__wcache_save(const char *cpath, uint64_t key, const fl_weight *w);

#endif
