/*
 * options.h: the options several commands share, parsed in one place.
 *
 * A command names the common options it takes (CLI_DATE | CLI_FILTERS ...)
 * and passes a table of its own; cli_opts_next() runs getopt over both,
 * handles the common ones and -h/--help itself, and hands back only the
 * command's own, one at a time, so that each cmd_*.c keeps a switch for
 * what is its own and nothing else.  The epilogue is here too: an unknown
 * option, a missing value and operands the command does not take are usage
 * errors (exit status 2, "(see 'frontline CMD --help')").
 *
 *	cli_opts o;
 *	cli_opts_init(&o, "serve", help, 0, own, "", 0, argc, argv);
 *	while ((c = cli_opts_next(&o)) > 0)
 *		switch (c) { case 'b': bind = optarg; break; ... }
 *	if (c == CLI_STOP)
 *		return o.rc;      (0 after --help, 2 after a usage error)
 *
 * Own options may use any val below 256 (common ones use 256 and up, and
 * 'o' and 'f' only when the command takes CLI_OUTPUT or CLI_FORMAT).
 */
#ifndef FL_CLI_OPTIONS_H
#define FL_CLI_OPTIONS_H
#include <getopt.h>
#include "cli.h"

enum {
	CLI_DATE = 1 << 0,    /* --date D: the map's instant, the end of a bare date (default now) */
	CLI_AS_OF = 1 << 1,   /* --as-of R: replay what was recorded by R */
	CLI_STATUS = 1 << 2,  /* --status confirmed|all: the filter on events */
	CLI_OUTPUT = 1 << 3,  /* -o, --output FILE */
	CLI_FORMAT = 1 << 4,  /* -f, --format FORMAT */
	CLI_BY = 1 << 5,      /* --by region|actor */
	CLI_FILTERS = CLI_AS_OF | CLI_STATUS
};

/* The library's names for what -o and -f give (`path`, `format`), for
 * cli_lib_error(). */
extern const cli_flag cli_output_flags[];

/* cli_opts_init's nargs: operands go to the command as they are. */
#define CLI_ANY_ARGS (-1)
/* cli_opts_next's answers besides an own option's val. */
#define CLI_END 0    /* every option read, operands in args/nargs */
#define CLI_STOP (-1) /* the command returns rc */

#define CLI_MAX_OPTIONS 32

typedef struct cli_opts {
	const char *cmd;          /* the command's name, for messages */
	const char *date;         /* --date, --as-of, -o, -f as given; NULL when not */
	const char *as_of;
	const char *out;
	const char *format;
	fl_group by;              /* --by (FL_BY_REGION) */
	fl_query q;               /* confirmed_only from --status; at and as_of from cli_opts_query() */
	char **args;              /* the operands, at CLI_END */
	int nargs;
	int rc;                   /* the exit status at CLI_STOP */
	/* the parser */
	const char *help;
	unsigned common;
	int max_args;
	int argc;
	char **argv;
	char shorts[64];
	struct option all[CLI_MAX_OPTIONS];
} cli_opts;

/* Set up the parse of argv for command cmd: the common options it takes,
 * its own (NULL or a table ended by {NULL, 0, NULL, 0}) and their short
 * letters in getopt's form ("o:" for -o VALUE), and how many operands it
 * takes (0: none, an operand is a usage error; CLI_ANY_ARGS: the command
 * checks them). */
void cli_opts_init(cli_opts *o, const char *cmd, const char *help, unsigned common,
		   const struct option *own, const char *own_short, int max_args, int argc, char **argv);
/* The next own option (its val, optarg its value), CLI_END or CLI_STOP. */
int cli_opts_next(cli_opts *o);
/* --date (when the command takes it: now when not given) and --as-of into
 * o->q; 2 after printing the error, else 0.  Called when the command's own
 * checks of its operands are done, so that errors come in the same order
 * for every command. */
int cli_opts_query(cli_opts *o);
/* --date and --as-of again, into q, as days of tracker t's time zone
 * (cli_opts_query read them in UTC, before the tracker was open). */
void cli_opts_zone(const cli_opts *o, const fl_tracker *t, fl_query *q);
#endif
