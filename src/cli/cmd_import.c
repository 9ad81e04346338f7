/* cmd_import.c: `frontline import-series`: dated control polygons to a tracker, or more days to one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline import-series --holder ID --other ID --out DIR [--date-field NAME]\n"
	"                               [--source TEXT] [--status claimed|confirmed|disputed]\n"
	"                               [--extent FILE [--extent-where FILTER]] [--actor ID:NAME[:#RRGGBB]]...\n"
	"                               [--attribution TEXT] FILE[:STATUS]...\n"
	"       frontline import-series --append DIR [--status STATUS] FILE[:STATUS]...\n"
	"\n"
	"Turns a series of dated control polygons (one file per date, the date in the file name as\n"
	"YYYYMMDD or YYYY-MM-DD; or --date-field for dated features) into a folder tracker whose\n"
	"change log holds only what changed from one date to the next.  The area inside each\n"
	"date's polygons is held by --holder, the rest of the extent by --other.  Any format and\n"
	"CRS GDAL reads.  Progress goes to stderr when it is a terminal.\n"
	"\n"
	"FILE:STATUS gives a file its own status: the files of each status make a series of their\n"
	"own beside the others (a claimed series beside an assessed one), its events of that status.\n"
	"--append DIR adds the days after each series' last date to DIR, a tracker import-series\n"
	"made, as one import of all the days would; the options of the import are read back from\n"
	"it (when given, they must match).  --status defaults to confirmed, with --append to the\n"
	"tracker's first series.\n"
	"\n"
	"  --extent FILE      the territory: FILE's polygons (any GDAL source, its first layer) and\n"
	"                     every date's area; --other holds it outside each date's polygons\n"
	"                     (default: the union of every date's area)\n"
	"  --extent-where F   only FILE's features matching the OGR SQL filter F (\"ISO_A3='UKR'\")\n"
	"  --actor ID:NAME[:#RRGGBB]  the name and colour of --holder or --other in actors.csv\n"
	"                     (repeatable; ID::#RRGGBB keeps the name)\n"
	"  --attribution TEXT the data's source and terms, the \"Attribution:\" line of the\n"
	"                     tracker's README.md, which every map render draws credits\n";

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
				 {"out_dir", "--out"},		   {"dir", "--append"},
				 {"status", "--status"},	   {"extent", "--extent"},
				 {"extent_where", "--extent-where"}, {"actors", "--actor"},
				 {"attribution", "--attribution"}, {NULL, NULL}};

/* --actor ID:NAME[:#RRGGBB] (arg split in place); 1 (with the message
 * printed) when it is not of that form. */
static int parse_actor(char *arg, fl_import_actor *a)
{
	char *c1 = strchr(arg, ':');
	if (!c1 || c1 == arg || !c1[1])
		return cli_usage_error("import-series", "--actor '%s': expected ID:NAME, ID:NAME:#RRGGBB or "
				       "ID::#RRGGBB", arg), 1;
	*c1 = 0;
	char *name = c1 + 1, *c2 = strrchr(name, ':');
	*a = (fl_import_actor){.id = arg, .name = name};
	if (c2 && c2[1] == '#') {
		*c2 = 0;
		a->color = c2 + 1;
	}
	return 0;
}

/* FILE:STATUS: the status split off (*st, -1 when none) unless FILE:STATUS
 * is itself a file; 1 (with the message printed) on an unknown status. */
static int split_status(char *arg, int *st)
{
	*st = -1;
	struct stat sb;
	char *colon = strrchr(arg, ':');
	if (!colon || stat(arg, &sb) == 0)
		return 0;
	fl_event_status s;
	if (!fl_event_status_parse(colon + 1, &s)) {
		*colon = 0;
		*st = (int)s;
		return 0;
	}
	*colon = 0;
	bool file = stat(arg, &sb) == 0 && !strchr(colon + 1, '/');
	if (file) {
		cli_usage_error("import-series", "%s:%s: unknown status '%s' (expected claimed, confirmed or "
				"disputed)", arg, colon + 1, colon + 1);
		return 1;
	}
	*colon = ':';
	return 0;
}

/* The command, its --actor values into actors (room for argc). */
static int run(int argc, char **argv, fl_import_actor *actors)
{
	static const struct option own[] = {
		{"holder", required_argument, NULL, 'H'}, {"other", required_argument, NULL, 'O'},
		{"out", required_argument, NULL, 'o'},	  {"date-field", required_argument, NULL, 'F'},
		{"source", required_argument, NULL, 's'}, {"status", required_argument, NULL, 'S'},
		{"append", required_argument, NULL, 'A'}, {"extent", required_argument, NULL, 'E'},
		{"extent-where", required_argument, NULL, 'W'}, {"actor", required_argument, NULL, 'a'},
		{"attribution", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
	fl_import_opts o = {0};
	o.status = FL_STATUS_CONFIRMED;
	o.status_unset = true;
	const char *out = NULL, *append = NULL;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "import-series", help, 0, own, "o:", CLI_ANY_ARGS, argc, argv);
	o.actors = actors;
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'E': o.extent = optarg; break;
		case 'W': o.extent_where = optarg; break;
		case 'C': o.attribution = optarg; break;
		case 'a':
			if (parse_actor(optarg, &actors[o.nactors++]))
				return 2;
			break;
		case 'H': o.holder = optarg; break;
		case 'O': o.other = optarg; break;
		case 'o': out = optarg; break;
		case 'A': append = optarg; break;
		case 'F': o.date_field = optarg; break;
		case 's': o.source = optarg; break;
		case 'S':
			if (fl_event_status_parse(optarg, &o.status))
				return cli_usage_error("import-series",
						       "--status %s: expected claimed, confirmed or disputed", optarg);
			o.status_unset = false;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (out && append)
		return cli_usage_error("import-series", "--out and --append: give one (a new tracker, or "
				       "more days to one)");
	if (!append && (!o.holder || !o.other))
		return cli_usage_error("import-series", "--holder ID and --other ID are required");
	if (!out && !append)
		return cli_usage_error("import-series", "--out DIR is required (or --append DIR)");
	if (!opts.nargs)
		return cli_usage_error("import-series", "no input files");
	int *fs = calloc((size_t)opts.nargs + 1, sizeof *fs);
	if (!fs) {
		fprintf(stderr, "frontline: out of memory\n");
		return 1;
	}
	bool any = false;
	for (int i = 0; i < opts.nargs; i++) {
		if (split_status(opts.args[i], &fs[i])) {
			free(fs);
			return 2;
		}
		any = any || fs[i] >= 0;
	}
	o.file_status = any ? fs : NULL;
	if (isatty(2))
		o.progress = progress;
	fl_import_result r;
	fl_status st = append ? fl_import_append((const char *const *)opts.args, (size_t)opts.nargs, &o, append, &r)
			      : fl_import_series((const char *const *)opts.args, (size_t)opts.nargs, &o, out, &r);
	free(fs);
	if (st) {
		cli_lib_error(flags);
		return st == FL_EARG ? 2 : 1;
	}
	if (r.repaired)
		fprintf(stderr, "frontline: warning: %zu date(s) had invalid polygons, repaired with GEOS "
				"MakeValid\n", r.repaired);
	return 0;
}

int cmd_import(const cli_global *g, int argc, char **argv)
{
	(void)g;
	fl_import_actor *actors = calloc((size_t)argc + 1, sizeof *actors);
	if (!actors) {
		fprintf(stderr, "frontline: out of memory\n");
		return 1;
	}
	int rc = run(argc, argv, actors);
	free(actors);
	return rc;
}
