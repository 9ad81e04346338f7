/*
 * cmd_serve.c: `frontline serve`: the tracker over OGC API - Features, and a
 * map viewer.
 *
 * The server is a module of its own (src/serve/, libfrontline_serve); this
 * adapter parses the options into an sv_config, calls sv_run() and turns
 * its failures into messages and the exit status.  It listens on the
 * loopback address unless --bind says otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "options.h"
#include "fl_config.h"
#include "serve_run.h"

static const char help[] =
	"usage: frontline [-d PATH] serve [--bind ADDR] [--port N] [--cache-size SIZE]\n"
	"\n"
	"Serve the tracker over OGC API - Features (GeoJSON and HTML) with a map viewer.\n"
	"\n"
	"  --bind ADDR        address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)\n"
	"  --port N           port (default 8080; 0 picks a free one)\n"
	"  --cache-size SIZE  memory for the maps, diffs and pages kept between requests\n"
	"                     (default 256M; bytes, or K, M, G for KiB, MiB, GiB; 0 keeps none)\n"
	"\n"
	"Collections: control (datetime=D, the map at an instant), changes (datetime=D1/D2),\n"
	"events, regions, zones, and places (datetime=D) when the tracker has places.geojson.\n"
	"The viewer is at /viewer (its base map, Natural Earth, at\n"
	"/basemap).  Vector tiles of the whole history (OGC API - Tiles) at\n"
	"/collections/control/tiles/WebMercatorQuad/{z}/{y}/{x} (datetime=D: the map at D).\n"
	"Prints 'listening on URL' to stderr when ready; SIGINT or SIGTERM stops\n"
	"it.  Answers from the tracker as it is on disk: a change of its files (frontline\n"
	"record) is seen by the next request (checked at most once a second); SIGHUP reloads\n"
	"it.  A tracker that fails to load leaves the previous one serving (the reason is\n"
	"printed to stderr).\n";

#define DEFAULT_CACHE ((size_t)256 << 20)

/* "1048576", "512K", "256M", "1G" (also "256MiB"); -1 when it is not a size. */
static int parse_size(const char *text, size_t *out)
{
	char *end;
	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift && (!strcmp(end + 1, "iB") || !strcmp(end + 1, "B")))
		end += strlen(end) - 1;
	if (shift)
		end++;
	if (errno || *end || v > (SIZE_MAX >> shift))
		return -1;
	*out = (size_t)v << shift;
	return 0;
}

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static fl_tracker *open_tracker(void *ctx)
{
	return cli_open_tracker(ctx);
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	cli_error("serve: warning: %s", msg);
}

int cmd_serve(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"bind", required_argument, NULL, 'b'},
					    {"port", required_argument, NULL, 'p'},
					    {"cache-size", required_argument, NULL, 'c'},
					    {NULL, 0, NULL, 0}};
	const char *bind = "127.0.0.1";
	long port = 8080;
	size_t cache = DEFAULT_CACHE;
	cli_opts o;
	int c;
	cli_opts_init(&o, "serve", help, 0, own, "", 0, argc, argv);
	while ((c = cli_opts_next(&o)) > 0) {
		if (c == 'b') {
			bind = optarg;
		} else if (c == 'p') {
			char *end;
			port = strtol(optarg, &end, 10);
			if (!*optarg || *end || port < 0 || port > 65535)
				return cli_usage_error("serve", "--port %s: expected 0 to 65535", optarg);
		} else if (c == 'c') {
			if (parse_size(optarg, &cache))
				return cli_usage_error("serve",
						       "--cache-size %s: expected a size in bytes, or "
						       "with K, M or G (KiB, MiB, GiB), such as 256M",
						       optarg);
		}
	}
	if (c == CLI_STOP)
		return o.rc;

	sv_config cfg = {.bind = bind, .port = (unsigned)port, .path = cli_tracker_path(g),
			 .cache_bytes = cache,
			 .open = open_tracker, .ctx = (void *)g, .leaflet_dir = FL_LEAFLET_DIR,
			 .warn = warn};
	cfg.viewer_dir = is_dir(FL_VIEWER_SOURCE) ? FL_VIEWER_SOURCE : FL_VIEWER_INSTALLED;
	cfg.site_dir = is_dir(FL_SITE_SOURCE) ? FL_SITE_SOURCE : FL_SITE_INSTALLED;
	/* protomaps-leaflet, for the viewer's tile path: npm's copy in the source
	 * tree (scripts/setup.sh), else the installed one, else none */
	cfg.vendor_dir = is_dir(FL_SITE_SOURCE "/vendor/node_modules/protomaps-leaflet/dist")
				 ? FL_SITE_SOURCE "/vendor/node_modules/protomaps-leaflet/dist"
			 : is_dir(FL_SITE_INSTALLED "/protomaps-leaflet") ? FL_SITE_INSTALLED
									       "/protomaps-leaflet"
									     : NULL;
	/* the base map render draws: the source tree's, else the installed one */
	cfg.basemap_dir = is_dir(FL_GEODATA_SOURCE "/basemap") ? FL_GEODATA_SOURCE "/basemap"
			  : is_dir(FL_GEODATA_INSTALLED "/basemap") ? FL_GEODATA_INSTALLED "/basemap"
								    : NULL;
	char err[1024];
	switch (sv_run(&cfg, err, sizeof err)) {
	case SV_RUN_OK: return 0;
	case SV_RUN_EADDR:
		return cli_usage_error("serve", "--bind %s: expected an IPv4 or IPv6 address", bind);
	case SV_RUN_ELISTEN:
		cli_error("serve: cannot listen on %s port %ld (in use, or not an address of this "
			  "machine?)", bind, port);
		return 1;
	case SV_RUN_EOPEN: return 1;
	case SV_RUN_EMHD:
	case SV_RUN_EINIT: break;
	}
	cli_error("serve: %s", err);
	return 1;
}
