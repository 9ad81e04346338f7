/* cmd_lines.c: `frontline lines` (and `snapshot --lines`): the front line on a date. */
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] lines [--date D] [--as-of R] [--status confirmed]\n"
	"                                 [--holder ID[,ID...]] [-o FILE] [-f FORMAT]\n"
	"\n"
	"The front line on date D (default: today): every border between ground held by two\n"
	"different actors, one (multi)line string per pair of holders with fields holder_a,\n"
	"holder_b (actor ids, in the tracker's actor order), name_a, name_b and length_km\n"
	"(geodesic, WGS 84).  The tracker's outer edge is never front, nor a border with\n"
	"ground nobody holds.  The same as 'frontline snapshot --lines'.\n"
	"\n"
	"  --date D            ISO 8601 date or date-time; a date means the end of that day\n"
	"  --as-of R           replay only what was recorded by R\n"
	"  --status confirmed  leave out claimed and disputed events\n"
	"  --holder ID,...     only the lines with one of these actors on a side (repeatable)\n"
	"  -o FILE             write FILE (format from the extension); default stdout (GeoJSON)\n"
	"  -f FORMAT           geojson, gpkg, fgb, kml, shp, csv or a GDAL driver name\n";

int cli_write_lines(fl_tracker *t, const fl_query *q, const char *out, const char *format)
{
	fl_lines *l = NULL;
	fl_status st = fl_lines_new(t, q, &l);
	if (!st)
		st = fl_lines_write(l, out, format);
	fl_lines_free(l);
	if (st) {
		cli_lib_error(cli_output_flags);
		return st == FL_EARG ? 2 : 1;
	}
	cli_print_warnings();
	return 0;
}

int cmd_lines(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"holder", required_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
	const char *holder_args[64];
	size_t nholder_args = 0;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "lines", help, CLI_DATE | CLI_FILTERS | CLI_OUTPUT | CLI_FORMAT, own, "", 0,
		      argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		if (c != 'H')
			continue;
		if (nholder_args == sizeof holder_args / sizeof holder_args[0])
			return cli_usage_error("lines", "--holder: at most %zu times",
					       sizeof holder_args / sizeof holder_args[0]);
		holder_args[nholder_args++] = optarg;
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_opts_zone(&opts, t, &q); /* the days of the tracker's time zone */
	int *holders = NULL;
	if (nholder_args) {
		holders = cli_parse_actor_list(t, "lines", "--holder", holder_args, nholder_args, &q.nholders);
		if (!holders) {
			fl_tracker_free(t);
			return 2;
		}
		q.holders = holders;
	}
	const char *date = opts.date;
	cli_warn_range(t, &q, opts.as_of, 1, &date, &q.at);
	int rc = cli_write_lines(t, &q, opts.out, opts.format);
	fl_tracker_free(t);
	free(holders);
	return rc;
}
