/* cmd_snapshot.c: `frontline snapshot`: the map on a date, and its summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char help[] =
	"usage: frontline [-d PATH] snapshot [--date D] [--as-of R] [--status confirmed]\n"
	"                                    [--by region|actor] [--holder ID[,ID...]]\n"
	"                                    [-o FILE] [-f FORMAT] [--summary]\n"
	"\n"
	"The map on date D (default: today).  A date-only D means the end of that day (UTC).\n"
	"\n"
	"  --date D            ISO 8601 date or date-time with offset (2020-11-10T00:00+03:00)\n"
	"  --as-of R           replay only what was recorded by R (the map as known then)\n"
	"  --status confirmed  leave out claimed and disputed events\n"
	"  --by region         one feature per region (or region piece) [default]\n"
	"  --by actor          one dissolved (multi)polygon per holder, with area_km2\n"
	"  --holder ID,...     only the territory these actors hold (repeatable)\n"
	"  -o FILE             write FILE (format from the extension); default stdout\n"
	"  -f FORMAT           geojson, gpkg, fgb, kml, shp, csv or a GDAL driver name\n"
	"  --summary           print area per actor and the regions that changed hands in\n"
	"                      D's year (to stderr when the map goes to stdout)\n";

/* Print area per actor and regions whose holder changed in D's year. */
static int print_summary(FILE *out, const fl_tracker *t, const fl_snapshot *s, const fl_query *q,
			 const char *as_of)
{
	size_t na = fl_tracker_actor_count(t);
	double *area = calloc(na + 1, sizeof *area), total = 0;
	if (!area)
		return 1;
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_piece(s, i);
		total += p->area_km2;
		area[p->holder == FL_NONE ? na : (size_t)p->holder] += p->area_km2;
	}
	char date[16];
	fl_instant_format_date(q->at, date, sizeof date);
	fprintf(out, "Control on %s (%s)\n", date, fl_tracker_path(t));
	/* the filters in force, as given: the holders by their ids */
	char holders[320] = "", filters[512];
	for (size_t i = 0, used = 0; i < q->nholders && used + 1 < sizeof holders; i++) {
		int w = snprintf(holders + used, sizeof holders - used, "%s%s", i ? "," : "",
				 fl_tracker_actor(t, (size_t)q->holders[i])->id);
		used = w < 0 ? sizeof holders : used + (size_t)w;
	}
	cli_filters_text(q, as_of, holders, filters, sizeof filters);
	if (*filters)
		fprintf(out, "Filters: %s\n", filters);
	fprintf(out, "\nArea per actor:\n");
	for (size_t a = 0; a <= na; a++) {
		if (area[a] <= 0)
			continue;
		const char *id = a < na ? fl_tracker_actor(t, a)->id : "-";
		const char *name = a < na ? fl_tracker_actor(t, a)->name : "not held";
		fprintf(out, "  %-4s %12.1f km²  %5.1f %%  %s\n", id, area[a],
			total > 0 ? 100 * area[a] / total : 0, name);
	}
	free(area);

	/* the year's start: the end of the previous 31 December */
	char year[5];
	memcpy(year, date, 4);
	year[4] = 0;
	char prev[32];
	snprintf(prev, sizeof prev, "%04ld-12-31", strtol(year, NULL, 10) - 1);
	fl_query q0 = *q;
	q0.holders = NULL, q0.nholders = 0; /* the year's start as it was, every holder */
	if (fl_instant_parse(prev, FL_DATE_END, "year start", &q0.at))
		return 1;
	fl_snapshot *s0 = NULL;
	if (fl_snapshot_new(t, &q0, FL_BY_REGION, &s0)) {
		cli_error("%s", fl_error_last());
		return 1;
	}
	fprintf(out, "\nChanged hands in %s (up to %s), by date:\n", year, date);
	int any = 0;
	size_t n = fl_snapshot_count(s);
	size_t *rows = malloc((n + 1) * sizeof *rows), nrows = 0;
	for (size_t i = 0; rows && i < n; i++) {
		const fl_piece *p = fl_snapshot_piece(s, i);
		if (p->region != FL_NONE && fl_snapshot_region_holder(s0, p->region) != p->holder)
			rows[nrows++] = i;
	}
	/* by the date the new holder took over (insertion sort: a handful of rows) */
	for (size_t i = 1; i < nrows; i++)
		for (size_t j = i; j > 0 && fl_snapshot_piece(s, rows[j - 1])->since >
						 fl_snapshot_piece(s, rows[j])->since; j--) {
			size_t x = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = x;
		}
	for (size_t k = 0; k < nrows; k++) {
		const fl_piece *p = fl_snapshot_piece(s, rows[k]);
		int before = fl_snapshot_region_holder(s0, p->region);
		const fl_region *r = fl_tracker_region(t, (size_t)p->region);
		const fl_event *e = p->event != FL_NONE ? fl_tracker_event(t, (size_t)p->event) : NULL;
		char since[16] = "-";
		if (p->has_since)
			fl_instant_format_date(p->since, since, sizeof since);
		fprintf(out, "  %s  %-16s %-4s -> %-4s %-9s %s%s\n", since, r->id,
			before == FL_NONE ? "-" : fl_tracker_actor(t, (size_t)before)->id,
			p->holder == FL_NONE ? "-" : fl_tracker_actor(t, (size_t)p->holder)->id,
			e ? fl_event_status_name(e->status) : "", e ? e->id : "",
			p->partial ? " (partial)" : "");
		any = 1;
	}
	free(rows);
	if (!any)
		fprintf(out, "  (none)\n");
	fl_snapshot_free(s0);
	return 0;
}

int cmd_snapshot(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'D'},	  {"as-of", required_argument, NULL, 'A'},
		{"status", required_argument, NULL, 'S'}, {"by", required_argument, NULL, 'B'},
		{"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
		{"summary", no_argument, NULL, 'M'},	  {"help", no_argument, NULL, 'h'},
		{"holder", required_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
	const char *date = NULL, *as_of = NULL, *out = NULL, *format = NULL;
	const char *holder_args[64];
	size_t nholder_args = 0;
	fl_group by = FL_BY_REGION;
	int summary = 0, c;
	fl_query q = fl_query_at(0);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': date = optarg; break;
		case 'A': as_of = optarg; break;
		case 'S':
			if (cli_parse_status("snapshot", optarg, &q))
				return 2;
			break;
		case 'B':
			if (strcmp(optarg, "region") == 0)
				by = FL_BY_REGION;
			else if (strcmp(optarg, "actor") == 0)
				by = FL_BY_ACTOR;
			else
				return cli_usage_error("snapshot", "--by %s: expected 'region' or 'actor'",
						       optarg);
			break;
		case 'H':
			if (nholder_args == sizeof holder_args / sizeof holder_args[0])
				return cli_usage_error("snapshot", "--holder: at most %zu times",
						       sizeof holder_args / sizeof holder_args[0]);
			holder_args[nholder_args++] = optarg;
			break;
		case 'o': out = optarg; break;
		case 'f': format = optarg; break;
		case 'M': summary = 1; break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage_error("snapshot", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("snapshot", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("snapshot", "unexpected argument '%s'", argv[optind]);
	q.at = fl_instant_now();
	if (date && cli_parse_date("--date", date, FL_DATE_END, &q.at))
		return 2;
	if (cli_parse_as_of(as_of, &q))
		return 2;
	/* a PostGIS tracker answers inside PostgreSQL when it can */
	const char *path = cli_tracker_path(g);
	if (!strncmp(path, "PG:", 3) && by == FL_BY_REGION && !summary && !nholder_args) {
		fl_status pst = fl_pg_snapshot_write(path, &q, out, format);
		if (pst == FL_OK)
			return 0;
		if (pst != FL_ENOTFOUND) {
			cli_error("%s", fl_error_last());
			return 1;
		}
	}
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	int *holders = NULL;
	if (nholder_args) {
		holders = cli_parse_actor_list(t, "snapshot", "--holder", holder_args, nholder_args,
					       &q.nholders);
		if (!holders) {
			fl_tracker_free(t);
			return 2;
		}
		q.holders = holders;
	}
	cli_warn_range(t, &q, as_of, 1, &date, &q.at);
	fl_snapshot *s = NULL;
	int rc = 0;
	fl_status st = fl_snapshot_new(t, &q, by, &s);
	if (!st)
		st = fl_snapshot_write(s, out, format);
	if (st) {
		cli_error("%s", fl_error_last());
		rc = st == FL_EARG ? 2 : 1;
	} else
		cli_print_warnings();
	if (!rc && summary) {
		fl_snapshot *sr = s;
		if (by != FL_BY_REGION && fl_snapshot_new(t, &q, FL_BY_REGION, &sr)) {
			cli_error("%s", fl_error_last());
			rc = 1;
		} else {
			int to_stdout = !out || !strcmp(out, "-") || !strcmp(out, "/dev/stdout");
			rc = print_summary(to_stdout ? stderr : stdout, t, sr, &q, as_of);
			if (sr != s)
				fl_snapshot_free(sr);
		}
	}
	fl_snapshot_free(s);
	fl_tracker_free(t);
	free(holders);
	return rc;
}
