/*
 * map_opts.h: the options every map takes (map_opts.c), shared by `render`
 * and `animate` so that a time-lapse's frames take what a map takes:
 * --size, --bbox, --title, --labels/--no-labels, --basemap/--no-basemap,
 * --places and --names.
 */
#ifndef FL_CLI_MAP_OPTS_H
#define FL_CLI_MAP_OPTS_H

#include <getopt.h>
#include "cli.h"

/* Their getopt entries, to put in a command's own table (their short
 * codes: s b t L N B n P m). */
#define CLI_MAP_OPTIONS                                                                        \
	{"size", required_argument, NULL, 's'}, {"bbox", required_argument, NULL, 'b'},          \
		{"title", required_argument, NULL, 't'}, {"labels", no_argument, NULL, 'L'},     \
		{"no-labels", no_argument, NULL, 'N'}, {"basemap", required_argument, NULL, 'B'}, \
		{"no-basemap", no_argument, NULL, 'n'}, {"places", required_argument, NULL, 'P'}, \
		{"names", required_argument, NULL, 'm'}

/* Their usage lines and the library's names for them (cli_flag). */
#define CLI_MAP_USAGE                                                                           \
	"[--size WxH] [--bbox W,S,E,N] [--title TEXT] [--labels | --no-labels]\n"               \
	"        [--basemap SRC | --no-basemap] [--places SRC] [--names tracker|both]\n"
#define CLI_MAP_FLAGS                                                                       \
	{"size", "--size"}, {"bbox", "--bbox"}, {"title", "--title"}, {"basemap", "--basemap"}, \
		{"places", "--places"}

typedef struct cli_map {
	fl_render_opts ro;
	const char *basemap; /* --basemap SRC, or NULL */
	int no_basemap;
} cli_map;

void cli_map_init(cli_map *m);
/* Take option c (its argument arg) if it is a map's: 1 taken, 0 not a map
 * option, -1 refused (the error printed as cmd's usage error; exit 2). */
int cli_map_option(cli_map *m, const char *cmd, int c, const char *arg, const cli_flag *flags);
/* After the options: the base map to draw (the shipped one unless
 * --basemap or --no-basemap); 0, or 2 with the error printed. */
int cli_map_finish(cli_map *m, const char *cmd);

#endif
