/* cmd_record.c: `frontline record`: append one event, validated, safely. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <frontline/record.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline -d PATH record --date D (--region ID... | --area FILE) --to ID [--from ID]\n"
	"                                --source TEXT [--kind KIND] [--status S] [--note TEXT]\n"
	"                                [--id ID] [--corrects ID] [--recorded R] [--partial]\n"
	"\n"
	"Append one event to the tracker: checked first (known regions and actors, a valid date,\n"
	"--from being the holder at that instant), refused with nothing written otherwise.\n"
	"Concurrent recorders all land: a folder's events.csv is rewritten under a lock (temporary\n"
	"file, fsync, rename; mode, group and line endings kept; a read-only file is refused); a\n"
	"GeoPackage or PostGIS tracker gets one transaction.  An event identical to a recorded one\n"
	"(same date, regions or area, --to, --from, --source) is refused unless --id names a new\n"
	"id, so a retried command never records twice.  An --area must lie inside the tracker's\n"
	"regions: a part outside under 1 km2 and under 1 % of it is clipped off (with a warning),\n"
	"a larger one refused.  Prints the new event's id after the commit.  The tracker is -d\n"
	"PATH (or $FRONTLINE_TRACKER): record never writes into the shipped sample unless -d\n"
	"names it.\n"
	"\n"
	"Exit status: 0 recorded; 1 a bad tracker or a failed write; 2 a bad parameter (nothing\n"
	"written); 3 recorded, but printing the id failed: do not retry.\n"
	"\n"
	"  --date D         when the transfer takes effect (ISO 8601), or the period it took\n"
	"                   effect in (EDTF: 2020-10, 2020-10-04/2020-10-09, 2020-10-04~)\n"
	"  --region ID      a region that passes (repeatable, or ID;ID)\n"
	"  --area FILE      a polygon file (GeoJSON, ...) for a transfer that cuts across regions\n"
	"  --to ID          the actor that gains it\n"
	"  --from ID        the expected previous holder (checked)\n"
	"  --source TEXT    where the information comes from (required)\n"
	"  --kind KIND      capture (default), handover, withdrawal, agreement, baseline, correction\n"
	"  --status S       claimed (default), confirmed, disputed\n"
	"  --note TEXT      a note\n"
	"  --id ID          the event's id (default: DATE-REGION, then -2, -3 ...)\n"
	"  --corrects ID    the event this one replaces: a claim confirmed (--status confirmed),\n"
	"                   a date or holder fixed; kind correction unless --kind is given.  ID\n"
	"                   exists and is not corrected yet ('frontline retract ID' withdraws one)\n"
	"  --recorded R     when the event entered the record (default now): backfill what was\n"
	"                   learnt earlier, as --as-of sees it; not in the future, not more than\n"
	"                   a day before --date\n"
	"  --partial        the source speaks of part of the region only\n";

/* The fields of fl_record, as the tool's flags. */
static const cli_flag flags[] = {{"id", "--id"},	   {"date", "--date"},	     {"regions", "--region"},
				 {"area_file", "--area"}, {"to", "--to"},	     {"from", "--from"},
				 {"source", "--source"},  {"kind", "--kind"},	     {"status", "--status"},
				 {"note", "--note"},	   {"corrects", "--corrects"}, {"recorded", "--recorded"},
				 {NULL, NULL}};

/* What the tool checks before the library: the flags it turns into enums,
 * and those whose message names a flag's value (ID, FILE).  Until the date,
 * --to and --source are right the library says what is wrong first, as it
 * checks them first.  0, or the exit status after printing why. */
static int check_flags(fl_record *r, const char *kind, const char *status)
{
	fl_instant when;
	if (!r->date || fl_instant_parse(r->date, FL_DATE_START, "--date", &when) || !r->to || !*r->to ||
	    !r->source || !*r->source)
		return 0;
	if (r->nregions == 0 && !r->area_file) {
		cli_error("name the area: --region ID (repeatable) or --area FILE");
		return 2;
	}
	if ((kind && fl_event_kind_parse(kind, &r->kind)) ||
	    (status && fl_event_status_parse(status, &r->status))) {
		cli_lib_error(flags);
		return 2;
	}
	if (r->kind == FL_KIND_RETRACTION) {
		cli_error("--kind retraction: a retraction moves no ground; withdraw an event with "
			  "'frontline retract ID --source TEXT'");
		return 2;
	}
	if (!kind && r->corrects)
		r->kind = FL_KIND_CORRECTION;
	if (r->kind == FL_KIND_CORRECTION && (!r->corrects || !*r->corrects)) {
		cli_error("--kind correction needs --corrects ID: the event it corrects");
		return 2;
	}
	return 0;
}

int cmd_record(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {
		{"date", required_argument, NULL, 'D'},	  {"region", required_argument, NULL, 'R'},
		{"area", required_argument, NULL, 'A'},	  {"to", required_argument, NULL, 'T'},
		{"from", required_argument, NULL, 'F'},	  {"source", required_argument, NULL, 'S'},
		{"kind", required_argument, NULL, 'K'},	  {"status", required_argument, NULL, 'U'},
		{"note", required_argument, NULL, 'N'},	  {"id", required_argument, NULL, 'I'},
		{"corrects", required_argument, NULL, 'C'}, {"recorded", required_argument, NULL, 'W'},
		{"partial", no_argument, NULL, 'P'},	    {NULL, 0, NULL, 0}};
	fl_record r = {0};
	const char *kind = NULL, *status = NULL;
	const char **regions = calloc((size_t)argc + 1, sizeof *regions);
	char **owned = calloc((size_t)argc + 1, sizeof *owned);
	size_t nowned = 0;
	int c, rc = 0;
	if (!regions || !owned) {
		free(regions), free(owned);
		return 1;
	}
	cli_opts opts;
	cli_opts_init(&opts, "record", help, 0, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		switch (c) {
		case 'D': r.date = optarg; break;
		case 'R': {
			/* ID;ID is several regions */
			char *copy = strdup(optarg), *save = NULL;
			owned[nowned++] = copy;
			for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
				regions[r.nregions++] = tok;
			if (!*optarg)
				regions[r.nregions++] = "";
			break;
		}
		case 'A': r.area_file = optarg; break;
		case 'T': r.to = optarg; break;
		case 'F': r.from = optarg; break;
		case 'S': r.source = optarg; break;
		case 'K': kind = optarg; break;
		case 'U': status = optarg; break;
		case 'N': r.note = optarg; break;
		case 'I': r.id = optarg; break;
		case 'C': r.corrects = optarg; break;
		case 'W': r.recorded = optarg; break;
		case 'P': r.partial = 1; break;
		}
	}
	if (c == CLI_STOP)
		rc = opts.rc;
	else {
		r.regions = regions;
		fl_record_result res;
		const char *path = cli_tracker_to_write(g, "record");
		rc = path ? check_flags(&r, kind, status) : 2;
		fl_status st = rc ? FL_EARG : fl_record_append_ex(path, &r, &res);
		if (rc)
			;
		else if (st) {
			cli_lib_error(flags);
			rc = st == FL_EARG ? 2 : 1;
		} else {
			if (res.warning[0])
				cli_print_flags(stderr, "frontline: warning: ", res.warning, flags);
			/* the event is committed: a failure to say so must not make a
			 * script record it again */
			errno = 0;
			if (printf("%s\n", res.id) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
				cli_error("recorded as %s, but printing the id failed: %s (do not record it again)",
					  res.id, errno ? strerror(errno) : "write error");
				rc = 3;
			}
		}
	}
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(regions);
	return rc;
}
