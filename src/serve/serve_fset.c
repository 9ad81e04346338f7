/*
 * serve_fset.c: feature sets: the library's features (frontline/features.h),
 * each with the id of its collection, its envelope and its temporal extent,
 * and their bytes joined so that a page is a list of slices of them.
 *
 * The library hands each feature as GeoJSON bytes with its box; here the
 * "id" member is put after "type" (the library's bytes start with
 * {"type":"Feature",) and nothing is read back.  A bbox query tests the
 * boxes, and the geometry itself (read by GEOS from the feature's bytes,
 * once, kept in the set) only where a box meets the query's edge.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

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
		if (!f->all)
			free(f->v[i].json); /* else it points into all */
		free(f->v[i].props);
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
		if (!f->geoms[i]) { /* the feature's bytes end with a ',' in all: copied */
			char *text = malloc(f->v[i].len + 1);
			if (text) {
				memcpy(text, f->v[i].json, f->v[i].len);
				text[f->v[i].len] = 0;
				f->geoms[i] = GEOSGeoJSONReader_readGeometry_r(h, rd, text);
				free(text);
			}
		}
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

/* "{\"type\":\"Feature\"," then the rest of the library's bytes */
#define FEATURE_HEAD 18

/* o's bytes: the feature with "id" after "type"; nonzero when out of memory */
static int feature_bytes(sv_feature *o, const fl_feature *ft)
{
	json_object *jid = json_object_new_string(o->id);
	size_t il = 0;
	const char *js = jid ? json_object_to_json_string_length(
				       jid, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &il)
			     : NULL;
	static const char id[] = "\"id\":";
	size_t rest = ft->len - FEATURE_HEAD;
	o->len = FEATURE_HEAD + sizeof id - 1 + il + 1 + rest;
	o->json = js ? malloc(o->len + 1) : NULL;
	if (o->json) {
		char *p = o->json;
		memcpy(p, ft->json, FEATURE_HEAD), p += FEATURE_HEAD;
		memcpy(p, id, sizeof id - 1), p += sizeof id - 1;
		memcpy(p, js, il), p += il;
		*p++ = ',';
		memcpy(p, ft->json + FEATURE_HEAD, rest + 1);
	}
	json_object_put(jid);
	return !o->json;
}

/* o's properties and geometry type, copied in one block (its size added to
 * *bytes); nonzero when out of memory */
static int copy_props(sv_feature *o, const fl_feature *ft, size_t *bytes)
{
	size_t n = ft->nprops, size = n * sizeof *o->props;
	for (size_t k = 0; k < n; k++)
		size += strlen(ft->props[k].name) + 1 +
			(ft->props[k].text ? strlen(ft->props[k].text) + 1 : 0);
	size += ft->geometry_type ? strlen(ft->geometry_type) + 1 : 0;
	o->props = malloc(size ? size : 1);
	if (!o->props)
		return 1;
	*bytes += size;
	char *t = (char *)(o->props + n);
	for (size_t k = 0; k < n; k++) {
		size_t nl = strlen(ft->props[k].name) + 1;
		o->props[k].name = memcpy(t, ft->props[k].name, nl);
		t += nl;
		o->props[k].text = NULL;
		if (ft->props[k].text) {
			size_t tl = strlen(ft->props[k].text) + 1;
			o->props[k].text = memcpy(t, ft->props[k].text, tl);
			t += tl;
		}
	}
	o->nprops = n;
	if (ft->geometry_type)
		o->gtype = memcpy(t, ft->geometry_type, strlen(ft->geometry_type) + 1);
	return 0;
}

/* the joined bytes that pages are sliced from; each feature's json then
 * points into them (not NUL-terminated: len says where it ends); nonzero
 * when out of memory */
static int join(sv_fset *f)
{
	size_t total = 1;
	for (size_t i = 0; i < f->n; i++)
		total += f->v[i].len + 1;
	char *all = malloc(total);
	f->pos = malloc((f->n ? f->n : 1) * sizeof *f->pos);
	if (!all || !f->pos) {
		free(all);
		return 1;
	}
	size_t at = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			all[at++] = ',';
		f->pos[i] = at;
		memcpy(all + at, f->v[i].json, f->v[i].len);
		free(f->v[i].json);
		f->v[i].json = all + at;
		at += f->v[i].len;
	}
	all[at] = 0;
	f->all = all;
	f->bytes += total + (f->n ? f->n : 1) * sizeof *f->pos;
	return 0;
}

sv_fset *sv_fset_make(const fl_features *ff, const sv_time *times, char *err, size_t errlen)
{
	size_t n = fl_features_count(ff);
	sv_fset *f = calloc(1, sizeof *f);
	if (!f || !(f->v = calloc(n ? n : 1, sizeof *f->v))) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->refs = 1;
	f->bytes = sizeof *f + (n ? n : 1) * sizeof *f->v;
	pthread_mutex_init(&f->geo_lock, NULL);
	static unsigned long long uids;
	f->uid = __atomic_add_fetch(&uids, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < n; i++) {
		const fl_feature *ft = fl_features_at(ff, i);
		sv_feature *o = &f->v[f->n];
		if (ft->len < FEATURE_HEAD || memcmp(ft->json, "{\"type\":\"Feature\",", FEATURE_HEAD)) {
			sv_fset_release(f);
			snprintf(err, errlen, "the library's feature %zu does not start as expected", i);
			return NULL;
		}
		const char *base = ft->key;
		char idbuf[512];
		snprintf(idbuf, sizeof idbuf, "%s", base ? base : "feature");
		for (int k = 2; id_taken(f, idbuf); k++)
			snprintf(idbuf, sizeof idbuf, "%s~%d", base ? base : "feature", k);
		o->id = strdup(idbuf);
		o->has_env = ft->has_bbox;
		if (ft->has_bbox)
			memcpy(o->env, ft->bbox, sizeof o->env);
		o->t0 = times ? times[i].t0 : INT64_MIN;
		o->t1 = times ? times[i].t1 : INT64_MAX;
		f->n++;
		if (!o->id || feature_bytes(o, ft) || copy_props(o, ft, &f->bytes)) {
			sv_fset_release(f);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		f->bytes += strlen(o->id) + 1;
	}
	if (join(f)) {
		sv_fset_release(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return f;
}
