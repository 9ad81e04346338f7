/*
 * edtf.h: uncertain and imprecise dates in the Extended Date/Time Format
 * (EDTF, ISO 8601-2), levels 0 and 1, as the span of seconds they admit.
 *
 * Accepted (level 0):
 *   1985  1985-04  1985-04-12            a year, a month, a day
 *   1985-04-12T23:20:30                  a date-time without offset ("civil")
 *   1985-04-12T23:20:30Z                 a date-time in UTC
 *   1985-04-12T23:20:30+04:00  ...-05    a date-time with an offset (+hh:mm or +hh)
 *   1964/2008  2004-06/2006-08  2004-02-01/2005   an interval of two dates
 * and (level 1):
 *   Y170000002  Y-170000002              a year of more than four digits
 *   2001-21 .. 2001-24                   a season (see below)
 *   1984?  2004-06~  2004-06-11%         uncertain, approximate, both (at the end)
 *   201X  20XX  2004-XX  1985-04-XX  1985-XX-XX   unspecified digits
 *   1985-04-12/..  ../1985-04-12         an open end
 *   1985-04-12/  /1985-04-12             an unknown end
 *   2004-06~/2004-06-11%                 qualified ends
 *   -1985                                a negative year (1 BC is year 0000)
 *
 * The choices made where EDTF leaves the meaning to the application:
 * - lo/hi are the earliest and the latest second the value admits.  The
 *   qualifiers ?, ~ and % do not move them (the caller decides what an
 *   approximate date admits); they only set flags.
 * - Seasons are the northern meteorological ones: 21 spring = March-May,
 *   22 summer = June-August, 23 autumn = September-November, 24 winter =
 *   December of that year to February of the next.
 * - X digits give the widest range they admit: 201X = 2010-2019, 20XX =
 *   2000-2099, 2004-XX and 1985-XX-XX = the whole year, 1985-04-XX = the
 *   month.  Level 1 puts X only there: the last one or two digits of a
 *   year that stands alone, a whole month, a whole day (a day XX after a
 *   month XX); anything else (2020-2X-01, 2XXX, 201X-05) is refused.
 * - An interval's lo is its start's lo, its hi its end's hi; its precision
 *   is its start's (its end's when the start is open or unknown).  An
 *   interval whose start begins after its end is over is refused; so is
 *   one without any date ("/", "../..").
 * - The ends of an interval may also be date-times (ISO 8601-1 allows it,
 *   EDTF level 0 does not); both dated ends then carry an offset or
 *   neither does, so that lo and hi count the same seconds.
 * - February 29 only in leap years (proleptic Gregorian calendar).
 * - Years -9999 to 9999 as four digits (with a minus sign when negative,
 *   never "-0000"), larger ones only with the Y prefix and more than four
 *   digits; a year whose seconds overflow int64 (beyond about 292 billion)
 *   is refused.  A Y year takes no month, no day, no X.
 * - Fractions of a second are refused (EDTF has none), as are hour 24,
 *   lower-case t or z, a space for T and basic-format offsets (+0400).
 *   A leap second (:60) counts as :59.  Qualifiers and X digits apply to
 *   dates, not to date-times.
 */
#ifndef FRONTLINE_EDTF_H
#define FRONTLINE_EDTF_H

#include <stdint.h>
#include "frontline/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fl_edtf_flags {
	FL_EDTF_UNCERTAIN = 1,   /* '?' (or '%') on the date or on either end of an interval */
	FL_EDTF_APPROXIMATE = 2, /* '~' (or '%') */
	FL_EDTF_UNSPECIFIED = 4, /* an X digit */
	FL_EDTF_INTERVAL = 8,    /* a/b */
	FL_EDTF_OPEN_START = 16, FL_EDTF_OPEN_END = 32,       /* '..' */
	FL_EDTF_UNKNOWN_START = 64, FL_EDTF_UNKNOWN_END = 128, /* empty end */
	FL_EDTF_SEASON = 256,    /* a season (21-24) on the date or either end */
	FL_EDTF_HAS_TIME = 512,  /* a time of day on the date or either end */
	FL_EDTF_HAS_OFFSET = 1024 /* Z or an offset (on every dated end): lo/hi are UTC */
} fl_edtf_flags;

typedef enum fl_edtf_precision {
	FL_EDTF_PREC_YEAR,   /* 1985, 201X, Y170000002 */
	FL_EDTF_PREC_SEASON, /* 2001-21 */
	FL_EDTF_PREC_MONTH,  /* 1985-04, 2004-XX */
	FL_EDTF_PREC_DAY,    /* 1985-04-12, 1985-04-XX, 1985-XX-XX */
	FL_EDTF_PREC_SECOND  /* 1985-04-12T23:20:30 */
} fl_edtf_precision;

typedef struct fl_edtf {
	int64_t lo, hi;      /* the earliest and the latest second the value admits, both included, as
			      * "civil seconds": seconds since 1970-01-01T00:00:00 of the calendar as written
			      * (proleptic Gregorian; a date-only or offset-less value is NOT converted to UTC:
			      * the caller applies a time zone). With FL_EDTF_HAS_OFFSET (every date-time that
			      * carries Z or an offset, at both ends of an interval) lo/hi are UTC seconds.
			      * For 2020-10: lo = 2020-10-01T00:00:00, hi = 2020-10-31T23:59:59.
			      * For an open/unknown end, that bound is INT64_MIN / INT64_MAX. */
	unsigned flags;          /* fl_edtf_flags */
	fl_edtf_precision precision; /* of the start (or of the date) */
} fl_edtf;

/* Parse an EDTF level-0/1 value.  `what` names where it came from ("events.csv:12: field 'date'" or
 * "--date") and begins the message of a refusal (FL_EINPUT), which says what is wrong and where
 * ("'2020-13': month 13 is not 01-12, 21-24 (seasons)"...).  *out is written only on success;
 * a NULL out is FL_EARG. */
FL_API fl_status fl_edtf_parse(const char *text, const char *what, fl_edtf *out);

#ifdef __cplusplus
}
#endif
#endif
