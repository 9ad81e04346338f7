/*
 * tilemeta.c: the tile set's metadata (fl_tiles_metadata_json) and what the
 * tile files need of it read back (tilemeta.h): zooms, bounds, center, and
 * any top-level member (a string unescaped).
 */
#include "tilemeta.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "util.h"

/* the double quote, as a name (a quote in a character literal misleads
 * tests/includes.py's reading of strings) */
#define QUOTE '\x22'

/* Just past the JSON string at s (its opening quote). */
static const char *string_end(const char *s)
{
	const char *p = s + 1;
	while (*p && *p != QUOTE)
		p += p[0] == '\\' && p[1] ? 2 : 1;
	return *p ? p + 1 : p;
}

/* Just past the JSON value at s: a string, an array, an object or a
 * scalar. */
static const char *value_end(const char *s)
{
	if (*s == QUOTE)
		return string_end(s);
	if (*s != '[' && *s != '{') {
		while (*s && *s != ',' && *s != '}' && *s != ']')
			s++;
		return s;
	}
	int depth = 0;
	const char *p = s;
	while (*p) {
		if (*p == QUOTE) {
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
	for (const char *p = s; p < end && *p != QUOTE; p++) {
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
			switch (c) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			default: *o++ = c; break;
			}
		}
	}
	*o = 0;
	return out;
}

char *fl__tilemeta_member(const fl__tilemeta *m, const char *key)
{
	/* the top-level members, in order: "key":value, ... (no whitespace) */
	size_t kl = strlen(key);
	for (const char *p = m->json + 1; *p == QUOTE;) {
		const char *k = p + 1, *v = string_end(p);
		if (*v != ':')
			return NULL;
		v++;
		const char *end = value_end(v);
		if ((size_t)(v - 2 - k) == kl && !strncmp(k, key, kl))
			return *v == QUOTE ? unescape(v + 1, end) : fl__printf("%.*s", (int)(end - v), v);
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

