/* cmd_export.c: `frontline export`: the whole history as a time-enabled layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "export_site.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] export -o FILE [-f FORMAT] [--as-of R] [--status confirmed]\n"
	"       frontline [-d PATH] export -o FILE.pmtiles|FILE.mbtiles [--minzoom Z] [--maxzoom Z]\n"
	"       frontline [-d PATH] export --site DIR [--minzoom Z] [--maxzoom Z]\n"
	"\n"
	"The whole history as one time-enabled layer, `control`: one feature per region (or\n"
	"region piece) per period of unchanged holder, with region, name, holder, holder_name,\n"
	"event (the one that began the period), kind, source, status, valid_from and valid_to\n"
	"(date-times; valid_to empty while current) and area_km2.  QGIS's Temporal Controller\n"
	"and Google Earth's time slider play it as it is.\n"
	"\n"
	"  -o FILE    .gpkg (also the layers actors, regions, areas, events, zones: the file is\n"
	"             itself a tracker), .kml (a <TimeSpan> per placemark, actor colours as\n"
	"             styles), .fgb, .shp, .csv (WKT), .geojson; .pmtiles or .mbtiles: vector\n"
	"             tiles (MVT, gzip) of the whole history in one tile set, each piece with\n"
	"             its period (valid_from_day, valid_to_day) for a map to filter by date\n"
	"  -f FORMAT  gpkg, kml, fgb, shp, csv, geojson, pmtiles, mbtiles or a GDAL vector\n"
	"             driver name\n"
	"  --minzoom Z, --maxzoom Z\n"
	"             the tiles' zoom levels, 0 to 24 (default: chosen from the data)\n"
	"  --site DIR a static web site in DIR (new or empty): index.html, the tiles\n"
	"             (control.pmtiles), the style and the scripts, with the date slider, the\n"
	"             play button and the legend; any static host serves it (HTTP range\n"
	"             requests), no server of frontline's\n";

/* Z of --minzoom or --maxzoom: 0 to 24; -1 after a usage error. */
static int parse_zoom(const char *flag, const char *v)
{
	char *end;
	long z = strtol(v, &end, 10);
	if (!*v || *end || z < 0 || z > FL_TILES_LIMIT_ZOOM) {
		cli_usage_error("export", "%s %s: expected a zoom level, 0 to %d", flag, v,
				FL_TILES_LIMIT_ZOOM);
		return -1;
	}
	return (int)z;
}

/* The tiles' options, checked against each other; 2 after a usage error. */
static int tile_options(const cli_opts *o, const char *minz, const char *maxz, fl_tile_opts *to)
{
	*to = (fl_tile_opts){0, 0};
	if (o->as_of || o->q.confirmed_only)
		return cli_usage_error("export", "--as-of and --status: tiles carry the whole history "
				       "of every event (each piece with its status)");
	if (!minz && !maxz)
		return 0;
	int lo = minz ? parse_zoom("--minzoom", minz) : 0;
	if (lo < 0)
		return 2;
	int hi = maxz ? parse_zoom("--maxzoom", maxz) : -1;
	if (maxz && hi < 0)
		return 2;
	if (!maxz) /* chosen from the data once the tracker is open (resolve_zooms) */
		hi = FL_TILES_LIMIT_ZOOM;
	if (lo > hi)
		return cli_usage_error("export", "--minzoom %d is above --maxzoom %d", lo, hi);
	*to = (fl_tile_opts){lo, hi};
	return 0;
}

/* --minzoom alone: the maxzoom the data asks for, at least --minzoom. */
static int resolve_zooms(const fl_tracker *t, const char *minz, const char *maxz, fl_tile_opts *to)
{
	int lo, hi;
	if (!minz || maxz)
		return 0;
	if (fl_tiles_zooms(t, &(fl_tile_opts){0, 0}, &lo, &hi)) {
		cli_lib_error(NULL);
		return 1;
	}
	to->maxzoom = hi > to->minzoom ? hi : to->minzoom;
	return 0;
}

int cmd_export(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"minzoom", required_argument, NULL, 'z'},
					    {"maxzoom", required_argument, NULL, 'Z'},
					    {"site", required_argument, NULL, 's'},
					    {NULL, 0, NULL, 0}};
	int c;
	const char *minz = NULL, *maxz = NULL, *site = NULL;
	cli_opts opts;
	cli_opts_init(&opts, "export", help, CLI_FILTERS | CLI_OUTPUT | CLI_FORMAT, own, "", 0, argc,
		      argv);
	while ((c = cli_opts_next(&opts)) > 0)
		if (c == 'z')
			minz = optarg;
		else if (c == 'Z')
			maxz = optarg;
		else if (c == 's')
			site = optarg;
	if (c == CLI_STOP)
		return opts.rc;
	if (site && !*site)
		return cli_usage_error("export", "--site: expected a folder");
	if (site && opts.out)
		return cli_usage_error("export", "--site and -o: one or the other");
	if (!site && (!opts.out || !*opts.out))
		return cli_usage_error("export", "-o FILE or --site DIR is required");
	fl_tile_format tf = site ? FL_TILES_PMTILES : fl_tile_format_of(opts.out, opts.format);
	if (!tf && (minz || maxz))
		return cli_usage_error("export", "--minzoom and --maxzoom: only for tiles (.pmtiles, "
				       ".mbtiles, --site)");
	fl_tile_opts to = {0, 0};
	if (tf && tile_options(&opts, minz, maxz, &to))
		return 2;
	if (cli_opts_query(&opts))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_opts_zone(&opts, t, &opts.q); /* --as-of: the tracker's day */
	int rc = tf ? resolve_zooms(t, minz, maxz, &to) : 0;
	if (!rc && site) {
		rc = cli_export_site(t, &to, site);
	} else if (!rc && (tf ? fl_tiles_write(t, &to, opts.out, tf)
			      : fl_export_write(t, &opts.q, opts.out, opts.format))) {
		cli_lib_error(cli_output_flags);
		rc = 1;
	} else if (!rc)
		cli_print_warnings();
	fl_tracker_free(t);
	return rc;
}
