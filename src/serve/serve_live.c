/*
 * serve_live.c: the tracker `frontline serve` answers from, as it is on
 * disk.
 *
 * A loaded tracker with everything built from it (the fixed collections,
 * the caches of maps and pages) is one sv_server, reference-counted: the
 * live pointer holds one reference and every request one more for as long
 * as it runs, so a reload never frees what a request in flight reads (the
 * daemon answers from a pool of threads).
 *
 * At most once a second, a request compares the signature of the sources on
 * disk (fl_sources_signature: names, inodes, sizes, modification times)
 * with the one of the served tracker; when they differ it loads the tracker
 * again before it answers, so the first request after a `frontline record`
 * sees the new event.  Requests that arrive during a reload wait for it.
 * SIGHUP reloads whatever the signature (cmd_serve.c).  A tracker that fails
 * to load leaves the old one serving and the reason on stderr; that version
 * of the files is not tried again until they change once more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "serve.h"

static long long mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

static void take(sv_server *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_SEQ_CST);
}

void sv_live_put(sv_server *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	fl_tracker *t = s->t;
	sv_server_free(s);
	free(s);
	fl_tracker_free(t);
}

/* A server for t (which it owns from now on), with the latest map built so
 * that the first request is fast.  NULL with a message on failure. */
static sv_server *server_new(fl_tracker *t, const sv_files *files, const char *origin,
			     size_t cache_bytes, char *err, size_t errlen)
{
	sv_server *s = calloc(1, sizeof *s);
	if (!s) {
		fl_tracker_free(t);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->refs = 1;
	s->files = files;
	snprintf(s->origin, sizeof s->origin, "%s", origin);
	int status;
	sv_fset *warm = NULL;
	if (sv_server_init(s, t, cache_bytes, err, errlen) ||
	    !(warm = sv_control(s, fl_instant_now(), NULL, err, errlen, &status))) {
		sv_live_put(s);
		return NULL;
	}
	sv_fset_release(warm);
	return s;
}

int sv_live_init(sv_live *L, const char *path, fl_tracker *t, const sv_files *files,
		 size_t cache_bytes, char *err, size_t errlen)
{
	memset(L, 0, sizeof *L);
	L->cache_bytes = cache_bytes;
	pthread_mutex_init(&L->lock, NULL);
	pthread_mutex_init(&L->reload_lock, NULL);
	L->files = files;
	L->checked = mono_seconds();
	L->path = strdup(path);
	if (!L->path) {
		fl_tracker_free(t);
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	L->cur = server_new(t, files, "http://127.0.0.1", cache_bytes, err, errlen);
	return L->cur == NULL;
}

void sv_live_set_origin(sv_live *L, const char *origin)
{
	pthread_mutex_lock(&L->lock);
	snprintf(L->cur->origin, sizeof L->cur->origin, "%s", origin);
	pthread_mutex_unlock(&L->lock);
}

int sv_live_reload(sv_live *L, int force)
{
	/* only a reload replaces L->cur, and reloads take turns: old is alive
	 * (the live pointer's reference) until this one gives it up below */
	pthread_mutex_lock(&L->reload_lock);
	pthread_mutex_lock(&L->lock);
	L->reloading = 1;
	sv_server *old = L->cur;
	pthread_mutex_unlock(&L->lock);

	int rc = 0;
	sv_server *s = NULL;
	uint64_t sig = fl_sources_signature(L->path);
	int stale = sig != fl_tracker_sources_signature(old->t);
	int tried = L->has_failed && L->failed == sig;
	if (force || (stale && !tried)) {
		char err[1024];
		fl_tracker *t = NULL;
		if (fl_tracker_open(L->path, &t) != FL_OK)
			snprintf(err, sizeof err, "%s", fl_error_last());
		else
			s = server_new(t, L->files, old->origin, L->cache_bytes, err, sizeof err);
		pthread_mutex_lock(&L->lock);
		if (s) {
			L->cur = s;
			L->has_failed = 0;
		} else {
			L->has_failed = 1;
			L->failed = sig;
		}
		pthread_mutex_unlock(&L->lock);
		if (s) {
			fprintf(stderr, "frontline: serve: reloaded %s (%zu events)\n", L->path,
				fl_tracker_event_count(s->t));
		} else {
			fprintf(stderr,
				"frontline: serve: cannot reload %s, still serving the tracker read "
				"before: %s\n", L->path, err);
			rc = -1;
		}
		fflush(stderr);
	}
	pthread_mutex_lock(&L->lock);
	L->reloading = 0;
	pthread_mutex_unlock(&L->lock);
	if (s)
		sv_live_put(old); /* the live pointer's reference: requests in flight keep theirs */
	pthread_mutex_unlock(&L->reload_lock);
	return rc;
}

sv_server *sv_live_get(sv_live *L)
{
	long long now = mono_seconds();
	pthread_mutex_lock(&L->lock);
	int check = now != L->checked, busy = L->reloading;
	if (check)
		L->checked = now;
	sv_server *s = L->cur;
	take(s);
	pthread_mutex_unlock(&L->lock);
	int reload = 0;
	if (check) {
		uint64_t sig = fl_sources_signature(L->path);
		pthread_mutex_lock(&L->lock);
		reload = sig != fl_tracker_sources_signature(s->t) && !(L->has_failed && L->failed == sig);
		pthread_mutex_unlock(&L->lock);
	}
	if (!reload && !busy)
		return s;
	/* reload (or wait for the reload under way), then answer from the result */
	sv_live_put(s);
	if (reload) {
		sv_live_reload(L, 0);
	} else {
		pthread_mutex_lock(&L->reload_lock);
		pthread_mutex_unlock(&L->reload_lock);
	}
	pthread_mutex_lock(&L->lock);
	s = L->cur;
	take(s);
	pthread_mutex_unlock(&L->lock);
	return s;
}

void sv_live_free(sv_live *L)
{
	sv_live_put(L->cur);
	L->cur = NULL;
	free(L->path);
	pthread_mutex_destroy(&L->lock);
	pthread_mutex_destroy(&L->reload_lock);
}
