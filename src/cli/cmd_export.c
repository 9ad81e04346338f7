/* cmd_export.c: `frontline export`: the whole history as a time-enabled layer. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char help[] =
	"usage: frontline [-d PATH] export -o FILE [-f FORMAT] [--as-of R] [--status confirmed]\n"
	"\n"
	"The whole history as one time-enabled layer, `control`: one feature per region (or\n"
	"region piece) per period of unchanged holder, with region, name, holder, holder_name,\n"
	"event (the one that began the period), kind, source, status, valid_from and valid_to\n"
	"(date-times; valid_to empty while current) and area_km2.  QGIS's Temporal Controller\n"
	"and Google Earth's time slider play it as it is.\n"
	"\n"
	"  -o FILE    .gpkg (also the layers actors, regions, areas, events, zones: the file is\n"
	"             itself a tracker), .kml (a <TimeSpan> per placemark, actor colours as\n"
	"             styles), .fgb, .shp, .csv (WKT), .geojson\n"
	"  -f FORMAT  gpkg, kml, fgb, shp, csv, geojson or a GDAL vector driver name\n";

int cmd_export(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
		{"as-of", required_argument, NULL, 'A'},  {"status", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0}};
	const char *out = NULL, *format = NULL, *as_of = NULL;
	fl_query q = fl_query_at(0);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': format = optarg; break;
		case 'A': as_of = optarg; break;
		case 'S':
			if (cli_parse_status("export", optarg, &q))
				return 2;
			break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage_error("export", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("export", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
	if (!out || !*out)
		return cli_usage_error("export", "-o FILE is required");
	if (cli_parse_as_of(as_of, &q))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	int rc = 0;
	if (fl_export_write(t, &q, out, format)) {
		cli_error("%s", fl_error_last());
		rc = 1;
	} else
		cli_print_warnings();
	fl_tracker_free(t);
	return rc;
}
