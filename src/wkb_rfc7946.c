/*
 * wkb_rfc7946.c: a geometry's WKB made ready for RFC 7946 GeoJSON, in place.
 *
 * GeoJSON is written by GDAL.  GDAL's own RFC 7946 mode rounds coordinates
 * through C++ string streams, about 1 µs per number, which was most of the
 * time of every map written as GeoJSON.  The sink (output.c) therefore asks
 * GDAL for plain GeoJSON with 15 significant figures (printf, about twice as
 * fast) and does here, before GDAL sees the geometry, what RFC 7946 asks of
 * the coordinates:
 *   - every coordinate rounded to the engine's grid (FL__GRID, 7 decimals,
 *     about 1 cm: the precision RFC 7946 recommends and GDAL's RFC 7946 mode
 *     writes), so that 15 significant figures print it exactly;
 *   - polygon rings wound by the right-hand rule: exterior rings
 *     counterclockwise, holes clockwise (RFC 7946, section 3.1.6).
 * The coordinates stay lon/lat: the engine keeps every geometry in WGS 84.
 * A geometry that is not 2D, or has a point outside [-180, 180] x [-90, 90],
 * is refused (the sink then fails rather than write it out of the RFC).
 */
#include <math.h>
#include <string.h>
#include "geo.h"
#include "wkb.h"
#include "wkb_rfc7946.h"

typedef struct cur {
	unsigned char *p, *end;
} cur;

static bool take_u32(cur *c, bool big, uint32_t *v)
{
	if ((size_t)(c->end - c->p) < 4)
		return false;
	*v = fl__wkb_u32(c->p, big);
	c->p += 4;
	return true;
}

static void put_coord(unsigned char *p, double d, bool big)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	if (big != (FL__BIG_ENDIAN != 0))
		u = __builtin_bswap64(u);
	memcpy(p, &u, 8);
}

/* Round n points of 16 bytes at p to the grid: k / 1e7 with k a whole
 * number is the double nearest k * 10^-7 (one correctly rounded division),
 * which 15 significant figures print exactly; adding 0.0 turns -0 into 0.
 * False for a point outside lon/lat (or NaN), which RFC 7946 cannot hold
 * (GDAL's RFC 7946 mode refused those features too). */
static bool round_points(unsigned char *p, uint32_t n, bool big)
{
	const double scale = nearbyint(1.0 / FL__GRID);
	for (size_t i = 0; i < (size_t)n; i++) {
		double x = fl__wkb_coord(p + 16 * i, big), y = fl__wkb_coord(p + 16 * i + 8, big);
		if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
			return false;
		put_coord(p + 16 * i, nearbyint(x * scale) / scale + 0.0, big);
		put_coord(p + 16 * i + 8, nearbyint(y * scale) / scale + 0.0, big);
	}
	return true;
}

/* Twice the signed area of a closed ring (positive: counterclockwise). */
static double ring_area2(const unsigned char *p, uint32_t n, bool big)
{
	if (n < 4)
		return 0;
	/* relative to the first point, for precision far from (0, 0) */
	double x0 = fl__wkb_coord(p, big), y0 = fl__wkb_coord(p + 8, big), a = 0;
	double px = 0, py = 0;
	for (uint32_t i = 1; i < n; i++) {
		double x = fl__wkb_coord(p + 16 * (size_t)i, big) - x0;
		double y = fl__wkb_coord(p + 16 * (size_t)i + 8, big) - y0;
		a += px * y - x * py;
		px = x;
		py = y;
	}
	return a;
}

static void reverse_points(unsigned char *p, uint32_t n)
{
	unsigned char tmp[16];
	for (size_t i = 0, j = (size_t)n - 1; i < j; i++, j--) {
		memcpy(tmp, p + 16 * i, 16);
		memcpy(p + 16 * i, p + 16 * j, 16);
		memcpy(p + 16 * j, tmp, 16);
	}
}

static bool points(cur *c, bool big, uint32_t n, unsigned char **at)
{
	if ((size_t)(c->end - c->p) / 16 < n)
		return false;
	*at = c->p;
	if (!round_points(c->p, n, big))
		return false;
	c->p += 16 * (size_t)n;
	return true;
}

/* One geometry of any 2D type at c->p; false for anything it cannot walk. */
static bool geometry(cur *c, int depth)
{
	if (depth > 8 || c->p >= c->end || *c->p > 1)
		return false;
	bool big = *c->p++ == 0;
	uint32_t type, n;
	unsigned char *at;
	if (!take_u32(c, big, &type))
		return false;
	switch (type) {
	case 1: /* Point */
		return points(c, big, 1, &at);
	case 2: /* LineString */
		return take_u32(c, big, &n) && points(c, big, n, &at);
	case 3: /* Polygon */
		if (!take_u32(c, big, &n))
			return false;
		for (uint32_t k = 0; k < n; k++) {
			uint32_t np;
			if (!take_u32(c, big, &np) || !points(c, big, np, &at))
				return false;
			double a = ring_area2(at, np, big);
			if ((k == 0 && a < 0) || (k > 0 && a > 0))
				reverse_points(at, np);
		}
		return true;
	case 4: case 5: case 6: case 7: /* Multi*, GeometryCollection */
		if (!take_u32(c, big, &n))
			return false;
		for (uint32_t k = 0; k < n; k++)
			if (!geometry(c, depth + 1))
				return false;
		return true;
	default:
		return false;
	}
}

/* NOLINTNEXTLINE(readability-non-const-parameter): written through c.p */
bool fl__wkb_rfc7946(unsigned char *wkb, size_t len)
{
	if (!wkb)
		return false;
	cur c = {wkb, wkb + len};
	return geometry(&c, 0) && c.p == c.end;
}
