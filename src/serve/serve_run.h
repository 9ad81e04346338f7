/*
 * serve_run.h: the server module's one entry point, for the tool.
 *
 * libfrontline_serve (src/serve/) is OGC API - Features and the map viewer
 * over libmicrohttpd; the tool's `frontline serve` (src/cli/cmd_serve.c)
 * parses its options into an sv_config and calls sv_run(), which returns
 * when SIGINT or SIGTERM arrives.  The server writes its running log
 * ("listening on", reloads, stopping) to stderr; failures to start come back
 * as an sv_run_status with a message that names no option of the tool.
 */
#ifndef FL_SERVE_RUN_H
#define FL_SERVE_RUN_H
#include <stddef.h>
#include <frontline/frontline.h>

typedef struct sv_config {
	const char *bind;       /* an IPv4 or IPv6 address to listen on */
	unsigned port;          /* 0 picks a free one */
	const char *path;       /* the tracker's path: reloads open it again */
	size_t cache_bytes;     /* maps, diffs and prepared pages kept, at most (bytes) */
	/* Open the tracker, after libmicrohttpd is loaded; NULL when it cannot
	 * be opened (the callback has said why).  The server owns it from then on. */
	fl_tracker *(*open)(void *ctx);
	void *ctx;
	const char *viewer_dir; /* the viewer's files */
	const char *leaflet_dir;
	const char *vendor_dir;  /* protomaps-leaflet.js's, or NULL: not installed */
	const char *site_dir;    /* the static site's files (periods.js) */
	const char *basemap_dir; /* the base map's layers (NAME.fgb), NULL: none */
	/* A problem that does not stop the server (Leaflet is missing). */
	void (*warn)(void *ctx, const char *msg);
} sv_config;

typedef enum sv_run_status {
	SV_RUN_OK = 0,     /* stopped by SIGINT or SIGTERM */
	SV_RUN_EADDR,      /* bind is not an address */
	SV_RUN_EMHD,       /* libmicrohttpd cannot be loaded (err says why) */
	SV_RUN_EOPEN,      /* open() returned NULL */
	SV_RUN_EINIT,      /* the tracker cannot be served (err says why) */
	SV_RUN_ELISTEN     /* cannot listen on bind and port */
} sv_run_status;

/* Serve until SIGINT or SIGTERM (SIGHUP reloads the tracker); blocks those
 * signals in the calling thread. */
sv_run_status sv_run(const sv_config *c, char *err, size_t errlen);
#endif
