/*
 * date.c: ISO 8601 dates and date-times to and from fl_instant.
 *
 * The parser is strict on purpose: a tracker is a record of facts, and a
 * typo in a date (2020-02-30, 2020-13-01, "2020-11-25x") must be an error
 * naming the value, never a silently shifted day.  Calendar arithmetic uses
 * the proleptic Gregorian calendar (days_from_civil), with no dependency on
 * the process's time zone.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "date_priv.h"
#include "fail.h"

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	long yoe = (long)(y - era * 400);
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, long *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = (long)(z - era * 146097);
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + (long)era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

/* Read exactly n digits. */
static int digits(const char **p, int n, long *out)
{
	long v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

fl_status fl_instant_parse(const char *text, fl_date_side side,
			   const char *what, fl_instant *out)
{
	int64_t secs;
	fl__date_form form;
	fl_status st = fl__date_parse(text, what, &secs, &form);
	if (st)
		return st;
	*out = form == FL__DATE_ONLY && side == FL_DATE_END ? secs + 86399 : secs;
	return FL_OK;
}

fl_status fl__date_parse(const char *text, const char *what, int64_t *secs, fl__date_form *form)
{
	const char *p = text;
	long y, mo, d, hh = 0, mi = 0, ss = 0;
	const char *why = NULL;

	if (!text || !*text)
		return fl__fail(FL_EINPUT, "%s: empty date (expected YYYY-MM-DD)", what);
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d)) {
		why = "expected YYYY-MM-DD";
		goto bad;
	}
	if (mo < 1 || mo > 12) {
		why = "month out of range";
		goto bad;
	}
	if (d < 1 || d > days_in_month(y, (int)mo)) {
		why = "no such day in that month";
		goto bad;
	}
	int64_t day = days_from_civil(y, (int)mo, (int)d);
	if (*p == '\0') {
		*secs = day * 86400;
		*form = FL__DATE_ONLY;
		return FL_OK;
	}
	if (*p != 'T' && *p != 't' && *p != ' ') {
		why = "unexpected characters after the date";
		goto bad;
	}
	p++;
	if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mi)) {
		why = "expected THH:MM after the date";
		goto bad;
	}
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &ss)) {
			why = "expected seconds as SS";
			goto bad;
		}
		if (*p == '.' || *p == ',') { /* fractions of a second: truncated */
			p++;
			if (!isdigit((unsigned char)*p)) {
				why = "expected digits after the decimal point";
				goto bad;
			}
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (hh > 24 || mi > 59 || ss > 60 || (hh == 24 && (mi || ss))) {
		why = "time of day out of range";
		goto bad;
	}
	long off = 0;
	bool local = false; /* no Z, no offset: the clocks' time of day */
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		long oh, om = 0;
		p++;
		if (digits(&p, 2, &oh)) {
			why = "expected the offset as +HH:MM";
			goto bad;
		}
		if (*p == ':')
			p++;
		if (*p && digits(&p, 2, &om)) {
			why = "expected the offset as +HH:MM";
			goto bad;
		}
		if (oh > 18 || om > 59) {
			why = "offset out of range";
			goto bad;
		}
		off = sign * (oh * 3600 + om * 60);
	} else
		local = true;
	if (*p != '\0') {
		why = "unexpected characters at the end";
		goto bad;
	}
	if (ss == 60)
		ss = 59; /* a leap second is the last second of its minute */
	*secs = day * 86400 + hh * 3600 + mi * 60 + ss - off;
	*form = local ? FL__DATE_LOCAL : FL__DATE_OFFSET;
	return FL_OK;
bad:
	return fl__fail(FL_EINPUT, "%s: invalid date '%s' (%s)", what, text, why);
}

/* The day of t and the second within it, for any int64 (no negation, no
 * multiplication: -t and day * 86400 overflow near INT64_MIN). */
static int64_t day_of(fl_instant t, int64_t *sec)
{
	int64_t day = t / 86400, s = t % 86400;
	if (s < 0) {
		day--;
		s += 86400;
	}
	if (sec)
		*sec = s;
	return day;
}

/* n (0..99) as two digits at p. */
static void two_digits(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
}

/* YYYY-MM-DD of a day at buf (len >= 11, a year of 0..9999), without
 * printf: maps write one per feature.  False for other years. */
static bool put_ymd(char *buf, size_t len, long y, int m, int d)
{
	if (len < 11 || y < 0 || y > 9999)
		return false;
	two_digits(buf, (int)(y / 100));
	two_digits(buf + 2, (int)(y % 100));
	buf[4] = '-';
	two_digits(buf + 5, m);
	buf[7] = '-';
	two_digits(buf + 8, d);
	buf[10] = 0;
	return true;
}

void fl_instant_format_date(fl_instant t, char *buf, size_t len)
{
	int64_t day = day_of(t, NULL);
	long y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	if (!put_ymd(buf, len, y, m, d))
		snprintf(buf, len, "%04ld-%02d-%02d", y, m, d);
}

void fl_instant_format(fl_instant t, char *buf, size_t len)
{
	int64_t sec;
	int64_t day = day_of(t, &sec);
	long y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	if (len >= 21 && put_ymd(buf, len, y, m, d)) {
		buf[10] = 'T';
		two_digits(buf + 11, (int)(sec / 3600));
		buf[13] = ':';
		two_digits(buf + 14, (int)(sec / 60 % 60));
		buf[16] = ':';
		two_digits(buf + 17, (int)(sec % 60));
		buf[19] = 'Z';
		buf[20] = 0;
		return;
	}
	snprintf(buf, len, "%04ld-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
}

/* The start of t's UTC year as the end of the previous 31 December (the last
 * second before 1 January, 00:00); *year gets the year.  Clamped at the
 * bottom of the time line. */
fl_instant fl__year_start(fl_instant t, int64_t *year)
{
	long y;
	int m, d;
	civil_from_days(day_of(t, NULL), &y, &m, &d);
	if (year)
		*year = y;
	int64_t day = days_from_civil(y, 1, 1);
	return day <= INT64_MIN / 86400 ? INT64_MIN : day * 86400 - 1;
}

int64_t fl__days_from_civil(int64_t y, int m, int d)
{
	return days_from_civil(y, m, d);
}

int fl__days_in_month(int64_t y, int m)
{
	return days_in_month(y, m);
}

void fl__civil_from_days(int64_t days, long *y, int *m, int *d)
{
	civil_from_days(days, y, m, d);
}

fl_instant fl_instant_now(void)
{
	return (fl_instant)time(NULL);
}
