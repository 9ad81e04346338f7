/* cmd_stats.c: `frontline stats`: area held per actor over time, as CSV. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "weights.h"

static const char help[] =
	"usage: frontline [-d PATH] stats [--from D] [--to D] [--step day|week|month|event] [-o FILE]\n"
	"                                 [--as-of R] [--status confirmed] [--chart FILE.(png|svg)]\n"
	"                                 [--size WxH] [--title TEXT] [--front] [--rate Nd]\n"
	"                                 [--weight RASTER [--weight-band N]]\n"
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
	"  --front        add column front_km: the geodesic length of the holder's border with\n"
	"                 any other holder (the whole front is half a date's sum: every border\n"
	"                 has two sides; borders with unheld ground and the outer edge are not\n"
	"                 front), followed through the same sweep as the areas\n"
	"  --rate Nd      add column rate_km2_per_day: the area gained over the N days before\n"
	"                 each row's instant (7d, 30d, any Nd), per day; negative for a loss.\n"
	"                 The window is N calendar days whatever --step\n"
	"  --weight RASTER  one more column, named by the raster's file stem: the sum of the\n"
	"                 raster's cells under the holder (people from a population grid in\n"
	"                 any CRS; cells split between holders by area share; repeatable).\n"
	"                 The sums per atom are kept beside the tracker's index and reused\n"
	"                 while the raster file is unchanged\n"
	"  --weight-band N  the raster's band to sum (default 1)\n"
	"  --places FILE  also count the points of FILE (any GDAL point layer; see 'frontline\n"
	"                 places') each holder holds: a column `places`\n"
	"  --places-weight FIELD  and sum their numeric FIELD: a column `places_FIELD`\n";

/* The library's names for what the tool's flags give. */
static const cli_flag flags[] = {{"size", "--size"}, {"path", "--chart"}, {"title", "--title"}, {NULL, NULL}};

/* The series over [at[0], at[1]] (bounds[i] the text given for each, NULL
 * for a default) as CSV and the chart; 0, or the exit status with the
 * error printed. */
static int series(const fl_tracker *t, const fl_query *q, const char *as_of, const char *const bounds[2],
		  const fl_instant at[2], fl_step step, const cli_weights *cw, const fl_stats_opts *so,
		  const fl_render_opts *ro, const char *chart, const char *out)
{
	/* only the bounds given: the defaults are the events' own range */
	const char *texts[2];
	fl_instant ats[2];
	size_t n = 0;
	for (int i = 0; i < 2; i++)
		if (bounds[i])
			texts[n] = bounds[i], ats[n++] = at[i];
	if (n)
		cli_warn_range(t, q, as_of, n, texts, ats);
	if (at[0] > at[1]) {
		/* one bound given, beyond the events' other end: the tool says
		 * it in its options' words (the library names its parameters) */
		cli_error("--from is after --to: swap them");
		return 2;
	}
	fl_stats *s = NULL;
	fl_status st = fl_stats_new_opts(t, q, at[0], at[1], step, cw->w, cw->n, so, &s);
	if (!st && chart)
		st = fl_render_chart(t, s, ro, chart);
	if (!st && (!chart || out))
		st = fl_stats_write_csv(s, out);
	fl_stats_free(s);
	if (st) {
		cli_lib_error(flags);
		return st == FL_EARG ? 2 : 1;
	}
	return 0;
}

int cmd_stats(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"from", required_argument, NULL, 'F'},	 {"to", required_argument, NULL, 'T'},
		{"step", required_argument, NULL, 's'},	 {"chart", required_argument, NULL, 'C'},
		{"size", required_argument, NULL, 'z'}, {"title", required_argument, NULL, 't'},
		{"front", no_argument, NULL, 'N'}, {"rate", required_argument, NULL, 'R'},
		{"places", required_argument, NULL, 'P'}, {"places-weight", required_argument, NULL, 'w'},
		CLI_WEIGHT_OPTIONS, {NULL, 0, NULL, 0}};
	fl_stats_opts so = {0};
	cli_weights cw = {0};
	const char *places = NULL, *places_field = NULL;
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
		case 'N': so.front = 1; break;
		case 'R':
			if (fl_stats_parse_rate(optarg, &so.rate_days))
				return cli_usage_error("stats", "--rate %s: expected a number of days such as "
						       "7d or 30d (1d to 36500d)", optarg);
			break;
		case 'P': places = optarg; break;
		case 'w': places_field = optarg; break;
		case 'z':
			if (fl_render_parse_size(optarg, &ro.width, &ro.height))
				return cli_lib_usage_error("stats", flags);
			break;
		case 't':
			if (!*optarg)
				return cli_usage_error("stats", "--title is empty: give the chart's title");
			ro.title = optarg;
			break;
		case 'W':
		case 'B':
			if (cli_weights_option(&cw, "stats", c, optarg))
				return 2;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (ro.title && !chart)
		return cli_usage_error("stats", "--title is the chart's: give --chart FILE too");
	if (cli_weights_check(&cw, "stats"))
		return 2;
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
	int rc = cli_weights_load(&cw, t);
	if (!rc && places) /* the places' count and sum after the rasters */
		rc = cli_places_weights(t, places, places_field, cw.w, &cw.n);
	fl_instant first, last;
	if (rc) {
		/* the error is printed */
	} else if ((!from || !to) && fl_tracker_event_range(t, &first, &last)) {
		cli_error("%s", fl_error_last());
		rc = 1;
	} else {
		if (!from)
			t0 = first;
		if (!to)
			t1 = last;
		rc = series(t, &q, as_of, (const char *[2]){from, to}, (fl_instant[2]){t0, t1}, step, &cw, &so,
			    &ro, chart, out);
	}
	cli_weights_free(&cw);
	fl_tracker_free(t);
	return rc;
}
