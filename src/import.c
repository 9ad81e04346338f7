/*
 * import.c: a series of dated control polygons becomes a folder tracker
 * (fl_import_series).
 *
 * Phase 1 reads every input (import_read.c), one file per thread, and
 * gathers the polygons by date; phase 2 makes each date's polygon and what
 * changed from the date before, one date per thread; the changes become
 * the events, after a baseline that gives the whole extent to `other`; the
 * tracker is written whole or not at all (import_write.c).
 *
 * The files of one status make one series (an assessed series and a
 * claimed one beside it, as ISW publishes them): each series is imported
 * on its own, its events carrying its status, and the series' events are
 * merged into one log (fl__import_sort).  --append (import_append.c)
 * continues each series from its last day by the same functions.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "gdal_load.h"
#include "changes.h"
#include "fail.h"
#include "geo.h"
#include "import_priv.h"
#include "parallel.h"
#include "utf8.h"
#include "wkb_rfc7946.h"
#include "util.h"

typedef fl__import_ev ev;

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

/* Phase 1: one file's dates and polygons. */
typedef struct file_out {
	fl__dated *d;
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
	fo->st = fl__import_read_file(h, j->files[i], j->date_field, &fo->d, &fo->nd, &fo->cap);
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
	fl__dated *d;
	pair_out *out;
} pair_job;

static void finish_task(size_t i, void *ctx, GEOSContextHandle_t h)
{
	pair_job *j = ctx;
	if (j->d[i].geom) /* the day before an appended series, as stored */
		return;
	j->out[i].st = fl__import_finish_date(h, &j->d[i], &j->out[i].repaired);
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

/* The options and the target, before anything is read. */
static fl_status check_args(size_t nfiles, const fl_import_opts *o, const char *out_dir)
{
	if (!o || !o->holder || !o->other || !*o->holder || !*o->other)
		return fl__fail(FL_EARG, "`holder` and `other` are required");
	/* written into the new tracker as they are */
	if (!fl__utf8_valid(o->holder) || !fl__utf8_valid(o->other) || !fl__utf8_valid(o->source))
		return fl__fail(FL_EARG, "%s: not UTF-8", !fl__utf8_valid(o->holder) ? "holder"
							   : !fl__utf8_valid(o->other) ? "other" : "source");
	if (!strcmp(o->holder, o->other))
		return fl__fail(FL_EARG, "`holder` and `other` are the same actor '%s'", o->holder);
	if (o->extent_where && !o->extent)
		return fl__fail(FL_EARG, "`extent_where` \"%s\": without `extent`", o->extent_where);
	/* the extent's name and filter are written into the tracker (its source) */
	if (!fl__utf8_valid(o->extent) || !fl__utf8_valid(o->extent_where))
		return fl__fail(FL_EARG, "`%s`: not UTF-8", !fl__utf8_valid(o->extent) ? "extent" : "extent_where");
	fl_status st = fl__import_check_names(o);
	if (st)
		return st;
	if (!nfiles)
		return fl__fail(FL_EARG, "no input files (`nfiles` is 0)");
	if (!out_dir || !*out_dir)
		return fl__fail(FL_EARG, "`out_dir` is required");
	struct stat sb;
	if (stat(out_dir, &sb) == 0) {
		bool empty = false;
		if (S_ISDIR(sb.st_mode)) {
			char **ls = VSIReadDir(out_dir);
			empty = CSLCount(ls) <= 2; /* "." and ".." */
			CSLDestroy(ls);
		}
		if (!empty)
			return fl__fail(FL_EARG, "`out_dir` %s: exists and is not an empty folder", out_dir);
	}
	return FL_OK;
}

fl_status fl__import_read_dates(GEOSContextHandle_t h, const char *const *files, size_t nfiles,
				const fl_import_opts *o, fl__dated **d, size_t *nd)
{
	size_t dcap = 0;
	fl_status st = FL_OK;
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
			fl__dated *x = fl__dated_find(d, nd, &dcap, fo->d[k].date, fo->d[k].file);
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
				st = fl__dated_add_part(x, fo->d[k].parts[j]);
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
	if (!st && *d && *nd)
		qsort(*d, *nd, sizeof **d, fl__dated_cmp);
	return st;
}

void fl__import_free_dates(GEOSContextHandle_t h, fl__dated *d, size_t nd)
{
	for (size_t i = 0; i < nd; i++) {
		for (size_t j = 0; j < d[i].nparts; j++)
			GEOSGeom_destroy_r(h, d[i].parts[j]);
		free(d[i].parts);
		if (d[i].geom)
			GEOSGeom_destroy_r(h, d[i].geom);
	}
	free(d);
}

/* Phase 2 (in parallel): each date's polygon, then each pair's changes,
 * into pj->out. */
static fl_status pair_dates(pair_job *pj, size_t nd, size_t *repaired)
{
	fl_status st = FL_OK;
	fl__parallel_for(nd, finish_task, pj);
	for (size_t i = 0; i < nd && !st; i++)
		if (pj->out[i].st)
			st = fl__fail(pj->out[i].st, "%s", pj->out[i].msg);
		else
			*repaired += pj->out[i].repaired;
	if (!st) {
		fl__parallel_for(nd, changes_task, pj);
		for (size_t i = 0; i < nd && !st; i++)
			if (pj->out[i].st)
				st = fl__fail(pj->out[i].st, "%s", pj->out[i].msg);
	}
	return st;
}

fl__import_ev fl__import_new_ev(const char *date, const char *tag, const char *what, const char *to,
				const char *from, const char *kind, const char *source,
				GEOSGeometry *area)
{
	ev e = {.to = to, .from = from, .kind = kind, .source = source, .area = area};
	snprintf(e.id, sizeof e.id, "%s-%s%s%s", date, tag, what, to);
	snprintf(e.date, sizeof e.date, "%s", date);
	return e;
}

/* g as areas.geojson holds it (rounded to the grid, rings wound by RFC
 * 7946's rule), as --append reads the gains back: the extent is computed
 * from these, so that an import and an import then appends compute it from
 * the same polygons (NULL when out of memory). */
static GEOSGeometry *as_written(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(h, g, &len);
	GEOSGeometry *r = wkb && fl__wkb_rfc7946(wkb, len) ? fl__geos_from_wkb(h, wkb, len) : NULL;
	free(wkb);
	return r;
}

/* The events: the first date's area to the holder, then each date's gains
 * and losses (the gains, as written, also to gains[]). */
static fl_status make_events(GEOSContextHandle_t h, const fl_import_opts *o, const fl__series *s,
			     int si, const fl__dated *d, size_t nd, size_t from, pair_out *out, ev **evs,
			     size_t *nev, size_t *ecap, GEOSGeometry **gains, size_t *ngains)
{
	fl_status st = FL_OK;
	for (size_t i = from; i < nd && !st; i++) {
		const char *src = o->source ? o->source : base_name(d[i].file);
		if (i == 0) {
			ev e = fl__import_new_ev(d[i].date, s->tag, "", o->holder, "", "baseline", src,
						 GEOSGeom_clone_r(h, d[i].geom));
			e.cls = 1;
			e.status = s->status, e.series = si;
			st = push_ev(evs, nev, ecap, e);
		} else {
			GEOSGeometry *gain = out[i].gain, *loss = out[i].loss;
			out[i].gain = out[i].loss = NULL;
			if (gain) {
				if (!(gains[*ngains] = as_written(h, gain)))
					st = fl__fail(FL_ENOMEM, "out of memory");
				else
					(*ngains)++;
				ev e = fl__import_new_ev(d[i].date, s->tag, "", o->holder, o->other, "capture",
							 src, gain);
				e.cls = 2, e.status = s->status, e.series = si;
				if (!st)
					st = push_ev(evs, nev, ecap, e);
				else
					GEOSGeom_destroy_r(h, gain);
			}
			if (!st && loss) {
				ev e = fl__import_new_ev(d[i].date, s->tag, "", o->other, o->holder, "capture",
							 src, loss);
				e.cls = 2, e.status = s->status, e.series = si;
				st = push_ev(evs, nev, ecap, e);
			} else if (loss)
				GEOSGeom_destroy_r(h, loss);
		}
	}
	return st;
}

fl_status fl__import_series_events(GEOSContextHandle_t h, const fl_import_opts *o, const fl__series *s,
				   int si, fl__dated *d, size_t nd, size_t from, ev **evs, size_t *nev,
				   size_t *ecap, GEOSGeometry **gains, size_t *ngains, size_t *repaired)
{
	pair_job pj = {d, calloc(nd + 1, sizeof *pj.out)};
	fl_status st = pj.out ? pair_dates(&pj, nd, repaired) : fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = make_events(h, o, s, si, d, nd, from, pj.out, evs, nev, ecap, gains, ngains);
	for (size_t i = 0; pj.out && i < nd; i++) {
		if (pj.out[i].gain)
			GEOSGeom_destroy_r(h, pj.out[i].gain);
		if (pj.out[i].loss)
			GEOSGeom_destroy_r(h, pj.out[i].loss);
		free(pj.out[i].msg);
	}
	free(pj.out);
	return st;
}

fl_status fl__import_extent(GEOSContextHandle_t h, const GEOSGeometry *territory, GEOSGeometry **gains,
			    size_t ngains, const GEOSGeometry *first, GEOSGeometry **out)
{
	*out = NULL;
	if (!ngains && !territory)
		return FL_OK;
	/* the collection takes the gains (after the territory, when given) */
	GEOSGeometry **parts = malloc((ngains + 1) * sizeof *parts);
	GEOSGeometry *tc = parts && territory ? GEOSGeom_clone_r(h, territory) : NULL;
	size_t n = 0;
	if (tc)
		parts[n++] = tc;
	for (size_t i = 0; parts && i < ngains; i++)
		parts[n++] = gains[i];
	bool ok = parts && (!territory || tc);
	GEOSGeometry *coll = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n)
				: NULL;
	GEOSGeometry *all = coll ? GEOSUnaryUnionPrec_r(h, coll, FL__GRID) : NULL;
	GEOSGeometry *rest = all ? GEOSDifferencePrec_r(h, all, first, FL__GRID) : NULL;
	GEOSGeometry *snapped = rest ? GEOSGeom_setPrecision_r(h, rest, FL__GRID, 0) : NULL;
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	else {
		for (size_t i = 0; i < ngains; i++)
			GEOSGeom_destroy_r(h, gains[i]);
		if (tc)
			GEOSGeom_destroy_r(h, tc);
	}
	free(parts);
	if (all)
		GEOSGeom_destroy_r(h, all);
	if (rest)
		GEOSGeom_destroy_r(h, rest);
	if (!snapped)
		return fl__fail(FL_EGEOM, "cannot compute the extent: %s", fl_error_last());
	/* its polygons only: on the grid, the difference can leave lines and
	 * points where the territory's edge meets the day's (a collection the
	 * areas layer refuses) */
	*out = fl__geos_polygonal(h, snapped);
	return FL_OK;
}

char *fl__import_extent_source(const fl__territory *t)
{
	if (!t->desc)
		return fl__strdup("extent: the union of every date's area (frontline import-series)");
	return fl__printf("extent: %s and every date's area (frontline import-series)", t->desc);
}

/* qsort order of events (fl__import_sort); `seq` keeps a series' order. */
typedef struct sort_key {
	ev e;
	size_t seq;
} sort_key;

static int cmp_events(const void *a, const void *b)
{
	const sort_key *x = a, *y = b;
	if (x->e.cls != y->e.cls)
		return x->e.cls < y->e.cls ? -1 : 1;
	int c = x->e.cls == 2 ? strcmp(x->e.date, y->e.date) : 0;
	if (c)
		return c;
	if (x->e.series != y->e.series)
		return x->e.series < y->e.series ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void fl__import_sort(ev *evs, size_t nev)
{
	sort_key *k = malloc((nev + 1) * sizeof *k);
	if (!k) /* a series at a time, as made */
		return;
	for (size_t i = 0; i < nev; i++)
		k[i] = (sort_key){evs[i], i};
	qsort(k, nev, sizeof *k, cmp_events);
	for (size_t i = 0; i < nev; i++)
		evs[i] = k[i].e;
	free(k);
}

/* The files' series: one per status, the import's own status first. */
static fl_status make_series(const char *const *files, size_t nfiles, const fl_import_opts *o,
			     fl__series **out, size_t *nout)
{
	fl__series *ser = calloc(4, sizeof *ser);
	size_t n = 0;
	if (!ser)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nfiles; i++) {
			fl_event_status st = o->file_status && o->file_status[i] >= 0
						     ? (fl_event_status)o->file_status[i] : o->status;
			if ((pass == 0) != (st == o->status))
				continue;
			size_t k = 0;
			while (k < n && ser[k].status != st)
				k++;
			if (k == n) {
				ser[n].status = st;
				if (st != o->status)
					snprintf(ser[n].tag, sizeof ser[n].tag, "%s-", fl_event_status_name(st));
				ser[n].files = calloc(nfiles + 1, sizeof *ser[n].files);
				n++;
				if (!ser[k].files) {
					*out = ser, *nout = n;
					return fl__fail(FL_ENOMEM, "out of memory");
				}
			}
			ser[k].files[ser[k].nfiles++] = files[i];
		}
	*out = ser;
	*nout = n;
	return FL_OK;
}

/* One series read and turned into events (appended to *evs); its first
 * and last polygons and its days kept in s. */
static fl_status import_one(GEOSContextHandle_t h, const fl_import_opts *o, const fl__territory *ter,
			    const char *esrc, fl__series *s, int si, ev **evs, size_t *nev, size_t *ecap,
			    size_t *dates, size_t *repaired)
{
	fl__dated *d = NULL;
	size_t nd = 0;
	fl_status st = fl__import_read_dates(h, s->files, s->nfiles, o, &d, &nd);
	GEOSGeometry **gains = calloc(nd + 1, sizeof *gains);
	size_t ngains = 0;
	if (!st && !gains)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = fl__import_series_events(h, o, s, si, d, nd, 0, evs, nev, ecap, gains, &ngains, repaired);
	GEOSGeometry *extent = NULL;
	if (!st && nd)
		st = fl__import_extent(h, ter->geom, gains, ngains, d[0].geom, &extent);
	else
		for (size_t i = 0; i < ngains; i++)
			GEOSGeom_destroy_r(h, gains[i]);
	free(gains);
	if (extent) {
		ev e = fl__import_new_ev(d[0].date, s->tag, "extent-", o->other, "", "baseline", esrc, extent);
		e.cls = 0, e.status = s->status, e.series = si;
		st = push_ev(evs, nev, ecap, e);
	}
	for (size_t i = 0; !st && i < nd; i++) {
		char *day = fl__printf("%s %s", d[i].date, base_name(d[i].file));
		s->days = day ? CSLAddString(s->days, day) : NULL;
		free(day);
		if (!s->days)
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	if (!st && nd) {
		s->first = GEOSGeom_clone_r(h, d[0].geom);
		s->last = GEOSGeom_clone_r(h, d[nd - 1].geom);
	}
	*dates += nd;
	fl__import_free_dates(h, d, nd);
	return st;
}

fl_status fl_import_series(const char *const *files, size_t nfiles, const fl_import_opts *o,
			   const char *out_dir, fl_import_result *res)
{
	fl_status st = check_args(nfiles, o, out_dir);
	if (st)
		return st;
	st = fl__gdal_ready();
	if (st)
		return st;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GEOSContextHandle_t h = fl__geos_new();
	size_t nd = 0, repaired = 0;
	ev *evs = NULL;
	size_t nev = 0, ecap = 0;
	fl__series *ser = NULL;
	size_t nser = 0;
	fl__territory ter = {0};
	if (o->extent)
		st = fl__import_read_extent(h, o->extent, o->extent_where, &ter);
	char *esrc = st ? NULL : fl__import_extent_source(&ter);
	if (!st && !esrc)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = make_series(files, nfiles, o, &ser, &nser);
	for (size_t i = 0; i < nser && !st; i++)
		st = import_one(h, o, &ter, esrc, &ser[i], (int)i, &evs, &nev, &ecap, &nd, &repaired);
	if (!st) {
		fl__import_sort(evs, nev);
		st = fl__import_write(h, out_dir, o, evs, nev, ser, nser, &ter);
	}
	fl__territory_free(h, &ter);
	free(esrc);
	if (res) {
		res->dates = nd;
		res->events = nev;
		res->repaired = repaired;
	}
	for (size_t i = 0; i < nev; i++)
		GEOSGeom_destroy_r(h, evs[i].area);
	free(evs);
	for (size_t i = 0; i < nser; i++) {
		free(ser[i].files);
		CSLDestroy(ser[i].days);
		if (ser[i].first)
			GEOSGeom_destroy_r(h, ser[i].first);
		if (ser[i].last)
			GEOSGeom_destroy_r(h, ser[i].last);
	}
	free(ser);
	GEOS_finish_r(h);
	CPLPopErrorHandler();
	return st;
}
