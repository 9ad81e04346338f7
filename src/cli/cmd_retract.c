/* cmd_retract.c: `frontline retract ID`: withdraw an event, deleting nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <frontline/record.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline -d PATH retract ID --source TEXT [--note TEXT] [--recorded R] [--id ID]\n"
	"\n"
	"Withdraw event ID without deleting anything: a row of kind retraction is appended\n"
	"(corrects = ID, no regions, no from or to, status confirmed, ID's date), as safely as\n"
	"'record' appends one.  The event no longer counts from the retraction's recorded\n"
	"instant on: snapshots, diffs and stats leave it out, and its ground reverts to the\n"
	"holder before it; --as-of an earlier instant still counts it.  'log' shows both, the\n"
	"event marked 'retracted by'.  ID must exist and not be corrected or retracted\n"
	"already; a retraction itself cannot be retracted (record the event again instead).\n"
	"Prints the retraction's id after the commit.\n"
	"\n"
	"Exit status: 0 recorded; 1 a bad tracker or a failed write; 2 a bad parameter (nothing\n"
	"written); 3 recorded, but printing the id failed: do not retry.\n"
	"\n"
	"  --source TEXT    why the event is withdrawn, and who says so (required)\n"
	"  --note TEXT      a note\n"
	"  --recorded R     when the retraction entered the record (default now; not in the\n"
	"                   future, not before ID was recorded)\n"
	"  --id ID          the retraction's id (default: ID-retraction, then -2, -3 ...)\n";

/* The fields of fl_retraction, as the tool's flags and operand. */
static const cli_flag flags[] = {{"retracts", "event"},	   {"source", "--source"}, {"note", "--note"},
				 {"recorded", "--recorded"}, {"id", "--id"},	     {NULL, NULL}};

int cmd_retract(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"source", required_argument, NULL, 'S'}, {"note", required_argument, NULL, 'N'},
		{"recorded", required_argument, NULL, 'W'}, {"id", required_argument, NULL, 'I'},
		{NULL, 0, NULL, 0}};
	fl_retraction r = {0};
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "retract", help, 0, own, "", 1, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'S': r.source = optarg; break;
		case 'N': r.note = optarg; break;
		case 'W': r.recorded = optarg; break;
		case 'I': r.id = optarg; break;
		}
	}
	if (c == CLI_STOP)
		return opts.rc;
	if (opts.nargs != 1)
		return cli_usage_error("retract", "expected the id of the event to withdraw");
	r.retracts = opts.args[0];
	if (!r.source || !*r.source)
		return cli_usage_error("retract", "--source TEXT is required: say why the event is withdrawn");
	const char *path = cli_tracker_to_write(g, "retract");
	if (!path)
		return 2;
	char id[256];
	fl_status st = fl_record_retract(path, &r, id, sizeof id);
	if (st) {
		cli_lib_error(flags);
		return st == FL_EARG ? 2 : 1;
	}
	/* committed: a failure to say so must not make a script retract again */
	errno = 0;
	if (printf("%s\n", id) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("recorded as %s, but printing the id failed: %s (do not retract again)", id,
			  errno ? strerror(errno) : "write error");
		return 3;
	}
	return 0;
}
