/* cmd_stats.c: `frontline stats`: area held per actor over time, as CSV. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] stats [--from D] [--to D] [--step day|week|month|event] [-o FILE]\n"
	"                                 [--as-of R] [--status confirmed] [--chart FILE.(png|svg)]\n"
	"                                 [--size WxH] [--title TEXT]\n"
	"\n"
	"CSV with columns date,holder,area_km2,share,area_km2_min,area_km2_max (share of the tracked\n"
	"area; min and max: the area surely held and the area that may be held where an event's date\n"
	"admits a period, both equal to area_km2 where dates are exact), one row per holder per\n"
	"step.  Defaults: the tracker's whole event range, --step event (a row set after each\n"
	"event instant).  Areas are geodesic on the WGS 84 ellipsoid.\n"
	"  --chart FILE   also draw a line chart of area per actor (PNG or SVG; --size WxH,\n"
	"                 --title TEXT) from --from (the area held then) to --to, with a legend\n"
	"                 and a caption (dates, time zone, filters, attribution); the CSV then\n"
	"                 goes to stdout only with -o\n"
	"  --places FILE  also count the points of FILE (any GDAL point layer; see 'frontline\n"
	"                 places') each holder holds: a column `places`\n"
	"  --places-weight FIELD  and sum their numeric FIELD: a column `places_FIELD`\n";

/* The library's names for what the tool's flags give. */
static const cli_flag flags[] = {{"size", "--size"}, {"path", "--chart"}, {"title", "--title"}, {NULL, NULL}};

int cmd_stats(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"from", required_argument, NULL, 'F'},	 {"to", required_argument, NULL, 'T'},
		{"step", required_argument, NULL, 's'},	 {"chart", required_argument, NULL, 'C'},
		{"size", required_argument, NULL, 'z'}, {"title", required_argument, NULL, 't'},
		{"places", required_argument, NULL, 'P'}, {"places-weight", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0}};
	const char *places = NULL, *places_field = NULL;
	fl_weight *weights[8] = {NULL};
	size_t nweights = 0;
	const char *from = NULL, *to = NULL, *chart = NULL;
	fl_render_opts ro = fl_render_opts_default();
	fl_step step = FL_STEP_EVENT;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "stats", help, CLI_FILTERS | CLI_OUTPUT, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		case 's':
			if (fl_step_parse(optarg, &step))
				return cli_usage_error("stats", "--step %s: expected day, week, month or event",
						       optarg);
			break;
		case 'C': chart = optarg; break;
		case 'P': places = optarg; break;
		case 'W': places_field = optarg; break;
		case 'z':
			if (fl_render_parse_size(optarg, &ro.width, &ro.height))
				return cli_lib_usage_error("stats", flags);
			break;
		case 't':
			if (!*optarg)
				return cli_usage_error("stats", "--title is empty: give the chart's title");
			ro.title = optarg;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (ro.title && !chart)
		return cli_usage_error("stats", "--title is the chart's: give --chart FILE too");
	if (places_field && !places)
		return cli_usage_error("stats", "--places-weight sums a field of --places FILE: give it too");
	fl_instant t0 = 0, t1 = 0;
	if (from && cli_parse_date(NULL, "--from", from, FL_DATE_START, &t0))
		return 2;
	if (to && cli_parse_date(NULL, "--to", to, FL_DATE_END, &t1))
		return 2;
	if (from && to && t0 > t1) {
		cli_error("--from %s is after --to %s: swap them", from, to);
		return 2;
	}
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	const char *out = opts.out, *as_of = opts.as_of;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_parse_date(t, "--from", from, FL_DATE_START, &t0); /* the tracker's days */
	cli_parse_date(t, "--to", to, FL_DATE_END, &t1);
	cli_opts_zone(&opts, t, &q);
	int rc = places ? cli_places_weights(t, places, places_field, weights, &nweights) : 0;
	fl_instant first, last;
	fl_stats *s = NULL;
	if (rc) {
		/* (the places could not be read: said) */
	} else if ((!from || !to) && fl_tracker_event_range(t, &first, &last)) {
		cli_error("%s", fl_error_last());
		rc = 1;
	} else {
		if (!from)
			t0 = first;
		if (!to)
			t1 = last;
		/* only the bounds given: the defaults are the events' own range */
		const char *texts[2];
		fl_instant ats[2];
		size_t n = 0;
		if (from)
			texts[n] = from, ats[n++] = t0;
		if (to)
			texts[n] = to, ats[n++] = t1;
		if (n)
			cli_warn_range(t, &q, as_of, n, texts, ats);
		if (t0 > t1) {
			/* one bound given, beyond the events' other end: the tool says
			 * it in its options' words (the library names its parameters) */
			cli_error("--from is after --to: swap them");
			rc = 2;
		} else {
			fl_status st = fl_stats_new_weighted(t, &q, t0, t1, step, weights, nweights, &s);
			if (!st && chart)
				st = fl_render_chart(t, s, &ro, chart);
			if (!st && (!chart || out))
				st = fl_stats_write_csv(s, out);
			if (st) {
				cli_lib_error(flags);
				rc = st == FL_EARG ? 2 : 1;
			}
		}
	}
	fl_stats_free(s);
	for (size_t i = 0; i < nweights; i++)
		fl_weight_free(weights[i]);
	fl_tracker_free(t);
	return rc;
}
