/* test_deepstate.c: the real-data round trip of issue 8.  The 769 daily
 * DeepStateMap polygons in ../shared/data/deepstate are imported into a
 * tracker, and every day's snapshot must give back that day's polygon: a
 * symmetric difference under 0.01 km², the same geodesic area to 0.01 %, and
 * a tracker at least 20 times smaller than the daily files.  Skips when the
 * shared data is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>
#include <geos_c.h>
#include <frontline/frontline.h>
#include "helpers.h"
#include "geo.h"
#include "util.h"

#define DEEPSTATE FL_SOURCE_ROOT "/../shared/data/deepstate"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_days(size_t *n, off_t *bytes)
{
	DIR *d = opendir(DEEPSTATE);
	if (!d)
		return NULL;
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	*bytes = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".geojson"))
			continue;
		v = fl__grow(v, &cap, *n + 1, sizeof *v);
		v[*n] = fl__printf("%s/%s", DEEPSTATE, e->d_name);
		struct stat sb;
		if (stat(v[*n], &sb) == 0)
			*bytes += sb.st_size;
		(*n)++;
	}
	closedir(d);
	qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

static GEOSGeometry *read_day(GEOSContextHandle_t h, const char *path)
{
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
	assert_non_null(ds);
	OGRLayerH l = GDALDatasetGetLayer(ds, 0);
	OGRFeatureH f = OGR_L_GetNextFeature(l);
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	int len = OGR_G_WkbSize(g);
	unsigned char *buf = malloc((size_t)len);
	OGR_G_ExportToIsoWkb(g, wkbNDR, buf);
	GEOSGeometry *r = GEOSGeomFromWKB_buf_r(h, buf, (size_t)len);
	free(buf);
	OGR_F_Destroy(f);
	GDALClose(ds);
	if (GEOSisValid_r(h, r) != 1) {
		GEOSGeometry *m = GEOSMakeValid_r(h, r);
		GEOSGeom_destroy_r(h, r);
		r = m;
	}
	return r;
}

/* Area in km² with straight lon/lat edges, as RFC 7946 reads GeoJSON: each
 * polygon's planar area in square degrees at its own latitude's scale.  The
 * symmetric difference is made of slivers between the same lon/lat lines with
 * and without the vertices the overlay added on them; measured with geodesic
 * edges, a long straight edge's bulge would count as area that no map shows. */
static double lonlat_km2(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	const double k = M_PI / 180 * 6371.0088; /* km per degree on the mean sphere */
	int t = GEOSGeomTypeId_r(h, g);
	if (t == GEOS_POLYGON) {
		double a = 0, y = 0;
		GEOSArea_r(h, g, &a);
		GEOSGeometry *c = GEOSGetCentroid_r(h, g);
		if (c && !GEOSisEmpty_r(h, c))
			GEOSGeomGetY_r(h, c, &y);
		if (c)
			GEOSGeom_destroy_r(h, c);
		return a * k * k * cos(y * M_PI / 180);
	}
	double sum = 0;
	if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION)
		for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
			sum += lonlat_km2(h, GEOSGetGeometryN_r(h, g, i));
	return sum;
}

static off_t folder_bytes(const char *dir)
{
	off_t total = 0;
	const char *names[] = {"actors.csv", "events.csv", "areas.geojson"};
	for (int i = 0; i < 3; i++) {
		char *p = fl__printf("%s/%s", dir, names[i]);
		struct stat sb;
		if (p && stat(p, &sb) == 0)
			total += sb.st_size;
		free(p);
	}
	return total;
}

static void test_round_trip(void **state)
{
	(void)state;
	size_t n = 0;
	off_t pile = 0;
	char **files = list_days(&n, &pile);
	if (!files || n == 0) {
		skip(); /* ../shared is absent */
		return;
	}
	char *dir = tmp_tracker();
	char *out = fl__printf("%s/ds", dir);
	fl_import_opts o = {.holder = "RU", .other = "UA", .status = FL_STATUS_CONFIRMED};
	fl_import_result r;
	assert_int_equal(fl_import_series((const char *const *)files, n, &o, out, &r), FL_OK);
	assert_int_equal(r.dates, n);
	off_t size = folder_bytes(out);
	print_message("# %zu days, %zu events, tracker %lld bytes, daily files %lld bytes (%.1fx)\n", n,
		      r.events, (long long)size, (long long)pile, (double)pile / (double)size);
	assert_true(size * 20 <= pile);

	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(out, &t), FL_OK);
	GEOSContextHandle_t h = fl__geos_new();
	fl__geod geod;
	assert_int_equal(fl__geod_init(&geod), FL_OK);
	int RU = fl_tracker_find_actor(t, "RU");

	double worst_sd = 0, worst_rel = 0;
	const char *worst_day = "";
#ifdef FL_SANITIZED
	const size_t stride = 16; /* sanitizers are 10x slower: a sample of days */
#else
	const size_t stride = 1; /* every day */
#endif
	for (size_t i = 0; i < n; i += stride) {
		const char *base = strrchr(files[i], '_') + 1; /* YYYYMMDD.geojson */
		char date[16];
		snprintf(date, sizeof date, "%.4s-%.2s-%.2s", base, base + 4, base + 6);
		fl_query q = fl_query_at(0);
		assert_int_equal(fl_instant_parse(date, FL_DATE_END, "day", &q.at), FL_OK);
		fl_snapshot *s = NULL;
		assert_int_equal(fl_snapshot_new(t, &q, FL_BY_ACTOR, &s), FL_OK);
		GEOSGeometry *got = NULL;
		double area = -1;
		for (size_t k = 0; k < fl_snapshot_count(s); k++) {
			size_t len;
			const unsigned char *wkb = fl_snapshot_wkb(s, k, &len);
			GEOSGeometry *g = GEOSGeomFromWKB_buf_r(h, wkb, len);
			assert_non_null(g);
			/* every holder's territory is a valid (multi)polygon: no ring touching itself */
			if (GEOSisValid_r(h, g) != 1)
				fail_msg("%s: holder %d: invalid geometry: %s", date,
					 fl_snapshot_at(s, k)->holder, GEOSisValidReason_r(h, g));
			if (fl_snapshot_at(s, k)->holder == RU) {
				got = g;
				area = fl_snapshot_at(s, k)->area_km2;
			} else
				GEOSGeom_destroy_r(h, g);
		}
		assert_non_null(got);
		GEOSGeometry *want = read_day(h, files[i]);
		GEOSGeometry *sd = GEOSSymDifference_r(h, got, want);
		double sd_km2 = lonlat_km2(h, sd);
		double want_km2 = fl__geod_area_km2(&geod, h, want);
		double rel = fabs(area - want_km2) / want_km2;
		if (sd_km2 > worst_sd)
			worst_sd = sd_km2, worst_day = base;
		worst_rel = fmax(worst_rel, rel);
		if ((sd_km2 >= 0.01 || rel >= 1e-4) && getenv("FL_DEBUG_DUMP")) {
			GEOSWKTWriter *w = GEOSWKTWriter_create_r(h);
			FILE *f = fopen(getenv("FL_DEBUG_DUMP"), "w");
			char *a = GEOSWKTWriter_write_r(h, w, got), *b = GEOSWKTWriter_write_r(h, w, want);
			fprintf(f, "%s\n%s\n", a, b);
			fclose(f);
			GEOSFree_r(h, a), GEOSFree_r(h, b);
			GEOSWKTWriter_destroy_r(h, w);
		}
		if (sd_km2 >= 0.01 || rel >= 1e-4)
			fail_msg("%s: symmetric difference %.6f km², area %.4f vs %.4f km²", date, sd_km2,
				 area, want_km2);
		GEOSGeom_destroy_r(h, sd);
		GEOSGeom_destroy_r(h, want);
		GEOSGeom_destroy_r(h, got);
		fl_snapshot_free(s);
	}
	print_message("# worst symmetric difference %.6f km² (%s), worst area error %.2e\n", worst_sd,
		      worst_day, worst_rel);
	GEOS_finish_r(h);
	fl_tracker_free(t);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(out);
	rm_tree(dir);
}

/* The whole file at dir/name (malloc'd, *len bytes), NULL when unreadable. */
static char *file_bytes(const char *dir, const char *name, size_t *len)
{
	char *p = fl__printf("%s/%s", dir, name);
	FILE *f = p ? fopen(p, "rb") : NULL;
	free(p);
	if (!f)
		return NULL;
	char *buf = NULL;
	*len = 0;
	size_t cap = 0;
	for (;;) {
		if (*len + 65536 > cap) {
			cap = (*len + 65536) * 2;
			char *nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		size_t k = fread(buf + *len, 1, cap - *len, f);
		*len += k;
		if (k == 0)
			break;
	}
	fclose(f);
	return buf;
}

static void assert_same_files(const char *a, const char *b)
{
	const char *names[] = {"actors.csv", "events.csv", "areas.geojson", "import-series.json"};
	for (int i = 0; i < 4; i++) {
		size_t la = 0, lb = 0;
		char *x = file_bytes(a, names[i], &la), *y = file_bytes(b, names[i], &lb);
		assert_non_null(x);
		assert_non_null(y);
		if (la != lb || memcmp(x, y, la))
			fail_msg("%s: %zu bytes, one import's %zu bytes, not the same", names[i], la, lb);
		free(x), free(y);
	}
}

/* fl_import_append: 36 days then 4 == one import of the 40, byte for byte;
 * refusals leave the files as they were. */
static void test_append(void **state)
{
	(void)state;
	size_t n = 0;
	off_t pile = 0;
	char **files = list_days(&n, &pile);
	if (!files || n < 40) {
		skip();
		return;
	}
	char *dir = tmp_tracker();
	char *all = fl__printf("%s/all", dir), *part = fl__printf("%s/part", dir);
	fl_import_opts o = {.holder = "RU", .other = "UA", .status = FL_STATUS_CONFIRMED};
	fl_import_result r;
	const char *const *f = (const char *const *)files;
	assert_int_equal(fl_import_series(f, 40, &o, all, &r), FL_OK);
	assert_int_equal(fl_import_series(f, 36, &o, part, &r), FL_OK);
	fl_import_opts a = {.status_unset = true};
	assert_int_equal(fl_import_append(f + 36, 4, &a, part, &r), FL_OK);
	assert_int_equal(r.dates, 4);
	assert_same_files(part, all);
	/* a day already there, another holder, a tracker import-series did not make */
	assert_int_equal(fl_import_append(f + 39, 1, &a, part, &r), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "already in the tracker"));
	assert_non_null(strstr(fl_error_last(), strrchr(files[39], '/') + 1));
	fl_import_opts x = {.holder = "XX", .status_unset = true};
	assert_int_equal(fl_import_append(f + 39, 1, &x, part, &r), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`holder`"));
	assert_int_equal(fl_import_append(f + 39, 1, &a, dir, &r), FL_EINPUT);
	assert_non_null(strstr(fl_error_last(), "not made by import-series"));
	assert_same_files(part, all);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(all), free(part);
	rm_tree(dir);
}

int main(void)
{
	GDALAllRegister();
	size_t n = 0;
	off_t pile = 0;
	char **files = list_days(&n, &pile);
	if (!files || n == 0) {
		/* TAP's plan for a test that cannot run here: meson and run-all.sh
		 * count it as skipped (cmocka's skip() prints "not ok # SKIP",
		 * which both read as a failure) */
		free(files);
		puts("1..0 # SKIP ../shared/data/deepstate is absent");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip), cmocka_unit_test(test_append)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
