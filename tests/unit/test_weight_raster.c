/* test_weight_raster.c: people from a raster through the C API (weight_raster.h,
 * fl_snapshot_weight): zonal sums per piece known by hand, the cache beside
 * the tracker, and the errors that name the raster.
 *
 * The three unit squares a [0,1], b [1,2], c [2,3] x [0,1] and the area adv
 * [0.5,1.5] x [0,1] (helpers.h): X holds all from 2020-01-01, Y takes adv on
 * 2020-02-01.  The raster, an ASCII grid with a .prj, has cells of 0.5
 * degrees over [-0.5,3.5] x [-0.5,1]: the cell of column k (0 from x = -0.5)
 * is worth k, so that a holds 2 x (1 + 2) = 6, b 2 x (3 + 4) = 14,
 * c 2 x (5 + 6) = 22, adv 2 x (2 + 3) = 10; the cells outside the squares
 * (columns 0 and 7, the row under y = 0) are dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

#define WGS84_PRJ                                                                                  \
	"GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],"     \
	"PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]\n"
#define GRID                                                                                       \
	"ncols 8\nnrows 3\nxllcorner -0.5\nyllcorner -0.5\ncellsize 0.5\nNODATA_value -9999\n"  \
	"0 1 2 3 4 5 6 7\n0 1 2 3 4 5 6 7\n0 1 2 3 4 5 6 7\n"

typedef struct fixture {
	char *dir;
	char raster[600];
	fl_tracker *t;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = advance_tracker();
	write_file(f->dir, "events.csv",
		   "id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial,area\n"
		   "base,2020-01-01,*,X,,baseline,confirmed,t,,,,false,\n"
		   "adv,2020-02-01,,Y,,capture,confirmed,t,,,,false,adv\n");
	write_file(f->dir, "pop.asc", GRID);
	write_file(f->dir, "pop.prj", WGS84_PRJ);
	snprintf(f->raster, sizeof f->raster, "%s/pop.asc", f->dir);
	if (fl_tracker_open(f->dir, &f->t) != FL_OK) {
		fprintf(stderr, "open: %s\n", fl_error_last());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (!f)
		return 0;
	fl_tracker_free(f->t);
	rm_tree(f->dir);
	free(f);
	return 0;
}

/* The sum of w over the pieces of the snapshot at date held by holder h
 * (FL_NONE: all), and their number. */
static double held(const fixture *f, const fl_weight *w, const char *date, fl_group by, const char *holder,
		   size_t *npieces)
{
	fl_instant at;
	assert_int_equal(fl_instant_parse(date, FL_DATE_END, "date", &at), FL_OK);
	fl_query q = fl_query_at(at);
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(f->t, &q, by, &s), FL_OK);
	double sum = 0;
	*npieces = 0;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		if (holder && (p->holder == FL_NONE || strcmp(fl_tracker_actor_at(f->t, (size_t)p->holder)->id, holder)))
			continue;
		sum += fl_snapshot_weight(s, i, w);
		++*npieces;
	}
	assert_true(fl_snapshot_weight(s, fl_snapshot_count(s), w) == 0); /* past the end */
	fl_snapshot_free(s);
	return sum;
}

static void test_sums(void **state)
{
	const fixture *f = *state;
	fl_weight *w = NULL;
	assert_int_equal(fl_weight_from_raster(f->t, f->raster, 1, &w), FL_OK);
	assert_string_equal(fl_weight_name(w), "pop");
	assert_true(fabs(fl_weight_total(w) - 42) < 1e-9);
	size_t n;
	assert_true(fabs(held(f, w, "2020-01-15", FL_BY_ACTOR, "X", &n) - 42) < 1e-9);
	assert_int_equal(n, 1);
	assert_true(fabs(held(f, w, "2020-06-01", FL_BY_ACTOR, "X", &n) - 32) < 1e-9);
	assert_true(fabs(held(f, w, "2020-06-01", FL_BY_ACTOR, "Y", &n) - 10) < 1e-9);
	/* by region: a/X 2, a/Y 4, b/Y 6, b/X 8, c/X 22 */
	assert_true(fabs(held(f, w, "2020-06-01", FL_BY_REGION, "Y", &n) - 10) < 1e-9);
	assert_int_equal(n, 2);
	assert_true(fabs(held(f, w, "2020-06-01", FL_BY_REGION, NULL, &n) - 42) < 1e-9);
	assert_int_equal(n, 5);
	fl_weight_free(w);
}

static bool has_cache(const char *dir)
{
	DIR *d = opendir(dir);
	bool found = false;
	for (struct dirent *e; d && (e = readdir(d));)
		found = found || !strncmp(e->d_name, ".frontline-index-weight-", 24);
	if (d)
		closedir(d);
	return found;
}

/* The second call reads the cache: the same sums, even with the raster's
 * folder made unreadable for GDAL (the .prj gone: the raster would now have
 * no CRS, but its own file is unchanged). */
static void test_cache(void **state)
{
	const fixture *f = *state;
	fl_weight *w = NULL;
	assert_int_equal(fl_weight_from_raster(f->t, f->raster, 1, &w), FL_OK);
	fl_weight_free(w);
	assert_true(has_cache(f->dir));
	char prj[640];
	snprintf(prj, sizeof prj, "%s/pop.prj", f->dir);
	assert_int_equal(unlink(prj), 0);
	assert_int_equal(fl_weight_from_raster(f->t, f->raster, 1, &w), FL_OK);
	assert_true(fabs(fl_weight_total(w) - 42) < 1e-9);
	fl_weight_free(w);
	write_file(f->dir, "pop.prj", WGS84_PRJ);
}

static void expect_error(const fixture *f, const char *path, int band, fl_status want, const char *what)
{
	fl_weight *w = (fl_weight *)f; /* set to NULL on failure */
	assert_int_equal(fl_weight_from_raster(f->t, path, band, &w), want);
	assert_null(w);
	if (!strstr(fl_error_last(), what))
		fail_msg("message %s lacks %s", fl_error_last(), what);
}

static void test_errors(void **state)
{
	const fixture *f = *state;
	char path[640];
	snprintf(path, sizeof path, "%s/missing.tif", f->dir);
	expect_error(f, path, 1, FL_ENOTFOUND, "missing.tif");
	expect_error(f, f->raster, 2, FL_EARG, "band 2");
	expect_error(f, f->raster, 0, FL_EARG, "band 0");
	write_file(f->dir, "bare.asc", GRID); /* no .prj */
	snprintf(path, sizeof path, "%s/bare.asc", f->dir);
	expect_error(f, path, 1, FL_EINPUT, "bare.asc: the raster has no coordinate reference system");
	snprintf(path, sizeof path, "%s/actors.csv", f->dir);
	expect_error(f, path, 1, FL_EINPUT, "actors.csv: not a raster");
	fl_weight *w = NULL;
	assert_int_equal(fl_weight_from_raster(NULL, f->raster, 1, &w), FL_EARG);
	assert_int_equal(fl_weight_from_raster(f->t, NULL, 1, &w), FL_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
