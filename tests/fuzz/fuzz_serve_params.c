/*
 * fuzz_serve_params.c: the query parameters and paths of `frontline serve`
 * (src/serve/serve_params.c): datetime, bbox, limit, offset, f with Accept,
 * the request path check and the unescape callback.  Every value, accepted or refused, must keep
 * the documented invariants; an error message is always a terminated,
 * non-empty string.
 */
#include <math.h>
#include "serve_params.h"
#include "fuzz_common.h"

static void check_err(int rc, const char *err)
{
	if (rc) {
		FZ_ASSERT(rc == -1);
		FZ_ASSERT(memchr(err, 0, 200) && *err);
	} else
		FZ_ASSERT(rc == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_cstr(data, size);
	char err[200];

	memset(err, 'x', sizeof err);
	sp_datetime dt;
	int rc = sp_parse_datetime(s, &dt, err, sizeof err);
	check_err(rc, err);
	if (!rc) {
		fl_instant lo, hi;
		sp_datetime_range(&dt, &lo, &hi);
		FZ_ASSERT(lo <= hi);
		FZ_ASSERT(dt.interval || (!dt.start.open && dt.start.lo <= dt.start.hi));
	}

	memset(err, 'x', sizeof err);
	sp_bbox bb;
	rc = sp_parse_bbox(s, &bb, err, sizeof err);
	check_err(rc, err);
	if (!rc) {
		FZ_ASSERT(bb.present);
		FZ_ASSERT(isfinite(bb.minx) && isfinite(bb.miny) && isfinite(bb.maxx) && isfinite(bb.maxy));
		FZ_ASSERT(bb.minx >= -180 && bb.maxx <= 180 && bb.miny >= -90 && bb.miny <= bb.maxy &&
			  bb.maxy <= 90);
		const double env[4] = {-1, -1, 1, 1};
		(void)sp_bbox_intersects(&bb, env);
	}

	long v;
	memset(err, 'x', sizeof err);
	rc = sp_parse_limit(s, &v, err, sizeof err);
	check_err(rc, err);
	if (!rc)
		FZ_ASSERT(v >= 1 && v <= SP_LIMIT_MAX);
	memset(err, 'x', sizeof err);
	rc = sp_parse_offset(s, &v, err, sizeof err);
	check_err(rc, err);
	if (!rc)
		FZ_ASSERT(v >= 0);

	/* f and Accept: the input cut at its first NUL-free '\n' */
	char *nl = strchr(s, '\n');
	sp_format fmt;
	memset(err, 'x', sizeof err);
	if (nl) {
		*nl = 0;
		rc = sp_parse_format(*s ? s : NULL, nl + 1, &fmt, err, sizeof err);
		*nl = '\n';
	} else
		rc = sp_parse_format(NULL, s, &fmt, err, sizeof err);
	check_err(rc, err);
	if (!rc)
		FZ_ASSERT(fmt == SP_JSON || fmt == SP_HTML);

	memset(err, 'x', sizeof err);
	rc = sp_path_check(s, err, sizeof err);
	check_err(rc, err);
	if (!rc) {
		FZ_ASSERT(s[0] == '/' && !strstr(s, "/../") && !strstr(s, "//") && !strchr(s, '\\'));
		size_t n = strlen(s);
		FZ_ASSERT(!(n >= 3 && strcmp(s + n - 3, "/..") == 0));
		FZ_ASSERT(!(n >= 2 && strcmp(s + n - 2, "/.") == 0));
	}

	/* the unescape callback: never longer, never a control byte out of a %XX */
	size_t before = strlen(s);
	int had_control = 0;
	for (const char *p = s; *p; p++)
		had_control |= (unsigned char)*p < 0x20 || *p == 0x7f;
	size_t after = sp_unescape(s);
	FZ_ASSERT(after <= before && after == strlen(s));
	memset(err, 'x', sizeof err);
	rc = sp_control_check("p", s, "value", err, sizeof err);
	check_err(rc, err);
	if (!had_control)
		for (const char *p = s; *p; p++)
			FZ_ASSERT((unsigned char)*p >= 0x20);
	free(s);
	return 0;
}
