/* cmd_snapshot.c: `frontline snapshot`: the map on a date, and its summary. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "weights.h"

static const char help[] =
	"usage: frontline [-d PATH] snapshot [--date D] [--as-of R] [--status confirmed]\n"
	"                                    [--by region|actor] [--holder ID[,ID...]]\n"
	"                                    [-o FILE] [-f FORMAT] [--summary] [--lines]\n"
	"                                    [--weight RASTER [--weight-band N]]\n"
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
	"                      D's year (to stderr when the map goes to stdout)\n"
	"  --lines             the front line instead of the pieces: borders between two\n"
	"                      holders with length_km, as 'frontline lines' writes it\n"
	"  --weight RASTER     one more field per piece, named by the raster's file stem:\n"
	"                      the sum of the raster's cells under the piece (people from a\n"
	"                      population grid; cells split by area share; repeatable)\n"
	"  --weight-band N     the raster's band to sum (default 1)\n";

/* Print the library's summary of the by-region snapshot s: area per holder
 * and the regions whose holder changed in the year of the map's date. */
static int print_summary(FILE *out, const fl_tracker *t, const fl_snapshot *s, const fl_query *q,
			 const char *as_of)
{
	fl_snapshot_summary *m = NULL;
	if (fl_snapshot_summary_new(s, &m)) {
		cli_lib_error(cli_output_flags);
		return 1;
	}
	char date[16];
	fl_tracker_format_date(t, q->at, date, sizeof date);
	fprintf(out, "Control on %s (%s)\n", date, fl_tracker_path(t));
	/* the filters in force, as given: the holders by their ids */
	char holders[320] = "", filters[512];
	for (size_t i = 0, used = 0; i < q->nholders && used + 1 < sizeof holders; i++) {
		int w = snprintf(holders + used, sizeof holders - used, "%s%s", i ? "," : "",
				 fl_tracker_actor_at(t, (size_t)q->holders[i])->id);
		used = w < 0 ? sizeof holders : used + (size_t)w;
	}
	cli_filters_text(q, as_of, holders, filters, sizeof filters);
	if (*filters)
		fprintf(out, "Filters: %s\n", filters);
	fprintf(out, "\nArea per actor:\n");
	for (size_t i = 0; i < fl_snapshot_summary_holder_count(m); i++) {
		const fl_holder_area *h = fl_snapshot_summary_holder_at(m, i);
		const fl_actor *a = h->holder == FL_NONE ? NULL : fl_tracker_actor_at(t, (size_t)h->holder);
		fprintf(out, "  %-4s %12.1f km²  %5.1f %%  %s\n", a ? a->id : "-", h->area_km2, h->percent,
			a ? a->name : "not held");
	}
	fprintf(out, "\nChanged hands in %04" PRId64 " (up to %s), by date:\n",
		fl_snapshot_summary_year(m), date);
	size_t n = fl_snapshot_summary_handover_count(m);
	for (size_t k = 0; k < n; k++) {
		const fl_handover *h = fl_snapshot_summary_handover_at(m, k);
		const fl_event *e = h->event != FL_NONE ? fl_tracker_event_at(t, (size_t)h->event) : NULL;
		char since[16] = "-";
		if (h->has_since)
			fl_tracker_format_date(t, h->since, since, sizeof since);
		fprintf(out, "  %s  %-16s %-4s -> %-4s %-9s %s%s\n", since,
			fl_tracker_region_at(t, (size_t)h->region)->id,
			h->from == FL_NONE ? "-" : fl_tracker_actor_at(t, (size_t)h->from)->id,
			h->to == FL_NONE ? "-" : fl_tracker_actor_at(t, (size_t)h->to)->id,
			e ? fl_event_status_name(e->status) : "", e ? e->id : "", h->partial ? " (partial)" : "");
	}
	if (!n)
		fprintf(out, "  (none)\n");
	fl_snapshot_summary_free(m);
	return 0;
}

int cmd_snapshot(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"summary", no_argument, NULL, 'M'},
					    {"holder", required_argument, NULL, 'H'},
					    {"lines", no_argument, NULL, 'L'},
					    CLI_WEIGHT_OPTIONS,
					    {NULL, 0, NULL, 0}};
	cli_weights cw = {0};
	const char *holder_args[64];
	size_t nholder_args = 0;
	int summary = 0, lines = 0, c;
	cli_opts opts;
	cli_opts_init(&opts, "snapshot", help, CLI_DATE | CLI_FILTERS | CLI_BY | CLI_OUTPUT | CLI_FORMAT,
		      own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'H':
			if (nholder_args == sizeof holder_args / sizeof holder_args[0])
				return cli_usage_error("snapshot", "--holder: at most %zu times",
						       sizeof holder_args / sizeof holder_args[0]);
			holder_args[nholder_args++] = optarg;
			break;
		case 'M': summary = 1; break;
		case 'L': lines = 1; break;
		case 'W':
		case 'B':
			if (cli_weights_option(&cw, "snapshot", c, optarg))
				return 2;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (lines && summary)
		return cli_usage_error("snapshot", "--lines and --summary: give one of them");
	if (lines && cw.n)
		return cli_usage_error("snapshot", "--lines and --weight: give one of them");
	if (cli_weights_check(&cw, "snapshot"))
		return 2;
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	const char *date = opts.date, *as_of = opts.as_of, *out = opts.out, *format = opts.format;
	fl_group by = opts.by;
	/* the store answers by itself when it can (a PostGIS tracker, inside
	 * PostgreSQL); the summary and --holder need the tracker opened */
	if (!summary && !nholder_args && !lines && !cw.n) {
		fl_status pst = fl_store_snapshot_write_at(cli_tracker_path(g), date, as_of, &q, by, out,
							   format);
		if (pst == FL_OK)
			return 0;
		if (pst != FL_ENOTFOUND) {
			cli_lib_error(cli_output_flags);
			return 1;
		}
	}
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_opts_zone(&opts, t, &q); /* the days of the tracker's time zone */
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
	if (lines) {
		int lrc = cli_write_lines(t, &q, out, format);
		fl_tracker_free(t);
		free(holders);
		return lrc;
	}
	fl_snapshot *s = NULL;
	int rc = cli_weights_load(&cw, t);
	if (rc) {
		fl_tracker_free(t);
		free(holders);
		return rc;
	}
	fl_status st = fl_snapshot_new(t, &q, by, &s);
	if (!st)
		st = cw.n ? fl_snapshot_write_weighted(s, cw.w, cw.n, out, format)
			  : fl_snapshot_write(s, out, format);
	if (st) {
		cli_lib_error(cli_output_flags);
		rc = st == FL_EARG ? 2 : 1;
	} else
		cli_print_warnings();
	if (!rc && summary) {
		fl_snapshot *sr = s;
		if (by != FL_BY_REGION && fl_snapshot_new(t, &q, FL_BY_REGION, &sr)) {
			cli_lib_error(cli_output_flags);
			rc = 1;
		} else {
			int to_stdout = !out || !strcmp(out, "-") || !strcmp(out, "/dev/stdout");
			rc = print_summary(to_stdout ? stderr : stdout, t, sr, &q, as_of);
			if (sr != s)
				fl_snapshot_free(sr);
		}
	}
	fl_snapshot_free(s);
	cli_weights_free(&cw);
	fl_tracker_free(t);
	free(holders);
	return rc;
}
