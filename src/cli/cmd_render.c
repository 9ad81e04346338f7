/* cmd_render.c: `frontline render`: a map of a date, or of what changed, with Cairo. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "fl_config.h"

static const char help[] =
	"usage: frontline [-d PATH] render [--date D | --diff D1 D2] -o FILE.(png|svg|pdf)\n"
	"                                  [--size WxH] [--bbox W,S,E,N] [--title TEXT]\n"
	"                                  [--labels | --no-labels] [--as-of R] [--status confirmed]\n"
	"\n"
	"Draws the control on D (default today), or with --diff what changed between D1 and D2:\n"
	"regions in their holder's colour, labels, zones active on the date hatched, a legend with\n"
	"areas, the date, a scale bar and the tracker's attribution, over a muted base map, in a\n"
	"Lambert azimuthal equal-area projection centred on the bbox.  --size defaults to 1200x900.\n"
	"A FILE that is a device or a pipe (/dev/stdout) without one of those extensions gets PNG.\n";

static const char *basemap_path(void)
{
	static const char *const paths[] = {FL_GEODATA_SOURCE "/basemap/countries.geojson",
					    FL_GEODATA_INSTALLED "/basemap/countries.geojson"};
	struct stat sb;
	for (int i = 0; i < 2; i++)
		if (stat(paths[i], &sb) == 0)
			return paths[i];
	return NULL;
}

int cmd_render(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'D'},	  {"diff", required_argument, NULL, 'X'},
		{"output", required_argument, NULL, 'o'}, {"size", required_argument, NULL, 's'},
		{"bbox", required_argument, NULL, 'b'},	  {"title", required_argument, NULL, 't'},
		{"labels", no_argument, NULL, 'L'},	  {"no-labels", no_argument, NULL, 'N'},
		{"as-of", required_argument, NULL, 'A'},  {"status", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0}};
	const char *date = NULL, *d1 = NULL, *d2 = NULL, *out = NULL, *as_of = NULL;
	fl_render_opts o = fl_render_opts_default();
	fl_query q = fl_query_at(0);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D': date = optarg; break;
		case 'X':
			d1 = optarg;
			if (optind >= argc || argv[optind][0] == '-')
				return cli_usage_error("render", "--diff needs two dates: --diff D1 D2");
			d2 = argv[optind++];
			break;
		case 'o': out = optarg; break;
		case 's':
			if (fl_render_parse_size(optarg, &o.width, &o.height))
				return cli_usage_error("render", "%s", fl_error_last());
			break;
		case 'b':
			if (fl_render_parse_bbox(optarg, o.bbox))
				return cli_usage_error("render", "%s", fl_error_last());
			o.has_bbox = 1;
			break;
		case 't': o.title = optarg; break;
		case 'L': o.labels = 1; break;
		case 'N': o.labels = 0; break;
		case 'A': as_of = optarg; break;
		case 'S':
			if (cli_parse_status("render", optarg, &q))
				return 2;
			break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage_error("render", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("render", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("render", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage_error("render", "-o FILE.png|svg|pdf is required");
	if (date && d1)
		return cli_usage_error("render", "--date and --diff exclude each other");
	q.at = fl_instant_now();
	fl_instant t1 = 0;
	if (date && cli_parse_date("--date", date, FL_DATE_END, &q.at))
		return 2;
	if (d1 && (cli_parse_date("--diff D1", d1, FL_DATE_END, &t1) ||
		   cli_parse_date("--diff D2", d2, FL_DATE_END, &q.at)))
		return 2;
	if (d1 && t1 > q.at) {
		cli_error("--diff %s %s: the first date is after the second; did you mean --diff %s %s?", d1,
			  d2, d2, d1);
		return 2;
	}
	if (cli_parse_as_of(as_of, &q))
		return 2;
	o.basemap = basemap_path();
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	if (d1) {
		const char *texts[] = {d1, d2};
		const fl_instant ats[] = {t1, q.at};
		cli_warn_range(t, &q, as_of, 2, texts, ats);
	} else
		cli_warn_range(t, &q, as_of, 1, &date, &q.at);
	fl_status st = d1 ? fl_render_diff(t, &q, t1, q.at, &o, out) : fl_render_snapshot(t, &q, &o, out);
	if (st)
		cli_error("%s", fl_error_last());
	fl_tracker_free(t);
	return st ? (st == FL_EARG ? 2 : 1) : 0;
}
