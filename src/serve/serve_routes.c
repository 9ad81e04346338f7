/*
 * serve_routes.c: one request of `frontline serve`, answered.
 *
 * OGC API - Features - Part 1: Core, with the GeoJSON and HTML encodings:
 *   /                                 landing page
 *   /api                              the API definition (OpenAPI 3.0)
 *   /conformance                      the conformance classes
 *   /collections                      control, changes, events, regions, zones, front
 *   /collections/{id}                 one collection
 *   /collections/{id}/items           features: bbox, datetime, limit, offset
 *   /collections/{id}/items/{fid}     one feature
 *   /viewer, /viewer/..., /static/leaflet/...   the map viewer (serve_static.c);
 *                                     /viewer takes date=D and compare=D1/D2
 *   /basemap, /basemap/{layer}        the viewer's base map (serve_basemap.c)
 *   /tileMatrixSets..., /collections/control/tiles...   OGC API - Tiles: vector
 *                                     tiles of the whole history (serve_tiles.c)
 * The landing page carries the tracker's attribution (its README's
 * "Attribution:" line, null when it has none), which the viewer shows.
 * A control character in the path or a parameter (%00, %0A ...) is a 400.
 * Every error is a JSON body {"code", "description"} with 400, 404, 405 or 500.
 * Nothing here knows about HTTP libraries: cmd_serve.c turns an sv_response
 * into libmicrohttpd calls, and tests could call sv_handle() directly.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fl_config.h"
#include "serve.h"

/* The viewer's page: date=D opens it on a day, compare=D1/D2 in compare mode
 * (viewer.js reads both, and keeps them in the URL as the user moves). */
static const char *const viewer_params[] = {"date", "compare", "tiles", NULL};

static int viewer_check(const sv_request *rq, sv_response *rs)
{
	char err[400];
	sp_datetime d;
	const char *date = sv_arg_value(rq, "date"), *cmp = sv_arg_value(rq, "compare");
	if (date && (sp_parse_datetime(date, &d, err, sizeof err) || d.interval ||
		     !d.start.date_only)) {
		sv_error(rs, 400, "date: expected a day such as 2020-11-25");
		return -1;
	}
	if (cmp && (sp_parse_datetime(cmp, &d, err, sizeof err) || !d.interval || d.start.open ||
		    d.end.open || !d.start.date_only || !d.end.date_only)) {
		sv_error(rs, 400, "compare: expected two days D1/D2 such as 2020-11-09/2020-12-02");
		return -1;
	}
	const char *tiles = sv_arg_value(rq, "tiles");
	if (tiles && strcmp(tiles, "0") && strcmp(tiles, "1")) {
		sv_error(rs, 400, "tiles: expected 1 (draw tiles) or 0 (draw features)");
		return -1;
	}
	return 0;
}

/* "http://host:port" from a sane Host header, else the address we listen on. */
static void origin(const sv_server *s, const sv_request *rq, char *buf, size_t len)
{
	const char *h = rq->host;
	int ok = h && *h && strlen(h) < 100;
	for (const char *p = h; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr(".-:[]", *p);
	if (ok)
		snprintf(buf, len, "http://%s", h);
	else
		snprintf(buf, len, "%s", s->origin);
}

static int find_coll(const char *id)
{
	for (int i = 0; i < SV_NCOLL; i++)
		if (strcmp(sv_colls[i].id, id) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- resources */
static void landing(const sv_server *s, const char *o, sp_format fmt, const char *dtv,
		    sv_response *rs)
{
	json_object *d = json_object_new_object(), *links = json_object_new_array();
	json_object_object_add(d, "title", json_object_new_string("frontline"));
	json_object_object_add(
		d, "description",
		json_object_new_string("Territorial control over time, from the tracker "
				       "published by frontline serve (OGC API - Features)."));
	json_object_object_add(d, "attribution",
			       s->attribution ? json_object_new_string(s->attribution) : NULL);
	char u[512];
	snprintf(u, sizeof u, "%s/", o);
	sv_self_links(links, u, fmt, T_JSON, "?");
	snprintf(u, sizeof u, "%s/api", o);
	json_object_array_add(links, sv_link(u, "service-desc", T_OPENAPI, "the API definition"));
	snprintf(u, sizeof u, "%s/conformance", o);
	json_object_array_add(links, sv_link(u, "conformance", T_JSON, "conformance classes"));
	snprintf(u, sizeof u, "%s/collections", o);
	json_object_array_add(links, sv_link(u, "data", T_JSON, "the collections"));
	snprintf(u, sizeof u, "%s/tileMatrixSets", o);
	json_object_array_add(links, sv_link(u, "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
					     T_JSON, "tile matrix sets"));
	snprintf(u, sizeof u, "%s/viewer", o);
	json_object_array_add(links, sv_link(u, "service-doc", "text/html", "map viewer with a date slider"));
	json_object_object_add(d, "links", links);
	sv_respond_doc(rs, fmt, T_JSON, "frontline", d, dtv);
	json_object_put(d);
}

static void conformance(sp_format fmt, const char *dtv, sv_response *rs)
{
	static const char *const classes[] = {
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/datetime",
		"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt"};
	json_object *d = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		json_object_array_add(a, json_object_new_string(classes[i]));
	json_object_object_add(d, "conformsTo", a);
	sv_respond_doc(rs, fmt, T_JSON, "Conformance", d, dtv);
	json_object_put(d);
}

static json_object *collection_doc(const sv_server *s, const char *o, int c, sp_format fmt)
{
	json_object *d = json_object_new_object(), *links = json_object_new_array();
	json_object_object_add(d, "id", json_object_new_string(sv_colls[c].id));
	json_object_object_add(d, "title", json_object_new_string(sv_colls[c].title));
	json_object_object_add(d, "description", json_object_new_string(sv_colls[c].description));
	char u[512], v[600];
	snprintf(u, sizeof u, "%s/collections/%s", o, sv_colls[c].id);
	sv_self_links(links, u, fmt, T_JSON, "?");
	snprintf(v, sizeof v, "%s/items?f=json", u);
	json_object_array_add(links, sv_link(v, "items", T_GEOJSON, "the features as GeoJSON"));
	snprintf(v, sizeof v, "%s/items?f=html", u);
	json_object_array_add(links, sv_link(v, "items", "text/html", "the features as HTML"));
	if (c == SV_CONTROL) {
		snprintf(v, sizeof v, "%s/tiles", u);
		json_object_array_add(links, sv_link(v, "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
						     T_JSON, "vector tiles of the whole history"));
	}
	json_object_object_add(d, "links", links);
	json_object *ext = json_object_new_object(), *sp = json_object_new_object(),
		    *bb = json_object_new_array(), *b1 = json_object_new_array();
	for (int i = 0; i < 4; i++)
		json_object_array_add(b1, json_object_new_double(s->extent[i]));
	json_object_array_add(bb, b1);
	json_object_object_add(sp, "bbox", bb);
	json_object_object_add(sp, "crs", json_object_new_string(CRS84));
	json_object_object_add(ext, "spatial", sp);
	if (c != SV_REGIONS && s->nwhen) {
		json_object *tm = json_object_new_object(), *iv = json_object_new_array(),
			    *i1 = json_object_new_array();
		char a[32], b[32];
		sv_iso(s->t, s->when[0], a, sizeof a);
		sv_iso(s->t, s->when[s->nwhen - 1], b, sizeof b);
		json_object_array_add(i1, json_object_new_string(a));
		json_object_array_add(i1, c == SV_ZONES ? NULL : json_object_new_string(b));
		json_object_array_add(iv, i1);
		json_object_object_add(tm, "interval", iv);
		json_object_object_add(
			tm, "trs",
			json_object_new_string("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"));
		json_object_object_add(ext, "temporal", tm);
	}
	json_object_object_add(d, "extent", ext);
	json_object_object_add(d, "itemType", json_object_new_string("feature"));
	json_object *crs = json_object_new_array();
	json_object_array_add(crs, json_object_new_string(CRS84));
	json_object_object_add(d, "crs", crs);
	if (c == SV_CONTROL || c == SV_CHANGES || c == SV_FRONT || c == SV_PLACES)
		json_object_object_add(d, "actors", json_object_get(s->actors));
	if (c == SV_CONTROL) /* the viewer draws tiles when there are many */
		json_object_object_add(d, "regionCount",
				       json_object_new_int64((int64_t)fl_tracker_region_count(s->t)));
	return d;
}

static void collections(const sv_server *s, const char *o, sp_format fmt, const char *dtv,
			sv_response *rs)
{
	json_object *d = json_object_new_object(), *links = json_object_new_array(),
		    *a = json_object_new_array();
	char u[512];
	snprintf(u, sizeof u, "%s/collections", o);
	sv_self_links(links, u, fmt, T_JSON, "?");
	json_object_object_add(d, "links", links);
	for (int c = 0; c < SV_NCOLL; c++)
		if (sv_coll_present(s, c))
			json_object_array_add(a, collection_doc(s, o, c, SP_JSON));
	json_object_object_add(d, "collections", a);
	sv_respond_doc(rs, fmt, T_JSON, "Collections", d, dtv);
	json_object_put(d);
}

/* A minimal OpenAPI 3.0 definition of the paths and parameters above. */
static void api(const char *o, sp_format fmt, const char *dtv, sv_response *rs)
{
	static const char *const text =
		"{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"frontline\",\"version\":\"" FL_VERSION
		"\",\"description\":\"Territorial control over time (OGC API - Features).\"},"
		"\"paths\":{"
		"\"/\":{\"get\":{\"summary\":\"landing page\",\"parameters\":[{\"$ref\":\"#/components/parameters/f\"}],"
		"\"responses\":{\"200\":{\"description\":\"links\"}}}},"
		"\"/conformance\":{\"get\":{\"summary\":\"conformance classes\",\"parameters\":[{\"$ref\":\"#/components/parameters/f\"}],"
		"\"responses\":{\"200\":{\"description\":\"conformance\"}}}},"
		"\"/collections\":{\"get\":{\"summary\":\"collections\",\"parameters\":[{\"$ref\":\"#/components/parameters/f\"}],"
		"\"responses\":{\"200\":{\"description\":\"collections\"}}}},"
		"\"/collections/{collectionId}\":{\"get\":{\"summary\":\"a collection\",\"parameters\":["
		"{\"$ref\":\"#/components/parameters/collectionId\"},{\"$ref\":\"#/components/parameters/f\"}],"
		"\"responses\":{\"200\":{\"description\":\"collection\"},\"404\":{\"description\":\"no such collection\"}}}},"
		"\"/collections/{collectionId}/items\":{\"get\":{\"summary\":\"features\",\"parameters\":["
		"{\"$ref\":\"#/components/parameters/collectionId\"},{\"$ref\":\"#/components/parameters/f\"},"
		"{\"$ref\":\"#/components/parameters/limit\"},{\"$ref\":\"#/components/parameters/offset\"},"
		"{\"$ref\":\"#/components/parameters/bbox\"},{\"$ref\":\"#/components/parameters/datetime\"}],"
		"\"responses\":{\"200\":{\"description\":\"features\",\"content\":{\"application/geo+json\":{}}},"
		"\"400\":{\"description\":\"bad parameter\"},\"404\":{\"description\":\"no such collection\"}}}},"
		"\"/collections/{collectionId}/items/{featureId}\":{\"get\":{\"summary\":\"a feature\",\"parameters\":["
		"{\"$ref\":\"#/components/parameters/collectionId\"},{\"name\":\"featureId\",\"in\":\"path\",\"required\":true,"
		"\"schema\":{\"type\":\"string\"}},{\"$ref\":\"#/components/parameters/f\"},{\"$ref\":\"#/components/parameters/datetime\"}],"
		"\"responses\":{\"200\":{\"description\":\"feature\",\"content\":{\"application/geo+json\":{}}},"
		"\"404\":{\"description\":\"no such feature\"}}}}},"
		"\"components\":{\"parameters\":{"
		"\"collectionId\":{\"name\":\"collectionId\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\","
		"\"enum\":[\"control\",\"changes\",\"events\",\"regions\",\"zones\"]}},"
		"\"f\":{\"name\":\"f\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"string\",\"enum\":[\"json\",\"html\"]}},"
		"\"limit\":{\"name\":\"limit\",\"in\":\"query\",\"required\":false,\"style\":\"form\",\"explode\":false,"
		"\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000,\"default\":1000}},"
		"\"offset\":{\"name\":\"offset\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"integer\",\"minimum\":0,\"default\":0}},"
		"\"bbox\":{\"name\":\"bbox\",\"in\":\"query\",\"required\":false,\"style\":\"form\",\"explode\":false,"
		"\"schema\":{\"type\":\"array\",\"minItems\":4,\"maxItems\":6,\"items\":{\"type\":\"number\"}}},"
		"\"datetime\":{\"name\":\"datetime\",\"in\":\"query\",\"required\":false,\"style\":\"form\",\"explode\":false,"
		"\"schema\":{\"type\":\"string\"}}}}}";
	json_object *doc = json_tokener_parse(text);
	if (!doc) {
		sv_error(rs, 500, "the API definition is broken");
		return;
	}
	json_object *servers = json_object_new_array(), *srv = json_object_new_object();
	json_object_object_add(srv, "url", json_object_new_string(o));
	json_object_array_add(servers, srv);
	json_object_object_add(doc, "servers", servers);
	sv_respond_doc(rs, fmt, T_OPENAPI, "API definition", doc, dtv);
	json_object_put(doc);
}

/* ---------------------------------------------------------------- routing */
/* The path split into at most 5 segments in seg (pointing into buf), a
 * trailing '/' ignored; their number. */
static int split_path(const char *url, char *buf, size_t len, char *seg[5])
{
	snprintf(buf, len, "%s", url);
	size_t pl = strlen(buf);
	if (pl > 1 && buf[pl - 1] == '/')
		buf[pl - 1] = 0;
	int nseg = 0;
	for (char *p = buf + 1; *p && nseg < 5;) {
		seg[nseg++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = 0;
		p = slash + 1;
	}
	return nseg;
}

void sv_handle(sv_server *s, const sv_request *rq, sv_response *rs)
{
	memset(rs, 0, sizeof *rs);
	char err[256];
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
		rs->allow = "GET, HEAD";
		sv_error(rs, 405, "method %.16s not allowed: this service is read-only (GET, HEAD)",
		      rq->method);
		return;
	}
	if (sp_path_check(rq->path, err, sizeof err)) {
		char shown[120];
		snprintf(shown, sizeof shown, "%s", rq->path);
		for (char *p = shown; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
		sv_error(rs, 400, "bad path '%s': %s", shown, err);
		return;
	}
	for (size_t i = 0; i < rq->nargs; i++)
		if (sp_control_check(rq->args[i].key, rq->args[i].key, "name", err, sizeof err) ||
		    sp_control_check(rq->args[i].key, rq->args[i].value, "value", err, sizeof err)) {
			sv_error(rs, 400, "%s", err);
			return;
		}
	const sv_file *file = sv_static_find(s->files, rq->path);
	if (file) {
		int viewer = sv_static_is_viewer(rq->path);
		if (rq->nargs && sv_check_args(rq, viewer ? viewer_params : (const char *const[]){NULL}, rs))
			return;
		if (viewer && viewer_check(rq, rs))
			return;
		rs->status = 200;
		rs->type = file->type;
		rs->body = file->data;
		rs->len = file->len;
		rs->owned = 0;
		return;
	}
	if (!strncmp(rq->path, "/viewer", 7) || !strncmp(rq->path, "/static/", 8)) {
		sv_error(rs, 404, "no such file (the viewer serves a fixed list of files)");
		return;
	}
	char path[1100];
	char *seg[5] = {0};
	int nseg = split_path(rq->path, path, sizeof path, seg);
	char o[200];
	origin(s, rq, o, sizeof o);
	if (nseg >= 1 && !strcmp(seg[0], "basemap")) {
		sv_basemap(s, o, nseg, seg, rq, rs);
		return;
	}
	if (nseg >= 1 && !strcmp(seg[0], "tileMatrixSets")) {
		sv_tms(o, nseg, seg, rq, rs);
		return;
	}
	if (nseg >= 3 && !strcmp(seg[0], "collections") && !strcmp(seg[2], "tiles")) {
		sv_tiles(s, o, rq, rs);
		return;
	}
	sp_format fmt = SP_JSON;
	if (nseg <= 2 || (nseg == 3 && strcmp(seg[2], "items"))) {
		/* the item parameters are accepted (and ignored, but for the date an
		 * HTML page shows) here: clients such as GDAL add the ones of a user's
		 * URL to every request */
		sp_datetime dt;
		if (sv_check_args(rq, sv_item_params, rs))
			return;
		if (sp_parse_format(sv_arg_value(rq, "f"), rq->accept, &fmt, err, sizeof err) ||
		    sp_parse_datetime_in(s->t, sv_arg_value(rq, "datetime"), &dt, err, sizeof err)) {
			sv_error(rs, 400, "%s", err);
			return;
		}
	}
	if (nseg == 0) {
		landing(s, o, fmt, sv_arg_value(rq, "datetime"), rs);
		return;
	}
	if (nseg == 1 && !strcmp(seg[0], "conformance")) {
		conformance(fmt, sv_arg_value(rq, "datetime"), rs);
		return;
	}
	if (nseg == 1 && !strcmp(seg[0], "api")) {
		api(o, fmt, sv_arg_value(rq, "datetime"), rs);
		return;
	}
	if (nseg >= 1 && !strcmp(seg[0], "collections")) {
		if (nseg == 1) {
			collections(s, o, fmt, sv_arg_value(rq, "datetime"), rs);
			return;
		}
		int c = find_coll(seg[1]);
		if (!sv_coll_present(s, c)) {
			char shown[64];
			snprintf(shown, sizeof shown, "%s", seg[1]);
			for (char *p = shown; *p; p++)
				if (!isprint((unsigned char)*p))
					*p = '?';
			sv_error(rs, 404,
			      "no collection '%s' (collections: control, changes, events, regions, "
			      "zones, front%s)", shown, s->places ? ", places" : "");
			return;
		}
		if (nseg == 2) {
			json_object *d = collection_doc(s, o, c, fmt);
			sv_respond_doc(rs, fmt, T_JSON, sv_colls[c].title, d, sv_arg_value(rq, "datetime"));
			json_object_put(d);
			return;
		}
		if (nseg == 3 && !strcmp(seg[2], "items")) {
			sv_items(s, o, c, rq, rs);
			return;
		}
		if (nseg == 4 && !strcmp(seg[2], "items")) {
			sv_item(s, o, c, seg[3], rq, rs);
			return;
		}
	}
	sv_error(rs, 404, "no such resource (start at /, /collections or /viewer)");
}
