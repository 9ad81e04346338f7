/*
 * fuzz_geojson.c: frontline's own GeoJSON writer (src/geojson.c).
 *
 * The first byte chooses a path, the rest is its input:
 *   0  any bytes as a property string: the output is one JSON string that
 *      json-c reads back as the input when the input is UTF-8 (and as
 *      well-formed text otherwise);
 *   1  8 bytes as a double: the real is the text printf's %.15g gives by
 *      GDAL's rule (the writer prints most reals without printf), and
 *      reads back within 12 significant figures (null when not finite);
 *   2  8 bytes as a number of grid steps (kept within +-1e11 degrees): the
 *      coordinate reads back as exactly that number of steps;
 *   3  any bytes as WKB: a feature with awkward properties, which when the
 *      WKB is accepted is a JSON object json-c reads whole, and when it is
 *      refused leaves the text as it was.
 */
#include <json-c/json.h>
#include <math.h>
#include "fuzz_common.h"
#include "geojson.h"
#include "../geojson_reference.h"
#include "utf8.h"

/* The text parses as one JSON value, all of it; returned (put it; NULL
 * for null). */
static json_object *parse_all(const fl__gj_text *b)
{
	FZ_ASSERT(!b->oom && b->p);
	json_tokener *tok = json_tokener_new_ex(64);
	/* with its NUL: a number or literal at the very end is complete */
	json_object *o = json_tokener_parse_ex(tok, b->p, (int)b->len + 1);
	FZ_ASSERT(json_tokener_get_error(tok) == json_tokener_success);
	FZ_ASSERT(json_tokener_get_parse_end(tok) >= b->len);
	json_tokener_free(tok);
	return o;
}

static void fuzz_string(const uint8_t *data, size_t size)
{
	fl__gj_text b = {0};
	fl__gj_string(&b, (const char *)data, size, size & 1);
	json_object *o = parse_all(&b);
	FZ_ASSERT(json_object_is_type(o, json_type_string));
	const char *s = json_object_get_string(o);
	size_t n = (size_t)json_object_get_string_len(o);
	if (fl__utf8_invalid_at((const char *)data, size) == SIZE_MAX)
		FZ_ASSERT(n == size && !memcmp(s, data, size));
	else
		FZ_ASSERT(fl__utf8_invalid_at(s, n) == SIZE_MAX);
	json_object_put(o);
	free(b.p);
}

static void fuzz_real(const uint8_t *data, size_t size)
{
	double d = 0;
	memcpy(&d, data, size < 8 ? size : 8);
	fl__gj_text b = {0};
	if (fabs(d) > 1e300) /* beyond, 15 figures may round past DBL_MAX */
		d = isnan(d) ? d : d / 1e10;
	fl__gj_real(&b, d);
	json_object *o = parse_all(&b);
	if (!isfinite(d))
		FZ_ASSERT(o == NULL);
	else {
		FZ_ASSERT(json_object_is_type(o, json_type_double));
		double got = strtod(b.p, NULL);
		FZ_ASSERT(got == d || fabs(got - d) <= 1e-11 * fabs(d));
		char want[40];
		reference_real(d, want);
		FZ_ASSERT(!strcmp(b.p, want));
	}
	json_object_put(o);
	free(b.p);
}

static void fuzz_grid(const uint8_t *data, size_t size)
{
	int64_t k = 0;
	memcpy(&k, data, size < 8 ? size : 8);
	k %= 1000000000000000000LL; /* |x| < 1e11 degrees */
	double x = (double)k / 1e7;
	fl__gj_text b = {0};
	fl__gj_grid(&b, x);
	FZ_ASSERT(!b.oom);
	/* digits, a point, at least one decimal and at most seven */
	const char *dot = strchr(b.p, '.');
	FZ_ASSERT(dot && strlen(dot + 1) >= 1 && strlen(dot + 1) <= 7);
	double back = strtod(b.p, NULL);
	FZ_ASSERT(nearbyint(back * 1e7) == nearbyint(x * 1e7));
	json_object_put(parse_all(&b));
	free(b.p);
}

static void fuzz_wkb(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"id", "area_km2", "since", "partial", "n"};
	static const fl__ftype types[] = {FL__STR, FL__REAL, FL__DATETIME, FL__BOOL, FL__INT};
	fl__value v[5] = {{.s = "a\"b\\c\x01/\xF0\x9D\x84\x9E"}, {.d = 1e300}, {.t = -62135596800LL},
			  {.i = 1}, {.null = true}};
	fl__gj_fields f;
	FZ_ASSERT(fl__gj_fields_make(&f, names, types, 5));
	fl__gj_text b = {0};
	fl__gj_put(&b, "[", 1);
	size_t before = b.len;
	bool ok = fl__gj_feature(&b, true, &f, v, data, size);
	fl__gj_fields_free(&f);
	if (!ok) {
		FZ_ASSERT(b.len == before);
		free(b.p);
		return;
	}
	fl__gj_put(&b, "]", 1);
	json_object *o = parse_all(&b);
	FZ_ASSERT(json_object_is_type(o, json_type_array) && json_object_array_length(o) == 1);
	json_object_put(o);
	free(b.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_string(data + 1, size - 1); break;
	case 1: fuzz_real(data + 1, size - 1); break;
	case 2: fuzz_grid(data + 1, size - 1); break;
	default: fuzz_wkb(data + 1, size - 1); break;
	}
	return 0;
}
