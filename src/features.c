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
 * numbers of the geometry's positions as written, and the properties (flat:
 * GDAL writes one scalar per field) are listed as text.  The keys come from the snapshot,
 * diff or tracker, in the order the writers add the features: one per
 * piece, change, region, zone, or event in apply order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diff_priv.h"
#include "fail.h"
#include "lines_priv.h"
#include "features_priv.h"
#include "snapshot_priv.h"
#include "util.h"

struct fl_features {
	fl_feature *v;
	size_t n;
	char *bytes; /* each feature's json and key, NUL-terminated, one after the other */
	fl_property *props; /* every feature's, one after the other */
	char *text;  /* the properties' names and values, geometry types, NUL-terminated */
	/* while cutting: the properties as offsets into text (see finish_props) */
	struct prop_at *pat;
	size_t npat, cappat, ntext, captext;
	struct feat_at *fat; /* per feature: its first property, their count, its geometry type */
};

/* While cutting, props and text grow: a feature's properties are kept as
 * offsets (into props, into text) and made pointers when the set is done. */
typedef struct prop_at {
	size_t name, text; /* offsets into text; SIZE_MAX: null */
} prop_at;
typedef struct feat_at {
	size_t first, count, gtype; /* gtype: offset into text, SIZE_MAX: none */
} feat_at;

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

/* The hex digits of p[0..3]; -1 when one is not. */
static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(unsigned long cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The character a one-letter escape \c stands for (\" \\ \/: c itself). */
static char control(char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return c;
	}
}

/* The characters of the JSON string s[0, n) (without its quotes) into out,
 * NUL-terminated (never longer than s); the length. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			out[o++] = s[i];
			continue;
		}
		char c = s[++i];
		long cp = c == 'u' && i + 4 < n ? hex4(s + i + 1) : -1;
		if (c == 'u' && cp >= 0) {
			i += 4;
			long lo = cp >= 0xD800 && cp < 0xDC00 && i + 6 < n && s[i + 1] == '\\' &&
					  s[i + 2] == 'u'
				  ? hex4(s + i + 3)
				  : -1;
			if (lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			o += put_utf8((unsigned long)cp, out + o);
			continue;
		}
		out[o++] = control(c);
	}
	out[o] = 0;
	return o;
}

/* The end of the JSON value that starts at p (compact text): after its
 * closing quote or bracket, or at the ',' or '}' after a literal. */
static const char *value_end(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p += *p == '\\' && p[1] ? 2 : 1)
				;
			if (!*p)
				return p;
			if (!depth)
				return p + 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (!depth)
				return p;
			if (!--depth)
				return p + 1;
		} else if (*p == ',' && !depth) {
			return p;
		}
	}
	return p;
}

/* Room for n more bytes of text; false when out of memory. */
static bool text_room(fl_features *f, size_t n)
{
	char *t = fl__grow(f->text, &f->captext, f->ntext + n, 1);
	if (t)
		f->text = t;
	return t != NULL;
}

/* The members of the properties object at p (compact text, "{...}") onto
 * f's properties, as offsets; false when out of memory. */
static bool read_props(fl_features *f, const char *p, size_t *count)
{
	*count = 0;
	if (*p++ != '{')
		return true;
	while (*p == '"') {
		const char *ne = value_end(p);
		if (*ne != ':')
			return true;
		const char *v = ne + 1, *ve = value_end(v);
		size_t nl = (size_t)(ne - p), vl = (size_t)(ve - v);
		prop_at *pa = fl__grow(f->pat, &f->cappat, f->npat + 1, sizeof *pa);
		if (!pa || !text_room(f, nl + vl + 2))
			return false;
		f->pat = pa;
		pa += f->npat;
		pa->name = f->ntext;
		f->ntext += unescape(p + 1, nl >= 2 ? nl - 2 : 0, f->text + f->ntext) + 1;
		if (vl == 4 && !memcmp(v, "null", 4)) {
			pa->text = SIZE_MAX;
		} else {
			pa->text = f->ntext;
			if (*v == '"') {
				f->ntext += unescape(v + 1, vl >= 2 ? vl - 2 : 0, f->text + f->ntext) + 1;
			} else {
				memcpy(f->text + f->ntext, v, vl);
				f->text[f->ntext + vl] = 0;
				f->ntext += vl + 1;
			}
		}
		f->npat++;
		(*count)++;
		p = *ve == ',' ? ve + 1 : ve;
	}
	return true;
}

static const char prefix[] = "{\"type\":\"Feature\",";

/* Feature i's properties and geometry type (json: its compact bytes; geom:
 * the offset of its "geometry" member, 0 when none) as offsets into f's
 * text; false when out of memory. */
static bool table(fl_features *f, size_t i, const char *json, size_t geom)
{
	static const char props[] = "\"properties\":", gtype[] = "\"geometry\":{\"type\":\"";
	feat_at *fa = &f->fat[i];
	fa->first = f->npat;
	fa->gtype = SIZE_MAX;
	const char *p = json + sizeof prefix - 1;
	if (!strncmp(p, props, sizeof props - 1) && !read_props(f, p + sizeof props - 1, &fa->count))
		return false;
	p = json + geom;
	if (geom && !strncmp(p, gtype, sizeof gtype - 1)) {
		p += sizeof gtype - 2; /* at the type's opening quote */
		const char *e = value_end(p);
		size_t n = (size_t)(e - p);
		if (!text_room(f, n))
			return false;
		fa->gtype = f->ntext;
		f->ntext += unescape(p + 1, n >= 2 ? n - 2 : 0, f->text + f->ntext) + 1;
	}
	return true;
}

/* The offsets of the properties made pointers, once text no longer moves. */
static bool finish_props(fl_features *f)
{
	f->props = malloc((f->npat ? f->npat : 1) * sizeof *f->props);
	if (!f->props)
		return false;
	for (size_t k = 0; k < f->npat; k++) {
		f->props[k].name = f->text + f->pat[k].name;
		f->props[k].text = f->pat[k].text == SIZE_MAX ? NULL : f->text + f->pat[k].text;
	}
	for (size_t i = 0; i < f->n; i++) {
		f->v[i].props = f->props + f->fat[i].first;
		f->v[i].nprops = f->fat[i].count;
		f->v[i].geometry_type = f->fat[i].gtype == SIZE_MAX ? NULL : f->text + f->fat[i].gtype;
	}
	free(f->pat), free(f->fat);
	f->pat = NULL, f->fat = NULL;
	return true;
}

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
	if (f)
		f->fat = calloc(nkeys ? nkeys : 1, sizeof *f->fat);
	if (!f || !f->v || !f->bytes || !f->fat) {
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
		if (!table(f, f->n, o, geom)) {
			fl_features_free(f);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
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
	if (!finish_props(f)) {
		fl_features_free(f);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	*out = f;
	return FL_OK;
}

fl_status fl__features_cut(const unsigned char *buf, size_t len, const char *const *keys,
			   size_t nkeys, fl_features **out)
{
	return cut(buf, len, keys, nkeys, out);
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
		const fl_piece *p = fl_snapshot_at(s, i);
		if (by == FL_BY_REGION)
			keys[i] = p->region != FL_NONE ? fl_tracker_region_at(t, (size_t)p->region)->id : NULL;
		else
			keys[i] = p->holder != FL_NONE ? fl_tracker_actor_at(t, (size_t)p->holder)->id : NULL;
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
		const fl_change *c = fl_diff_at(d, i);
		keys[i] = c->region != FL_NONE ? fl_tracker_region_at(t, (size_t)c->region)->id : NULL;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = fl_diff_write_buffer(d, "GeoJSON", &buf, &len);
	return finish(st, buf, len, keys, n, out);
}

fl_status fl_lines_features(const fl_lines *l, fl_features **out)
{
	*out = NULL;
	size_t n = fl_lines_count(l);
	const char **keys = keys_new(n);
	char *text = keys ? malloc(n * 2 * (FL__LINE_KEY_MAX + 1) + 1) : NULL;
	if (!text) {
		free(keys);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	const fl_tracker *t = fl__lines_tracker(l);
	for (size_t i = 0, o = 0; i < n; i++) {
		const fl_line *ln = fl_lines_at(l, i);
		keys[i] = text + o;
		o += (size_t)snprintf(text + o, (size_t)2 * (FL__LINE_KEY_MAX + 1), "%.*s:%.*s", FL__LINE_KEY_MAX,
				      fl_tracker_actor_at(t, (size_t)ln->holder_a)->id, FL__LINE_KEY_MAX,
				      fl_tracker_actor_at(t, (size_t)ln->holder_b)->id) + 1;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = fl_lines_write_buffer(l, "GeoJSON", &buf, &len);
	st = finish(st, buf, len, keys, n, out);
	free(text);
	return st;
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
		keys[i] = regions ? fl_tracker_region_at(t, i)->id
			  : zones ? fl_tracker_zone_at(t, i)->id
				  : fl_tracker_event_at(t, order[i])->id;
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
	free(f->props);
	free(f->text);
	free(f->pat);
	free(f->fat);
	free(f);
}
