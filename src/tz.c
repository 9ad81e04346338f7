/*
 * tz.c: time zones from the system's database, read as TZif files.
 *
 * A TZif file (RFC 8536) lists the instants at which a zone's offset from
 * UTC changed and, for the instants after the last of them, a POSIX TZ
 * string ("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0") with the rule of the
 * zone's daylight saving time.  Versions 2 and 3 carry the transitions
 * twice, in 32 and in 64 bits: the 64-bit block is read, the 32-bit one
 * skipped (a version 1 file has only the 32-bit one).  Leap-second files
 * ("right/...") are refused: tracker times are POSIX times.
 *
 * Nothing here asks the C library for local time (TZ, tzset, localtime are
 * process-global and not thread-safe); a zone is a value the tracker owns.
 * Offsets are checked to lie within -25 h .. +26 h (RFC 8536's range), so
 * that the arithmetic below cannot overflow for instants within +-2^60 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "date_priv.h"
#include "fail.h"
#include "tz.h"
#include "util.h"

typedef struct rule {
	char kind;    /* 'J' (1..365, no 29 February), 'n' (0..365), 'M' (month.week.day) */
	int a, b, c;  /* J/n: a the day; M: a month, b week (1..5), c weekday (0 Sunday) */
	int32_t secs; /* the local time of day of the change (-167 h .. 167 h) */
} rule;

struct fl__tz {
	size_t ntrans;
	int64_t *trans;   /* ascending */
	uint8_t *idx;     /* the type after each transition */
	size_t ntypes;
	int32_t *utoff;   /* seconds east of UTC, per type */
	/* the footer: the zone after its last transition */
	bool has_footer, has_dst;
	int32_t std_off, dst_off; /* seconds east of UTC */
	rule start, end;          /* DST starts (in standard time), ends (in DST) */
};

enum { OFF_MIN = -89999, OFF_MAX = 93599 };
#define T_LIMIT ((int64_t)1 << 60)

void fl__tz_free(fl__tz *z)
{
	if (!z)
		return;
	free(z->trans);
	free(z->idx);
	free(z->utoff);
	free(z);
}

/* ------------------------------------------------------------ the footer */
/* A zone abbreviation: <...> or three or more letters. */
static bool tz_name(const char **p)
{
	const char *s = *p;
	if (*s == '<') {
		s++;
		const char *b = s;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		       *s == '+' || *s == '-')
			s++;
		if (*s != '>' || s - b < 3)
			return false;
		*p = s + 1;
		return true;
	}
	const char *b = s;
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	if (s - b < 3)
		return false;
	*p = s;
	return true;
}

static bool num(const char **p, int lo, int hi, int *out)
{
	const char *s = *p;
	int v = 0, n = 0;
	while (*s >= '0' && *s <= '9' && n < 4) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (!n || v < lo || v > hi || (*s >= '0' && *s <= '9'))
		return false;
	*p = s;
	*out = v;
	return true;
}

/* [+-]hh[:mm[:ss]], hh up to maxh; the value in seconds. */
static bool hms(const char **p, int maxh, int32_t *out)
{
	const char *s = *p;
	int sign = 1, h, m = 0, sec = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!num(&s, 0, maxh, &h))
		return false;
	if (*s == ':') {
		s++;
		if (!num(&s, 0, 59, &m))
			return false;
		if (*s == ':') {
			s++;
			if (!num(&s, 0, 59, &sec))
				return false;
		}
	}
	*p = s;
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

static bool rule_parse(const char **p, rule *r)
{
	const char *s = *p;
	if (*s == 'J') {
		s++;
		r->kind = 'J';
		if (!num(&s, 1, 365, &r->a))
			return false;
	} else if (*s == 'M') {
		s++;
		r->kind = 'M';
		if (!num(&s, 1, 12, &r->a) || *s++ != '.' || !num(&s, 1, 5, &r->b) || *s++ != '.' ||
		    !num(&s, 0, 6, &r->c))
			return false;
	} else {
		r->kind = 'n';
		if (!num(&s, 0, 365, &r->a))
			return false;
	}
	r->secs = 7200;
	if (*s == '/') {
		s++;
		if (!hms(&s, 167, &r->secs))
			return false;
	}
	*p = s;
	return true;
}

/* The footer's TZ string (s, NUL-terminated): false when it is not one. */
static bool footer_parse(fl__tz *z, const char *s)
{
	int32_t off;
	if (!*s)
		return true; /* empty: no rule, the last type holds */
	if (!tz_name(&s) || !hms(&s, 24, &off))
		return false;
	z->std_off = -off; /* POSIX offsets count west */
	z->dst_off = z->std_off + 3600;
	z->has_footer = true;
	if (!*s)
		return true;
	if (!tz_name(&s))
		return false;
	if (*s && *s != ',') {
		if (!hms(&s, 24, &off))
			return false;
		z->dst_off = -off;
	}
	/* a DST without its rule: the default rule is the C library's own
	 * choice; zic always writes one */
	if (*s++ != ',' || !rule_parse(&s, &z->start) || *s++ != ',' || !rule_parse(&s, &z->end) || *s)
		return false;
	z->has_dst = true;
	return true;
}

/* --------------------------------------------------------------- TZif */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct hdr {
	int version;
	uint32_t isut, isstd, leap, time, type, chars;
} hdr;

static bool header(const unsigned char *p, size_t left, hdr *h)
{
	if (left < 44 || memcmp(p, "TZif", 4))
		return false;
	h->version = p[4] == 0 ? 1 : p[4] == '2' ? 2 : p[4] == '3' ? 3 : p[4] == '4' ? 4 : 0;
	h->isut = be32(p + 20), h->isstd = be32(p + 24), h->leap = be32(p + 28);
	h->time = be32(p + 32), h->type = be32(p + 36), h->chars = be32(p + 40);
	return h->version != 0;
}

/* The size of a data block (tsz: 4 or 8 bytes per time), 0 when too big. */
static size_t block_size(const hdr *h, size_t tsz)
{
	uint64_t n = (uint64_t)h->time * (tsz + 1) + (uint64_t)h->type * 6 + h->chars +
		     (uint64_t)h->leap * (tsz + 4) + h->isstd + h->isut;
	return n > SIZE_MAX / 2 ? 0 : (size_t)n;
}

fl_status fl__tz_parse(const unsigned char *buf, size_t len, const char *what, fl__tz **out)
{
	*out = NULL;
	hdr h;
	const char *why = NULL;
	if (!header(buf, len, &h)) {
		why = "not a TZif file";
		goto bad;
	}
	size_t at = 44, tsz = 4;
	if (h.version >= 2) { /* skip the 32-bit block for the 64-bit one */
		size_t n = block_size(&h, 4);
		if (n == 0 && (h.time || h.type || h.chars || h.leap || h.isstd || h.isut)) {
			why = "damaged header";
			goto bad;
		}
		if (n > len - at || !header(buf + at + n, len - at - n, &h)) {
			why = "no 64-bit data block";
			goto bad;
		}
		at += n + 44;
		tsz = 8;
	}
	size_t n = block_size(&h, tsz);
	if (h.type == 0 || h.chars == 0 || (h.isstd && h.isstd != h.type) ||
	    (h.isut && h.isut != h.type) || h.type > 256 || n > len - at) {
		why = "damaged header";
		goto bad;
	}
	if (h.leap) {
		why = "a zone with leap seconds (a right/ zone) is not supported";
		goto bad;
	}
	fl__tz *z = calloc(1, sizeof *z);
	if (!z)
		return fl__fail(FL_ENOMEM, "out of memory");
	z->ntrans = h.time;
	z->ntypes = h.type;
	z->trans = malloc((h.time + 1) * sizeof *z->trans);
	z->idx = malloc(h.time + 1);
	z->utoff = malloc(h.type * sizeof *z->utoff);
	if (!z->trans || !z->idx || !z->utoff) {
		fl__tz_free(z);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	const unsigned char *p = buf + at;
	for (size_t i = 0; i < h.time; i++, p += tsz) {
		z->trans[i] = tsz == 8 ? be64(p) : (int32_t)be32(p);
		if (i && z->trans[i] <= z->trans[i - 1])
			why = "transition times out of order";
	}
	for (size_t i = 0; i < h.time; i++, p++) {
		z->idx[i] = *p;
		if (*p >= h.type)
			why = "a transition names no time type";
	}
	for (size_t i = 0; i < h.type; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		if (off < OFF_MIN || off > OFF_MAX || p[4] > 1 || p[5] >= h.chars)
			why = "a time type out of range";
		z->utoff[i] = off;
	}
	p += h.chars + (size_t)h.leap * (tsz + 4) + h.isstd + h.isut;
	if (!why && h.version >= 2) {
		/* the footer: "\n" TZ string "\n" */
		size_t left = len - (size_t)(p - buf);
		const unsigned char *nl = left > 1 && *p == '\n' ? memchr(p + 1, '\n', left - 1) : NULL;
		char foot[128];
		if (!nl || (size_t)(nl - p - 1) >= sizeof foot) {
			why = "no footer";
		} else {
			memcpy(foot, p + 1, (size_t)(nl - p - 1));
			foot[nl - p - 1] = 0;
			if (memchr(foot, 0, (size_t)(nl - p - 1)) || !footer_parse(z, foot) ||
			    z->std_off < OFF_MIN || z->std_off > OFF_MAX || z->dst_off < OFF_MIN ||
			    z->dst_off > OFF_MAX)
				why = "a bad TZ string in the footer";
		}
	}
	if (why) {
		fl__tz_free(z);
		goto bad;
	}
	*out = z;
	return FL_OK;
bad:
	return fl__fail(FL_EINPUT, "%s: %s", what, why);
}

static bool name_ok(const char *name)
{
	if (!*name || *name == '/' || strstr(name, "..") || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '_' || *p == '+' || *p == '-'))
			return false;
	return true;
}

fl_status fl__tz_open(const char *name, fl__tz **out)
{
	*out = NULL;
	if (!name)
		return fl__fail(FL_EARG, "fl__tz_open: NULL name");
	if (!strcmp(name, "UTC") || !strcmp(name, "Etc/UTC"))
		return FL_OK;
	if (!name_ok(name))
		return fl__fail(FL_EINPUT, "'%s' is not a time zone name (an IANA name such as "
					   "Asia/Baku)", name);
	const char *dir = getenv("TZDIR");
	char *path = fl__printf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if (!path)
		return fl__fail(FL_ENOMEM, "out of memory");
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	while (f) {
		unsigned char *v = fl__grow(buf, &cap, len + 4096, 1);
		if (!v || len > (1u << 22))
			break;
		buf = v;
		size_t k = fread(buf + len, 1, cap - len, f);
		len += k;
		if (k == 0)
			break;
	}
	fl_status st;
	if (!f)
		st = fl__fail(FL_EINPUT, "unknown time zone '%s' (no %s)", name, path);
	else
		st = fl__tz_parse(buf, len, path, out);
	if (st == FL_EINPUT && f)
		st = fl__fail(FL_EINPUT, "time zone '%s': %s", name, fl_error_last());
	if (f)
		fclose(f);
	free(buf);
	free(path);
	return st;
}

/* ---------------------------------------------------------- the offsets */
static int64_t clamp(int64_t t)
{
	return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t;
}

/* Days since 1970-01-01 of the day a rule names in year y. */
static int64_t rule_day(int64_t y, const rule *r)
{
	int64_t jan1 = fl__days_from_civil((long)y, 1, 1);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (r->kind == 'J')
		return jan1 + r->a - 1 + (leap && r->a >= 60);
	if (r->kind == 'n')
		return jan1 + r->a;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t first = fl__days_from_civil((long)y, r->a, 1);
	int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	int64_t d = first + (r->c - wday + 7) % 7 + 7 * (int64_t)(r->b - 1);
	int len = mdays[r->a - 1] + (r->a == 2 && leap);
	while (d >= first + len)
		d -= 7;
	return d;
}

static int32_t footer_offset(const fl__tz *z, fl_instant t)
{
	if (!z->has_dst)
		return z->std_off;
	t = clamp(t);
	long y;
	int m, d;
	int64_t local = t + z->std_off;
	fl__civil_from_days(local / 86400 - (local % 86400 < 0), &y, &m, &d);
	int64_t start = rule_day(y, &z->start) * 86400 + z->start.secs - z->std_off;
	int64_t end = rule_day(y, &z->end) * 86400 + z->end.secs - z->dst_off;
	bool dst = start < end ? t >= start && t < end : !(t >= end && t < start);
	return dst ? z->dst_off : z->std_off;
}

int32_t fl__tz_offset(const fl__tz *z, fl_instant utc)
{
	if (!z)
		return 0;
	if (z->ntrans == 0)
		return z->has_footer ? footer_offset(z, utc) : z->utoff[0];
	if (utc < z->trans[0])
		return z->utoff[0];
	if (utc >= z->trans[z->ntrans - 1] && z->has_footer)
		return footer_offset(z, utc);
	size_t lo = 0, hi = z->ntrans; /* the last transition <= utc */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return z->utoff[z->idx[lo]];
}

int64_t fl__tz_to_civil(const fl__tz *z, fl_instant utc)
{
	if (!z || utc > INT64_MAX - OFF_MAX || utc < INT64_MIN - OFF_MIN)
		return utc;
	return utc + fl__tz_offset(z, utc);
}

fl_instant fl__tz_from_civil(const fl__tz *z, int64_t civil)
{
	if (!z)
		return civil;
	if (civil > T_LIMIT || civil < -T_LIMIT)
		return civil - fl__tz_offset(z, civil);
	/* the offsets in force around it (offsets lie within 26 h) */
	const int32_t cand[3] = {fl__tz_offset(z, civil - 93600), fl__tz_offset(z, civil),
				 fl__tz_offset(z, civil + 93600)};
	bool found = false;
	fl_instant best = 0, lo = civil, hi = civil;
	for (int i = 0; i < 3; i++) {
		fl_instant t = civil - cand[i];
		if (fl__tz_offset(z, t) == cand[i] && (!found || t < best))
			best = t, found = true;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	if (found)
		return best;
	/* a gap: the first instant whose clocks read civil or later */
	while (lo < hi) {
		fl_instant mid = lo + (hi - lo) / 2;
		if (mid + fl__tz_offset(z, mid) >= civil)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
