/*
 * serve_data.c: what `frontline serve` serves, as feature sets.
 *
 * The library writes a snapshot, a diff or a tracker layer as RFC 7946
 * GeoJSON (through GDAL, exactly what `frontline snapshot` prints); here the
 * document is cut into its features once, each kept as serialized bytes with
 * its id, envelope and temporal extent.  A response is then a filter over the
 * set and a concatenation of bytes: no geometry work and no library call per
 * request.
 *
 * Snapshots and diffs are cached (LRU, SV_CACHE_SIZE entries) under a key
 * that is the number of events applied at each instant: two instants with no
 * event between them give the same map, so a viewer scrubbing day by day
 * through a quiet month hits one entry.
 *
 * Whole GeoJSON pages are cached too (LRU, SV_PAGE_CACHE entries), each as
 * an anonymous file (memfd) that libmicrohttpd sends with sendfile(), as a
 * static file server would: the bytes are not copied from user space per
 * request.  The key is the set and the page's head without its timeStamp;
 * the file is rewritten when the second of the timeStamp changes, so a page
 * says the second it was served in, as when it was assembled per request.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* memfd_create */ // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the feature-test macro glibc asks for
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include "serve.h"

void sv_buf_add(sv_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void sv_buf_str(sv_buf *b, const char *s)
{
	sv_buf_add(b, s, strlen(s));
}

void sv_buf_url(sv_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    strchr("-._~,:", c))
			sv_buf_add(b, (const char *)&c, 1);
		else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			sv_buf_add(b, e, 3);
		}
	}
}

void sv_buf_printf(sv_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sv_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sv_buf_add(b, big, (size_t)n);
	free(big);
}

/* ------------------------------------------------------------ feature sets */
static void envelope(json_object *coords, double env[4], int *has)
{
	if (!json_object_is_type(coords, json_type_array))
		return;
	size_t n = json_object_array_length(coords);
	json_object *first = n ? json_object_array_get_idx(coords, 0) : NULL;
	if (n >= 2 && !json_object_is_type(first, json_type_array)) { /* a position */
		double x = json_object_get_double(first);
		double y = json_object_get_double(json_object_array_get_idx(coords, 1));
		if (!*has) {
			env[0] = env[2] = x;
			env[1] = env[3] = y;
			*has = 1;
		}
		env[0] = x < env[0] ? x : env[0];
		env[1] = y < env[1] ? y : env[1];
		env[2] = x > env[2] ? x : env[2];
		env[3] = y > env[3] ? y : env[3];
		return;
	}
	for (size_t i = 0; i < n; i++)
		envelope(json_object_array_get_idx(coords, i), env, has);
}

static void geometry_envelope(json_object *g, double env[4], int *has)
{
	json_object *c, *gs;
	if (json_object_object_get_ex(g, "coordinates", &c))
		envelope(c, env, has);
	else if (json_object_object_get_ex(g, "geometries", &gs))
		for (size_t i = 0; i < json_object_array_length(gs); i++)
			geometry_envelope(json_object_array_get_idx(gs, i), env, has);
}

static const char *prop_str(json_object *props, const char *name)
{
	json_object *v;
	if (!json_object_object_get_ex(props, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static fl_instant prop_instant(json_object *props, const char *name, fl_date_side side,
			       fl_instant dflt)
{
	const char *s = prop_str(props, name);
	fl_instant t;
	if (!s || fl_instant_parse(s, side, name, &t) != FL_OK) {
		fl_error_clear();
		return dflt;
	}
	return t;
}

void sv_fset_retain(sv_fset *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_SEQ_CST);
}

void sv_fset_release(sv_fset *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].id);
		free(f->v[i].json);
	}
	if (f->geoms) {
		for (size_t i = 0; i < f->n; i++)
			if (f->geoms[i])
				GEOSGeom_destroy_r(f->geos, f->geoms[i]);
		free(f->geoms);
	}
	if (f->geos)
		GEOS_finish_r(f->geos);
	pthread_mutex_destroy(&f->geo_lock);
	free(f->v);
	free(f->all);
	free(f->pos);
	free(f);
}

/* ----------------------------------------------------------------- bbox */
static GEOSGeometry *rect(GEOSContextHandle_t h, double x0, double y0, double x1, double y1)
{
	const double xs[5] = {x0, x1, x1, x0, x0}, ys[5] = {y0, y0, y1, y1, y0};
	GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 5, 2);
	if (!cs)
		return NULL;
	for (unsigned i = 0; i < 5; i++)
		if (!GEOSCoordSeq_setXY_r(h, cs, i, xs[i], ys[i])) {
			GEOSCoordSeq_destroy_r(h, cs);
			return NULL;
		}
	GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, cs); /* takes cs */
	return ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0) : NULL;
}

/* The query box as a GEOS geometry: two boxes across the antimeridian. */
static GEOSGeometry *query_geom(GEOSContextHandle_t h, const sp_bbox *bb)
{
	if (bb->minx <= bb->maxx)
		return rect(h, bb->minx, bb->miny, bb->maxx, bb->maxy);
	GEOSGeometry *parts[2] = {rect(h, bb->minx, bb->miny, 180, bb->maxy),
				  rect(h, -180, bb->miny, bb->maxx, bb->maxy)};
	if (parts[0] && parts[1]) {
		GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
		if (m)
			return m;
	}
	if (parts[0])
		GEOSGeom_destroy_r(h, parts[0]);
	if (parts[1])
		GEOSGeom_destroy_r(h, parts[1]);
	return NULL;
}

int sv_fset_bbox(sv_fset *f, const sp_bbox *bb, unsigned char *keep, char *err, size_t errlen)
{
	size_t exact = 0;
	for (size_t i = 0; i < f->n; i++) {
		const sv_feature *ft = &f->v[i];
		keep[i] = ft->has_env && sp_bbox_intersects(bb, ft->env);
		int inside = bb->minx <= bb->maxx && ft->env[0] >= bb->minx &&
			     ft->env[2] <= bb->maxx && ft->env[1] >= bb->miny && ft->env[3] <= bb->maxy;
		if (keep[i] && !inside) {
			keep[i] = 2; /* the envelope meets the box: the geometry decides */
			exact++;
		}
	}
	if (!exact)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&f->geo_lock);
	if (!f->geos)
		f->geos = GEOS_init_r();
	if (f->geos && !f->geoms)
		f->geoms = calloc(f->n ? f->n : 1, sizeof *f->geoms);
	GEOSContextHandle_t h = f->geos;
	GEOSGeometry *q = f->geoms ? query_geom(h, bb) : NULL;
	const GEOSPreparedGeometry *pq = q ? GEOSPrepare_r(h, q) : NULL;
	GEOSGeoJSONReader *rd = pq ? GEOSGeoJSONReader_create_r(h) : NULL;
	if (!rd) {
		snprintf(err, errlen, "bbox: out of memory");
		rc = -1;
	}
	for (size_t i = 0; i < f->n && !rc; i++) {
		if (keep[i] != 2)
			continue;
		if (!f->geoms[i])
			f->geoms[i] = GEOSGeoJSONReader_readGeometry_r(h, rd, f->v[i].json);
		int r = f->geoms[i] ? GEOSPreparedIntersects_r(h, pq, f->geoms[i]) : 2;
		if (r == 2) {
			snprintf(err, errlen, "bbox: the geometry of feature '%s' could not be tested",
				 f->v[i].id);
			rc = -1;
		}
		keep[i] = r == 1;
	}
	if (rd)
		GEOSGeoJSONReader_destroy_r(h, rd);
	if (pq)
		GEOSPreparedGeom_destroy_r(h, pq);
	if (q)
		GEOSGeom_destroy_r(h, q);
	pthread_mutex_unlock(&f->geo_lock);
	return rc;
}

static int id_taken(const sv_fset *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return 1;
	return 0;
}

sv_fset *sv_fset_parse(const char *geojson, size_t len, const char *idprop, sv_temporal tk,
		       char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *doc = tok ? json_tokener_parse_ex(tok, geojson, (int)len) : NULL;
	if (tok)
		json_tokener_free(tok);
	json_object *features;
	if (!doc || !json_object_object_get_ex(doc, "features", &features) ||
	    !json_object_is_type(features, json_type_array)) {
		snprintf(err, errlen, "the library's GeoJSON could not be read");
		json_object_put(doc);
		return NULL;
	}
	size_t n = json_object_array_length(features);
	sv_fset *f = calloc(1, sizeof *f);
	if (!f || !(f->v = calloc(n ? n : 1, sizeof *f->v))) {
		free(f);
		json_object_put(doc);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->refs = 1;
	pthread_mutex_init(&f->geo_lock, NULL);
	static unsigned long long uids;
	f->uid = __atomic_add_fetch(&uids, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < n; i++) {
		json_object *ft = json_object_array_get_idx(features, i), *props = NULL, *geom = NULL;
		json_object_object_get_ex(ft, "properties", &props);
		json_object_object_get_ex(ft, "geometry", &geom);
		sv_feature *o = &f->v[f->n];
		const char *base = props ? prop_str(props, idprop) : NULL;
		char idbuf[512];
		snprintf(idbuf, sizeof idbuf, "%s", base ? base : "feature");
		for (int k = 2; id_taken(f, idbuf); k++)
			snprintf(idbuf, sizeof idbuf, "%s~%d", base ? base : "feature", k);
		o->id = strdup(idbuf);
		if (geom)
			geometry_envelope(geom, o->env, &o->has_env);
		o->t0 = INT64_MIN;
		o->t1 = INT64_MAX;
		if (tk == SV_T_WHEN && props)
			o->t0 = o->t1 = prop_instant(props, "when", FL_DATE_START, 0);
		else if (tk == SV_T_VALIDITY && props) {
			o->t0 = prop_instant(props, "valid_from", FL_DATE_START, INT64_MIN);
			o->t1 = prop_instant(props, "valid_to", FL_DATE_END, INT64_MAX);
		}
		/* "id" first, as GeoJSON readers print it */
		json_object *out = json_object_new_object();
		json_object_object_add(out, "type", json_object_new_string("Feature"));
		json_object_object_add(out, "id", json_object_new_string(idbuf));
		json_object_object_add(out, "properties", json_object_get(props));
		json_object_object_add(out, "geometry", json_object_get(geom));
		size_t jl = 0;
		const char *js = json_object_to_json_string_length(
			out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &jl);
		o->json = js ? malloc(jl + 1) : NULL;
		if (o->json) {
			memcpy(o->json, js, jl + 1);
			o->len = jl;
		}
		json_object_put(out);
		f->n++;
		if (!o->id || !o->json) {
			sv_fset_release(f);
			json_object_put(doc);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	}
	json_object_put(doc);
	/* the joined bytes that pages are sliced from */
	size_t total = 1;
	for (size_t i = 0; i < f->n; i++)
		total += f->v[i].len + 1;
	f->all = malloc(total);
	f->pos = malloc((f->n ? f->n : 1) * sizeof *f->pos);
	if (!f->all || !f->pos) {
		sv_fset_release(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	size_t at = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			f->all[at++] = ',';
		f->pos[i] = at;
		memcpy(f->all + at, f->v[i].json, f->v[i].len);
		at += f->v[i].len;
	}
	f->all[at] = 0;
	return f;
}

/* ------------------------------------------------------------------ server */
static int cmp_instant(const void *a, const void *b)
{
	fl_instant x = *(const fl_instant *)a, y = *(const fl_instant *)b;
	return x < y ? -1 : x > y;
}

static sv_fset *layer(fl_tracker *t, const char *name, const char *idprop, sv_temporal tk,
		      char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	if (fl_tracker_write_layer_buffer(t, name, NULL, &buf, &len) != FL_OK) {
		snprintf(err, errlen, "%s: %s", name, fl_error_last());
		return NULL;
	}
	sv_fset *f = sv_fset_parse((const char *)buf, len, idprop, tk, err, errlen);
	fl_free(buf);
	return f;
}

int sv_server_init(sv_server *s, fl_tracker *t, char *err, size_t errlen)
{
	s->t = t;
	pthread_mutex_init(&s->lib_lock, NULL);
	pthread_mutex_init(&s->cache_lock, NULL);
	pthread_mutex_init(&s->page_lock, NULL);
	s->nwhen = fl_tracker_event_count(t);
	s->when = malloc((s->nwhen ? s->nwhen : 1) * sizeof *s->when);
	if (!s->when) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->nwhen; i++)
		s->when[i] = fl_tracker_event_at(t, i)->when;
	qsort(s->when, s->nwhen, sizeof *s->when, cmp_instant);
	if (!(s->fixed[SV_REGIONS] = layer(t, "regions", "id", SV_T_NONE, err, errlen)) ||
	    !(s->fixed[SV_ZONES] = layer(t, "zones", "id", SV_T_VALIDITY, err, errlen)) ||
	    !(s->fixed[SV_EVENTS] = layer(t, "events", "id", SV_T_WHEN, err, errlen)))
		return 1;
	int has = 0;
	const sv_fset *r = s->fixed[SV_REGIONS];
	for (size_t i = 0; i < r->n; i++) {
		if (!r->v[i].has_env)
			continue;
		const double *e = r->v[i].env;
		if (!has) {
			memcpy(s->extent, e, sizeof s->extent);
			has = 1;
		}
		s->extent[0] = e[0] < s->extent[0] ? e[0] : s->extent[0];
		s->extent[1] = e[1] < s->extent[1] ? e[1] : s->extent[1];
		s->extent[2] = e[2] > s->extent[2] ? e[2] : s->extent[2];
		s->extent[3] = e[3] > s->extent[3] ? e[3] : s->extent[3];
	}
	if (!has) {
		s->extent[0] = -180, s->extent[1] = -90, s->extent[2] = 180, s->extent[3] = 90;
	}
	s->actors = json_object_new_array();
	for (size_t i = 0; i < fl_tracker_actor_count(t); i++) {
		const fl_actor *a = fl_tracker_actor_at(t, i);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(a->id));
		json_object_object_add(o, "name", json_object_new_string(a->name));
		json_object_object_add(o, "color", json_object_new_string(a->color));
		json_object_object_add(o, "kind", json_object_new_string(a->kind));
		json_object_array_add(s->actors, o);
	}
	return 0;
}

void sv_server_free(sv_server *s)
{
	for (int i = 0; i < SV_NCOLL; i++)
		sv_fset_release(s->fixed[i]);
	for (int i = 0; i < SV_CACHE_SIZE; i++)
		if (s->cache[i].used)
			sv_fset_release(s->cache[i].fs);
	for (int i = 0; i < SV_PAGE_CACHE; i++)
		if (s->pages[i].set) {
			close(s->pages[i].fd);
			free(s->pages[i].key);
		}
	pthread_mutex_destroy(&s->page_lock);
	free(s->when);
	json_object_put(s->actors);
	pthread_mutex_destroy(&s->lib_lock);
	pthread_mutex_destroy(&s->cache_lock);
}

/* Number of events with instant <= at. */
static size_t applied(const sv_server *s, fl_instant at)
{
	size_t lo = 0, hi = s->nwhen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->when[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static sv_fset *cache_get(sv_server *s, sv_coll c, size_t k1, size_t k2)
{
	sv_fset *f = NULL;
	pthread_mutex_lock(&s->cache_lock);
	for (int i = 0; i < SV_CACHE_SIZE && !f; i++)
		if (s->cache[i].used && s->cache[i].coll == c && s->cache[i].k1 == k1 &&
		    s->cache[i].k2 == k2) {
			f = s->cache[i].fs;
			sv_fset_retain(f);
			s->cache[i].tick = ++s->tick;
		}
	pthread_mutex_unlock(&s->cache_lock);
	return f;
}

static void cache_put(sv_server *s, sv_coll c, size_t k1, size_t k2, sv_fset *f)
{
	pthread_mutex_lock(&s->cache_lock);
	int slot = 0;
	for (int i = 0; i < SV_CACHE_SIZE; i++) {
		if (!s->cache[i].used) {
			slot = i;
			break;
		}
		if (s->cache[i].tick < s->cache[slot].tick)
			slot = i;
	}
	if (s->cache[slot].used)
		sv_fset_release(s->cache[slot].fs); /* in-flight responses keep their reference */
	sv_fset_retain(f);
	s->cache[slot].used = 1;
	s->cache[slot].coll = c;
	s->cache[slot].k1 = k1;
	s->cache[slot].k2 = k2;
	s->cache[slot].fs = f;
	s->cache[slot].tick = ++s->tick;
	s->builds++;
	pthread_mutex_unlock(&s->cache_lock);
}

static sv_fset *compute(sv_server *s, sv_coll c, fl_instant t1, fl_instant t2, size_t k1,
			size_t k2, char *err, size_t errlen, int *status)
{
	sv_fset *f = cache_get(s, c, k1, k2);
	if (f)
		return f;
	pthread_mutex_lock(&s->lib_lock);
	f = cache_get(s, c, k1, k2); /* built by another thread meanwhile? */
	if (!f) {
		unsigned char *buf = NULL;
		size_t len = 0;
		fl_status st;
		fl_query q = fl_query_at(t2);
		if (c == SV_CONTROL) {
			fl_snapshot *snap = NULL;
			st = fl_snapshot_new(s->t, &q, FL_BY_REGION, &snap);
			if (!st)
				st = fl_snapshot_write_buffer(snap, NULL, &buf, &len);
			fl_snapshot_free(snap);
		} else {
			fl_diff *d = NULL;
			st = fl_diff_new(s->t, &q, t1, t2, FL_BY_REGION, &d);
			if (!st)
				st = fl_diff_write_buffer(d, NULL, &buf, &len);
			fl_diff_free(d);
		}
		if (st) {
			snprintf(err, errlen, "%s", fl_error_last());
			*status = st == FL_EARG ? 400 : 500;
		} else {
			f = sv_fset_parse((const char *)buf, len, "region", SV_T_NONE, err, errlen);
			*status = 500;
			if (f) {
				cache_put(s, c, k1, k2, f);
			}
		}
		fl_free(buf);
	}
	pthread_mutex_unlock(&s->lib_lock);
	return f;
}

sv_fset *sv_control(sv_server *s, fl_instant at, char *err, size_t errlen, int *status)
{
	size_t k = applied(s, at);
	return compute(s, SV_CONTROL, at, at, k, k, err, errlen, status);
}

sv_fset *sv_changes(sv_server *s, fl_instant t1, fl_instant t2, char *err, size_t errlen,
		    int *status)
{
	if (t1 > t2) {
		snprintf(err, errlen, "the interval ends before it starts");
		*status = 400;
		return NULL;
	}
	return compute(s, SV_CHANGES, t1, t2, applied(s, t1), applied(s, t2), err, errlen, status);
}

/* ------------------------------------------------------------------ pages */
void sv_response_free(sv_response *rs)
{
	if (rs->owned)
		free(rs->body);
	free(rs->slices);
	sv_fset_release(rs->hold);
	if (rs->has_fd)
		close(rs->fd);
	memset(rs, 0, sizeof *rs);
}

/* Write the iovecs to fd; 0 on success. */
static int write_all(int fd, struct iovec *v, int n)
{
	while (n > 0) {
		int k = n < 64 ? n : 64; /* well under IOV_MAX */
		ssize_t w = writev(fd, v, k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (k > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++, n--, k--;
		}
		if (k > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int sv_page_fd(sv_server *s, unsigned long long set, const char *pre, size_t npre,
	       const char *post, size_t npost, fl_instant stamp, const sv_slice *sl,
	       size_t ns, const char *tail, size_t *len)
{
#if defined(__linux__) && defined(MFD_CLOEXEC)
	size_t keylen = npre + 1 + npost;
	int fd = -1;
	pthread_mutex_lock(&s->page_lock);
	for (int i = 0; i < SV_PAGE_CACHE; i++) {
		sv_page *p = &s->pages[i];
		if (p->set == set && p->stamp == stamp && p->keylen == keylen &&
		    !memcmp(p->key, pre, npre) && !memcmp(p->key + npre + 1, post, npost)) {
			fd = dup(p->fd);
			*len = p->len;
			p->tick = ++s->page_tick;
			break;
		}
	}
	pthread_mutex_unlock(&s->page_lock);
	if (fd >= 0)
		return fd;

	/* write the page to a new file (outside the lock) */
	char st[32];
	fl_instant_format(stamp, st, sizeof st);
	size_t tl = tail ? strlen(tail) : 0, total = npre + strlen(st) + npost + tl;
	for (size_t i = 0; i < ns; i++)
		total += sl[i].n;
	char *key = total <= SV_PAGE_MAX ? malloc(keylen) : NULL;
	struct iovec *v = key ? malloc((ns + 4) * sizeof *v) : NULL;
	fd = v ? memfd_create("frontline-page", MFD_CLOEXEC) : -1;
	int n = 0;
	if (fd >= 0) {
		v[n++] = (struct iovec){(void *)pre, npre};
		v[n++] = (struct iovec){st, strlen(st)};
		v[n++] = (struct iovec){(void *)post, npost};
		for (size_t i = 0; i < ns; i++)
			v[n++] = (struct iovec){(void *)sl[i].p, sl[i].n};
		if (tl)
			v[n++] = (struct iovec){(void *)tail, tl};
	}
	if (fd < 0 || write_all(fd, v, n)) {
		if (fd >= 0)
			close(fd);
		free(v);
		free(key);
		return -1;
	}
	free(v);
	memcpy(key, pre, npre);
	key[npre] = 0;
	memcpy(key + npre + 1, post, npost);
	int mine = dup(fd);
	if (mine < 0) {
		close(fd);
		free(key);
		return -1;
	}
	/* keep it: in the slot of the same page (an older second), else the
	 * least recently used slot */
	pthread_mutex_lock(&s->page_lock);
	int slot = -1;
	for (int i = 0; i < SV_PAGE_CACHE && slot < 0; i++) {
		sv_page *p = &s->pages[i];
		if (p->set == set && p->keylen == keylen && !memcmp(p->key, key, keylen))
			slot = i;
	}
	for (int i = 0; i < SV_PAGE_CACHE && slot < 0; i++)
		if (!s->pages[i].set)
			slot = i;
	if (slot < 0) {
		slot = 0;
		for (int i = 1; i < SV_PAGE_CACHE; i++)
			if (s->pages[i].tick < s->pages[slot].tick)
				slot = i;
	}
	sv_page *p = &s->pages[slot];
	int old_fd = p->set ? p->fd : -1;
	char *old_key = p->set ? p->key : NULL;
	*p = (sv_page){set, key, keylen, stamp, fd, total, ++s->page_tick};
	pthread_mutex_unlock(&s->page_lock);
	if (old_fd >= 0)
		close(old_fd); /* responses in flight have their own descriptor */
	free(old_key);
	*len = total;
	return mine;
#else
	(void)s, (void)set, (void)pre, (void)npre, (void)post, (void)npost, (void)stamp;
	(void)sl, (void)ns, (void)tail, (void)len;
	return -1;
#endif
}
