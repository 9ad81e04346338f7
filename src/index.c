/*
 * index.c: the persistent index beside a tracker.
 *
 * Reading a big tracker from its text files costs seconds: a million CSV
 * rows through GDAL, validity and overlap checks of thousands of regions,
 * the overlay of regions and event polygons into atoms.  All of it depends
 * only on the source files.  Once a tracker has been read without errors, its
 * whole in-memory form (actors, regions, events, zones, atoms, apply order)
 * is saved in `.frontline-index` inside a folder tracker (or
 * `FILE.frontline-index` beside a GeoPackage) under a key made of the
 * sources' paths, sizes, inodes and modification times, and the next open
 * reads that file instead: one read, strings used in place.  A stale, foreign
 * or damaged index is ignored and rebuilt; one that cannot be written (a
 * read-only folder) is simply not kept.  Small trackers do not get one.
 *
 * Layout (native byte order, guarded by a byte-order mark; scalars are
 * copied out with memcpy, so nothing needs alignment):
 *   "FLIDX008" u32 0x01020304 u64 key
 *   u64 nactors nregions nevents nzones natoms
 *   actors:  5 strings
 *   regions: 5 strings, file, i32 line, f64 area, u32 wkb_len, wkb
 *   events:  id, date, source, note, file (strings; the last three u32 0xffffffff
 *            when the same as the previous event's), i64 when, i64 recorded,
 *            i32 to, from, corrects, line, u8 kind, status, partial, all_regions,
 *            has_polygon, u32 nregions, i32 regions[], u32 natoms, u32 atoms[]
 *   zones:   id, name, kind, source, note, i32 actor, i64 from, to,
 *            u8 has_end, approximate, u32 wkb_len, wkb
 *   atoms:   f64 area, i32 region, u32 wkb_len, wkb
 *   order:   u32 order[nevents]
 *   timelines: per atom u32 n, u32 events[n] (in apply order)
 *   u8 coverage: 1 the atoms meet vertex for vertex, 2 not (fl__coverage_of)
 * A string is u32 length, bytes, NUL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

static const char magic[8] = {'F', 'L', 'I', 'D', 'X', '0', '0', '8'};

/* The key names each source by its file name only, never by the path as the user typed it
 * (`gen`, `./gen` and `gen/` are one tracker and share one index); the device and inode
 * say which file it is, size and modification time whether it changed. */
static void key_add(uint64_t *key, const char *path, const char *name)
{
	struct stat sb;
	uint64_t k = *key ^ 0x5851f42d4c957f2dULL;
	for (const char *p = name; *p; p++)
		k = fl__mix64(k ^ (unsigned char)*p);
	if (stat(path, &sb) == 0) {
		k = fl__mix64(k ^ (uint64_t)sb.st_dev);
		k = fl__mix64(k ^ (uint64_t)sb.st_size);
		k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_sec);
		k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_nsec);
		k = fl__mix64(k ^ (uint64_t)sb.st_ino);
	} else
		k = fl__mix64(k ^ 0xdeadULL); /* absent: also part of the key */
	*key = k;
}

uint64_t fl__sources_key(const char *path)
{
	static const char *const names[] = {"actors.csv",      "regions.geojson", "regions.json",
					    "events.csv",      "zones.geojson",   "zones.json",
					    "zones.csv",       "areas.geojson",   "areas.json"};
	uint64_t key = 0x6a09e667f3bcc909ULL ^ (uint64_t)sizeof(fl__event);
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			char *p = fl__printf("%s/%s", path, names[i]);
			if (p)
				key_add(&key, p, names[i]);
			free(p);
		}
	} else {
		const char *base = strrchr(path, '/');
		key_add(&key, path, base ? base + 1 : path);
	}
	return key;
}

static char *index_path(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return NULL;
	if (S_ISDIR(sb.st_mode))
		return fl__printf("%s/.frontline-index", path);
	if (S_ISREG(sb.st_mode))
		return fl__printf("%s.frontline-index", path);
	return NULL; /* PG: and other remote stores keep no local index */
}

bool fl__index_worth(const fl_tracker *t)
{
	bool polygons = false;
	for (size_t i = 0; i < t->nevents && !polygons; i++)
		polygons = t->events[i].pub.has_polygon;
	return polygons || t->nevents >= 10000 || t->nregions >= 1000;
}

/* ------------------------------------------------------------- reading */
typedef struct rd {
	unsigned char *p, *end;
	bool bad;
} rd;

static void *take(rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	void *v = r->p;
	r->p += n;
	return v;
}

static uint32_t u32(rd *r)
{
	uint32_t v = 0;
	const void *q = take(r, sizeof v);
	if (q)
		memcpy(&v, q, sizeof v);
	return v;
}

static int32_t i32(rd *r)
{
	return (int32_t)u32(r);
}

static uint64_t u64(rd *r)
{
	uint64_t v = 0;
	const void *q = take(r, sizeof v);
	if (q)
		memcpy(&v, q, sizeof v);
	return v;
}

static double f64(rd *r)
{
	double v = 0;
	const void *q = take(r, sizeof v);
	if (q)
		memcpy(&v, q, sizeof v);
	return v;
}

static uint8_t u8(rd *r)
{
	const uint8_t *q = take(r, 1);
	return q ? *q : 0;
}

/* A string in place: its bytes are followed by a NUL in the buffer. */
static const char *str(rd *r)
{
	uint32_t n = u32(r);
	char *s = take(r, (size_t)n + 1);
	if (!s || s[n] != '\0') {
		r->bad = true;
		return "";
	}
	return s;
}

/* A string, or the mark for the previous event's (none for the first). */
static const char *str_again(rd *r, const char *prev)
{
	unsigned char *q = r->p;
	if ((size_t)(r->end - q) >= 4) {
		uint32_t n;
		memcpy(&n, q, 4);
		if (n == UINT32_MAX) {
			r->p += 4;
			if (!prev)
				r->bad = true;
			return prev ? prev : "";
		}
	}
	return str(r);
}

/* A geometry in lon/lat: anything else means a damaged index. */
static GEOSGeometry *geom(rd *r, GEOSContextHandle_t h)
{
	uint32_t n = u32(r);
	const unsigned char *w = take(r, n);
	GEOSGeometry *g = w ? fl__geos_from_wkb(h, w, n) : NULL;
	double x0, y0, x1, y1;
	if (g && !GEOSisEmpty_r(h, g) &&
	    !(GEOSGeom_getXMin_r(h, g, &x0) && GEOSGeom_getYMin_r(h, g, &y0) &&
	      GEOSGeom_getXMax_r(h, g, &x1) && GEOSGeom_getYMax_r(h, g, &y1) && x0 >= -180 &&
	      x1 <= 180 && y0 >= -90 && y1 <= 90)) {
		GEOSGeom_destroy_r(h, g);
		g = NULL;
	}
	if (!g)
		r->bad = true;
	return g;
}

/* The index mapped read-only and private, its pages read ahead: nothing is
 * copied, and strings and WKB are used where they lie.  (Replacing the file
 * is a rename: a mapping keeps the old one.) */
static unsigned char *map_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
	if (fd < 0)
		return NULL;
	unsigned char *buf = NULL;
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (m != MAP_FAILED) {
			buf = m;
			*len = (size_t)sb.st_size;
		}
	}
	close(fd);
	return buf;
}

void fl__index_unmap(fl_tracker *t)
{
	if (t->arena)
		munmap(t->arena, t->arena_len);
	t->arena = NULL;
	t->arena_len = 0;
}

/* Undo a partial read: the tracker goes back to empty. */
static void reset(fl_tracker *t)
{
	GEOSContextHandle_t h = t->geos;
	for (size_t i = 0; i < t->nregions; i++)
		if (t->regions[i].geom)
			GEOSGeom_destroy_r(h, t->regions[i].geom);
	for (size_t i = 0; i < t->nzones; i++)
		if (t->zones[i].geom)
			GEOSGeom_destroy_r(h, t->zones[i].geom);
	for (size_t i = 0; i < t->natoms; i++)
		if (t->atoms[i].geom)
			GEOSGeom_destroy_r(h, t->atoms[i].geom);
	free(t->actors), free(t->regions), free(t->events), free(t->zones), free(t->atoms);
	free(t->order), free(t->rank), free(t->pool_regions), free(t->pool_atoms), free(t->tl_pool);
	free(t->correctors);
	t->correctors = NULL, t->ncorrectors = t->ncorrected_of = 0;
	fl__index_unmap(t);
	t->tl_pool = NULL;
	t->actors = NULL, t->regions = NULL, t->events = NULL, t->zones = NULL, t->atoms = NULL;
	t->order = t->rank = NULL, t->pool_regions = NULL, t->pool_atoms = NULL;
	t->nactors = t->nregions = t->nevents = t->nzones = t->natoms = 0;
}

fl_status fl__index_load(fl_tracker *t)
{
	GEOSContextHandle_t h = t->geos;
	free(t->index_path);
	t->index_path = index_path(t->path);
	size_t len = 0;
	unsigned char *buf = t->index_path ? map_all(t->index_path, &len) : NULL;
	if (!buf)
		return FL_ENOTFOUND;
	rd r = {buf, buf + len, false};
	const void *m = take(&r, sizeof magic);
	uint32_t bom = u32(&r);
	uint64_t key = u64(&r);
	uint64_t na = u64(&r), nr = u64(&r), ne = u64(&r), nz = u64(&r), nt = u64(&r);
	if (r.bad || memcmp(m, magic, sizeof magic) || bom != 0x01020304u || key != t->source_key ||
	    na > len || nr > len || ne > len || nz > len || nt > len) {
		munmap(buf, len);
		return FL_ENOTFOUND;
	}
	t->arena = buf;
	t->arena_len = len;
	t->actors = calloc(na + 1, sizeof *t->actors);
	t->regions = calloc(nr + 1, sizeof *t->regions);
	t->events = calloc(ne + 1, sizeof *t->events);
	t->zones = calloc(nz + 1, sizeof *t->zones);
	t->atoms = calloc(nt + 1, sizeof *t->atoms);
	t->order = malloc((ne + 1) * sizeof *t->order);
	t->rank = malloc((ne + 1) * sizeof *t->rank);
	if (!t->actors || !t->regions || !t->events || !t->zones || !t->atoms || !t->order || !t->rank)
		r.bad = true;
	for (size_t i = 0; i < na && !r.bad; i++, t->nactors++) {
		fl_actor *a = &t->actors[i];
		a->id = str(&r), a->name = str(&r), a->color = str(&r), a->kind = str(&r), a->note = str(&r);
	}
	for (size_t i = 0; i < nr && !r.bad; i++, t->nregions++) {
		fl__region *g = &t->regions[i];
		g->pub.id = str(&r), g->pub.name = str(&r), g->pub.alt_names = str(&r);
		g->pub.kind = str(&r), g->pub.parent = str(&r);
		g->file = (char *)str(&r);
		g->line = i32(&r);
		g->pub.area_km2 = f64(&r);
		if (!(g->pub.area_km2 >= 0 && g->pub.area_km2 < 1e9)) /* also NaN */
			r.bad = true;
		g->geom = geom(&r, h);
	}
	/* the events' region and atom lists go to two pools: measure first */
	unsigned char *events_at = r.p;
	size_t nreg_total = 0, natom_total = 0;
	for (size_t i = 0; i < ne && !r.bad; i++) {
		str(&r), str(&r);
		for (int k = 0; k < 3; k++)
			str_again(&r, i ? "" : NULL);
		take(&r, 8 + 8 + 4 * 4 + 5);
		/* counted only when present: a damaged count must not size the pools */
		uint32_t n = u32(&r);
		if (take(&r, (size_t)n * 4))
			nreg_total += n;
		uint32_t m2 = u32(&r);
		if (take(&r, (size_t)m2 * 4))
			natom_total += m2;
	}
	r.p = events_at;
	if (!r.bad) {
		t->pool_regions = malloc((nreg_total + 1) * sizeof *t->pool_regions);
		t->pool_atoms = malloc((natom_total + 1) * sizeof *t->pool_atoms);
	}
	if (!t->pool_regions || !t->pool_atoms)
		r.bad = true;
	size_t ro = 0, ao = 0, nc = 0, ccap = 0;
	bool chrono = true; /* the events in time order as they are in the file */
	for (size_t i = 0; i < ne && !r.bad; i++, t->nevents++) {
		fl__event *e = &t->events[i];
		const fl__event *prev = i ? &t->events[i - 1] : NULL;
		e->pub.id = str(&r), e->pub.date = str(&r);
		e->pub.source = str_again(&r, prev ? prev->pub.source : NULL);
		e->pub.note = str_again(&r, prev ? prev->pub.note : NULL);
		e->pub.file = str_again(&r, prev ? prev->pub.file : NULL);
		e->pub.when = (fl_instant)u64(&r);
		chrono &= !prev || prev->pub.when <= e->pub.when;
		e->pub.recorded = (fl_instant)u64(&r);
		e->pub.to = i32(&r), e->pub.from = i32(&r), e->pub.corrects = i32(&r), e->pub.line = i32(&r);
		if (e->pub.corrects != FL_NONE) { /* listed now, while the event is at hand */
			size_t *v = fl__grow(t->correctors, &ccap, nc + 1, sizeof *v);
			if (!v)
				r.bad = true;
			else
				t->correctors = v, v[nc++] = i;
		}
		e->pub.kind = (fl_event_kind)u8(&r), e->pub.status = (fl_event_status)u8(&r);
		e->pub.partial = u8(&r), e->pub.all_regions = u8(&r), e->pub.has_polygon = u8(&r);
		uint32_t n = u32(&r);
		e->regions = t->pool_regions + ro;
		for (uint32_t k = 0; k < n && !r.bad; k++) {
			int32_t v = i32(&r);
			if (v < 0 || (uint64_t)v >= nr)
				r.bad = true;
			e->regions[k] = v;
		}
		ro += n;
		e->pub.regions = e->regions;
		e->pub.nregions = n;
		uint32_t m2 = u32(&r);
		e->atoms = t->pool_atoms + ao;
		for (uint32_t k = 0; k < m2 && !r.bad; k++) {
			uint32_t v = u32(&r);
			if (v >= nt)
				r.bad = true;
			e->atoms[k] = v;
		}
		ao += m2;
		e->natoms = m2;
		if (e->pub.to < 0 || (uint64_t)e->pub.to >= na || e->pub.from < FL_NONE ||
		    e->pub.from >= (int32_t)na || e->pub.corrects < FL_NONE || e->pub.corrects >= (int32_t)ne ||
		    (unsigned)e->pub.kind > FL_KIND_CORRECTION || (unsigned)e->pub.status > FL_STATUS_DISPUTED)
			r.bad = true;
	}
	/* an empty list too: no correction is an answer, not a list still to make */
	if (!t->correctors && !(t->correctors = malloc(sizeof *t->correctors)))
		r.bad = true;
	t->ncorrectors = nc, t->ncorrected_of = t->nevents;
	for (size_t i = 0; i < nz && !r.bad; i++, t->nzones++) {
		fl__zone *z = &t->zones[i];
		z->pub.id = str(&r), z->pub.name = str(&r), z->pub.kind = str(&r);
		z->pub.source = str(&r), z->pub.note = str(&r);
		z->pub.actor = i32(&r);
		z->pub.valid_from = (fl_instant)u64(&r);
		z->pub.valid_to = (fl_instant)u64(&r);
		z->pub.has_end = u8(&r), z->pub.approximate = u8(&r);
		z->geom = geom(&r, h);
		if (z->pub.actor < FL_NONE || z->pub.actor >= (int32_t)na)
			r.bad = true;
	}
	for (size_t i = 0; i < nt && !r.bad; i++, t->natoms++) {
		fl__atom *a = &t->atoms[i];
		a->area_km2 = f64(&r);
		if (!(a->area_km2 >= 0 && a->area_km2 < 1e9)) /* the Earth is 5.1e8 km²; also NaN */
			r.bad = true;
		a->region = i32(&r);
		/* kept as WKB in the arena, checked now, built when first needed */
		uint32_t n = u32(&r);
		a->wkb = take(&r, n);
		a->wkblen = n;
		if (!a->wkb || !fl__wkb_rings(a->wkb, n, NULL, NULL))
			r.bad = true;
		if (a->region < FL_NONE || a->region >= (int32_t)nr)
			r.bad = true;
	}
	for (size_t i = 0; i < ne && !r.bad; i++) {
		uint32_t v = u32(&r);
		if (v >= ne)
			r.bad = true;
		else
			t->order[i] = v;
	}
	/* a log kept in time order (the usual case) applies in file order: the
	 * checks below then read memory in sequence instead of at random */
	bool identity = !r.bad;
	for (size_t i = 0; i < ne && identity; i++)
		identity = t->order[i] == i;
	if (identity) {
		/* (the time order of the events was checked as they were read) */
		for (size_t i = 0; i < ne; i++)
			t->rank[i] = i;
		if (!chrono)
			r.bad = true;
	} else if (!r.bad) {
		/* the order must be a permutation: a repeated event would leave
		 * another's rank unset */
		for (size_t i = 0; i < ne; i++)
			t->rank[i] = SIZE_MAX;
		for (size_t i = 0; i < ne && !r.bad; i++) {
			if (t->rank[t->order[i]] != SIZE_MAX)
				r.bad = true;
			t->rank[t->order[i]] = i;
			/* and in time: everything downstream takes the first and last
			 * events of the order for the tracker's range */
			if (i && t->events[t->order[i - 1]].pub.when > t->events[t->order[i]].pub.when)
				r.bad = true;
		}
	}
	/* the timelines: saved, not rebuilt (a counting sort over every event's
	 * atoms costs more than reading them); sized by what the file holds */
	size_t tl_total = 0;
	unsigned char *tl_at = r.p;
	for (size_t i = 0; i < nt && !r.bad; i++) {
		uint32_t k = u32(&r);
		if (take(&r, (size_t)k * 4))
			tl_total += k;
	}
	r.p = tl_at;
	if (!r.bad && !(t->tl_pool = malloc((tl_total + 1) * sizeof *t->tl_pool)))
		r.bad = true;
	size_t off = 0;
	t->total_km2 = 0;
	for (size_t i = 0; i < nt && !r.bad; i++) {
		fl__atom *a = &t->atoms[i];
		a->ntl = u32(&r);
		a->tl = t->tl_pool + off;
		for (size_t k = 0; k < a->ntl && !r.bad; k++) {
			uint32_t e = u32(&r);
			/* in range, and in apply order: timelines are binary-searched */
			if (e >= ne || (k && (identity ? a->tl[k - 1] >= e
							 : t->rank[a->tl[k - 1]] >= t->rank[e])))
				r.bad = true;
			else
				a->tl[k] = e;
		}
		off += a->ntl;
		t->total_km2 += a->area_km2;
	}
	t->coverage = u8(&r);
	if (t->coverage != FL__COVERAGE_CLEAN && t->coverage != FL__COVERAGE_LOOSE)
		r.bad = true;
	if (r.p != r.end)
		r.bad = true; /* trailing bytes: not an index this code wrote */
	if (r.bad) {
		reset(t);
		return FL_ENOTFOUND;
	}
	return FL_OK;
}

/* ------------------------------------------------------------- writing */
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

/* A string that often repeats the previous event's (source, note, file):
 * written once, then as a mark. */
#define AGAIN UINT32_MAX
static void put_str_again(wr *w, const char *s, const char *prev)
{
	if (prev && s && !strcmp(s, prev))
		put_u32(w, AGAIN);
	else
		put_str(w, s);
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

void fl__index_save(const fl_tracker *t)
{
	char *path = index_path(t->path);
	if (!path)
		return;
	GEOSContextHandle_t h = t->geos;
	wr w = {0};
	put(&w, magic, sizeof magic);
	put_u32(&w, 0x01020304u);
	put_u64(&w, t->source_key);
	put_u64(&w, t->nactors), put_u64(&w, t->nregions), put_u64(&w, t->nevents);
	put_u64(&w, t->nzones), put_u64(&w, t->natoms);
	for (size_t i = 0; i < t->nactors; i++) {
		const fl_actor *a = &t->actors[i];
		put_str(&w, a->id), put_str(&w, a->name), put_str(&w, a->color), put_str(&w, a->kind);
		put_str(&w, a->note);
	}
	for (size_t i = 0; i < t->nregions; i++) {
		const fl__region *g = &t->regions[i];
		put_str(&w, g->pub.id), put_str(&w, g->pub.name), put_str(&w, g->pub.alt_names);
		put_str(&w, g->pub.kind), put_str(&w, g->pub.parent), put_str(&w, g->file);
		put_i32(&w, g->line);
		put_f64(&w, g->pub.area_km2);
		put_geom(&w, h, g->geom);
	}
	for (size_t i = 0; i < t->nevents && !w.bad; i++) {
		const fl__event *e = &t->events[i];
		const fl__event *prev = i ? &t->events[i - 1] : NULL;
		put_str(&w, e->pub.id), put_str(&w, e->pub.date);
		put_str_again(&w, e->pub.source, prev ? prev->pub.source : NULL);
		put_str_again(&w, e->pub.note, prev ? prev->pub.note : NULL);
		put_str_again(&w, e->pub.file, prev ? prev->pub.file : NULL);
		put_u64(&w, (uint64_t)e->pub.when), put_u64(&w, (uint64_t)e->pub.recorded);
		put_i32(&w, e->pub.to), put_i32(&w, e->pub.from), put_i32(&w, e->pub.corrects);
		put_i32(&w, e->pub.line);
		put_u8(&w, (uint8_t)e->pub.kind), put_u8(&w, (uint8_t)e->pub.status);
		put_u8(&w, (uint8_t)e->pub.partial), put_u8(&w, (uint8_t)e->pub.all_regions);
		put_u8(&w, (uint8_t)e->pub.has_polygon);
		put_u32(&w, (uint32_t)e->pub.nregions);
		for (size_t k = 0; k < e->pub.nregions; k++)
			put_i32(&w, e->pub.regions[k]);
		put_u32(&w, (uint32_t)e->natoms);
		for (size_t k = 0; k < e->natoms; k++)
			put_u32(&w, (uint32_t)e->atoms[k]);
	}
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
	for (size_t i = 0; i < t->nevents; i++)
		put_u32(&w, (uint32_t)t->order[i]);
	/* the atoms' timelines, as fl__atoms_timelines left them */
	for (size_t i = 0; i < t->natoms; i++) {
		put_u32(&w, (uint32_t)t->atoms[i].ntl);
		for (size_t k = 0; k < t->atoms[i].ntl; k++)
			put_u32(&w, (uint32_t)t->atoms[i].tl[k]);
	}
	/* found now if no union needed it yet: the next opens need not */
	put_u8(&w, fl__coverage_of(t));

	if (!w.bad) {
		char saved[1024];
		snprintf(saved, sizeof saved, "%s", fl_error_last());
		if (fl__atomic_write(path, w.v, w.n) != FL_OK)
			fl__fail(FL_OK, "%s", saved); /* not the caller's error: keep theirs */
	}
	free(w.v);
	free(path);
}
