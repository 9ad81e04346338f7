/*
 * serve_params.c: the query parameters of `frontline serve` (see
 * serve_params.h).  Nothing here allocates or keeps state, so the functions
 * can be called from any server thread and fed arbitrary bytes by a fuzzer.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "serve_params.h"

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Quote at most 60 bytes of a value for a message, replacing non-printing bytes. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s[i] && i + 4 < len && i < 60; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i] && i + 4 < len) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = 0;
	return buf;
}

static int parse_bound(const fl_tracker *t, const char *s, size_t n, sp_bound *b,
		       const char *whole, char *err, size_t errlen)
{
	char v[SP_VALUE_MAX + 1], q[80];
	memset(b, 0, sizeof *b);
	if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.')) {
		b->open = 1;
		return 0;
	}
	if (n > SP_VALUE_MAX)
		return fail(err, errlen, "datetime '%s': too long", shown(whole, q, sizeof q));
	memcpy(v, s, n);
	v[n] = 0;
	/* RFC 3339 as OGC API asks; fl_instant_parse also takes a few ISO 8601
	 * forms.  A date, or a date-time without offset, is the tracker's (its
	 * time zone's) */
	if (fl_tracker_parse_date(t, v, FL_DATE_START, "datetime", &b->lo) != FL_OK ||
	    fl_tracker_parse_date(t, v, FL_DATE_END, "datetime", &b->hi) != FL_OK) {
		fl_error_clear();
		return fail(err, errlen,
			    "datetime '%s': '%s' is not a date or date-time (expected 2020-11-25, "
			    "2020-11-25T12:00:00Z, D1/D2, ../D2 or D1/..)",
			    shown(whole, q, sizeof q), shown(v, q + 40, sizeof q - 40));
	}
	b->date_only = b->lo != b->hi;
	return 0;
}

int sp_parse_datetime(const char *text, sp_datetime *out, char *err, size_t errlen)
{
	return sp_parse_datetime_in(NULL, text, out, err, errlen);
}

int sp_parse_datetime_in(const fl_tracker *t, const char *text, sp_datetime *out, char *err,
			 size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!text)
		return 0;
	char q[80];
	if (!*text)
		return fail(err, errlen, "datetime is empty");
	if (strlen(text) > 2 * (size_t)SP_VALUE_MAX)
		return fail(err, errlen, "datetime '%s': too long", shown(text, q, sizeof q));
	out->present = 1;
	const char *slash = strchr(text, '/');
	if (!slash) {
		if (strcmp(text, "..") == 0)
			return fail(err, errlen, "datetime '..': an open end needs an interval (D1/..)");
		if (parse_bound(t, text, strlen(text), &out->start, text, err, errlen))
			return -1;
		out->end = out->start;
		return 0;
	}
	if (strchr(slash + 1, '/'))
		return fail(err, errlen, "datetime '%s': more than one '/'", shown(text, q, sizeof q));
	out->interval = 1;
	if (parse_bound(t, text, (size_t)(slash - text), &out->start, text, err, errlen) ||
	    parse_bound(t, slash + 1, strlen(slash + 1), &out->end, text, err, errlen))
		return -1;
	if (!out->start.open && !out->end.open && out->start.lo > out->end.hi)
		return fail(err, errlen, "datetime '%s': the interval ends before it starts",
			    shown(text, q, sizeof q));
	return 0;
}

void sp_datetime_range(const sp_datetime *d, fl_instant *lo, fl_instant *hi)
{
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	if (!d->present)
		return;
	if (!d->start.open)
		*lo = d->start.lo;
	if (!d->end.open)
		*hi = d->end.hi;
}

/* A finite decimal number filling s[0..n). */
static int number(const char *s, size_t n, double *out)
{
	char v[64];
	if (n == 0 || n >= sizeof v)
		return -1;
	memcpy(v, s, n);
	v[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789+-.eE", v[i]))
			return -1; /* no inf, nan, hex, spaces */
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (*end || errno || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

int sp_parse_bbox(const char *text, sp_bbox *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!text)
		return 0;
	char q[80];
	if (strlen(text) > SP_VALUE_MAX)
		return fail(err, errlen, "bbox '%s': too long", shown(text, q, sizeof q));
	double v[6];
	size_t n = 0;
	const char *p = text;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (n == 6 || number(p, len, &v[n]))
			return fail(err, errlen,
				    "bbox '%s': expected 4 numbers minlon,minlat,maxlon,maxlat (or 6 "
				    "with heights)", shown(text, q, sizeof q));
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	if (n != 4 && n != 6)
		return fail(err, errlen,
			    "bbox '%s': expected 4 numbers minlon,minlat,maxlon,maxlat (or 6 with "
			    "heights), got %zu", shown(text, q, sizeof q), n);
	double minx = v[0], miny = v[1], maxx = n == 4 ? v[2] : v[3], maxy = n == 4 ? v[3] : v[4];
	if (n == 6 && v[2] > v[5])
		return fail(err, errlen, "bbox '%s': the lower height is above the upper one",
			    shown(text, q, sizeof q));
	if (minx < -180 || minx > 180 || maxx < -180 || maxx > 180)
		return fail(err, errlen, "bbox '%s': longitudes must be within -180..180",
			    shown(text, q, sizeof q));
	if (miny < -90 || miny > 90 || maxy < -90 || maxy > 90)
		return fail(err, errlen, "bbox '%s': latitudes must be within -90..90",
			    shown(text, q, sizeof q));
	if (miny > maxy)
		return fail(err, errlen, "bbox '%s': the southern edge is north of the northern one",
			    shown(text, q, sizeof q));
	*out = (sp_bbox){1, minx, miny, maxx, maxy};
	return 0;
}

int sp_bbox_intersects(const sp_bbox *q, const double env[4])
{
	if (!q->present)
		return 1;
	if (env[1] > q->maxy || env[3] < q->miny)
		return 0;
	if (q->minx <= q->maxx)
		return !(env[0] > q->maxx || env[2] < q->minx);
	/* across the antimeridian: [minx, 180] or [-180, maxx] */
	return env[2] >= q->minx || env[0] <= q->maxx;
}

static int integer(const char *name, const char *text, long lo, long hi, long *out, char *err,
		   size_t errlen)
{
	char q[80];
	const char *p = text;
	if (!*p)
		return fail(err, errlen, "%s is empty", name);
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return fail(err, errlen, "%s '%s': expected a whole number from %ld to %ld",
				    name, shown(text, q, sizeof q), lo, hi);
	errno = 0;
	long v = strlen(text) > 18 ? LONG_MAX : strtol(text, NULL, 10);
	if (errno || v < lo || v > hi)
		return fail(err, errlen, "%s %s: out of range (%ld to %ld)", name,
			    shown(text, q, sizeof q), lo, hi);
	*out = v;
	return 0;
}

int sp_parse_limit(const char *text, long *out, char *err, size_t errlen)
{
	*out = SP_LIMIT_DEFAULT;
	return text ? integer("limit", text, 1, SP_LIMIT_MAX, out, err, errlen) : 0;
}

int sp_parse_offset(const char *text, long *out, char *err, size_t errlen)
{
	*out = 0;
	return text ? integer("offset", text, 0, 1000000000L, out, err, errlen) : 0;
}

/* Position of a media type in an Accept header, or -1 (no q-value parsing:
 * the first listed wins, q=0 excludes). */
static const char *find_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static long accept_pos(const char *accept, const char *type)
{
	size_t n = strlen(type);
	for (const char *p = accept; (p = find_nocase(p, type)) != NULL; p += n) {
		const char *after = p + n;
		int starts = p == accept || p[-1] == ',' || p[-1] == ' ';
		int ends = !*after || *after == ',' || *after == ';' || *after == ' ';
		if (!starts || !ends)
			continue;
		const char *semi = *after == ';' ? after : NULL;
		if (semi) {
			const char *comma = strchr(semi, ',');
			const char *qz = strstr(semi, "q=0");
			if (qz && (!comma || qz < comma) && !strchr("123456789", qz[3] == '.' ? qz[4] : 'x'))
				continue; /* q=0, q=0.0: not acceptable */
		}
		return p - accept;
	}
	return -1;
}

int sp_parse_format(const char *f, const char *accept, sp_format *out, char *err, size_t errlen)
{
	*out = SP_JSON;
	if (f) {
		char q[80];
		if (!strcmp(f, "json") || !strcmp(f, "geojson"))
			return 0;
		if (!strcmp(f, "html")) {
			*out = SP_HTML;
			return 0;
		}
		return fail(err, errlen, "f '%s': expected json or html", shown(f, q, sizeof q));
	}
	if (!accept)
		return 0;
	long html = accept_pos(accept, "text/html");
	if (html < 0)
		return 0;
	long json = -1;
	const char *jt[] = {"application/json", "application/geo+json", "application/*"};
	for (size_t i = 0; i < 3; i++) {
		long p = accept_pos(accept, jt[i]);
		if (p >= 0 && (json < 0 || p < json))
			json = p;
	}
	if (json < 0 || html < json)
		*out = SP_HTML;
	return 0;
}

int sp_path_check(const char *path, char *err, size_t errlen)
{
	if (!path || path[0] != '/')
		return fail(err, errlen, "the path must start with '/'");
	if (strlen(path) > 1024)
		return fail(err, errlen, "the path is too long");
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return fail(err, errlen, "the path has a control byte or a backslash");
	for (const char *s = path; *s;) {
		const char *seg = s + 1;
		const char *e = strchr(seg, '/');
		size_t n = e ? (size_t)(e - seg) : strlen(seg);
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return fail(err, errlen, "the path has a '.' or '..' segment");
		if (n == 0 && e)
			return fail(err, errlen, "the path has an empty segment ('//')");
		s = seg + n;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t sp_unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		int hi = r[0] == '%' ? hexval(r[1]) : -1, lo = hi >= 0 ? hexval(r[2]) : -1;
		if (lo < 0) {
			*w++ = *r++;
			continue;
		}
		int c = hi * 16 + lo;
		*w++ = (char)(c < 0x20 || c == 0x7f ? 0x7f : c);
		r += 3;
	}
	*w = 0;
	return (size_t)(w - s);
}

int sp_control_check(const char *name, const char *text, const char *what, char *err,
		     size_t errlen)
{
	for (const char *p = text; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			char q[80];
			return fail(err, errlen, "parameter '%s': the %s has a control character "
				    "(such as %%00 or %%0A)", shown(name, q, sizeof q), what);
		}
	return 0;
}
