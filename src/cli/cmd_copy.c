/* cmd_copy.c: `frontline copy SRC DST`: move a tracker between stores. */
#include <stdio.h>
#include <string.h>
#include <frontline/store.h>
#include "cli.h"

static const char help[] =
	"usage: frontline copy SRC DST\n"
	"\n"
	"Copy a tracker between its stores without loss: a folder, a GeoPackage (.gpkg) or a\n"
	"PostgreSQL/PostGIS database ('PG:dbname=... host=...').  Every layer (actors, regions,\n"
	"areas, events, zones), field and geometry is copied as it is, in row order.  SRC must be\n"
	"a valid tracker; DST must not hold one yet.  Written whole or not at all.  A PostGIS\n"
	"copy also installs SQL functions: SELECT * FROM frontline_control_at('2020-11-25').\n";

int cmd_copy(const cli_global *g, int argc, char **argv)
{
	(void)g;
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(help, stdout);
		return 0;
	}
	if (argc != 3)
		return cli_usage_error("copy", "expected SRC DST, got %d argument(s)", argc - 1);
	if (fl_store_copy(argv[1], argv[2])) {
		cli_error("%s", fl_error_last());
		return 1;
	}
	return 0;
}
