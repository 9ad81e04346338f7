/* cmd_export.c: `frontline export`: the whole history as a time-enabled layer. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "options.h"

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
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "export", help, CLI_FILTERS | CLI_OUTPUT | CLI_FORMAT, NULL, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0)
		;
	if (c == CLI_STOP)
		return opts.rc;
	if (!opts.out || !*opts.out)
		return cli_usage_error("export", "-o FILE is required");
	if (cli_opts_query(&opts))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_opts_zone(&opts, t, &opts.q); /* --as-of: the tracker's day */
	int rc = 0;
	if (fl_export_write(t, &opts.q, opts.out, opts.format)) {
		cli_lib_error(cli_output_flags);
		rc = 1;
	} else
		cli_print_warnings();
	fl_tracker_free(t);
	return rc;
}
