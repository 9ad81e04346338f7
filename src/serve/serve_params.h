/*
 * serve_params.h: parsing the query parameters of `frontline serve`
 * (datetime, bbox, limit, offset, f) and checking request paths.
 *
 * Pure functions with no server state: each takes the raw text (NULL when the
 * parameter is absent), fills an output struct and returns 0, or returns -1
 * and writes a one-line message for a 400 response into err (errlen bytes,
 * always NUL-terminated).  They are unit-tested (tests/unit/test_serve_params.c)
 * and meant to be fuzzed: they must accept any byte string.
 */
#ifndef FL_SERVE_PARAMS_H
#define FL_SERVE_PARAMS_H
#include <stddef.h>
#include <frontline/frontline.h>

#define SP_LIMIT_DEFAULT 1000
#define SP_LIMIT_MAX 10000
/* longest parameter value looked at; longer ones are refused */
#define SP_VALUE_MAX 256

/* One end of a datetime.  A date-only value covers a whole day: lo is its
 * first second, hi its last; a date-time has lo == hi.  `open` is "..". */
typedef struct sp_bound {
	int open;
	int date_only;
	fl_instant lo, hi;
} sp_bound;

/* datetime per OGC API - Features: an instant "D", an interval "D1/D2",
 * half-bounded "../D2", "D1/.." (an empty end is open too).  An instant
 * has start == end. */
typedef struct sp_datetime {
	int present;
	int interval;
	sp_bound start, end;
} sp_datetime;

int sp_parse_datetime(const char *text, sp_datetime *out, char *err, size_t errlen);
/* The same for tracker t: a date, or a date-time without offset, in t's
 * time zone (fl_tracker_time_zone; NULL: UTC, as sp_parse_datetime). */
int sp_parse_datetime_in(const fl_tracker *t, const char *text, sp_datetime *out, char *err,
			 size_t errlen);

/* The instants an interval or instant covers, for filtering: [*lo, *hi]
 * with open ends at INT64_MIN / INT64_MAX (a date-only start begins at
 * 00:00:00, a date-only end ends at 23:59:59). */
void sp_datetime_range(const sp_datetime *d, fl_instant *lo, fl_instant *hi);

/* bbox=minlon,minlat,maxlon,maxlat (or 6 numbers with heights), WGS 84.
 * minlon > maxlon is a box across the antimeridian. */
typedef struct sp_bbox {
	int present;
	double minx, miny, maxx, maxy;
} sp_bbox;

int sp_parse_bbox(const char *text, sp_bbox *out, char *err, size_t errlen);

/* Does the query box intersect the feature envelope [minx, miny, maxx, maxy]? */
int sp_bbox_intersects(const sp_bbox *q, const double env[4]);

/* limit: 1..SP_LIMIT_MAX, default SP_LIMIT_DEFAULT; offset: >= 0, default 0. */
int sp_parse_limit(const char *text, long *out, char *err, size_t errlen);
int sp_parse_offset(const char *text, long *out, char *err, size_t errlen);

typedef enum sp_format { SP_JSON = 0, SP_HTML = 1 } sp_format;

/* f=json|geojson|html wins; else an Accept header preferring text/html over
 * JSON gives HTML; else JSON. */
int sp_parse_format(const char *f, const char *accept, sp_format *out, char *err, size_t errlen);

/* Percent-decode s in place (for libmicrohttpd's unescape callback, which
 * decodes the path and every query key and value) and return its new
 * length.  A %XX that would decode to a control byte (0x00-0x1f, 0x7f)
 * becomes 0x7f instead, so that a %00 cannot cut the text short: the path
 * check and sp_control_check() then refuse it.  A '%' not followed by two
 * hex digits is kept as it is. */
size_t sp_unescape(char *s);

/* 0 when the text has no control byte; -1 with "parameter 'NAME': ..." in
 * err otherwise (what = "value" or "name"). */
int sp_control_check(const char *name, const char *text, const char *what, char *err,
		     size_t errlen);

/* 0 when a request path is acceptable: starts with '/', has no "." or ".."
 * segment, no backslash, no control byte, no "//"; -1 otherwise. */
int sp_path_check(const char *path, char *err, size_t errlen);

#endif
