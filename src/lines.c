/*
 * lines.c: the front line at an instant (lines.h).
 *
 * The atoms' shared borders are found once per tracker (front_edges.c);
 * here every atom gets its holder at the instant, and each border whose two
 * atoms have different holders (both held) joins the line of that pair of
 * holders.  A line's segments are merged into strings with GEOSLineMerge
 * and its length is the sum of its borders' geodesic lengths, found once.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "front.h"
#include "geo.h"
#include "lines_priv.h"
#include "replay.h"
#include "sink.h"
#include "tracker_priv.h"
#include "util.h"

struct fl_lines {
	const fl_tracker *t;
	fl_line *lines;
	unsigned char **wkb;
	size_t *wkblen;
	size_t n;
	double total_km;
};

/* Every atom's nominal holder under q (FL_NONE where nobody holds it). */
static int *holders_at(const fl_tracker *t, const fl_query *q)
{
	unsigned char *active = fl__active_events(t, q);
	int *holder = malloc((t->natoms + 1) * sizeof *holder);
	if (!active || !holder) {
		free(active), free(holder);
		fl__fail(FL_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t a = 0; a < t->natoms; a++)
		fl__atom_state(t, a, active, q->at, &holder[a], NULL);
	free(active);
	return holder;
}

fl_status fl_front_length(const fl_tracker *t, const fl_query *q, double *per_actor, double *total)
{
	if (!t || !q || !per_actor)
		return fl__fail(FL_EARG, "fl_front_length: tracker, query and per_actor are needed");
	const fl__front *f = fl__front_of(t);
	int *holder = f ? holders_at(t, q) : NULL;
	if (!holder)
		return FL_ENOMEM; /* (the error is set) */
	double all = 0;
	memset(per_actor, 0, t->nactors * sizeof *per_actor);
	for (size_t p = 0; p < f->npairs; p++) {
		int ha = holder[f->a[p]], hb = holder[f->b[p]];
		if (fl__front_is(ha, hb))
			per_actor[ha] += f->km[p], per_actor[hb] += f->km[p], all += f->km[p];
	}
	if (total)
		*total = all;
	free(holder);
	return FL_OK;
}

static bool wanted(const fl_query *q, int a, int b)
{
	if (!q->nholders)
		return true;
	for (size_t i = 0; i < q->nholders; i++)
		if (q->holders[i] == a || q->holders[i] == b)
			return true;
	return false;
}

/* Pair p's segments into line slot (the line's) as GEOS line strings. */
static bool add_segments(GEOSContextHandle_t h, const fl__front *f, size_t p, GEOSGeometry ***v, size_t *n,
			 size_t *cap)
{
	for (size_t s = f->s0[p]; s < f->s0[p + 1]; s++) {
		GEOSGeometry **nv = fl__grow(*v, cap, *n + 1, sizeof *nv);
		if (!nv)
			return false;
		*v = nv;
		GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
		if (!cs)
			return false;
		const double *c = f->seg + 4 * s;
		GEOSCoordSeq_setXY_r(h, cs, 0, c[0], c[1]);
		GEOSCoordSeq_setXY_r(h, cs, 1, c[2], c[3]);
		if (!((*v)[*n] = GEOSGeom_createLineString_r(h, cs)))
			return false;
		(*n)++;
	}
	return true;
}

/* The merged strings of segments v[0, n) (taken) as a MultiLineString's WKB. */
static unsigned char *merged_wkb(GEOSContextHandle_t h, GEOSGeometry **v, size_t n, size_t *len)
{
	GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, v, (unsigned)n);
	if (!coll) {
		for (size_t i = 0; i < n; i++)
			GEOSGeom_destroy_r(h, v[i]);
		return NULL;
	}
	GEOSGeometry *m = GEOSLineMerge_r(h, coll);
	GEOSGeom_destroy_r(h, coll);
	if (m && GEOSGeomTypeId_r(h, m) == GEOS_LINESTRING) {
		GEOSGeometry *one[1] = {m};
		m = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, one, 1);
		if (!m)
			GEOSGeom_destroy_r(h, one[0]);
	}
	unsigned char *w = m ? fl__geos_to_wkb(h, m, len) : NULL;
	if (m)
		GEOSGeom_destroy_r(h, m);
	return w;
}

static int cmp_pair_key(const void *p, const void *q)
{
	const uint64_t a = *(const uint64_t *)p, b = *(const uint64_t *)q;
	return (a > b) - (a < b);
}

/* The lines of l from every atom's holder: the front pairs, keyed by
 * (holder_a, holder_b) << 32 | pair and sorted, then one line per run. */
static fl_status build(fl_lines *l, const fl__front *f, const int *holder, const fl_query *q)
{
	GEOSContextHandle_t h = l->t->geos;
	uint64_t *key = malloc((f->npairs + 1) * sizeof *key);
	size_t nk = 0;
	if (!key)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t p = 0; p < f->npairs; p++) {
		int ha = holder[f->a[p]], hb = holder[f->b[p]];
		if (!fl__front_is(ha, hb) || !wanted(q, ha, hb))
			continue;
		int lo = ha < hb ? ha : hb, hi = ha < hb ? hb : ha;
		key[nk++] = ((uint64_t)lo << 48) | ((uint64_t)hi << 32) | p;
	}
	qsort(key, nk, sizeof *key, cmp_pair_key);
	size_t nl = 0;
	for (size_t i = 0; i < nk; i++)
		nl += !i || (key[i] >> 32) != (key[i - 1] >> 32);
	l->lines = calloc(nl + 1, sizeof *l->lines);
	l->wkb = calloc(nl + 1, sizeof *l->wkb);
	l->wkblen = calloc(nl + 1, sizeof *l->wkblen);
	fl_status st = l->lines && l->wkb && l->wkblen ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	GEOSGeometry **v = NULL;
	size_t nv, vcap = 0;
	for (size_t i = 0; i < nk && !st;) {
		fl_line *ln = &l->lines[l->n];
		ln->holder_a = (int)(key[i] >> 48), ln->holder_b = (int)((key[i] >> 32) & 0xffff);
		nv = 0;
		size_t j = i;
		for (; j < nk && (key[j] >> 32) == (key[i] >> 32); j++) {
			size_t p = key[j] & 0xffffffffu;
			ln->length_km += f->km[p];
			if (!add_segments(h, f, p, &v, &nv, &vcap))
				st = fl__fail(FL_ENOMEM, "out of memory building the front line");
		}
		if (!st && !(l->wkb[l->n] = merged_wkb(h, v, nv, &l->wkblen[l->n])))
			st = fl__fail(FL_EGEOM, "cannot merge the front line's segments");
		else if (st)
			for (size_t k = 0; k < nv; k++)
				GEOSGeom_destroy_r(h, v[k]);
		l->total_km += ln->length_km;
		l->n++;
		i = j;
	}
	free(v), free(key);
	return st;
}

fl_status fl_lines_new(const fl_tracker *t, const fl_query *q, fl_lines **out)
{
	*out = NULL;
	if (!t || !q)
		return fl__fail(FL_EARG, "fl_lines_new: tracker and query are needed");
	if (t->nactors >= 0xffff)
		return fl__fail(FL_EARG, "fl_lines_new: the tracker has %zu actors, more than the front "
					 "line handles (65534)", t->nactors);
	const fl__front *f = fl__front_of(t);
	int *holder = f ? holders_at(t, q) : NULL;
	if (!holder)
		return FL_ENOMEM; /* (the error is set) */
	fl_lines *l = calloc(1, sizeof *l);
	fl_status st = l ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	if (l) {
		l->t = t;
		st = build(l, f, holder, q);
	}
	free(holder);
	return FL__HAND_OVER(st, l, fl_lines_free, out);
}

void fl_lines_free(fl_lines *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n && l->wkb; i++)
		free(l->wkb[i]);
	free(l->wkb), free(l->wkblen), free(l->lines);
	free(l);
}

size_t fl_lines_count(const fl_lines *l) { return l ? l->n : 0; }

const fl_line *fl_lines_at(const fl_lines *l, size_t i) { return l && i < l->n ? &l->lines[i] : NULL; }

const unsigned char *fl_lines_wkb(const fl_lines *l, size_t i, size_t *len)
{
	if (!l || i >= l->n)
		return NULL;
	*len = l->wkblen[i];
	return l->wkb[i];
}

const fl_tracker *fl__lines_tracker(const fl_lines *l) { return l->t; }

double fl_lines_total_km(const fl_lines *l) { return l ? l->total_km : 0; }

static fl_status lines_emit(const fl_lines *l, const char *path, const char *format, unsigned char **buf,
			    size_t *len)
{
	static const fl__field fields[] = {{"holder_a", FL__STR}, {"holder_b", FL__STR}, {"name_a", FL__STR},
					   {"name_b", FL__STR},	  {"length_km", FL__REAL}};
	const fl_tracker *t = l->t;
	fl__sink *k = NULL;
	fl_status st = fl__sink_open_lines(path, format, "front", fields, 5, &k);
	for (size_t i = 0; i < l->n && !st; i++) {
		const fl_actor *a = &t->actors[l->lines[i].holder_a], *b = &t->actors[l->lines[i].holder_b];
		fl__value v[5] = {{.s = a->id},
				  {.s = b->id},
				  {.null = !a->name, .s = a->name},
				  {.null = !b->name, .s = b->name},
				  {.d = l->lines[i].length_km}};
		unsigned char *w = malloc(l->wkblen[i] + 1);
		if (!w) {
			st = fl__fail(FL_ENOMEM, "out of memory");
			break;
		}
		memcpy(w, l->wkb[i], l->wkblen[i]);
		st = fl__sink_add_wkb(k, v, w, l->wkblen[i]);
	}
	if (st) {
		fl__sink_abort(k);
		return st;
	}
	return buf ? fl__sink_commit_mem(k, buf, len) : fl__sink_commit(k);
}

fl_status fl_lines_write(const fl_lines *l, const char *path, const char *format)
{
	return lines_emit(l, path, format, NULL, NULL);
}

fl_status fl_lines_write_buffer(const fl_lines *l, const char *format, unsigned char **buf, size_t *len)
{
	return lines_emit(l, NULL, format ? format : "GeoJSON", buf, len);
}
