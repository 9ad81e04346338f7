/*
 * serve_html.c: the HTML encoding of `frontline serve` resources.
 *
 * Every resource is first a JSON document; its HTML page is drawn from that
 * document: title, description, links, the collections, the conformance
 * classes, a table of features (with links to each), the properties of one
 * feature.  Everything that comes from data is escaped.  The request's
 * datetime is shown on every page and carried by the links the page makes
 * (to collections, items and each feature), so that a feature opened from
 * the map of a date is that feature at that date.
 */
#include <stdlib.h>
#include <string.h>
#include "serve.h"

static void esc(sv_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sv_buf_str(b, "&amp;"); break;
		case '<': sv_buf_str(b, "&lt;"); break;
		case '>': sv_buf_str(b, "&gt;"); break;
		case '"': sv_buf_str(b, "&quot;"); break;
		case '\'': sv_buf_str(b, "&#39;"); break;
		default: sv_buf_add(b, s, 1);
		}
	}
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

/* A property value as text ("" for null). */
static const char *value_text(json_object *v)
{
	if (!v)
		return "";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static void links(sv_buf *b, json_object *doc)
{
	json_object *ls;
	if (!json_object_object_get_ex(doc, "links", &ls) || !json_object_is_type(ls, json_type_array))
		return;
	sv_buf_str(b, "<h2>Links</h2>\n<ul class=\"links\">\n");
	for (size_t i = 0; i < json_object_array_length(ls); i++) {
		json_object *l = json_object_array_get_idx(ls, i);
		sv_buf_str(b, "<li><a href=\"");
		esc(b, str(l, "href"));
		sv_buf_str(b, "\">");
		esc(b, str(l, "title") ? str(l, "title") : str(l, "href"));
		sv_buf_str(b, "</a> <small>(");
		esc(b, str(l, "rel"));
		if (str(l, "type")) {
			sv_buf_str(b, ", ");
			esc(b, str(l, "type"));
		}
		sv_buf_str(b, ")</small></li>\n");
	}
	sv_buf_str(b, "</ul>\n");
}

/* "&datetime=..." (escaped for an attribute) when a datetime was given */
static void dt_query(sv_buf *b, const char *datetime)
{
	if (!datetime)
		return;
	sv_buf u = {0};
	sv_buf_url(&u, datetime);
	sv_buf_str(b, "&amp;datetime=");
	esc(b, u.p ? u.p : "");
	free(u.p);
}

/* The text of property name of f, NULL when it has none or it is null. */
static const char *prop_text(const sv_feature *f, const char *name)
{
	for (size_t k = 0; k < f->nprops; k++)
		if (!strcmp(f->props[k].name, name))
			return f->props[k].text;
	return NULL;
}

/* A table of the features: a column per property of the first one. */
static void features_table(sv_buf *b, const sv_feature *const *feats, size_t n,
			   const char *datetime)
{
	/* the columns: the first feature's properties */
	const fl_property *cols = n ? feats[0]->props : NULL;
	size_t ncols = n ? feats[0]->nprops : 0;
	sv_buf_str(b, "<table>\n<tr><th>id</th>");
	for (size_t k = 0; k < ncols; k++) {
		sv_buf_str(b, "<th>");
		esc(b, cols[k].name);
		sv_buf_str(b, "</th>");
	}
	sv_buf_str(b, "</tr>\n");
	for (size_t i = 0; i < n; i++) {
		const sv_feature *f = feats[i];
		sv_buf u = {0};
		sv_buf_url(&u, f->id);
		sv_buf_str(b, "<tr><td><a href=\"items/");
		esc(b, u.p ? u.p : "");
		free(u.p);
		sv_buf_str(b, "?f=html");
		dt_query(b, datetime);
		sv_buf_str(b, "\">");
		esc(b, f->id);
		sv_buf_str(b, "</a></td>");
		for (size_t k = 0; k < ncols; k++) {
			const char *v = prop_text(f, cols[k].name);
			sv_buf_str(b, "<td>");
			esc(b, v ? v : "");
			sv_buf_str(b, "</td>");
		}
		sv_buf_str(b, "</tr>\n");
	}
	sv_buf_str(b, "</table>\n");
}

/* One feature's table: its id, properties and geometry type. */
static void feature_table(sv_buf *b, const char *id, const sv_feature *f)
{
	sv_buf_str(b, "<table>\n<tr><th>id</th><td>");
	esc(b, id);
	sv_buf_str(b, "</td></tr>\n");
	for (size_t k = 0; f && k < f->nprops; k++) {
		sv_buf_str(b, "<tr><th>");
		esc(b, f->props[k].name);
		sv_buf_str(b, "</th><td>");
		esc(b, f->props[k].text ? f->props[k].text : "");
		sv_buf_str(b, "</td></tr>\n");
	}
	if (f && f->gtype) {
		sv_buf_str(b, "<tr><th>geometry</th><td>");
		esc(b, f->gtype);
		sv_buf_str(b, "</td></tr>\n");
	}
	sv_buf_str(b, "</table>\n");
}

char *sv_html_page(const char *title, json_object *doc, const sv_feature *const *feats,
		   size_t nfeats, const char *datetime, size_t *len)
{
	sv_buf b = {0};
	sv_buf_str(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	esc(&b, title);
	sv_buf_str(&b, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:80em}"
		       "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;"
		       "padding:2px 6px;text-align:left;vertical-align:top}pre{background:#f4f4f4;"
		       "padding:1em;overflow:auto}</style>\n</head>\n<body>\n"
		       "<p><a href=\"/?f=html");
	dt_query(&b, datetime);
	sv_buf_str(&b, "\">frontline</a> · <a href=\"/collections?f=html");
	dt_query(&b, datetime);
	sv_buf_str(&b, "\">collections</a> · <a href=\"/viewer");
	if (datetime && strlen(datetime) == 10) { /* a day (checked by the caller) */
		sv_buf_str(&b, "?date=");
		esc(&b, datetime);
	}
	sv_buf_str(&b, "\">viewer</a></p>\n<h1>");
	esc(&b, str(doc, "title") ? str(doc, "title") : title);
	sv_buf_str(&b, "</h1>\n<p class=\"datetime\">Date: <strong>");
	esc(&b, datetime ? datetime : "now");
	sv_buf_str(&b, datetime ? "</strong></p>\n" : "</strong> (no datetime given)</p>\n");
	if (str(doc, "description")) {
		sv_buf_str(&b, "<p>");
		esc(&b, str(doc, "description"));
		sv_buf_str(&b, "</p>\n");
	}
	json_object *v;
	const char *type = str(doc, "type");
	if (json_object_object_get_ex(doc, "collections", &v) && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *c = json_object_array_get_idx(v, i);
			sv_buf_str(&b, "<h2><a href=\"/collections/");
			esc(&b, str(c, "id"));
			sv_buf_str(&b, "?f=html");
			dt_query(&b, datetime);
			sv_buf_str(&b, "\">");
			esc(&b, str(c, "title"));
			sv_buf_str(&b, "</a></h2>\n<p>");
			esc(&b, str(c, "description"));
			sv_buf_str(&b, " <a href=\"/collections/");
			esc(&b, str(c, "id"));
			sv_buf_str(&b, "/items?f=html");
			dt_query(&b, datetime);
			sv_buf_str(&b, "\">Features</a></p>\n");
		}
	}
	if (json_object_object_get_ex(doc, "conformsTo", &v) && json_object_is_type(v, json_type_array)) {
		sv_buf_str(&b, "<ul>\n");
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			sv_buf_str(&b, "<li>");
			esc(&b, json_object_get_string(json_object_array_get_idx(v, i)));
			sv_buf_str(&b, "</li>\n");
		}
		sv_buf_str(&b, "</ul>\n");
	}
	if (type && !strcmp(type, "FeatureCollection")) {
		sv_buf_printf(&b, "<p>%s of %s features (at %s).</p>\n",
			      value_text(json_object_object_get(doc, "numberReturned")),
			      value_text(json_object_object_get(doc, "numberMatched")),
			      value_text(json_object_object_get(doc, "timeStamp")));
		features_table(&b, feats, nfeats, datetime);
	} else if (type && !strcmp(type, "Feature")) {
		feature_table(&b, str(doc, "id"), nfeats ? feats[0] : NULL);
	} else if (!json_object_object_get_ex(doc, "collections", NULL) &&
		   !json_object_object_get_ex(doc, "conformsTo", NULL) && !str(doc, "description")) {
		sv_buf_str(&b, "<pre>");
		esc(&b, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_NOSLASHESCAPE));
		sv_buf_str(&b, "</pre>\n");
	}
	if (json_object_object_get_ex(doc, "extent", &v)) {
		sv_buf_str(&b, "<h2>Extent</h2>\n<pre>");
		esc(&b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		sv_buf_str(&b, "</pre>\n");
	}
	links(&b, doc);
	sv_buf_str(&b, "</body>\n</html>\n");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}
