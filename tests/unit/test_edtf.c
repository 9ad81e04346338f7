/* test_edtf.c: EDTF levels 0 and 1 as spans of seconds (edtf.c).
 *
 * The expected seconds were computed apart from the library when this was
 * written: `date -u -d 1985-04-12 +%s` for years 1-9999, and for other
 * years Python's datetime on the year moved into 1-9999 by whole 400-year
 * cycles of 146097 days (the Gregorian calendar repeats every 400 years). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <frontline/frontline.h>

enum { YEAR = FL_EDTF_PREC_YEAR, SEASON = FL_EDTF_PREC_SEASON, MONTH = FL_EDTF_PREC_MONTH,
       DAY = FL_EDTF_PREC_DAY, SECOND = FL_EDTF_PREC_SECOND };
#define U FL_EDTF_UNCERTAIN
#define A FL_EDTF_APPROXIMATE
#define X FL_EDTF_UNSPECIFIED
#define I FL_EDTF_INTERVAL
#define S FL_EDTF_SEASON
#define T FL_EDTF_HAS_TIME
#define Z FL_EDTF_HAS_OFFSET

/* A value that parses, with its bounds, flags and precision. */
static void ok(const char *s, int64_t lo, int64_t hi, unsigned flags, int prec)
{
	fl_edtf v;
	memset(&v, 0x5a, sizeof v);
	fl_status st = fl_edtf_parse(s, "test", &v);
	if (st != FL_OK)
		fail_msg("'%s' refused: %s", s, fl_error_last());
	if (v.lo != lo || v.hi != hi || v.flags != flags || (int)v.precision != prec)
		fail_msg("'%s': lo %lld hi %lld flags %u precision %d; expected %lld %lld %u %d", s, (long long)v.lo,
			 (long long)v.hi, v.flags, (int)v.precision, (long long)lo, (long long)hi, flags, prec);
}

static void test_level0_dates(void **state)
{
	(void)state;
	/* 1985-01-01 473385600, 1986-01-01 504921600 */
	ok("1985", 473385600, 504921600 - 1, 0, YEAR);
	/* 1985-04-01 481161600, 1985-05-01 483753600 */
	ok("1985-04", 481161600, 483753600 - 1, 0, MONTH);
	/* 1985-04-12 482112000 */
	ok("1985-04-12", 482112000, 482112000 + 86399, 0, DAY);
	/* the lead's example: 2020-10-01 1601510400 to 2020-11-01 1604188800 */
	ok("2020-10", 1601510400, 1604188800 - 1, 0, MONTH);
	/* 2020-02 has 29 days: 2020-02-01 1580515200, 2020-03-01 1583020800 */
	ok("2020-02", 1580515200, 1583020800 - 1, 0, MONTH);
	ok("2020-02-29", 1583020800 - 86400, 1583020800 - 1, 0, DAY);
	ok("2000-02-29", 951782400, 951782400 + 86399, 0, DAY);
	/* year 0000 (1 BC): -62167219200; 0001 -62135596800; 9999 253370764800, 10000 253402300800 */
	ok("0000", -62167219200, -62135596800 - 1, 0, YEAR);
	ok("9999", 253370764800, 253402300800 - 1, 0, YEAR);
	ok("9999-12-31", 253402300800 - 86400, 253402300800 - 1, 0, DAY);
	ok("1970-01-01", 0, 86399, 0, DAY);
	ok("1969-12-31", -86400, -1, 0, DAY);
}

static void test_level0_datetimes(void **state)
{
	(void)state;
	/* date -u -d 1985-04-12T23:20:30 +%s = 482196030: civil, not moved */
	ok("1985-04-12T23:20:30", 482196030, 482196030, T, SECOND);
	ok("1985-04-12T23:20:30Z", 482196030, 482196030, T | Z, SECOND);
	/* 2004-01-01T10:10:10 1072951810; +05:00 is 05:10:10 UTC, 1072933810 */
	ok("2004-01-01T10:10:10+05:00", 1072933810, 1072933810, T | Z, SECOND);
	ok("2004-01-01T10:10:10+05", 1072933810, 1072933810, T | Z, SECOND);
	ok("2004-01-01T05:10:10-00:00", 1072933810, 1072933810, T | Z, SECOND);
	/* 2001-02-03T09:30:01 981192601; -05:30 is 15:00:01 UTC */
	ok("2001-02-03T09:30:01-05:30", 981192601 + 5 * 3600 + 1800, 981192601 + 5 * 3600 + 1800, T | Z, SECOND);
	ok("1970-01-01T00:00:00", 0, 0, T, SECOND);
	/* a leap second counts as the last second of its minute */
	ok("1998-12-31T23:59:60Z", 915148800 - 1, 915148800 - 1, T | Z, SECOND);
}

static void test_level0_intervals(void **state)
{
	(void)state;
	/* 1964-01-01 -189388800, 2009-01-01 1230768000 */
	ok("1964/2008", -189388800, 1230768000 - 1, I, YEAR);
	/* 2004-06-01 1086048000, 2006-08-01 1154390400, 2006-09-01 1157068800 */
	ok("2004-06/2006-08", 1086048000, 1157068800 - 1, I, MONTH);
	/* 2004-02-01 1075593600 */
	ok("2004-02-01/2005", 1075593600, 1136073600 - 1, I, DAY); /* 2006-01-01 1136073600 */
	ok("2005/2006-02", 1104537600, 1141171200 - 1, I, YEAR); /* 2006-03-01 1141171200 */
	ok("1985-04-12/1985-04-12", 482112000, 482112000 + 86399, I, DAY);
	/* the ends overlap: 1985 starts before 1985-04 ends */
	ok("1985/1985-04", 473385600, 483753600 - 1, I, YEAR);
	/* date-times at the ends, both civil or both with an offset */
	ok("1985-04-12T23:20:30/1985-04-13", 482196030, 482198400 + 86399, I | T, SECOND);
	ok("1985-04-12T23:20:30Z/1985-04-12T23:20:31+00:00", 482196030, 482196031, I | T | Z, SECOND);
	ok("1985-04-12T23:20:30Z/..", 482196030, INT64_MAX, I | T | Z | FL_EDTF_OPEN_END, SECOND);
}

static void test_level1_years(void **state)
{
	(void)state;
	/* Y170000002: 5364619735939200 to Y170000003 5364619767475200 (400-year cycles) */
	ok("Y170000002", 5364619735939200, 5364619767475200 - 1, 0, YEAR);
	/* Y-170000002: -5364744070291200 to Y-170000001 -5364744038755200 */
	ok("Y-170000002", -5364744070291200, -5364744038755200 - 1, 0, YEAR);
	ok("Y10000", 253402300800, 253402300800 + 366 * 86400 - 1, 0, YEAR); /* 10000 is a leap year */
	ok("Y170000002?", 5364619735939200, 5364619767475200 - 1, U, YEAR);
	/* the last and first years whose seconds fit an int64: the bounds of a
	 * year are its first second and the one before the next year's; the
	 * second is a leap year */
	ok("Y292277026595", 9223372036825516800 - 365 * 86400, 9223372036825516800 - 1, 0, YEAR);
	ok("Y-292277022656", -9223372036825516800, -9223372036825516800 + 366 * 86400 - 1, 0, YEAR);
	/* negative years of four digits: -1985 -124807737600, -1984 -124776201600 */
	ok("-1985", -124807737600, -124776201600 - 1, 0, YEAR);
	ok("-0001", -62198755200, -62167219200 - 1, 0, YEAR);
	/* -0004 is a leap year (divisible by 4): February -0004 has 29 days */
	ok("-0004-02", -62290771200, -62288265601, 0, MONTH);
	ok("-0004-02-29", -62288265601 - 86399, -62288265601, 0, DAY);
	/* -9999 -377705116800, -9998 -377673580800 */
	ok("-9999", -377705116800, -377673580800 - 1, 0, YEAR);
}

static void test_level1_seasons(void **state)
{
	(void)state;
	/* spring March-May: 2001-03-01 983404800, 2001-06-01 991353600 */
	ok("2001-21", 983404800, 991353600 - 1, S, SEASON);
	/* summer June-August: 2001-09-01 999302400 */
	ok("2001-22", 991353600, 999302400 - 1, S, SEASON);
	/* autumn September-November: 2001-12-01 1007164800 */
	ok("2001-23", 999302400, 1007164800 - 1, S, SEASON);
	/* winter December to February of the next year: 2002-03-01 1014940800 */
	ok("2001-24", 1007164800, 1014940800 - 1, S, SEASON);
	/* a leap February in the winter: 2020-12-01 1606780800 2021-03-01 1614556800 */
	ok("2020-24", 1606780800, 1614556800 - 1, S, SEASON);
	ok("2001-21~", 983404800, 991353600 - 1, S | A, SEASON);
	/* 9999-24 ends in year 10000: 253399622400 to 253407484799 */
	ok("9999-24", 253399622400, 253407484799, S, SEASON);
	/* -0001-24 ends in February 0000 (29 days): -62169897600 to -62162035201 */
	ok("-0001-24", -62169897600, -62162035201, S, SEASON);
}

static void test_level1_qualifiers(void **state)
{
	(void)state;
	ok("1984?", 441763200, 473385600 - 1, U, YEAR); /* 1984-01-01 441763200 */
	ok("2004-06~", 1086048000, 1088640000 - 1, A, MONTH); /* 2004-07-01 1088640000 */
	ok("2004-06-11%", 1086912000, 1086912000 + 86399, U | A, DAY); /* 2004-06-11 1086912000 */
	ok("-1985~", -124807737600, -124776201600 - 1, A, YEAR);
}

static void test_level1_unspecified(void **state)
{
	(void)state;
	/* 2010-01-01 1262304000, 2020-01-01 1577836800 */
	ok("201X", 1262304000, 1577836800 - 1, X, YEAR);
	/* 2000-01-01 946684800, 2100-01-01 4102444800 */
	ok("20XX", 946684800, 4102444800 - 1, X, YEAR);
	/* 2004-01-01 1072915200, 2005-01-01 1104537600 */
	ok("2004-XX", 1072915200, 1104537600 - 1, X, MONTH);
	ok("1985-04-XX", 481161600, 483753600 - 1, X, DAY);
	ok("1985-XX-XX", 473385600, 504921600 - 1, X, DAY);
	ok("1985-XX-XX?", 473385600, 504921600 - 1, X | U, DAY);
	ok("2020-02-XX", 1580515200, 1583020800 - 1, X, DAY);
	/* negative: -201X is the years -2019 (-125880652800) to -2010, -2009 -125565120000 */
	ok("-201X", -125880652800, -125565120000 - 1, X, YEAR);
	ok("201X/2015-06", 1262304000, 1435708800 - 1, X | I, YEAR); /* 2015-07-01 1435708800 */
}

static void test_level1_intervals(void **state)
{
	(void)state;
	const int64_t d = 482112000, e = 482112000 + 86399; /* 1985-04-12 */
	ok("1985-04-12/..", d, INT64_MAX, I | FL_EDTF_OPEN_END, DAY);
	ok("../1985-04-12", INT64_MIN, e, I | FL_EDTF_OPEN_START, DAY);
	ok("1985-04-12/", d, INT64_MAX, I | FL_EDTF_UNKNOWN_END, DAY);
	ok("/1985-04-12", INT64_MIN, e, I | FL_EDTF_UNKNOWN_START, DAY);
	ok("1985-04/..", 481161600, INT64_MAX, I | FL_EDTF_OPEN_END, MONTH);
	ok("../1985", INT64_MIN, 504921600 - 1, I | FL_EDTF_OPEN_START, YEAR);
	ok("/2001-21", INT64_MIN, 991353600 - 1, I | FL_EDTF_UNKNOWN_START | S, SEASON);
	/* qualified ends: 2004-06-01 1086048000 to 2004-06-11 1086912000 + 86399 */
	ok("2004-06~/2004-06-11%", 1086048000, 1086912000 + 86399, I | U | A, MONTH);
	ok("2004-06?/2004-06-11", 1086048000, 1086912000 + 86399, I | U, MONTH);
	ok("1984~/2004-06", 441763200, 1088640000 - 1, I | A, YEAR);
	ok("Y-170000002/-1985", -5364744070291200, -124776201600 - 1, I, YEAR);
	ok("2001-21/2001-24", 983404800, 1014940800 - 1, I | S, SEASON);
}

/* A refusal: FL_EINPUT, the message names `what` and the value and says why. */
static void bad(const char *s, const char *why)
{
	fl_edtf v = {1, 2, 3, FL_EDTF_PREC_DAY};
	fl_status st = fl_edtf_parse(s, "events.csv:7: field 'date'", &v);
	const char *msg = fl_error_last();
	if (st != FL_EINPUT)
		fail_msg("'%s' accepted (status %d): lo %lld hi %lld", s, (int)st, (long long)v.lo, (long long)v.hi);
	if (!strstr(msg, "events.csv:7: field 'date'") || (*s && !strstr(msg, s)) || !strstr(msg, why))
		fail_msg("'%s': message \"%s\" lacks \"%s\"", s, msg, why);
	/* nothing written on a refusal */
	assert_true(v.lo == 1 && v.hi == 2 && v.flags == 3 && v.precision == FL_EDTF_PREC_DAY);
}

static void test_refused_calendar(void **state)
{
	(void)state;
	bad("2020-13", "month 13 is not 01-12 or 21-24 (seasons) at character 6");
	bad("2020-00", "month 00 is not");
	bad("2020-20", "month 20 is not");
	bad("2020-25", "month 25 is not");
	bad("2020-02-30", "day 30 is not in 2020-02 (29 days)");
	bad("2021-02-29", "day 29 is not in 2021-02 (28 days)");
	bad("1900-02-29", "day 29 is not in 1900-02 (28 days)");
	bad("-0001-02-29", "day 29 is not in -0001-02");
	bad("2020-10-32", "day 32 is not in 2020-10 (31 days) at character 9");
	bad("2020-10-00", "day 00 is not in 2020-10");
	bad("2020-04-31", "day 31 is not in 2020-04 (30 days)");
	bad("2020-10-04/2020-10-01", "the interval starts (2020-10-04) after it ends (2020-10-01)");
	bad("2020/2019-12", "starts (2020) after it ends (2019-12)");
	bad("1985-04-12T10:00:00Z/1985-04-12T09:59:59Z", "after it ends");
	bad("2020-10-04T25:00:00", "time 25:00:00 is out of range");
	bad("2020-10-04T24:00:00", "time 24:00:00 is out of range");
	bad("2020-10-04T10:60:00", "out of range");
	bad("2020-10-04T10:00:61", "out of range");
	bad("2020-10-04T10:00:00+19:00", "offset +19:00 is out of range (up to 18:00");
	bad("2020-10-04T10:00:00-05:60", "offset -05:60 is out of range");
	bad("-0000", "-0000 is not a year");
}

static void test_refused_syntax(void **state)
{
	(void)state;
	bad("", "empty date");
	bad("2020--10", "expected a month (01-12, 21-24 or XX) at character 6");
	bad("2020-10-04~?", "one qualifier per date");
	bad("2020??", "one qualifier per date");
	bad("2020-10-04x", "unexpected 'x' at character 11");
	bad("2020-10-04 ", "unexpected a space at character 11");
	bad("2020-10-04\x01", "unexpected \\x01 at character 11");
	bad(" 2020", "expected a year");
	bad("2020-1", "expected a month");
	bad("2020-10-4", "expected a day");
	bad("85", "expected a year");
	bad("20201", "a year of more than four digits is written with Y");
	bad("+2020", "expected a year");
	bad("?2020", "expected a year");
	bad("2020-10-04T10:00", "expected the time as hh:mm:ss");
	bad("2020-10-04T10:00:00.5", "fractions of a second are not EDTF");
	bad("2020-10-04t10:00:00", "unexpected 't'");
	bad("2020-10-04T10:00:00z", "unexpected 'z'");
	bad("2020-10-04T10:00:00+0500", "expected the offset as hh:mm or hh");
	bad("2020-10-04T10:00:00+5", "expected the offset");
	bad("2020-10-04T10:00:00?", "a qualifier (?, ~, %) applies to a date, not to a date-time");
	bad("2020-10T10:00:00", "a time of day needs a whole date");
	bad("2020-10-XXT10:00:00", "a time of day needs a whole date");
	bad("2020-10-04T10:00:00Z/2020-10-05", "one end has a time zone offset and the other has none");
	/* intervals without a date, with more than one slash, with bad ends */
	bad("..", "'..' (an open end) is only an end of an interval");
	bad("../..", "an interval needs a date at one end at least");
	bad("/", "an interval needs a date");
	bad("../", "an interval needs a date");
	bad("/..", "an interval needs a date");
	bad("1985/1986/1987", "unexpected '/' at character 10");
	bad("1985//1986", "expected a year");
	bad("..~/1985", "expected a year");
	bad("1985/...", "expected a year");
	bad("1985-04-12/1985-04-1x", "expected a day");
}

static void test_refused_level1(void **state)
{
	(void)state;
	/* X only where level 1 puts it */
	bad("2020-2X-01", "a month is two digits or XX, not 2X, at character 6");
	bad("2020-X2", "a month is two digits or XX");
	bad("2020-10-X1", "a day is two digits or XX, not X1");
	bad("2020-XX-01", "a day after month XX is XX too");
	bad("2XXX", "only the last one or two digits of a year may be X");
	bad("XXXX", "only the last one or two digits");
	bad("20X1", "only the last one or two digits");
	bad("201X-05", "a year with X digits takes no month or day");
	bad("2020-21-01", "a season (21-24) takes no day");
	bad("2020-x1", "expected a month");
	/* Y years: more than four digits, no leading zero, no month, no X, within int64 seconds */
	bad("Y1985", "a year after 'Y' has more than four digits");
	bad("Y-1985", "write -1985 without the Y");
	bad("Y01985", "no leading zero");
	bad("Y", "expected the digits of a year after 'Y'");
	bad("Y-", "expected the digits");
	bad("Y17000000X", "has no X digits");
	bad("Y170000002-01", "takes no month or day");
	bad("Y17E7", "a year after 'Y' has more than four digits");
	bad("Y170000002E3", "unexpected 'E'");
	bad("Y292277026596", "year 292277026596 is beyond 64-bit seconds (Y-292277022656 to Y292277026595)");
	bad("Y-292277022657", "year -292277022657 is beyond 64-bit seconds");
	bad("Y9999999999999999999999999", "is beyond 64-bit seconds");
	bad("Y-9999999999999999999999999", "is beyond 64-bit seconds");
}

static void test_arguments(void **state)
{
	(void)state;
	fl_edtf v;
	assert_int_equal(fl_edtf_parse("1985", "x", NULL), FL_EARG);
	assert_int_equal(fl_edtf_parse(NULL, "--date", &v), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "--date: empty date"));
	assert_int_equal(fl_edtf_parse("1985", NULL, &v), FL_OK);
	assert_int_equal(fl_edtf_parse("1985-13", NULL, &v), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "'1985-13'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level0_dates),
		cmocka_unit_test(test_level0_datetimes),
		cmocka_unit_test(test_level0_intervals),
		cmocka_unit_test(test_level1_years),
		cmocka_unit_test(test_level1_seasons),
		cmocka_unit_test(test_level1_qualifiers),
		cmocka_unit_test(test_level1_unspecified),
		cmocka_unit_test(test_level1_intervals),
		cmocka_unit_test(test_refused_calendar),
		cmocka_unit_test(test_refused_syntax),
		cmocka_unit_test(test_refused_level1),
		cmocka_unit_test(test_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
