/* test_animate.c: time-lapses through the C API (animate.h): the steps, the
 * frame counts by day, week and month (the month's last day where the day
 * is missing), the progress callback (each frame once, in order; a nonzero
 * answer stops the run and nothing is written, an existing file kept), and
 * the refusals naming their parameter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

static fl_instant day(const fl_tracker *t, const char *text)
{
	fl_instant at = 0;
	assert_int_equal(fl_tracker_parse_date(t, text, FL_DATE_END, "test", &at), FL_OK);
	return at;
}

static void test_steps_and_counts(void **state)
{
	(void)state;
	fl_step s = FL_STEP_EVENT;
	assert_int_equal(fl_animate_parse_step("day", &s), FL_OK);
	assert_int_equal(s, FL_STEP_DAY);
	assert_int_equal(fl_animate_parse_step("week", &s), FL_OK);
	assert_int_equal(s, FL_STEP_WEEK);
	assert_int_equal(fl_animate_parse_step("month", &s), FL_OK);
	assert_int_equal(s, FL_STEP_MONTH);
	assert_int_equal(fl_animate_parse_step("event", &s), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`step` event"));
	assert_int_equal(fl_animate_parse_step(NULL, &s), FL_EARG);
	assert_non_null(strstr(fl_animate_formats(), "gif webp"));

	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	fl_instant a = day(t, "2020-09-27"), b = day(t, "2020-12-01");
	assert_int_equal(fl_animate_count(t, a, b, FL_STEP_DAY), 66);
	assert_int_equal(fl_animate_count(t, a, b, FL_STEP_WEEK), 10);
	assert_int_equal(fl_animate_count(t, a, a, FL_STEP_DAY), 1);
	assert_int_equal(fl_animate_count(t, b, a, FL_STEP_DAY), 0);
	/* 01-31, 02-29, 03-31, 04-30, 05-31, 06-30 */
	assert_int_equal(fl_animate_count(t, day(t, "2020-01-31"), day(t, "2020-06-30"), FL_STEP_MONTH), 6);
	assert_int_equal(fl_animate_count(t, day(t, "2020-01-31"), day(t, "2020-06-29"), FL_STEP_MONTH), 5);
	fl_tracker_free(t);
}

typedef struct seen {
	size_t calls, last_done, total, stop_at;
	int in_order;
} seen;

static int progress(size_t done, size_t total, void *user)
{
	seen *s = user;
	s->calls++;
	s->in_order &= done == s->last_done + 1;
	s->last_done = done;
	s->total = total;
	return s->stop_at && done == s->stop_at;
}

static void test_progress_and_stop(void **state)
{
	(void)state;
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(KARABAKH, &t), FL_OK);
	char *dir = tmp_tracker();
	char path[600];
	snprintf(path, sizeof path, "%s/war.gif", dir);
	fl_render_opts ro = fl_render_opts_default();
	ro.width = 120, ro.height = 90;
	fl_animate_opts ao = fl_animate_opts_default();
	assert_int_equal(ao.fps, 4);
	assert_true(ao.lossless);
	fl_instant a = day(t, "2020-11-23"), b = day(t, "2020-11-25");

	seen s = {.in_order = 1};
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_DAY, &ro, &ao, path, progress, &s), FL_OK);
	assert_int_equal(s.calls, 3);
	assert_int_equal(s.total, 3);
	assert_int_equal(s.last_done, 3);
	assert_true(s.in_order);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char head[6];
	assert_int_equal(fread(head, 1, 6, f), 6);
	fclose(f);
	assert_memory_equal(head, "GIF89a", 6);

	/* stopped after the second frame: the file is the one before */
	write_file(dir, "war.gif", "old");
	seen s2 = {.in_order = 1, .stop_at = 2};
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_DAY, &ro, &ao, path, progress, &s2), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "stopped after 2 of 3 frames"));
	assert_int_equal(s2.calls, 2);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 3);

	/* refusals name the parameter; nothing is written */
	snprintf(path, sizeof path, "%s/new.webp", dir);
	fl_animate_opts bad = ao;
	bad.fps = 0;
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_DAY, &ro, &bad, path, NULL, NULL), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`fps` 0"));
	bad = ao;
	bad.hold_last = -1;
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_DAY, &ro, &bad, path, NULL, NULL), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`hold_last`"));
	assert_int_equal(fl_animate(t, NULL, b, a, FL_STEP_DAY, &ro, &ao, path, NULL, NULL), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`from` 2020-11-25 is after `to` 2020-11-23"));
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_EVENT, &ro, &ao, path, NULL, NULL), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`step`"));
	assert_int_equal(stat(path, &sb), -1);
	snprintf(path, sizeof path, "%s/new.png", dir);
	assert_int_equal(fl_animate(t, NULL, a, b, FL_STEP_DAY, &ro, &ao, path, NULL, NULL), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`path`"));
	assert_int_equal(stat(path, &sb), -1);
	rm_tree(dir);
	fl_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_and_counts),
		cmocka_unit_test(test_progress_and_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
