/*
 * date_zone.c: dates in a tracker's time zone (date.h): parsing a query's
 * or a file's date as that zone's day or clock time, and writing an
 * instant as the zone's calendar date or as ISO 8601 with its offset.  The
 * zone itself is tz.c's; a tracker without one is in UTC.
 */
#include <stdio.h>
#include <string.h>
#include "date_priv.h"
#include "date_zone.h"
#include "fail.h"
#include "tracker_priv.h"
#include "tz.h"

fl_status fl_tracker_parse_date(const fl_tracker *t, const char *text, fl_date_side side,
				const char *what, fl_instant *out)
{
	if (!out)
		return fl__fail(FL_EARG, "fl_tracker_parse_date: out is NULL");
	return fl__parse_date_tz(t ? t->tz : NULL, text, side, what ? what : "date", out);
}

fl_status fl__parse_date_tz(const fl__tz *z, const char *text, fl_date_side side, const char *what,
			    fl_instant *out)
{
	int64_t secs;
	fl__date_form form;
	fl_status st = fl__date_parse(text, what, &secs, &form);
	if (st)
		return st;
	if (form == FL__DATE_ONLY) /* the zone's day: its first second, or its last */
		*out = side == FL_DATE_END ? fl__tz_from_civil(z, secs + 86400) - 1
					   : fl__tz_from_civil(z, secs);
	else
		*out = form == FL__DATE_LOCAL ? fl__tz_from_civil(z, secs) : secs;
	return FL_OK;
}

void fl_tracker_format_date(const fl_tracker *t, fl_instant at, char *buf, size_t len)
{
	fl__format_date_tz(t ? t->tz : NULL, at, buf, len);
}

void fl_tracker_format_instant(const fl_tracker *t, fl_instant at, char *buf, size_t len)
{
	fl__format_instant_tz(t ? t->tz : NULL, at, buf, len);
}

void fl__format_date_tz(const fl__tz *z, fl_instant at, char *buf, size_t len)
{
	fl_instant_format_date(fl__tz_to_civil(z, at), buf, len);
}

void fl__format_instant_tz(const fl__tz *z, fl_instant at, char *buf, size_t len)
{
	int32_t off = fl__tz_offset(z, at);
	if (!z || off % 60 || len < 26) {
		fl_instant_format(at, buf, len);
		return;
	}
	char civil[32];
	fl_instant_format(fl__tz_to_civil(z, at), civil, sizeof civil);
	size_t n = strlen(civil);
	if (n && civil[n - 1] == 'Z')
		civil[n - 1] = 0;
	int a = off < 0 ? -off : off;
	snprintf(buf, len, "%s%c%02d:%02d", civil, off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}
