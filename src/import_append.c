/*
 * import_append.c: import-series --append (fl_import_append): the days
 * after a series' last date added to the tracker import-series made, so
 * that it answers exactly as one import of all the days.
 *
 * Each series continues from its last day's polygon as read, kept in
 * import-series.json (import_state.c): the new days are read, unioned and
 * compared with the day before by the functions of the import (import.c),
 * and their events are the rows and features the import would write.  The
 * series' extent (the union of every gain, less the first day's area)
 * grows with the new gains: it is computed again from the gains the
 * tracker holds (its areas, in date order) and the new ones, as the
 * import computes it, and its feature is replaced in areas.geojson.
 *
 * The folder's files are rewritten as record rewrites them (store/folder.c,
 * under the writers' lock): areas.geojson, then events.csv (their new text:
 * import_rewrite.c, the old features and rows kept byte for byte), then the
 * state, each to a temporary file, fsync'd and renamed.  Nothing is written before everything is read
 * and computed, so a refusal leaves the tracker as it was.
 */
#include "gdal_load.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "fail.h"
#include "geo.h"
#include "import_priv.h"
#include "store/folder.h"
#include "store/replace.h"
#include "store/store.h"
#include "util.h"

typedef fl__import_ev ev;

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

/* ------------------------------------------------------- the arguments */
/* A given option must be the tracker's. */
static fl_status check_same(const char *name, const char *given, const char *have, const char *dir)
{
	if (!given || (have && !strcmp(given, have)))
		return FL_OK;
	return fl__fail(FL_EARG, "`%s` '%s': the tracker %s was imported with %s%s%s", name, given, dir,
			have ? "'" : "none", have ? have : "", have ? "'" : "");
}

/* A given extent must be the tracker's (the same polygons, read again). */
static fl_status check_extent(GEOSContextHandle_t h, const fl_import_opts *o, const fl__append_job *j)
{
	if (o->extent_where && !o->extent)
		return fl__fail(FL_EARG, "`extent_where` \"%s\": without `extent`", o->extent_where);
	if (!o->extent)
		return FL_OK;
	fl__territory t;
	fl_status st = fl__import_read_extent(h, o->extent, o->extent_where, &t);
	if (st)
		return st;
	bool same = j->ter.geom && GEOSEqualsExact_r(h, t.geom, j->ter.geom, 0) == 1;
	fl__territory_free(h, &t);
	if (!same)
		st = fl__fail(FL_EARG, "`extent` %s%s%s: not the extent the tracker %s was imported with (%s)",
			      o->extent, o->extent_where ? " where " : "", o->extent_where ? o->extent_where : "",
			      j->dir, j->ter.desc ? j->ter.desc : "none: the union of every date's area");
	return st;
}

/* Given actors and attribution must be the tracker's. */
static fl_status check_names(const fl_import_opts *o, const fl__append_job *j)
{
	fl_import_opts g = j->so;
	g.actors = o->actors, g.nactors = o->nactors, g.attribution = o->attribution;
	fl_status st = fl__import_check_names(&g);
	if (!st)
		st = check_same("attribution", o->attribution, j->so.attribution, j->dir);
	for (size_t i = 0; !st && i < o->nactors; i++) {
		const fl_import_actor *a = &o->actors[i];
		const char *name, *color;
		fl__import_actor(&j->so, a->id, &name, &color);
		bool bad_name = a->name && *a->name && strcmp(a->name, name);
		if (bad_name || (a->color && strcasecmp(a->color, color)))
			st = fl__fail(FL_EARG, "`actors` '%s': %s '%s': the tracker %s was imported with '%s'",
				      a->id, bad_name ? "the name" : "the colour", bad_name ? a->name : a->color,
				      j->dir, bad_name ? name : color);
	}
	return st;
}

/* The tracker's state file, or why it is not one --append adds to. */
static fl_status find_state(const char *dir, char **path)
{
	*path = NULL;
	struct stat sb;
	if (stat(dir, &sb) != 0)
		return fl__fail(FL_ENOTFOUND, "tracker %s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return fl__fail(FL_EINPUT, "tracker %s: not a folder (appending adds to the folder tracker "
				"import-series made)", dir);
	*path = fl__printf("%s/%s", dir, FL__IMPORT_STATE);
	if (!*path)
		return fl__fail(FL_ENOMEM, "out of memory");
	if (stat(*path, &sb) != 0)
		return fl__fail(FL_EINPUT, "tracker %s: not made by import-series (no %s in it): appending "
				"adds only to a tracker import-series made", dir, FL__IMPORT_STATE);
	return FL_OK;
}

/* ------------------------------------------------------ the new dates */
/* Refuse a date the series has, or one before its last. */
static fl_status check_dates(const fl__series *s, const fl__dated *d, size_t nd, const char *dir)
{
	int ndays = CSLCount(s->days);
	const char *last = s->days[ndays - 1];
	fl_instant tlast = 0;
	char ld[16];
	snprintf(ld, sizeof ld, "%.10s", last); /* "DATE FILE" */
	fl_instant_parse(ld, FL_DATE_START, "date", &tlast);
	for (size_t k = 0; k < nd; k++) {
		for (int i = 0; i < ndays; i++)
			if (!strncmp(s->days[i], d[k].date, 10) && s->days[i][10] == ' ')
				return fl__fail(FL_EINPUT, "%s: the date %s is already in the tracker %s "
						"(imported from %s)", d[k].file, d[k].date, dir, s->days[i] + 11);
		if (d[k].when <= tlast)
			return fl__fail(FL_EINPUT, "%s: the date %s is before the tracker's last date %.10s "
					"(%s series): appending adds only the days after it; import the "
					"series again to insert a day", d[k].file, d[k].date, last,
					fl_event_status_name(s->status));
	}
	return FL_OK;
}

/* ------------------------------------------------------ the old gains */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The polygons of the features ids[0, n) of the areas file (NULL where
 * absent), by one pass over it. */
static fl_status read_areas(GEOSContextHandle_t h, const char *path, char **ids, size_t n,
			    GEOSGeometry **out)
{
	const char **sorted = malloc((n + 1) * sizeof *sorted);
	if (!sorted)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		sorted[i] = ids[i];
	qsort(sorted, n, sizeof *sorted, cmp_str);
	GDALDatasetH ds = fl__store_open_file(path, true);
	OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
	fl_status st = l ? FL_OK : fl__fail(FL_EINPUT, "%s: cannot read it", path);
	OGRFeatureH f;
	while (!st && (f = OGR_L_GetNextFeature(l))) {
		int fi = OGR_F_GetFieldIndex(f, "id");
		const char *id = fi >= 0 ? OGR_F_GetFieldAsString(f, fi) : "";
		const char **hit = bsearch(&id, sorted, n, sizeof *sorted, cmp_str);
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		if (hit && og) {
			size_t i = 0;
			while (i < n && strcmp(ids[i], id))
				i++;
			int len = OGR_G_WkbSize(og);
			unsigned char *buf = len > 0 ? malloc((size_t)len) : NULL;
			if (buf && OGR_G_ExportToIsoWkb(og, wkbNDR, buf) == OGRERR_NONE && i < n && !out[i])
				out[i] = fl__geos_from_wkb(h, buf, (size_t)len);
			free(buf);
		}
		OGR_F_Destroy(f);
	}
	if (ds)
		GDALClose(ds);
	free(sorted);
	return st;
}

/* ---------------------------------------------------------- appending */
typedef fl__append_job job;

/* One series' new days: their events into j->evs, its grown extent. */
static fl_status append_series(GEOSContextHandle_t h, job *j, size_t si, const char *areas)
{
	fl__series *s = &j->ser[si];
	fl__dated *d = NULL;
	size_t nd = 0;
	fl_status st = fl__import_read_dates(h, s->files, s->nfiles, &j->so, &d, &nd);
	if (!st)
		st = check_dates(s, d, nd, j->dir);
	/* the day before the first new one, as stored */
	fl__dated *dd = st ? NULL : calloc(nd + 2, sizeof *dd);
	if (!st && !dd)
		st = fl__fail(FL_ENOMEM, "out of memory");
	int ndays = CSLCount(s->days);
	if (!st) {
		const char *last = s->days[ndays - 1];
		snprintf(dd[0].date, sizeof dd[0].date, "%.10s", last);
		dd[0].file = last + 11;
		dd[0].geom = GEOSGeom_clone_r(h, s->last);
		memcpy(dd + 1, d, nd * sizeof *d);
		free(d);
		d = NULL;
	}
	/* the old gains, in date order, then the new */
	char **ids = calloc((size_t)ndays + 2, sizeof *ids);
	GEOSGeometry **gains = calloc((size_t)ndays + nd + 2, sizeof *gains);
	size_t ngains = 0;
	if (!st && (!ids || !gains))
		st = fl__fail(FL_ENOMEM, "out of memory");
	for (int i = 1; !st && i < ndays; i++) {
		char date[16];
		snprintf(date, sizeof date, "%.10s", s->days[i]);
		ev e = fl__import_new_ev(date, s->tag, "", j->so.holder, "", "", "", NULL);
		ids[i - 1] = fl__strdup(e.id);
	}
	char date0[16];
	snprintf(date0, sizeof date0, "%.10s", s->days[0]);
	ev oldext = fl__import_new_ev(date0, s->tag, "extent-", j->so.other, "", "baseline", j->esrc, NULL);
	if (!st)
		st = read_areas(h, areas, ids, (size_t)(ndays > 0 ? ndays - 1 : 0), gains);
	/* a day without a gain has no feature: close the gaps */
	for (int i = 0; gains && i + 1 < ndays; i++)
		if (gains[i])
			gains[ngains++] = gains[i];
	for (size_t i = 0; ids && i < (size_t)ndays; i++)
		free(ids[i]);
	free(ids);
	size_t from = j->nev;
	if (!st)
		st = fl__import_series_events(h, &j->so, s, (int)si, dd, nd + 1, 1, &j->evs, &j->nev, &j->ecap,
					      gains, &ngains, &j->repaired);
	GEOSGeometry *extent = NULL;
	if (!st && j->nev > from) /* no change, no new gain: the extent stays */
		st = fl__import_extent(h, j->ter.geom, gains, ngains, s->first, &extent);
	else
		for (size_t i = 0; i < ngains; i++)
			GEOSGeom_destroy_r(h, gains[i]);
	free(gains);
	if (extent) {
		oldext.area = extent;
		oldext.cls = 0, oldext.status = s->status, oldext.series = (int)si;
		j->ext[si] = oldext;
	}
	for (size_t i = 1; !st && i <= nd; i++) {
		char *day = fl__printf("%s %s", dd[i].date, base_name(dd[i].file));
		j->newdays[si] = day ? CSLAddString(j->newdays[si], day) : NULL;
		free(day);
		if (!j->newdays[si])
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	if (!st && nd)
		j->newlast[si] = GEOSGeom_clone_r(h, dd[nd].geom);
	j->dates += nd;
	if (dd)
		fl__import_free_dates(h, dd, nd + 1);
	else
		fl__import_free_dates(h, d, nd);
	return st;
}

static fl_status assign_files(job *j, const char *const *files, size_t nfiles, const fl_import_opts *o)
{
	for (size_t i = 0; i < j->nser; i++)
		if (!(j->ser[i].files = calloc(nfiles + 1, sizeof *j->ser[i].files)))
			return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nfiles; i++) {
		fl_event_status es = o->file_status && o->file_status[i] >= 0
					     ? (fl_event_status)o->file_status[i]
				     : o->status_unset ? j->ser[0].status : o->status;
		size_t k = 0;
		while (k < j->nser && j->ser[k].status != es)
			k++;
		if (k == j->nser) {
			char have[64] = "";
			for (size_t s = 0; s < j->nser; s++)
				snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", s ? ", " : "",
					 fl_event_status_name(j->ser[s].status));
			return fl__fail(FL_EARG, "%s: `status` %s: the tracker %s has no %s series (it has: %s)",
					files[i], fl_event_status_name(es), j->dir, fl_event_status_name(es), have);
		}
		j->ser[k].files[j->ser[k].nfiles++] = files[i];
	}
	return FL_OK;
}

/* Compute everything, then write it. */
static fl_status run(GEOSContextHandle_t h, job *j, const char *const *files, size_t nfiles,
		     const fl_import_opts *o, const char *state)
{
	fl_status st = assign_files(j, files, nfiles, o);
	fl__folder_writer w;
	if (!st)
		st = fl__folder_begin(j->dir, true, &w);
	if (st)
		return st;
	if (!w.areas)
		st = fl__fail(FL_EINPUT, "tracker %s: no areas file", j->dir);
	for (size_t i = 0; i < j->nser && !st; i++)
		if (j->ser[i].nfiles)
			st = append_series(h, j, i, w.areas);
	fl__import_sort(j->evs, j->nev);
	char *areas = NULL, *events = NULL, *stext = NULL;
	size_t al = 0, el = 0, sl = 0;
	/* days without a change add only to the state */
	bool rows = j->nev > 0;
	for (size_t i = 0; i < j->nser; i++)
		rows = rows || j->ext[i].area;
	if (!st && rows)
		st = fl__append_areas(h, j, w.areas, &areas, &al);
	if (!st && rows)
		st = fl__append_events(j, w.events, &events, &el);
	if (!st) {
		for (size_t i = 0; i < j->nser; i++) {
			for (int k = 0; j->newdays[i] && j->newdays[i][k]; k++)
				j->ser[i].days = CSLAddString(j->ser[i].days, j->newdays[i][k]);
			if (j->newlast[i]) {
				GEOSGeom_destroy_r(h, j->ser[i].last);
				j->ser[i].last = j->newlast[i];
				j->newlast[i] = NULL;
			}
		}
		stext = fl__import_state_text(h, &j->so, j->ser, j->nser, &j->ter, &sl);
		if (!stext)
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	struct stat ss;
	if (!st && stat(state, &ss) != 0)
		st = fl__fail(FL_EIO, "%s: cannot stat: %s", state, strerror(errno));
	if (!st)
		st = fl__check_writable(state, &ss);
	/* the commit: the new features first (the old rows do not see them),
	 * then the rows, then the state */
	if (!st && rows)
		st = fl__replace_file(w.areas, areas, al, &w.arst);
	if (!st && rows)
		st = fl__replace_file(w.events, events, el, &w.evst);
	if (!st)
		st = fl__replace_file(state, stext, sl, &ss);
	free(areas), free(events), free(stext);
	return fl__folder_end(&w, st);
}

fl_status fl_import_append(const char *const *files, size_t nfiles, const fl_import_opts *o,
			   const char *dir, fl_import_result *res)
{
	if (!o || !dir || !*dir)
		return fl__fail(FL_EARG, "`dir` is required");
	if (!nfiles)
		return fl__fail(FL_EARG, "no input files (`nfiles` is 0)");
	char *state = NULL;
	fl_status st = find_state(dir, &state);
	if (!st)
		st = fl__gdal_ready();
	if (st) {
		free(state);
		return st;
	}
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GEOSContextHandle_t h = fl__geos_new();
	job j = {.dir = dir};
	st = fl__import_state_read(h, state, &j.so, &j.ser, &j.nser, &j.ter);
	if (!st)
		st = check_same("holder", o->holder, j.so.holder, dir);
	if (!st)
		st = check_same("other", o->other, j.so.other, dir);
	if (!st)
		st = check_same("source", o->source, j.so.source, dir);
	if (!st)
		st = check_same("date_field", o->date_field, j.so.date_field, dir);
	if (!st)
		st = check_names(o, &j);
	if (!st)
		st = check_extent(h, o, &j);
	if (!st && !(j.esrc = fl__import_extent_source(&j.ter)))
		st = fl__fail(FL_ENOMEM, "out of memory");
	j.so.progress = o->progress;
	j.so.userdata = o->userdata;
	j.ext = calloc(j.nser + 1, sizeof *j.ext);
	j.newlast = calloc(j.nser + 1, sizeof *j.newlast);
	j.newdays = calloc(j.nser + 1, sizeof *j.newdays);
	if (!st && (!j.ext || !j.newlast || !j.newdays))
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = run(h, &j, files, nfiles, o, state);
	if (res) {
		res->dates = j.dates;
		res->events = j.nev;
		res->repaired = j.repaired;
	}
	for (size_t i = 0; i < j.nev; i++)
		GEOSGeom_destroy_r(h, j.evs[i].area);
	free(j.evs);
	for (size_t i = 0; i < j.nser; i++) {
		if (j.ext && j.ext[i].area)
			GEOSGeom_destroy_r(h, j.ext[i].area);
		if (j.newlast && j.newlast[i])
			GEOSGeom_destroy_r(h, j.newlast[i]);
		if (j.newdays)
			CSLDestroy(j.newdays[i]);
	}
	free(j.ext), free(j.newlast), free(j.newdays);
	free(j.esrc);
	fl__import_state_free(h, &j.so, j.ser, j.nser, &j.ter);
	GEOS_finish_r(h);
	CPLPopErrorHandler();
	free(state);
	return st;
}
