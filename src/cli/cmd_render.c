/* cmd_render.c: `frontline render`: a map of a date, or of what changed, with Cairo. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "map_opts.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] render [--date D | --diff D1 D2] -o FILE.(png|svg|pdf)\n"
	"                                  [--size WxH] [--bbox W,S,E,N] [--title TEXT]\n"
	"                                  [--labels | --no-labels] [--as-of R] [--status confirmed]\n"
	"                                  [--basemap SRC | --no-basemap] [--places SRC]\n"
	"                                  [--names tracker|both]\n"
	"\n"
	"Draws the control on D (default today), or with --diff what changed between D1 and D2:\n"
	"regions in their holder's colour, labels, zones active on the date hatched, a legend with\n"
	"areas (names wrapped, never cut), the date, a scale bar, over a muted base map, in a\n"
	"Lambert azimuthal equal-area projection centred on the bbox.  --size defaults to 1200x900.\n"
	"Ground whose source speaks of part of its region only is dotted, ground of uncertain\n"
	"date striped, and a footnote names both; the caption gives the date and time zone, the\n"
	"filters in force, the tracker's attribution and the base map's credit.\n"
	"A FILE that is a device or a pipe (/dev/stdout) without one of those extensions gets PNG.\n"
	"The base map is the shipped Natural Earth cut (sea, land, countries, lakes, rivers,\n"
	"first-order divisions, and its populated places named by rank); --basemap takes any\n"
	"GDAL vector source in longitude/latitude instead (every layer: polygons filled, lines\n"
	"stroked), --places any GDAL point layer with a NAME field (SCALERANK, LABELRANK and\n"
	"POP_MAX rank it when present).  --names both adds each region's alt_names to its label\n"
	"(\"Kalbajar / Karvachar\"), and a region's other names to a place that is that region\n"
	"(\"Stepanakert / Khankendi\"); the default shows the tracker's names only.\n";

/* The library's names for what the tool's flags give. */
static const cli_flag flags[] = {CLI_MAP_FLAGS, {"path", "-o"}, {NULL, NULL}};

int cmd_render(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"diff", required_argument, NULL, 'X'}, CLI_MAP_OPTIONS, {NULL, 0, NULL, 0}};
	const char *d1 = NULL, *d2 = NULL;
	cli_map m;
	cli_map_init(&m);
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "render", help, CLI_DATE | CLI_FILTERS | CLI_OUTPUT, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'X':
			d1 = optarg;
			if (optind >= argc || argv[optind][0] == '-')
				return cli_usage_error("render", "--diff needs two dates: --diff D1 D2");
			d2 = argv[optind++];
			break;
		default:
			if (cli_map_option(&m, "render", c, optarg, flags) < 0)
				return 2;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	const char *date = opts.date, *out = opts.out;
	if (!out)
		return cli_usage_error("render", "-o FILE.png|svg|pdf is required");
	if (date && d1)
		return cli_usage_error("render", "--date and --diff exclude each other");
	fl_instant t1 = 0, t2 = 0;
	if (d1 && (cli_parse_date(NULL, "--diff D1", d1, FL_DATE_END, &t1) ||
		   cli_parse_date(NULL, "--diff D2", d2, FL_DATE_END, &t2)))
		return 2;
	if (d1 && t1 > t2) {
		cli_error("--diff %s %s: the first date is after the second; did you mean --diff %s %s?", d1,
			  d2, d2, d1);
		return 2;
	}
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	if (d1)
		q.at = t2;
	if (cli_map_finish(&m, "render"))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	/* the days of the tracker's time zone */
	cli_opts_zone(&opts, t, &q);
	if (d1) {
		cli_parse_date(t, "--diff D1", d1, FL_DATE_END, &t1);
		cli_parse_date(t, "--diff D2", d2, FL_DATE_END, &q.at);
	}
	if (d1) {
		const char *texts[] = {d1, d2};
		const fl_instant ats[] = {t1, q.at};
		cli_warn_range(t, &q, opts.as_of, 2, texts, ats);
	} else
		cli_warn_range(t, &q, opts.as_of, 1, &date, &q.at);
	fl_status st = d1 ? fl_render_diff(t, &q, t1, q.at, &m.ro, out) : fl_render_snapshot(t, &q, &m.ro, out);
	if (st)
		cli_lib_error(flags);
	fl_tracker_free(t);
	return st ? (st == FL_EARG ? 2 : 1) : 0;
}
