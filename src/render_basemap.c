/*
 * render_basemap.c: the base map under a map: the sea, land, countries,
 * first-order divisions, lakes and rivers of the shipped Natural Earth cut
 * (geodata/basemap), or every layer of any GDAL vector source, read through
 * a spatial filter on the frame and clipped to it; and the populated places
 * that render_labels.c names.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include "gdal_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fail.h"
#include "gdal_open.h"
#include "geo.h"
#include "render_basemap.h"
#include "util.h"

/* How a layer is drawn. */
enum { ST_ANY, ST_LAND, ST_COUNTRY, ST_ADMIN1, ST_LAKE, ST_RIVER };

/* The shipped layout, in drawing order. */
static const struct {
	const char *file;
	int style;
} SHIPPED[] = {{"land.fgb", ST_LAND},     {"countries.fgb", ST_COUNTRY},
	       {"admin1.fgb", ST_ADMIN1}, {"lakes.fgb", ST_LAKE},
	       {"rivers.fgb", ST_RIVER}};
#define NSHIPPED (sizeof SHIPPED / sizeof SHIPPED[0])

typedef struct bm_layer {
	int style;
	GEOSGeometry **g; /* longitude/latitude, clipped to the frame */
	size_t n, cap;
} bm_layer;

struct fl__basemap {
	GEOSContextHandle_t h;
	bool shipped;
	bm_layer *layers;
	size_t nlayers;
	fl__place *places;
	size_t nplaces, capplaces;
};

/* Colours: the sea and lakes, land and countries, borders, rivers. */
#define SEA 0.831, 0.894, 0.941 /* #d4e4f0 */
#define LAND 0.949, 0.937, 0.902
#define COUNTRY 0.937, 0.918, 0.871 /* #efeade */
#define BORDER 0.659, 0.639, 0.604
#define ADMIN1 0.800, 0.780, 0.737
#define LAKE_EDGE 0.663, 0.761, 0.847
#define RIVER 0.616, 0.733, 0.839
#define ANY_FILL 0.902, 0.890, 0.855 /* #e6e3da */
#define ANY_LINE 0.498, 0.576, 0.659
#define PLAIN 0.96, 0.97, 0.98 /* the background without the shipped base map */

void fl__basemap_frame(const fl__canvas *c, double fr[4])
{
	double x0 = 180, y0 = 90, x1 = -180, y1 = -90;
	bool ok = true;
	for (int i = 0; i <= 64 && ok; i++) {
		/* 17 points along each edge of the canvas, back to longitude/latitude */
		int e = i / 17, k = i % 17;
		double px = e == 0 || e == 2 ? c->w * k / 16.0 : e == 1 ? 0 : c->w;
		double py = e == 1 || e == 3 ? c->h * k / 16.0 : e == 0 ? 0 : c->h;
		if (i == 64)
			px = c->w / 2.0, py = c->h / 2.0;
		PJ_COORD p = proj_trans(c->pj, PJ_INV,
					proj_coord((px - c->w / 2.0) / c->scale, (c->h / 2.0 - py) / c->scale, 0, 0));
		ok = isfinite(p.lp.lam) && isfinite(p.lp.phi) && fabs(p.lp.lam) <= 180 && fabs(p.lp.phi) <= 90;
		x0 = fmin(x0, p.lp.lam), x1 = fmax(x1, p.lp.lam);
		y0 = fmin(y0, p.lp.phi), y1 = fmax(y1, p.lp.phi);
	}
	if (!ok || x1 - x0 > 180) { /* the frame reaches past the globe's edge: all of it */
		fr[0] = -180, fr[1] = -90, fr[2] = 180, fr[3] = 90;
		return;
	}
	double mx = (x1 - x0) * 0.02, my = (y1 - y0) * 0.02;
	fr[0] = fmax(-180, x0 - mx), fr[1] = fmax(-90, y0 - my);
	fr[2] = fmin(180, x1 + mx), fr[3] = fmin(90, y1 + my);
}

static fl_status push_geom(bm_layer *l, GEOSGeometry *g)
{
	GEOSGeometry **ng = fl__grow(l->g, &l->cap, l->n + 1, sizeof *ng);
	if (!ng)
		return fl__fail(FL_ENOMEM, "out of memory");
	l->g = ng;
	l->g[l->n++] = g;
	return FL_OK;
}

/* A feature's geometry in GEOS, in longitude/latitude, clipped to fr
 * (NULL when nothing of it is in the frame). */
static GEOSGeometry *feature_geom(GEOSContextHandle_t h, OGRGeometryH og, OGRCoordinateTransformationH ct,
				  const double fr[4])
{
	if (!og || OGR_G_IsEmpty(og))
		return NULL;
	OGR_G_FlattenTo2D(og);
	if (ct && OGR_G_Transform(og, ct) != OGRERR_NONE)
		return NULL;
	int len = OGR_G_WkbSize(og);
	unsigned char *wkb = len > 0 ? malloc((size_t)len) : NULL;
	GEOSGeometry *g = NULL;
	if (wkb && OGR_G_ExportToIsoWkb(og, wkbNDR, wkb) == OGRERR_NONE)
		g = fl__geos_from_wkb(h, wkb, (size_t)len);
	free(wkb);
	if (!g)
		return NULL;
	/* only what the frame shows: a country's whole outline costs at every draw */
	GEOSGeometry *cut = GEOSClipByRect_r(h, g, fr[0], fr[1], fr[2], fr[3]);
	if (cut) {
		GEOSGeom_destroy_r(h, g);
		g = cut;
	}
	if (GEOSisEmpty_r(h, g) != 0) {
		GEOSGeom_destroy_r(h, g);
		return NULL;
	}
	return g;
}

static fl_status read_layer(fl__basemap *bm, OGRLayerH l, int style, const double fr[4])
{
	bm_layer *nl = realloc(bm->layers, (bm->nlayers + 1) * sizeof *nl);
	if (!nl)
		return fl__fail(FL_ENOMEM, "out of memory");
	bm->layers = nl;
	bm_layer *ly = &bm->layers[bm->nlayers++];
	memset(ly, 0, sizeof *ly);
	ly->style = style;
	OGRCoordinateTransformationH ct = fl__layer_to_lonlat(l, NULL);
	/* the filter is in the layer's CRS: longitude/latitude only */
	if (!ct)
		OGR_L_SetSpatialFilterRect(l, fr[0], fr[1], fr[2], fr[3]);
	OGR_L_ResetReading(l);
	OGRFeatureH f;
	fl_status st = FL_OK;
	while (!st && (f = OGR_L_GetNextFeature(l))) {
		GEOSGeometry *g = feature_geom(bm->h, OGR_F_GetGeometryRef(f), ct, fr);
		if (g && (st = push_geom(ly, g)))
			GEOSGeom_destroy_r(bm->h, g);
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	return st;
}

static GDALDatasetH open_vector(const char *param, const char *path, fl_status *st)
{
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds) {
		char why[512];
		*st = fl__fail(FL_EARG, "`%s` %s: GDAL cannot read it: %s", param, path,
			       fl__gdal_open_reason(path, why, sizeof why));
	}
	return ds;
}

/* Every layer of a GDAL source, or the shipped layout's files in order. */
static fl_status load_layers(fl__basemap *bm, const char *path, const double fr[4])
{
	struct stat sb;
	char *probe = fl__printf("%s/countries.fgb", path);
	if (!probe)
		return fl__fail(FL_ENOMEM, "out of memory");
	bm->shipped = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && stat(probe, &sb) == 0;
	free(probe);
	fl_status st = FL_OK;
	for (size_t i = 0; bm->shipped && i < NSHIPPED && !st; i++) {
		char *file = fl__printf("%s/%s", path, SHIPPED[i].file);
		if (!file)
			return fl__fail(FL_ENOMEM, "out of memory");
		if (stat(file, &sb) == 0) {
			GDALDatasetH ds = open_vector("basemap", file, &st);
			OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
			if (l)
				st = read_layer(bm, l, SHIPPED[i].style, fr);
			if (ds)
				GDALClose(ds);
		}
		free(file);
	}
	if (bm->shipped)
		return st;
	GDALDatasetH ds = open_vector("basemap", path, &st);
	if (!ds)
		return st;
	int n = GDALDatasetGetLayerCount(ds);
	if (n < 1)
		st = fl__fail(FL_EARG, "`basemap` %s: no layer to draw", path);
	for (int i = 0; i < n && !st; i++)
		st = read_layer(bm, GDALDatasetGetLayer(ds, i), ST_ANY, fr);
	GDALClose(ds);
	return st;
}

static double field_double(OGRFeatureH f, int i, double dflt)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : dflt;
}

static int cmp_place(const void *a, const void *b)
{
	const fl__place *p = a, *q = b;
	if (p->rank1 != q->rank1)
		return p->rank1 < q->rank1 ? -1 : 1;
	if (p->rank2 != q->rank2)
		return p->rank2 < q->rank2 ? -1 : 1;
	if (p->pop != q->pop)
		return p->pop > q->pop ? -1 : 1;
	return strcmp(p->name, q->name);
}

static fl_status read_places(fl__basemap *bm, OGRLayerH l, const char *path, const double fr[4])
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
	int name = OGR_FD_GetFieldIndex(d, "NAME");
	if (name < 0)
		name = OGR_FD_GetFieldIndex(d, "NAME_EN");
	if (name < 0)
		return fl__fail(FL_EARG, "`places` %s: no NAME field (the place names)", path);
	int r1 = OGR_FD_GetFieldIndex(d, "SCALERANK"), r2 = OGR_FD_GetFieldIndex(d, "LABELRANK"),
	    pop = OGR_FD_GetFieldIndex(d, "POP_MAX");
	OGRCoordinateTransformationH ct = fl__layer_to_lonlat(l, NULL);
	if (!ct)
		OGR_L_SetSpatialFilterRect(l, fr[0], fr[1], fr[2], fr[3]);
	OGR_L_ResetReading(l);
	OGRFeatureH f;
	fl_status st = FL_OK;
	while (!st && (f = OGR_L_GetNextFeature(l))) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		const char *s = OGR_F_GetFieldAsString(f, name);
		if (g && s && *s && OGR_GT_Flatten(OGR_G_GetGeometryType(g)) == wkbPoint &&
		    (!ct || OGR_G_Transform(g, ct) == OGRERR_NONE)) {
			double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
			fl__place *np = NULL;
			if (x >= fr[0] && x <= fr[2] && y >= fr[1] && y <= fr[3]) {
				np = fl__grow(bm->places, &bm->capplaces, bm->nplaces + 1, sizeof *np);
				char *dup = np ? fl__strdup(s) : NULL;
				if (np)
					bm->places = np;
				if (!dup)
					st = fl__fail(FL_ENOMEM, "out of memory");
				else
					bm->places[bm->nplaces++] =
						(fl__place){x, y, field_double(f, r1, 10), field_double(f, r2, 10),
							    field_double(f, pop, 0), dup};
			}
		}
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	if (!st && bm->nplaces)
		qsort(bm->places, bm->nplaces, sizeof *bm->places, cmp_place);
	return st;
}

fl_status fl__basemap_load(const char *path, const char *places, bool with_places, const double fr[4],
			   fl__basemap **out)
{
	*out = NULL;
	if (!with_places)
		places = NULL;
	if (!path && !places)
		return FL_OK;
	fl_status st = fl__gdal_ready();
	if (st)
		return st;
	fl__basemap *bm = calloc(1, sizeof *bm);
	if (!bm || !(bm->h = fl__geos_new())) {
		free(bm);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	if (path)
		st = load_layers(bm, path, fr);
	char *shipped_places = NULL;
	if (!st && with_places && !places && bm->shipped) {
		struct stat sb;
		shipped_places = fl__printf("%s/places.fgb", path);
		if (shipped_places && stat(shipped_places, &sb) == 0)
			places = shipped_places;
	}
	if (!st && places) {
		GDALDatasetH ds = open_vector("places", places, &st);
		OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
		if (ds && !l)
			st = fl__fail(FL_EARG, "`places` %s: no layer", places);
		if (l)
			st = read_places(bm, l, places, fr);
		if (ds)
			GDALClose(ds);
	}
	free(shipped_places);
	if (st) {
		fl__basemap_free(bm);
		return st;
	}
	*out = bm;
	return FL_OK;
}

fl_status fl__basemap_open(const fl__canvas *c, const fl_render_opts *o, fl__basemap **out)
{
	double frame[4];
	fl__basemap_frame(c, frame);
	return fl__basemap_load(o->basemap, o->places, o->labels, frame, out);
}

const fl__place *fl__basemap_places(const fl__basemap *bm, size_t *n)
{
	*n = bm ? bm->nplaces : 0;
	return bm ? bm->places : NULL;
}

void fl__basemap_free(fl__basemap *bm)
{
	if (!bm)
		return;
	for (size_t i = 0; i < bm->nlayers; i++) {
		for (size_t k = 0; k < bm->layers[i].n; k++)
			GEOSGeom_destroy_r(bm->h, bm->layers[i].g[k]);
		free(bm->layers[i].g);
	}
	free(bm->layers);
	for (size_t i = 0; i < bm->nplaces; i++)
		free(bm->places[i].name);
	free(bm->places);
	GEOS_finish_r(bm->h);
	free(bm);
}

/* ------------------------------------------------------------- drawing */
/* The path of g's polygons (areas) or of its lines (lines), points never. */
static void path_of(fl__canvas *c, GEOSContextHandle_t h, const GEOSGeometry *g, bool areas)
{
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON && areas)
		fl__path_geom(c, h, g);
	else if ((type == GEOS_LINESTRING || type == GEOS_LINEARRING) && !areas)
		fl__path_line(c, h, g);
	else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION)
		for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
			path_of(c, h, GEOSGetGeometryN_r(h, g, i), areas);
}

static void draw_layer(fl__canvas *c, GEOSContextHandle_t h, const bm_layer *l)
{
	cairo_t *cr = c->cr;
	double lw = fmax(0.6, c->w / 1600.0);
	/* areas: each feature filled on its own (even-odd within it) */
	if (l->style != ST_RIVER && l->style != ST_ADMIN1)
		for (size_t i = 0; i < l->n; i++) {
			cairo_new_path(cr);
			path_of(c, h, l->g[i], true);
			if (l->style == ST_LAND)
				cairo_set_source_rgb(cr, LAND);
			else if (l->style == ST_COUNTRY)
				cairo_set_source_rgb(cr, COUNTRY);
			else if (l->style == ST_LAKE)
				cairo_set_source_rgb(cr, SEA);
			else
				cairo_set_source_rgb(cr, ANY_FILL);
			cairo_fill(cr);
		}
	/* then the outlines and lines over them, in one stroke */
	cairo_new_path(cr);
	for (size_t i = 0; i < l->n; i++) {
		if (l->style != ST_LAND && l->style != ST_RIVER)
			fl__path_geom(c, h, l->g[i]);
		if (l->style == ST_RIVER || l->style == ST_ANY)
			path_of(c, h, l->g[i], false);
	}
	switch (l->style) {
	case ST_LAND: cairo_new_path(cr); return;
	case ST_COUNTRY: cairo_set_source_rgb(cr, BORDER); break;
	case ST_ADMIN1: cairo_set_source_rgb(cr, ADMIN1); lw *= 0.7; break;
	case ST_LAKE: cairo_set_source_rgb(cr, LAKE_EDGE); lw *= 0.7; break;
	case ST_RIVER: cairo_set_source_rgb(cr, RIVER); break;
	default: cairo_set_source_rgb(cr, ANY_LINE); break;
	}
	cairo_set_line_width(cr, lw);
	cairo_stroke(cr);
}

void fl__basemap_draw(fl__canvas *c, const fl__basemap *bm)
{
	cairo_t *cr = c->cr;
	if (bm && bm->shipped)
		cairo_set_source_rgb(cr, SEA);
	else
		cairo_set_source_rgb(cr, PLAIN);
	cairo_paint(cr);
	if (!bm)
		return;
	cairo_save(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	for (size_t i = 0; i < bm->nlayers; i++)
		draw_layer(c, bm->h, &bm->layers[i]);
	cairo_restore(cr);
}
