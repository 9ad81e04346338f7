/*
 * store/folder.c: writing a folder tracker: appending an event under the
 * lock, and the files of a new tracker.
 *
 * The folder's files are text that people edit and diff (the layout:
 * store.c).  An event is appended by rewriting events.csv whole: the old
 * bytes, re-read under the writers' lock (replace.c), plus one row quoted by
 * the folder's CSV rule (csv.c), with the line ending the file already uses
 * (a CRLF file stays CRLF); a column the event needs and the file lacks
 * (area, corrects) is added empty to every other row.  The new file is
 * written to a temporary file, fsync'd and renamed over the old one, keeping
 * its mode, group and owner; the folder is fsync'd after.  A polygon goes
 * into areas.geojson the same way before, inserted as one more feature
 * before the `]` that closes the features array so the rest of the file
 * stays as it is; the events.csv rename then commits both.
 *
 * A new tracker (import) is written file by file into a folder that is
 * renamed into place once whole: each table by the same CSV rule.
 */
#include "../gdal_load.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csv.h"
#include "folder.h"
#include "replace.h"
#include <geos_c.h>
#include "../fail.h"
#include "../sink.h"
#include "../util.h"
#include "../geo.h"

/* ------------------------------------------------------------ CSV text */
/* The line ending of a text file: CRLF when its first line ends so. */
static const char *line_ending(const char *buf, size_t len)
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;
	return nl && nl > buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* The header's column names (the first record of the file). */
char **fl__csv_header_names(const char *buf)
{
	char **cols = NULL;
	const char *p = buf;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (;;) {
		const char *e = p;
		while (*e && *e != ',' && *e != '\n' && *e != '\r')
			e++;
		char *name = fl__printf("%.*s", (int)(e - p), p);
		size_t nl = name ? strlen(name) : 0;
		if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
			memmove(name, name + 1, nl - 2);
			name[nl - 2] = 0;
		}
		cols = name ? CSLAddString(cols, name) : cols;
		free(name);
		if (*e != ',')
			break;
		p = e + 1;
	}
	return cols;
}

/* buf with one more empty column at the end of every record. */
static char *csv_add_column(const char *buf, size_t len, const char *name, size_t *outlen)
{
	size_t cap = len * 2 + 64, n = 0;
	char *o = malloc(cap);
	if (!o)
		return NULL;
	bool inq = false, header = true;
	for (size_t i = 0; i <= len; i++) {
		char c = '\0';
		if (i < len)
			c = buf[i];
		bool eol = i == len || (!inq && (c == '\n' || c == '\r'));
		if (eol) {
			/* end of a record (skip the '\n' of "\r\n" and blank lines) */
			bool blank = n == 0 || o[n - 1] == '\n';
			if (!blank) {
				if (header) {
					size_t k = strlen(name);
					o[n++] = ',';
					/* a field of the CSV line, not a C string: no NUL */
					memcpy(o + n, name, k); // NOLINT(bugprone-not-null-terminated-result)
					n += k;
					header = false;
				} else
					o[n++] = ',';
			}
			if (i == len)
				break;
			o[n++] = c;
			if (c == '\r' && i + 1 < len && buf[i + 1] == '\n')
				o[n++] = buf[++i];
			continue;
		}
		if (c == '"')
			inq = !inq;
		o[n++] = c;
	}
	*outlen = n;
	return o;
}

/* ------------------------------------------------------------ the lock */
fl_status fl__folder_begin(const char *dir, bool with_area, fl__folder_writer *w)
{
	memset(w, 0, sizeof *w);
	w->dir = dir;
	w->fd = -1;
	w->events = fl__store_file(dir, "events");
	if (!w->events)
		return fl__fail(FL_ENOTFOUND, "tracker '%s': missing events.%s", dir,
				fl__store_layer_spec("events")->exts[0]);
	fl_status st = FL_OK;
	w->fd = fl__lock_file(w->events, &st);
	if (w->fd < 0) {
		free(w->events);
		w->events = NULL;
		return st;
	}
	w->areas = fl__store_file(dir, "areas");
	/* the files the record replaces keep their mode, group and owner; one
	 * that may not be written is refused, not replaced */
	w->have_areas = w->areas && stat(w->areas, &w->arst) == 0;
	if (fstat(w->fd, &w->evst) != 0)
		st = fl__fail(FL_EIO, "%s: cannot stat: %s", w->events, strerror(errno));
	if (!st)
		st = fl__check_writable(w->events, &w->evst);
	if (!st && with_area && w->have_areas)
		st = fl__check_writable(w->areas, &w->arst);
	return st ? fl__folder_end(w, st) : FL_OK;
}

fl_status fl__folder_end(fl__folder_writer *w, fl_status st)
{
	if (!st)
		st = fl__fsync_dir(w->dir);
	if (w->fd >= 0)
		close(w->fd); /* releases the lock */
	free(w->events);
	free(w->areas);
	memset(w, 0, sizeof *w);
	w->fd = -1;
	return st;
}

/* -------------------------------------------------------- areas.geojson */
static char *geojson_feature(GEOSContextHandle_t h, const GEOSGeometry *g, const char *id)
{
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(h, g, &len);
	OGRGeometryH og = NULL;
	char *r = NULL;
	if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
		char **opts = CSLSetNameValue(NULL, "SIGNIFICANT_FIGURES", "17");
		char *js = OGR_G_ExportToJsonEx(og, opts);
		CSLDestroy(opts);
		if (js)
			r = fl__printf("{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\"},\"geometry\":%s}", id,
				       js);
		CPLFree(js);
	}
	if (og)
		OGR_G_DestroyGeometry(og);
	free(wkb);
	return r;
}

/* areas.geojson with one more feature: inserted before the `]` that closes
 * the features array, leaving the rest of the file as it is. */
static char *areas_append(const char *old, size_t oldlen, const char *feature, size_t *outlen)
{
	if (!old) {
		char *r = fl__printf("{\"type\":\"FeatureCollection\",\"features\":[\n%s\n]}\n", feature);
		*outlen = r ? strlen(r) : 0;
		return r;
	}
	size_t i = oldlen;
	while (i > 0 && strchr(" \t\r\n", old[i - 1]))
		i--;
	if (i == 0 || old[i - 1] != '}')
		return NULL;
	i--;
	while (i > 0 && strchr(" \t\r\n", old[i - 1]))
		i--;
	if (i == 0 || old[i - 1] != ']')
		return NULL;
	size_t close = i - 1, j = close;
	while (j > 0 && strchr(" \t\r\n", old[j - 1]))
		j--;
	bool empty = j > 0 && old[j - 1] == '[';
	const char *eol = line_ending(old, oldlen);
	char *r = fl__printf("%.*s%s%s%s%s%s", (int)close, old, empty ? "" : ",", eol, feature, eol, old + close);
	*outlen = r ? strlen(r) : 0;
	return r;
}

/* Write areas.geojson with the polygon added, as events.csv is shared when
 * the folder has none yet. */
static fl_status write_area(const fl__folder_writer *w, const char *id, GEOSContextHandle_t h,
			    const GEOSGeometry *area, const char *what)
{
	size_t olen = 0, nlen = 0;
	char *apath = w->areas ? w->areas : fl__folder_new_file(w->dir, "areas");
	char *old = w->areas ? fl__slurp(w->areas, &olen) : NULL;
	char *feature = geojson_feature(h, area, id), *all = NULL;
	fl_status st = FL_OK;
	if (w->areas && !old)
		st = fl__fail(FL_EIO, "%s: cannot read: %s", w->areas, strerror(errno));
	else if (!feature)
		st = fl__fail(FL_EGEOM, "%s: cannot write the polygon as GeoJSON", what);
	else if (!(all = areas_append(old, olen, feature, &nlen)))
		st = fl__fail(FL_EINPUT, "%s: not a FeatureCollection ending in its features array",
			      apath);
	else /* a new areas.geojson is shared as events.csv is */
		st = fl__replace_file(apath, all, nlen, w->have_areas ? &w->arst : &w->evst);
	if (apath != w->areas)
		free(apath);
	free(old), free(feature), free(all);
	return st;
}

/* ----------------------------------------------------------- events.csv */
/* events.csv as it is (*buf, *len) with the columns the event needs and the
 * file lacks; its header's names in *cols. */
static fl_status add_columns(const fl__event_row *e, char **buf, size_t *len, char ***cols)
{
	*cols = fl__csv_header_names(*buf);
	const char *need[] = {e->area ? "area" : NULL, e->corrects ? "corrects" : NULL,
			      e->recorded ? "recorded" : NULL,
			      e->partial && !strcmp(e->partial, "true") ? "partial" : NULL};
	for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
		if (!need[k] || CSLFindString(*cols, need[k]) >= 0)
			continue;
		size_t nl = 0;
		char *withcol = csv_add_column(*buf, *len, need[k], &nl);
		if (!withcol)
			return fl__fail(FL_ENOMEM, "out of memory");
		free(*buf);
		*buf = withcol;
		*len = nl;
		*cols = CSLAddString(*cols, need[k]);
	}
	return FL_OK;
}

/* The row of e under the header cols, ending as buf's lines end (and
 * after a line break when buf does not end in one). */
static char *event_row(const fl__event_row *e, char **cols, const char *buf, size_t len,
		       size_t *rlen)
{
	const char *eol = line_ending(buf, len); /* a CRLF file stays CRLF */
	size_t n = (size_t)CSLCount(cols), cap = 0;
	const char **v = calloc(n + 1, sizeof *v);
	char *row = NULL;
	*rlen = 0;
	bool ok = v && (!len || buf[len - 1] == '\n' || fl__text_put(&row, rlen, &cap, eol, strlen(eol)));
	for (size_t c = 0; ok && c < n; c++) {
		const char *x = fl__event_row_value(e, cols[c]);
		v[c] = x ? x : "";
	}
	ok = ok && fl__csv_record(&row, rlen, &cap, v, n, eol);
	free(v);
	if (!ok) {
		free(row);
		return NULL;
	}
	return row;
}

fl_status fl__folder_append(fl__folder_writer *w, const fl__event_row *e, GEOSContextHandle_t h,
			    const GEOSGeometry *area, const char *what)
{
	size_t len = 0, rlen = 0;
	char **cols = NULL, *row = NULL, *buf = fl__slurp(w->events, &len);
	fl_status st = buf ? FL_OK : fl__fail(FL_EIO, "%s: cannot read: %s", w->events, strerror(errno));
	if (!st)
		st = add_columns(e, &buf, &len, &cols);
	if (!st && !(row = event_row(e, cols, buf, len, &rlen)))
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st && area)
		st = write_area(w, e->id, h, area, what);
	if (!st) {
		/* the commit point */
		char *all = malloc(len + rlen + 1);
		if (!all)
			st = fl__fail(FL_ENOMEM, "out of memory");
		else {
			memcpy(all, buf, len);
			memcpy(all + len, row, rlen);
			st = fl__replace_file(w->events, all, len + rlen, &w->evst);
			free(all);
		}
	}
	CSLDestroy(cols);
	free(buf), free(row);
	return st;
}

/* ------------------------------------------------------- a new tracker */
char *fl__folder_new_file(const char *dir, const char *name)
{
	const fl__layer_spec *l = fl__store_layer_spec(name);
	return fl__printf("%s/%s.%s", dir, name, l ? l->exts[0] : "csv");
}

fl_status fl__folder_write_table(const char *dir, const char *name, const char *const *cols,
				 size_t ncols, const char *const *cells, size_t nrows)
{
	char *p = fl__folder_new_file(dir, name), *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = p && fl__csv_record(&buf, &len, &cap, cols, ncols, "\n");
	for (size_t i = 0; ok && i < nrows; i++)
		ok = fl__csv_record(&buf, &len, &cap, cells + i * ncols, ncols, "\n");
	if (!ok) {
		free(p), free(buf);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	fl_status st = FL_OK;
	FILE *f = fopen(p, "w");
	if (!f)
		st = fl__fail(FL_EIO, "%s: cannot write: %s", p, strerror(errno));
	else {
		if (fwrite(buf, 1, len, f) != len || fflush(f) || fsync(fileno(f)))
			st = fl__fail(FL_EIO, "%s: cannot write: %s", p, strerror(errno));
		fclose(f);
	}
	free(p), free(buf);
	return st;
}
