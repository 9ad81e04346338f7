/* test_record.c: the public record API for C programs: fl_record takes the
 * enums fl_event_kind and fl_event_status (fl_event_kind_parse and
 * fl_event_status_parse give them from text), and refusals name fl_record's
 * fields, never a command-line flag; `recorded`, `partial`, a confirmation
 * through `corrects`, and fl_record_retract(). */
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

/* The holder of region `region` on `date` (end of day), as known at `as_of`
 * (NULL: now), only confirmed events when confirmed; its event's id in
 * *event ("" when none). */
static const char *holder_on(const char *dir, const char *region, const char *date, const char *as_of,
			     int confirmed, char *event, size_t len)
{
	static char out[32];
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	fl_instant at;
	assert_int_equal(fl_instant_parse(date, FL_DATE_END, "date", &at), FL_OK);
	fl_query q = fl_query_at(at);
	q.confirmed_only = confirmed;
	if (as_of) {
		q.has_as_of = 1;
		assert_int_equal(fl_instant_parse(as_of, FL_DATE_END, "as_of", &q.as_of), FL_OK);
	}
	fl_snapshot *s = NULL;
	assert_int_equal(fl_snapshot_new(t, &q, FL_BY_REGION, &s), FL_OK);
	int r = fl_tracker_find_region(t, region);
	snprintf(out, sizeof out, "?");
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		if (p->region != r)
			continue;
		snprintf(out, sizeof out, "%s", p->holder == FL_NONE ? "-" : fl_tracker_actor_at(t, (size_t)p->holder)->id);
		snprintf(event, len, "%s", p->event == FL_NONE ? "" : fl_tracker_event_at(t, (size_t)p->event)->id);
	}
	fl_snapshot_free(s);
	fl_tracker_free(t);
	return out;
}

/* A claim backfilled (`recorded`, `partial`), confirmed by a correction,
 * then withdrawn by fl_record_retract(): each as the engine and the event
 * list see it, and as they saw it before. */
static void test_record_confirm_retract(void **state)
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
	r.source = "a claim";
	r.id = "claim";
	r.recorded = "2021-03-01T12:00:00Z";
	r.partial = 1;
	char id[64], ev[64];
	assert_int_equal(fl_record_append(dir, &r, id, sizeof id), FL_OK);
	/* the confirmation repeats the claim: no duplicate */
	fl_record c = r;
	c.id = NULL;
	c.kind = FL_KIND_CORRECTION;
	c.status = FL_STATUS_CONFIRMED;
	c.corrects = "claim";
	c.recorded = "2021-03-10";
	c.partial = 0;
	assert_int_equal(fl_record_append(dir, &c, id, sizeof id), FL_OK);
	assert_string_equal(id, "2021-03-01-b");
	assert_string_equal(holder_on(dir, "b", "2021-03-05", NULL, 1, ev, sizeof ev), "Y");
	assert_string_equal(ev, "2021-03-01-b");
	assert_string_equal(holder_on(dir, "b", "2021-03-05", "2021-03-09", 1, ev, sizeof ev), "X");
	assert_string_equal(holder_on(dir, "b", "2021-03-05", "2021-03-09", 0, ev, sizeof ev), "Y");
	assert_string_equal(ev, "claim");
	/* a second correction of the claim is refused, naming the first */
	c.recorded = "2021-03-11";
	assert_int_equal(fl_record_append(dir, &c, id, sizeof id), FL_EARG);
	assert_non_null(strstr(fl_error_last(), "`corrects` claim: already corrected by event '2021-03-01-b'"));
	/* withdrawn */
	fl_retraction x = {0};
	x.retracts = "2021-03-01-b";
	x.source = "the report was wrong";
	x.recorded = "2021-03-20";
	assert_int_equal(fl_record_retract(dir, &x, id, sizeof id), FL_OK);
	assert_string_equal(id, "2021-03-01-b-retraction");
	assert_string_equal(holder_on(dir, "b", "2021-03-25", NULL, 0, ev, sizeof ev), "X");
	assert_string_equal(ev, "e1");
	assert_string_equal(holder_on(dir, "b", "2021-03-25", NULL, 1, ev, sizeof ev), "X");
	assert_string_equal(holder_on(dir, "b", "2021-03-25", "2021-03-19", 0, ev, sizeof ev), "Y");
	assert_string_equal(ev, "2021-03-01-b");
	fl_tracker *t = NULL;
	assert_int_equal(fl_tracker_open(dir, &t), FL_OK);
	const fl_event *e = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "claim"));
	fl_instant want;
	assert_int_equal(fl_instant_parse("2021-03-01T12:00:00Z", FL_DATE_START, "r", &want), FL_OK);
	assert_true(e->recorded == want);
	assert_int_equal(e->partial, 1);
	e = fl_tracker_event_at(t, (size_t)fl_tracker_find_event(t, "2021-03-01-b-retraction"));
	assert_int_equal(e->kind, FL_KIND_RETRACTION);
	assert_int_equal(e->to, FL_NONE);
	assert_int_equal(e->from, FL_NONE);
	assert_int_equal(e->nregions, 0);
	assert_int_equal(e->has_polygon, 0);
	assert_int_equal(e->status, FL_STATUS_CONFIRMED);
	assert_int_equal(e->corrects, fl_tracker_find_event(t, "2021-03-01-b"));
	assert_string_equal(e->date, "2021-03-01");
	assert_string_equal(fl_event_kind_name(e->kind), "retraction");
	/* the events layer (the server's events collection) gives it no `to` */
	unsigned char *buf = NULL;
	size_t len = 0;
	assert_int_equal(fl_tracker_write_layer_buffer(t, "events", NULL, &buf, &len), FL_OK);
	const char *row = strstr((const char *)buf, "\"id\": \"2021-03-01-b-retraction\"");
	assert_non_null(row);
	assert_non_null(strstr(row, "\"to\": null"));
	assert_non_null(strstr(row, "\"kind\": \"retraction\""));
	fl_free(buf);
	fl_tracker_free(t);
	rm_tree(dir);
}

/* A refused retraction names fl_retraction's field and writes nothing. */
static void retract_refused(const fl_retraction *x, const char *field)
{
	char *dir = squares();
	char before[8192] = "", after[8192] = "", path[600];
	snprintf(path, sizeof path, "%s/events.csv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(before, 1, sizeof before - 1, f);
	fclose(f);
	char id[64];
	assert_int_equal(fl_record_retract(dir, x, id, sizeof id), FL_EARG);
	assert_non_null(strstr(fl_error_last(), field));
	assert_null(strstr(fl_error_last(), "--"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(after, 1, sizeof after - 1, f), n);
	fclose(f);
	assert_string_equal(before, after);
	rm_tree(dir);
}

static void test_record_new_fields_refused(void **state)
{
	(void)state;
	const char *regions[] = {"b"};
	fl_record base = {0};
	base.date = "2021-03-01";
	base.regions = regions;
	base.nregions = 1;
	base.to = "Y";
	base.source = "s";
	fl_record r = base;
	r.recorded = "2999-01-01";
	refused(&r, "`recorded` 2999-01-01 is in the future");
	r.recorded = "2021-02-30";
	refused(&r, "`recorded`");
	r.recorded = "";
	refused(&r, "`recorded` is empty");
	r.recorded = "2021-02-20";
	refused(&r, "`recorded` 2021-02-20 is more than a day before the event's `date` 2021-03-01");
	r.recorded = "2019-12-31";
	r.corrects = "e1"; /* recorded 2020-01-01 */
	refused(&r, "`recorded`");
	r = base;
	r.kind = FL_KIND_RETRACTION;
	r.corrects = "e1";
	refused(&r, "`kind` retraction");
	fl_retraction x = {0};
	x.retracts = "e1";
	retract_refused(&x, "`source` is required");
	x.source = "s";
	x.retracts = "nope";
	retract_refused(&x, "`retracts` nope: no event with this id");
	x.retracts = NULL;
	retract_refused(&x, "`retracts` is required");
	x.retracts = "e1";
	x.recorded = "2999-01-01";
	retract_refused(&x, "`recorded` 2999-01-01 is in the future");
	x.recorded = "2019-12-31T00:00Z";
	retract_refused(&x, "`recorded` 2019-12-31T00:00Z is before event 'e1' was recorded");
	x.recorded = NULL;
	x.id = "e1";
	retract_refused(&x, "`id` e1: an event with this id exists");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_status_parse),
		cmocka_unit_test(test_record_enums),
		cmocka_unit_test(test_record_refusals_name_fields),
		cmocka_unit_test(test_record_confirm_retract),
		cmocka_unit_test(test_record_new_fields_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
