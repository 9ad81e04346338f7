/* cmd_log.c: `frontline log`: the change log, filtered, as a table, CSV or JSON. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] log [--region ID] [--holder ID] [--from D] [--to D]\n"
	"                               [--as-of R] [-f table|csv|json]\n"
	"\n"
	"The change log in the order events apply.  An event replaced by a correction\n"
	"or withdrawn by a retraction ('frontline retract') is marked with the event\n"
	"that did it ('corrected by ID' or 'retracted by ID'; corrected_by in CSV and\n"
	"JSON); a retraction has no regions, from or to.\n"
	"\n"
	"  --region ID   events whose area covers region ID\n"
	"  --holder ID   events that give area to, or take it from, actor ID (and the\n"
	"                retractions of those)\n"
	"  --from D      events on or after D\n"
	"  --to D        events on or before D (a date means the end of that day)\n"
	"  --as-of R     the log as it stood at R: only the events recorded by R, and\n"
	"                only the corrections recorded by then marked\n"
	"  -f FORMAT     table (default), csv or json\n";

static void regions_text(const fl_tracker *t, const fl_event *e, char *buf, size_t len)
{
	buf[0] = 0;
	if (e->all_regions) {
		snprintf(buf, len, "*");
		return;
	}
	size_t used = 0;
	for (size_t i = 0; i < e->nregions && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ";" : "",
					 fl_tracker_region_at(t, (size_t)e->regions[i])->id);
	if (e->has_polygon && used < len)
		snprintf(buf + used, len - used, "%s(polygon)", used ? ";" : "");
}

static void csv_field(const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

/* One event of the log in format (table, csv; json: added to arr); cb is
 * the event that corrects it (NULL: none). */
static void print_event(const fl_tracker *t, const fl_event *e, const fl_event *cb, const char *format,
			json_object *arr)
{
	char regs[4096], date[16], rec[16];
	regions_text(t, e, regs, sizeof regs);
	fl_tracker_format_date(t, e->when, date, sizeof date);
	fl_tracker_format_date(t, e->recorded, rec, sizeof rec);
	const char *fromid = e->from != FL_NONE ? fl_tracker_actor_at(t, (size_t)e->from)->id : "";
	const char *toid = e->to != FL_NONE ? fl_tracker_actor_at(t, (size_t)e->to)->id : "";
	const char *corr = e->corrects != FL_NONE ? fl_tracker_event_at(t, (size_t)e->corrects)->id : "";
	const char *cbid = cb ? cb->id : "";
	if (arr) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(e->id));
		json_object_object_add(o, "date", json_object_new_string(e->date));
		json_object_object_add(o, "regions", json_object_new_string(regs));
		json_object_object_add(o, "from", *fromid ? json_object_new_string(fromid) : NULL);
		json_object_object_add(o, "to", *toid ? json_object_new_string(toid) : NULL);
		json_object_object_add(o, "kind", json_object_new_string(fl_event_kind_name(e->kind)));
		json_object_object_add(o, "status",
				       json_object_new_string(fl_event_status_name(e->status)));
		json_object_object_add(o, "source", json_object_new_string(e->source));
		json_object_object_add(o, "note", json_object_new_string(e->note));
		json_object_object_add(o, "recorded", json_object_new_string(rec));
		json_object_object_add(o, "corrects", *corr ? json_object_new_string(corr) : NULL);
		json_object_object_add(o, "partial", json_object_new_boolean(e->partial));
		json_object_object_add(o, "corrected_by", cb ? json_object_new_string(cbid) : NULL);
		json_object_array_add(arr, o);
	} else if (!strcmp(format, "csv")) {
		csv_field(e->id, 0), csv_field(e->date, 0), csv_field(regs, 0);
		csv_field(fromid, 0), csv_field(toid, 0), csv_field(fl_event_kind_name(e->kind), 0);
		csv_field(fl_event_status_name(e->status), 0), csv_field(e->source, 0);
		csv_field(e->note, 0), csv_field(rec, 0), csv_field(corr, 0);
		csv_field(e->partial ? "true" : "false", 0), csv_field(cbid, 1);
	} else {
		/* what replaced the event, or what the correction replaces */
		char mark[1200] = "";
		size_t ml = 0;
		if (*corr)
			ml = (size_t)snprintf(mark, sizeof mark, "  [%s %s]",
					      e->kind == FL_KIND_RETRACTION ? "retracts" : "corrects", corr);
		if (cb && ml < sizeof mark)
			snprintf(mark + ml, sizeof mark - ml, "  [%s by %s]",
				 cb->kind == FL_KIND_RETRACTION ? "retracted" : "corrected", cbid);
		printf("%-26s %-10s %-5s %-5s %-10s %-9s %s%s\n", e->id, date, *fromid ? fromid : "-",
		       *toid ? toid : "-", fl_event_kind_name(e->kind), fl_event_status_name(e->status),
		       *regs ? regs : "-", mark);
	}
}

int cmd_log(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"region", required_argument, NULL, 'R'}, {"holder", required_argument, NULL, 'H'},
		{"from", required_argument, NULL, 'F'},	  {"to", required_argument, NULL, 'T'},
		{NULL, 0, NULL, 0}};
	const char *region = NULL, *holder = NULL, *from = NULL, *to = NULL;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "log", help, CLI_FORMAT | CLI_AS_OF, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'R': region = optarg; break;
		case 'H': holder = optarg; break;
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	const char *format = opts.format ? opts.format : "table";
	if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
		return cli_usage_error("log", "-f %s: expected table, csv or json", format);
	fl_instant t0 = INT64_MIN, t1 = INT64_MAX;
	if (from && cli_parse_date(NULL, "--from", from, FL_DATE_START, &t0))
		return 2;
	if (to && cli_parse_date(NULL, "--to", to, FL_DATE_END, &t1))
		return 2;
	if (t0 > t1) {
		cli_error("--from %s is after --to %s: did you mean 'frontline log --from %s --to %s'?", from,
			  to, to, from);
		return 2;
	}
	if (cli_opts_query(&opts))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_parse_date(t, "--from", from, FL_DATE_START, &t0); /* the tracker's days */
	cli_parse_date(t, "--to", to, FL_DATE_END, &t1);
	int rid = FL_NONE, aid = FL_NONE;
	if (region && (rid = fl_tracker_find_region(t, region)) == FL_NONE) {
		cli_error("--region %s: no such region in %s", region, fl_tracker_path(t));
		fl_tracker_free(t);
		return 2;
	}
	if (holder && (aid = fl_tracker_find_actor(t, holder)) == FL_NONE) {
		cli_error("--holder %s: no such actor in %s", holder, fl_tracker_path(t));
		fl_tracker_free(t);
		return 2;
	}
	/* which event corrects each, among those recorded by --as-of */
	size_t ne = fl_tracker_event_count(t);
	int *by = malloc((ne + 1) * sizeof *by);
	if (!by) {
		cli_error("out of memory");
		fl_tracker_free(t);
		return 1;
	}
	for (size_t i = 0; i < ne; i++)
		by[i] = FL_NONE;
	for (size_t i = 0; i < ne; i++) {
		const fl_event *e = fl_tracker_event_at(t, i);
		if (e->corrects != FL_NONE && (!opts.q.has_as_of || e->recorded <= opts.q.as_of))
			by[e->corrects] = (int)i;
	}
	/* with --region, only the region's events (through its timelines), in
	 * apply order: the rest of the log is not read */
	size_t *mine = NULL, count = fl_tracker_event_count(t);
	const size_t *order = NULL;
	if (rid != FL_NONE) {
		if (fl_tracker_region_events(t, rid, &mine, &count)) {
			cli_error("%s", fl_error_last());
			free(by);
			fl_tracker_free(t);
			return 1;
		}
		order = mine;
	} else if (!(order = fl_tracker_event_order(t))) {
		cli_error("out of memory");
		free(by);
		fl_tracker_free(t);
		return 1;
	}
	json_object *arr = !strcmp(format, "json") ? json_object_new_array() : NULL;
	if (!strcmp(format, "csv"))
		puts("id,date,regions,from,to,kind,status,source,note,recorded,corrects,partial,corrected_by");
	else if (!strcmp(format, "table"))
		printf("%-26s %-10s %-5s %-5s %-10s %-9s %s\n", "id", "date", "from", "to", "kind",
		       "status", "regions");
	for (size_t k = 0; k < count; k++) {
		const fl_event *e = fl_tracker_event_at(t, order[k]);
		if (e->when < t0 || e->when > t1 || (opts.q.has_as_of && e->recorded > opts.q.as_of))
			continue;
		/* a retraction moves nothing itself: the event it withdraws says whose */
		const fl_event *h = e->kind == FL_KIND_RETRACTION && e->corrects != FL_NONE
					    ? fl_tracker_event_at(t, (size_t)e->corrects)
					    : e;
		if (aid != FL_NONE && h->to != aid && h->from != aid)
			continue;
		print_event(t, e, by[order[k]] != FL_NONE ? fl_tracker_event_at(t, (size_t)by[order[k]]) : NULL,
			    format, arr);
	}
	if (arr) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	fl_free(mine);
	free(by);
	fl_tracker_free(t);
	return 0;
}
