/* test_date.c: ISO 8601 parsing and formatting of instants (date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <frontline/frontline.h>

static fl_instant parse_ok(const char *s, fl_date_side side)
{
	fl_instant t = 0;
	assert_int_equal(fl_instant_parse(s, side, "test", &t), FL_OK);
	return t;
}

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01", FL_DATE_START), 0);
	assert_int_equal(parse_ok("1970-01-01", FL_DATE_END), 86399);
	assert_int_equal(parse_ok("2020-11-25", FL_DATE_START), 1606262400);
	assert_int_equal(parse_ok("2000-02-29", FL_DATE_START), 951782400);
	assert_int_equal(parse_ok("1992-05-08", FL_DATE_START), 705283200);
	assert_int_equal(parse_ok("1969-12-31", FL_DATE_START), -86400);
}

static void test_datetimes(void **state)
{
	(void)state;
	/* the trilateral statement: midnight Moscow time */
	assert_int_equal(parse_ok("2020-11-10T00:00+03:00", FL_DATE_START),
			 parse_ok("2020-11-09T21:00Z", FL_DATE_START));
	assert_int_equal(parse_ok("2020-11-09T21:00:00Z", FL_DATE_START), 1604955600);
	assert_int_equal(parse_ok("2020-11-10T00:00+0300", FL_DATE_START), 1604955600);
	assert_int_equal(parse_ok("2020-11-09T16:00-05:00", FL_DATE_START), 1604955600);
	assert_int_equal(parse_ok("2020-11-09T21:00:00.250Z", FL_DATE_START), 1604955600);
	assert_int_equal(parse_ok("2020-11-09T21:00", FL_DATE_START), 1604955600);
	/* a date-time is exact whatever the side */
	assert_int_equal(parse_ok("2020-11-09T21:00Z", FL_DATE_END), 1604955600);
}

static void expect_bad(const char *s, const char *why)
{
	fl_instant t = 0;
	assert_int_equal(fl_instant_parse(s, FL_DATE_START, "events.csv:7: field 'date'", &t), FL_EINPUT);
	const char *msg = fl_error_last();
	assert_non_null(strstr(msg, "events.csv:7: field 'date'"));
	if (*s)
		assert_non_null(strstr(msg, s));
	assert_non_null(strstr(msg, why));
}

static void test_invalid(void **state)
{
	(void)state;
	expect_bad("2020-02-30", "no such day");
	expect_bad("2021-02-29", "no such day");
	expect_bad("2020-13-01", "month out of range");
	expect_bad("2020-00-10", "month out of range");
	expect_bad("2020-11-25x", "unexpected characters");
	expect_bad("2020-11-25T25:00Z", "time of day out of range");
	expect_bad("2020-11-25T10:00+19:00", "offset out of range");
	expect_bad("20-11-25", "expected YYYY-MM-DD");
	expect_bad("2020/11/25", "expected YYYY-MM-DD");
	expect_bad("", "empty date");
	expect_bad("2020-11-25T10", "expected THH:MM");
}

static void test_format(void **state)
{
	(void)state;
	char buf[32];
	fl_instant_format_date(1606262400 + 86399, buf, sizeof buf);
	assert_string_equal(buf, "2020-11-25");
	fl_instant_format_date(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31");
	fl_instant_format(1604955600, buf, sizeof buf);
	assert_string_equal(buf, "2020-11-09T21:00:00Z");
	/* round trip over four centuries of days */
	for (fl_instant d = -146097; d < 146097; d += 97) {
		fl_instant_format_date(d * 86400, buf, sizeof buf);
		assert_int_equal(parse_ok(buf, FL_DATE_START), d * 86400);
	}
}

/* Found by tests/fuzz/fuzz_date (regressions/date/format-near-int64-min): the
 * formatters negated t and multiplied the day back, which overflows (UB) for
 * instants near INT64_MIN.  Every int64 must format. */
static void test_format_extremes(void **state)
{
	(void)state;
	char buf[64];
	fl_instant_format(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "-292277022657-01-27T08:29:52Z");
	fl_instant_format(INT64_MIN + 50, buf, sizeof buf);
	assert_string_equal(buf, "-292277022657-01-27T08:30:42Z");
	fl_instant_format(INT64_MAX, buf, sizeof buf);
	assert_string_equal(buf, "292277026596-12-04T15:30:07Z");
	fl_instant_format_date(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "-292277022657-01-27");
	fl_instant_format(-1, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	fl_instant_format(-86400, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-31T00:00:00Z");
	fl_instant_format(-86401, buf, sizeof buf);
	assert_string_equal(buf, "1969-12-30T23:59:59Z");
	/* a short buffer is cut, never overrun */
	char small[8];
	fl_instant_format(INT64_MIN, small, sizeof small);
	assert_int_equal(strlen(small), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_datetimes),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_extremes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
