/*
 * index_write.c: saving the persistent index (the layout: index.c), whole
 * or not at all, best effort: a folder that cannot be written just has no
 * index.  The file is written as it is made, through a buffer of a
 * megabyte, to a temporary name that is renamed over the index at the end:
 * an index of a million events (100 MB) is never whole in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "coverage.h"
#include "evcols.h"
#include "geo.h"
#include "index.h"
#include "shapes.h"
#include "tracker_priv.h"
#include "util.h"

/* Bytes being written: to the file fd (fd >= 0: v is its buffer, flushed
 * bytes before it) or into memory (fd < 0: v grows). */
typedef struct wr {
	unsigned char *v;
	size_t n, cap;
	size_t flushed;
	int fd;
	bool bad;
} wr;

enum { WR_BUF = 1 << 20 };

static void flush(wr *w)
{
	for (size_t off = 0; off < w->n && !w->bad;) {
		ssize_t k = write(w->fd, w->v + off, w->n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			w->bad = true;
		else
			off += (size_t)k;
	}
	w->flushed += w->n;
	w->n = 0;
}

static void put(wr *w, const void *p, size_t n)
{
	if (n == 0 || w->bad) /* (p may then be NULL: an empty table) */
		return;
	if (w->fd >= 0) {
		if (w->n + n > w->cap)
			flush(w);
		if (n > w->cap) { /* a big column: written as it lies */
			const unsigned char *b = p;
			unsigned char *keep = w->v;
			w->v = (unsigned char *)b, w->n = n;
			flush(w);
			w->v = keep;
			return;
		}
		memcpy(w->v + w->n, p, n);
		w->n += n;
		return;
	}
	unsigned char *v = fl__grow(w->v, &w->cap, w->n + n, 1);
	if (!v) {
		w->bad = true;
		return;
	}
	w->v = v;
	memcpy(w->v + w->n, p, n);
	w->n += n;
}

static void put_u32(wr *w, uint32_t v) { put(w, &v, sizeof v); }
static void put_i32(wr *w, int32_t v) { put(w, &v, sizeof v); }
static void put_u64(wr *w, uint64_t v) { put(w, &v, sizeof v); }
static void put_f64(wr *w, double v) { put(w, &v, sizeof v); }
static void put_u8(wr *w, uint8_t v) { put(w, &v, 1); }

static void put_str(wr *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u32(w, (uint32_t)n);
	put(w, s ? s : "", n + 1);
}

static void put_geom(wr *w, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = g ? fl__geos_to_wkb(h, g, &len) : NULL;
	if (!wkb) {
		w->bad = true;
		return;
	}
	put_u32(w, (uint32_t)len);
	put(w, wkb, len);
	free(wkb);
}

static void pad(wr *w, size_t align)
{
	static const unsigned char zero[8];
	size_t at = w->flushed + w->n;
	if (at % align)
		put(w, zero, align - at % align);
}

/* The strings of the events (sources, notes, files each once): offsets
 * into one table of NUL-terminated strings. */
typedef struct strtab {
	wr bytes;
	uint32_t *slot; /* offset + 1, 0 = empty */
	size_t cap, n;
} strtab;

static uint32_t intern(strtab *s, const char *str)
{
	str = str ? str : "";
	if (s->n * 2 >= s->cap) { /* grow and rehash */
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint32_t *v = calloc(cap, sizeof *v);
		if (!v) {
			s->bytes.bad = true;
			return 0;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i] || !s->bytes.v) /* (a slot is set only after a put) */
				continue;
			size_t j = fl__mix64(fl__hash_str((char *)s->bytes.v + s->slot[i] - 1)) & (cap - 1);
			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = v, s->cap = cap;
	}
	size_t j = fl__mix64(fl__hash_str(str)) & (s->cap - 1);
	while (s->slot[j] && s->bytes.v) {
		if (!strcmp((char *)s->bytes.v + s->slot[j] - 1, str))
			return s->slot[j] - 1;
		j = (j + 1) & (s->cap - 1);
	}
	size_t off = s->bytes.n, len = strlen(str) + 1;
	if (off + len >= UINT32_MAX) {
		s->bytes.bad = true;
		return 0;
	}
	put(&s->bytes, str, len);
	if (s->bytes.bad)
		return 0;
	s->slot[j] = (uint32_t)off + 1;
	s->n++;
	return (uint32_t)off;
}

/* A string that is not looked for again: an event's id (ids are unique). */
static uint32_t append(strtab *s, const char *str)
{
	size_t off = s->bytes.n, len = strlen(str ? str : "") + 1;
	if (off + len >= UINT32_MAX) {
		s->bytes.bad = true;
		return 0;
	}
	put(&s->bytes, str ? str : "", len);
	return (uint32_t)off;
}

/* The events as columns (see fl__index_load's events_load for the layout). */
static void events_save(wr *w, const fl_tracker *t)
{
	size_t ne = t->nevents;
	const fl__evcols *c = &t->ec;
	strtab st = {.bytes.fd = -1};
	pad(w, 8);
	for (size_t i = 0; i < ne; i++)
		put_u64(w, (uint64_t)fl__event_at(t, i)->pub.when);
	for (size_t i = 0; i < ne; i++)
		put_u64(w, (uint64_t)fl__event_at(t, i)->pub.latest);
	for (size_t i = 0; i < ne; i++)
		put_u64(w, (uint64_t)fl__event_at(t, i)->pub.recorded);
	uint64_t off = 0;
	for (size_t i = 0; i <= ne; i++) {
		put_u64(w, off);
		off += i < ne ? fl__event_at(t, i)->pub.nregions : 0;
	}
	for (size_t i = 0; i <= ne; i++)
		put_u64(w, c->atom0[i]);
	for (size_t i = 0; i < ne; i++)
		put_i32(w, fl__event_at(t, i)->pub.to);
	for (size_t i = 0; i < ne; i++)
		put_i32(w, fl__event_at(t, i)->pub.from);
	for (size_t i = 0; i < ne; i++)
		put_i32(w, fl__event_at(t, i)->pub.corrects);
	for (size_t i = 0; i < ne; i++)
		put_i32(w, fl__event_at(t, i)->pub.line);
	/* the string offsets, column by column as the strings are stored: ids
	 * each once; a date as the row before's when it is the same (a log is
	 * in time order: a log of days repeats each date in a run, one of
	 * instants repeats none, and a table of a million of them would cost
	 * more than it saves); the rest looked up (sources, notes, the file) */
	for (size_t i = 0; i < ne; i++)
		put_u32(w, append(&st, fl__event_at(t, i)->pub.id));
	uint32_t prev = 0;
	for (size_t i = 0; i < ne; i++) {
		const char *d = fl__event_at(t, i)->pub.date;
		if (!i || strcmp(d, fl__event_at(t, i - 1)->pub.date))
			prev = append(&st, d);
		put_u32(w, prev);
	}
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < ne; i++) {
			const fl_event *e = &fl__event_at(t, i)->pub, *b = i ? &fl__event_at(t, i - 1)->pub : NULL;
			const char *v = k == 0 ? e->source : k == 1 ? e->note : e->file;
			/* (read from the sources, equal strings are one in the pool) */
			if (!b || v != (k == 0 ? b->source : k == 1 ? b->note : b->file))
				prev = intern(&st, v);
			put_u32(w, prev);
		}
	w->bad |= st.bytes.bad;
	for (size_t i = 0; i < ne; i++)
		put_u8(w, (uint8_t)fl__event_at(t, i)->pub.kind);
	for (size_t i = 0; i < ne; i++)
		put_u8(w, (uint8_t)fl__event_at(t, i)->pub.status);
	for (size_t i = 0; i < ne; i++)
		put_u8(w, (uint8_t)fl__event_at(t, i)->pub.partial);
	for (size_t i = 0; i < ne; i++)
		put_u8(w, (uint8_t)fl__event_at(t, i)->pub.all_regions);
	for (size_t i = 0; i < ne; i++)
		put_u8(w, (uint8_t)fl__event_at(t, i)->pub.has_polygon);
	pad(w, 4);
	for (size_t i = 0; i < ne; i++) {
		const fl_event *e = &fl__event_at(t, i)->pub;
		put(w, e->regions, e->nregions * sizeof *e->regions);
	}
	put(w, c->atoms, (size_t)c->atom0[ne] * sizeof *c->atoms);
	pad(w, 8);
	put_u64(w, st.bytes.n);
	put(w, st.bytes.v, st.bytes.n);
	free(st.bytes.v), free(st.slot);
}

/* The file at tmp, made and synced; false (and tmp removed) on failure. */
static bool save_to(const fl_tracker *t, const char *tmp)
{
	GEOSContextHandle_t h = t->geos;
	wr w = {.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), .cap = WR_BUF};
	if (w.fd < 0)
		return false;
	w.v = malloc(WR_BUF);
	w.bad = !w.v;
	put(&w, fl__index_magic, sizeof fl__index_magic);
	put_u32(&w, 0x01020304u);
	put_u64(&w, t->source_key);
	put_str(&w, fl_tracker_time_zone(t));
	put_u64(&w, t->nactors), put_u64(&w, t->nregions), put_u64(&w, t->nevents);
	put_u64(&w, t->nzones), put_u64(&w, t->natoms);
	for (size_t i = 0; i < t->nactors; i++) {
		const fl_actor *a = &t->actors[i];
		put_str(&w, a->id), put_str(&w, a->name), put_str(&w, a->color), put_str(&w, a->kind);
		put_str(&w, a->note);
		put_u32(&w, (uint32_t)a->nparties);
		for (size_t k = 0; k < a->nparties; k++)
			put_i32(&w, a->parties[k]);
	}
	for (size_t i = 0; i < t->nregions; i++) {
		const fl__region *g = &t->regions[i];
		put_str(&w, g->pub.id), put_str(&w, g->pub.name), put_str(&w, g->pub.alt_names);
		put_str(&w, g->pub.kind), put_str(&w, g->pub.parent), put_str(&w, g->file);
		put_i32(&w, g->line);
		put_f64(&w, g->pub.area_km2);
		put_geom(&w, h, fl__region_geom(t, i));
	}
	events_save(&w, t);
	for (size_t i = 0; i < t->nzones; i++) {
		const fl__zone *z = &t->zones[i];
		put_str(&w, z->pub.id), put_str(&w, z->pub.name), put_str(&w, z->pub.kind);
		put_str(&w, z->pub.source), put_str(&w, z->pub.note);
		put_i32(&w, z->pub.actor);
		put_u64(&w, (uint64_t)z->pub.valid_from), put_u64(&w, (uint64_t)z->pub.valid_to);
		put_u8(&w, (uint8_t)z->pub.has_end), put_u8(&w, (uint8_t)z->pub.approximate);
		put_geom(&w, h, z->geom);
	}
	for (size_t i = 0; i < t->natoms && !w.bad; i++) {
		put_f64(&w, t->atoms[i].area_km2);
		put_i32(&w, t->atoms[i].region);
		put_geom(&w, h, fl__atom_geom(t, i));
	}
	pad(&w, 4);
	put(&w, t->order, t->nevents * sizeof *t->order);
	/* the atoms' timelines, as atoms.c built them */
	for (size_t i = 0; i < t->natoms; i++) {
		put_u32(&w, (uint32_t)t->atoms[i].ntl);
		put(&w, t->atoms[i].tl, t->atoms[i].ntl * sizeof *t->atoms[i].tl);
	}
	/* found now if no union needed it yet: the next opens need not */
	put_u8(&w, fl__coverage_of(t));
	flush(&w);
	free(w.v);
	bool ok = !w.bad && fsync(w.fd) == 0;
	ok &= close(w.fd) == 0;
	if (!ok)
		unlink(tmp);
	return ok;
}

void fl__index_save(const fl_tracker *t)
{
	char *path = fl__index_path(t->path);
	char *tmp = path ? fl__printf("%s.tmp-%ld", path, (long)getpid()) : NULL;
	if (tmp && save_to(t, tmp) && rename(tmp, path) != 0)
		unlink(tmp);
	/* (nothing here is the caller's error: fl_error_last() stays theirs) */
	free(tmp);
	free(path);
}
