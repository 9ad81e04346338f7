/* test_record.c: the public record API for C programs: fl_record takes the
 * enums fl_event_kind and fl_event_status (fl_event_kind_parse and
 * fl_event_status_parse give them from text), and refusals name fl_record's
 * fields, never a command-line flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <frontline/frontline.h>
#include "helpers.h"

/* The squares tracker: X holds a, b and c from 2020-01-01. */
static char *squares(void)
{
	char *dir = tmp_tracker();
	assert_non_null(dir);
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	write_file(dir, "events.csv", EVENTS_HEADER "e1,2020-01-01,a;b;c,X,,baseline,confirmed,src,,"
					 "2020-01-01,,\n");
	return dir;
}

static void test_kind_status_parse(void **state)
{
	(void)state;
	for (int k = FL_KIND_CAPTURE; k <= FL_KIND_CORRECTION; k++) {
		fl_event_kind out = FL_KIND_CAPTURE;
		assert_int_equal(fl_event_kind_parse(fl_event_kind_name((fl_event_kind)k), &out), FL_OK);
		assert_int_equal(out, k);
	}
	for (int s = FL_STATUS_CLAIMED; s <= FL_STATUS_DISPUTED; s++) {
		fl_event_status out = FL_STATUS_CLAIMED;
		assert_int_equal(fl_event_status_parse(fl_event_status_name((fl_event_status)s), &out), FL_OK);
		assert_int_equal(out, s);
	}
	fl_event_kind k = FL_KIND_AGREEMENT;
	assert_int_equal(fl_event_kind_parse("raid", &k), FL_EARG);
	assert_int_equal(k, FL_KIND_AGREEMENT); /* unchanged */
	assert_non_null(strstr(fl_error_last(), "`kind` raid"));
	assert_non_null(strstr(fl_error_last(), "capture, handover"));
	assert_int_equal(fl_event_kind_parse(NULL, &k), FL_EARG);
	assert_int_equal(fl_event_kind_parse("Capture", &k), FL_EARG); /* names are exact */
	fl_event_status s = FL_STATUS_DISPUTED;
	assert_int_equal(fl_event_status_parse("rumour", &s), FL_EARG);
	assert_int_equal(s, FL_STATUS_DISPUTED);
	assert_non_null(strstr(fl_error_last(), "`status` rumour"));
	/* a text that is not UTF-8 is not echoed */
	assert_int_equal(fl_event_status_parse("caf\xe9", &s), FL_EARG);
	assert_null(strstr(fl_error_last(), "caf"));
	assert_non_null(strstr(fl_error_last(), "not UTF-8"));
}

static void test_record_enums(void **state)
{
	(void)state;
	char *dir = squares();
	const char *regions[] = {"b"};
	fl_record r = {0};
	r.date = "2021-03-01";
	r.regions = regions;
	r.nregions = 1;
	r.to = "Y";
	r.from = "X";
	r.source = "a report";
	r.kind = FL_KIND_HANDOVER;
	r.status = FL_STATUS_DISPUTED;
	char id[64];
	assert_int_equal(fl_record_append(dir, &r, id, sizeof id), FL_OK);
	assert_string_equal(id, "2021-03-01-b");
	/* the zero of each enum is the default: capture, claimed */
	fl_record d = r;
	d.date = "2021-04-01";
	d.to = "X";
	d.from = "Y";
	d.kind = 0;
	d.status = 0;
	assert_int_equal(fl_record_append(dir, &d, id, sizeof id), FL_OK);
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	const fl_event *e = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "2021-03-01-b"));
	assert_int_equal(e->kind, FL_KIND_HANDOVER);
	assert_int_equal(e->status, FL_STATUS_DISPUTED);
	e = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "2021-04-01-b"));
	assert_int_equal(e->kind, FL_KIND_CAPTURE);
	assert_int_equal(e->status, FL_STATUS_CLAIMED);
	fl_tracker_free(t);
	rm_tree(dir);
}

/* Refused before anything is written; the message names the field. */
static void refused(fl_record *r, const char *field)
{
	char *dir = squares();
	char before[8192] = "", after[8192] = "", path[600];
	snprintf(path, sizeof path, "%s/events.csv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(before, 1, sizeof before - 1, f);
	fclose(f);
	char id[64];
	assert_int_equal(fl_record_append(dir, r, id, sizeof id), FL_EARG);
	assert_non_null(strstr(fl_error_last(), field));
	assert_null(strstr(fl_error_last(), "--"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(after, 1, sizeof after - 1, f), n);
	fclose(f);
	assert_string_equal(before, after);
	rm_tree(dir);
}

static void test_record_refusals_name_fields(void **state)
{
	(void)state;
	const char *regions[] = {"b"}, *nowhere[] = {"nowhere"};
	fl_record base = {0};
	base.date = "2021-03-01";
	base.regions = regions;
	base.nregions = 1;
	base.to = "Y";
	base.source = "s";
	fl_record r = base;
	r.kind = (fl_event_kind)42;
	refused(&r, "`kind` 42");
	r = base;
	r.status = (fl_event_status)-1;
	refused(&r, "`status` -1");
	r = base;
	r.kind = FL_KIND_CORRECTION;
	refused(&r, "`corrects`");
	r = base;
	r.to = "Z";
	refused(&r, "`to` Z: unknown actor");
	r = base;
	r.from = "Y";
	refused(&r, "`from` Y: on 2021-03-01");
	r = base;
	r.regions = nowhere;
	refused(&r, "`regions` nowhere: unknown region");
	r = base;
	r.nregions = 0;
	refused(&r, "`regions` or `area_file`");
	r = base;
	r.date = NULL;
	refused(&r, "`date` is required");
	r = base;
	r.id = "e1";
	refused(&r, "`id` e1: an event with this id exists");
	r = base;
	r.area_file = "/nonexistent/area.geojson";
	refused(&r, "`area_file` /nonexistent/area.geojson");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_status_parse),
		cmocka_unit_test(test_record_enums),
		cmocka_unit_test(test_record_refusals_name_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
