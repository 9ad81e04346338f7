/*
 * tiles_meta.c: the zoom levels of a tile set chosen from the data, and its
 * description (TileJSON members with the vector layers and their fields).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fail.h"
#include "geojson.h"
#include "shapes.h"
#include "tiles_priv.h"
#include "tracker_priv.h"
#include "util.h"

/* What fl_tiles_zooms() measures of the regions (Web Mercator metres). */
typedef struct measure {
	double *len;       /* edge lengths (every step-th edge) */
	size_t n, cap, step, seen;
	double smallest;   /* the longer side of the smallest region's envelope */
	double box[4];     /* the regions' envelope, lon/lat */
} measure;

static void ring_edges(measure *m, GEOSContextHandle_t h, const GEOSGeometry *r)
{
	const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, r);
	unsigned int n = 0;
	if (!s || !GEOSCoordSeq_getSize_r(h, s, &n) || n < 2)
		return;
	double px = 0, py = 0;
	for (unsigned int i = 0; i < n; i++) {
		double lon, lat, x, y;
		if (!GEOSCoordSeq_getXY_r(h, s, i, &lon, &lat))
			return;
		fl__merc(lon, lat, &x, &y);
		if (i && m->seen++ % m->step == 0) {
			double *nv = fl__grow(m->len, &m->cap, m->n + 1, sizeof *nv);
			if (!nv)
				return;
			m->len = nv;
			m->len[m->n++] = hypot(x - px, y - py);
		}
		px = x, py = y;
	}
}

static void geom_edges(measure *m, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON) {
		ring_edges(m, h, GEOSGetExteriorRing_r(h, g));
		int nh = GEOSGetNumInteriorRings_r(h, g);
		for (int i = 0; i < nh; i++)
			ring_edges(m, h, GEOSGetInteriorRingN_r(h, g, i));
	} else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(h, g);
		for (int i = 0; i < n; i++)
			geom_edges(m, h, GEOSGetGeometryN_r(h, g, i));
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Shape i of the tracker: its regions, or its atoms when it has no
 * regions (a tracker of areas alone, such as an import-series). */
static const GEOSGeometry *shape_at(const fl_tracker *t, size_t i)
{
	return t->nregions ? fl__region_geom(t, i) : fl__atom_geom(t, i);
}

/* The regions (or atoms) measured; false when none has a geometry. */
static bool measure_regions(const fl_tracker *t, measure *m, bool edges)
{
	size_t verts = 0, n = t->nregions ? t->nregions : t->natoms;
	for (size_t r = 0; edges && r < n; r++) {
		const GEOSGeometry *g = shape_at(t, r);
		int nc = g ? GEOSGetNumCoordinates_r(t->geos, g) : 0;
		verts += nc > 0 ? (size_t)nc : 0;
	}
	m->step = verts / 200000 + 1; /* at most about 200,000 edges measured */
	m->smallest = INFINITY;
	bool any = false;
	for (size_t r = 0; r < n; r++) {
		const GEOSGeometry *g = shape_at(t, r);
		double e[4], a[2], b[2];
		if (!g || GEOSisEmpty_r(t->geos, g) || !GEOSGeom_getXMin_r(t->geos, g, &e[0]) ||
		    !GEOSGeom_getYMin_r(t->geos, g, &e[1]) || !GEOSGeom_getXMax_r(t->geos, g, &e[2]) ||
		    !GEOSGeom_getYMax_r(t->geos, g, &e[3]))
			continue;
		for (int k = 0; k < 4; k++)
			if (!any || (k < 2 ? e[k] < m->box[k] : e[k] > m->box[k]))
				m->box[k] = e[k];
		any = true;
		fl__merc(e[0], e[1], &a[0], &a[1]);
		fl__merc(e[2], e[3], &b[0], &b[1]);
		double side = fmax(b[0] - a[0], b[1] - a[1]);
		if (t->nregions && side > 0 && side < m->smallest)
			m->smallest = side;
		if (edges)
			geom_edges(m, t->geos, g);
	}
	return any;
}

bool fl__tiles_bounds(const fl_tracker *t, double box[4])
{
	measure m = {0};
	bool any = measure_regions(t, &m, false);
	for (int k = 0; k < 4; k++)
		box[k] = m.box[k];
	return any;
}

long fl__places_field(const fl_places *p, const char *name)
{
	size_t n = fl_places_field_count(p);
	for (size_t j = 0; j < n; j++)
		if (!strcasecmp(fl_places_field_name(p, j), name))
			return (long)j;
	return -1;
}

/* The first zoom at which a length of `len` metres spans `units` of a tile's
 * 4096. */
static int zoom_for(double len, double units)
{
	if (!(len > 0) || !isfinite(len))
		return 0;
	double z = ceil(log2(2 * FL__MERC_HALF * units / (FL__TILE_EXTENT * len)));
	return z < 0 ? 0 : z > FL_TILES_MAX_ZOOM ? FL_TILES_MAX_ZOOM : (int)z;
}

fl_status fl_tiles_zooms(const fl_tracker *t, const fl_tile_opts *opts, int *minzoom,
			 int *maxzoom)
{
	if (!t || !minzoom || !maxzoom)
		return fl__fail(FL_EARG, "fl_tiles_zooms: NULL argument");
	int lo = opts ? opts->minzoom : 0, hi = opts ? opts->maxzoom : 0;
	if (lo < 0 || hi < 0 || lo > FL_TILES_LIMIT_ZOOM || hi > FL_TILES_LIMIT_ZOOM)
		return fl__fail(FL_EARG, "minzoom %d, maxzoom %d: expected 0 to %d", lo, hi,
				FL_TILES_LIMIT_ZOOM);
	if (lo > hi)
		return fl__fail(FL_EARG, "minzoom %d is above maxzoom %d", lo, hi);
	if (hi == 0 && lo == 0) {
		measure m = {0};
		int z = 0;
		if (measure_regions(t, &m, true)) {
			double med = 0;
			if (m.n) {
				qsort(m.len, m.n, sizeof *m.len, cmp_double);
				med = m.len[m.n / 2];
			}
			int zd = zoom_for(med, 1), zs = zoom_for(m.smallest, FL__TILE_EXTENT / 16.0);
			z = zd > zs ? zd : zs;
		}
		free(m.len);
		hi = z;
	}
	*minzoom = lo;
	*maxzoom = hi;
	return FL_OK;
}

/* ------------------------------------------------------------ metadata */
static void key(fl__gj_text *b, const char *k)
{
	fl__gj_string(b, k, strlen(k), false);
	fl__gj_put(b, ":", 1);
}

static void str_member(fl__gj_text *b, const char *k, const char *v)
{
	key(b, k);
	fl__gj_string(b, v, strlen(v), false);
}

static void fields(fl__gj_text *b, const char *const *f)
{
	fl__gj_put(b, "\"fields\":{", 10);
	for (size_t i = 0; f[i]; i += 2) {
		if (i)
			fl__gj_put(b, ",", 1);
		str_member(b, f[i], f[i + 1]);
	}
	fl__gj_put(b, "}", 1);
}

static void layer(fl__gj_text *b, const char *id, const char *desc, int lo, int hi,
		  const char *const *f)
{
	char z[64];
	fl__gj_put(b, "{", 1);
	str_member(b, "id", id);
	fl__gj_put(b, ",", 1);
	str_member(b, "description", desc);
	snprintf(z, sizeof z, ",\"minzoom\":%d,\"maxzoom\":%d,", lo, hi);
	fl__gj_put(b, z, strlen(z));
	fields(b, f);
	fl__gj_put(b, "}", 1);
}

static const char *const control_fields[] = {
	"holder", "String", "holder_name", "String", "color", "String", "contested", "String",
	"region", "String", "region_name", "String", "event", "String", "status", "String",
	"kind", "String", "partial", "Boolean", "uncertain", "Boolean", "valid_from", "Number",
	"valid_to", "Number", "valid_from_day", "Number", "valid_to_day", "Number", NULL};
static const char *const zone_fields[] = {
	"id", "String", "name", "String", "actor", "String", "kind", "String",
	"approximate", "Boolean", "valid_from", "Number", "valid_to", "Number",
	"valid_from_day", "Number", "valid_to_day", "Number", NULL};

/* The fields of the places layer (tiles.h): pop_max and scalerank when the
 * places have POP_MAX and SCALERANK; false when the tracker's places
 * cannot be read. */
static bool place_fields(const fl_tracker *t, const char *path, const char **f)
{
	fl_places *p = NULL;
	if (fl_places_open(t, path, NULL, &p))
		return false;
	size_t n = 0;
	f[n++] = "name", f[n++] = "String";
	if (fl__places_field(p, "POP_MAX") >= 0)
		f[n++] = "pop_max", f[n++] = "Number";
	if (fl__places_field(p, "SCALERANK") >= 0)
		f[n++] = "scalerank", f[n++] = "Number";
	f[n++] = "holder", f[n++] = "String";
	f[n++] = "holder_name", f[n++] = "String";
	f[n] = NULL;
	fl_places_free(p);
	return true;
}

/* The tracker's name: its path's last part without the extension. */
static char *tracker_name(const fl_tracker *t)
{
	const char *p = t->path ? t->path : "frontline";
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	const char *s = p + n;
	while (s > p && s[-1] != '/')
		s--;
	char *name = fl__printf("%.*s", (int)(p + n - s), s);
	char *dot = name ? strrchr(name, '.') : NULL;
	if (dot && dot != name)
		*dot = 0;
	return name;
}

char *fl_tiles_metadata_json(const fl_tracker *t, const fl_tile_opts *opts)
{
	int lo, hi;
	if (!t) {
		fl__fail(FL_EARG, "fl_tiles_metadata_json: NULL argument");
		return NULL;
	}
	if (fl_tiles_zooms(t, opts, &lo, &hi))
		return NULL;
	measure m = {0};
	bool any = measure_regions(t, &m, false);
	if (!any)
		m.box[0] = -180, m.box[1] = -85.0511, m.box[2] = 180, m.box[3] = 85.0511;
	fl__gj_text b = {0};
	char *name = tracker_name(t), *attr = fl_tracker_attribution(t), num[256];
	fl__gj_put(&b, "{", 1);
	str_member(&b, "name", name ? name : "frontline");
	fl__gj_put(&b, ",", 1);
	str_member(&b, "description", "Territorial control over time (frontline): the whole "
				      "history, each piece with its period");
	if (attr) {
		fl__gj_put(&b, ",", 1);
		str_member(&b, "attribution", attr);
	}
	snprintf(num, sizeof num,
		 ",\"format\":\"pbf\",\"minzoom\":%d,\"maxzoom\":%d,\"bounds\":[%.7f,%.7f,%.7f,"
		 "%.7f],\"center\":[%.7f,%.7f,%d],\"vector_layers\":[",
		 lo, hi, m.box[0], m.box[1], m.box[2], m.box[3], (m.box[0] + m.box[2]) / 2,
		 (m.box[1] + m.box[3]) / 2, lo > hi - 2 ? lo : hi - 2);
	fl__gj_put(&b, num, strlen(num));
	layer(&b, "control", "The pieces of territory with their holder and period", lo, hi,
	      control_fields);
	fl__gj_put(&b, ",", 1);
	layer(&b, "zones", "The tracker's zones with their period", lo, hi, zone_fields);
	char *ppath = fl_tracker_places_path(t);
	const char *pf[16];
	bool bad = ppath && !place_fields(t, ppath, pf);
	if (ppath && !bad) {
		fl__gj_put(&b, ",", 1);
		layer(&b, "places", "The tracker's places (holder: in the tiles of a date)", lo, hi, pf);
	}
	fl__gj_put(&b, "]}", 2);
	free(name), free(attr), free(ppath);
	if (bad) {
		free(b.p);
		return NULL;
	}
	if (b.oom) {
		free(b.p);
		fl__fail(FL_ENOMEM, "out of memory");
		return NULL;
	}
	return b.p;
}
