/*
 * parallel.c: how many threads the library may use (fl_set_threads), and a
 * parallel for-loop over independent items, for the bulk work of imports
 * (reading files, overlays of day pairs).
 *
 * Each worker thread has its own GEOS context; items are handed out through
 * an atomic counter.  Errors are per item (the last-error message is
 * thread-local), so the caller reports the first failing item in order.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity */ // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the feature-test macro glibc asks for
#endif
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "fail.h"
#include "geo.h"
#include "parallel.h"

/* 0: as many as the CPUs this process may run on, at most FL__MAX_THREADS */
static int threads_setting;

fl_status fl_set_threads(int n)
{
	if (n < 0 || n > FL__MAX_THREADS)
		return fl__fail(FL_EARG, "%d threads: out of range (0 = one per CPU, else 1 to %d)", n,
				FL__MAX_THREADS);
	__atomic_store_n(&threads_setting, n, __ATOMIC_SEQ_CST);
	return FL_OK;
}

int fl_threads(void)
{
	int n = __atomic_load_n(&threads_setting, __ATOMIC_SEQ_CST);
	if (n > 0)
		return n;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef __linux__
	/* the CPUs of this process's affinity mask (taskset, cpusets), not of the machine */
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		cpus = CPU_COUNT(&set);
#endif
	if (cpus < 1)
		cpus = 1;
	return cpus > 8 ? 8 : (int)cpus;
}

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
	size_t nt = (size_t)fl_threads();
	if (nt > n)
		nt = n ? n : 1;
	pool p = {n, 0, fn, ctx};
	pthread_t th[FL__MAX_THREADS];
	size_t started = 0;
	for (size_t i = 1; i < nt; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	worker(&p); /* the calling thread works too */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}
