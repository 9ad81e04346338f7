/*
 * fuzz_edtf.c: EDTF values (src/edtf.c).
 *
 * Any byte string goes to fl_edtf_parse.  A refusal has a message naming
 * where the value came from.  An accepted value has lo <= hi, infinite
 * bounds exactly where an end is open or unknown, and agrees with the
 * forms built back from it: the same date written plainly at its precision
 * with its qualifier, the interval of its first and last seconds, the value
 * as both ends of an interval and as the start of an open one.
 */
#include <frontline/frontline.h>
#include "fuzz_common.h"

typedef struct civil {
	long long y;
	int m, d, hh, mm, ss;
} civil;

/* t's calendar fields, through the public formatter. */
static civil civil_of(int64_t t)
{
	char buf[64];
	civil c;
	fl_instant_format(t, buf, sizeof buf);
	FZ_ASSERT(sscanf(buf, "%lld-%d-%dT%d:%d:%dZ", &c.y, &c.m, &c.d, &c.hh, &c.mm, &c.ss) == 6);
	return c;
}

/* A year as EDTF writes it: -0001, 1985, Y-170000002. */
static void put_year(char *buf, size_t len, long long y)
{
	if (y < -9999 || y > 9999)
		snprintf(buf, len, "Y%lld", y);
	else
		snprintf(buf, len, "%s%04lld", y < 0 ? "-" : "", y < 0 ? -y : y);
}

/* t as a date-time (with Z when `utc`); false when its year is not four digits. */
static int put_datetime(char *buf, size_t len, int64_t t, int utc)
{
	civil c = civil_of(t);
	if (c.y < -9999 || c.y > 9999)
		return 0;
	put_year(buf, len, c.y);
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "-%02d-%02dT%02d:%02d:%02d%s", c.m, c.d, c.hh, c.mm, c.ss, utc ? "Z" : "");
	return 1;
}

static void same(const fl_edtf *a, const fl_edtf *b)
{
	FZ_ASSERT(a->lo == b->lo && a->hi == b->hi && a->flags == b->flags && a->precision == b->precision);
}

/* The value written plainly at its precision, with its qualifier. */
static void check_plain(const fl_edtf *v)
{
	if (v->flags & (FL_EDTF_INTERVAL | FL_EDTF_UNSPECIFIED))
		return;
	char buf[128];
	civil c = civil_of(v->lo);
	if (v->flags & FL_EDTF_HAS_TIME) {
		if (!put_datetime(buf, sizeof buf, v->lo, (v->flags & FL_EDTF_HAS_OFFSET) != 0))
			return;
	} else {
		put_year(buf, sizeof buf, c.y);
		size_t n = strlen(buf);
		if (v->precision == FL_EDTF_PREC_SEASON)
			snprintf(buf + n, sizeof buf - n, "-%02d", 21 + (c.m - 3) / 3);
		else if (v->precision == FL_EDTF_PREC_MONTH)
			snprintf(buf + n, sizeof buf - n, "-%02d", c.m);
		else if (v->precision == FL_EDTF_PREC_DAY)
			snprintf(buf + n, sizeof buf - n, "-%02d-%02d", c.m, c.d);
		unsigned q = v->flags & (FL_EDTF_UNCERTAIN | FL_EDTF_APPROXIMATE);
		strcat(buf, q == (FL_EDTF_UNCERTAIN | FL_EDTF_APPROXIMATE) ? "%"
			    : q == FL_EDTF_UNCERTAIN			   ? "?"
			    : q == FL_EDTF_APPROXIMATE			   ? "~"
									   : "");
	}
	fl_edtf w;
	FZ_ASSERT(fl_edtf_parse(buf, "plain", &w) == FL_OK);
	same(v, &w);
}

/* The interval of the first and the last second (or its open or unknown ends). */
static void check_seconds(const fl_edtf *v)
{
	char a[64] = "", b[64] = "", buf[160];
	int utc = (v->flags & FL_EDTF_HAS_OFFSET) != 0;
	if (v->flags & FL_EDTF_OPEN_START)
		strcpy(a, "..");
	else if (!(v->flags & FL_EDTF_UNKNOWN_START) && !put_datetime(a, sizeof a, v->lo, utc))
		return;
	if (v->flags & FL_EDTF_OPEN_END)
		strcpy(b, "..");
	else if (!(v->flags & FL_EDTF_UNKNOWN_END) && !put_datetime(b, sizeof b, v->hi, utc))
		return;
	snprintf(buf, sizeof buf, "%s/%s", a, b);
	fl_edtf w;
	FZ_ASSERT(fl_edtf_parse(buf, "seconds", &w) == FL_OK);
	unsigned ends = FL_EDTF_OPEN_START | FL_EDTF_OPEN_END | FL_EDTF_UNKNOWN_START | FL_EDTF_UNKNOWN_END;
	FZ_ASSERT(w.lo == v->lo && w.hi == v->hi);
	FZ_ASSERT(w.flags == (FL_EDTF_INTERVAL | FL_EDTF_HAS_TIME | (v->flags & (ends | FL_EDTF_HAS_OFFSET))));
	FZ_ASSERT(w.precision == FL_EDTF_PREC_SECOND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_cstr(data, size);
	fl_edtf v, again;
	fl_status st = fl_edtf_parse(s, "fuzz:1: field 'date'", &v);
	if (st) {
		FZ_ASSERT(st == FL_EINPUT);
		FZ_ASSERT(strstr(fl_error_last(), "fuzz:1: field 'date'") == fl_error_last());
		free(s);
		return 0;
	}
	FZ_ASSERT(v.lo <= v.hi);
	FZ_ASSERT((v.lo == INT64_MIN) == !!(v.flags & (FL_EDTF_OPEN_START | FL_EDTF_UNKNOWN_START)));
	FZ_ASSERT((v.hi == INT64_MAX) == !!(v.flags & (FL_EDTF_OPEN_END | FL_EDTF_UNKNOWN_END)));
	FZ_ASSERT(!!(v.flags & FL_EDTF_INTERVAL) == (strchr(s, '/') != NULL));
	FZ_ASSERT(!(v.flags & FL_EDTF_HAS_OFFSET) || (v.flags & FL_EDTF_HAS_TIME));
	FZ_ASSERT(v.precision <= FL_EDTF_PREC_SECOND);
	FZ_ASSERT(fl_edtf_parse(s, "again", &again) == FL_OK);
	same(&v, &again);
	check_plain(&v);
	check_seconds(&v);
	if (!(v.flags & FL_EDTF_INTERVAL) && size < 256) {
		/* the value at both ends, and as the start of an open interval */
		char buf[600];
		fl_edtf w;
		snprintf(buf, sizeof buf, "%s/%s", s, s);
		FZ_ASSERT(fl_edtf_parse(buf, "both", &w) == FL_OK);
		FZ_ASSERT(w.lo == v.lo && w.hi == v.hi && w.flags == (v.flags | FL_EDTF_INTERVAL));
		snprintf(buf, sizeof buf, "%s/..", s);
		FZ_ASSERT(fl_edtf_parse(buf, "open", &w) == FL_OK);
		FZ_ASSERT(w.lo == v.lo && w.hi == INT64_MAX && w.precision == v.precision);
	}
	free(s);
	return 0;
}
