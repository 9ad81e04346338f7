/*
 * parallel.h: work spread over threads (parallel.c).
 * Private to the library.
 */
#ifndef FL_PARALLEL_H
#define FL_PARALLEL_H

#include <stddef.h>
#include <geos_c.h>

/* The most threads fl_set_threads() accepts. */
#define FL__MAX_THREADS 64
/* Run fn(i, ctx, geos) for i in [0, n) on fl_threads() threads (parallel.c). */
typedef void (*fl__task_fn)(size_t i, void *ctx, GEOSContextHandle_t h);
void fl__parallel_for(size_t n, fl__task_fn fn, void *ctx);

#endif
