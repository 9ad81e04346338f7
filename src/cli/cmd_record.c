/* cmd_record.c: `frontline record`: append one event, validated, safely. */
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
	"file, fsync, rename); a GeoPackage or PostGIS tracker gets one transaction.  Prints the\n"
	"new event's id.  The tracker is -d PATH (or $FRONTLINE_TRACKER): record never writes\n"
	"into the shipped sample unless -d names it.\n"
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
		char id[256];
		const char *path = cli_tracker_to_write(g, "record");
		fl_status st = path ? fl_record_append(path, &r, id, sizeof id) : FL_EARG;
		if (!path)
			rc = 2;
		else if (st) {
			cli_error("%s", fl_error_last());
			rc = st == FL_EARG ? 2 : 1;
		} else
			printf("%s\n", id);
	}
out:
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(regions);
	return rc;
}
