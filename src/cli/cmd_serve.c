/*
 * cmd_serve.c: `frontline serve`: the tracker over OGC API - Features, and a
 * map viewer, on libmicrohttpd.
 *
 * This file is the HTTP glue: options, the daemon, signals.  What a request
 * gets is decided in serve_routes.c.  The daemon runs a pool of polling
 * threads (one per CPU, at most 16); connections, request size (headers and
 * URL share the per-connection memory pool) and idle time are bounded.  The
 * service is read-only and listens on the loopback address unless --bind
 * says otherwise.  SIGINT or SIGTERM stops it cleanly; SIGHUP loads the
 * tracker again (serve_live.c, which also reloads it when its files change).
 * libmicrohttpd decodes the path and the query with our sp_unescape(), so
 * that a %00 is refused instead of cutting the text short.
 */
#include <arpa/inet.h>
#include <getopt.h>
#define FL__MHD_CALLS /* libmicrohttpd's functions through mhd_load.c */
#include "mhd_load.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "fl_config.h"
#include "serve.h"

static const char help[] =
	"usage: frontline [-d PATH] serve [--bind ADDR] [--port N]\n"
	"\n"
	"Serve the tracker over OGC API - Features (GeoJSON and HTML) with a map viewer.\n"
	"\n"
	"  --bind ADDR   address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)\n"
	"  --port N      port (default 8080; 0 picks a free one)\n"
	"\n"
	"Collections: control (datetime=D, the map at an instant), changes (datetime=D1/D2),\n"
	"events, regions, zones.  The viewer is at /viewer.  Prints 'listening on URL' to\n"
	"stderr when ready; SIGINT or SIGTERM stops it.  Answers from the tracker as it is\n"
	"on disk: a change of its files (frontline record) is seen by the next request\n"
	"(checked at most once a second); SIGHUP reloads it.  A tracker that fails to load\n"
	"leaves the previous one serving (the reason is printed to stderr).\n";

#define MAX_ARGS 32

typedef struct arg_ctx {
	sv_arg args[MAX_ARGS];
	size_t n;
	int overflow;
} arg_ctx;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	arg_ctx *a = cls;
	if (a->n == MAX_ARGS) {
		a->overflow = 1;
		return MHD_NO;
	}
	a->args[a->n++] = (sv_arg){key, value};
	return MHD_YES;
}

/* Pages are sent as several buffers; without TCP_NODELAY the last small
 * segment can wait for a delayed ACK (40 ms stalls at p99). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	int one = 1;
	if (ci)
		setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* libmicrohttpd's unescape callback, for the path and every query key and value. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return sp_unescape(s);
}

static void free_response(void *cls)
{
	sv_response *rs = cls;
	sv_response_free(rs);
	free(rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload;
	sv_live *live = cls;
	static int marker;
	/* A response queued on the first call (headers only) makes libmicrohttpd
	 * discard the rest of the request and close the connection.  A GET or
	 * HEAD without a body is answered on the second call instead, so that the
	 * connection is kept alive; a request with a body (or another method) is
	 * answered at once, without reading the body, and the connection closed. */
	if (!*con_cls) {
		*con_cls = &marker;
		int body = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strcmp(cl, "0") != 0)
			body = 1;
		if (!body && (!strcmp(method, "GET") || !strcmp(method, "HEAD")))
			return MHD_YES;
	}
	*upload_size = 0;
	arg_ctx a = {0};
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
	sv_request rq = {method, url,
			 MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
			 MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
			 a.args, a.n};
	sv_response rs;
	if (a.overflow) {
		static const char body[] = "{\"code\":\"InvalidParameterValue\",\"description\":"
					   "\"too many query parameters\"}";
		rs = (sv_response){.status = 400, .type = "application/json",
				   .body = (unsigned char *)body, .len = sizeof body - 1};
	} else {
		/* the tracker as it is now; the response holds nothing of the server
		 * (feature sets and page files are counted on their own) */
		sv_server *s = sv_live_get(live);
		sv_handle(s, &rq, &rs);
		sv_live_put(s);
	}
	struct MHD_Response *r = NULL;
	if (rs.has_fd) {
		/* a whole page in a file of its own: sendfile(), closed by MHD */
		r = MHD_create_response_from_fd64(rs.len, rs.fd);
		if (r)
			rs.has_fd = 0;
	} else if (rs.nslices || rs.hold) {
		/* head, slices of cached feature bytes, tail: sent without copying */
		sv_response *keep = malloc(sizeof *keep);
		struct MHD_IoVec *iov = malloc((rs.nslices + 2) * sizeof *iov);
		if (keep && iov) {
			unsigned n = 0;
			iov[n++] = (struct MHD_IoVec){rs.body, rs.len};
			for (size_t i = 0; i < rs.nslices; i++)
				iov[n++] = (struct MHD_IoVec){rs.slices[i].p, rs.slices[i].n};
			if (rs.tail)
				iov[n++] = (struct MHD_IoVec){rs.tail, strlen(rs.tail)};
			*keep = rs;
			r = MHD_create_response_from_iovec(iov, n, free_response, keep);
			if (!r)
				free(keep);
		} else {
			free(keep);
		}
		free(iov); /* MHD keeps its own copy of the vector */
	} else {
		r = MHD_create_response_from_buffer(
			rs.len, rs.body, rs.owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (r)
			rs.owned = 0; /* MHD frees it */
	}
	if (!r) {
		sv_response_free(&rs);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs.type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (rs.allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs.allow);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs.status, r);
	MHD_destroy_response(r);
	return ret;
}

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int cmd_serve(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {{"bind", required_argument, NULL, 'b'},
					     {"port", required_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *bind = "127.0.0.1";
	long port = 8080;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bind = optarg; break;
		case 'p': {
			char *end;
			port = strtol(optarg, &end, 10);
			if (!*optarg || *end || port < 0 || port > 65535)
				return cli_usage_error("serve", "--port %s: expected 0 to 65535", optarg);
			break;
		}
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage_error("serve", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);

	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	memset(&sa4, 0, sizeof sa4);
	memset(&sa6, 0, sizeof sa6);
	if (inet_pton(AF_INET, bind, &sa4.sin_addr) == 1) {
		sa4.sin_family = AF_INET;
		sa4.sin_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&sa4;
	} else if (inet_pton(AF_INET6, bind, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&sa6;
		flags |= MHD_USE_IPv6;
	} else {
		return cli_usage_error("serve", "--bind %s: expected an IPv4 or IPv6 address", bind);
	}

	char err[1024];
	if (cli_mhd_load(err, sizeof err)) {
		cli_error("serve: %s", err);
		return 1;
	}
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	int rc = 1;
	struct MHD_Daemon *d = NULL;
	sv_files files = {0};
	sv_live live;
	const char *viewer = FL_VIEWER_SOURCE;
	if (!is_dir(viewer))
		viewer = FL_VIEWER_INSTALLED;
	if (sv_static_load(&files, viewer, FL_LEAFLET_DIR, err, sizeof err))
		cli_error("serve: warning: %s", err);
	if (sv_live_init(&live, cli_tracker_path(g), t, &files, err, sizeof err)) {
		cli_error("serve: %s", err);
		goto out;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = ncpu < 2 ? 2 : ncpu > 16 ? 16 : (unsigned)ncpu;
	d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, &live,
			     MHD_OPTION_SOCK_ADDR, sa,
			     MHD_OPTION_THREAD_POOL_SIZE, threads,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
			     MHD_OPTION_END);
	if (!d) {
		cli_error("serve: cannot listen on %s port %ld (in use, or not an address of this "
			  "machine?)", bind, port);
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned bound = info ? info->port : (unsigned)port;
	int v6 = sa == (struct sockaddr *)&sa6;
	char origin[160];
	snprintf(origin, sizeof origin, "http://%s%s%s:%u", v6 ? "[" : "", bind, v6 ? "]" : "",
		 bound);
	sv_live_set_origin(&live, origin);
	fprintf(stderr, "frontline: listening on %s (viewer: %s/viewer)\n", origin, origin);
	fflush(stderr);
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			fprintf(stderr, "frontline: SIGHUP: reloading %s\n", cli_tracker_path(g));
			fflush(stderr);
			sv_live_reload(&live, 1);
			continue;
		}
		fprintf(stderr, "frontline: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
		break;
	}
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (live.path)
		sv_live_free(&live);
	sv_static_free(&files);
	return rc;
}
