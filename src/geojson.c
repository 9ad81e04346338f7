/*
 * geojson.c: frontline's own GeoJSON writer.
 *
 * GDAL's GeoJSON driver builds a json-c object per number and prints each
 * with printf; for a map of 10,000 regions that took a hundred times longer
 * than the engine took to make the map (bench/gdal_write.c).  Every
 * coordinate the engine writes lies on its 1e-7 degree grid (RFC 7946's
 * seven decimals, wkb_rfc7946.c), so it is an integer number of grid steps
 * and is printed here as integer digits, exactly, with no floating-point
 * formatting at all.
 *
 * The layout is the one GDAL 3.6 writes (one feature per line, the same
 * spacing, the same 15 significant figures for reals), so that files do not
 * change from one version of frontline to the next and the feature-bytes API
 * (features.c) cuts them as before.  Two deliberate differences, both for
 * values the engine does not produce: a coordinate within 1e-4 of zero is
 * written 0.0000123 where GDAL writes 1.23e-05, and a non-finite real is
 * null where GDAL writes NaN (not JSON).  GDAL reads both back as the same
 * values (tests/cli/test_geojson.py compares every feature).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date_zone.h"
#include "geojson.h"
#include "utf8.h"
#include "wkb.h"

/* a string literal (sizeof of anything else would be a pointer's) */
#define PUTS(b, lit) put((b), "" lit, sizeof(lit) - 1)
#define MAX_DEPTH 16 /* GeometryCollections inside each other */

static bool reserve(fl__gj_text *b, size_t more)
{
	if (b->oom)
		return false;
	if (more < b->cap - b->len)
		return true;
	if (more > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len <= more)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void fl__gj_put(fl__gj_text *b, const void *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* fl__gj_put, with the common case (room enough) inline */
static inline void put(fl__gj_text *b, const void *s, size_t n)
{
	if (n < b->cap - b->len) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = 0;
	} else
		fl__gj_put(b, s, n);
}

/* Whether byte c may go into a JSON string as it is. */
static bool plain(unsigned char c, bool escape_slash)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && !(c == '/' && escape_slash);
}

void fl__gj_string(fl__gj_text *b, const char *str, size_t n, bool escape_slash)
{
	const unsigned char *s = (const unsigned char *)str;
	PUTS(b, "\"");
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n && plain(s[run], escape_slash))
			run++;
		put(b, s + i, run - i);
		if (run == n)
			break;
		i = run;
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t len = fl__utf8_seq_len(s + i, n - i);
			if (len) {
				put(b, s + i, len);
				i += len;
			} else {
				PUTS(b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
				i++;
			}
			continue;
		}
		char esc[8];
		switch (c) {
		case '"': PUTS(b, "\\\""); break;
		case '\\': PUTS(b, "\\\\"); break;
		case '/': PUTS(b, "\\/"); break;
		case '\b': PUTS(b, "\\b"); break;
		case '\f': PUTS(b, "\\f"); break;
		case '\n': PUTS(b, "\\n"); break;
		case '\r': PUTS(b, "\\r"); break;
		case '\t': PUTS(b, "\\t"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			put(b, esc, 6);
		}
		i++;
	}
	PUTS(b, "\"");
}

/* Whether the digits after the point of a printed number hold six 0s or 9s
 * in a row (a binary fraction's residue, as 2.50000000000001). */
static bool has_run(const char *num)
{
	const char *dot = strchr(num, '.');
	return dot && (strstr(dot, "000000") || strstr(dot, "999999"));
}

/* %.15g of d, for 1e-4 <= |d| < 1e15, without printf: the 15 significant
 * digits from d scaled in long double (64-bit mantissa: an error below
 * 1e-4 of a unit in the 15th digit), then written as %g writes them (no
 * exponent in this range, trailing zeros dropped).  False, with nothing
 * written, where that is not sure to be printf's answer: outside the
 * range, or within 1e-3 of a rounding tie. */
static bool fast_g15(char *buf, double d)
{
#if LDBL_MANT_DIG >= 64
	double a = fabs(d);
	if (!(a >= 1e-4 && a < 1e15))
		return false;
	static const long double pow10[] = {1e0L,  1e1L,  1e2L,  1e3L,	1e4L,  1e5L,  1e6L,
					    1e7L,  1e8L,  1e9L,	 1e10L, 1e11L, 1e12L, 1e13L,
					    1e14L, 1e15L, 1e16L, 1e17L, 1e18L};
	/* 10^e <= a < 10^(e+1), or one off at a power of ten (then m is out
	 * of range below, and printf answers) */
	int e = (int)floor(log10(a));
	if (e < -4 || e > 14)
		return false;
	/* a * 10^(14-e) in [1e14, 1e15): exact powers up to 10^18 */
	long double scaled = (long double)a * pow10[14 - e];
	long double whole = floorl(scaled), frac = scaled - whole;
	if (fabsl(frac - 0.5L) < 1e-3L)
		return false;
	unsigned long long m = (unsigned long long)whole + (frac > 0.5L);
	if (m < 100000000000000ULL || m >= 1000000000000000ULL)
		return false; /* e was off, or rounding carried to 16 digits */
	char digits[16];
	for (int i = 14; i >= 0; i--, m /= 10)
		digits[i] = (char)('0' + m % 10);
	int nd = 15;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	char *o = buf;
	if (d < 0)
		*o++ = '-';
	if (e >= 0) {
		/* e + 1 digits before the point */
		for (int i = 0; i <= e; i++) {
			char c = '0';
			if (i < nd)
				c = digits[i];
			*o++ = c;
		}
		if (nd > e + 1) {
			*o++ = '.';
			for (int i = e + 1; i < nd; i++)
				*o++ = digits[i];
		}
	} else {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -e - 1; i++)
			*o++ = '0';
		for (int i = 0; i < nd; i++)
			*o++ = digits[i];
	}
	*o = 0;
	return true;
#else
	(void)buf, (void)d;
	return false;
#endif
}

/* printf's %.Ng of d into buf (40 bytes), '.' as the point whatever the locale. */
static int print_g(char *buf, int figures, double d)
{
	if (figures == 15 && fast_g15(buf, d))
		return (int)strlen(buf);
	int n = snprintf(buf, 40, "%.*g", figures, d);
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = '.';
	return n;
}

void fl__gj_real(fl__gj_text *b, double d)
{
	if (!isfinite(d)) {
		PUTS(b, "null");
		return;
	}
	char buf[40];
	int n = print_g(buf, 15, d);
	if (has_run(buf)) {
		char alt[40];
		for (int figures = 14; figures >= 12; figures--) {
			int m = print_g(alt, figures, d);
			if (strchr(alt, '.') && !has_run(alt)) {
				memcpy(buf, alt, (size_t)m + 1);
				n = m;
				break;
			}
		}
	}
	if (!strpbrk(buf, ".e"))
		n += snprintf(buf + n, sizeof buf - (size_t)n, ".0");
	put(b, buf, (size_t)n);
}

/* The digits of a grid coordinate (|x| < 1e11) at o; returns their end.
 * At most 20 bytes. */
static char *grid_digits(char *o, double x)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	double steps = nearbyint(x * 1e7);
	unsigned long long k = (unsigned long long)fabs(steps);
	unsigned long frac = (unsigned long)(k % 10000000u);
	unsigned long long whole = k / 10000000u;
	/* the decimals, trailing zeros dropped (at least one kept) */
	int digits = 7;
	while (digits > 1 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	for (int i = 0; i < digits; i++, frac /= 10)
		*--p = (char)('0' + frac % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (steps < 0 && k)
		*--p = '-';
	memcpy(o, p, (size_t)(e - p));
	return o + (e - p);
}

void fl__gj_grid(fl__gj_text *b, double x)
{
	if (!reserve(b, 24))
		return;
	char *o = grid_digits(b->p + b->len, x);
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
}

void fl__gj_begin(fl__gj_text *b, const char *name)
{
	PUTS(b, "{\n\"type\": \"FeatureCollection\",\n\"name\": ");
	/* GDAL escapes the name's slashes (json-c's default), not the properties' */
	fl__gj_string(b, name, strlen(name), true);
	PUTS(b, ",\n\"features\": [\n");
}

void fl__gj_end(fl__gj_text *b)
{
	PUTS(b, "\n]\n}\n");
}

/* ---- geometry from WKB ---- */

typedef struct wkb_cur {
	const unsigned char *p, *end;
} wkb_cur;

static bool take_u32(wkb_cur *c, bool big, uint32_t *v)
{
	if ((size_t)(c->end - c->p) < 4)
		return false;
	*v = fl__wkb_u32(c->p, big);
	c->p += 4;
	return true;
}

/* The header of a geometry: its byte order and type (2D only). */
static bool take_head(wkb_cur *c, bool *big, uint32_t *type)
{
	if (c->p >= c->end || *c->p > 1)
		return false;
	*big = *c->p++ == 0;
	return take_u32(c, *big, type) && *type >= 1 && *type <= 7;
}

/* A count of items of at least `least` bytes each that the rest can hold. */
static bool take_count(wkb_cur *c, bool big, size_t least, uint32_t *n)
{
	return take_u32(c, big, n) && (size_t)*n <= (size_t)(c->end - c->p) / least;
}

/* Two characters at o; returns what follows them. */
static char *two(char *o, char a, char b)
{
	o[0] = a;
	o[1] = b;
	return o + 2;
}

/* Whether a coordinate can be printed by grid_digits (finite, below 1e11
 * in magnitude: lon/lat are far below). */
static bool printable(double x)
{
	return fabs(x) < 1e11;
}

/* [ x, y ] at o (room for POSITION_MAX bytes); returns the end, or NULL for a
 * coordinate that is not printable. */
#define POSITION_MAX 48
static char *position_at(char *o, const unsigned char *p, bool big)
{
	double x = fl__wkb_coord(p, big), y = fl__wkb_coord(p + 8, big);
	if (!printable(x) || !printable(y))
		return NULL;
	o = grid_digits(two(o, '[', ' '), x);
	o = grid_digits(two(o, ',', ' '), y);
	return two(o, ' ', ']');
}

static bool put_position(fl__gj_text *b, const unsigned char *p, bool big)
{
	if (!reserve(b, POSITION_MAX))
		return true; /* oom is set: the caller fails */
	char *o = position_at(b->p + b->len, p, big);
	if (!o)
		return false;
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
	return true;
}

/* A sequence of points: [ [ x, y ], ... ] */
static bool put_points(fl__gj_text *b, wkb_cur *c, bool big)
{
	uint32_t n;
	if (!take_count(c, big, 16, &n))
		return false;
	if (!n) {
		PUTS(b, "[ ]");
		return true;
	}
	/* n <= 2^32: the product fits in 64 bits */
	if (!reserve(b, (size_t)n * (POSITION_MAX + 2) + 8))
		return true; /* oom is set: the caller fails */
	/* written in place: room for every position was made above */
	char *o = two(b->p + b->len, '[', ' ');
	for (uint32_t i = 0; i < n; i++, c->p += 16) {
		if (i)
			o = two(o, ',', ' ');
		if (!(o = position_at(o, c->p, big))) {
			b->p[b->len] = 0;
			return false;
		}
	}
	o = two(o, ' ', ']');
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
	return true;
}

/* What a list's items are: their geometry type and byte order (a
 * MultiX's parts name their own), and how deep in collections. */
typedef struct list_of {
	uint32_t type; /* 3: a polygon's rings; 4-6: a MultiX's parts; 7: a collection's members */
	bool big;
	int depth;
} list_of;

static bool put_geometry(fl__gj_text *b, wkb_cur *c, int depth);
static bool put_coordinates(fl__gj_text *b, wkb_cur *c, bool big, uint32_t type, int depth);

/* One item of a list. */
static bool put_item(fl__gj_text *b, wkb_cur *c, const list_of *l)
{
	if (l->type == 3)
		return put_points(b, c, l->big); /* a ring */
	if (l->type == 7)
		return put_geometry(b, c, l->depth + 1);
	bool big;
	uint32_t part;
	if (!take_head(c, &big, &part) || part != l->type - 3)
		return false;
	if (part != 1)
		return put_coordinates(b, c, big, part, l->depth);
	if ((size_t)(c->end - c->p) < 16 || !put_position(b, c->p, big))
		return false;
	c->p += 16;
	return true;
}

/* A counted list of items of at least `least` bytes: [ ], or [ a, b ] */
static bool put_list(fl__gj_text *b, wkb_cur *c, size_t least, const list_of *l)
{
	uint32_t n;
	if (!take_count(c, l->big, least, &n))
		return false;
	if (!n) {
		PUTS(b, "[ ]");
		return true;
	}
	PUTS(b, "[ ");
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			PUTS(b, ", ");
		if (!put_item(b, c, l))
			return false;
	}
	PUTS(b, " ]");
	return true;
}

static const char *const type_names[] = {"",	       "Point",	     "LineString",
					  "Polygon",   "MultiPoint", "MultiLineString",
					  "MultiPolygon", "GeometryCollection"};

/* The coordinates of a geometry of type `type` (2 to 6) whose header is read. */
static bool put_coordinates(fl__gj_text *b, wkb_cur *c, bool big, uint32_t type, int depth)
{
	if (type == 2)
		return put_points(b, c, big);
	if (type < 3 || type > 6)
		return false;
	list_of l = {type, big, depth};
	/* a ring is at least its count; a part its header */
	return put_list(b, c, type == 3 ? 4 : 9, &l);
}

static bool put_geometry(fl__gj_text *b, wkb_cur *c, int depth)
{
	bool big;
	uint32_t type;
	if (depth > MAX_DEPTH || !take_head(c, &big, &type))
		return false;
	if (type == 1) {
		if ((size_t)(c->end - c->p) < 16)
			return false;
		double x = fl__wkb_coord(c->p, big), y = fl__wkb_coord(c->p + 8, big);
		if (isnan(x) && isnan(y)) { /* POINT EMPTY */
			c->p += 16;
			PUTS(b, "null");
			return true;
		}
		PUTS(b, "{ \"type\": \"Point\", \"coordinates\": ");
		if (!put_position(b, c->p, big))
			return false;
		c->p += 16;
		PUTS(b, " }");
		return true;
	}
	PUTS(b, "{ \"type\": \"");
	put(b, type_names[type], strlen(type_names[type]));
	bool ok;
	if (type == 7) {
		PUTS(b, "\", \"geometries\": ");
		list_of l = {7, big, depth};
		ok = put_list(b, c, 9, &l);
	} else {
		PUTS(b, "\", \"coordinates\": ");
		ok = put_coordinates(b, c, big, type, depth);
	}
	PUTS(b, " }");
	return ok;
}

/* ---- features ---- */

static void put_value(fl__gj_text *b, fl__ftype type, const fl__value *v, const fl__tz *tz)
{
	char buf[40];
	if (v->null) {
		PUTS(b, "null");
		return;
	}
	switch (type) {
	case FL__STR: {
		const char *s = v->s ? v->s : "";
		fl__gj_string(b, s, strlen(s), false);
		return;
	}
	case FL__REAL: fl__gj_real(b, v->d); return;
	case FL__INT: put(b, buf, (size_t)snprintf(buf, sizeof buf, "%lld", v->i)); return;
	case FL__BOOL:
		if (v->i)
			PUTS(b, "true");
		else
			PUTS(b, "false");
		return;
	case FL__DATE:
	case FL__DATETIME:
		if (type == FL__DATE)
			fl__format_date_tz(tz, v->t, buf, sizeof buf);
		else
			fl__format_instant_tz(tz, v->t, buf, sizeof buf);
		fl__gj_string(b, buf, strlen(buf), false);
		return;
	}
}

bool fl__gj_fields_make(fl__gj_fields *f, const char *const *names, const fl__ftype *types,
			size_t n)
{
	*f = (fl__gj_fields){0};
	if (n > FL__GJ_MAX_FIELDS)
		return false;
	fl__gj_text keys = {0};
	for (size_t i = 0; i < n; i++) {
		f->key_at[i] = keys.len;
		if (i)
			PUTS(&keys, ", ");
		fl__gj_string(&keys, names[i], strlen(names[i]), false);
		PUTS(&keys, ": ");
		f->types[i] = types[i];
	}
	f->key_at[n] = keys.len;
	f->n = n;
	f->keys = keys.p;
	if (keys.oom) {
		free(keys.p);
		*f = (fl__gj_fields){0};
		return false;
	}
	return true;
}

void fl__gj_fields_free(fl__gj_fields *f)
{
	free(f->keys);
	*f = (fl__gj_fields){0};
}

bool fl__gj_feature(fl__gj_text *b, bool first, const fl__gj_fields *f, const fl__value *v,
		    const unsigned char *wkb, size_t len)
{
	size_t mark = b->len;
	if (!first)
		PUTS(b, ",\n");
	PUTS(b, "{ \"type\": \"Feature\", \"properties\": { ");
	for (size_t i = 0; i < f->n; i++) {
		put(b, f->keys + f->key_at[i], f->key_at[i + 1] - f->key_at[i]);
		put_value(b, f->types[i], &v[i], f->tz);
	}
	if (f->n)
		PUTS(b, " }, \"geometry\": ");
	else
		PUTS(b, "}, \"geometry\": ");
	bool ok = true;
	if (!wkb)
		PUTS(b, "null");
	else {
		wkb_cur c = {wkb, wkb + len};
		ok = put_geometry(b, &c, 0) && c.p == c.end;
	}
	PUTS(b, " }");
	if (!ok && !b->oom) {
		b->len = mark;
		if (b->p)
			b->p[mark] = 0;
	}
	return ok;
}
