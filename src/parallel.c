/*
 * parallel.c: a parallel for-loop over independent items, for the bulk work
 * of imports (reading files, overlays of day pairs).
 *
 * Each worker thread has its own GEOS context; items are handed out through
 * an atomic counter.  Errors are per item (the last-error message is
 * thread-local), so the caller reports the first failing item in order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "internal.h"

typedef struct pool {
	size_t n;
	size_t next;
	fl__task_fn fn;
	void *ctx;
} pool;

static void *worker(void *arg)
{
	pool *p = arg;
	GEOSContextHandle_t h = fl__geos_new();
	for (;;) {
		size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_SEQ_CST);
		if (i >= p->n)
			break;
		p->fn(i, p->ctx, h);
	}
	GEOS_finish_r(h);
	return NULL;
}

void fl__parallel_for(size_t n, fl__task_fn fn, void *ctx)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = cpus > 1 ? (size_t)cpus : 1;
	if (nt > 8)
		nt = 8;
	if (nt > n)
		nt = n ? n : 1;
	pool p = {n, 0, fn, ctx};
	pthread_t th[8];
	size_t started = 0;
	for (size_t i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	worker(&p); /* the calling thread works too */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}
