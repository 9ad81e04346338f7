/*
 * main.c: the frontline tool's entry point: global options, then dispatch to
 * one subcommand (cmd_*.c).  The tool is a thin client of libfrontline: it
 * parses arguments, calls the library, and prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
	"usage: frontline [-d|--tracker PATH] COMMAND [ARGS]\n"
	"\n"
	"Who controls which territory, on any date.\n"
	"\n"
	"commands:\n"
	"  snapshot   the map on a date (GeoJSON, GeoPackage, ...)\n"
	"  lines      the front line on a date: borders between holders, with lengths\n"
	"  log        the change log, filtered\n"
	"  diff       what changed between two dates, and how much ground\n"
	"  places     who holds each point of a layer (towns, ...) on a date, or which changed hands\n"
	"  stats      area held per actor over time (CSV)\n"
	"  check      validate a tracker and report every problem\n"
	"  render     draw a map of a date, or of what changed (PNG, SVG, PDF)\n"
	"  animate    a time-lapse of the maps, one per day, week or month (GIF, WebP, MP4)\n"
	"  import-series  a series of dated control polygons to a tracker\n"
	"  serve      OGC API - Features over HTTP, with a map viewer\n"
	"  record     append an event, validated, safe with concurrent writers\n"
	"  retract    withdraw an event (appended, nothing deleted)\n"
	"  copy       move a tracker between folder, GeoPackage and PostGIS\n"
	"  export     the whole history as a time-enabled layer (GeoPackage, KML, ...)\n"
	"\n"
	"options:\n"
	"  -d, --tracker PATH  tracker folder or GeoPackage (default: $FRONTLINE_TRACKER,\n"
	"                      else the shipped geodata/karabakh, which 'record' never\n"
	"                      writes into unless -d names it)\n"
	"  -j, --threads N     threads for one command (imports, GeoJSON output): 0 = one\n"
	"                      per CPU, at most 8 (default: $FRONTLINE_THREADS, else 0);\n"
	"                      the output is the same whatever N\n"
	"  -h, --help          this help; 'frontline COMMAND --help' for a command\n"
	"  --version           print the version\n";

/* The commands, by the name that calls them. */
static const struct {
	const char *name;
	int (*run)(const cli_global *g, int argc, char **argv);
} commands[] = {
	{"snapshot", cmd_snapshot}, {"log", cmd_log},	    {"diff", cmd_diff},
	{"stats", cmd_stats},	    {"import-series", cmd_import}, {"render", cmd_render},
	{"serve", cmd_serve},	    {"copy", cmd_copy},	    {"record", cmd_record},
	{"export", cmd_export},	    {"check", cmd_check},	    {"retract", cmd_retract},
	{"animate", cmd_animate},
	{"lines", cmd_lines},
	{"places", cmd_places},
};

/* -j N or $FRONTLINE_THREADS (what names the value, for the error) */
static int set_threads(const char *what, const char *v)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || n > INT_MAX) {
		cli_error("%s: expected a whole number of threads (0 = one per CPU), got '%s'", what, v);
		return 2;
	}
	if (fl_set_threads((int)n)) {
		cli_error("%s: %s", what, fl_error_last());
		return 2;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	cli_global g = {NULL, argv[0]};
	const char *tracker_opt = NULL; /* how -d was spelled, for the error */
	bool threads_given = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("frontline %s\n", fl_version());
			return 0;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--tracker")) {
			if (++i >= argc) {
				cli_error("%s needs a PATH", a);
				return 2;
			}
			g.tracker = argv[i];
			tracker_opt = a;
		} else if (!strncmp(a, "--tracker=", 10)) {
			g.tracker = a + 10;
			tracker_opt = "--tracker=";
		} else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
			if (++i >= argc) {
				cli_error("%s needs a number", a);
				return 2;
			}
			if (set_threads(a, argv[i]))
				return 2;
			threads_given = true;
		} else if (!strncmp(a, "--threads=", 10) || (!strncmp(a, "-j", 2) && a[2])) {
			/* --threads=N, and -jN as make takes it */
			if (set_threads(a[1] == 'j' ? "-j" : "--threads", a[1] == 'j' ? a + 2 : a + 10))
				return 2;
			threads_given = true;
		} else if (!strncmp(a, "-d", 2) && a[2]) {
			g.tracker = a + 2; /* -dPATH */
		} else {
			cli_error("unknown option '%s'\n\n%s", a, usage);
			return 2;
		}
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	/* an empty tracker path is a mistake (an unset shell variable), never
	 * "the shipped sample" */
	if (g.tracker && !*g.tracker) {
		cli_error("%s: the tracker path is empty: name a tracker folder, GeoPackage or "
			  "PG: connection", tracker_opt);
		return 2;
	}
	const char *tenv = getenv("FRONTLINE_TRACKER");
	if (!g.tracker && tenv && !*tenv) {
		cli_error("FRONTLINE_TRACKER is set but empty: set it to a tracker path or "
			  "unset it, or give -d PATH");
		return 2;
	}
	/* the variable, unless -j said otherwise (set but empty: unset) */
	const char *env = getenv("FRONTLINE_THREADS");
	if (!threads_given && env && *env && set_threads("FRONTLINE_THREADS", env))
		return 2;
	const char *cmd = argv[i];
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (!strcmp(cmd, commands[k].name))
			return commands[k].run(&g, sub_argc, sub_argv);
	cli_error("unknown command '%s'\n\n%s", cmd, usage);
	return 2;
}

/* Output to stdout goes through stdio's buffer: a full disk or a closed pipe
 * shows only when it is flushed.  Check it once, at the end, so that
 * `frontline snapshot > file` on a full disk fails instead of exiting 0
 * with a cut file. */
int main(int argc, char **argv)
{
	int rc = run(argc, argv);
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) { /* else it said why */
		cli_error("cannot write to standard output: %s", strerror(errno));
		return 1;
	}
	return rc;
}
