/*
 * options.c: the options several commands share (--date, --as-of, --status,
 * -o, -f, --by, -h) and getopt's epilogue, in one place (options.h).
 *
 * The common options take vals from 256 up so that they never meet a
 * command's own letters; -o and -f answer to their short letter too.
 */
#include <stdio.h>
#include <string.h>
#include "options.h"

enum { OPT_DATE = 256, OPT_AS_OF, OPT_STATUS, OPT_BY };

static const struct {
	unsigned flag;
	struct option opt;
	const char *shorts;
} common_opts[] = {
	{CLI_DATE, {"date", required_argument, NULL, OPT_DATE}, ""},
	{CLI_AS_OF, {"as-of", required_argument, NULL, OPT_AS_OF}, ""},
	{CLI_STATUS, {"status", required_argument, NULL, OPT_STATUS}, ""},
	{CLI_OUTPUT, {"output", required_argument, NULL, 'o'}, "o:"},
	{CLI_FORMAT, {"format", required_argument, NULL, 'f'}, "f:"},
	{CLI_BY, {"by", required_argument, NULL, OPT_BY}, ""},
};
#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

const cli_flag cli_output_flags[] = {{"path", "-o"}, {"format", "-f"}, {NULL, NULL}};

void cli_opts_init(cli_opts *o, const char *cmd, const char *help, unsigned common,
		   const struct option *own, const char *own_short, int max_args, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	o->help = help;
	o->common = common;
	o->max_args = max_args;
	o->argc = argc;
	o->argv = argv;
	o->by = FL_BY_REGION;
	o->q = fl_query_at(0);
	size_t n = 0;
	/* ':' first: a missing value comes back as ':', not '?' */
	snprintf(o->shorts, sizeof o->shorts, ":");
	for (size_t i = 0; i < NCOMMON; i++)
		if (common & common_opts[i].flag) {
			o->all[n++] = common_opts[i].opt;
			strncat(o->shorts, common_opts[i].shorts, sizeof o->shorts - strlen(o->shorts) - 1);
		}
	for (; own && own->name && n < CLI_MAX_OPTIONS - 2; own++)
		o->all[n++] = *own;
	o->all[n++] = (struct option){"help", no_argument, NULL, 'h'};
	o->all[n] = (struct option){NULL, 0, NULL, 0};
	strncat(o->shorts, own_short ? own_short : "", sizeof o->shorts - strlen(o->shorts) - 1);
	strncat(o->shorts, "h", sizeof o->shorts - strlen(o->shorts) - 1);
	optind = 1;
	opterr = 0;
}

static int stop(cli_opts *o, int rc)
{
	o->rc = rc;
	return CLI_STOP;
}

static int parse_status(cli_opts *o, const char *value)
{
	if (!strcmp(value, "confirmed"))
		o->q.confirmed_only = 1;
	else if (!strcmp(value, "all"))
		o->q.confirmed_only = 0;
	else
		return cli_usage_error(o->cmd, "--status %s: expected 'confirmed' or 'all'", value);
	return 0;
}

static int parse_by(cli_opts *o, const char *value)
{
	if (!strcmp(value, "region"))
		o->by = FL_BY_REGION;
	else if (!strcmp(value, "actor"))
		o->by = FL_BY_ACTOR;
	else
		return cli_usage_error(o->cmd, "--by %s: expected 'region' or 'actor'", value);
	return 0;
}

int cli_opts_next(cli_opts *o)
{
	int c;
	while ((c = getopt_long(o->argc, o->argv, o->shorts, o->all, NULL)) != -1) {
		switch (c) {
		case OPT_DATE: o->date = optarg; continue;
		case OPT_AS_OF: o->as_of = optarg; continue;
		case OPT_STATUS:
			if (parse_status(o, optarg))
				return stop(o, 2);
			continue;
		case OPT_BY:
			if (parse_by(o, optarg))
				return stop(o, 2);
			continue;
		case 'h': fputs(o->help, stdout); return stop(o, 0);
		case ':':
			return stop(o, cli_usage_error(o->cmd, "option '%s' needs a value",
						       o->argv[optind - 1]));
		case '?':
			return stop(o, cli_usage_error(o->cmd, "unknown option '%s'", o->argv[optind - 1]));
		default: break;
		}
		if (c == 'o' && (o->common & CLI_OUTPUT))
			o->out = optarg;
		else if (c == 'f' && (o->common & CLI_FORMAT))
			o->format = optarg;
		else
			return c; /* the command's own */
	}
	if (o->max_args == 0 && optind < o->argc)
		return stop(o, cli_usage_error(o->cmd, "unexpected argument '%s'", o->argv[optind]));
	o->args = o->argv + optind;
	o->nargs = o->argc - optind;
	return CLI_END;
}

int cli_opts_query(cli_opts *o)
{
	if (o->common & CLI_DATE) {
		o->q.at = fl_instant_now();
		if (o->date && cli_parse_date(NULL, "--date", o->date, FL_DATE_END, &o->q.at))
			return 2;
	}
	if (o->as_of) {
		if (cli_parse_date(NULL, "--as-of", o->as_of, FL_DATE_END, &o->q.as_of))
			return 2;
		o->q.has_as_of = 1;
	}
	return 0;
}

void cli_opts_zone(const cli_opts *o, const fl_tracker *t, fl_query *q)
{
	/* (checked by cli_opts_query: they parse) */
	if ((o->common & CLI_DATE) && o->date)
		cli_parse_date(t, "--date", o->date, FL_DATE_END, &q->at);
	if (o->as_of)
		cli_parse_date(t, "--as-of", o->as_of, FL_DATE_END, &q->as_of);
}
