/* common.c: helpers shared by the tool's subcommands (tracker lookup, errors). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "cli.h"
#include "fl_config.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("frontline: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "frontline %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see 'frontline %s --help')\n", cmd);
	va_end(ap);
	return 2;
}

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *cli_tracker_path(const cli_global *g)
{
	const char *path = g->tracker;
	if (!path)
		path = getenv("FRONTLINE_TRACKER");
	if (!path || !*path) {
		path = FL_GEODATA_SOURCE "/karabakh";
		if (!is_dir(path))
			path = FL_GEODATA_INSTALLED "/karabakh";
	}
	return path;
}

fl_tracker *cli_open_tracker(const cli_global *g)
{
	const char *path = cli_tracker_path(g);
	fl_tracker *t = NULL;
	if (fl_tracker_open(path, &t) != FL_OK) {
		cli_error("%s", fl_error_last());
		return NULL;
	}
	return t;
}

int cli_parse_date(const char *opt, const char *value, fl_date_side side, fl_instant *out)
{
	if (fl_instant_parse(value, side, opt, out) != FL_OK) {
		cli_error("%s", fl_error_last());
		return 1;
	}
	return 0;
}
