/* cmd_record.c: `frontline record`: append one event, validated, safely. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <frontline/record.h>
#include "cli.h"

static const char help[] =
	"usage: frontline -d PATH record --date D (--region ID... | --area FILE) --to ID [--from ID]\n"
	"                                --source TEXT [--kind KIND] [--status S] [--note TEXT]\n"
	"                                [--id ID] [--corrects ID]\n"
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
	"  --date D         when the transfer takes effect (ISO 8601)\n"
	"  --region ID      a region that passes (repeatable, or ID;ID)\n"
	"  --area FILE      a polygon file (GeoJSON, ...) for a transfer that cuts across regions\n"
	"  --to ID          the actor that gains it\n"
	"  --from ID        the expected previous holder (checked)\n"
	"  --source TEXT    where the information comes from (required)\n"
	"  --kind KIND      capture (default), handover, withdrawal, agreement, baseline, correction\n"
	"  --status S       claimed (default), confirmed, disputed\n"
	"  --note TEXT      a note\n"
	"  --id ID          the event's id (default: DATE-REGION, then -2, -3 ...)\n"
	"  --corrects ID    the event this one replaces (required with --kind correction)\n";

int cmd_record(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'D'},	  {"region", required_argument, NULL, 'R'},
		{"area", required_argument, NULL, 'A'},	  {"to", required_argument, NULL, 'T'},
		{"from", required_argument, NULL, 'F'},	  {"source", required_argument, NULL, 'S'},
		{"kind", required_argument, NULL, 'K'},	  {"status", required_argument, NULL, 'U'},
		{"note", required_argument, NULL, 'N'},	  {"id", required_argument, NULL, 'I'},
		{"corrects", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0}};
	fl_record r = {0};
	const char **regions = calloc((size_t)argc + 1, sizeof *regions);
	char **owned = calloc((size_t)argc + 1, sizeof *owned);
	size_t nowned = 0;
	int c, rc = 0;
	if (!regions || !owned) {
		free(regions), free(owned);
		return 1;
	}
	optind = 1;
	opterr = 0;
	while (!rc && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
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
		case 'K': r.kind = optarg; break;
		case 'U': r.status = optarg; break;
		case 'N': r.note = optarg; break;
		case 'I': r.id = optarg; break;
		case 'C': r.corrects = optarg; break;
		case 'h': fputs(help, stdout); goto out;
		case ':': rc = cli_usage_error("record", "option '%s' needs a value", argv[optind - 1]); break;
		default: rc = cli_usage_error("record", "unknown option '%s'", argv[optind - 1]); break;
		}
	}
	if (!rc && optind < argc)
		rc = cli_usage_error("record", "unexpected argument '%s'", argv[optind]);
	if (!rc) {
		r.regions = regions;
		fl_record_result res;
		const char *path = cli_tracker_to_write(g, "record");
		fl_status st = path ? fl_record_append_ex(path, &r, &res) : FL_EARG;
		if (!path)
			rc = 2;
		else if (st) {
			cli_error("%s", fl_error_last());
			rc = st == FL_EARG ? 2 : 1;
		} else {
			if (res.warning[0])
				cli_error("warning: %s", res.warning);
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
out:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(regions);
	return rc;
}
