/*
 * serve_tiles.c: OGC API - Tiles - Part 1 (OGC 20-057) for `frontline
 * serve`: the control collection as Mapbox Vector Tiles (tiles.h).
 *
 *   /tileMatrixSets                              the tile matrix sets (one)
 *   /tileMatrixSets/WebMercatorQuad              its definition (OGC 17-083r4)
 *   /collections/control/tiles                   the tilesets of the collection
 *   /collections/control/tiles/WebMercatorQuad   the tileset's metadata
 *   /collections/control/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}
 *                                                a tile: without datetime the
 *                                                whole history (each piece
 *                                                with its period), with
 *                                                datetime=D the map at D
 * A tile matrix, row or column that is not a number is a 400; one outside
 * the tile matrix set (zoom above 24, row or column past 2^zoom - 1) a 404,
 * as /req/core/tc-error allows; a tile with nothing in it a 204.  Tiles are
 * cached as pages of their own (serve_cache.c) under their zoom, column,
 * row and instant; the tileset (the periods in Web Mercator) is made on
 * the first tile request, under lib_lock, and kept with the server.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

#define T_MVT "application/vnd.mapbox-vector-tile"
#define TMS_URI "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
#define CRS_3857 "http://www.opengis.net/def/crs/EPSG/0/3857"
#define REL_SCHEME "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
#define HALF 20037508.3427892

static json_object *tms_doc(const char *o)
{
	json_object *d = json_object_new_object(), *m = json_object_new_array();
	json_object_object_add(d, "id", json_object_new_string("WebMercatorQuad"));
	json_object_object_add(d, "title", json_object_new_string("Google Maps Compatible for the World"));
	json_object_object_add(d, "uri", json_object_new_string(TMS_URI));
	json_object_object_add(d, "crs", json_object_new_string(CRS_3857));
	json_object *axes = json_object_new_array();
	json_object_array_add(axes, json_object_new_string("X"));
	json_object_array_add(axes, json_object_new_string("Y"));
	json_object_object_add(d, "orderedAxes", axes);
	json_object_object_add(
		d, "wellKnownScaleSet",
		json_object_new_string("http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible"));
	for (int z = 0; z <= FL_TILES_LIMIT_ZOOM; z++) {
		json_object *t = json_object_new_object(), *org = json_object_new_array();
		char id[8];
		snprintf(id, sizeof id, "%d", z);
		double cell = 2 * HALF / 256 / ldexp(1.0, z);
		json_object_object_add(t, "id", json_object_new_string(id));
		/* a standardised rendering pixel is 0.28 mm */
		json_object_object_add(t, "scaleDenominator", json_object_new_double(cell / 0.00028));
		json_object_object_add(t, "cellSize", json_object_new_double(cell));
		json_object_object_add(t, "cornerOfOrigin", json_object_new_string("topLeft"));
		json_object_array_add(org, json_object_new_double(-HALF));
		json_object_array_add(org, json_object_new_double(HALF));
		json_object_object_add(t, "pointOfOrigin", org);
		json_object_object_add(t, "tileWidth", json_object_new_int(256));
		json_object_object_add(t, "tileHeight", json_object_new_int(256));
		json_object_object_add(t, "matrixWidth", json_object_new_int64(1LL << z));
		json_object_object_add(t, "matrixHeight", json_object_new_int64(1LL << z));
		json_object_array_add(m, t);
	}
	json_object_object_add(d, "tileMatrices", m);
	json_object *links = json_object_new_array();
	char u[512];
	snprintf(u, sizeof u, "%s/tileMatrixSets/WebMercatorQuad", o);
	json_object_array_add(links, sv_link(u, "self", T_JSON, "this tile matrix set"));
	json_object_object_add(d, "links", links);
	return d;
}

/* f= or Accept (JSON or HTML) and the common parameters; -1 after an error. */
static int doc_format(const sv_request *rq, sp_format *fmt, sv_response *rs)
{
	char err[256];
	if (sv_check_args(rq, sv_item_params, rs))
		return -1;
	if (sp_parse_format(sv_arg_value(rq, "f"), rq->accept, fmt, err, sizeof err)) {
		sv_error(rs, 400, "%s", err);
		return -1;
	}
	return 0;
}

void sv_tms(const char *o, int nseg, char *const seg[], const sv_request *rq, sv_response *rs)
{
	sp_format fmt;
	if (nseg > 2 || (nseg == 2 && strcmp(seg[1], "WebMercatorQuad"))) {
		sv_error(rs, 404, "no such tile matrix set (there is one: WebMercatorQuad)");
		return;
	}
	if (doc_format(rq, &fmt, rs))
		return;
	json_object *d;
	if (nseg == 2) {
		d = tms_doc(o);
	} else {
		d = json_object_new_object();
		json_object *a = json_object_new_array(), *e = json_object_new_object(),
			    *links = json_object_new_array();
		char u[512];
		snprintf(u, sizeof u, "%s/tileMatrixSets/WebMercatorQuad", o);
		json_object_object_add(e, "id", json_object_new_string("WebMercatorQuad"));
		json_object_object_add(e, "title", json_object_new_string("Google Maps Compatible for the World"));
		json_object_object_add(e, "uri", json_object_new_string(TMS_URI));
		json_object_array_add(links, sv_link(u, "self", T_JSON, "WebMercatorQuad"));
		json_object_object_add(e, "links", links);
		json_object_array_add(a, e);
		json_object_object_add(d, "tileMatrixSets", a);
		links = json_object_new_array();
		snprintf(u, sizeof u, "%s/tileMatrixSets", o);
		sv_self_links(links, u, fmt, T_JSON, "?");
		json_object_object_add(d, "links", links);
	}
	sv_respond_doc(rs, fmt, T_JSON, "Tile matrix sets", d, NULL);
	json_object_put(d);
}

/* The tileset's metadata (list: its entry in the tilesets list). */
static json_object *tileset_doc(const sv_server *s, const char *o, int list)
{
	json_object *d = json_object_new_object(), *links = json_object_new_array();
	char u[512], v[640];
	snprintf(u, sizeof u, "%s/collections/control/tiles/WebMercatorQuad", o);
	json_object_object_add(d, "title", json_object_new_string("control"));
	json_object_object_add(d, "dataType", json_object_new_string("vector"));
	json_object_object_add(d, "crs", json_object_new_string(CRS_3857));
	json_object_object_add(d, "tileMatrixSetURI", json_object_new_string(TMS_URI));
	json_object_array_add(links, sv_link(u, "self", T_JSON, "the tileset"));
	snprintf(v, sizeof v, "%s/tileMatrixSets/WebMercatorQuad", o);
	json_object_array_add(links, sv_link(v, REL_SCHEME, T_JSON, "WebMercatorQuad"));
	if (!list) {
		snprintf(v, sizeof v, "%s/{tileMatrix}/{tileRow}/{tileCol}", u);
		json_object *item = sv_link(v, "item", T_MVT, "a tile (add datetime=D for the map at D)");
		json_object_object_add(item, "templated", json_object_new_boolean(1));
		json_object_array_add(links, item);
		json_object *layers = json_object_new_array();
		static const char *const ids[] = {"control", "zones", "places"};
		for (int i = 0; i < (s->places ? 3 : 2); i++) { /* places: points */
			json_object *l = json_object_new_object();
			json_object_object_add(l, "id", json_object_new_string(ids[i]));
			json_object_object_add(l, "dataType", json_object_new_string("vector"));
			json_object_object_add(l, "geometryDimension", json_object_new_int(i < 2 ? 2 : 0));
			json_object_array_add(layers, l);
		}
		json_object_object_add(d, "layers", layers);
		json_object *bb = json_object_new_object(), *lo = json_object_new_array(),
			    *hi = json_object_new_array();
		json_object_array_add(lo, json_object_new_double(s->extent[0]));
		json_object_array_add(lo, json_object_new_double(s->extent[1]));
		json_object_array_add(hi, json_object_new_double(s->extent[2]));
		json_object_array_add(hi, json_object_new_double(s->extent[3]));
		json_object_object_add(bb, "lowerLeft", lo);
		json_object_object_add(bb, "upperRight", hi);
		json_object_object_add(bb, "crs", json_object_new_string(CRS84));
		json_object_object_add(d, "boundingBox", bb);
	}
	json_object_object_add(d, "links", links);
	return d;
}

/* A tile coordinate: digits only, at most 9; -1 when not a number. */
static long coord(const char *p)
{
	size_t n = strlen(p);
	if (!n || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	return strtol(p, NULL, 10);
}

/* The tile's bytes as a page, from the cache or made under lib_lock; NULL
 * with an error response. */
static sv_page *tile_page(sv_server *s, const fl_instant *at, int z, int x, int y,
			  sv_response *rs)
{
	char key[96];
	int n = snprintf(key, sizeof key, "tile/%d/%d/%d/%s%lld", z, x, y, at ? "" : "-",
			 at ? (long long)*at : 0LL);
	sv_page *p = sv_cache_page(&s->cache, key, (size_t)n);
	if (p) {
		sv_cache_note(s, rs, "tile", "hit");
		return p;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	fl_status st = FL_OK;
	pthread_mutex_lock(&s->lib_lock);
	if (!s->tiles)
		st = fl_tileset_new(s->t, NULL, &s->tiles);
	if (!st)
		st = fl_tileset_tile(s->tiles, at, z, x, y, &buf, &len);
	if (st)
		sv_error(rs, 500, "tile %d/%d/%d: %s", z, y, x, fl_error_last());
	pthread_mutex_unlock(&s->lib_lock);
	if (st)
		return NULL;
	p = sv_page_make(0, (const char *)buf, len, NULL, 0, NULL);
	fl_free(buf);
	if (!p) {
		sv_error(rs, 500, "out of memory");
		return NULL;
	}
	sv_cache_put_page(&s->cache, 0, key, (size_t)n, p);
	sv_cache_note(s, rs, "tile", "miss");
	return p;
}

static void tile(sv_server *s, char *const v[3], const sv_request *rq, sv_response *rs)
{
	char err[256];
	long c[3];
	static const char *const names[] = {"tileMatrix", "tileRow", "tileCol"};
	for (int i = 0; i < 3; i++)
		if ((c[i] = coord(v[i])) < 0) {
			sv_error(rs, 400, "%s '%.24s': expected a whole number", names[i], v[i]);
			return;
		}
	if (c[0] > FL_TILES_LIMIT_ZOOM || c[1] >= (1L << c[0]) || c[2] >= (1L << c[0])) {
		sv_error(rs, 404,
			 "no tile %ld/%ld/%ld in WebMercatorQuad (tile matrices 0 to %d, rows and "
			 "columns 0 to 2^tileMatrix - 1)",
			 c[0], c[1], c[2], FL_TILES_LIMIT_ZOOM);
		return;
	}
	sp_datetime dt;
	if (sv_check_args(rq, sv_item_params, rs))
		return;
	if (sp_parse_datetime_in(s->t, sv_arg_value(rq, "datetime"), &dt, err, sizeof err)) {
		sv_error(rs, 400, "%s", err);
		return;
	}
	if (dt.present && (dt.interval || dt.start.open)) {
		sv_error(rs, 400, "datetime: a tile is the map at an instant (give one date or "
				  "date-time, for example 2020-11-25), or the whole history without it");
		return;
	}
	fl_instant at = dt.start.hi; /* a day: the map at its end, as the items */
	sv_page *p = tile_page(s, dt.present ? &at : NULL, (int)c[0], (int)c[2], (int)c[1], rs);
	if (!p)
		return;
	rs->type = T_MVT;
	if (!p->len) {
		sv_page_release(p);
		rs->status = 204;
		return;
	}
	rs->status = 200;
	rs->page = p;
}

void sv_tiles(sv_server *s, const char *o, const sv_request *rq, sv_response *rs)
{
	/* /collections/{c}/tiles[/{tms}[/{z}/{y}/{x}]] */
	char path[512], *seg[8] = {0};
	int n = 0;
	snprintf(path, sizeof path, "%s", rq->path);
	size_t pl = strlen(path);
	if (pl > 1 && path[pl - 1] == '/')
		path[pl - 1] = 0;
	for (char *p = path + 1; p && *p && n < 8; n++) {
		seg[n] = p;
		p = strchr(p, '/');
		if (p)
			*p++ = 0;
	}
	if (n < 3) {
		sv_error(rs, 404, "no such resource (tiles are at /collections/control/tiles)");
		return;
	}
	if (strcmp(seg[1], "control")) {
		sv_error(rs, 404, "no tiles for collection '%.40s' (the control collection has them)",
			 seg[1]);
		return;
	}
	if (n >= 4 && strcmp(seg[3], "WebMercatorQuad")) {
		sv_error(rs, 404, "no tileset '%.40s' (there is one: WebMercatorQuad)", seg[3]);
		return;
	}
	if (n == 7) {
		tile(s, &seg[4], rq, rs);
		return;
	}
	if (n != 3 && n != 4) {
		sv_error(rs, 404, "no such resource (tiles are at "
				  "/collections/control/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol})");
		return;
	}
	sp_format fmt;
	if (doc_format(rq, &fmt, rs))
		return;
	json_object *d;
	if (n == 4) {
		d = tileset_doc(s, o, 0);
	} else {
		d = json_object_new_object();
		json_object *a = json_object_new_array(), *links = json_object_new_array();
		json_object_array_add(a, tileset_doc(s, o, 1));
		json_object_object_add(d, "tilesets", a);
		char u[512];
		snprintf(u, sizeof u, "%s/collections/control/tiles", o);
		sv_self_links(links, u, fmt, T_JSON, "?");
		json_object_object_add(d, "links", links);
	}
	sv_respond_doc(rs, fmt, T_JSON, "Tiles of control", d, NULL);
	json_object_put(d);
}
