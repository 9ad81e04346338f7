/*
 * timing.h: the clock and the median of bench/harness.c and bench/gdal_write.c
 * (two programs, one way of timing).
 */
#ifndef FRONTLINE_BENCH_TIMING_H
#define FRONTLINE_BENCH_TIMING_H
#include <stdlib.h>
#include <time.h>

static inline double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts dt[0..n) (n >= 1) and returns its median. */
static inline double median(double *dt, int n)
{
	qsort(dt, (size_t)n, sizeof *dt, cmp_double);
	return n % 2 ? dt[n / 2] : (dt[n / 2 - 1] + dt[n / 2]) / 2;
}
#endif
