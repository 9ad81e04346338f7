/*
 * tiles_write.c: the whole history as one tile file (frontline/tilefile.h):
 * the format chosen, the metadata read back for the header's fields, and
 * PMTiles written through pmtiles_write.c (MBTiles: tiles_mbtiles.c).
 */
#include "gdal_load.h" /* output_sink.h needs it first */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "output_sink.h"
#include "fail.h"
#include "tiles_write.h"
#include "util.h"

fl_tile_format fl_tile_format_of(const char *path, const char *format)
{
	const char *f = format;
	if (!f && path) {
		const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
		f = dot && (!slash || dot > slash) ? dot + 1 : NULL;
	}
	if (!f)
		return FL_TILES_NONE;
	if (!strcasecmp(f, "pmtiles"))
		return FL_TILES_PMTILES;
	if (!strcasecmp(f, "mbtiles"))
		return FL_TILES_MBTILES;
	return FL_TILES_NONE;
}

/* Just past the JSON string at s (its opening quote). */
static const char *string_end(const char *s)
{
	const char *p = s + 1;
	while (*p && *p != '"')
		p += p[0] == '\\' && p[1] ? 2 : 1;
	return *p ? p + 1 : p;
}

/* Just past the JSON value at s: a string, an array, an object or a
 * scalar. */
static const char *value_end(const char *s)
{
	if (*s == '"')
		return string_end(s);
	if (*s != '[' && *s != '{') {
		while (*s && *s != ',' && *s != '}' && *s != ']')
			s++;
		return s;
	}
	int depth = 0;
	const char *p = s;
	while (*p) {
		if (*p == '"') {
			p = string_end(p);
			continue;
		}
		depth += (*p == '[' || *p == '{') - (*p == ']' || *p == '}');
		p++;
		if (!depth)
			break;
	}
	return p;
}

/* A JSON string's characters (s just past its opening quote), unescaped. */
static char *unescape(const char *s, const char *end)
{
	char *out = malloc((size_t)(end - s) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s; p < end && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		char c = *++p;
		if (c == 'u' && p + 4 < end) {
			unsigned v = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
			p += 4;
			if (v < 0x80) {
				*o++ = (char)v;
			} else if (v < 0x800) {
				*o++ = (char)(0xc0 | v >> 6), *o++ = (char)(0x80 | (v & 0x3f));
			} else { /* surrogates stay as they are: the writer sends none */
				*o++ = (char)(0xe0 | v >> 12), *o++ = (char)(0x80 | ((v >> 6) & 0x3f));
				*o++ = (char)(0x80 | (v & 0x3f));
			}
		} else {
			*o++ = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b'
			     : c == 'f' ? '\f' : c;
		}
	}
	*o = 0;
	return out;
}

char *fl__tilemeta_member(const fl__tilemeta *m, const char *key)
{
	/* the top-level members, in order: "key":value, ... (no whitespace) */
	size_t kl = strlen(key);
	for (const char *p = m->json + 1; *p == '"';) {
		const char *k = p + 1, *v = string_end(p);
		if (*v != ':')
			return NULL;
		v++;
		const char *end = value_end(v);
		if ((size_t)(v - 2 - k) == kl && !strncmp(k, key, kl))
			return *v == '"' ? unescape(v + 1, end) : fl__printf("%.*s", (int)(end - v), v);
		p = *end == ',' ? end + 1 : end;
	}
	return NULL;
}

/* The numbers of array member key: n of them, or false. */
static bool numbers(const fl__tilemeta *m, const char *key, double *v, int n)
{
	char *a = fl__tilemeta_member(m, key), *p = a ? a + 1 : NULL;
	int k = 0;
	for (; p && k < n; k++) {
		char *e;
		v[k] = strtod(p, &e);
		if (e == p)
			break;
		p = e + (*e == ',');
	}
	free(a);
	return k == n;
}

fl_status fl__tilemeta_make(const fl_tracker *t, const fl_tile_opts *opts, fl__tilemeta *m)
{
	memset(m, 0, sizeof *m);
	fl_status st = fl_tiles_zooms(t, opts, &m->minzoom, &m->maxzoom);
	if (st)
		return st;
	m->json = fl_tiles_metadata_json(t, opts);
	if (!m->json)
		return fl_error_last()[0] ? FL_EIO : fl__fail(FL_EIO, "tile metadata: failed");
	double c[3];
	if (!numbers(m, "bounds", m->bounds, 4) || !numbers(m, "center", c, 3)) {
		fl__tilemeta_free(m);
		return fl__fail(FL_EIO, "tile metadata: no bounds or center");
	}
	m->center[0] = c[0], m->center[1] = c[1], m->center_zoom = (int)c[2];
	return FL_OK;
}

void fl__tilemeta_free(fl__tilemeta *m)
{
	free(m->json);
	m->json = NULL;
}

typedef struct adding {
	fl_pmtiles_writer *w;
	size_t n;
} adding;

static int add_tile(void *ud, int z, int x, int y, const unsigned char *mvt, size_t len)
{
	adding *a = ud;
	a->n++;
	return (int)fl_pmtiles_writer_add(a->w, z, (uint32_t)x, (uint32_t)y, mvt, len);
}

static fl_status pmtiles_write(const fl_tracker *t, const fl_tile_opts *opts, const fl__tilemeta *m,
			       const char *path)
{
	fl_pmtiles_writer *w = NULL;
	fl_status st = fl_pmtiles_writer_new(&w);
	adding a = {w, 0};
	if (!st)
		st = fl_tiles_each(t, NULL, opts, add_tile, &a);
	if (!st && !a.n)
		st = fl__fail(FL_EINPUT, "%s: the tracker has no tile to write (nothing written)", path);
	fl_pmtiles_info info = {.min_zoom = m->minzoom, .max_zoom = m->maxzoom,
				.center_zoom = m->center_zoom, .metadata_json = m->json};
	memcpy(info.bounds, m->bounds, sizeof info.bounds);
	memcpy(info.center, m->center, sizeof info.center);
	unsigned char *buf = NULL;
	size_t len = 0;
	if (!st)
		st = fl_pmtiles_writer_finish(w, &info, &buf, &len);
	fl_pmtiles_writer_free(w);
	if (!st)
		st = fl__is_stream(path) ? fl__write_stream(path, buf, len) : fl__atomic_write(path, buf, len);
	free(buf);
	return st;
}

fl_status fl_tiles_write(const fl_tracker *t, const fl_tile_opts *opts, const char *path,
			 fl_tile_format format)
{
	if (!t || !path)
		return fl__fail(FL_EARG, "fl_tiles_write: NULL argument");
	if (!format)
		format = fl_tile_format_of(path, NULL);
	if (!format)
		return fl__fail(FL_EARG, "%s: not a tile file name (.pmtiles or .mbtiles) (nothing written)",
				path);
	fl__tilemeta m;
	fl_status st = fl__tilemeta_make(t, opts, &m);
	if (st)
		return st;
	if (format == FL_TILES_PMTILES)
		st = pmtiles_write(t, opts, &m, path);
	else
		st = fl__mbtiles_write(t, opts, &m, path);
	fl__tilemeta_free(&m);
	return st;
}
