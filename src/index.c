/*
 * index.c: the persistent index beside a tracker.
 *
 * The overlay of regions and event polygons into atoms is the costly part of
 * opening a tracker with polygon events (seconds for two years of daily
 * front lines); its result depends only on the source files.  It is saved in
 * `.frontline-index` inside a folder tracker (or `FILE.frontline-index`
 * beside a GeoPackage) under a key made of the sources' paths, sizes and
 * modification times, and reused while they are unchanged.  A stale, foreign
 * or damaged index is ignored and rebuilt; one that cannot be written (a
 * read-only folder) is simply not kept.
 *
 * Layout (native byte order, guarded by a byte-order mark):
 *   "FLIDX002" u32 0x01020304  u64 key  u64 natoms  u64 nevents  u64 nregions
 *   per atom:  f64 area_km2  i32 region  u32 wkb_len  wkb
 *   per event: u32 natoms  u32 atom[natoms]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "internal.h"

static const char magic[8] = {'F', 'L', 'I', 'D', 'X', '0', '0', '2'};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void fl__key_add_file(uint64_t *key, const char *path)
{
	struct stat sb;
	uint64_t k = *key ^ 0x5851f42d4c957f2dULL;
	for (const char *p = path; *p; p++)
		k = mix64(k ^ (unsigned char)*p);
	if (stat(path, &sb) == 0) {
		k = mix64(k ^ (uint64_t)sb.st_size);
		k = mix64(k ^ (uint64_t)sb.st_mtim.tv_sec);
		k = mix64(k ^ (uint64_t)sb.st_mtim.tv_nsec);
		k = mix64(k ^ (uint64_t)sb.st_ino);
	}
	*key = k;
}

static char *index_path(const fl_tracker *t)
{
	struct stat sb;
	if (stat(t->path, &sb) != 0)
		return NULL;
	if (S_ISDIR(sb.st_mode))
		return fl__printf("%s/.frontline-index", t->path);
	if (S_ISREG(sb.st_mode))
		return fl__printf("%s.frontline-index", t->path);
	return NULL; /* PG: and other remote stores keep no local index */
}

typedef struct rd {
	const unsigned char *p, *end;
	bool bad;
} rd;

static const void *take(rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	const void *v = r->p;
	r->p += n;
	return v;
}

#define TAKE(r, type, var)                                  \
	type var = 0;                                           \
	do {                                                    \
		const void *q_ = take(r, sizeof(type));         \
		if (q_)                                         \
			memcpy(&var, q_, sizeof(type));         \
	} while (0)

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n))) {
			if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
				free(buf);
				buf = NULL;
			} else
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

fl_status fl__index_load(fl_tracker *t)
{
	free(t->index_path);
	t->index_path = index_path(t);
	size_t len = 0;
	unsigned char *buf = t->index_path ? read_all(t->index_path, &len) : NULL;
	if (!buf)
		return FL_ENOTFOUND;
	rd r = {buf, buf + len, false};
	const void *m = take(&r, sizeof magic);
	TAKE(&r, uint32_t, bom);
	TAKE(&r, uint64_t, key);
	TAKE(&r, uint64_t, natoms);
	TAKE(&r, uint64_t, nevents);
	TAKE(&r, uint64_t, nregions);
	if (r.bad || memcmp(m, magic, sizeof magic) || bom != 0x01020304u || key != t->source_key ||
	    nevents != t->nevents || nregions != t->nregions || natoms > len) {
		free(buf);
		return FL_ENOTFOUND;
	}
	fl__atom *atoms = calloc(natoms + 1, sizeof *atoms);
	size_t **ev_atoms = calloc(t->nevents + 1, sizeof *ev_atoms);
	size_t *ev_n = calloc(t->nevents + 1, sizeof *ev_n);
	size_t got = 0;
	if (!atoms || !ev_atoms || !ev_n)
		r.bad = true;
	for (; !r.bad && got < natoms; got++) {
		TAKE(&r, double, area);
		TAKE(&r, int32_t, region);
		TAKE(&r, uint32_t, wlen);
		const unsigned char *wkb = take(&r, wlen);
		if (r.bad || region < FL_NONE || region >= (int32_t)t->nregions)
			break;
		atoms[got].area_km2 = area;
		atoms[got].region = region;
		atoms[got].geom = fl__geos_from_wkb(t->geos, wkb, wlen);
		if (!atoms[got].geom)
			r.bad = true;
	}
	for (size_t e = 0; !r.bad && e < t->nevents; e++) {
		TAKE(&r, uint32_t, n);
		const uint32_t *ids = take(&r, (size_t)n * sizeof(uint32_t));
		if (r.bad || !(ev_atoms[e] = malloc(((size_t)n + 1) * sizeof **ev_atoms))) {
			r.bad = true;
			break;
		}
		for (uint32_t k = 0; k < n; k++) {
			uint32_t id;
			memcpy(&id, (const unsigned char *)ids + k * sizeof id, sizeof id);
			if (id >= natoms) {
				r.bad = true;
				break;
			}
			ev_atoms[e][k] = id;
		}
		ev_n[e] = n;
	}
	free(buf);
	if (r.bad || got != natoms) {
		for (size_t i = 0; atoms && i < natoms; i++)
			if (atoms[i].geom)
				GEOSGeom_destroy_r(t->geos, atoms[i].geom);
		for (size_t e = 0; ev_atoms && e < t->nevents; e++)
			free(ev_atoms[e]);
		free(atoms), free(ev_atoms), free(ev_n);
		return FL_ENOTFOUND;
	}
	t->atoms = atoms;
	t->natoms = natoms;
	for (size_t e = 0; e < t->nevents; e++) {
		free(t->events[e].atoms);
		t->events[e].atoms = ev_atoms[e];
		t->events[e].natoms = ev_n[e];
	}
	free(ev_atoms), free(ev_n);
	return FL_OK;
}

typedef struct wr {
	unsigned char *v;
	size_t n, cap;
	bool bad;
} wr;

static void put(wr *w, const void *p, size_t n)
{
	unsigned char *v = w->bad ? NULL : fl__grow(w->v, &w->cap, w->n + n, 1);
	if (!v) {
		w->bad = true;
		return;
	}
	w->v = v;
	memcpy(w->v + w->n, p, n);
	w->n += n;
}

void fl__index_save(const fl_tracker *t)
{
	if (!t->index_path)
		return;
	wr w = {0};
	uint32_t bom = 0x01020304u;
	uint64_t hdr[4] = {t->source_key, t->natoms, t->nevents, t->nregions};
	put(&w, magic, sizeof magic);
	put(&w, &bom, sizeof bom);
	put(&w, hdr, sizeof hdr);
	for (size_t i = 0; i < t->natoms && !w.bad; i++) {
		size_t len = 0;
		unsigned char *wkb = fl__geos_to_wkb(t->geos, t->atoms[i].geom, &len);
		int32_t region = t->atoms[i].region;
		uint32_t wl = (uint32_t)len;
		put(&w, &t->atoms[i].area_km2, sizeof(double));
		put(&w, &region, sizeof region);
		put(&w, &wl, sizeof wl);
		if (wkb)
			put(&w, wkb, len);
		else
			w.bad = true;
		free(wkb);
	}
	for (size_t e = 0; e < t->nevents && !w.bad; e++) {
		uint32_t n = (uint32_t)t->events[e].natoms;
		put(&w, &n, sizeof n);
		for (size_t k = 0; k < n; k++) {
			uint32_t id = (uint32_t)t->events[e].atoms[k];
			put(&w, &id, sizeof id);
		}
	}
	if (!w.bad) {
		char saved[1024];
		snprintf(saved, sizeof saved, "%s", fl_error_last());
		if (fl__atomic_write(t->index_path, w.v, w.n) != FL_OK)
			fl__fail(FL_OK, "%s", saved); /* not an error of the caller's */
	}
	free(w.v);
}
