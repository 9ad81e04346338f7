/*
 * geojson_reference.h: how GDAL prints a real in GeoJSON (printf's %.15g,
 * or 14, 13 or 12 figures when 15 leave a run of six 0s or 9s after the
 * point; ".0" when there is neither a point nor an exponent), computed
 * with printf only: the reference frontline's writer (src/geojson.c) is
 * checked against, by tests/unit/test_output.c and tests/fuzz/fuzz_geojson.c.
 */
#ifndef FL_TESTS_GEOJSON_REFERENCE_H
#define FL_TESTS_GEOJSON_REFERENCE_H
#include <stdio.h>
#include <string.h>

/* out: at least 40 bytes */
static inline void reference_real(double d, char *out)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.15g", d);
	const char *dot = strchr(buf, '.');
	if (dot && (strstr(dot, "000000") || strstr(dot, "999999")))
		for (int f = 14; f >= 12; f--) {
			char alt[40];
			snprintf(alt, sizeof alt, "%.*g", f, d);
			const char *ad = strchr(alt, '.');
			if (ad && !strstr(ad, "000000") && !strstr(ad, "999999")) {
				memcpy(buf, alt, sizeof buf);
				break;
			}
		}
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	memcpy(out, buf, sizeof buf);
}

#endif
