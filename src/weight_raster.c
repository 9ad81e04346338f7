/*
 * weight_raster.c: people from a raster (fl_weight_from_raster): the zonal
 * sum of a GDAL raster band under each atom, computed once per raster and
 * kept (weight_cache.c).
 *
 * The atoms are taken into the raster's pixel space: lon/lat to the
 * raster's CRS with PROJ (vertex by vertex), then through the inverse of
 * its geotransform, so that cell (col, row) is the unit square [col, col+1]
 * x [row, row+1] and any geotransform (rotated ones too) is exact.  The
 * window of cells under the tracker is read in bands of rows, one band per
 * task on fl_threads() threads, each task with its own GDAL handle.  In a
 * band, each atom whose box reaches it is clipped to the band and split by
 * halves of its block of cells: a block the atom covers whole (the clipped
 * area equals the block's) adds the sum of its cells with no more geometry;
 * a block it misses adds nothing; a cell it covers in part adds its value
 * times the share covered.  Geometry work is thus spent on the atoms'
 * boundaries only.  The contributions are added band by band in order, so
 * the sums do not depend on the number of threads.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <proj.h>
#include "gdal_load.h"
#include "fail.h"
#include "gdal_open.h"
#include "geo.h"
#include "parallel.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_cache.h"
#include "weight_priv.h"
#include "frontline/weight_raster.h"

/* An atom in pixel space: its WKB (each task reads it into its own GEOS
 * context) and its box. */
typedef struct patom {
	unsigned char *wkb;
	size_t len;
	double x0, y0, x1, y1;
} patom;

typedef struct hit {
	size_t atom;
	double v;
} hit;

typedef struct job {
	const char *path;
	int band;
	int c0, c1, r0, r1; /* the window of cells read: [c0, c1) x [r0, r1) */
	int rows;           /* rows per band of the window */
	const patom *pa;
	size_t natoms;
	hit **hits;         /* per band */
	size_t *nhits;
	fl_status *st;      /* per band, with its message */
	char **msg;
} job;

/* lon/lat -> the raster's CRS -> pixel space, for GEOSGeom_transformXY */
typedef struct xf {
	PJ *pj;
	double gt[6], det;
} xf;

static int to_pixel(double *x, double *y, void *ud)
{
	const xf *f = ud;
	PJ_COORD c = proj_trans(f->pj, PJ_FWD, proj_coord(*x, *y, 0, 0));
	if (!isfinite(c.xy.x) || !isfinite(c.xy.y) || fabs(c.xy.x) == HUGE_VAL)
		return 0;
	double dx = c.xy.x - f->gt[0], dy = c.xy.y - f->gt[3];
	*x = (f->gt[5] * dx - f->gt[2] * dy) / f->det;
	*y = (f->gt[1] * dy - f->gt[4] * dx) / f->det;
	/* a vertex within a billionth of a cell of a cell's corner is on it
	 * (far below the tracker's 1 cm grid): regions drawn along the cells
	 * then cover them whole, not all but 1e-13 */
	if (fabs(*x - nearbyint(*x)) < 1e-9)
		*x = nearbyint(*x);
	if (fabs(*y - nearbyint(*y)) < 1e-9)
		*y = nearbyint(*y);
	return 1;
}

/* The weight's name: the file's stem, with the band when it is not the first. */
static char *stem(const char *path, int band)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	int n = (int)(dot && dot != b ? (size_t)(dot - b) : strlen(b));
	return band > 1 ? fl__printf("%.*s_b%d", n, b, band) : fl__printf("%.*s", n, b);
}

/* The cells of a band: their values, row by row, and where they lie in the raster. */
typedef struct grid {
	const double *cells;
	size_t stride;
	int ox, oy; /* the column and row of cells[0] */
} grid;

/* The sum of the cells of block [x0, x1) x [y0, y1) (pixel space), into *s. */
static double block_sum(const grid *gr, int x0, int y0, int x1, int y1)
{
	double s = 0;
	for (int y = y0; y < y1; y++) {
		const double *row = gr->cells + (size_t)(y - gr->oy) * gr->stride;
		for (int x = x0; x < x1; x++)
			s += row[x - gr->ox];
	}
	return s;
}

/* The cells of block [x0, x1) x [y0, y1) under g (pixel space, clipped to
 * the block already) added to *acc; false when GEOS fails. */
static bool zonal(GEOSContextHandle_t h, const GEOSGeometry *g, const grid *gr, int x0, int y0, int x1,
		  int y1, double *acc)
{
	double a = 0;
	if (!GEOSArea_r(h, g, &a))
		return false;
	if (a <= 0)
		return true;
	double n = (double)(x1 - x0) * (double)(y1 - y0);
	if (a >= n * (1 - 1e-12)) { /* covered whole: no geometry for its cells */
		*acc += block_sum(gr, x0, y0, x1, y1);
		return true;
	}
	if (n == 1) { /* a boundary cell: its share */
		*acc += a * gr->cells[(size_t)(y0 - gr->oy) * gr->stride + (size_t)(x0 - gr->ox)];
		return true;
	}
	/* halves of the longer side */
	int xm = x1, ym = y1;
	if (x1 - x0 >= y1 - y0)
		xm = x0 + (x1 - x0) / 2;
	else
		ym = y0 + (y1 - y0) / 2;
	const int k[2][4] = {{x0, y0, xm, ym}, {xm < x1 ? xm : x0, ym < y1 ? ym : y0, x1, y1}};
	for (int i = 0; i < 2; i++) {
		GEOSGeometry *c = GEOSClipByRect_r(h, g, k[i][0], k[i][1], k[i][2], k[i][3]);
		bool ok = c && zonal(h, c, gr, k[i][0], k[i][1], k[i][2], k[i][3], acc);
		if (c)
			GEOSGeom_destroy_r(h, c);
		if (!ok)
			return false;
	}
	return true;
}

/* The window's band b: read it, then every atom that reaches it. */
static void band_task(size_t b, void *ctx, GEOSContextHandle_t h)
{
	job *j = ctx;
	int r0 = j->r0 + (int)b * j->rows, r1 = r0 + j->rows < j->r1 ? r0 + j->rows : j->r1;
	int w = j->c1 - j->c0;
	double *cells = malloc((size_t)w * (size_t)(r1 - r0) * sizeof *cells);
	CPLPushErrorHandler(CPLQuietErrorHandler); /* the library never prints */
	GDALDatasetH ds = GDALOpenEx(j->path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
	GDALRasterBandH rb = ds ? GDALGetRasterBand(ds, j->band) : NULL;
	if (!cells || !rb ||
	    GDALRasterIO(rb, GF_Read, j->c0, r0, w, r1 - r0, cells, w, r1 - r0, GDT_Float64, 0, 0) != CE_None) {
		j->st[b] = FL_EIO;
		j->msg[b] = fl__printf("%s: cannot read rows %d to %d: %s", j->path, r0, r1 - 1,
				       cells ? CPLGetLastErrorMsg() : "out of memory");
		goto done;
	}
	int has_nodata = 0;
	double nodata = GDALGetRasterNoDataValue(rb, &has_nodata);
	for (size_t i = 0; i < (size_t)w * (size_t)(r1 - r0); i++)
		if (isnan(cells[i]) || (has_nodata && cells[i] == nodata))
			cells[i] = 0;
	size_t cap = 0;
	for (size_t a = 0; a < j->natoms && !j->st[b]; a++) {
		const patom *p = &j->pa[a];
		if (!p->wkb || p->y1 <= r0 || p->y0 >= r1 || p->x1 <= j->c0 || p->x0 >= j->c1)
			continue;
		int x0 = (int)fmax(floor(p->x0), j->c0), x1 = (int)fmin(ceil(p->x1), j->c1);
		int y0 = (int)fmax(floor(p->y0), r0), y1 = (int)fmin(ceil(p->y1), r1);
		GEOSGeometry *g = fl__geos_from_wkb(h, p->wkb, p->len);
		GEOSGeometry *c = g ? GEOSClipByRect_r(h, g, x0, y0, x1, y1) : NULL;
		double acc = 0;
		grid gr = {cells, (size_t)w, j->c0, r0};
		bool ok = c && zonal(h, c, &gr, x0, y0, x1, y1, &acc);
		if (c)
			GEOSGeom_destroy_r(h, c);
		if (g)
			GEOSGeom_destroy_r(h, g);
		hit *nh = ok && acc != 0 ? fl__grow(j->hits[b], &cap, j->nhits[b] + 1, sizeof *nh) : NULL;
		if (nh) {
			j->hits[b] = nh;
			nh[j->nhits[b]++] = (hit){a, acc};
		} else if (!ok || acc != 0) {
			j->st[b] = ok ? FL_ENOMEM : FL_EGEOM;
			j->msg[b] = fl__printf("%s: atom %zu: %s", j->path, a,
					       ok ? "out of memory" : "GEOS failed to clip it to the cells");
		}
	}
done:
	if (ds)
		GDALClose(ds);
	CPLPopErrorHandler();
	free(cells);
}

/* The atoms in the raster's pixel space into pa, and the box of them all
 * into box (x0, y0, x1, y1). */
static fl_status atoms_to_pixels(const fl_tracker *t, const char *path, GDALDatasetH ds, patom *pa,
				 double box[4])
{
	double gt[6];
	const char *wkt = GDALGetProjectionRef(ds);
	if (!wkt || !*wkt)
		return fl__fail(FL_EINPUT, "%s: the raster has no coordinate reference system", path);
	if (GDALGetGeoTransform(ds, gt) != CE_None)
		return fl__fail(FL_EINPUT, "%s: the raster has no geotransform (it is not georeferenced)", path);
	xf f = {NULL, {gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]}, gt[1] * gt[5] - gt[2] * gt[4]};
	if (f.det == 0)
		return fl__fail(FL_EINPUT, "%s: the raster's geotransform is degenerate", path);
	PJ_CONTEXT *ctx = proj_context_create();
	proj_log_level(ctx, PJ_LOG_NONE);
	PJ *raw = ctx ? proj_create_crs_to_crs(ctx, "EPSG:4326", wkt, NULL) : NULL;
	f.pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL; /* lon/lat and x/y order */
	proj_destroy(raw);
	fl_status st = f.pj ? FL_OK
			    : fl__fail(FL_EINPUT, "%s: PROJ cannot transform lon/lat into the raster's CRS", path);
	box[0] = box[1] = HUGE_VAL;
	box[2] = box[3] = -HUGE_VAL;
	for (size_t a = 0; a < t->natoms && !st; a++) {
		const GEOSGeometry *g = fl__atom_geom(t, a);
		if (!g) {
			st = fl__fail(FL_ENOMEM, "out of memory");
			break;
		}
		if (GEOSisEmpty_r(t->geos, g) == 1)
			continue;
		GEOSGeometry *p = GEOSGeom_transformXY_r(t->geos, g, to_pixel, &f);
		patom *q = &pa[a];
		if (!p || !GEOSGeom_getXMin_r(t->geos, p, &q->x0) || !GEOSGeom_getYMin_r(t->geos, p, &q->y0) ||
		    !GEOSGeom_getXMax_r(t->geos, p, &q->x1) || !GEOSGeom_getYMax_r(t->geos, p, &q->y1))
			st = fl__fail(FL_EINPUT, "%s: atom %zu cannot be transformed into the raster's CRS", path, a);
		else if (!(q->wkb = fl__geos_to_wkb(t->geos, p, &q->len)))
			st = fl__fail(FL_ENOMEM, "out of memory");
		if (p)
			GEOSGeom_destroy_r(t->geos, p);
		if (!st) {
			box[0] = fmin(box[0], q->x0), box[1] = fmin(box[1], q->y0);
			box[2] = fmax(box[2], q->x1), box[3] = fmax(box[3], q->y1);
		}
	}
	proj_destroy(f.pj);
	proj_context_destroy(ctx);
	return st;
}

/* The sums of the raster's band under each atom into w->atom. */
static fl_status zonal_sums(const fl_tracker *t, const char *path, int band, GDALDatasetH ds, fl_weight *w)
{
	patom *pa = calloc(t->natoms + 1, sizeof *pa);
	if (!pa)
		return fl__fail(FL_ENOMEM, "out of memory");
	double box[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
	fl_status st = atoms_to_pixels(t, path, ds, pa, box);
	int nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds);
	job j = {path, band, (int)fmax(floor(box[0]), 0), (int)fmin(ceil(box[2]), nx),
		 (int)fmax(floor(box[1]), 0), (int)fmin(ceil(box[3]), ny), 0, pa, t->natoms,
		 NULL, NULL, NULL, NULL};
	if (!st && (box[0] > box[2] || j.c0 >= j.c1 || j.r0 >= j.r1))
		st = fl__fail(FL_EINPUT, "%s: the raster does not overlap the tracker's extent", path);
	size_t nb = 0;
	if (!st) {
		/* bands of at most 2 million cells, and at least 16 bands to share
		 * among threads (not a number per thread: the bands, and so the
		 * order of the sums, are the same whatever their number) */
		size_t width = (size_t)(j.c1 - j.c0), height = (size_t)(j.r1 - j.r0);
		size_t rows = (2u << 20) / width, least = height / 16;
		rows = rows < least ? rows : least;
		/* whole blocks (tiles, strips) per band: none is decoded twice */
		int bx = 0, by = 0;
		GDALGetBlockSize(GDALGetRasterBand(ds, band), &bx, &by);
		if (by > 1 && (size_t)by < height) {
			rows = rows < (size_t)by ? (size_t)by : rows / (size_t)by * (size_t)by;
			j.r0 = j.r0 / by * by;
			height = (size_t)(j.r1 - j.r0);
		}
		j.rows = rows ? (int)rows : 1;
		nb = (height + (size_t)j.rows - 1) / (size_t)j.rows;
		j.hits = calloc(nb, sizeof *j.hits);
		j.nhits = calloc(nb, sizeof *j.nhits);
		j.st = calloc(nb, sizeof *j.st);
		j.msg = calloc(nb, sizeof *j.msg);
		if (!j.hits || !j.nhits || !j.st || !j.msg) {
			st = fl__fail(FL_ENOMEM, "out of memory");
			nb = 0;
		}
	}
	if (!st)
		fl__parallel_for(nb, band_task, &j);
	for (size_t b = 0; b < nb; b++) { /* in order: the same sums with any number of threads */
		if (!st && j.st[b])
			st = fl__fail(j.st[b], "%s", j.msg[b] ? j.msg[b] : "out of memory");
		for (size_t k = 0; !st && k < j.nhits[b]; k++)
			w->atom[j.hits[b][k].atom] += j.hits[b][k].v;
		free(j.hits[b]);
		free(j.msg[b]);
	}
	free(j.hits), free(j.nhits), free(j.st), free(j.msg);
	for (size_t a = 0; a < t->natoms; a++)
		free(pa[a].wkb);
	free(pa);
	return st;
}

/* The raster opened, its band checked. */
static fl_status open_raster(const char *path, int band, GDALDatasetH *out)
{
	CPLPushErrorHandler(CPLQuietErrorHandler); /* the library never prints */
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
	fl_status st = FL_OK;
	if (!ds) {
		char why[512];
		st = fl__fail(FL_EINPUT, "%s: not a raster GDAL can read (%s)", path,
			      fl__gdal_open_reason(path, why, sizeof why));
	}
	CPLPopErrorHandler();
	if (!st && (band < 1 || band > GDALGetRasterCount(ds)))
		st = fl__fail(FL_EARG, "band %d: out of range (%s has %d band%s)", band, path,
			      GDALGetRasterCount(ds), GDALGetRasterCount(ds) == 1 ? "" : "s");
	if (st && ds)
		GDALClose(ds);
	*out = st ? NULL : ds;
	return st;
}

fl_status fl_weight_from_raster(const fl_tracker *t, const char *path, int band, fl_weight **out)
{
	if (!t || !path || !out)
		return fl__fail(FL_EARG, "fl_weight_from_raster: NULL argument");
	*out = NULL;
	struct stat sb;
	if (strncmp(path, "/vsi", 4) != 0 && stat(path, &sb) != 0)
		return fl__fail(errno == ENOENT ? FL_ENOTFOUND : FL_EIO, "%s: %s", path, strerror(errno));
	if (band < 1)
		return fl__fail(FL_EARG, "band %d: out of range (bands count from 1)", band);
	char *name = stem(path, band);
	fl_weight *w = NULL;
	fl_status st = name ? fl__weight_new(t, name, &w) : fl__fail(FL_ENOMEM, "out of memory");
	free(name);
	uint64_t key = 0;
	char *cpath = st ? NULL : fl__wcache_path(t, path, band, &key);
	if (!st && !(cpath && fl__wcache_load(cpath, key, w))) {
		GDALDatasetH ds = NULL;
		st = fl__gdal_ready();
		if (!st)
			st = open_raster(path, band, &ds);
		if (!st)
			st = zonal_sums(t, path, band, ds, w);
		if (ds)
			GDALClose(ds);
		if (!st && cpath)
			fl__wcache_save(cpath, key, w);
	}
	free(cpath);
	return FL__HAND_OVER(st, w, fl_weight_free, out);
}
