/*
 * coverage_rings.h: the edge set of a coverage union (built by coverage.c)
 * and its chaining into polygons (coverage_rings.c).
 * Private to the library.
 */
#ifndef FL_COVERAGE_RINGS_H
#define FL_COVERAGE_RINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <geos_c.h>

/* A vertex. */
typedef struct fl__xy {
	double x, y;
} fl__xy;

/* The vertices and directed edges of the pieces; an edge walked both ways
 * is dead (it separates two pieces of the union). */
typedef struct fl__cov {
	fl__xy *pt;        /* vertices, by id */
	size_t npt, ptcap;
	uint32_t *vslot;   /* vertex hash: id + 1, 0 = empty */
	size_t vcap;
	uint32_t *ea, *eb; /* directed edges a -> b */
	unsigned char *dead;
	size_t ne, ecap;
	uint32_t *eslot;   /* edge hash on the unordered pair: edge + 1 */
	size_t ecap_h;
	fl__xy *buf;       /* one ring's coordinates */
	size_t bufcap;
	bool bad;
} fl__cov;

/* Twice the signed area of ring p[0, n) (closed): positive when it runs
 * counter-clockwise. */
static inline double fl__ring_area2(const fl__xy *p, size_t n)
{
	double s = 0;
	for (size_t i = 0; i + 1 < n; i++)
		s += (p[i].x - p[0].x) * (p[i + 1].y - p[0].y) - (p[i + 1].x - p[0].x) * (p[i].y - p[0].y);
	return s;
}

/* Chain the edges of c that are left into rings and rings into polygons: a
 * new (Multi)Polygon, NULL when they are no clean coverage. */
GEOSGeometry *fl__cov_assemble(fl__cov *c, GEOSContextHandle_t h);

#endif
