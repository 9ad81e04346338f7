/*
 * serve_http.c: the server on libmicrohttpd: the daemon, its requests and
 * the signals.
 *
 * What a request gets is decided in serve_routes.c; here an sv_request is
 * made from libmicrohttpd's connection and an sv_response turned into its
 * calls.  The daemon runs a pool of polling threads (one per CPU, at most
 * 16); connections, request size (headers and URL share the per-connection
 * memory pool) and idle time are bounded.  The service is read-only.
 * SIGINT or SIGTERM stops it cleanly; SIGHUP loads the tracker again
 * (serve_live.c, which also reloads it when its files change).
 * libmicrohttpd decodes the path and the query with our sp_unescape(), so
 * that a %00 is refused instead of cutting the text short.
 */
#include <arpa/inet.h>
#define FL__MHD_CALLS /* libmicrohttpd's functions through mhd_load.c */
#include "mhd_load.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "serve.h"
#include "serve_run.h"

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

/* Pages that are not prepared are sent as several buffers; without
 * TCP_NODELAY the last small segment can wait for a delayed ACK (40 ms
 * stalls at p99). */
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

static void release_page(void *cls)
{
	sv_page_release(cls);
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
	if (rs.page) {
		/* a prepared page: sent with the headers in one write, as it is */
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			rs.page->len, rs.page->data, release_page, rs.page);
		if (r)
			rs.page = NULL; /* the reference is MHD's, released by release_page */
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
	if (rs.cache[0])
		MHD_add_response_header(r, "X-Frontline-Cache", rs.cache);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs.status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The listening address of bind and port; 0, or -1 when bind is not an address. */
typedef struct sv_addr {
	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
	struct sockaddr *sa;
	int v6;
} sv_addr;

static int parse_addr(const char *bind, unsigned port, sv_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, bind, &a->sa4.sin_addr) == 1) {
		a->sa4.sin_family = AF_INET;
		a->sa4.sin_port = htons((uint16_t)port);
		a->sa = (struct sockaddr *)&a->sa4;
	} else if (inet_pton(AF_INET6, bind, &a->sa6.sin6_addr) == 1) {
		a->sa6.sin6_family = AF_INET6;
		a->sa6.sin6_port = htons((uint16_t)port);
		a->sa = (struct sockaddr *)&a->sa6;
		a->v6 = 1;
	} else {
		return -1;
	}
	return 0;
}

static struct MHD_Daemon *start(const sv_addr *a, unsigned port, sv_live *live)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (a->v6 ? MHD_USE_IPv6 : 0);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = ncpu < 2 ? 2 : ncpu > 16 ? 16 : (unsigned)ncpu;
	return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, live,
				MHD_OPTION_SOCK_ADDR, a->sa,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				MHD_OPTION_END);
}

/* Wait for signals: SIGHUP reloads, SIGINT or SIGTERM returns. */
static void wait_signals(const sigset_t *set, sv_live *live, const char *path)
{
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			fprintf(stderr, "frontline: SIGHUP: reloading %s\n", path);
			fflush(stderr);
			sv_live_reload(live, 1);
			continue;
		}
		fprintf(stderr, "frontline: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
		return;
	}
}

sv_run_status sv_run(const sv_config *c, char *err, size_t errlen)
{
	sv_addr a;
	if (parse_addr(c->bind, c->port, &a))
		return SV_RUN_EADDR;
	if (sv_mhd_load(err, errlen))
		return SV_RUN_EMHD;
	fl_tracker *t = c->open(c->ctx);
	if (!t)
		return SV_RUN_EOPEN;
	sv_run_status rc = SV_RUN_EINIT;
	struct MHD_Daemon *d = NULL;
	sv_files files = {0};
	sv_live live;
	sv_dirs dirs = {c->viewer_dir, c->leaflet_dir, c->vendor_dir, c->site_dir};
	if (sv_static_load(&files, &dirs, err, errlen) && c->warn)
		c->warn(c->ctx, err);
	files.basemap_dir = c->basemap_dir;
	if (sv_live_init(&live, c->path, t, &files, c->cache_bytes, err, errlen))
		goto out;

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	d = start(&a, c->port, &live);
	if (!d) {
		rc = SV_RUN_ELISTEN;
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned bound = info ? info->port : c->port;
	char origin[160];
	snprintf(origin, sizeof origin, "http://%s%s%s:%u", a.v6 ? "[" : "", c->bind,
		 a.v6 ? "]" : "", bound);
	sv_live_set_origin(&live, origin);
	fprintf(stderr, "frontline: listening on %s (viewer: %s/viewer)\n", origin, origin);
	fflush(stderr);
	wait_signals(&set, &live, c->path);
	rc = SV_RUN_OK;
out:
	if (d)
		MHD_stop_daemon(d);
	if (live.path)
		sv_live_free(&live);
	sv_static_free(&files);
	return rc;
}
