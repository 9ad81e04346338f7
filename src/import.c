/*
 * import.c: a series of dated control polygons becomes a folder tracker.
 *
 * Reading: every input goes through GDAL (any vector format, any CRS; the
 * geometry is transformed to WGS 84 lon/lat), the features of one date are
 * unioned, repaired with MakeValid when invalid, and snapped to the engine's
 * 1e-7 degree grid so that the tracker gives back exactly what was read.
 * Writing: actors.csv, events.csv and areas.geojson are built in a folder
 * beside the target and renamed into place at the end.
 */
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "store/folder.h"


typedef struct dated {
	fl_instant when;
	char date[16];
	const char *file;      /* for messages and sources */
	GEOSGeometry *geom;    /* union of the date's polygons, or NULL while reading */
	GEOSGeometry **parts;
	size_t nparts, cap;
} dated;

/* YYYYMMDD or YYYY-MM-DD in a file's name. */
static fl_status date_from_name(const char *path, char *out)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (const char *p = base; *p; p++) {
		if (!isdigit((unsigned char)p[0]))
			continue;
		char buf[11];
		if (strlen(p) >= 10 && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && p[4] == '-' && p[7] == '-') {
			memcpy(buf, p, 10);
			buf[10] = 0;
		} else if (strspn(p, "0123456789") == 8) {
			snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
		} else {
			p += strspn(p, "0123456789") - 1;
			continue;
		}
		fl_instant t;
		char what[300];
		snprintf(what, sizeof what, "%s: the date in the file name", path);
		if (fl_instant_parse(buf, FL_DATE_START, what, &t))
			return FL_EINPUT;
		memcpy(out, buf, sizeof buf); /* out holds 11 bytes (see callers) */
		return FL_OK;
	}
	return fl__fail(FL_EINPUT, "%s: no date in the file name (expected YYYYMMDD or YYYY-MM-DD, "
			"or use --date-field)", path);
}

static int cmp_dated(const void *a, const void *b)
{
	const dated *x = a, *y = b;
	return x->when < y->when ? -1 : x->when > y->when;
}

static fl_status add_part(dated *d, GEOSGeometry *g)
{
	GEOSGeometry **v = fl__grow(d->parts, &d->cap, d->nparts + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	d->parts = v;
	d->parts[d->nparts++] = g;
	return FL_OK;
}

static dated *find_or_add(dated **v, size_t *n, size_t *cap, const char *date, const char *file)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].date, date))
			return &(*v)[i];
	dated *nv = fl__grow(*v, cap, *n + 1, sizeof *nv);
	if (!nv)
		return NULL;
	*v = nv;
	dated *d = &(*v)[(*n)++];
	memset(d, 0, sizeof *d);
	snprintf(d->date, sizeof d->date, "%s", date);
	fl_instant_parse(date, FL_DATE_START, "date", &d->when);
	d->file = file;
	return d;
}

/* Read the polygons of one file into the dates they belong to. */
static fl_status read_file(GEOSContextHandle_t h, const char *path, const char *date_field,
			   dated **v, size_t *n, size_t *cap)
{
	char fdate[16] = "";
	fl_status st = FL_OK;
	if (!date_field && (st = date_from_name(path, fdate)))
		return st;
	for (size_t i = 0; !date_field && i < *n; i++)
		if (!strcmp((*v)[i].date, fdate))
			return fl__fail(FL_EINPUT, "%s: a second file for the date %s (the first is %s)", path,
					fdate, (*v)[i].file);
	/* name the driver when the extension says it: probing every driver costs */
	const char *dot = strrchr(path, '.');
	static const char *const json_drv[] = {"GeoJSON", NULL};
	bool json = dot && (!strcasecmp(dot, ".geojson") || !strcasecmp(dot, ".json"));
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, json ? json_drv : NULL,
				     NULL, NULL);
	if (!ds) {
		char why[512];
		return fl__fail(FL_EINPUT, "%s: GDAL cannot read it: %s", path,
				fl__gdal_open_reason(path, why, sizeof why));
	}
	OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
	OGRCoordinateTransformationH ct = NULL;
	OGRSpatialReferenceH src = lyr ? OGR_L_GetSpatialRef(lyr) : NULL;
	if (src) {
		OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
		OSRSetWellKnownGeogCS(wgs, "WGS84");
		OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
		OGRSpatialReferenceH s2 = OSRClone(src);
		OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
		if (!OSRIsSame(s2, wgs))
			ct = OCTNewCoordinateTransformation(s2, wgs);
		OSRDestroySpatialReference(s2);
		OSRDestroySpatialReference(wgs);
	}
	if (!lyr)
		st = fl__fail(FL_EINPUT, "%s: no layer in it", path);
	if (!st && date_field && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), date_field) < 0)
		st = fl__fail(FL_EINPUT, "%s: no field '%s' (--date-field)", path, date_field);
	OGRFeatureH f;
	long k = 0;
	while (!st && (f = OGR_L_GetNextFeature(lyr))) {
		k++;
		char date[16];
		snprintf(date, sizeof date, "%s", fdate);
		if (date_field) {
			int fi = OGR_F_GetFieldIndex(f, date_field);
			int y, m, dd, hh, mm, tz;
			float ss;
			const char *txt = OGR_F_GetFieldAsString(f, fi);
			fl_instant t;
			char what[300];
			snprintf(what, sizeof what, "%s: feature %ld: field '%s'", path, k, date_field);
			OGRFieldType ft = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, fi));
			char typed[32];
			if ((ft == OFTDate || ft == OFTDateTime) &&
			    OGR_F_GetFieldAsDateTimeEx(f, fi, &y, &m, &dd, &hh, &mm, &ss, &tz)) {
				/* GDAL types 2024-02-30 as a Date too: check it like any text */
				snprintf(typed, sizeof typed, "%04d-%02d-%02d", y, m, dd);
				txt = typed;
			}
			if (!(st = fl_instant_parse(txt, FL_DATE_START, what, &t)))
				fl_instant_format_date(t, date, sizeof date);
		}
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		if (!st && og && !OGR_G_IsEmpty(og)) {
			OGRGeometryH c = OGR_G_Clone(og);
			if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
				st = fl__fail(FL_EINPUT, "%s: feature %ld: cannot transform to WGS 84", path, k);
			OGR_G_FlattenTo2D(c);
			int len = OGR_G_WkbSize(c);
			unsigned char *buf = malloc((size_t)len);
			GEOSGeometry *g = NULL;
			if (!st && buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
				g = fl__geos_from_wkb(h, buf, (size_t)len);
			free(buf);
			OGR_G_DestroyGeometry(c);
			int type = g ? GEOSGeomTypeId_r(h, g) : -1;
			if (!st && type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
				st = fl__fail(FL_EINPUT, "%s: feature %ld: field 'geometry': expected a polygon",
					      path, k);
			dated *d = st ? NULL : find_or_add(v, n, cap, date, path);
			if (!st && !d)
				st = fl__fail(FL_ENOMEM, "out of memory");
			if (!st)
				st = add_part(d, g);
			else if (g)
				GEOSGeom_destroy_r(h, g);
		}
		OGR_F_Destroy(f);
	}
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	GDALClose(ds);
	return st;
}

/* Union of the parts, repaired when invalid. */
static fl_status finish_date(GEOSContextHandle_t h, dated *d, size_t *repaired)
{
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, d->parts,
							  (unsigned)d->nparts);
	free(d->parts);
	d->parts = NULL;
	d->nparts = 0;
	if (!coll)
		return fl__fail(FL_EGEOM, "%s: cannot collect its polygons", d->file);
	GEOSGeometry *u = NULL;
	fl_status st = FL_OK;
	if (GEOSGetNumGeometries_r(h, coll) == 1 && GEOSisValid_r(h, GEOSGetGeometryN_r(h, coll, 0)) == 1)
		u = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, coll, 0));
	else {
		/* each polygon repaired on its own (an invalid one with GEOS MakeValid,
		 * refused if that changes its area by more than 0.1 %), then unioned */
		int n = 0;
		for (int i = 0; i < GEOSGetNumGeometries_r(h, coll); i++)
			n += GEOSGetNumGeometries_r(h, GEOSGetGeometryN_r(h, coll, i));
		GEOSGeometry **fixed = calloc((size_t)n + 1, sizeof *fixed);
		const GEOSGeometry **polys = calloc((size_t)n + 1, sizeof *polys);
		for (int i = 0, k = 0; polys && i < GEOSGetNumGeometries_r(h, coll); i++) {
			const GEOSGeometry *g = GEOSGetGeometryN_r(h, coll, i);
			for (int j = 0; j < GEOSGetNumGeometries_r(h, g); j++)
				polys[k++] = GEOSGetGeometryN_r(h, g, j);
		}
		if (!polys)
			st = fl__fail(FL_ENOMEM, "out of memory");
		for (int i = 0; fixed && i < n && !st; i++) {
			const GEOSGeometry *p = polys[i];
			if (GEOSisValid_r(h, p) == 1) {
				fixed[i] = GEOSGeom_clone_r(h, p);
				continue;
			}
			fixed[i] = GEOSMakeValid_r(h, p);
			double a0 = 0, a1 = 0;
			GEOSArea_r(h, p, &a0);
			if (fixed[i])
				GEOSArea_r(h, fixed[i], &a1);
			if (!fixed[i] || (a0 > 0 && fabs(a1 - a0) / a0 > 0.001) || a0 <= 0)
				st = fl__fail(FL_EINPUT,
					      "%s: an invalid polygon whose repair (GEOS MakeValid) would change "
					      "its area by more than 0.1 %%: fix the source", d->file);
			else
				(*repaired)++;
		}
		GEOSGeometry *c2 = st || !fixed ? NULL
				   : GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, fixed, (unsigned)n);
		if (c2) {
			u = GEOSUnaryUnion_r(h, c2);
			GEOSGeom_destroy_r(h, c2);
		} else
			for (int i = 0; fixed && i < n; i++)
				if (fixed[i])
					GEOSGeom_destroy_r(h, fixed[i]);
		free(fixed);
		free(polys);
	}
	GEOSGeom_destroy_r(h, coll);
	if (st)
		return st;
	if (!u)
		return fl__fail(FL_EGEOM, "%s: cannot repair or union its polygons", d->file);
	/* kept as read: the change detection compares the source's own
	 * segments, and every overlay result is snapped to the grid */
	d->geom = u;
	return FL_OK;
}

typedef struct ev {
	char id[48];
	char date[16];
	const char *to, *from, *kind, *source;
	GEOSGeometry *area; /* owned */
} ev;

static fl_status push_ev(ev **v, size_t *n, size_t *cap, ev e)
{
	ev *nv = fl__grow(*v, cap, *n + 1, sizeof *nv);
	if (!nv)
		return fl__fail(FL_ENOMEM, "out of memory");
	*v = nv;
	(*v)[(*n)++] = e;
	return FL_OK;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

/* The new tracker's files, written by the folder store (store/folder.c). */
static fl_status write_tracker(GEOSContextHandle_t h, const char *dir, const fl_import_opts *o,
			       ev *evs, size_t nev)
{
	static const char *const acols[] = {"id", "name", "color", "kind", "note"};
	const char *const actors[] = {o->holder, o->holder, "#d62728", "control",
				      "holds the area inside the imported polygons",
				      o->other,	 o->other,  "#1f77b4", "control",
				      "holds the rest of the extent"};
	fl_status st = fl__folder_write_table(dir, "actors", acols, 5, actors, 2);
	if (st)
		return st;
	static const char *const ecols[] = {"id",   "date", "regions", "area",   "to",
					    "from", "kind", "status",  "source", "note"};
	const char **cells = calloc(nev * 10 + 1, sizeof *cells);
	if (!cells)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nev; i++) {
		const char **c = cells + i * 10;
		c[0] = evs[i].id, c[1] = evs[i].date, c[2] = "", c[3] = evs[i].id, c[4] = evs[i].to;
		c[5] = evs[i].from, c[6] = evs[i].kind, c[7] = fl_event_status_name(o->status);
		c[8] = evs[i].source, c[9] = "imported by frontline import-series";
	}
	st = fl__folder_write_table(dir, "events", ecols, 10, cells, nev);
	free(cells);
	if (st)
		return st;
	static const fl__field fields[] = {{"id", FL__STR}};
	char *p = fl__folder_new_file(dir, "areas");
	fl__sink *k = NULL;
	st = p ? fl__sink_open(p, "GeoJSON", "areas", fields, 1, true, &k)
	       : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nev && !st; i++) {
		fl__value v[1] = {{.s = evs[i].id}};
		st = fl__sink_add(k, v, h, evs[i].area);
	}
	if (!st)
		st = fl__sink_commit(k);
	else
		fl__sink_abort(k);
	free(p);
	return st;
}

/* Phase 1: one file's dates and polygons. */
typedef struct file_out {
	dated *d;
	size_t nd, cap;
	fl_status st;
	char *msg;
} file_out;

typedef struct read_job {
	const char *const *files;
	const char *date_field;
	size_t nfiles;
	file_out *out;
	const fl_import_opts *o;
	size_t done;
} read_job;

static void read_task(size_t i, void *ctx, GEOSContextHandle_t h)
{
	read_job *j = ctx;
	file_out *fo = &j->out[i];
	fo->st = read_file(h, j->files[i], j->date_field, &fo->d, &fo->nd, &fo->cap);
	if (fo->st)
		fo->msg = fl__strdup(fl_error_last());
	size_t n = __atomic_add_fetch(&j->done, 1, __ATOMIC_SEQ_CST);
	if (j->o->progress)
		j->o->progress(n, j->nfiles, j->o->userdata);
}

/* Phase 2: each date's polygon, and what changed from the date before. */
typedef struct pair_out {
	GEOSGeometry *gain, *loss;
	size_t repaired;
	fl_status st;
	char *msg;
} pair_out;

typedef struct pair_job {
	dated *d;
	pair_out *out;
} pair_job;

static void finish_task(size_t i, void *ctx, GEOSContextHandle_t h)
{
	pair_job *j = ctx;
	j->out[i].st = finish_date(h, &j->d[i], &j->out[i].repaired);
	if (j->out[i].st)
		j->out[i].msg = fl__strdup(fl_error_last());
}

static void changes_task(size_t i, void *ctx, GEOSContextHandle_t h)
{
	pair_job *j = ctx;
	if (i == 0)
		return;
	pair_out *po = &j->out[i];
	po->st = fl__polygon_changes(h, j->d[i - 1].geom, j->d[i].geom, &po->gain, &po->loss);
	if (po->st)
		po->msg = fl__strdup(fl_error_last());
}

fl_status fl_import_series(const char *const *files, size_t nfiles, const fl_import_opts *o,
			   const char *out_dir, fl_import_result *res)
{
	if (!o || !o->holder || !o->other || !*o->holder || !*o->other)
		return fl__fail(FL_EARG, "import-series needs --holder and --other");
	/* written into the new tracker as they are */
	if (!fl__utf8_valid(o->holder) || !fl__utf8_valid(o->other) || !fl__utf8_valid(o->source))
		return fl__fail(FL_EARG, "%s: not UTF-8", !fl__utf8_valid(o->holder) ? "holder"
							   : !fl__utf8_valid(o->other) ? "other" : "source");
	if (!strcmp(o->holder, o->other))
		return fl__fail(FL_EARG, "--holder and --other are the same actor '%s'", o->holder);
	if (!nfiles)
		return fl__fail(FL_EARG, "import-series: no input files");
	struct stat sb;
	if (stat(out_dir, &sb) == 0) {
		bool empty = false;
		if (S_ISDIR(sb.st_mode)) {
			char **ls = VSIReadDir(out_dir);
			empty = CSLCount(ls) <= 2; /* "." and ".." */
			CSLDestroy(ls);
		}
		if (!empty)
			return fl__fail(FL_EARG, "--out %s: exists and is not an empty folder", out_dir);
	}
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GEOSContextHandle_t h = fl__geos_new();
	dated *d = NULL;
	size_t nd = 0, dcap = 0, repaired = 0;
	ev *evs = NULL;
	size_t nev = 0, ecap = 0;
	fl_status st = FL_OK;
	/* phase 1, in parallel: read every file */
	read_job rj = {files, o->date_field, nfiles, calloc(nfiles + 1, sizeof *rj.out), o, 0};
	if (!rj.out)
		st = fl__fail(FL_ENOMEM, "out of memory");
	else
		fl__parallel_for(nfiles, read_task, &rj);
	for (size_t i = 0; i < nfiles && !st; i++) {
		file_out *fo = &rj.out[i];
		if (fo->st) {
			st = fl__fail(fo->st, "%s", fo->msg);
			break;
		}
		if (!fo->nd)
			st = fl__fail(FL_EINPUT, "%s: no polygon in it", files[i]);
		for (size_t k = 0; k < fo->nd && !st; k++) {
			dated *x = find_or_add(&d, &nd, &dcap, fo->d[k].date, fo->d[k].file);
			if (!x) {
				st = fl__fail(FL_ENOMEM, "out of memory");
				break;
			}
			if (!o->date_field && x->file != fo->d[k].file) {
				st = fl__fail(FL_EINPUT, "%s: a second file for the date %s (the first is %s)",
					      files[i], x->date, x->file);
				break;
			}
			for (size_t j = 0; j < fo->d[k].nparts && !st; j++) {
				st = add_part(x, fo->d[k].parts[j]);
				if (!st)
					fo->d[k].parts[j] = NULL;
			}
		}
	}
	for (size_t i = 0; rj.out && i < nfiles; i++) {
		for (size_t k = 0; k < rj.out[i].nd; k++) {
			for (size_t j = 0; j < rj.out[i].d[k].nparts; j++)
				if (rj.out[i].d[k].parts[j])
					GEOSGeom_destroy_r(h, rj.out[i].d[k].parts[j]);
			free(rj.out[i].d[k].parts);
		}
		free(rj.out[i].d);
		free(rj.out[i].msg);
	}
	free(rj.out);
	if (!st)
		qsort(d, nd, sizeof *d, cmp_dated);
	/* phase 2, in parallel: each date's polygon, then each pair's changes */
	pair_job pj = {d, calloc(nd + 1, sizeof *pj.out)};
	if (!st && !pj.out)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st) {
		fl__parallel_for(nd, finish_task, &pj);
		for (size_t i = 0; i < nd && !st; i++)
			if (pj.out[i].st)
				st = fl__fail(pj.out[i].st, "%s", pj.out[i].msg);
			else
				repaired += pj.out[i].repaired;
	}
	if (!st) {
		fl__parallel_for(nd, changes_task, &pj);
		for (size_t i = 0; i < nd && !st; i++)
			if (pj.out[i].st)
				st = fl__fail(pj.out[i].st, "%s", pj.out[i].msg);
	}
	GEOSGeometry **gains = calloc(nd + 1, sizeof *gains);
	size_t ngains = 0;
	if (!st && !gains)
		st = fl__fail(FL_ENOMEM, "out of memory");
	GEOSGeometry *prev = NULL;
	for (size_t i = 0; i < nd && !st; i++) {
		const char *src = o->source ? o->source : base_name(d[i].file);
		if (!prev) {
			ev e = {.to = o->holder, .from = "", .kind = "baseline", .source = src};
			snprintf(e.id, sizeof e.id, "%s-%s", d[i].date, o->holder);
			snprintf(e.date, sizeof e.date, "%s", d[i].date);
			e.area = GEOSGeom_clone_r(h, d[i].geom);
			st = push_ev(&evs, &nev, &ecap, e);
		} else {
			GEOSGeometry *gain = pj.out[i].gain, *loss = pj.out[i].loss;
			pj.out[i].gain = pj.out[i].loss = NULL;
			if (!st && gain) {
				ev e = {.to = o->holder, .from = o->other, .kind = "capture", .source = src};
				snprintf(e.id, sizeof e.id, "%s-%s", d[i].date, o->holder);
				snprintf(e.date, sizeof e.date, "%s", d[i].date);
				e.area = gain;
				gains[ngains++] = GEOSGeom_clone_r(h, gain);
				st = push_ev(&evs, &nev, &ecap, e);
			}
			if (!st && loss) {
				ev e = {.to = o->other, .from = o->holder, .kind = "capture", .source = src};
				snprintf(e.id, sizeof e.id, "%s-%s", d[i].date, o->other);
				snprintf(e.date, sizeof e.date, "%s", d[i].date);
				e.area = loss;
				st = push_ev(&evs, &nev, &ecap, e);
			}
		}
		prev = d[i].geom;
	}
	for (size_t i = 0; pj.out && i < nd; i++) {
		if (pj.out[i].gain)
			GEOSGeom_destroy_r(h, pj.out[i].gain);
		if (pj.out[i].loss)
			GEOSGeom_destroy_r(h, pj.out[i].loss);
		free(pj.out[i].msg);
	}
	free(pj.out);
	/* the rest of the extent: everything ever gained outside the first area */
	if (!st && ngains && nev) {
		GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, gains,
								  (unsigned)ngains);
		ngains = 0;
		GEOSGeometry *all = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
		GEOSGeometry *rest = all ? GEOSDifferencePrec_r(h, all, evs[0].area, FL__GRID) : NULL;
		GEOSGeometry *snapped = rest ? GEOSGeom_setPrecision_r(h, rest, FL__GRID, 0) : NULL;
		if (coll)
			GEOSGeom_destroy_r(h, coll);
		if (all)
			GEOSGeom_destroy_r(h, all);
		if (rest)
			GEOSGeom_destroy_r(h, rest);
		if (!snapped)
			st = fl__fail(FL_EGEOM, "cannot compute the extent: %s", fl_error_last());
		else if (GEOSisEmpty_r(h, snapped))
			GEOSGeom_destroy_r(h, snapped);
		else {
			ev e = {.to = o->other, .from = "", .kind = "baseline",
				.source = "extent: the union of every date's area (frontline import-series)"};
			snprintf(e.id, sizeof e.id, "%s-extent-%s", evs[0].date, o->other);
			snprintf(e.date, sizeof e.date, "%s", evs[0].date);
			e.area = snapped;
			st = push_ev(&evs, &nev, &ecap, e);
			/* it applies first: move it to the front */
			if (!st) {
				ev x = evs[nev - 1];
				memmove(evs + 1, evs, (nev - 1) * sizeof *evs);
				evs[0] = x;
			}
		}
	}
	for (size_t i = 0; i < ngains; i++)
		GEOSGeom_destroy_r(h, gains[i]);
	free(gains);
	/* write into a folder beside the target, then rename it into place */
	char *tmp = fl__printf("%s.tmp-%ld", out_dir, (long)getpid());
	if (!st && mkdir(tmp, 0755))
		st = fl__fail(FL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
	if (!st)
		st = write_tracker(h, tmp, o, evs, nev);
	if (!st && rename(tmp, out_dir))
		st = fl__fail(FL_EIO, "--out %s: cannot create: %s", out_dir, strerror(errno));
	if (st && tmp) {
		char *files3[] = {"actors.csv", "events.csv", "areas.geojson"};
		for (int i = 0; i < 3; i++) {
			char *q = fl__printf("%s/%s", tmp, files3[i]);
			unlink(q);
			free(q);
		}
		rmdir(tmp);
	}
	free(tmp);
	if (res) {
		res->dates = nd;
		res->events = nev;
		res->repaired = repaired;
	}
	for (size_t i = 0; i < nev; i++)
		GEOSGeom_destroy_r(h, evs[i].area);
	free(evs);
	for (size_t i = 0; i < nd; i++) {
		for (size_t j = 0; j < d[i].nparts; j++)
			GEOSGeom_destroy_r(h, d[i].parts[j]);
		free(d[i].parts);
		if (d[i].geom)
			GEOSGeom_destroy_r(h, d[i].geom);
	}
	free(d);
	GEOS_finish_r(h);
	CPLPopErrorHandler();
	return st;
}
