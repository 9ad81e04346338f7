/* map_opts.c: the options every map takes (map_opts.h), for render and animate. */
#include <string.h>
#include "map_opts.h"

void cli_map_init(cli_map *m)
{
	memset(m, 0, sizeof *m);
	m->ro = fl_render_opts_default();
}

int cli_map_option(cli_map *m, const char *cmd, int c, const char *arg, const cli_flag *flags)
{
	fl_render_opts *ro = &m->ro;
	switch (c) {
	case 's':
		return fl_render_parse_size(arg, &ro->width, &ro->height) ? (cli_lib_usage_error(cmd, flags), -1)
									  : 1;
	case 'b':
		if (fl_render_parse_bbox(arg, ro->bbox))
			return cli_lib_usage_error(cmd, flags), -1;
		ro->has_bbox = 1;
		return 1;
	case 't':
		if (!*arg)
			return cli_usage_error(cmd, "--title is empty: give the map's title"), -1;
		ro->title = arg;
		return 1;
	case 'L': ro->labels = 1; return 1;
	case 'N': ro->labels = 0; return 1;
	case 'B': m->basemap = arg; return 1;
	case 'n': m->no_basemap = 1; return 1;
	case 'P': ro->places = arg; return 1;
	case 'm':
		if (strcmp(arg, "tracker") && strcmp(arg, "both"))
			return cli_usage_error(cmd, "--names %s: expected tracker or both", arg), -1;
		ro->names = strcmp(arg, "both") ? FL_NAMES_TRACKER : FL_NAMES_BOTH;
		return 1;
	default: return 0;
	}
}

int cli_map_finish(cli_map *m, const char *cmd)
{
	if (m->basemap && m->no_basemap)
		return cli_usage_error(cmd, "--basemap and --no-basemap exclude each other");
	m->ro.basemap = m->no_basemap ? NULL : m->basemap ? m->basemap : cli_basemap_path();
	if (m->ro.basemap && !m->basemap)
		m->ro.basemap_credit = "Made with Natural Earth";
	return 0;
}
