/* cmd_diff.c: `frontline diff D1 D2`: what changed, as features or a summary. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] diff D1 D2 [--by region|actor] [-o FILE] [-f FORMAT] [--summary]\n"
	"                                     [--as-of R] [--status confirmed]\n"
	"\n"
	"The pieces whose holder on D2 differs from D1, with the events of (D1, D2] that caused it.\n"
	"Dates mean the end of the day.  Features have from, to, area_km2, events, first_date,\n"
	"last_date (and region, name with --by region, the default).\n"
	"\n"
	"  --summary    a table a person reads: gained, lost and net km² per actor, per (from, to)\n"
	"               pair, and the events; with -f csv or -f json, the same for scripts;\n"
	"               each form names the dates and the filters (--as-of, --status) asked for\n";

/* Prints the library's summary of d in the table, CSV or JSON form; false
 * after an error of the library (nothing printed). */
static bool summary(const fl_tracker *t, const fl_diff *d, const char *d1, const char *d2,
		    const char *fmt, const fl_query *q, const char *as_of)
{
	fl_diff_summary *m = NULL;
	if (fl_diff_summary_new(d, &m))
		return false;
	int json = !strcmp(fmt, "json"), csv = !strcmp(fmt, "csv");
	json_object *root = json ? json_object_new_object() : NULL;
	json_object *ja = NULL, *jp = NULL, *je = NULL;
	if (json) {
		json_object_object_add(root, "from_date", json_object_new_string(d1));
		json_object_object_add(root, "to_date", json_object_new_string(d2));
		json_object_object_add(root, "as_of", q->has_as_of ? json_object_new_string(as_of) : NULL);
		json_object_object_add(root, "confirmed_only", json_object_new_boolean(q->confirmed_only));
		json_object_object_add(root, "actors", ja = json_object_new_array());
		json_object_object_add(root, "pairs", jp = json_object_new_array());
		json_object_object_add(root, "events", je = json_object_new_array());
	} else if (csv)
		puts("type,actor,from,to,gained_km2,lost_km2,net_km2,area_km2,event,date,source,"
		     "from_date,to_date,as_of,confirmed_only");
	else {
		char filters[256];
		cli_filters_text(q, as_of, NULL, filters, sizeof filters);
		printf("Changes from %s to %s\n", d1, d2);
		if (*filters)
			printf("Filters: %s\n", filters);
		printf("\nPer actor:      gained km²     lost km²      net km²\n");
	}
	/* CSV: every row says what was asked (the dates as given need no quoting:
	 * they parsed as ISO 8601) */
	char ask[160];
	snprintf(ask, sizeof ask, "%s,%s,%s,%s", d1, d2, q->has_as_of ? as_of : "",
		 q->confirmed_only ? "true" : "false");
	for (size_t i = 0; i < fl_diff_summary_actor_count(m); i++) {
		const fl_actor_totals *a = fl_diff_summary_actor_at(m, i);
		const char *id = fl_tracker_actor_at(t, (size_t)a->actor)->id;
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "actor", json_object_new_string(id));
			json_object_object_add(o, "gained_km2", json_object_new_double(a->gained_km2));
			json_object_object_add(o, "lost_km2", json_object_new_double(a->lost_km2));
			json_object_object_add(o, "net_km2", json_object_new_double(a->net_km2));
			json_object_array_add(ja, o);
		} else if (csv)
			printf("actor,%s,,,%.6f,%.6f,%.6f,,,,,%s\n", id, a->gained_km2, a->lost_km2, a->net_km2,
			       ask);
		else
			printf("  %-8s %14.1f %12.1f %+12.1f\n", id, a->gained_km2, a->lost_km2, a->net_km2);
	}
	if (!json && !csv)
		printf("\nPer pair:\n");
	for (size_t i = 0; i < fl_diff_summary_pair_count(m); i++) {
		const fl_pair_total *p = fl_diff_summary_pair_at(m, i);
		const char *fi = p->from == FL_NONE ? "" : fl_tracker_actor_at(t, (size_t)p->from)->id;
		const char *ti = p->to == FL_NONE ? "" : fl_tracker_actor_at(t, (size_t)p->to)->id;
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "from", *fi ? json_object_new_string(fi) : NULL);
			json_object_object_add(o, "to", *ti ? json_object_new_string(ti) : NULL);
			json_object_object_add(o, "area_km2", json_object_new_double(p->area_km2));
			json_object_array_add(jp, o);
		} else if (csv)
			printf("pair,,%s,%s,,,,%.6f,,,,%s\n", fi, ti, p->area_km2, ask);
		else
			printf("  %-4s -> %-4s %12.1f km²\n", *fi ? fi : "-", *ti ? ti : "-", p->area_km2);
	}
	if (!json && !csv)
		printf("\nEvents:\n");
	for (size_t k = 0; k < fl_diff_summary_event_count(m); k++) {
		const fl_event *ev = fl_tracker_event_at(t, fl_diff_summary_event_at(m, k));
		char date[16];
		fl_tracker_format_date(t, ev->when, date, sizeof date);
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ev->id));
			json_object_object_add(o, "date", json_object_new_string(date));
			json_object_object_add(o, "to", json_object_new_string(fl_tracker_actor_at(t, (size_t)ev->to)->id));
			json_object_object_add(o, "status", json_object_new_string(fl_event_status_name(ev->status)));
			json_object_object_add(o, "source", json_object_new_string(ev->source));
			json_object_array_add(je, o);
		} else if (csv) {
			printf("event,,,%s,,,,,%s,%s,\"", fl_tracker_actor_at(t, (size_t)ev->to)->id, ev->id, date);
			for (const char *p = ev->source; *p; p++)
				printf(*p == '"' ? "\"\"" : "%c", *p);
			printf("\",%s\n", ask);
		} else
			printf("  %s  %-28s -> %-4s %-9s %s\n", date, ev->id,
			       fl_tracker_actor_at(t, (size_t)ev->to)->id, fl_event_status_name(ev->status),
			       ev->source);
	}
	if (json) {
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	}
	fl_diff_summary_free(m);
	return true;
}

int cmd_diff(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"summary", no_argument, NULL, 'M'}, {NULL, 0, NULL, 0}};
	int sum = 0, c;
	cli_opts opts;
	cli_opts_init(&opts, "diff", help, CLI_FILTERS | CLI_BY | CLI_OUTPUT | CLI_FORMAT, own, "",
		      CLI_ANY_ARGS, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0)
		sum = c == 'M' ? 1 : sum;
	if (c == CLI_STOP)
		return opts.rc;
	if (opts.nargs != 2)
		return cli_usage_error("diff", "expected two dates D1 D2, got %d argument(s)", opts.nargs);
	const char *d1 = opts.args[0], *d2 = opts.args[1];
	const char *out = opts.out, *format = opts.format, *as_of = opts.as_of;
	fl_instant t1, t2;
	if (cli_parse_date(NULL, "D1", d1, FL_DATE_END, &t1) ||
	    cli_parse_date(NULL, "D2", d2, FL_DATE_END, &t2))
		return 2;
	if (t1 > t2) {
		cli_error("D1 (%s) is after D2 (%s): did you mean 'frontline diff %s %s'?", d1, d2, d2, d1);
		return 2;
	}
	if (sum && format && strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
		return cli_usage_error("diff", "--summary -f %s: expected table, csv or json", format);
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	fl_group by = opts.by;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	/* the days of the tracker's time zone */
	cli_parse_date(t, "D1", d1, FL_DATE_END, &t1);
	cli_parse_date(t, "D2", d2, FL_DATE_END, &t2);
	cli_opts_zone(&opts, t, &q);
	const char *texts[] = {d1, d2};
	const fl_instant ats[] = {t1, t2};
	cli_warn_range(t, &q, as_of, 2, texts, ats);
	fl_diff *d = NULL;
	int rc = 0;
	if (fl_diff_new(t, &q, t1, t2, sum ? FL_BY_ACTOR : by, &d)) {
		cli_lib_error(cli_output_flags);
		rc = 1;
	} else if (sum) {
		if (!summary(t, d, d1, d2, format ? format : "table", &q, as_of)) {
			cli_lib_error(cli_output_flags);
			rc = 1;
		}
	} else {
		fl_status st = fl_diff_write(d, out, format);
		if (st) {
			cli_lib_error(cli_output_flags);
			rc = st == FL_EARG ? 2 : 1;
		} else
			cli_print_warnings();
	}
	fl_diff_free(d);
	fl_tracker_free(t);
	return rc;
}
