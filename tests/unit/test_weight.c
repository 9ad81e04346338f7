/* test_weight.c: the weighted series (weight.h, stats.c): a weight that is
 * each atom's own area must sum, under every holder at every step, to the
 * area that holder holds; a weight of 1 per atom counts atoms; a weight of
 * another tracker is refused; the CSV gains one column per weight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "tracker_priv.h"
#include "weight_priv.h"
#include "helpers.h"

static fl_instant day(const fl_tracker *t, const char *d)
{
	fl_instant x = 0;
	assert_int_equal(fl_tracker_parse_date(t, d, FL_DATE_END, "test", &x), FL_OK);
	return x;
}

static void test_area_as_weight(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_weight *w[2] = {NULL, NULL};
	assert_int_equal(fl__weight_new(t, "km2", &w[0]), FL_OK);
	assert_int_equal(fl__weight_new(t, "atoms", &w[1]), FL_OK);
	for (size_t a = 0; a < t->natoms; a++) {
		w[0]->atom[a] = t->atoms[a].area_km2;
		w[1]->atom[a] = 1;
	}
	assert_true(fabs(fl_weight_total(w[0]) - t->total_km2) < 1e-6 * t->total_km2);
	assert_string_equal(fl_weight_name(w[1]), "atoms");
	fl_stats *s = NULL;
	assert_int_equal(fl_stats_new_weighted(t, NULL, day(t, "1991-01-01"), day(t, "2024-01-01"),
					       FL_STEP_MONTH, w, 2, &s),
			 FL_OK);
	assert_int_equal(fl_stats_weight_count(s), 2);
	assert_string_equal(fl_stats_weight_name(s, 0), "km2");
	assert_null(fl_stats_weight_name(s, 2));
	size_t n = fl_stats_count(s);
	assert_true(n > 100);
	double atoms_at_end = 0;
	fl_instant last = fl_stats_at(s, n - 1)->at;
	for (size_t i = 0; i < n; i++) {
		const fl_stats_row *r = fl_stats_at(s, i);
		assert_non_null(r->weight);
		assert_true(fabs(r->weight[0] - r->area_km2) <= 1e-6 * (1 + r->area_km2));
		assert_true(r->weight[1] >= 0 && r->weight[1] == floor(r->weight[1]));
		assert_true(r->area_km2 > 0 || r->weight[1] == 0);
		if (r->at == last)
			atoms_at_end += r->weight[1];
	}
	/* after 2023-09-20 every atom is held */
	assert_true(fabs(atoms_at_end - (double)t->natoms) < 0.5);
	fl_stats_free(s);

	/* without weights the rows carry none */
	assert_int_equal(fl_stats_new(t, NULL, day(t, "2020-01-01"), day(t, "2021-01-01"), FL_STEP_MONTH, &s),
			 FL_OK);
	assert_null(fl_stats_at(s, 0)->weight);
	assert_int_equal(fl_stats_weight_count(s), 0);
	fl_stats_free(s);

	/* a weight of another tracker */
	fl_tracker *t2 = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t2), FL_OK);
	assert_int_equal(fl_stats_new_weighted(t2, NULL, day(t, "2020-01-01"), day(t, "2021-01-01"),
					       FL_STEP_MONTH, w, 1, &s),
			 FL_EARG);
	assert_null(s);
	fl_tracker_free(t2);
	fl_weight_free(w[0]);
	fl_weight_free(w[1]);
	fl_tracker_free(t);
}

static void test_csv_columns(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_weight *w = NULL;
	assert_int_equal(fl__weight_new(t, "people", &w), FL_OK);
	assert_int_equal(fl__weight_new(t, "", &(fl_weight *){NULL}), FL_EARG);
	for (size_t a = 0; a < t->natoms; a++)
		w->atom[a] = 2;
	fl_stats *s = NULL;
	assert_int_equal(fl_stats_new_weighted(t, NULL, day(t, "2023-09-01"), day(t, "2023-10-31"),
					       FL_STEP_MONTH, &w, 1, &s),
			 FL_OK);
	char *dir = tmp_tracker(), path[600];
	snprintf(path, sizeof path, "%s/s.csv", dir);
	assert_int_equal(fl_stats_write_csv(s, path), FL_OK);
	FILE *f = fopen(path, "r");
	char line[512];
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "date,holder,area_km2,share,area_km2_min,area_km2_max,people\n");
	/* October 2023: AZ holds every atom, 2 each */
	char last[512] = "";
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "2023-10-31,AZ,", 14) == 0)
			snprintf(last, sizeof last, "%s", line);
	fclose(f);
	char want[64];
	snprintf(want, sizeof want, ",%zu\n", 2 * t->natoms);
	assert_non_null(strstr(last, "2023-10-31,AZ,"));
	assert_true(strlen(last) > strlen(want) && strcmp(last + strlen(last) - strlen(want), want) == 0);
	fl_stats_free(s);
	fl_weight_free(w);
	fl_tracker_free(t);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_area_as_weight),
		cmocka_unit_test(test_csv_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
