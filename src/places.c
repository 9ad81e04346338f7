/*
 * places.c: a GDAL point layer read as places, each located once in the
 * tracker's atoms (frontline/places.h).
 *
 * Every point is read (in WGS 84 lon/lat), with its layer's fields kept as
 * text; then an STRtree over the atoms' envelopes gives each point its
 * candidate atoms, and the first of them (in the tracker's order) whose
 * prepared geometry covers the point is its atom: a point on a boundary
 * shared by atoms goes to the first, a point on the outer edge is inside.
 * Atoms are prepared when a point first falls in their envelope.  A CSV's
 * points are its lon/lat (or x/y) columns.
 */
#include "gdal_load.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "fail.h"
#include "gdal_open.h"
#include "geojson.h"
#include "places_priv.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"

/* The fields fl_places_write adds and the most a sink holds: a layer keeps
 * at most this many of its own. */
#define MAX_OWN_FIELDS (FL__GJ_MAX_FIELDS - 8)

void fl_places_free(fl_places *p)
{
	if (!p)
		return;
	free(p->path);
	free(p->v);
	free(p->atom);
	free(p->fields);
	free(p->vals);
	fl__pool_free(&p->pool);
	free(p);
}

const char *fl_places_path(const fl_places *p)
{
	return p ? p->path : NULL;
}

size_t fl_places_count(const fl_places *p)
{
	return p ? p->n : 0;
}

const fl_place *fl_places_at(const fl_places *p, size_t i)
{
	return p && i < p->n ? &p->v[i] : NULL;
}

size_t fl_places_field_count(const fl_places *p)
{
	return p ? p->nfields : 0;
}

const char *fl_places_field_name(const fl_places *p, size_t j)
{
	return p && j < p->nfields ? p->fields[j].name : NULL;
}

const char *fl_places_value(const fl_places *p, size_t i, size_t j)
{
	return p && i < p->n && j < p->nfields ? p->vals[i * p->nfields + j] : NULL;
}

char *fl_tracker_places_path(const fl_tracker *t)
{
	struct stat st;
	if (!t || !t->path || stat(t->path, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	char *path = fl__printf("%s/places.geojson", t->path);
	if (path && (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
		free(path);
		path = NULL;
	}
	return path;
}

/* ---------------------------------------------------------------- reading */

/* The type a field of the layer is written back as: integers and reals as
 * numbers, booleans as booleans, anything else (dates, lists) as its text. */
static fl__ftype own_type(OGRFieldDefnH fd)
{
	switch (OGR_Fld_GetType(fd)) {
	case OFTInteger:
		return OGR_Fld_GetSubType(fd) == OFSTBoolean ? FL__BOOL : FL__INT;
	case OFTInteger64: return FL__INT;
	case OFTReal: return FL__REAL;
	default: return FL__STR;
	}
}

static fl_status read_fields(fl_places *p, OGRLayerH l)
{
	OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
	int nf = OGR_FD_GetFieldCount(fd);
	if (nf > MAX_OWN_FIELDS)
		return fl__fail(FL_EINPUT, "places file %s: %d fields, at most %d are kept", p->path, nf,
				MAX_OWN_FIELDS);
	p->nfields = (size_t)nf;
	p->fields = calloc(p->nfields + 1, sizeof *p->fields);
	if (!p->fields)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (int j = 0; j < nf; j++) {
		OGRFieldDefnH f = OGR_FD_GetFieldDefn(fd, j);
		p->fields[j].name = fl__pool_str(&p->pool, OGR_Fld_GetNameRef(f));
		p->fields[j].type = own_type(f);
		if (!p->fields[j].name)
			return fl__fail(FL_ENOMEM, "out of memory");
	}
	return FL_OK;
}

/* Feature f as place i: its point (refusals name the file and feature)
 * and its fields' values. */
static fl_status read_place(fl_places *p, OGRFeatureH f, OGRCoordinateTransformationH ct, int no_crs,
			    size_t i)
{
	long long fid = (long long)OGR_F_GetFID(f);
	fl_place *pl = &p->v[i];
	pl->fid = fid;
	pl->region = FL_NONE;
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	if (!g || OGR_G_IsEmpty(g))
		return fl__fail(FL_EINPUT, "places file %s: feature %lld has no point", p->path, fid);
	OGRwkbGeometryType gt = OGR_GT_Flatten(OGR_G_GetGeometryType(g));
	if (gt != wkbPoint)
		return fl__fail(FL_EINPUT, "places file %s: feature %lld is a %s, not a point", p->path,
				fid, OGRGeometryTypeToName(gt));
	OGRGeometryH c = OGR_G_Clone(g);
	fl_status st = FL_OK;
	if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
		st = fl__fail(FL_EINPUT, "places file %s: feature %lld: cannot transform it to WGS 84",
			      p->path, fid);
	pl->lon = OGR_G_GetX(c, 0);
	pl->lat = OGR_G_GetY(c, 0);
	OGR_G_DestroyGeometry(c);
	if (!st && no_crs && (pl->lon < -180 || pl->lon > 180 || pl->lat < -90 || pl->lat > 90))
		st = fl__fail(FL_EINPUT,
			      "places file %s: the layer has no CRS and feature %lld (%g, %g) is not a "
			      "longitude/latitude: give the layer its CRS",
			      p->path, fid, pl->lon, pl->lat);
	for (size_t j = 0; !st && j < p->nfields; j++) {
		const char **v = &p->vals[i * p->nfields + j];
		*v = NULL;
		if (OGR_F_IsFieldSetAndNotNull(f, (int)j) &&
		    !(*v = fl__pool_str(&p->pool, OGR_F_GetFieldAsString(f, (int)j))))
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	return st;
}

static fl_status read_layer(fl_places *p, OGRLayerH l)
{
	OGRwkbGeometryType lt = OGR_GT_Flatten(OGR_L_GetGeomType(l));
	if (lt != wkbPoint && lt != wkbUnknown)
		return fl__fail(FL_EINPUT, "places file %s: layer '%s' is of %s, not of points%s", p->path,
				OGR_L_GetName(l), lt == wkbNone ? "no geometry" : OGRGeometryTypeToName(lt),
				lt == wkbNone ? " (a CSV needs columns lon and lat, or x and y)" : "");
	fl_status st = read_fields(p, l);
	if (st)
		return st;
	int name = -1;
	for (size_t j = 0; j < p->nfields && name < 0; j++)
		if (!strcasecmp(p->fields[j].name, "name"))
			name = (int)j;
	int no_crs = 0;
	OGRCoordinateTransformationH ct = fl__layer_to_lonlat(l, &no_crs);
	size_t cap = 0, vcap = 0;
	OGRFeatureH f;
	OGR_L_ResetReading(l);
	while (!st && (f = OGR_L_GetNextFeature(l))) {
		fl_place *nv = fl__grow(p->v, &cap, p->n + 1, sizeof *nv);
		const char **nvals = nv ? fl__grow(p->vals, &vcap, (p->n + 1) * p->nfields + 1, sizeof *nvals)
					: NULL;
		if (nv)
			p->v = nv;
		if (nvals)
			p->vals = nvals;
		if (!nv || !nvals)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else
			memset(&p->v[p->n], 0, sizeof *p->v);
		if (!st && !(st = read_place(p, f, ct, no_crs, p->n))) {
			p->v[p->n].name = name >= 0 ? p->vals[p->n * p->nfields + (size_t)name] : NULL;
			p->n++;
		}
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	return st;
}

/* ---------------------------------------------------------------- locating */

typedef struct cands {
	size_t *v, n, cap;
	int oom;
} cands;

static void collect(void *item, void *data)
{
	cands *c = data;
	size_t *nv = fl__grow(c->v, &c->cap, c->n + 1, sizeof *nv);
	if (!nv) {
		c->oom = 1;
		return;
	}
	c->v = nv;
	c->v[c->n++] = *(const size_t *)item;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* The first of the candidate atoms c that covers pt, or FL_NONE. */
static int first_cover(const fl_tracker *t, const GEOSPreparedGeometry **prep, cands *c,
		       const GEOSGeometry *pt, fl_status *st)
{
	GEOSContextHandle_t h = t->geos;
	if (!c->n)
		return FL_NONE;
	qsort(c->v, c->n, sizeof *c->v, cmp_size);
	for (size_t k = 0; k < c->n; k++) {
		size_t a = c->v[k];
		if (!prep[a] && !(prep[a] = GEOSPrepare_r(h, fl__atom_geom(t, a)))) {
			*st = fl__fail(FL_EGEOM, "cannot prepare atom %zu", a);
			return FL_NONE;
		}
		if (GEOSPreparedCovers_r(h, prep[a], pt) == 1)
			return (int)a;
	}
	return FL_NONE;
}

static fl_status locate(fl_places *p)
{
	const fl_tracker *t = p->t;
	GEOSContextHandle_t h = t->geos;
	p->atom = malloc((p->n + 1) * sizeof *p->atom);
	const GEOSPreparedGeometry **prep = calloc(t->natoms + 1, sizeof *prep);
	size_t *ids = malloc((t->natoms + 1) * sizeof *ids); /* the tree's items: atom indices */
	GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
	fl_status st = p->atom && prep && ids && tree ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t a = 0; !st && a < t->natoms; a++) {
		const GEOSGeometry *g = fl__atom_geom(t, a);
		ids[a] = a;
		if (!g)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else
			GEOSSTRtree_insert_r(h, tree, g, &ids[a]);
	}
	cands c = {0};
	for (size_t i = 0; !st && i < p->n; i++) {
		GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p->v[i].lon, p->v[i].lat);
		if (!pt) {
			st = fl__fail(FL_EGEOM, "cannot make the point of feature %lld", p->v[i].fid);
			break;
		}
		c.n = 0;
		if (t->natoms)
			GEOSSTRtree_query_r(h, tree, pt, collect, &c);
		if (c.oom)
			st = fl__fail(FL_ENOMEM, "out of memory");
		int a = st ? FL_NONE : first_cover(t, prep, &c, pt, &st);
		GEOSGeom_destroy_r(h, pt);
		p->atom[i] = a;
		p->v[i].inside = a != FL_NONE;
		p->v[i].region = a != FL_NONE ? t->atoms[a].region : FL_NONE;
	}
	free(c.v);
	for (size_t a = 0; prep && a < t->natoms; a++)
		if (prep[a])
			GEOSPreparedGeom_destroy_r(h, prep[a]);
	free(prep);
	if (tree)
		GEOSSTRtree_destroy_r(h, tree);
	free(ids);
	return st;
}

fl_status fl_places_open(const fl_tracker *t, const char *path, const char *layer,
			 fl_places **out)
{
	if (!t || !path || !out)
		return fl__fail(FL_EARG, "fl_places_open: NULL argument");
	*out = NULL;
	fl_status st = fl__gdal_ready();
	if (st)
		return st;
	CPLErrorReset();
	/* a CSV's points: its lon/lat (or x/y) columns, taken as WGS 84 (below);
	 * its numbers as numbers */
	static const char *const csv_xy[] = {"X_POSSIBLE_NAMES=lon,longitude,lng,x",
					     "Y_POSSIBLE_NAMES=lat,latitude,y", "KEEP_GEOM_COLUMNS=NO",
					     "AUTODETECT_TYPE=YES", NULL};
	size_t plen = strlen(path);
	bool csv = plen > 4 && !strcasecmp(path + plen - 4, ".csv");
	const char *const csv_driver[] = {"CSV", NULL};
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, csv ? csv_driver : NULL,
				     csv ? csv_xy : NULL, NULL);
	if (!ds) {
		char reason[512];
		return fl__fail(FL_ENOTFOUND, "places file %s: GDAL cannot read it: %s", path,
				fl__gdal_open_reason(path, reason, sizeof reason));
	}
	OGRLayerH l = layer ? GDALDatasetGetLayerByName(ds, layer)
			    : GDALDatasetGetLayerCount(ds) ? GDALDatasetGetLayer(ds, 0) : NULL;
	fl_places *p = calloc(1, sizeof *p);
	if (!p || !(p->path = fl__strdup(path)))
		st = fl__fail(FL_ENOMEM, "out of memory");
	else if (!l)
		st = layer ? fl__fail(FL_EARG, "places file %s has no layer '%s'", path, layer)
			   : fl__fail(FL_EINPUT, "places file %s has no layer", path);
	if (!st) {
		p->t = t;
		st = read_layer(p, l);
	}
	GDALClose(ds);
	if (!st)
		st = locate(p);
	return FL__HAND_OVER(st, p, fl_places_free, out);
}
