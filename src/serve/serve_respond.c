/*
 * serve_respond.c: the parts every response of `frontline serve` is made
 * of: the collections' names, a body with its status and type, JSON and
 * HTML documents, errors as {"code", "description"}, the query parameters
 * checked against the ones a resource takes, links.  Used by the routes
 * (serve_routes.c) and the items of a collection (serve_items.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

const sv_coll_info sv_colls[SV_NCOLL] = {
	[SV_CONTROL] = {"control", "Control at an instant",
			"Who holds each region (or piece of one) at the datetime instant, the latest "
			"map when datetime is absent: holder (null on contested ground, whose "
			"parties are in contested), since, the event, its status and "
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
	[SV_FRONT] = {"front", "Front line at an instant",
		      "The borders between ground held by two different actors at the datetime "
		      "instant (the latest when absent), one (multi)line string per pair of "
		      "holders with holder_a, holder_b, their names and length_km (geodesic). "
		      "The tracker's outer edge and borders with ground nobody holds are not "
		      "front. An interval is refused."},
	[SV_PLACES] = {"places", "Places at an instant",
		       "The tracker's places (points: towns and the like, places.geojson) with "
		       "their own fields and who holds each at the datetime instant, the latest "
		       "when datetime is absent: holder, holder_name, since, event, status "
		       "('outside' for a point outside the tracker) and uncertain. A date-only "
		       "datetime means the end of that day. An interval is refused."},
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

void sv_iso(const fl_tracker *t, fl_instant at, char *buf, size_t len)
{
	fl_tracker_format_instant(t, at, buf, len);
}
