/*
 * event_date.c: an event's date as written to the instants the engine uses.
 *
 * An event's `date` is an EDTF level-1 value (edtf.h parses it) and becomes
 * two instants: `when`, at which the engine applies the event (the nominal
 * instant: the earliest the date admits, as OpenHistoricalMap's start-date
 * bookend), and `latest`, by which it has surely taken effect.  Between the
 * two, the ground the event moves is uncertain (replay.c).  The rules, in
 * docs/tracker-format.md ("Uncertain dates"):
 *
 * - A day is an instant: the start of that day in the tracker's time zone.
 *   A plain date (2020-11-25) is exact, as it has always been: when = latest.
 * - A value that admits several days (2020-10, 2020, 2020-21, 2020-10-XX,
 *   2020-10-04/2020-10-09) runs from the start of its first day to the
 *   start of its last: a date-only query of the last day sees it taken.
 * - A qualified value (~ approximate, ? uncertain, % both) admits one more
 *   unit of its precision on each side: 2020-10-20~ is 2020-10-19 to
 *   2020-10-21; 2020-10~ is September to November; 2020~ 2019 to 2021.
 * - A date-time is exact, in the tracker's zone unless it carries Z or an
 *   offset (in any form date.h reads, which EDTF's are among); an interval
 *   of date-times runs from one to the other.
 * - An open (..) or unknown (empty) end is refused: an event needs a period.
 */
#include <stdint.h>
#include <string.h>
#include "event_date.h"
#include "date_priv.h"
#include "fail.h"
#include "tracker_priv.h"
#include "frontline/edtf.h"

/* The start of the day holding civil second s. */
static int64_t day_start(int64_t s)
{
	int64_t d = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	return d * 86400;
}

/* Civil second s (a day's start) moved by n months, to the same day or the
 * last of a shorter month. */
static int64_t add_months(int64_t s, int n)
{
	long y;
	int m, d;
	fl__civil_from_days(s / 86400, &y, &m, &d);
	int64_t mm = (int64_t)y * 12 + (m - 1) + n;
	y = (long)(mm >= 0 ? mm / 12 : -((-mm + 11) / 12));
	m = (int)(mm - (int64_t)y * 12) + 1;
	int dim = fl__days_in_month(y, m);
	return fl__days_from_civil(y, m, d > dim ? dim : d) * 86400;
}

/* One unit of precision p before (sign -1) or after (+1) day start s. */
static int64_t widen(int64_t s, fl_edtf_precision p, int sign)
{
	switch (p) {
	case FL_EDTF_PREC_YEAR: return add_months(s, 12 * sign);
	case FL_EDTF_PREC_SEASON: return add_months(s, 3 * sign);
	case FL_EDTF_PREC_MONTH: return add_months(s, sign);
	default: return s + (int64_t)86400 * sign;
	}
}

fl_status fl__event_dates(const fl_tracker *t, const char *text, const char *what, fl_instant *when,
			  fl_instant *latest)
{
	/* a date-time in any form date.h reads (hh:mm, fractions, +hhmm, which
	 * EDTF does not take) is exact */
	if (strchr(text, 'T') && (t ? fl_tracker_parse_date(t, text, FL_DATE_START, "", when)
				    : fl_instant_parse(text, FL_DATE_START, "", when)) == FL_OK) {
		*latest = *when;
		return FL_OK;
	}
	fl_edtf v;
	fl_status st = fl_edtf_parse(text, what, &v);
	if (st)
		return st;
	if (v.flags & (FL_EDTF_OPEN_START | FL_EDTF_OPEN_END | FL_EDTF_UNKNOWN_START | FL_EDTF_UNKNOWN_END))
		return fl__fail(FL_EINPUT,
				"%s: '%s' has an open or unknown end: an event's date needs both ends of "
				"its period (write the latest day it may have happened)",
				what, text);
	int64_t lo = v.lo, hi = v.hi;
	if (!(v.flags & FL_EDTF_HAS_TIME)) {
		lo = day_start(lo);
		hi = day_start(hi);
		if (v.flags & (FL_EDTF_UNCERTAIN | FL_EDTF_APPROXIMATE)) {
			lo = widen(lo, v.precision, -1);
			hi = widen(hi, v.precision, +1);
		}
	}
	if (v.flags & FL_EDTF_HAS_OFFSET) {
		*when = lo;
		*latest = hi;
	} else {
		*when = fl__tz_from_civil(t ? t->tz : NULL, lo);
		*latest = fl__tz_from_civil(t ? t->tz : NULL, hi);
	}
	return FL_OK;
}
