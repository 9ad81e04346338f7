/* cmd_animate.c: `frontline animate`: a time-lapse of render's maps (GIF, WebP, MP4, WebM). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "map_opts.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] animate --from D1 --to D2 [--step day|week|month]\n"
	"                                   -o FILE.(gif|webp|mp4|webm) [--fps N] [--hold-last SECONDS]\n"
	"                                   [--lossless] [--quality Q] [--as-of R] [--status confirmed]\n"
	"        " CLI_MAP_USAGE
	"\n"
	"Draws the map of every day (week, month) from D1 to D2, each as 'render --date' draws it\n"
	"(same map options, same pixels, \"Control on DATE\" in its heading), and writes them as one\n"
	"animation that loops.  --step defaults to day; by month, the same day of each month.\n"
	"--fps: frames per second, 1 to 100 (default 4).  --hold-last: seconds the last frame\n"
	"stays on (default 0).  WebP is --lossless (the default: exact, and smaller for maps),\n"
	"or lossy at --quality Q (0 to 100).  MP4 (H.264) and WebM (VP9) need a build with\n"
	"FFmpeg and an even size.\n"
	"The file is written whole at the end, or not at all.  A progress bar goes to a terminal.\n";

/* The library's names for what the tool's flags give. */
static const cli_flag flags[] = {CLI_MAP_FLAGS,	       {"path", "-o"},
				 {"from", "--from"},   {"to", "--to"},		{"step", "--step"},
				 {"fps", "--fps"},     {"hold_last", "--hold-last"},
				 {"quality", "--quality"}, {NULL, NULL}};

/* A whole number in [lo, hi] the library checks; here only that it is one. */
static int parse_int(const char *opt, const char *v, int *out)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < -1000000 || n > 1000000)
		return cli_usage_error("animate", "%s %s: expected a whole number", opt, v);
	*out = (int)n;
	return 0;
}

/* The bar, redrawn in place; *user counts the frames it showed. */
static int progress(size_t done, size_t total, void *user)
{
	*(size_t *)user = done;
	int width = 40, bar = (int)(width * done / (total ? total : 1));
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu frames", bar, "########################################",
		width - bar, "", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
	return 0;
}

int cmd_animate(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"from", required_argument, NULL, 'F'},	  {"to", required_argument, NULL, 'T'},
		{"step", required_argument, NULL, 'S'},	  {"fps", required_argument, NULL, 'r'},
		{"hold-last", required_argument, NULL, 'H'}, {"lossless", no_argument, NULL, 'l'},
		{"quality", required_argument, NULL, 'q'}, CLI_MAP_OPTIONS,
		{NULL, 0, NULL, 0}};
	const char *from = NULL, *to = NULL, *quality = NULL;
	bool lossless = false;
	fl_step step = FL_STEP_DAY;
	cli_map m;
	cli_map_init(&m);
	fl_animate_opts ao = fl_animate_opts_default();
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "animate", help, CLI_FILTERS | CLI_OUTPUT, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'F': from = optarg; break;
		case 'T': to = optarg; break;
		case 'S':
			if (fl_animate_parse_step(optarg, &step))
				return cli_lib_usage_error("animate", flags);
			break;
		case 'r':
			if (parse_int("--fps", optarg, &ao.fps))
				return 2;
			break;
		case 'q':
			if (parse_int("--quality", optarg, &ao.quality))
				return 2;
			quality = optarg;
			ao.lossless = 0;
			break;
		case 'H': {
			char *end = NULL;
			ao.hold_last = strtod(optarg, &end);
			if (!*optarg || *end || !isfinite(ao.hold_last))
				return cli_usage_error("animate", "--hold-last %s: expected seconds (e.g. 2 or 1.5)",
						       optarg);
			break;
		}
		case 'l': lossless = true; break;
		default:
			if (cli_map_option(&m, "animate", c, optarg, flags) < 0)
				return 2;
			break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (!opts.out)
		return cli_usage_error("animate", "-o FILE.gif|webp|mp4|webm is required");
	if (lossless && quality)
		return cli_usage_error("animate", "--lossless and --quality %s exclude each other (--quality "
				       "makes WebP lossy)", quality);
	if (!from || !to)
		return cli_usage_error("animate", "--from D1 and --to D2 are required");
	fl_instant t1 = 0, t2 = 0;
	if (cli_parse_date(NULL, "--from", from, FL_DATE_END, &t1) ||
	    cli_parse_date(NULL, "--to", to, FL_DATE_END, &t2))
		return 2;
	if (t1 > t2)
		return cli_usage_error("animate", "--from %s is after --to %s", from, to);
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	if (cli_map_finish(&m, "animate"))
		return 2;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	/* the days of the tracker's time zone */
	cli_opts_zone(&opts, t, &q);
	cli_parse_date(t, "--from", from, FL_DATE_END, &t1);
	cli_parse_date(t, "--to", to, FL_DATE_END, &t2);
	const char *texts[] = {from, to};
	const fl_instant ats[] = {t1, t2};
	cli_warn_range(t, &q, opts.as_of, 2, texts, ats);
	size_t shown = 0;
	fl_status st = fl_animate(t, &q, t1, t2, step, &m.ro, &ao, opts.out,
				  isatty(STDERR_FILENO) ? progress : NULL, &shown);
	if (st && shown && shown < fl_animate_count(t, t1, t2, step))
		fputc('\n', stderr); /* the error below the bar, not on it */
	if (st)
		cli_lib_error(flags);
	fl_tracker_free(t);
	return st ? (st == FL_EARG ? 2 : 1) : 0;
}
