/*
 * serve_items.c: the features of a collection: /collections/{id}/items (a
 * page of them, filtered by bbox and datetime) and /items/{fid} (one).
 *
 * A page is a list of slices of the feature set's bytes (serve_fset.c) between
 * a head and a tail, sent without copying them; the common page (GeoJSON,
 * no bbox, the first page) is made once and kept whole (serve_pages.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

/* The feature set and time range for a collection and datetime, or an error
 * response.  Returns a reference the caller releases; *hit is 1 when it came
 * from the cache, 0 when it was made now, -1 for a fixed collection. */
static sv_fset *select_set(sv_server *s, int c, const sp_datetime *dt, fl_instant *lo,
			   fl_instant *hi, int *hit, sv_response *rs)
{
	char err[512];
	int status = 500;
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	sv_fset *f = NULL;
	fl_instant now = fl_instant_now();
	fl_instant latest = s->nwhen && s->when[s->nwhen - 1] > now ? s->when[s->nwhen - 1] : now;
	*hit = -1;
	if (c == SV_CONTROL || c == SV_FRONT || c == SV_PLACES) {
		if (dt->interval) {
			sv_error(rs, 400,
			      "datetime: the %s collection is %s at an instant (give one "
			      "date or date-time, for example 2020-11-25); for an interval use the "
			      "changes collection", sv_colls[c].id, c == SV_FRONT ? "the front line" : "the map");
			return NULL;
		}
		fl_instant at = dt->present ? dt->start.hi : latest;
		f = c == SV_FRONT    ? sv_front(s, at, hit, err, sizeof err, &status)
		    : c == SV_PLACES ? sv_places(s, at, hit, err, sizeof err, &status)
				     : sv_control(s, at, hit, err, sizeof err, &status);
	} else if (c == SV_CHANGES) {
		if (dt->present && !dt->interval) {
			sv_error(rs, 400,
			      "datetime: the changes collection needs an interval D1/D2 (for example "
			      "datetime=2020-11-09/2020-12-02, or ../D2, D1/..), not an instant");
			return NULL;
		}
		/* absent: what the latest event instant changed */
		fl_instant last = s->nwhen ? s->when[s->nwhen - 1] : 0;
		fl_instant t1 = !dt->present ? last - 1
				: dt->start.open ? (s->nwhen ? s->when[0] - 1 : 0)
						 : dt->start.hi;
		fl_instant t2 = !dt->present || dt->end.open ? latest : dt->end.hi;
		if (t1 > t2) {
			sv_error(rs, 400,
			      "datetime: the interval ends before it starts (a date-only start is the "
			      "end of that day)");
			return NULL;
		}
		f = sv_changes(s, t1, t2, hit, err, sizeof err, &status);
	} else {
		f = s->fixed[c];
		sv_fset_retain(f);
		if (c != SV_REGIONS)
			sp_datetime_range(dt, lo, hi);
	}
	if (!f)
		sv_error(rs, status, "%s", err);
	return f;
}

/* A page of features as HTML: the collection's head as a document (links
 * owned by it), the features drawn from their properties. */
static void html_page(sv_response *rs, int c, size_t matched, size_t returned, const char *stamp,
		      json_object *links, const sv_feature *const *feats, const char *datetime)
{
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, "type", json_object_new_string("FeatureCollection"));
	json_object_object_add(doc, "numberMatched", json_object_new_int64((int64_t)matched));
	json_object_object_add(doc, "numberReturned", json_object_new_int64((int64_t)returned));
	json_object_object_add(doc, "timeStamp", json_object_new_string(stamp));
	json_object_object_add(doc, "links", links);
	char title[128];
	snprintf(title, sizeof title, "%s: features", sv_colls[c].title);
	sv_respond_html(rs, title, doc, feats, returned, datetime);
	json_object_put(doc);
}

const char *const sv_item_params[] = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime",
					  NULL};

/* The page of f: the features that meet bb (when present) and [lo, hi],
 * from offset, at most limit, as slices of the set's bytes, consecutive
 * features merged into one slice (with the comma between).  *sl is
 * malloc'd; -1 with an error response on failure. */
typedef struct sv_page_sel {
	sv_slice *sl;
	size_t ns, matched, returned;
	const sv_feature **feats; /* the features returned */
} sv_page_sel;

static int select_page(sv_fset *f, const sp_bbox *bb, fl_instant lo, fl_instant hi, long limit,
		       long offset, sv_page_sel *pg, sv_response *rs)
{
	char err[512];
	memset(pg, 0, sizeof *pg);
	unsigned char *hit = NULL; /* with bbox: the features whose geometry meets it */
	size_t most = f->n < (size_t)limit ? f->n : (size_t)limit;
	if (f->n) {
		pg->sl = malloc(most * sizeof *pg->sl);
		pg->feats = malloc(most * sizeof *pg->feats);
	}
	if (f->n && bb->present)
		hit = malloc(f->n);
	if (f->n && (!pg->sl || !pg->feats || (bb->present && !hit))) {
		free(pg->sl);
		free(pg->feats);
		free(hit);
		sv_error(rs, 500, "out of memory");
		return -1;
	}
	if (hit && sv_fset_bbox(f, bb, hit, err, sizeof err)) {
		free(pg->sl);
		free(pg->feats);
		free(hit);
		sv_error(rs, 500, "%s", err);
		return -1;
	}
	sv_slice *sl = pg->sl;
	for (size_t i = 0; i < f->n; i++) {
		const sv_feature *ft = &f->v[i];
		if (hit && !hit[i])
			continue;
		if (ft->t1 < lo || ft->t0 > hi)
			continue;
		if (pg->matched++ < (size_t)offset || pg->returned >= (size_t)limit)
			continue;
		const char *p = f->all + f->pos[i];
		size_t n = ft->len;
		if (pg->ns && sl[pg->ns - 1].p + sl[pg->ns - 1].n + 1 == p) {
			sl[pg->ns - 1].n += 1 + n; /* the next one in the set: extend */
		} else {
			if (pg->ns) { /* a gap: start a slice at the comma before this feature */
				p--;
				n++;
			}
			sl[pg->ns++] = (sv_slice){p, n};
		}
		pg->feats[pg->returned++] = ft;
	}
	free(hit);
	return 0;
}

/* links of a page: self, alternate, next, prev, collection */
static json_object *page_links(const char *o, int c, const sv_request *rq, sp_format fmt,
			       long limit, long offset, size_t matched)
{
	sv_buf q = {0};
	const char *keep[] = {"datetime", "bbox", "bbox-crs"};
	for (size_t k = 0; k < 3; k++) {
		const char *v = sv_arg_value(rq, keep[k]);
		if (v) {
			sv_buf_printf(&q, "&%s=", keep[k]);
			sv_buf_url(&q, v);
		}
	}
	char base[512];
	snprintf(base, sizeof base, "%s/collections/%s/items", o, sv_colls[c].id);
	json_object *links = json_object_new_array();
	const char *qs = q.p ? q.p : "";
	sv_buf u = {0};
	for (int which = 0; which < 4; which++) {
		long off = which < 2 ? offset : which == 2 ? offset + limit : offset - limit;
		if (which == 2 && (size_t)(offset + limit) >= matched)
			continue;
		if (which == 3 && offset == 0)
			continue;
		if (off < 0)
			off = 0;
		int html = which == 1 ? fmt == SP_JSON : fmt == SP_HTML;
		u.n = 0;
		sv_buf_printf(&u, "%s?f=%s%s&limit=%ld&offset=%ld", base, html ? "html" : "json", qs,
			      limit, off);
		const char *rel = which == 0 ? "self" : which == 1 ? "alternate" : which == 2 ? "next" : "prev";
		json_object_array_add(links, sv_link(u.p ? u.p : "", rel, html ? "text/html" : T_GEOJSON,
						     NULL));
	}
	u.n = 0;
	sv_buf_printf(&u, "%s/collections/%s", o, sv_colls[c].id);
	json_object_array_add(links, sv_link(u.p ? u.p : "", "collection", T_JSON, sv_colls[c].title));
	free(u.p);
	free(q.p);
	return links;
}

/* The key of the common page in the cache: the set and what the links say
 * (the collection, origin, limit and datetime as given). */
static void page_key(sv_buf *key, const sv_fset *f, int c, const char *o, long limit,
		     const char *datetime)
{
	struct {
		unsigned long long set;
		long coll, limit;
	} head = {f->uid, c, limit};
	sv_buf_add(key, (const char *)&head, sizeof head);
	sv_buf_add(key, o, strlen(o) + 1);
	sv_buf_str(key, datetime ? "=" : "-"); /* present (perhaps empty) or absent */
	if (datetime)
		sv_buf_str(key, datetime);
}

/* A page of f, made now (its timeStamp is now): HTML, or GeoJSON as slices
 * of the set's bytes; the common page (key->n > 0) whole, then kept. */
static void send_page(sv_server *s, const char *o, int c, const sv_request *rq, sp_format fmt,
		      sv_fset *f, const sp_bbox *bb, fl_instant lo, fl_instant hi, long limit,
		      long offset, const sv_buf *key, sv_response *rs)
{
	sv_page_sel pg;
	if (select_page(f, bb, lo, hi, limit, offset, &pg, rs)) {
		sv_fset_release(f);
		return;
	}
	json_object *links = page_links(o, c, rq, fmt, limit, offset, pg.matched);
	char stamp[32];
	fl_instant now = fl_instant_now();
	sv_iso(s->t, now, stamp, sizeof stamp);
	if (fmt == SP_HTML) {
		html_page(rs, c, pg.matched, pg.returned, stamp, links, pg.feats,
			  sv_arg_value(rq, "datetime"));
		free(pg.sl);
		free(pg.feats);
		sv_fset_release(f);
		return;
	}
	free(pg.feats);
	sv_buf out = {0};
	sv_buf_printf(&out,
		      "{\"type\":\"FeatureCollection\",\"numberMatched\":%zu,\"numberReturned\":%zu,"
		      "\"timeStamp\":\"%s\",\"links\":",
		      pg.matched, pg.returned, stamp);
	sv_buf_str(&out, json_object_to_json_string_ext(links, JSON_C_TO_STRING_PLAIN |
								       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(links);
	sv_buf_str(&out, ",\"features\":[");
	if (out.oom) {
		free(out.p);
		free(pg.sl);
		sv_fset_release(f);
		sv_error(rs, 500, "out of memory");
		return;
	}
	sv_page *p = key->n && !key->oom ? sv_page_make(now, out.p, out.n, pg.sl, pg.ns, "]}") : NULL;
	if (p) {
		sv_cache_put_page(&s->cache, f->uid, key->p, key->n, p);
		free(out.p);
		free(pg.sl);
		sv_fset_release(f);
		rs->status = 200;
		rs->type = T_GEOJSON;
		rs->page = p;
		return;
	}
	sv_respond(rs, 200, T_GEOJSON, out.p, out.n);
	rs->slices = pg.sl;
	rs->nslices = pg.ns;
	rs->hold = f; /* our reference, released when the response is gone */
	rs->tail = "]}";
}

/* What select_set's hit says of the feature set, for X-Frontline-Cache. */
static const char *set_note(int hit)
{
	return hit < 0 ? "fixed" : hit ? "hit" : "miss";
}

void sv_items(sv_server *s, const char *o, int c, const sv_request *rq, sv_response *rs)
{
	char err[512];
	sp_format fmt;
	sp_datetime dt;
	sp_bbox bb;
	long limit, offset;
	if (sv_check_args(rq, sv_item_params, rs))
		return;
	const char *bcrs = sv_arg_value(rq, "bbox-crs");
	if (sp_parse_format(sv_arg_value(rq, "f"), rq->accept, &fmt, err, sizeof err) ||
	    sp_parse_limit(sv_arg_value(rq, "limit"), &limit, err, sizeof err) ||
	    sp_parse_offset(sv_arg_value(rq, "offset"), &offset, err, sizeof err) ||
	    sp_parse_bbox(sv_arg_value(rq, "bbox"), &bb, err, sizeof err) ||
	    sp_parse_datetime_in(s->t, sv_arg_value(rq, "datetime"), &dt, err, sizeof err)) {
		sv_error(rs, 400, "%s", err);
		return;
	}
	if (bcrs && strcmp(bcrs, CRS84) != 0) {
		sv_error(rs, 400, "bbox-crs: only %s is supported", CRS84);
		return;
	}
	fl_instant lo, hi;
	int hit;
	sv_fset *f = select_set(s, c, &dt, &lo, &hi, &hit, rs);
	if (!f)
		return;
	const char *feats = set_note(hit);
	/* the common page: made once, then sent as it is */
	sv_buf key = {0};
	if (fmt == SP_JSON && !bb.present && !bcrs && offset == 0) {
		page_key(&key, f, c, o, limit, sv_arg_value(rq, "datetime"));
		sv_page *p = key.oom ? NULL : sv_cache_page(&s->cache, key.p, key.n);
		if (p) {
			free(key.p);
			sv_fset_release(f);
			rs->status = 200;
			rs->type = T_GEOJSON;
			rs->page = p;
			sv_cache_note(s, rs, feats, "hit");
			return;
		}
	}
	send_page(s, o, c, rq, fmt, f, &bb, lo, hi, limit, offset, &key, rs);
	free(key.p);
	sv_cache_note(s, rs, feats, rs->page ? "miss" : "none");
}

void sv_item(sv_server *s, const char *o, int c, const char *fid, const sv_request *rq,
		 sv_response *rs)
{
	static const char *const params[] = {"f", "datetime", NULL};
	char err[512];
	sp_format fmt;
	sp_datetime dt;
	if (sv_check_args(rq, params, rs))
		return;
	if (sp_parse_format(sv_arg_value(rq, "f"), rq->accept, &fmt, err, sizeof err) ||
	    sp_parse_datetime_in(s->t, sv_arg_value(rq, "datetime"), &dt, err, sizeof err)) {
		sv_error(rs, 400, "%s", err);
		return;
	}
	fl_instant lo, hi;
	int hit;
	sv_fset *f = select_set(s, c, &dt, &lo, &hi, &hit, rs);
	if (!f)
		return;
	sv_cache_note(s, rs, set_note(hit), "none");
	const sv_feature *ft = NULL;
	for (size_t i = 0; i < f->n && !ft; i++)
		if (strcmp(f->v[i].id, fid) == 0)
			ft = &f->v[i];
	if (!ft) {
		sv_fset_release(f);
		char shown[80];
		snprintf(shown, sizeof shown, "%s", fid);
		for (char *p = shown; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
		sv_error(rs, 404, "collection '%s' has no feature '%s'%s", sv_colls[c].id, shown,
			 c == SV_CONTROL || c == SV_CHANGES || c == SV_FRONT || c == SV_PLACES ? " at this datetime" : "");
		return;
	}
	json_object *links = json_object_new_array();
	sv_buf u = {0};
	sv_buf_printf(&u, "%s/collections/%s/items/", o, sv_colls[c].id);
	sv_buf_url(&u, fid);
	const char *dtv = sv_arg_value(rq, "datetime");
	if (dtv) {
		sv_buf_str(&u, "?datetime=");
		sv_buf_url(&u, dtv);
	}
	sv_self_links(links, u.p ? u.p : "", fmt, T_GEOJSON, dtv ? "&" : "?");
	u.n = 0;
	sv_buf_printf(&u, "%s/collections/%s", o, sv_colls[c].id);
	json_object_array_add(links, sv_link(u.p ? u.p : "", "collection", T_JSON, sv_colls[c].title));
	free(u.p);
	if (fmt == SP_HTML) {
		/* the feature's id and links as the document, its properties drawn */
		json_object *doc = json_object_new_object();
		json_object_object_add(doc, "type", json_object_new_string("Feature"));
		json_object_object_add(doc, "id", json_object_new_string(ft->id));
		json_object_object_add(doc, "links", links);
		char title[160];
		snprintf(title, sizeof title, "%s: %s", sv_colls[c].title, fid);
		sv_respond_html(rs, title, doc, &ft, 1, dtv);
		json_object_put(doc);
	} else {
		/* the feature's bytes with the links as their last member */
		sv_buf out = {0};
		sv_buf_add(&out, ft->json, ft->len - 1);
		sv_buf_str(&out, ",\"links\":");
		sv_buf_str(&out, json_object_to_json_string_ext(
					 links, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		sv_buf_str(&out, "}");
		json_object_put(links);
		if (out.oom) {
			free(out.p);
			sv_error(rs, 500, "out of memory");
		} else {
			sv_respond(rs, 200, T_GEOJSON, out.p, out.n);
		}
	}
	sv_fset_release(f);
}
