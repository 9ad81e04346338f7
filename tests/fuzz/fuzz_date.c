/*
 * fuzz_date.c: dates and instants (src/date.c).
 *
 * Any byte string goes to fl_instant_parse on both sides; an accepted value
 * must survive formatting and parsing again unchanged, and a date-only value
 * spans exactly one day.  The first 8 bytes are also taken as an arbitrary
 * instant for the formatters, which must not overflow for any int64.
 */
#include <frontline/frontline.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_cstr(data, size);
	fl_instant a = 0, b = 0;
	fl_status sa = fl_instant_parse(s, FL_DATE_START, "fuzz", &a);
	if (sa)
		FZ_ASSERT_MESSAGE();
	fl_status sb = fl_instant_parse(s, FL_DATE_END, "fuzz", &b);
	FZ_ASSERT(sa == sb);
	if (sa == FL_OK) {
		FZ_ASSERT(b == a || b == a + 86399);
		char buf[64];
		fl_instant_format(a, buf, sizeof buf);
		fl_instant c = 0;
		/* years outside 0000-9999 after an offset do not parse back */
		if (fl_instant_parse(buf, FL_DATE_START, "again", &c) == FL_OK)
			FZ_ASSERT(c == a);
		fl_instant_format_date(a, buf, sizeof buf);
	}
	fl_error_clear();
	if (size >= 8) {
		int64_t t;
		memcpy(&t, data, sizeof t);
		char buf[64];
		fl_instant_format(t, buf, sizeof buf);
		fl_instant_format_date(t, buf, sizeof buf);
	}
	free(s);
	return 0;
}
