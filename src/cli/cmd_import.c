/* cmd_import.c: `frontline import-series`: dated control polygons to a tracker. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "options.h"

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

/* fl_import_opts' fields, as the tool's flags. */
static const cli_flag flags[] = {{"holder", "--holder"},	   {"other", "--other"},
				 {"date_field", "--date-field"}, {"source", "--source"},
				 {"out_dir", "--out"},		   {NULL, NULL}};

int cmd_import(const cli_global *g, int argc, char **argv)
{
	(void)g;
	static const struct option own[] = {
		{"holder", required_argument, NULL, 'H'}, {"other", required_argument, NULL, 'O'},
		{"out", required_argument, NULL, 'o'},	  {"date-field", required_argument, NULL, 'F'},
		{"source", required_argument, NULL, 's'}, {"status", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0}};
	fl_import_opts o = {0};
	o.status = FL_STATUS_CONFIRMED;
	const char *out = NULL;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "import-series", help, 0, own, "o:", CLI_ANY_ARGS, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'H': o.holder = optarg; break;
		case 'O': o.other = optarg; break;
		case 'o': out = optarg; break;
		case 'F': o.date_field = optarg; break;
		case 's': o.source = optarg; break;
		case 'S':
			if (fl_event_status_parse(optarg, &o.status))
				return cli_usage_error("import-series",
						       "--status %s: expected claimed, confirmed or disputed", optarg);
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (!o.holder || !o.other)
		return cli_usage_error("import-series", "--holder ID and --other ID are required");
	if (!out)
		return cli_usage_error("import-series", "--out DIR is required");
	if (!opts.nargs)
		return cli_usage_error("import-series", "no input files");
	if (isatty(2))
		o.progress = progress;
	fl_import_result r;
	fl_status st = fl_import_series((const char *const *)opts.args, (size_t)opts.nargs, &o, out, &r);
	if (st) {
		cli_lib_error(flags);
		return st == FL_EARG ? 2 : 1;
	}
	if (r.repaired)
		fprintf(stderr, "frontline: warning: %zu date(s) had invalid polygons, repaired with GEOS "
				"MakeValid\n", r.repaired);
	return 0;
}
