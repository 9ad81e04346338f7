/*
 * tiles_mvt.c: one Mapbox Vector Tile being built, then packed.
 *
 * The messages are those of vector_tile.proto, as protoc-c made them; this
 * file owns what they point to.  A layer's keys are looked up in a list (a
 * tile has a dozen of them); its values in a hash table, so that the
 * features of a tile share each value once, as the specification asks
 * (4.4: a value is stored once and referred to by index).
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "tiles_priv.h"
#include "util.h"
#include "vector_tile.pb-c.h"

typedef struct mlayer {
	Flmvt__Tile__Layer pb;
	size_t cap_f, cap_k, cap_v;
	size_t *slots;    /* the values' hash table: index + 1, 0 when empty */
	size_t nslots;    /* a power of two */
} mlayer;

struct fl__mvt {
	mlayer **l;
	size_t n, cap;
};

fl__mvt *fl__mvt_new(void) { return calloc(1, sizeof(fl__mvt)); }

static void free_layer(mlayer *l)
{
	Flmvt__Tile__Layer *p = &l->pb;
	for (size_t i = 0; i < p->n_features; i++) {
		free(p->features[i]->tags);
		free(p->features[i]->geometry);
		free(p->features[i]);
	}
	for (size_t i = 0; i < p->n_keys; i++)
		free(p->keys[i]);
	for (size_t i = 0; i < p->n_values; i++) {
		free(p->values[i]->string_value);
		free(p->values[i]);
	}
	free(p->features), free(p->keys), free(p->values), free(p->name);
	free(l->slots);
	free(l);
}

void fl__mvt_free(fl__mvt *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free_layer(m->l[i]);
	free(m->l);
	free(m);
}

int fl__mvt_layer(fl__mvt *m, const char *name)
{
	mlayer **nl = fl__grow(m->l, &m->cap, m->n + 1, sizeof *nl);
	if (!nl)
		return -1;
	m->l = nl;
	mlayer *l = calloc(1, sizeof *l);
	if (!l)
		return -1;
	Flmvt__Tile__Layer init = FLMVT__TILE__LAYER__INIT;
	l->pb = init;
	l->pb.version = 2;
	l->pb.has_extent = 1;
	l->pb.extent = FL__TILE_EXTENT;
	l->pb.name = fl__strdup(name);
	if (!l->pb.name) {
		free(l);
		return -1;
	}
	m->l[m->n++] = l;
	return 0;
}

int fl__mvt_feature(fl__mvt *m, int type, const uint32_t *geom, size_t n)
{
	if (!m->n)
		return -1;
	mlayer *l = m->l[m->n - 1];
	Flmvt__Tile__Feature **nf =
		fl__grow(l->pb.features, &l->cap_f, l->pb.n_features + 1, sizeof *nf);
	if (!nf)
		return -1;
	l->pb.features = nf;
	Flmvt__Tile__Feature *f = malloc(sizeof *f);
	uint32_t *g = malloc((n ? n : 1) * sizeof *g);
	if (!f || !g) {
		free(f), free(g);
		return -1;
	}
	Flmvt__Tile__Feature init = FLMVT__TILE__FEATURE__INIT;
	*f = init;
	memcpy(g, geom, n * sizeof *g);
	f->geometry = g;
	f->n_geometry = n;
	f->has_type = 1;
	f->type = (Flmvt__Tile__GeomType)type;
	nf[l->pb.n_features++] = f;
	return 0;
}

/* The index of key in the layer's keys, added when new; -1 on failure. */
static long key_index(mlayer *l, const char *key)
{
	for (size_t i = 0; i < l->pb.n_keys; i++)
		if (!strcmp(l->pb.keys[i], key))
			return (long)i;
	char **nk = fl__grow(l->pb.keys, &l->cap_k, l->pb.n_keys + 1, sizeof *nk);
	if (!nk)
		return -1;
	l->pb.keys = nk;
	if (!(nk[l->pb.n_keys] = fl__strdup(key)))
		return -1;
	return (long)l->pb.n_keys++;
}

static uint64_t value_hash(const Flmvt__Tile__Value *v)
{
	uint64_t h = 1469598103934665603ull;
	if (v->string_value)
		for (const unsigned char *p = (const unsigned char *)v->string_value; *p; p++)
			h = (h ^ *p) * 1099511628211ull;
	else {
		uint64_t d = 0;
		memcpy(&d, &v->double_value, sizeof d); /* a double's bits */
		h = (h ^ (uint64_t)v->int_value ^ ((uint64_t)v->has_bool_value << 62) ^
		     (uint64_t)v->bool_value ^ d) * 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static bool value_eq(const Flmvt__Tile__Value *a, const Flmvt__Tile__Value *b)
{
	if (!a->string_value != !b->string_value)
		return false;
	if (a->string_value)
		return !strcmp(a->string_value, b->string_value);
	return a->has_int_value == b->has_int_value && a->int_value == b->int_value &&
	       a->has_bool_value == b->has_bool_value && a->bool_value == b->bool_value &&
	       a->has_double_value == b->has_double_value && a->double_value == b->double_value;
}

static int rehash(mlayer *l)
{
	size_t ns = l->nslots ? l->nslots * 2 : 64;
	size_t *s = calloc(ns, sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < l->pb.n_values; i++) {
		size_t j = (size_t)value_hash(l->pb.values[i]) & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = i + 1;
	}
	free(l->slots);
	l->slots = s;
	l->nslots = ns;
	return 0;
}

/* The index of value v in the layer's values (v is copied when new; its
 * string taken over, or freed when the value is there already); -1 on
 * failure. */
static long value_index(mlayer *l, Flmvt__Tile__Value *v)
{
	if ((l->pb.n_values + 1) * 2 > l->nslots && rehash(l))
		goto fail;
	size_t j = (size_t)value_hash(v) & (l->nslots - 1);
	for (; l->slots[j]; j = (j + 1) & (l->nslots - 1))
		if (value_eq(l->pb.values[l->slots[j] - 1], v)) {
			free(v->string_value);
			return (long)(l->slots[j] - 1);
		}
	Flmvt__Tile__Value **nv = fl__grow(l->pb.values, &l->cap_v, l->pb.n_values + 1, sizeof *nv);
	if (!nv)
		goto fail;
	l->pb.values = nv;
	Flmvt__Tile__Value *c = malloc(sizeof *c);
	if (!c)
		goto fail;
	*c = *v;
	nv[l->pb.n_values] = c;
	l->slots[j] = ++l->pb.n_values;
	return (long)(l->pb.n_values - 1);
fail:
	free(v->string_value);
	return -1;
}

static int add_tag(fl__mvt *m, const char *key, Flmvt__Tile__Value *v)
{
	mlayer *l = m->n ? m->l[m->n - 1] : NULL;
	if (!l || !l->pb.n_features) {
		free(v->string_value);
		return -1;
	}
	Flmvt__Tile__Feature *f = l->pb.features[l->pb.n_features - 1];
	long k = key_index(l, key);
	long vi = k < 0 ? -1 : value_index(l, v);
	if (k < 0 && v->string_value)
		free(v->string_value);
	if (k < 0 || vi < 0)
		return -1;
	uint32_t *t = realloc(f->tags, (f->n_tags + 2) * sizeof *t);
	if (!t)
		return -1;
	f->tags = t;
	t[f->n_tags++] = (uint32_t)k;
	t[f->n_tags++] = (uint32_t)vi;
	return 0;
}

int fl__mvt_str(fl__mvt *m, const char *key, const char *s)
{
	Flmvt__Tile__Value v = FLMVT__TILE__VALUE__INIT;
	if (!(v.string_value = fl__strdup(s ? s : "")))
		return -1;
	return add_tag(m, key, &v);
}

int fl__mvt_int(fl__mvt *m, const char *key, int64_t x)
{
	Flmvt__Tile__Value v = FLMVT__TILE__VALUE__INIT;
	v.has_int_value = 1;
	v.int_value = x;
	return add_tag(m, key, &v);
}

int fl__mvt_bool(fl__mvt *m, const char *key, bool b)
{
	Flmvt__Tile__Value v = FLMVT__TILE__VALUE__INIT;
	v.has_bool_value = 1;
	v.bool_value = b;
	return add_tag(m, key, &v);
}

int fl__mvt_double(fl__mvt *m, const char *key, double x)
{
	Flmvt__Tile__Value v = FLMVT__TILE__VALUE__INIT;
	v.has_double_value = 1;
	v.double_value = x;
	return add_tag(m, key, &v);
}

fl_status fl__mvt_pack(fl__mvt *m, unsigned char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	Flmvt__Tile tile = FLMVT__TILE__INIT;
	Flmvt__Tile__Layer **ls = calloc(m->n + 1, sizeof *ls);
	if (!ls)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->n; i++)
		if (m->l[i]->pb.n_features)
			ls[tile.n_layers++] = &m->l[i]->pb;
	tile.layers = ls;
	fl_status st = FL_OK;
	if (tile.n_layers) {
		size_t n = flmvt__tile__get_packed_size(&tile);
		*buf = malloc(n ? n : 1);
		if (*buf)
			*len = flmvt__tile__pack(&tile, *buf);
		else
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	free(ls);
	return st;
}
