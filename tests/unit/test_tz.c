/* test_tz.c: the TZif reader (tz.c) against the C library's own reading of
 * the same files.  Here only, a test sets TZ and asks localtime_r for the
 * expected offsets: the library itself never does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "tz.h"

/* glibc's offset (seconds east) at t in the zone TZ names now */
static long libc_offset(time_t t)
{
	struct tm tm;
	assert_non_null(localtime_r(&t, &tm));
	return tm.tm_gmtoff;
}

/* Compare the offsets over 1970-2040 (every 6337 s, and both sides of every
 * change glibc shows), and the civil -> instant mapping (round trip). */
static void compare_zone(const char *name)
{
	fl__tz *z = NULL;
	assert_int_equal(fl__tz_open(name, &z), FL_OK);
	assert_non_null(z);
	setenv("TZ", name, 1);
	tzset();
	const time_t t0 = 0, t1 = 2208988800; /* 2040-01-01 */
	long prev = libc_offset(t0);
	size_t changes = 0, overlaps = 0;
	for (time_t t = t0; t < t1; t += 6337) {
		long off = libc_offset(t);
		if (fl__tz_offset(z, t) != off)
			fail_msg("%s: offset at %lld: %d, glibc %ld", name, (long long)t, fl__tz_offset(z, t), off);
		if (off != prev) { /* a change in (t - 6337, t]: find its second */
			time_t lo = t - 6337, hi = t;
			while (hi - lo > 1) {
				time_t mid = lo + (hi - lo) / 2;
				if (libc_offset(mid) == prev)
					lo = mid;
				else
					hi = mid;
			}
			for (time_t e = hi - 2; e <= hi + 1; e++)
				if (fl__tz_offset(z, e) != libc_offset(e))
					fail_msg("%s: offset at the change %lld: %d, glibc %ld", name, (long long)e,
						 fl__tz_offset(z, e), libc_offset(e));
			changes++;
			if (off < prev) { /* clocks set back: the repeated readings mean the earlier instant */
				int64_t civil = (int64_t)hi + off; /* read once before, once after */
				assert_int_equal(fl__tz_from_civil(z, civil), civil - prev);
				overlaps++;
			} else { /* a gap: a reading inside it means the change */
				int64_t civil = (int64_t)hi + prev + (off - prev) / 2;
				assert_int_equal(fl__tz_from_civil(z, civil), hi);
			}
		}
		/* the clocks' reading at t leads back to t (or, in an overlap, to
		 * the earlier instant with the same reading) */
		int64_t civil = fl__tz_to_civil(z, t);
		assert_int_equal(civil, (int64_t)t + off);
		fl_instant back = fl__tz_from_civil(z, civil);
		if (back != t) {
			assert_true(back < t);
			assert_int_equal(fl__tz_to_civil(z, back), civil);
		}
		prev = off;
	}
	assert_true(changes > 10);
	assert_true(overlaps > 5);
	fl__tz_free(z);
	unsetenv("TZ");
	tzset();
}

static void test_baku(void **state)
{
	(void)state;
	compare_zone("Asia/Baku");
}

static void test_kyiv(void **state)
{
	(void)state;
	compare_zone("Europe/Kyiv");
}

static void test_new_york(void **state)
{
	(void)state;
	compare_zone("America/New_York");
}

static void test_lord_howe(void **state)
{
	(void)state;
	compare_zone("Australia/Lord_Howe"); /* half an hour of DST, in the southern summer */
}

/* Values worked out by hand from the published rules. */
static void test_known_values(void **state)
{
	(void)state;
	fl__tz *z = NULL;
	assert_int_equal(fl__tz_open("America/New_York", &z), FL_OK);
	/* 2021-03-14 02:00 EST -> 03:00 EDT at 07:00Z */
	assert_int_equal(fl__tz_offset(z, 1615705199), -5 * 3600);
	assert_int_equal(fl__tz_offset(z, 1615705200), -4 * 3600);
	/* 02:30 does not exist that day: the change, 07:00Z */
	assert_int_equal(fl__tz_from_civil(z, 1615689000), 1615705200);
	/* 2021-11-07 01:30 happens twice: the first, EDT, 05:30Z */
	assert_int_equal(fl__tz_from_civil(z, 1636248600), 1636263000);
	/* 2039-07-01 12:00 EDT: past the transitions, the footer's rule */
	assert_int_equal(fl__tz_offset(z, 2193148800), -4 * 3600);
	assert_int_equal(fl__tz_offset(z, 2209032000), -5 * 3600); /* 2040-01-01 */
	fl__tz_free(z);
	assert_int_equal(fl__tz_open("Asia/Baku", &z), FL_OK);
	/* the trilateral statement: 2020-11-10T00:00+04:00 is 2020-11-09T20:00Z */
	assert_int_equal(fl__tz_from_civil(z, 1604966400), 1604966400 - 4 * 3600);
	assert_int_equal(fl__tz_offset(z, 1604966400), 4 * 3600);
	fl__tz_free(z);
}

static void test_names(void **state)
{
	(void)state;
	fl__tz *z = (fl__tz *)1;
	assert_int_equal(fl__tz_open("UTC", &z), FL_OK);
	assert_null(z);
	assert_int_equal(fl__tz_open("Etc/UTC", &z), FL_OK);
	assert_null(z);
	assert_int_equal(fl__tz_offset(NULL, 12345), 0);
	assert_int_equal(fl__tz_from_civil(NULL, 12345), 12345);
	const char *bad[] = {"Mars/Olympus", "../etc/passwd", "Asia/../../etc/passwd", "/etc/passwd",
			     "", "Asia/Baku ", "Asia\\Baku", "zone.tab", "Asia"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		z = NULL;
		if (fl__tz_open(bad[i], &z) != FL_EINPUT)
			fail_msg("'%s' was accepted", bad[i]);
		assert_null(z);
		assert_non_null(strstr(fl_error_last(), bad[i]));
	}
}

/* Damaged files: refused, never read past their end. */
static void test_damaged(void **state)
{
	(void)state;
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Kyiv", "rb");
	assert_non_null(f);
	unsigned char buf[8192];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	fl__tz *z = NULL;
	assert_int_equal(fl__tz_parse(buf, n, "kyiv", &z), FL_OK);
	fl__tz_free(z);
	for (size_t cut = 0; cut < n; cut += 7) {
		unsigned char *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		z = NULL;
		fl_status st = fl__tz_parse(copy, cut, "kyiv", &z);
		if (st == FL_OK) { /* only a cut inside the footer's last newline can pass */
			assert_true(cut + 1 >= n);
			fl__tz_free(z);
		}
		free(copy);
	}
	/* a bad footer */
	unsigned char bad[8192];
	memcpy(bad, buf, n);
	memcpy(bad + n - 5, "XX\n", 3);
	assert_int_equal(fl__tz_parse(bad, n - 2, "kyiv", &z), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "footer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baku),	    cmocka_unit_test(test_kyiv),
		cmocka_unit_test(test_new_york),    cmocka_unit_test(test_lord_howe),
		cmocka_unit_test(test_known_values), cmocka_unit_test(test_names),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
