/*
 * serve_routes.c: one request of `frontline serve`, answered.
 *
 * OGC API - Features - Part 1: Core, with the GeoJSON and HTML encodings:
 *   /                                 landing page
 *   /api                              the API definition (OpenAPI 3.0)
 *   /conformance                      the conformance classes
 *   /collections                      control, changes, events, regions, zones
 *   /collections/{id}                 one collection
 *   /collections/{id}/items           features: bbox, datetime, limit, offset
 *   /collections/{id}/items/{fid}     one feature
 *   /viewer, /viewer/..., /static/leaflet/...   the map viewer (serve_static.c);
 *                                     /viewer takes date=D and compare=D1/D2
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


const sv_coll_info sv_colls[SV_NCOLL] = {
	[SV_CONTROL] = {"control", "Control at an instant",
			"Who holds each region (or piece of one) at the datetime instant, the latest "
			"map when datetime is absent: holder, since, the event, its status and "
			"source. A date-only datetime means the end of that day (UTC). An interval "
			"is refused: use changes."},
	[SV_CHANGES] = {"changes", "Changes over an interval",
			"The pieces whose holder at the end of the datetime interval D1/D2 differs "
			"from their holder at its start, with from, to, area_km2 and the events of "
			"(D1, D2]. datetime must be an interval (../D2 starts before the first "
			"event, D1/.. ends now); without it, what the latest event changed."},
	[SV_EVENTS] = {"events", "Change log",
		       "Every event of the change log in the order they apply, with the union of "
		       "its area as geometry; datetime keeps the events whose instant falls in "
		       "it (a date-only instant is the whole day)."},
	[SV_REGIONS] = {"regions", "Regions",
			"The tracked regions with their names in both languages and geodesic "
			"area; datetime is accepted and ignored (regions do not change)."},
	[SV_ZONES] = {"zones", "Zones",
		      "Presence that is not control (peacekeeping zones, monitoring centres); "
		      "datetime keeps the zones valid at some point of it."},
};

/* ------------------------------------------------------------- responses */
void sv_respond(sv_response *rs, int status, const char *type, char *body, size_t len)
{
	rs->status = status;
	rs->type = type;
	rs->body = (unsigned char *)body;
	rs->len = len;
	rs->owned = 1;
}

void sv_respond_json(sv_response *rs, int status, const char *type, json_object *doc)
{
	size_t len = 0;
	const char *s = json_object_to_json_string_length(
		doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	char *body = s ? malloc(len + 1) : NULL;
	if (body)
		memcpy(body, s, len + 1);
	sv_respond(rs, body ? status : 500, type, body, body ? len : 0);
}

void sv_error(sv_response *rs, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *code = status == 400   ? "InvalidParameterValue"
			   : status == 404 ? "NotFound"
			   : status == 405 ? "MethodNotAllowed"
					   : "ServerError";
	json_object *o = json_object_new_object();
	json_object_object_add(o, "code", json_object_new_string(code));
	json_object_object_add(o, "description", json_object_new_string(msg));
	sv_respond_json(rs, status, T_JSON, o);
	json_object_put(o);
}

/* A JSON document as JSON, or as an HTML page. */
void sv_respond_html(sv_response *rs, const char *title, json_object *doc,
		     const sv_feature *const *feats, size_t nfeats, const char *datetime)
{
	size_t len = 0;
	char *page = sv_html_page(title, doc, feats, nfeats, datetime, &len);
	if (!page)
		sv_error(rs, 500, "out of memory");
	else
		sv_respond(rs, 200, T_HTML, page, len);
}

void sv_respond_doc(sv_response *rs, sp_format fmt, const char *type, const char *title,
		    json_object *doc, const char *datetime)
{
	if (fmt == SP_HTML)
		sv_respond_html(rs, title, doc, NULL, 0, datetime);
	else
		sv_respond_json(rs, 200, type, doc);
}

/* --------------------------------------------------------------- helpers */
const char *sv_arg_value(const sv_request *rq, const char *key)
{
	for (size_t i = 0; i < rq->nargs; i++)
		if (strcmp(rq->args[i].key, key) == 0)
			return rq->args[i].value ? rq->args[i].value : "";
	return NULL;
}

/* Every parameter must be one the API defines (OGC API Features, /req/core/
 * query-param-unknown); a parameter given twice is refused too. */
int sv_check_args(const sv_request *rq, const char *const *allowed, sv_response *rs)
{
	for (size_t i = 0; i < rq->nargs; i++) {
		int ok = 0;
		for (size_t k = 0; allowed[k] && !ok; k++)
			ok = strcmp(rq->args[i].key, allowed[k]) == 0;
		char shown[64];
		snprintf(shown, sizeof shown, "%s", rq->args[i].key);
		for (char *p = shown; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
		if (!ok) {
			sv_buf b = {0};
			for (size_t k = 0; allowed[k]; k++)
				sv_buf_printf(&b, "%s%s", k ? ", " : "", allowed[k]);
			sv_error(rs, 400, "unknown parameter '%s' (this resource takes %s)", shown,
			      b.p ? b.p : "none");
			free(b.p);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(rq->args[j].key, rq->args[i].key) == 0) {
				sv_error(rs, 400, "parameter '%s' given twice", shown);
				return -1;
			}
	}
	return 0;
}

/* The viewer's page: date=D opens it on a day, compare=D1/D2 in compare mode
 * (viewer.js reads both, and keeps them in the URL as the user moves). */
static const char *const viewer_params[] = {"date", "compare", NULL};

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

json_object *sv_link(const char *href, const char *rel, const char *type, const char *title)
{
	json_object *l = json_object_new_object();
	json_object_object_add(l, "href", json_object_new_string(href));
	json_object_object_add(l, "rel", json_object_new_string(rel));
	if (type)
		json_object_object_add(l, "type", json_object_new_string(type));
	if (title)
		json_object_object_add(l, "title", json_object_new_string(title));
	return l;
}

/* self (in the format asked) and alternate (the other one) */
void sv_self_links(json_object *links, const char *url, sp_format fmt, const char *json_type,
		       const char *sep)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s%sf=json", url, sep);
	json_object *j = sv_link(buf, fmt == SP_JSON ? "self" : "alternate", json_type,
			      "this document as JSON");
	snprintf(buf, sizeof buf, "%s%sf=html", url, sep);
	json_object *h = sv_link(buf, fmt == SP_HTML ? "self" : "alternate", "text/html",
			      "this document as HTML");
	json_object_array_add(links, fmt == SP_JSON ? j : h);
	json_object_array_add(links, fmt == SP_JSON ? h : j);
}

void sv_iso(fl_instant t, char *buf, size_t len)
{
	fl_instant_format(t, buf, len);
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
	(void)s;
	json_object *d = json_object_new_object(), *links = json_object_new_array();
	json_object_object_add(d, "title", json_object_new_string("frontline"));
	json_object_object_add(
		d, "description",
		json_object_new_string("Territorial control over time, from the tracker "
				       "published by frontline serve (OGC API - Features)."));
	char u[512];
	snprintf(u, sizeof u, "%s/", o);
	sv_self_links(links, u, fmt, T_JSON, "?");
	snprintf(u, sizeof u, "%s/api", o);
	json_object_array_add(links, sv_link(u, "service-desc", T_OPENAPI, "the API definition"));
	snprintf(u, sizeof u, "%s/conformance", o);
	json_object_array_add(links, sv_link(u, "conformance", T_JSON, "conformance classes"));
	snprintf(u, sizeof u, "%s/collections", o);
	json_object_array_add(links, sv_link(u, "data", T_JSON, "the collections"));
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
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"};
	json_object *d = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < 4; i++)
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
		sv_iso(s->when[0], a, sizeof a);
		sv_iso(s->when[s->nwhen - 1], b, sizeof b);
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
	if (c == SV_CONTROL || c == SV_CHANGES)
		json_object_object_add(d, "actors", json_object_get(s->actors));
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
	/* split the path into at most 4 segments, ignoring a trailing '/' */
	char path[1100];
	snprintf(path, sizeof path, "%s", rq->path);
	size_t pl = strlen(path);
	if (pl > 1 && path[pl - 1] == '/')
		path[pl - 1] = 0;
	char *seg[5] = {0};
	int nseg = 0;
	for (char *p = path + 1; *p && nseg < 5;) {
		seg[nseg++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = 0;
		p = slash + 1;
	}
	char o[200];
	origin(s, rq, o, sizeof o);
	sp_format fmt = SP_JSON;
	if (nseg <= 2 || (nseg == 3 && strcmp(seg[2], "items"))) {
		/* the item parameters are accepted (and ignored, but for the date an
		 * HTML page shows) here: clients such as GDAL add the ones of a user's
		 * URL to every request */
		sp_datetime dt;
		if (sv_check_args(rq, sv_item_params, rs))
			return;
		if (sp_parse_format(sv_arg_value(rq, "f"), rq->accept, &fmt, err, sizeof err) ||
		    sp_parse_datetime(sv_arg_value(rq, "datetime"), &dt, err, sizeof err)) {
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
		if (c < 0) {
			char shown[64];
			snprintf(shown, sizeof shown, "%s", seg[1]);
			for (char *p = shown; *p; p++)
				if (!isprint((unsigned char)*p))
					*p = '?';
			sv_error(rs, 404,
			      "no collection '%s' (collections: control, changes, events, regions, "
			      "zones)", shown);
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
