/*
 * index_read.c: reading the persistent index (the layout: index.c).
 *
 * The file is mapped read-only and checked whole before the tracker uses
 * it: the counts against its length, every column's values against their
 * ranges, the apply order and the timelines against each other.  Anything
 * wrong and the index is ignored (FL_ENOTFOUND): the sources are read.
 */
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coverage.h"
#include "evcols.h"
#include "geo.h"
#include "index.h"
#include "tracker_priv.h"
#include "wkb.h"

/* the events' region lists are read in place as the public `const int *` */
_Static_assert(sizeof(int) == sizeof(int32_t), "int must be 32 bits");

typedef struct rd {
	unsigned char *base, *p, *end; /* base: the mapping's start (page-aligned) */
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

/* The next n bytes copied to v (left as they are past the end). */
static void copy_out(rd *r, void *v, size_t n)
{
	const void *q = take(r, n);
	if (q)
		memcpy(v, q, n);
}

static uint32_t u32(rd *r)
{
	uint32_t v = 0;
	copy_out(r, &v, sizeof v);
	return v;
}

static int32_t i32(rd *r)
{
	return (int32_t)u32(r);
}

static uint64_t u64(rd *r)
{
	uint64_t v = 0;
	copy_out(r, &v, sizeof v);
	return v;
}

static double f64(rd *r)
{
	double v = 0;
	copy_out(r, &v, sizeof v);
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

/* A column of n items of size sz, aligned to sz in the file (the mapping
 * is page-aligned, so in memory too) and read in place. */
static const void *col(rd *r, size_t n, size_t sz)
{
	size_t mis = (size_t)(r->p - r->base) % sz;
	if (mis && !take(r, sz - mis))
		return NULL;
	if (n > (size_t)(r->end - r->p) / sz) {
		r->bad = true;
		return NULL;
	}
	return take(r, n * sz);
}

/* A list column: n + 1 offsets from 0, never decreasing, ending at the
 * length of the list (then read after it with that length). */
static bool offsets_ok(const uint64_t *o, size_t n)
{
	bool ok = o[0] == 0;
	for (size_t i = 0; i < n; i++)
		ok &= o[i] <= o[i + 1];
	return ok;
}

/* The range checks below run over blocks of a fixed length, one flag or'd
 * per value: at -O2 GCC vectorises only loops whose trip count it knows, and
 * these read every event's columns at each open (a third of the open of a
 * million-event index when they ran one value at a time). */
enum { BLOCK = 32 };

/* Every v[i] in [lo, lo + span), as unsigned arithmetic: one compare per
 * value, so that signed columns (lo = FL_NONE) share the loop. */
static bool in_range(const uint32_t *v, size_t n, uint32_t lo, uint32_t span)
{
	unsigned bad = 0;
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t k = 0; k < BLOCK; k++)
			bad |= v[i + k] - lo >= span;
	for (; i < n; i++)
		bad |= v[i] - lo >= span;
	return !bad;
}

static bool below_i32(const int32_t *v, size_t n, int32_t lo, int32_t hi)
{
	if (hi < lo)
		return n == 0;
	/* (int32_t and uint32_t may alias: C17 6.5p7) */
	return in_range((const uint32_t *)v, n, (uint32_t)lo, (uint32_t)hi - (uint32_t)lo);
}

static bool below_u32(const uint32_t *v, size_t n, uint64_t limit)
{
	return limit > UINT32_MAX || in_range(v, n, 0, (uint32_t)limit);
}

static bool below_u8(const uint8_t *v, size_t n, unsigned limit)
{
	if (limit > UINT8_MAX)
		return true;
	uint8_t hi = (uint8_t)limit;
	unsigned bad = 0;
	size_t i = 0;
	for (; i + BLOCK <= n; i += BLOCK)
		for (size_t k = 0; k < BLOCK; k++)
			bad |= v[i + k] >= hi;
	for (; i < n; i++)
		bad |= v[i] >= hi;
	return !bad;
}

/* The events: columns in place, each checked whole by one pass (which the
 * compiler can vectorise), then the events that correct another listed.
 * *chrono tells whether the file order is time order. */
static bool events_load(fl_tracker *t, rd *r, size_t na, size_t nr, size_t ne, size_t nt, bool *chrono)
{
	fl__evcols *c = &t->ec;
	c->when = col(r, ne, 8), c->latest = col(r, ne, 8), c->recorded = col(r, ne, 8);
	c->reg0 = col(r, ne + 1, 8), c->atom0 = col(r, ne + 1, 8);
	c->to = col(r, ne, 4), c->from = col(r, ne, 4), c->corrects = col(r, ne, 4), c->line = col(r, ne, 4);
	c->s_id = col(r, ne, 4), c->s_date = col(r, ne, 4), c->s_source = col(r, ne, 4);
	c->s_note = col(r, ne, 4), c->s_file = col(r, ne, 4);
	c->kind = col(r, ne, 1), c->status = col(r, ne, 1), c->partial = col(r, ne, 1);
	c->all_regions = col(r, ne, 1), c->has_polygon = col(r, ne, 1);
	/* (list lengths checked against the file before they become size_t) */
	if (r->bad || !offsets_ok(c->reg0, ne) || !offsets_ok(c->atom0, ne) ||
	    c->reg0[ne] > (uint64_t)(r->end - r->p) || c->atom0[ne] > (uint64_t)(r->end - r->p))
		return false;
	c->regions = col(r, (size_t)c->reg0[ne], 4);
	c->atoms = col(r, (size_t)c->atom0[ne], 4);
	const uint64_t *pn = col(r, 1, 8);
	uint64_t nstr = pn ? *pn : 0;
	if (nstr > (uint64_t)(r->end - r->p))
		return false;
	c->strings = col(r, (size_t)nstr, 1);
	if (r->bad || (ne && (nstr == 0 || c->strings[nstr - 1] != '\0')))
		return false;
	/* any offset below the length then starts a NUL-terminated string */
	if (!below_i32(c->to, ne, FL_NONE, (int32_t)na) || !below_i32(c->from, ne, FL_NONE, (int32_t)na) ||
	    !below_i32(c->corrects, ne, FL_NONE, (int32_t)ne) ||
	    !below_i32(c->regions, (size_t)c->reg0[ne], 0, (int32_t)nr) ||
	    !below_u32(c->atoms, (size_t)c->atom0[ne], nt) || !below_u32(c->s_id, ne, nstr) ||
	    !below_u32(c->s_date, ne, nstr) || !below_u32(c->s_source, ne, nstr) ||
	    !below_u32(c->s_note, ne, nstr) || !below_u32(c->s_file, ne, nstr) ||
	    !below_u8(c->kind, ne, FL_KIND_RETRACTION + 1) || !below_u8(c->status, ne, FL_STATUS_DISPUTED + 1))
		return false;
	/* no holder only for a retraction, which covers no atom */
	bool bad = false;
	for (size_t i = 0; i < ne; i++)
		bad |= c->to[i] < 0 && (c->kind[i] != FL_KIND_RETRACTION || c->atom0[i + 1] != c->atom0[i]);
	if (bad)
		return false;
	bool in_order = true, spans = true;
	for (size_t i = 1; i < ne; i++)
		in_order &= c->when[i - 1] <= c->when[i];
	for (size_t i = 0; i < ne; i++)
		spans &= c->when[i] <= c->latest[i];
	if (!spans)
		return false;
	*chrono = in_order;
	t->nevents = ne;
	return true;
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
	for (size_t i = 0; i < t->nactors; i++)
		free((int *)t->actors[i].parties);
	free(t->actors), free(t->regions), free(t->events), free(t->zones), free(t->atoms);
	free(t->rank_own), free(t->order_own), free(t->order_pub), free(t->tl_pool);
	free(t->correctors);
	fl__evcols_free(t);
	fl__tz_free(t->tz);
	t->tz = NULL, t->tz_name = NULL;
	t->correctors = NULL, t->ncorrectors = 0;
	fl__index_unmap(t);
	t->tl_pool = NULL;
	t->actors = NULL, t->regions = NULL, t->events = NULL, t->zones = NULL, t->atoms = NULL;
	t->order = t->rank = t->order_own = t->rank_own = NULL;
	t->order_pub = NULL;
	t->nactors = t->nregions = t->nevents = t->nzones = t->natoms = 0;
}

/* The actors and regions, their strings and WKB in place. */
static void actors_regions_load(fl_tracker *t, rd *r, size_t na, size_t nr)
{
	for (size_t i = 0; i < na && !r->bad; i++, t->nactors++) {
		fl_actor *a = &t->actors[i];
		a->id = str(r), a->name = str(r), a->color = str(r), a->kind = str(r), a->note = str(r);
		/* contested ground's holders: two or more parties, actors before them */
		uint32_t np = u32(r);
		if (np == 1 || np > i || (np && strcmp(a->kind ? a->kind : "", "contested"))) {
			r->bad = true;
			break;
		}
		int *v = np ? malloc(np * sizeof *v) : NULL;
		if (np && !v)
			r->bad = true;
		for (uint32_t k = 0; k < np && !r->bad; k++)
			if ((v[k] = i32(r)) < 0 || (size_t)v[k] >= i || (k && v[k] <= v[k - 1]) ||
			    t->actors[v[k]].nparties)
				r->bad = true;
		a->nparties = np, a->parties = v;
	}
	for (size_t i = 0; i < nr && !r->bad; i++, t->nregions++) {
		fl__region *g = &t->regions[i];
		g->pub.id = str(r), g->pub.name = str(r), g->pub.alt_names = str(r);
		g->pub.kind = str(r), g->pub.parent = str(r);
		g->file = (char *)str(r);
		g->line = i32(r);
		g->pub.area_km2 = f64(r);
		if (!(g->pub.area_km2 >= 0 && g->pub.area_km2 < 1e9)) /* also NaN */
			r->bad = true;
		/* kept as WKB in the arena, checked now (polygonal, closed rings,
		 * lon/lat), built when first needed: queries never need it */
		uint32_t n = u32(r);
		g->wkb = take(r, n);
		g->wkblen = n;
		if (!g->wkb || !fl__wkb_rings(g->wkb, n, NULL, NULL))
			r->bad = true;
	}
}

/* The zones (their geometries built now: few and small) and the atoms. */
static void zones_atoms_load(fl_tracker *t, rd *r, size_t na, size_t nr, size_t nz, size_t nt)
{
	for (size_t i = 0; i < nz && !r->bad; i++, t->nzones++) {
		fl__zone *z = &t->zones[i];
		z->pub.id = str(r), z->pub.name = str(r), z->pub.kind = str(r);
		z->pub.source = str(r), z->pub.note = str(r);
		z->pub.actor = i32(r);
		z->pub.valid_from = (fl_instant)u64(r);
		z->pub.valid_to = (fl_instant)u64(r);
		z->pub.has_end = u8(r), z->pub.approximate = u8(r);
		z->geom = geom(r, t->geos);
		if (z->pub.actor < FL_NONE || z->pub.actor >= (int32_t)na)
			r->bad = true;
	}
	for (size_t i = 0; i < nt && !r->bad; i++, t->natoms++) {
		fl__atom *a = &t->atoms[i];
		a->area_km2 = f64(r);
		if (!(a->area_km2 >= 0 && a->area_km2 < 1e9)) /* the Earth is 5.1e8 km²; also NaN */
			r->bad = true;
		a->region = i32(r);
		/* kept as WKB in the arena, checked now, built when first needed */
		uint32_t n = u32(r);
		a->wkb = take(r, n);
		a->wkblen = n;
		if (!a->wkb || !fl__wkb_rings(a->wkb, n, NULL, NULL))
			r->bad = true;
		if (a->region < FL_NONE || a->region >= (int32_t)nr)
			r->bad = true;
	}
}

/* The apply order, in place, checked to be a permutation in time order
 * (chrono: the file order is); *identity when it is the file order. */
static void order_load(fl_tracker *t, rd *r, size_t ne, bool chrono, bool *identity)
{
	const uint32_t *order = r->bad ? NULL : col(r, ne, 4);
	t->order = order;
	*identity = order != NULL;
	if (order) {
		unsigned off = 0;
		size_t i = 0;
		for (; i + BLOCK <= ne; i += BLOCK)
			for (size_t k = 0; k < BLOCK; k++)
				off |= order[i + k] ^ (uint32_t)(i + k);
		for (; i < ne; i++)
			off |= order[i] ^ (uint32_t)i;
		*identity = off == 0;
	}
	/* a log kept in time order (the usual case) applies in file order: the
	 * checks below then read memory in sequence instead of at random */
	if (*identity) {
		/* (the time order of the events was checked as they were read) */
		t->rank = t->order;
		if (!chrono)
			r->bad = true;
	} else if (!r->bad && !(t->rank = t->rank_own = malloc((ne + 1) * sizeof *t->rank_own))) {
		r->bad = true;
	} else if (!r->bad) {
		/* the order must be a permutation: a repeated event would leave
		 * another's rank unset */
		uint32_t *rank = t->rank_own;
		for (size_t i = 0; i < ne; i++)
			rank[i] = UINT32_MAX;
		for (size_t i = 0; i < ne && !r->bad; i++) {
			if (t->order[i] >= ne || rank[t->order[i]] != UINT32_MAX) {
				r->bad = true;
				break;
			}
			rank[t->order[i]] = (uint32_t)i;
			/* and in time: everything downstream takes the first and last
			 * events of the order for the tracker's range */
			if (i && t->ec.when[t->order[i - 1]] > t->ec.when[t->order[i]])
				r->bad = true;
		}
	}
}

/* The timelines: saved, not rebuilt (a counting sort over every event's
 * atoms costs more than reading them), read in place. */
static void timelines_load(fl_tracker *t, rd *r, size_t ne, size_t nt, bool identity)
{
	t->total_km2 = 0;
	for (size_t i = 0; i < nt && !r->bad; i++) {
		fl__atom *a = &t->atoms[i];
		a->ntl = u32(r);
		const uint32_t *tl = col(r, a->ntl, 4);
		a->tl = tl;
		/* in range, and in apply order: timelines are binary-searched */
		for (size_t k = 0; k < a->ntl && tl; k++)
			if (tl[k] >= ne || (k && (identity ? tl[k - 1] >= tl[k]
							   : t->rank[tl[k - 1]] >= t->rank[tl[k]]))) {
				r->bad = true;
				break;
			}
		t->total_km2 += a->area_km2;
	}
}

fl_status fl__index_load(fl_tracker *t)
{
	free(t->index_path);
	t->index_path = fl__index_path(t->path);
	size_t len = 0;
	unsigned char *buf = t->index_path ? map_all(t->index_path, &len) : NULL;
	if (!buf)
		return FL_ENOTFOUND;
	rd r = {buf, buf, buf + len, false};
	bool chrono = false; /* the events in time order as they are in the file */
	const void *m = take(&r, sizeof fl__index_magic);
	uint32_t bom = u32(&r);
	uint64_t key = u64(&r);
	const char *tz_name = str(&r);
	uint64_t na = u64(&r), nr = u64(&r), ne = u64(&r), nz = u64(&r), nt = u64(&r);
	if (r.bad || memcmp(m, fl__index_magic, sizeof fl__index_magic) || bom != 0x01020304u ||
	    key != t->source_key || na > len || nr > len || ne > len || nz > len || nt > len ||
	    na > INT32_MAX || nr > INT32_MAX || ne > INT32_MAX) {
		munmap(buf, len);
		return FL_ENOTFOUND;
	}
	/* the zone as the sources declared it: a name the database no longer
	 * knows means the sources are read again, and report it */
	fl__tz *tz = NULL;
	if (fl__tz_open(tz_name, &tz) != FL_OK) {
		munmap(buf, len);
		return FL_ENOTFOUND;
	}
	t->tz = tz;
	t->tz_name = tz_name;
	t->arena = buf;
	t->arena_len = len;
	t->actors = calloc(na + 1, sizeof *t->actors);
	t->regions = calloc(nr + 1, sizeof *t->regions);
	/* (zero pages until an event is asked for: see events_load) */
	t->events = calloc(ne + 1, sizeof *t->events);
	t->ev_ready = calloc(ne + 1, 1);
	t->zones = calloc(nz + 1, sizeof *t->zones);
	t->atoms = calloc(nt + 1, sizeof *t->atoms);
	if (!t->actors || !t->regions || !t->events || !t->ev_ready || !t->zones || !t->atoms)
		r.bad = true;
	actors_regions_load(t, &r, na, nr);
	if (!r.bad && !events_load(t, &r, na, nr, ne, nt, &chrono))
		r.bad = true;
	zones_atoms_load(t, &r, na, nr, nz, nt);
	bool identity = false;
	order_load(t, &r, ne, chrono, &identity);
	timelines_load(t, &r, ne, nt, identity);
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
