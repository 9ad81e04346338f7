/*
 * import_rewrite.c: the files --append rewrites (import_append.c): the new
 * areas.geojson and events.csv, each the old text with the new features
 * and rows where one import of all the days would have written them, the
 * old features and records kept byte for byte.
 *
 * areas.geojson, as import-series and record write it, holds one feature
 * per line; a grown extent's line is replaced in place.  A new extent goes
 * after the extents of the series before it, a day's event before that
 * date's events of a later series (a series appended on its own), else at
 * the end: the order of one import (fl__import_sort).
 */
#include "gdal_load.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "geojson.h"
#include "import_priv.h"
#include "store/folder.h"
#include "store/replace.h"
#include "util.h"

typedef fl__import_ev ev;
typedef fl__append_job job;

/* ------------------------------------------------- areas.geojson lines */
typedef struct lines {
	char **v; /* CSL: every line of the file, without its end */
	size_t first, end; /* the feature lines: v[first, end) */
	const char *eol;
} lines;

static fl_status split_areas(const char *path, const char *buf, size_t len, lines *L)
{
	memset(L, 0, sizeof *L);
	L->eol = memchr(buf, '\r', len) ? "\r\n" : "\n";
	for (const char *p = buf; p < buf + len;) {
		const char *e = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(buf + len - p);
		if (n && p[n - 1] == '\r')
			n--;
		char *x = fl__printf("%.*s", (int)n, p);
		if (!x)
			return fl__fail(FL_ENOMEM, "out of memory");
		L->v = CSLAddString(L->v, x);
		free(x);
		p = e ? e + 1 : buf + len;
	}
	if (!L->v)
		return fl__fail(FL_EINPUT, "%s: empty", path);
	size_t n = (size_t)CSLCount(L->v), i = 0;
	while (i < n && strncmp(L->v[i], "\"features\"", 10))
		i++;
	L->first = L->end = i + 1;
	/* the feature lines; a line of a lone comma (record puts one before the
	 * feature it adds) is dropped: join_areas puts the commas back */
	for (size_t k = L->first; k < n; k++) {
		bool sep = strspn(L->v[k], ", \t") == strlen(L->v[k]) && strchr(L->v[k], ',');
		if (sep) {
			free(L->v[k]);
			memmove(L->v + k, L->v + k + 1, (n - k) * sizeof *L->v); /* with the NULL */
			n--, k--;
		} else if (L->v[k][0] == '{')
			L->end = k + 1;
		else
			break;
	}
	for (size_t k = L->first; k < L->end; k++) {
		size_t m = strlen(L->v[k]);
		if (m && L->v[k][m - 1] == ',')
			L->v[k][m - 1] = 0;
		if (!m || L->v[k][strlen(L->v[k]) - 1] != '}')
			L->end = 0;
	}
	if (i >= n || L->end >= n || L->end == 0 || L->v[L->end][0] != ']')
		return fl__fail(FL_EINPUT, "%s: not one feature per line as import-series writes it", path);
	return FL_OK;
}

/* The feature line of id, or -1. */
static long find_feature(const lines *L, const char *id)
{
	fl__gj_text a = {0}, b = {0};
	fl__gj_put(&a, "\"properties\": { \"id\": ", 22);
	fl__gj_string(&a, id, strlen(id), false);
	fl__gj_put(&b, "\"properties\":{\"id\":", 19);
	fl__gj_string(&b, id, strlen(id), false);
	long r = -1;
	for (size_t k = L->first; !a.oom && !b.oom && k < L->end && r < 0; k++) {
		const char *p = strstr(L->v[k], a.p), *q = strstr(L->v[k], b.p);
		if ((p && strchr(" ,}", p[a.len])) || (q && strchr(" ,}", q[b.len])))
			r = (long)k;
	}
	free(a.p), free(b.p);
	return r;
}

static fl_status insert_line(lines *L, size_t at, const char *text)
{
	size_t n = (size_t)CSLCount(L->v);
	L->v = CSLAddString(L->v, text);
	if (!L->v)
		return fl__fail(FL_ENOMEM, "out of memory");
	char *x = L->v[n];
	memmove(L->v + at + 1, L->v + at, (n - at) * sizeof *L->v);
	L->v[at] = x;
	L->end++;
	return FL_OK;
}

static char *join_areas(const lines *L, size_t *len)
{
	fl__gj_text b = {0};
	size_t el = strlen(L->eol);
	for (size_t k = 0; L->v[k]; k++) {
		fl__gj_put(&b, L->v[k], strlen(L->v[k]));
		if (k >= L->first && k + 1 < L->end)
			fl__gj_put(&b, ",", 1);
		fl__gj_put(&b, L->eol, el);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* -------------------------------------------------------- events.csv */
/* The byte offset of each record of a CSV text (quotes kept in mind), and
 * its first field; *n records. */
static fl_status csv_records(const char *buf, size_t len, size_t **at, char ***first, size_t *n)
{
	size_t cap = 0;
	*at = NULL, *first = NULL, *n = 0;
	bool inq = false, start = true;
	for (size_t i = 0; i < len; i++) {
		if (start && buf[i] != '\n' && buf[i] != '\r') {
			size_t *v = fl__grow(*at, &cap, *n + 1, sizeof *v);
			if (!v)
				return fl__fail(FL_ENOMEM, "out of memory");
			*at = v;
			(*at)[(*n)++] = i;
			size_t e = i;
			while (e < len && buf[e] != ',' && buf[e] != '\n' && buf[e] != '\r')
				e++;
			char *x = fl__printf("%.*s", (int)(e - i), buf + i);
			*first = x ? CSLAddString(*first, x) : NULL;
			free(x);
			if (!*first)
				return fl__fail(FL_ENOMEM, "out of memory");
			start = false;
		}
		if (buf[i] == '"')
			inq = !inq;
		else if (!inq && buf[i] == '\n')
			start = true;
	}
	return FL_OK;
}

/* Whether id is an event of date `date` of a series after `series` (their
 * ids carry their tags; only the first series has none). */
static bool of_later_series(const job *j, const char *id, const char *date, int series)
{
	size_t dl = strlen(date);
	if (strncmp(id, date, dl) || id[dl] != '-')
		return false;
	for (size_t k = (size_t)series + 1; k < j->nser; k++)
		if (j->ser[k].tag[0] && !strncmp(id + dl + 1, j->ser[k].tag, strlen(j->ser[k].tag)))
			return true;
	return false;
}

/* Where a new event goes among the rows (or features) ids[0, n), as one
 * import would have placed it: a new extent after the extents of the
 * series before it; a day's event before that date's events of a later
 * series (a series appended on its own), else at the end. */
static size_t place(const job *j, char **ids, size_t from, size_t n, const ev *e)
{
	if (e->cls == 0) {
		size_t r = from;
		for (size_t s = 0; s < (size_t)e->series; s++) {
			char d0[16];
			snprintf(d0, sizeof d0, "%.10s", j->ser[s].days[0]);
			ev x = fl__import_new_ev(d0, j->ser[s].tag, "extent-", j->so.other, "", "", "", NULL);
			if (r < n && !strcmp(ids[r], x.id))
				r++;
		}
		return r;
	}
	for (size_t r = from; r < n; r++)
		if (of_later_series(j, ids[r], e->date, e->series))
			return r;
	return n;
}

/* The id of a feature line ("" when it has none). */
static char *line_id(const char *line)
{
	const char *p = strstr(line, "\"id\":");
	if (!p)
		return fl__strdup("");
	p += 5;
	while (*p == ' ')
		p++;
	const char *e = *p == '"' ? strchr(p + 1, '"') : NULL;
	return e ? fl__printf("%.*s", (int)(e - p - 1), p + 1) : fl__strdup("");
}

/* The new events in the order to add them: the new extents, then the
 * days' events (j->evs, sorted); *n of them (NULL when out of memory). */
static ev *new_list(const job *j, size_t *n)
{
	ev *all = calloc(j->nser + j->nev + 1, sizeof *all);
	*n = 0;
	for (size_t i = 0; all && i < j->nser; i++)
		if (j->ext[i].area)
			all[(*n)++] = j->ext[i];
	for (size_t i = 0; all && i < j->nev; i++)
		all[(*n)++] = j->evs[i];
	return all;
}

/* areas.geojson with the grown extents in place and the new features where
 * one import would have written them. */
fl_status fl__append_areas(GEOSContextHandle_t h, job *j, const char *path, char **out, size_t *outlen)
{
	size_t len = 0;
	char *buf = fl__slurp(path, &len);
	if (!buf)
		return fl__fail(FL_EIO, "%s: cannot read: %s", path, strerror(errno));
	lines L;
	fl_status st = split_areas(path, buf, len, &L);
	free(buf);
	size_t n = 0;
	ev *all = st ? NULL : new_list(j, &n);
	char **fl = !all ? NULL : fl__import_area_lines(h, all, n);
	if (!st && !fl)
		st = all ? FL_EIO : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < n; i++) {
		long at = find_feature(&L, all[i].id);
		if (at >= 0) { /* a grown extent, or a feature left by an append
				* that stopped before events.csv */
			free(L.v[at]);
			L.v[at] = fl__strdup(fl[i]);
			st = L.v[at] ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
			continue;
		}
		size_t end = L.end;
		char **ids = calloc(end + 1, sizeof *ids);
		for (size_t k = L.first; ids && k < end; k++)
			ids[k] = line_id(L.v[k]);
		st = ids ? insert_line(&L, place(j, ids, L.first, end, &all[i]), fl[i])
			 : fl__fail(FL_ENOMEM, "out of memory");
		for (size_t k = L.first; ids && k < end; k++)
			free(ids[k]);
		free(ids);
	}
	if (!st && !(*out = join_areas(&L, outlen)))
		st = fl__fail(FL_ENOMEM, "out of memory");
	CSLDestroy(fl);
	CSLDestroy(L.v);
	free(all);
	return st;
}

/* events.csv with the new rows where one import would have written them:
 * the old records kept byte for byte. */
fl_status fl__append_events(job *j, const char *path, char **out, size_t *outlen)
{
	size_t len = 0, nrec = 0, *at = NULL;
	char **first = NULL;
	char *buf = fl__slurp(path, &len);
	if (!buf)
		return fl__fail(FL_EIO, "%s: cannot read: %s", path, strerror(errno));
	const char *nl = memchr(buf, '\n', len);
	const char *eol = nl && nl > buf && nl[-1] == '\r' ? "\r\n" : "\n";
	char **cols = fl__csv_header_names(buf);
	fl_status st = cols ? csv_records(buf, len, &at, &first, &nrec) : fl__fail(FL_ENOMEM, "out of memory");
	size_t n = 0;
	ev *all = st ? NULL : new_list(j, &n);
	if (!st && !all)
		st = fl__fail(FL_ENOMEM, "out of memory");
	/* each new row's place: a record index, in 1..nrec */
	size_t *pos = calloc(n + 1, sizeof *pos);
	if (!st && !pos)
		st = fl__fail(FL_ENOMEM, "out of memory");
	/* rows already there: a grown extent's stays; a day's was written by an
	 * append stopped before the state, and is written again in its place */
	size_t *repl = calloc(n + 1, sizeof *repl);
	if (!st && !repl)
		st = fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < n; i++) {
		int r = CSLFindString(first, all[i].id);
		pos[i] = r >= 1 ? SIZE_MAX : place(j, first, 1, nrec, &all[i]);
		repl[i] = r >= 1 && all[i].cls != 0 ? (size_t)r : 0;
	}
	fl__gj_text b = {0};
	bool ends = !len || buf[len - 1] == '\n';
	for (size_t r = 0; !st && r <= nrec; r++) {
		size_t s0 = r < nrec ? at[r] : len, s1 = r + 1 < nrec ? at[r + 1] : len;
		for (size_t i = 0; !st && r > 0 && i < n; i++)
			if (pos[i] == r) {
				char *row = NULL;
				size_t rl = 0, rc = 0;
				st = fl__import_event_row(&all[i], cols, eol, &row, &rl, &rc);
				fl__gj_put(&b, row, rl);
				free(row);
			}
		size_t again = 0;
		for (size_t i = 0; r > 0 && i < n; i++)
			if (repl[i] == r)
				again = i + 1;
		if (again) {
			char *row = NULL;
			size_t rl = 0, rc = 0;
			st = fl__import_event_row(&all[again - 1], cols, eol, &row, &rl, &rc);
			fl__gj_put(&b, row, rl);
			free(row);
		} else if (r < nrec) {
			fl__gj_put(&b, buf + s0, s1 - s0);
			if (r + 1 == nrec && !ends)
				fl__gj_put(&b, eol, strlen(eol));
		}
	}
	if (!st && b.oom)
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st) {
		*out = b.p;
		*outlen = b.len;
	} else
		free(b.p);
	CSLDestroy(cols), CSLDestroy(first);
	free(at), free(buf), free(all), free(pos), free(repl);
	return st;
}
