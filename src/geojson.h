/*
 * geojson.h: frontline's own GeoJSON writer (geojson.c): a feature
 * collection printed straight into a growing buffer, in the layout GDAL's
 * GeoJSON driver writes.  Private to the library.
 */
#ifndef FL_GEOJSON_H
#define FL_GEOJSON_H

#include <stdbool.h>
#include <stddef.h>
#include "sink.h"

/* A growing text; once an allocation fails, oom is set and nothing more is
 * added.  p stays NUL-terminated (when not NULL).  The caller frees p. */
typedef struct fl__gj_text {
	char *p;
	size_t len, cap;
	bool oom;
} fl__gj_text;

void fl__gj_put(fl__gj_text *b, const void *s, size_t n);

/* s[0, n) as a JSON string (RFC 8259): quoted; '"', '\\' and the control
 * characters escaped (\b \f \n \r \t, else \u00XX), '/' too when
 * escape_slash; bytes that are not well-formed UTF-8 become U+FFFD. */
void fl__gj_string(fl__gj_text *b, const char *s, size_t n, bool escape_slash);
/* A real as GDAL writes one with 15 significant figures: printf's %.15g,
 * or the first of 14, 13 or 12 figures that still has a point and no run
 * of six 0s or 9s after it when 15 have one; ".0" added when there is
 * neither a point nor an exponent.  NaN and infinities (which JSON cannot
 * hold) as null. */
void fl__gj_real(fl__gj_text *b, double d);
/* A coordinate on the engine's 1e-7 degree grid, exactly: the integer
 * number of grid steps printed as digits with a point, no trailing zeros
 * after the first decimal (49.04736, 46.0, -0.5).  |x| < 1e11. */
void fl__gj_grid(fl__gj_text *b, double x);

/* The collection's head, with its "name" (the layer's), and its tail. */
void fl__gj_begin(fl__gj_text *b, const char *name);
void fl__gj_end(fl__gj_text *b);
/* A layer's fields, ready to write: their types, and each key as the text
 * `"name": ` (after `, ` but for the first), escaped once. */
#define FL__GJ_MAX_FIELDS 256
typedef struct fl__gj_fields {
	const fl__tz *tz;                      /* the zone of its dates (NULL: UTC) */
	size_t n;
	fl__ftype types[FL__GJ_MAX_FIELDS];
	char *keys;                            /* malloc'd */
	size_t key_at[FL__GJ_MAX_FIELDS + 1];  /* key i: keys[key_at[i], key_at[i + 1]) */
} fl__gj_fields;
/* False when out of memory or n > FL__GJ_MAX_FIELDS (f is then empty). */
bool fl__gj_fields_make(fl__gj_fields *f, const char *const *names, const fl__ftype *types,
			size_t n);
void fl__gj_fields_free(fl__gj_fields *f);
/* One feature (its separator from the one before when `first` is false):
 * the properties f's keys with values v[i], then the geometry from 2D ISO
 * WKB (either byte order; NULL or an empty point: null) with its
 * coordinates on the grid.  False when the WKB is damaged, not 2D, not
 * one of the seven geometry types, or has a coordinate that is not finite
 * or not below 1e11 in magnitude (nothing is added then). */
bool fl__gj_feature(fl__gj_text *b, bool first, const fl__gj_fields *f, const fl__value *v,
		    const unsigned char *wkb, size_t len);

#endif
