/*
 * tiles.c: the whole history as vector tiles (tiles.h): the tileset (the
 * periods, zones and places in Web Mercator), one tile, and every tile of a
 * range of zooms.
 *
 * A tile is made from the features whose envelope meets it and its buffer:
 * for one tile (serve) the envelopes are tested one by one; for all tiles of
 * a zoom (an export) each feature lists the tiles its envelope covers, and
 * the list, sorted, gives every tile its features at once.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "evcols.h"
#include "fail.h"
#include "geo.h"
#include "periods.h"
#include "tiles_priv.h"
#include "tracker_priv.h"
#include "tz.h"
#include "util.h"

void fl_tileset_free(fl_tileset *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++)
		if (ts->f[i].geom)
			GEOSGeom_destroy_r(ts->geos, ts->f[i].geom);
	if (ts->geos)
		GEOS_finish_r(ts->geos);
	fl_places_free(ts->places);
	free(ts->f), free(ts->per);
	free(ts);
}

/* Feature ts->f[ts->n] from g (lon/lat); false on failure. */
static bool add_feat(fl_tileset *ts, const GEOSGeometry *g, int layer, size_t idx, fl_instant from,
		     fl_instant to)
{
	fl__tfeat *f = &ts->f[ts->n];
	f->geom = fl__geom_merc(ts->geos, g);
	if (!f->geom)
		return false;
	ts->n++;
	f->layer = layer;
	f->idx = idx;
	f->from = from;
	f->to = to;
	if (GEOSisEmpty_r(ts->geos, f->geom) ||
	    !GEOSGeom_getXMin_r(ts->geos, f->geom, &f->box[0]) ||
	    !GEOSGeom_getYMin_r(ts->geos, f->geom, &f->box[1]) ||
	    !GEOSGeom_getXMax_r(ts->geos, f->geom, &f->box[2]) ||
	    !GEOSGeom_getYMax_r(ts->geos, f->geom, &f->box[3]))
		f->box[0] = f->box[1] = 1, f->box[2] = f->box[3] = 0; /* meets no tile */
	return true;
}

/* The end of a zone valid to `to`: a zone is valid all its last day (as
 * the zones layer writes it, a date), so the first second after that day. */
static fl_instant zone_end(const fl_tracker *t, fl_instant to)
{
	char day[16];
	fl_instant end;
	fl_tracker_format_date(t, to, day, sizeof day);
	if (fl_tracker_parse_date(t, day, FL_DATE_END, "valid_to", &end) != FL_OK) {
		fl_error_clear();
		return to;
	}
	return end + 1;
}

/* The tracker's places (places.geojson) into ts->places, NULL when it has
 * none. */
static fl_status open_places(const fl_tracker *t, fl_places **out)
{
	*out = NULL;
	char *path = fl_tracker_places_path(t);
	fl_status st = path ? fl_places_open(t, path, NULL, out) : FL_OK;
	fl_free(path);
	return st;
}

/* The places inside the tracker's bounds as features of the places layer. */
static fl_status add_places(fl_tileset *ts)
{
	double box[4];
	if (!ts->places)
		return FL_OK;
	if (!fl__tiles_bounds(ts->t, box)) /* no geometry: every place */
		box[0] = -180, box[1] = -90, box[2] = 180, box[3] = 90;
	ts->pop_f = fl__places_field(ts->places, "POP_MAX");
	ts->rank_f = fl__places_field(ts->places, "SCALERANK");
	size_t n = fl_places_count(ts->places);
	for (size_t i = 0; i < n; i++) {
		const fl_place *pl = fl_places_at(ts->places, i);
		if (pl->lon < box[0] || pl->lon > box[2] || pl->lat < box[1] || pl->lat > box[3])
			continue;
		GEOSGeometry *g = GEOSGeom_createPointFromXY_r(ts->geos, pl->lon, pl->lat);
		bool ok = g && add_feat(ts, g, FL__TL_PLACES, i, INT64_MIN, INT64_MAX);
		if (g)
			GEOSGeom_destroy_r(ts->geos, g);
		if (!ok)
			return fl__fail(FL_EGEOM, "%s: place %zu cannot be projected",
					fl_places_path(ts->places), i + 1);
	}
	return FL_OK;
}

fl_status fl_tileset_new(const fl_tracker *t, const fl_query *filters, fl_tileset **out)
{
	if (!t || !out)
		return fl__fail(FL_EARG, "fl_tileset_new: NULL argument");
	*out = NULL;
	fl_periods *p = NULL;
	fl_places *pl = NULL;
	fl_status st = open_places(t, &pl);
	if (!st)
		st = fl_periods_new(t, filters, &p);
	if (st) {
		fl_places_free(pl);
		return st;
	}
	fl_tileset *ts = calloc(1, sizeof *ts);
	size_t np = fl_periods_count(p), n = np + t->nzones + fl_places_count(pl);
	if (!ts)
		fl_places_free(pl);
	if (ts) {
		ts->t = t;
		ts->places = pl;
		if (filters)
			ts->q = *filters;
		ts->q.holders = NULL, ts->q.nholders = 0;
		ts->geos = fl__geos_new();
		ts->per = malloc((np + 1) * sizeof *ts->per);
		ts->f = calloc(n + 1, sizeof *ts->f);
	}
	if (!ts || !ts->geos || !ts->per || !ts->f)
		st = fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < np; i++) {
		const fl_period *x = fl_periods_at(p, i);
		ts->per[ts->nper++] = *x;
		if (!add_feat(ts, fl__periods_geom(p, i), FL__TL_CONTROL, i, x->from,
			      x->has_to ? x->to : INT64_MAX))
			st = fl__fail(FL_EGEOM, "a period's geometry cannot be projected");
	}
	for (size_t i = 0; !st && i < t->nzones; i++) {
		const fl_zone *z = &t->zones[i].pub;
		if (t->zones[i].geom &&
		    !add_feat(ts, t->zones[i].geom, FL__TL_ZONES, i, z->valid_from,
			      z->has_end ? zone_end(t, z->valid_to) : INT64_MAX))
			st = fl__fail(FL_EGEOM, "zone %s: its geometry cannot be projected", z->id);
	}
	if (!st)
		st = add_places(ts);
	fl_periods_free(p);
	return FL__HAND_OVER(st, ts, fl_tileset_free, out);
}

/* ------------------------------------------------------------ properties */
static int64_t day_of(const fl_tracker *t, fl_instant s)
{
	int64_t c = fl__tz_to_civil(t->tz, s);
	return c >= 0 ? c / 86400 : -((-c + 86399) / 86400);
}

static int put_times(fl__mvt *m, const fl_tracker *t, fl_instant from, fl_instant to)
{
	bool open = to == INT64_MAX;
	return fl__mvt_int(m, "valid_from", from) |
	       fl__mvt_int(m, "valid_to", open ? FL_TILES_OPEN_END : to) |
	       fl__mvt_int(m, "valid_from_day", day_of(t, from)) |
	       fl__mvt_int(m, "valid_to_day", open ? FL_TILES_OPEN_END : day_of(t, to));
}

static int period_props(fl__mvt *m, const fl_tracker *t, const fl_period *x, const fl__tfeat *f)
{
	const fl_actor *a = &t->actors[x->holder];
	const fl_event *e = &fl__event_at(t, (size_t)x->event)->pub;
	int bad = fl__mvt_str(m, "holder", a->id) | fl__mvt_str(m, "holder_name", a->name);
	if (a->color && *a->color)
		bad |= fl__mvt_str(m, "color", a->color);
	char *parties = fl__actor_parties_text(t, x->holder, ";");
	if (parties)
		bad |= fl__mvt_str(m, "contested", parties);
	free(parties);
	if (x->region != FL_NONE) {
		const fl_region *r = &t->regions[x->region].pub;
		bad |= fl__mvt_str(m, "region", r->id) | fl__mvt_str(m, "region_name", r->name);
	}
	bad |= fl__mvt_str(m, "event", e->id) |
	       fl__mvt_str(m, "status", fl_event_status_name(e->status)) |
	       fl__mvt_str(m, "kind", fl_event_kind_name(e->kind)) |
	       fl__mvt_bool(m, "partial", e->partial != 0) |
	       fl__mvt_bool(m, "uncertain", x->uncertain != 0);
	return bad | put_times(m, t, f->from, f->to);
}

static int zone_props(fl__mvt *m, const fl_tracker *t, const fl__tfeat *f)
{
	const fl_zone *z = &t->zones[f->idx].pub;
	int bad = fl__mvt_str(m, "id", z->id);
	if (z->name)
		bad |= fl__mvt_str(m, "name", z->name);
	if (z->actor != FL_NONE)
		bad |= fl__mvt_str(m, "actor", t->actors[z->actor].id);
	if (z->kind)
		bad |= fl__mvt_str(m, "kind", z->kind);
	bad |= fl__mvt_bool(m, "approximate", z->approximate != 0);
	return bad | put_times(m, t, f->from, f->to);
}

/* Place i's field j as a number under key, when it is one. */
static int num_prop(fl__mvt *m, const fl_places *p, size_t i, long j, const char *key)
{
	const char *v = j >= 0 ? fl_places_value(p, i, (size_t)j) : NULL;
	char *end = NULL;
	double d = v ? strtod(v, &end) : 0;
	if (!v || end == v || *end || !isfinite(d))
		return 0;
	if (d == floor(d) && fabs(d) < 9e15)
		return fl__mvt_int(m, key, (int64_t)d);
	return fl__mvt_double(m, key, d);
}

/* ps: the places' states at the tile's date, NULL for the whole history. */
static int place_props(fl__mvt *m, const fl_tileset *ts, const fl__tfeat *f,
		       const fl_place_state *ps)
{
	const fl_place *pl = fl_places_at(ts->places, f->idx);
	int bad = pl->name ? fl__mvt_str(m, "name", pl->name) : 0;
	bad |= num_prop(m, ts->places, f->idx, ts->pop_f, "pop_max") |
	       num_prop(m, ts->places, f->idx, ts->rank_f, "scalerank");
	if (ps && ps[f->idx].holder != FL_NONE) {
		const fl_actor *a = &ts->t->actors[ps[f->idx].holder];
		bad |= fl__mvt_str(m, "holder", a->id) | fl__mvt_str(m, "holder_name", a->name);
	}
	return bad;
}

/* ----------------------------------------------------------------- a tile */
static const char *const layer_names[] = {"control", "zones", "places"};

/* Feature f's properties in the tile being built; nonzero when memory runs out. */
static int props(fl__mvt *m, const fl_tileset *ts, const fl__tfeat *f, const fl_place_state *ps)
{
	if (f->layer == FL__TL_PLACES)
		return place_props(m, ts, f, ps);
	return f->layer == FL__TL_CONTROL ? period_props(m, ts->t, &ts->per[f->idx], f)
					  : zone_props(m, ts->t, f);
}

/* The places' states at *at when some of cand[0, nc) is a place (malloc'd;
 * *out NULL when none is, or at is NULL). */
static fl_status place_states(const fl_tileset *ts, const fl_instant *at, const size_t *cand,
			      size_t nc, fl_place_state **out)
{
	*out = NULL;
	if (!at || !nc || ts->f[cand[nc - 1]].layer != FL__TL_PLACES)
		return FL_OK;
	fl_query q = ts->q;
	q.at = *at;
	*out = malloc((fl_places_count(ts->places) + 1) * sizeof **out);
	if (!*out)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_status st = fl_places_state(ts->places, &q, *out);
	if (st) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/* The features cand[0, nc) (ascending: by layer) cut to the tile, into
 * parts (NULL: the feature as it is; -1 in keep: not shown), and the hot
 * points of all of them. */
static fl_status cut_all(const fl_tileset *ts, const fl_instant *at, const double b[4],
			 const size_t *cand, size_t nc, GEOSGeometry **parts, signed char *keep,
			 fl__hot *hot)
{
	for (size_t i = 0; i < nc; i++) {
		const fl__tfeat *f = &ts->f[cand[i]];
		keep[i] = -1;
		if (at && (*at < f->from || *at >= f->to))
			continue;
		int r = fl__tile_clip(ts->geos, f->geom, b, &parts[i]);
		if (r < 0)
			return fl__fail(FL_EGEOM, "a geometry cannot be cut to the tile");
		keep[i] = (signed char)(r ? 1 : -1);
		if (r && f->layer != FL__TL_PLACES && fl__tile_hot(ts->geos, parts[i] ? parts[i] : f->geom, b, hot))
			return fl__fail(FL_ENOMEM, "out of memory");
	}
	return FL_OK;
}

/* Tile z/x/y of the features cand[0, nc) (ascending: by layer). */
static fl_status encode(const fl_tileset *ts, const fl_instant *at, int z, int x, int y,
			const size_t *cand, size_t nc, unsigned char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	double b[4];
	fl__tile_bounds(z, x, y, b);
	int layer = -1;
	fl__mvt *m = fl__mvt_new();
	fl__u32s cmd = {0};
	fl__hot hot = {0};
	GEOSGeometry **parts = calloc(nc + 1, sizeof *parts);
	signed char *keep = calloc(nc + 1, 1);
	fl_place_state *ps = NULL;
	fl_status st = m && parts && keep ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = cut_all(ts, at, b, cand, nc, parts, keep, &hot);
	if (!st)
		st = place_states(ts, at, cand, nc, &ps);
	for (size_t i = 0; i < nc && !st; i++) {
		const fl__tfeat *f = &ts->f[cand[i]];
		if (keep[i] < 0)
			continue;
		cmd.n = 0;
		int type = 0, r = fl__tile_geom(ts->geos, parts[i] ? parts[i] : f->geom, b, &hot, &cmd,
						&type);
		if (r < 0) {
			st = fl__fail(FL_ENOMEM, "tile %d/%d/%d: out of memory", z, x, y);
			break;
		}
		if (!r)
			continue;
		bool bad = false;
		if (f->layer != layer) {
			layer = f->layer;
			bad = fl__mvt_layer(m, layer_names[layer]) != 0;
		}
		if (bad || fl__mvt_feature(m, type, cmd.v, cmd.n) || props(m, ts, f, ps))
			st = fl__fail(FL_ENOMEM, "out of memory");
	}
	if (!st)
		st = fl__mvt_pack(m, buf, len);
	for (size_t i = 0; parts && i < nc; i++)
		if (parts[i])
			GEOSGeom_destroy_r(ts->geos, parts[i]);
	free(parts), free(keep), free(cmd.v), free(ps);
	fl__hot_free(&hot);
	fl__mvt_free(m);
	return st;
}

static fl_status check_tile(int z, int x, int y)
{
	if (z < 0 || z > FL_TILES_LIMIT_ZOOM)
		return fl__fail(FL_EARG, "tile zoom %d: expected 0 to %d", z, FL_TILES_LIMIT_ZOOM);
	long long n = 1LL << z;
	if (x < 0 || x >= n || y < 0 || y >= n)
		return fl__fail(FL_EARG, "tile %d/%d/%d: x and y must be in 0 to %lld", z, x, y,
				n - 1);
	return FL_OK;
}

/* Whether box e, grown by the buffer of a tile of zoom z, meets bounds b. */
static bool meets(const double e[4], const double b[4])
{
	double buf = (b[2] - b[0]) * FL__TILE_BUFFER / FL__TILE_EXTENT;
	return e[0] <= b[2] + buf && e[2] >= b[0] - buf && e[1] <= b[3] + buf &&
	       e[3] >= b[1] - buf;
}

fl_status fl_tileset_tile(const fl_tileset *ts, const fl_instant *at, int z, int x, int y,
			  unsigned char **buf, size_t *len)
{
	if (!ts || !buf || !len)
		return fl__fail(FL_EARG, "fl_tileset_tile: NULL argument");
	*buf = NULL;
	*len = 0;
	fl_status st = check_tile(z, x, y);
	if (st)
		return st;
	double b[4];
	fl__tile_bounds(z, x, y, b);
	size_t *cand = malloc((ts->n + 1) * sizeof *cand), nc = 0;
	if (!cand)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < ts->n; i++)
		if (meets(ts->f[i].box, b))
			cand[nc++] = i;
	st = encode(ts, at, z, x, y, cand, nc, buf, len);
	free(cand);
	return st;
}

fl_status fl_tile_mvt(const fl_tracker *t, const fl_query *q, int z, int x, int y,
		      unsigned char **buf, size_t *len)
{
	if (!t || !buf || !len)
		return fl__fail(FL_EARG, "fl_tile_mvt: NULL argument");
	fl_status st = check_tile(z, x, y);
	fl_tileset *ts = NULL;
	if (!st)
		st = fl_tileset_new(t, q, &ts);
	if (!st)
		st = fl_tileset_tile(ts, q ? &q->at : NULL, z, x, y, buf, len);
	fl_tileset_free(ts);
	return st;
}

/* ------------------------------------------------------------ every tile */
typedef struct tref {
	uint64_t key; /* x << 32 | y */
	size_t f;
} tref;

static int cmp_tref(const void *a, const void *b)
{
	const tref *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->f < y->f ? -1 : x->f > y->f;
}

static long tile_of(double v, double size, long n)
{
	double c = floor(v / size);
	return c < 0 ? 0 : c >= (double)n ? n - 1 : (long)c;
}

/* Every (tile, feature) of zoom z whose envelopes meet, sorted; NULL when
 * memory runs out (*n 0 and a non-NULL empty list when none). */
static tref *zoom_refs(const fl_tileset *ts, const fl_instant *at, int z, size_t *n)
{
	long nt = 1L << z;
	double size = 2 * FL__MERC_HALF / (double)nt, buf = size * FL__TILE_BUFFER / FL__TILE_EXTENT;
	size_t cap = 0;
	tref *v = fl__grow(NULL, &cap, 16, sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < ts->n; i++) {
		const fl__tfeat *f = &ts->f[i];
		if (f->box[0] > f->box[2] || (at && (*at < f->from || *at >= f->to)))
			continue;
		long x0 = tile_of(f->box[0] - buf + FL__MERC_HALF, size, nt);
		long x1 = tile_of(f->box[2] + buf + FL__MERC_HALF, size, nt);
		long y0 = tile_of(FL__MERC_HALF - f->box[3] - buf, size, nt);
		long y1 = tile_of(FL__MERC_HALF - f->box[1] + buf, size, nt);
		size_t add = (size_t)(x1 - x0 + 1) * (size_t)(y1 - y0 + 1);
		tref *nv = fl__grow(v, &cap, *n + add, sizeof *nv);
		if (!nv) {
			free(v);
			return NULL;
		}
		v = nv;
		for (long x = x0; x <= x1; x++)
			for (long y = y0; y <= y1; y++)
				v[(*n)++] = (tref){((uint64_t)x << 32) | (uint64_t)y, i};
	}
	if (v)
		qsort(v, *n, sizeof *v, cmp_tref);
	return v;
}

static fl_status each_zoom(const fl_tileset *ts, const fl_instant *at, int z, fl_tile_fn cb,
			   void *ud)
{
	size_t n = 0;
	tref *v = zoom_refs(ts, at, z, &n);
	size_t *cand = malloc((ts->n + 1) * sizeof *cand);
	fl_status st = v && cand ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !st;) {
		size_t j = i, nc = 0;
		for (; j < n && v[j].key == v[i].key; j++)
			cand[nc++] = v[j].f;
		int x = (int)(v[i].key >> 32), y = (int)(v[i].key & 0xffffffffu);
		unsigned char *buf = NULL;
		size_t len = 0;
		st = encode(ts, at, z, x, y, cand, nc, &buf, &len);
		int r = !st && len ? cb(ud, z, x, y, buf, len) : 0;
		if (r)
			st = fl__fail(r >= FL_EINPUT && r <= FL_ELOCK ? (fl_status)r : FL_EIO,
				      "stopped by the callback at tile %d/%d/%d", z, x, y);
		free(buf);
		i = j;
	}
	free(v), free(cand);
	return st;
}

fl_status fl_tiles_each(const fl_tracker *t, const fl_query *q, const fl_tile_opts *opts,
			fl_tile_fn cb, void *ud)
{
	if (!t || !cb)
		return fl__fail(FL_EARG, "fl_tiles_each: NULL argument");
	int minz, maxz;
	fl_status st = fl_tiles_zooms(t, opts, &minz, &maxz);
	fl_tileset *ts = NULL;
	if (!st)
		st = fl_tileset_new(t, q, &ts);
	for (int z = minz; !st && z <= maxz; z++)
		st = each_zoom(ts, q ? &q->at : NULL, z, cb, ud);
	fl_tileset_free(ts);
	return st;
}
