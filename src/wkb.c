/*
 * wkb.c: reading polygonal WKB in place, without building geometries.
 *
 * The persistent index stores each atom as WKB.  Building a GEOS geometry for
 * every atom at open costs more than the map that is then asked for, which
 * often needs only some atoms and only their coordinates (the coverage union
 * in coverage.c works on rings).  This walker checks a WKB Polygon or
 * MultiPolygon completely (structure, counts within the buffer, rings closed
 * with at least four points, finite lon/lat coordinates) so that a damaged
 * index is refused at open, and hands the rings to a callback.
 */
#include <math.h>
#include <string.h>
#include "wkb.h"

typedef struct wk {
	const unsigned char *p, *end;
} wk;

uint32_t fl__wkb_u32(const unsigned char *p, bool big)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return big != (FL__BIG_ENDIAN != 0) ? __builtin_bswap32(x) : x;
}

static bool u32_at(wk *r, bool big, uint32_t *v)
{
	if ((size_t)(r->end - r->p) < 4)
		return false;
	*v = fl__wkb_u32(r->p, big);
	r->p += 4;
	return true;
}

double fl__wkb_coord(const unsigned char *p, bool big)
{
	uint64_t u;
	memcpy(&u, p, 8);
	if (big != (FL__BIG_ENDIAN != 0))
		u = __builtin_bswap64(u);
	double d;
	memcpy(&d, &u, 8);
	return d;
}

static bool polygon(wk *r, fl__ring_fn fn, void *ctx)
{
	if (r->p >= r->end || *r->p > 1)
		return false;
	bool big = *r->p++ == 0;
	uint32_t type, nrings;
	if (!u32_at(r, big, &type) || type != 3 || !u32_at(r, big, &nrings))
		return false;
	for (uint32_t k = 0; k < nrings; k++) {
		uint32_t n;
		if (!u32_at(r, big, &n) || (n != 0 && n < 4) || (size_t)(r->end - r->p) / 16 < n)
			return false;
		if (n == 0 && nrings > 1)
			return false; /* an empty shell with holes, or an empty hole: GEOS refuses both */
		const unsigned char *c = r->p;
		for (uint32_t i = 0; i < n; i++) {
			double x = fl__wkb_coord(c + 16 * (size_t)i, big);
			double y = fl__wkb_coord(c + 16 * (size_t)i + 8, big);
			if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
				return false; /* also NaN */
		}
		if (n && memcmp(c, c + 16 * (size_t)(n - 1), 16) != 0)
			return false; /* not closed */
		r->p += 16 * (size_t)n;
		if (n && fn && !fn(ctx, c, n, big, k > 0))
			return false;
	}
	return true;
}

bool fl__wkb_rings(const unsigned char *w, size_t len, fl__ring_fn fn, void *ctx)
{
	if (!w || len < 5 || *w > 1)
		return false;
	wk r = {w, w + len};
	bool big = *w == 0;
	uint32_t type;
	wk peek = {w + 1, w + len};
	if (!u32_at(&peek, big, &type))
		return false;
	if (type == 3)
		return polygon(&r, fn, ctx) && r.p == r.end;
	uint32_t n;
	if (type != 6 || !u32_at(&peek, big, &n))
		return false;
	r.p = peek.p;
	for (uint32_t i = 0; i < n; i++)
		if (!polygon(&r, fn, ctx))
			return false;
	return r.p == r.end;
}
