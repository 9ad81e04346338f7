/* cmd_import.c: `frontline import-series`: dated control polygons to a tracker. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

static const char help[] =
	"usage: frontline import-series --holder ID --other ID --out DIR [--date-field NAME]\n"
	"                               [--source TEXT] [--status claimed|confirmed|disputed] FILE...\n"
	"\n"
	"Turns a series of dated control polygons (one file per date, the date in the file name as\n"
	"YYYYMMDD or YYYY-MM-DD; or --date-field for dated features) into a folder tracker whose\n"
	"change log holds only what changed from one date to the next.  The area inside each\n"
	"date's polygons is held by --holder, the rest of the extent by --other.  Any format and\n"
	"CRS GDAL reads.  Progress goes to stderr when it is a terminal.\n";

static void progress(size_t done, size_t total, void *ud)
{
	(void)ud;
	fprintf(stderr, "\rimport-series: read %zu/%zu files", done, total);
	if (done == total)
		fputc('\n', stderr);
}

int cmd_import(const cli_global *g, int argc, char **argv)
{
	(void)g;
	static const struct option opts[] = {
		{"holder", required_argument, NULL, 'H'}, {"other", required_argument, NULL, 'O'},
		{"out", required_argument, NULL, 'o'},	  {"date-field", required_argument, NULL, 'F'},
		{"source", required_argument, NULL, 's'}, {"status", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0}};
	fl_import_opts o = {0};
	o.status = FL_STATUS_CONFIRMED;
	const char *out = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H': o.holder = optarg; break;
		case 'O': o.other = optarg; break;
		case 'o': out = optarg; break;
		case 'F': o.date_field = optarg; break;
		case 's': o.source = optarg; break;
		case 'S':
			if (!strcmp(optarg, "claimed"))
				o.status = FL_STATUS_CLAIMED;
			else if (!strcmp(optarg, "confirmed"))
				o.status = FL_STATUS_CONFIRMED;
			else if (!strcmp(optarg, "disputed"))
				o.status = FL_STATUS_DISPUTED;
			else
				return cli_usage_error("import-series",
						       "--status %s: expected claimed, confirmed or disputed", optarg);
			break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage_error("import-series", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("import-series", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!o.holder || !o.other)
		return cli_usage_error("import-series", "--holder ID and --other ID are required");
	if (!out)
		return cli_usage_error("import-series", "--out DIR is required");
	if (optind >= argc)
		return cli_usage_error("import-series", "no input files");
	if (isatty(2))
		o.progress = progress;
	fl_import_result r;
	fl_status st = fl_import_series((const char *const *)argv + optind, (size_t)(argc - optind), &o,
					out, &r);
	if (st) {
		cli_error("%s", fl_error_last());
		return st == FL_EARG ? 2 : 1;
	}
	if (r.repaired)
		fprintf(stderr, "frontline: warning: %zu date(s) had invalid polygons, repaired with GEOS "
				"MakeValid\n", r.repaired);
	return 0;
}
