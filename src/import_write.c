/*
 * import_write.c: the tracker import-series makes: actors.csv, events.csv,
 * areas.geojson and the state file of --append (import_state.c), built in a
 * folder beside the target and renamed into place at the end (whole or not
 * at all); and the rows and features --append adds (import_append.c), in
 * the same bytes.
 */
#include "gdal_load.h"
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "import_priv.h"
#include "sink.h"
#include "store/csv.h"
#include "store/folder.h"
#include "store/store.h"
#include "util.h"

static const char *const ecols[] = {"id",   "date", "regions", "area",   "to",
				    "from", "kind", "status",  "source", "note", NULL};

fl_status fl__import_event_row(const fl__import_ev *e, char **cols, const char *eol, char **buf,
			       size_t *len, size_t *cap)
{
	fl__event_row r = {.id = e->id, .date = e->date, .to = e->to, .from = e->from, .kind = e->kind,
			   .status = fl_event_status_name(e->status), .source = e->source,
			   .note = "imported by frontline import-series", .area = e->id};
	size_t n = (size_t)CSLCount(cols);
	const char **v = calloc(n + 1, sizeof *v);
	if (!v)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t c = 0; c < n; c++) {
		const char *x = fl__event_row_value(&r, cols[c]);
		v[c] = !x || !strcmp(cols[c], "partial") ? "" : x;
	}
	bool ok = fl__csv_record(buf, len, cap, v, n, eol);
	free(v);
	return ok ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
}

/* The events' polygons as areas.geojson (malloc'd, *len bytes). */
static fl_status areas_text(GEOSContextHandle_t h, const fl__import_ev *evs, size_t nev,
			    unsigned char **buf, size_t *len)
{
	static const fl__field fields[] = {{"id", FL__STR}};
	fl__sink *k = NULL;
	fl_status st = fl__sink_open(NULL, "GeoJSON", "areas", fields, 1, true, &k);
	for (size_t i = 0; i < nev && !st; i++) {
		fl__value v[1] = {{.s = evs[i].id}};
		st = fl__sink_add(k, v, h, evs[i].area);
	}
	if (!st)
		return fl__sink_commit_mem(k, buf, len);
	if (k)
		fl__sink_abort(k);
	return st;
}

char **fl__import_area_lines(GEOSContextHandle_t h, const fl__import_ev *evs, size_t nev)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	if (areas_text(h, evs, nev, &buf, &len))
		return NULL;
	/* one feature per line (geojson.c), after the line "features": [ */
	char **lines = NULL;
	bool in = false;
	for (char *p = (char *)buf, *e; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (in && n && p[0] == '{') {
			if (p[n - 1] == ',')
				n--;
			char *x = fl__printf("%.*s", (int)n, p);
			lines = x ? CSLAddString(lines, x) : lines;
			free(x);
		} else if (!in && !strncmp(p, "\"features\"", 10))
			in = true;
	}
	free(buf);
	if ((size_t)CSLCount(lines) != nev) {
		CSLDestroy(lines);
		fl__fail(FL_EIO, "areas: not one feature per line");
		return NULL;
	}
	return lines;
}

/* buf into the new file path, flushed to disk. */
static fl_status write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	fl_status st = FL_OK;
	if (!f)
		return fl__fail(FL_EIO, "%s: cannot write: %s", path, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fflush(f) || fsync(fileno(f)))
		st = fl__fail(FL_EIO, "%s: cannot write: %s", path, strerror(errno));
	if (fclose(f) && !st)
		st = fl__fail(FL_EIO, "%s: cannot write: %s", path, strerror(errno));
	return st;
}

/* README.md: what the tracker is made of, and the attribution line that
 * `render` credits on every map (render_legend.c). */
static fl_status write_readme(const char *dir, const fl_import_opts *o, const fl__territory *ter)
{
	const char *hn, *hc, *on, *oc;
	fl__import_actor(o, o->holder, &hn, &hc);
	fl__import_actor(o, o->other, &on, &oc);
	char *p = fl__printf("%s/README.md", dir);
	char *text = fl__printf(
		"# %s and %s: a tracker made by frontline import-series\n\n"
		"Made by `frontline import-series` from a series of dated control polygons: %s (%s) holds\n"
		"the area inside each date's polygons, %s (%s) the rest of the territory: %s%s.\n\n"
		"Attribution: %s\n",
		hn, on, hn, o->holder, on, o->other, ter->desc ? ter->desc : "the union of every date's area",
		ter->desc ? " and every date's area" : "", o->attribution);
	fl_status st = p && text ? write_file(p, text, strlen(text)) : fl__fail(FL_ENOMEM, "out of memory");
	free(p), free(text);
	return st;
}

/* The new tracker's files, written by the folder store (store/folder.c). */
static fl_status write_tracker(GEOSContextHandle_t h, const char *dir, const fl_import_opts *o,
			       const fl__import_ev *evs, size_t nev, const fl__series *ser, size_t nser,
			       const fl__territory *ter)
{
	static const char *const acols[] = {"id", "name", "color", "kind", "note"};
	const char *hn, *hc, *on, *oc;
	fl__import_actor(o, o->holder, &hn, &hc);
	fl__import_actor(o, o->other, &on, &oc);
	const char *const actors[] = {o->holder, hn, hc, "control",
				      "holds the area inside the imported polygons",
				      o->other,	 on, oc, "control",
				      "holds the rest of the extent"};
	fl_status st = fl__folder_write_table(dir, "actors", acols, 5, actors, 2);
	if (!st && o->attribution)
		st = write_readme(dir, o, ter);
	if (st)
		return st;
	const char **cells = calloc(nev * 10 + 1, sizeof *cells);
	if (!cells)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nev; i++) {
		const char **c = cells + i * 10;
		c[0] = evs[i].id, c[1] = evs[i].date, c[2] = "", c[3] = evs[i].id, c[4] = evs[i].to;
		c[5] = evs[i].from, c[6] = evs[i].kind, c[7] = fl_event_status_name(evs[i].status);
		c[8] = evs[i].source, c[9] = "imported by frontline import-series";
	}
	st = fl__folder_write_table(dir, "events", ecols, 10, cells, nev);
	free(cells);
	if (st)
		return st;
	char *p = fl__folder_new_file(dir, "areas");
	unsigned char *buf = NULL;
	size_t len = 0;
	st = p ? areas_text(h, evs, nev, &buf, &len) : fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = write_file(p, buf, len);
	free(p), free(buf);
	if (st)
		return st;
	char *sp = fl__printf("%s/%s", dir, FL__IMPORT_STATE);
	char *state = sp ? fl__import_state_text(h, o, ser, nser, ter, &len) : NULL;
	st = state ? write_file(sp, state, len) : fl__fail(FL_ENOMEM, "out of memory");
	free(sp), free(state);
	return st;
}

/* The new folder tmp with the tracker in it. */
static fl_status write_tracker_in(GEOSContextHandle_t h, const char *tmp, const fl_import_opts *o,
				  const fl__import_ev *evs, size_t nev, const fl__series *ser, size_t nser,
				  const fl__territory *ter)
{
	if (mkdir(tmp, 0755))
		return fl__fail(FL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
	return write_tracker(h, tmp, o, evs, nev, ser, nser, ter);
}

fl_status fl__import_write(GEOSContextHandle_t h, const char *out_dir, const fl_import_opts *o,
			   const fl__import_ev *evs, size_t nev, const fl__series *ser, size_t nser,
			   const fl__territory *ter)
{
	char *tmp = fl__printf("%s.tmp-%ld", out_dir, (long)getpid());
	fl_status st = write_tracker_in(h, tmp, o, evs, nev, ser, nser, ter);
	if (!st && rename(tmp, out_dir))
		st = fl__fail(FL_EIO, "`out_dir` %s: cannot create: %s", out_dir, strerror(errno));
	if (st && tmp) {
		char *files3[] = {"actors.csv", "events.csv", "areas.geojson", FL__IMPORT_STATE, "README.md"};
		for (int i = 0; i < 5; i++) {
			char *q = fl__printf("%s/%s", tmp, files3[i]);
			unlink(q);
			free(q);
		}
		rmdir(tmp);
	}
	free(tmp);
	return st;
}
