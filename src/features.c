/*
 * features.c: snapshots, diffs and the tracker's layers as GeoJSON features,
 * each as bytes with its key and bounding box (frontline/features.h).
 *
 * The features are cut from the GeoJSON the sink writes (output.c, through
 * GDAL), so that they are the very features of `frontline snapshot`'s
 * output: GDAL writes one feature per line between the collection's
 * "features": [ and its closing ], and a line holds no raw newline (strings
 * escape theirs).  Each line loses the whitespace between tokens (strings
 * are kept byte for byte) and its trailing comma; the box is read from the
 * numbers of the geometry's positions as written.  Nothing here reads JSON
 * beyond telling strings from the rest.  The keys come from the snapshot,
 * diff or tracker, in the order the writers add the features: one per
 * piece, change, region, zone, or event in apply order.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct fl_features {
	fl_feature *v;
	size_t n;
	char *bytes; /* each feature's json and key, NUL-terminated, one after the other */
};

/* The next line of [p, end) and where the one after starts. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

/* s[0, n) without whitespace outside strings into out; *geom: the offset in
 * out of the feature's "geometry" member (0 when it has none).  The length
 * written, or 0 when a string does not end. */
static size_t compact(const char *s, size_t n, char *out, size_t *geom)
{
	size_t o = 0;
	int depth = 0;
	*geom = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			if (j >= n)
				return 0;
			if (depth == 1 && j - i == 9 && memcmp(s + i + 1, "geometry", 8) == 0)
				*geom = o;
			memcpy(out + o, s + i, j - i + 1);
			o += j - i + 1;
			i = j;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		out[o++] = c;
	}
	return o;
}

/* The box of the positions (arrays that start with a number: their first
 * two numbers) in the NUL-terminated text p. */
static bool envelope(const char *p, double bb[4])
{
	bool has = false;
	for (; *p; p++) {
		if (p[0] != '[' || !(p[1] == '-' || (p[1] >= '0' && p[1] <= '9')))
			continue;
		char *e;
		double x = strtod(p + 1, &e);
		if (*e != ',')
			continue;
		double y = strtod(e + 1, &e);
		if (!has) {
			bb[0] = bb[2] = x;
			bb[1] = bb[3] = y;
			has = true;
		}
		bb[0] = x < bb[0] ? x : bb[0];
		bb[1] = y < bb[1] ? y : bb[1];
		bb[2] = x > bb[2] ? x : bb[2];
		bb[3] = y > bb[3] ? y : bb[3];
		p = e - 1;
	}
	return has;
}

static const char prefix[] = "{\"type\":\"Feature\",";

/* Cut the GeoJSON document buf into features keyed keys[0..nkeys) (NULL
 * entries: no key).  The number of features must be nkeys. */
static fl_status cut(const unsigned char *buf, size_t len, const char *const *keys, size_t nkeys,
		     fl_features **out)
{
	const char *p = (const char *)buf, *end = p + len;
	const char *start = strstr(p, "\"features\": [");
	size_t kl = 0;
	for (size_t i = 0; i < nkeys; i++)
		kl += keys[i] ? strlen(keys[i]) + 1 : 0;
	fl_features *f = calloc(1, sizeof *f);
	if (f) {
		f->v = calloc(nkeys ? nkeys : 1, sizeof *f->v);
		f->bytes = malloc(len + kl + nkeys + 1);
	}
	if (!f || !f->v || !f->bytes) {
		fl_features_free(f);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	char *o = f->bytes;
	for (p = start ? line_end(start, end) : end; p < end; p++) {
		const char *e = line_end(p, end);
		if (e == p)
			continue;
		if (*p == ']')
			break;
		size_t n = (size_t)(e - p), geom = 0;
		if (e[-1] == ',')
			n--;
		fl_feature *ft = &f->v[f->n];
		size_t w = f->n < nkeys && *p == '{' ? compact(p, n, o, &geom) : 0;
		if (w < sizeof prefix || memcmp(o, prefix, sizeof prefix - 1) != 0)
			break; /* not a feature: fails below */
		o[w] = 0;
		ft->json = o;
		ft->len = w;
		ft->has_bbox = geom && envelope(o + geom, ft->bbox);
		o += w + 1;
		f->n++;
		p = e;
	}
	if (!start || f->n != nkeys || p >= end || *p != ']') {
		fl_features_free(f);
		return fl__fail(FL_EIO, "the GeoJSON written could not be cut into its features "
				"(an unexpected layout from GDAL's GeoJSON driver)");
	}
	for (size_t i = 0; i < nkeys; i++)
		if (keys[i]) {
			size_t n = strlen(keys[i]);
			memcpy(o, keys[i], n + 1);
			f->v[i].key = o;
			o += n + 1;
		}
	*out = f;
	return FL_OK;
}

/* write(): the GeoJSON document; then cut with the keys */
static fl_status finish(fl_status st, unsigned char *buf, size_t len, const char **keys,
			size_t nkeys, fl_features **out)
{
	if (!st)
		st = cut(buf, len, keys, nkeys, out);
	fl_free(buf);
	free(keys);
	return st;
}

static const char **keys_new(size_t n)
{
	const char **k = calloc(n ? n : 1, sizeof *k);
	if (!k)
		fl__fail(FL_ENOMEM, "out of memory");
	return k;
}

fl_status fl_snapshot_features(const fl_snapshot *s, fl_features **out)
{
	*out = NULL;
	const fl_tracker *t;
	fl_group by;
	fl__snapshot_query(s, &t, &by);
	size_t n = fl_snapshot_count(s);
	const char **keys = keys_new(n);
	if (!keys)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const fl_piece *p = fl_snapshot_piece(s, i);
		if (by == FL_BY_REGION)
			keys[i] = p->region != FL_NONE ? fl_tracker_region(t, (size_t)p->region)->id : NULL;
		else
			keys[i] = p->holder != FL_NONE ? fl_tracker_actor(t, (size_t)p->holder)->id : NULL;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = fl_snapshot_write_buffer(s, "GeoJSON", &buf, &len);
	return finish(st, buf, len, keys, n, out);
}

fl_status fl_diff_features(const fl_diff *d, fl_features **out)
{
	*out = NULL;
	const fl_tracker *t = fl__diff_tracker(d);
	size_t n = fl_diff_count(d);
	const char **keys = keys_new(n);
	if (!keys)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const fl_change *c = fl_diff_change(d, i);
		keys[i] = c->region != FL_NONE ? fl_tracker_region(t, (size_t)c->region)->id : NULL;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = fl_diff_write_buffer(d, "GeoJSON", &buf, &len);
	return finish(st, buf, len, keys, n, out);
}

fl_status fl_tracker_layer_features(const fl_tracker *t, const char *layer, fl_features **out)
{
	*out = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = fl_tracker_write_layer_buffer(t, layer, "GeoJSON", &buf, &len);
	if (st)
		return st;
	bool regions = strcmp(layer, "regions") == 0, zones = strcmp(layer, "zones") == 0;
	size_t n = regions ? fl_tracker_region_count(t)
		   : zones ? fl_tracker_zone_count(t)
			   : fl_tracker_event_count(t);
	const size_t *order = regions || zones ? NULL : fl_tracker_event_order(t);
	const char **keys = keys_new(n);
	if (!keys || (!regions && !zones && n && !order)) {
		fl_free(buf);
		free(keys);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = regions ? fl_tracker_region(t, i)->id
			  : zones ? fl_tracker_zone(t, i)->id
				  : fl_tracker_event(t, order[i])->id;
	return finish(FL_OK, buf, len, keys, n, out);
}

size_t fl_features_count(const fl_features *f)
{
	return f ? f->n : 0;
}

const fl_feature *fl_features_at(const fl_features *f, size_t i)
{
	return f && i < f->n ? &f->v[i] : NULL;
}

void fl_features_free(fl_features *f)
{
	if (!f)
		return;
	free(f->v);
	free(f->bytes);
	free(f);
}
