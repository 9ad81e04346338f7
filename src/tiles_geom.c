/*
 * tiles_geom.c: the geometry of a vector tile: Web Mercator, the tile's
 * bounds, and a feature's polygons clipped, snapped and written as MVT
 * geometry commands (specification 2.1, section 4.3).
 *
 * Rounding to the tile's grid is the only simplification, and it keeps
 * shared edges shared: vertices are snap-rounded (tiles_snap.c) with the
 * hot points of every feature of the tile, so a vertex goes to the same grid
 * point in every piece that has it and no edge crosses another.  Repeated
 * vertices and vertices in line with their neighbours (exactly, in
 * integers: the point set stays the same) are dropped; a ring left without
 * area is dropped, and the holes of a dropped exterior with it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tiles_priv.h"
#include "util.h"

void fl__merc(double lon, double lat, double *x, double *y)
{
	const double lim = 85.05112877980659;
	lat = lat > lim ? lim : lat < -lim ? -lim : lat;
	*x = lon * (FL__MERC_HALF / 180.0);
	*y = log(tan((90.0 + lat) * (M_PI / 360.0))) * (FL__MERC_HALF / M_PI);
}

void fl__tile_bounds(int z, int x, int y, double b[4])
{
	double size = 2 * FL__MERC_HALF / ldexp(1.0, z);
	b[0] = -FL__MERC_HALF + x * size;
	b[2] = b[0] + size;
	b[3] = FL__MERC_HALF - y * size;
	b[1] = b[3] - size;
}

static GEOSCoordSequence *seq_merc(GEOSContextHandle_t h, const GEOSCoordSequence *s)
{
	unsigned int n = 0;
	if (!GEOSCoordSeq_getSize_r(h, s, &n))
		return NULL;
	double *xy = malloc((size_t)(n ? n : 1) * 2 * sizeof *xy);
	if (!xy || (n && !GEOSCoordSeq_copyToBuffer_r(h, s, xy, 0, 0))) {
		free(xy);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		fl__merc(xy[2 * i], xy[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
	GEOSCoordSequence *o = GEOSCoordSeq_copyFromBuffer_r(h, xy, n, 0, 0);
	free(xy);
	return o;
}

static GEOSGeometry *ring_merc(GEOSContextHandle_t h, const GEOSGeometry *r)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, r);
	GEOSCoordSequence *m = s ? seq_merc(h, s) : NULL;
	return m ? GEOSGeom_createLinearRing_r(h, m) : NULL;
}

static GEOSGeometry *poly_merc(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int nh = GEOSGetNumInteriorRings_r(h, g);
	const GEOSGeometry *er = GEOSGetExteriorRing_r(h, g);
	if (nh < 0 || !er)
		return NULL;
	GEOSGeometry *shell = ring_merc(h, er);
	GEOSGeometry **holes = calloc((size_t)nh + 1, sizeof *holes);
	bool ok = shell && holes;
	for (int i = 0; ok && i < nh; i++)
		ok = (holes[i] = ring_merc(h, GEOSGetInteriorRingN_r(h, g, i))) != NULL;
	GEOSGeometry *p = ok ? GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nh) : NULL;
	if (!p) {
		if (shell)
			GEOSGeom_destroy_r(h, shell);
		for (int i = 0; holes && i < nh; i++)
			if (holes[i])
				GEOSGeom_destroy_r(h, holes[i]);
	}
	free(holes);
	return p;
}

GEOSGeometry *fl__geom_merc(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int type = GEOSGeomTypeId_r(h, g);
	switch (type) {
	case GEOS_POLYGON:
		return poly_merc(h, g);
	case GEOS_POINT:
	case GEOS_LINESTRING: {
		const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, g);
		GEOSCoordSequence *m = s ? seq_merc(h, s) : NULL;
		if (!m)
			return NULL;
		return type == GEOS_POINT ? GEOSGeom_createPoint_r(h, m)
					  : GEOSGeom_createLineString_r(h, m);
	}
	case GEOS_MULTIPOINT:
	case GEOS_MULTILINESTRING:
	case GEOS_MULTIPOLYGON:
	case GEOS_GEOMETRYCOLLECTION: {
		int n = GEOSGetNumGeometries_r(h, g);
		GEOSGeometry **parts = calloc((size_t)(n > 0 ? n : 1), sizeof *parts);
		bool ok = n >= 0 && parts;
		for (int i = 0; ok && i < n; i++)
			ok = (parts[i] = fl__geom_merc(h, GEOSGetGeometryN_r(h, g, i))) != NULL;
		GEOSGeometry *c = ok ? GEOSGeom_createCollection_r(h, type, parts, (unsigned)n) : NULL;
		for (int i = 0; !c && parts && i < n; i++)
			if (parts[i])
				GEOSGeom_destroy_r(h, parts[i]);
		free(parts);
		return c;
	}
	default:
		return NULL;
	}
}

/* ---------------------------------------------------------- commands */
typedef fl__pt pt;

typedef struct ctx {
	GEOSContextHandle_t h;
	const double *b;   /* tile bounds, metres */
	double scale;      /* tile units per metre */
	const fl__hot *hot;
	fl__u32s *out;
	int64_t cx, cy;    /* the cursor (4.3.2: it carries over between rings) */
	fl__pts pts;       /* a ring's snapped vertices */
	int npoly;
	int type;
} ctx;

static int push(fl__u32s *o, uint32_t x)
{
	uint32_t *nv = fl__grow(o->v, &o->cap, o->n + 1, sizeof *nv);
	if (!nv)
		return -1;
	o->v = nv;
	o->v[o->n++] = x;
	return 0;
}

/* 4.3.2: 0, -1, 1, -2 ... as 0, 1, 2, 3 ... */
static uint32_t zigzag(int64_t d)
{
	return (uint32_t)(d >= 0 ? (uint64_t)d << 1 : ((uint64_t)(-(d + 1)) << 1) | 1u);
}

static int64_t cross(pt a, pt b, pt c)
{
	return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

/* The coordinates of r in tile units (malloc'd, x y pairs), *n of them. */
static double *ring_units(const ctx *c, const GEOSGeometry *r, unsigned int *n)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(c->h, r);
	*n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(c->h, s, n))
		return NULL;
	double *xy = malloc((size_t)(*n ? *n : 1) * 2 * sizeof *xy);
	if (!xy || (*n && !GEOSCoordSeq_copyToBuffer_r(c->h, s, xy, 0, 0))) {
		free(xy);
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		xy[2 * i] = (xy[2 * i] - c->b[0]) * c->scale;
		xy[2 * i + 1] = (c->b[3] - xy[2 * i + 1]) * c->scale;
	}
	return xy;
}

/* Ring r snap-rounded into c->pts, without repeats or vertices in line;
 * its vertex count (0: nothing left), -1 on failure. */
static long ring_points(ctx *c, const GEOSGeometry *r)
{
	unsigned int n = 0;
	double *xy = ring_units(c, r, &n);
	if (!xy)
		return -1;
	fl__pts *o = &c->pts;
	o->n = 0;
	for (size_t i = 0; i + 1 < n; i++)
		if (fl__snap_segment(c->hot, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], o)) {
			free(xy);
			return -1;
		}
	free(xy);
	pt *v = o->v;
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++) { /* in place: k <= i */
		pt p = v[i];
		if (k && p.x == v[k - 1].x && p.y == v[k - 1].y)
			continue;
		while (k >= 2 && cross(v[k - 2], v[k - 1], p) == 0)
			k--;
		v[k++] = p;
	}
	/* where the ring closes: the last and the first vertices */
	size_t first = 0;
	for (bool again = true; again && k - first >= 3;) {
		again = false;
		if ((v[k - 1].x == v[first].x && v[k - 1].y == v[first].y) ||
		    cross(v[k - 2], v[k - 1], v[first]) == 0) {
			k--;
			again = true;
		} else if (cross(v[k - 1], v[first], v[first + 1]) == 0) {
			first++;
			again = true;
		}
	}
	if (k < first + 3)
		return 0;
	memmove(v, v + first, (k - first) * sizeof *v);
	return (long)(k - first);
}

/* Write ring r (exterior or not) as commands; 1 when written, 0 when it
 * had no area left, -1 on failure. */
static int ring_cmds(ctx *c, const GEOSGeometry *r, bool exterior)
{
	long n = ring_points(c, r);
	if (n <= 0)
		return (int)n;
	pt *v = c->pts.v;
	int64_t a2 = 0;
	for (long i = 0; i < n; i++) {
		pt p = v[i], q = v[(i + 1) % n];
		a2 += p.x * q.y - q.x * p.y;
	}
	if (a2 == 0)
		return 0;
	if ((a2 > 0) != exterior) /* exterior: positive area (y down) */
		for (long i = 0, j = n - 1; i < j; i++, j--) {
			pt t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
	fl__u32s *o = c->out;
	int bad = push(o, 1u | (1u << 3));
	bad |= push(o, zigzag(v[0].x - c->cx)) | push(o, zigzag(v[0].y - c->cy));
	bad |= push(o, 2u | ((uint32_t)(n - 1) << 3));
	for (long i = 1; i < n; i++)
		bad |= push(o, zigzag(v[i].x - v[i - 1].x)) | push(o, zigzag(v[i].y - v[i - 1].y));
	bad |= push(o, 7u | (1u << 3));
	c->cx = v[n - 1].x;
	c->cy = v[n - 1].y;
	return bad ? -1 : 1;
}

static int poly_cmds(ctx *c, const GEOSGeometry *g)
{
	int r = ring_cmds(c, GEOSGetExteriorRing_r(c->h, g), true);
	if (r <= 0)
		return r;
	c->npoly++;
	int nh = GEOSGetNumInteriorRings_r(c->h, g);
	for (int i = 0; i < nh; i++)
		if (ring_cmds(c, GEOSGetInteriorRingN_r(c->h, g, i), false) < 0)
			return -1;
	return 1;
}

static int point_cmds(ctx *c, const GEOSGeometry *g)
{
	double x, y;
	if (!GEOSGeomGetX_r(c->h, g, &x) || !GEOSGeomGetY_r(c->h, g, &y))
		return 0;
	pt p = {fl__round_unit((x - c->b[0]) * c->scale), fl__round_unit((c->b[3] - y) * c->scale)};
	int lim = FL__TILE_EXTENT;
	if (p.x < 0 || p.y < 0 || p.x >= lim || p.y >= lim) /* a point in one tile only */
		return 0;
	int bad = push(c->out, 1u | (1u << 3));
	bad |= push(c->out, zigzag(p.x - c->cx)) | push(c->out, zigzag(p.y - c->cy));
	c->cx = p.x;
	c->cy = p.y;
	c->npoly++;
	return bad ? -1 : 1;
}

static int walk(ctx *c, const GEOSGeometry *g)
{
	switch (GEOSGeomTypeId_r(c->h, g)) {
	case GEOS_POLYGON:
		c->type = 3;
		return poly_cmds(c, g) < 0 ? -1 : 0;
	case GEOS_POINT:
		c->type = 1;
		return GEOSisEmpty_r(c->h, g) || point_cmds(c, g) >= 0 ? 0 : -1;
	case GEOS_MULTIPOLYGON:
	case GEOS_MULTIPOINT:
	case GEOS_GEOMETRYCOLLECTION: {
		int n = GEOSGetNumGeometries_r(c->h, g);
		for (int i = 0; i < n; i++)
			if (walk(c, GEOSGetGeometryN_r(c->h, g, i)))
				return -1;
		return 0;
	}
	default: /* lines: no layer has them */
		return 0;
	}
}

int fl__tile_clip(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4],
		  GEOSGeometry **out)
{
	double size = b[2] - b[0], buf = size * FL__TILE_BUFFER / FL__TILE_EXTENT;
	double x0 = b[0] - buf, y0 = b[1] - buf, x1 = b[2] + buf, y1 = b[3] + buf;
	double e[4];
	*out = NULL;
	if (GEOSisEmpty_r(h, g) || !GEOSGeom_getXMin_r(h, g, &e[0]) ||
	    !GEOSGeom_getYMin_r(h, g, &e[1]) || !GEOSGeom_getXMax_r(h, g, &e[2]) ||
	    !GEOSGeom_getYMax_r(h, g, &e[3]))
		return 0;
	if (e[2] < x0 || e[0] > x1 || e[3] < y0 || e[1] > y1)
		return 0;
	if (e[0] >= x0 && e[2] <= x1 && e[1] >= y0 && e[3] <= y1)
		return 1;
	if (!(*out = GEOSClipByRect_r(h, g, x0, y0, x1, y1)))
		return -1;
	if (GEOSisEmpty_r(h, *out)) {
		GEOSGeom_destroy_r(h, *out);
		*out = NULL;
		return 0;
	}
	return 1;
}

static int hot_coords(ctx *c, fl__hot *hs, const GEOSGeometry *g)
{
	int type = GEOSGeomTypeId_r(c->h, g);
	if (type == GEOS_LINEARRING || type == GEOS_LINESTRING || type == GEOS_POINT) {
		unsigned int n = 0;
		double *xy = ring_units(c, g, &n);
		int bad = !xy;
		for (size_t i = 0; !bad && i < n; i++)
			bad = fl__hot_add(hs, fl__round_unit(xy[2 * i]), fl__round_unit(xy[2 * i + 1]));
		free(xy);
		return bad ? -1 : 0;
	}
	if (type == GEOS_POLYGON) {
		if (hot_coords(c, hs, GEOSGetExteriorRing_r(c->h, g)))
			return -1;
		int nh = GEOSGetNumInteriorRings_r(c->h, g);
		for (int i = 0; i < nh; i++)
			if (hot_coords(c, hs, GEOSGetInteriorRingN_r(c->h, g, i)))
				return -1;
		return 0;
	}
	int n = GEOSGetNumGeometries_r(c->h, g);
	for (int i = 0; i < n; i++)
		if (hot_coords(c, hs, GEOSGetGeometryN_r(c->h, g, i)))
			return -1;
	return 0;
}

int fl__tile_hot(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4], fl__hot *hs)
{
	ctx c = {.h = h, .b = b, .scale = FL__TILE_EXTENT / (b[2] - b[0])};
	return hot_coords(&c, hs, g);
}

int fl__tile_geom(GEOSContextHandle_t h, const GEOSGeometry *g, const double b[4],
		  const fl__hot *hs, fl__u32s *out, int *type)
{
	ctx c = {.h = h, .b = b, .scale = FL__TILE_EXTENT / (b[2] - b[0]), .hot = hs, .out = out};
	size_t n0 = out->n;
	int r = walk(&c, g);
	free(c.pts.v);
	if (r)
		return -1;
	*type = c.type;
	if (!c.npoly) {
		out->n = n0;
		return 0;
	}
	return 1;
}
