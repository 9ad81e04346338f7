/*
 * edtf.c: EDTF (ISO 8601-2) values of levels 0 and 1 as the span of
 * seconds they admit (edtf.h lists the forms and the choices made).
 *
 * A small reader by hand: one end (a date or a date-time with its X digits
 * and its qualifier) at a time, then the interval around the ends.  Every
 * refusal quotes the value and says what is wrong and at which character.
 * The calendar arithmetic is date.c's (date_priv.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "frontline/edtf.h"
#include "date_priv.h"
#include "fail.h"

#define DAY 86400
/* The last day whose next day's first second fits an int64, and the first
 * day whose first second does: the days a Y year may span. */
#define MAX_NEXT_DAY (INT64_MAX / DAY)
#define MIN_DAY (INT64_MIN / DAY)

typedef struct reader {
	const char *text, *what, *p;
} reader;

/* One end of an interval, or the whole value. */
typedef struct end {
	int64_t lo, hi;
	unsigned flags;
	fl_edtf_precision prec;
} end;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static fl_status bad(const reader *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return fl__fail(FL_EINPUT, "%s: '%s': %s", r->what, r->text, why);
}

/* The reader's position, counted from 1 for messages. */
static int at(const reader *r)
{
	return (int)(r->p - r->text) + 1;
}

/* c as a message shows it: 'x', or \xNN for a byte that does not print. */
static const char *shown(char c, char buf[8])
{
	unsigned char u = (unsigned char)c;
	if (u > 32 && u < 127)
		snprintf(buf, 8, "'%c'", c);
	else if (c == ' ')
		snprintf(buf, 8, "a space");
	else
		snprintf(buf, 8, "\\x%02x", u);
	return buf;
}

static fl_status unexpected(const reader *r)
{
	char b[8];
	return bad(r, "unexpected %s at character %d", shown(*r->p, b), at(r));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n characters, each a digit or X: *value with X as 0, *xs a mask of the X
 * positions (bit i for the i-th character).  False (nothing read) if one is
 * neither. */
static bool field(reader *r, int n, long *value, unsigned *xs)
{
	long v = 0;
	unsigned m = 0;
	for (int i = 0; i < n; i++) {
		char c = r->p[i];
		if (c == 'X')
			m |= 1u << i;
		else if (!is_digit(c))
			return false;
		v = v * 10 + (c == 'X' ? 0 : c - '0');
	}
	r->p += n;
	*value = v;
	*xs = m;
	return true;
}

/* Exactly two digits. */
static bool two(reader *r, long *value)
{
	if (!is_digit(r->p[0]) || !is_digit(r->p[1]))
		return false;
	*value = (r->p[0] - '0') * 10 + (r->p[1] - '0');
	r->p += 2;
	return true;
}

/* The span of days [first, next) as seconds. */
static void span(end *e, int64_t first, int64_t next)
{
	e->lo = first * DAY;
	e->hi = next * DAY - 1;
}

/* Y170000002, Y-170000002: a year of more than four digits (r->p is after
 * the Y). */
static fl_status y_year(reader *r, end *e)
{
	bool neg = *r->p == '-';
	if (neg)
		r->p++;
	const char *digits = r->p;
	int64_t y = 0;
	int n = 0;
	while (is_digit(r->p[n])) {
		if (n < 13)
			y = y * 10 + (r->p[n] - '0');
		n++;
	}
	if (n == 0)
		return bad(r, "expected the digits of a year after 'Y' at character %d", at(r));
	if (*digits == '0')
		return bad(r, "a year after 'Y' has no leading zero at character %d", at(r));
	if (n <= 4)
		return bad(r, "a year after 'Y' has more than four digits (Y10000); write %s%.*s without the Y",
			   neg ? "-" : "", n, digits);
	r->p += n;
	if (n > 12 || (neg ? fl__days_from_civil(-y, 1, 1) < MIN_DAY
			   : fl__days_from_civil(y + 1, 1, 1) > MAX_NEXT_DAY))
		return bad(r, "year %s%.*s is beyond 64-bit seconds (Y-292277022656 to Y292277026595)",
			   neg ? "-" : "", n, digits);
	if (*r->p == 'X')
		return bad(r, "a year after 'Y' has no X digits at character %d", at(r));
	if (*r->p == '-')
		return bad(r, "a year after 'Y' takes no month or day at character %d", at(r));
	if (neg)
		y = -y;
	span(e, fl__days_from_civil(y, 1, 1), fl__days_from_civil(y + 1, 1, 1));
	e->prec = FL_EDTF_PREC_YEAR;
	return FL_OK;
}

/* T23:20:30, then Z, +hh:mm, +hh or nothing, on the day `day`. */
static fl_status time_of_day(reader *r, end *e, int64_t day)
{
	long hh, mm, ss, oh = 0, om = 0;
	r->p++; /* T */
	const char *t = r->p;
	if (!two(r, &hh) || *r->p++ != ':' || !two(r, &mm) || *r->p++ != ':' || !two(r, &ss)) {
		r->p = t;
		return bad(r, "expected the time as hh:mm:ss after 'T' at character %d", at(r));
	}
	if (hh > 23 || mm > 59 || ss > 60) {
		r->p = t;
		return bad(r, "time %.8s is out of range (00:00:00 to 23:59:59) at character %d", t, at(r));
	}
	if (*r->p == '.' || *r->p == ',')
		return bad(r, "fractions of a second are not EDTF at character %d", at(r));
	int sign = 0;
	if (*r->p == 'Z') {
		r->p++;
		e->flags |= FL_EDTF_HAS_OFFSET;
	} else if (*r->p == '+' || *r->p == '-') {
		sign = *r->p == '-' ? -1 : 1;
		r->p++;
		const char *o = r->p;
		bool ok = two(r, &oh);
		if (ok && *r->p == ':') {
			r->p++;
			ok = two(r, &om);
		}
		if (!ok || is_digit(*r->p)) {
			r->p = o;
			return bad(r, "expected the offset as hh:mm or hh at character %d", at(r));
		}
		if (oh > 18 || om > 59) {
			r->p = o;
			return bad(r, "offset %c%.5s is out of range (up to 18:00, minutes 00-59) at character %d",
				   sign < 0 ? '-' : '+', o, at(r));
		}
		e->flags |= FL_EDTF_HAS_OFFSET;
	}
	if (*r->p == '?' || *r->p == '~' || *r->p == '%')
		return bad(r, "a qualifier (?, ~, %%) applies to a date, not to a date-time at character %d", at(r));
	if (ss == 60)
		ss = 59; /* a leap second is the last second of its minute */
	e->lo = e->hi = day * DAY + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	e->flags |= FL_EDTF_HAS_TIME;
	e->prec = FL_EDTF_PREC_SECOND;
	return FL_OK;
}

/* A date of four-digit year (1985, -1985, 201X, 1985-04, 2001-21,
 * 1985-04-12, 1985-XX-XX, ...) with its time of day if any. */
static fl_status date(reader *r, end *e)
{
	bool neg = *r->p == '-';
	if (neg)
		r->p++;
	long y, mo = 0, d = 0;
	unsigned yx, mx = 0, dx = 0;
	const char *ys = r->p;
	if (!field(r, 4, &y, &yx))
		return bad(r, "expected a year (four digits, -YYYY or Y followed by more) at character %d", at(r));
	if (is_digit(*r->p))
		return bad(r, "a year of more than four digits is written with Y (Y12345, Y-12345) at character %d",
			   (int)(ys - r->text) + 1);
	/* X only as the last one or two digits: 201X (mask 8), 20XX (12) */
	if (yx && yx != 8 && yx != 12)
		return bad(r, "only the last one or two digits of a year may be X (201X, 20XX), not %.4s", ys);
	if (neg && y == 0 && !yx)
		return bad(r, "-0000 is not a year (year 0000, 1 BC, has no sign)");
	const int64_t year = neg ? -y : y; /* without X */
	int64_t ylo = y, yhi = y + (yx == 8 ? 9 : yx == 12 ? 99 : 0);
	if (neg) {
		int64_t t = ylo;
		ylo = -yhi;
		yhi = -t;
	}
	if (yx) {
		e->flags |= FL_EDTF_UNSPECIFIED;
		if (*r->p == '-')
			return bad(r, "a year with X digits takes no month or day at character %d", at(r));
	}
	e->prec = FL_EDTF_PREC_YEAR;
	span(e, fl__days_from_civil(ylo, 1, 1), fl__days_from_civil(yhi + 1, 1, 1));
	if (*r->p != '-')
		return FL_OK;
	r->p++;
	const char *ms = r->p;
	if (!field(r, 2, &mo, &mx))
		return bad(r, "expected a month (01-12, 21-24 or XX) at character %d", at(r));
	if (mx && mx != 3)
		return bad(r, "a month is two digits or XX, not %.2s, at character %d", ms, (int)(ms - r->text) + 1);
	if (mx) {
		e->flags |= FL_EDTF_UNSPECIFIED;
		e->prec = FL_EDTF_PREC_MONTH; /* 2004-XX: the year, at month precision */
	} else if (mo >= 21 && mo <= 24) {
		static const int first[] = {3, 6, 9, 12};
		int m = first[mo - 21];
		e->flags |= FL_EDTF_SEASON;
		e->prec = FL_EDTF_PREC_SEASON;
		span(e, fl__days_from_civil(year, m, 1),
		     m + 3 > 12 ? fl__days_from_civil(year + 1, m + 3 - 12, 1) : fl__days_from_civil(year, m + 3, 1));
		if (*r->p == '-')
			return bad(r, "a season (21-24) takes no day at character %d", at(r));
		return FL_OK;
	} else if (mo < 1 || mo > 12) {
		return bad(r, "month %.2s is not 01-12 or 21-24 (seasons) at character %d", ms,
			   (int)(ms - r->text) + 1);
	} else {
		e->prec = FL_EDTF_PREC_MONTH;
		int64_t first = fl__days_from_civil(year, (int)mo, 1);
		span(e, first, first + fl__days_in_month(year, (int)mo));
	}
	if (*r->p != '-')
		return FL_OK;
	r->p++;
	const char *ds = r->p;
	if (!field(r, 2, &d, &dx))
		return bad(r, "expected a day (01-31 or XX) at character %d", at(r));
	if (dx && dx != 3)
		return bad(r, "a day is two digits or XX, not %.2s, at character %d", ds, (int)(ds - r->text) + 1);
	e->prec = FL_EDTF_PREC_DAY;
	if (dx) { /* 1985-04-XX: the month; 1985-XX-XX: the year */
		e->flags |= FL_EDTF_UNSPECIFIED;
		return FL_OK;
	}
	if (mx)
		return bad(r, "a day after month XX is XX too (1985-XX-XX), not %.2s, at character %d", ds,
			   (int)(ds - r->text) + 1);
	int dim = fl__days_in_month(year, (int)mo);
	if (d < 1 || d > dim)
		return bad(r, "day %.2s is not in %s%.4s-%.2s (%d days) at character %d", ds, neg ? "-" : "",
			   ys, ms, dim, (int)(ds - r->text) + 1);
	int64_t day = fl__days_from_civil(year, (int)mo, (int)d);
	span(e, day, day + 1);
	if (*r->p == 'T')
		return time_of_day(r, e, day);
	return FL_OK;
}

/* One dated end: a date (or a Y year), then its qualifier if any. */
static fl_status dated(reader *r, end *e)
{
	memset(e, 0, sizeof *e);
	fl_status st;
	if (*r->p == 'Y') {
		r->p++;
		st = y_year(r, e);
	} else {
		st = date(r, e);
	}
	if (st || (e->flags & FL_EDTF_HAS_TIME))
		return st;
	if (*r->p == 'T')
		return bad(r, "a time of day needs a whole date (YYYY-MM-DDThh:mm:ss) at character %d", at(r));
	char q = *r->p;
	if (q != '?' && q != '~' && q != '%')
		return FL_OK;
	r->p++;
	e->flags |= q == '?' ? FL_EDTF_UNCERTAIN : q == '~' ? FL_EDTF_APPROXIMATE
							   : FL_EDTF_UNCERTAIN | FL_EDTF_APPROXIMATE;
	if (*r->p == '?' || *r->p == '~' || *r->p == '%')
		return bad(r, "one qualifier per date (%% is ? and ~ together), not %c%c at character %d", q, *r->p,
			   at(r));
	return FL_OK;
}

/* One end of an interval, [r->p, stop): a date, ".." (open) or nothing
 * (unknown).  *is_date says which. */
static fl_status interval_end(reader *r, const char *stop, end *e, bool start, bool *is_date)
{
	*is_date = false;
	memset(e, 0, sizeof *e);
	if (r->p == stop) {
		e->flags = start ? FL_EDTF_UNKNOWN_START : FL_EDTF_UNKNOWN_END;
	} else if (stop - r->p == 2 && r->p[0] == '.' && r->p[1] == '.') {
		e->flags = start ? FL_EDTF_OPEN_START : FL_EDTF_OPEN_END;
		r->p = stop;
	} else {
		fl_status st = dated(r, e);
		if (st)
			return st;
		if (r->p != stop)
			return unexpected(r);
		*is_date = true;
		return FL_OK;
	}
	e->lo = INT64_MIN;
	e->hi = INT64_MAX;
	return FL_OK;
}

fl_status fl_edtf_parse(const char *text, const char *what, fl_edtf *out)
{
	if (!what)
		what = "EDTF date";
	if (!out)
		return fl__fail(FL_EARG, "%s: no place for the value (out is NULL)", what);
	if (!text || !*text)
		return fl__fail(FL_EINPUT, "%s: empty date (expected an EDTF date such as 1985-04-12, 1985-04 or 1985)",
				what);
	reader r = {text, what, text};
	const char *slash = strchr(text, '/');
	end a, b;
	if (!slash) {
		if (strcmp(text, "..") == 0)
			return bad(&r, "'..' (an open end) is only an end of an interval (1985/.., ../1985)");
		fl_status st = dated(&r, &a);
		if (st)
			return st;
		if (*r.p)
			return unexpected(&r);
		out->lo = a.lo;
		out->hi = a.hi;
		out->flags = a.flags;
		out->precision = a.prec;
		return FL_OK;
	}
	bool a_date, b_date;
	fl_status st = interval_end(&r, slash, &a, true, &a_date);
	if (st)
		return st;
	r.p = slash + 1;
	st = interval_end(&r, slash + 1 + strlen(slash + 1), &b, false, &b_date);
	if (st)
		return st;
	if (!a_date && !b_date)
		return bad(&r, "an interval needs a date at one end at least");
	if (a_date && b_date) {
		if ((a.flags ^ b.flags) & FL_EDTF_HAS_OFFSET)
			return bad(&r, "one end has a time zone offset and the other has none (give both or neither)");
		if (a.lo > b.hi)
			return bad(&r, "the interval starts (%.*s) after it ends (%s)", (int)(slash - text), text,
				   slash + 1);
	}
	out->lo = a.lo;
	out->hi = b.hi;
	out->flags = a.flags | b.flags | FL_EDTF_INTERVAL;
	out->precision = a_date ? a.prec : b.prec;
	return FL_OK;
}
