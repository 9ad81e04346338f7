/*
 * coverage.h: unions of edge-matched pieces (coverage.c): the overlay's atoms,
 * the pieces of an answer, and whether the atoms meet vertex for vertex.
 * Private to the library.
 */
#ifndef FL_COVERAGE_H
#define FL_COVERAGE_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* Whether the atoms meet vertex for vertex (t->coverage). */
enum { FL__COVERAGE_UNKNOWN = 0, FL__COVERAGE_CLEAN = 1, FL__COVERAGE_LOOSE = 2 };

/* Union of geometries that form a coverage (edge-matched, no overlaps).
 * Takes ownership of nothing; returns a new geometry. */
GEOSGeometry *fl__coverage_union(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n);
/* The same by edge cancelling alone: NULL when the pieces are no clean
 * coverage (an overlap, an unbalanced vertex) or memory ran out. */
GEOSGeometry *fl__coverage_union_fast(GEOSContextHandle_t h, GEOSGeometry *const *parts, size_t n);

/* The coverage union of some atoms, from their WKB when they
 * have no geometry yet; NULL on failure. */
GEOSGeometry *fl__atoms_union(const fl_tracker *t, const size_t *atoms, size_t n);
/* FL__COVERAGE_CLEAN when the edge-cancelling union of all the atoms is
 * valid (their shared borders have the same vertices on both sides), else
 * FL__COVERAGE_LOOSE; computed once, then kept in t->coverage. */
unsigned char fl__coverage_of(const fl_tracker *t);
/* The same, found again; when loose, where the union of all the atoms first
 * goes wrong (NaN when the fast union refused them altogether). */
unsigned char fl__coverage_check(const fl_tracker *t, double *x, double *y);

#endif
