/*
 * import_state.c: import-series.json, what a tracker made by import-series
 * keeps for --append (import_append.c).
 *
 * A change is found by comparing a day's polygon as read with the day
 * before's as read (changes.c), and a series' extent is computed from its
 * first day's polygon as read; the tracker's areas hold them only rounded
 * to the grid.  So the folder keeps, for each series, its first and last
 * days' polygons as read (as hex WKB: the same doubles back, which a
 * decimal text read through GDAL did not give) with the options of the
 * import and the list of days ("DATE FILE").  It is a GeoJSON
 * FeatureCollection, two features per series:
 *
 *   {"type": "Feature", "properties": {"series": 0, "which": "first",
 *    "status": "confirmed", "tag": "", "holder": "RU", "other": "UA",
 *    "source": null, "date_field": null, "attribution": null,
 *    "holder_name": "RU", "holder_color": "#d62728", "other_name": "UA",
 *    "other_color": "#1f77b4", "days": "2024-07-08 f.geojson\n
 *    ...", "wkb": "0106000000..."}, "geometry": null}
 *
 * and the same with "which": "last".  An import with an extent adds a last
 * feature {"which": "extent", "extent": "FILE where FILTER", "wkb": ...}:
 * the territory as read, which --append unions with the gains as the
 * import did.  The tracker's loader does not read
 * it; `check` and the other commands ignore it.
 */
#include "gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "geo.h"
#include "geojson.h"
#include "import_priv.h"
#include "util.h"

static void put_str(fl__gj_text *b, const char *key, const char *v)
{
	fl__gj_put(b, ", ", 2);
	fl__gj_string(b, key, strlen(key), false);
	fl__gj_put(b, ": ", 2);
	if (v)
		fl__gj_string(b, v, strlen(v), false);
	else
		fl__gj_put(b, "null", 4);
}

/* g as hex WKB, exactly (malloc'd; NULL on failure). */
static char *hex_wkb(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(h, g, &len);
	char *r = wkb ? malloc(2 * len + 1) : NULL;
	for (size_t i = 0; r && i < len; i++) {
		static const char hx[] = "0123456789ABCDEF";
		r[2 * i] = hx[wkb[i] >> 4];
		r[2 * i + 1] = hx[wkb[i] & 15];
	}
	if (r)
		r[2 * len] = 0;
	free(wkb);
	return r;
}

/* The geometry of hex WKB text (NULL when it is not). */
static GEOSGeometry *from_hex(GEOSContextHandle_t h, const char *hex)
{
	size_t n = hex ? strlen(hex) : 0;
	unsigned char *wkb = n && n % 2 == 0 ? malloc(n / 2) : NULL;
	bool ok = wkb != NULL;
	for (size_t i = 0; ok && i < n / 2; i++) {
		int v[2];
		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + (size_t)k];
			v[k] = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			ok = ok && v[k] >= 0;
		}
		wkb[i] = (unsigned char)(v[0] * 16 + v[1]);
	}
	GEOSGeometry *g = ok ? fl__geos_from_wkb(h, wkb, n / 2) : NULL;
	free(wkb);
	return g;
}

/* The territory's feature, after the series' (when the import had one). */
static bool put_territory(GEOSContextHandle_t h, fl__gj_text *b, const fl__territory *ter)
{
	static const char fh[] = ",\n{ \"type\": \"Feature\", \"properties\": { \"which\": \"extent\"";
	static const char gh[] = " }, \"geometry\": null }\n";
	char *g = hex_wkb(h, ter->geom);
	fl__gj_put(b, fh, sizeof fh - 1);
	put_str(b, "extent", ter->desc);
	put_str(b, "wkb", g);
	fl__gj_put(b, gh, sizeof gh - 1);
	free(g);
	return g != NULL;
}

char *fl__import_state_text(GEOSContextHandle_t h, const fl_import_opts *o, const fl__series *ser,
			    size_t nser, const fl__territory *ter, size_t *len)
{
	fl__gj_text b = {0};
	static const char head[] =
		"{\n\"type\": \"FeatureCollection\",\n\"name\": \"import-series\",\n"
		"\"description\": \"what frontline import-series --append reads back: the options, and each "
		"series' days and first and last polygons as read\",\n\"features\": [\n";
	fl__gj_put(&b, head, sizeof head - 1);
	bool ok = true;
	for (size_t i = 0; i < nser && ok; i++)
		for (int w = 0; w < 2 && ok; w++) {
			char num[32];
			snprintf(num, sizeof num, "%zu", i);
			static const char fh[] = "{ \"type\": \"Feature\", \"properties\": { \"series\": ";
			fl__gj_put(&b, fh, sizeof fh - 1);
			fl__gj_put(&b, num, strlen(num));
			put_str(&b, "which", w ? "last" : "first");
			put_str(&b, "status", fl_event_status_name(ser[i].status));
			put_str(&b, "tag", ser[i].tag);
			put_str(&b, "holder", o->holder);
			put_str(&b, "other", o->other);
			put_str(&b, "source", o->source);
			put_str(&b, "date_field", o->date_field);
			put_str(&b, "attribution", o->attribution);
			const char *an, *ac;
			for (int a = 0; a < 2; a++) {
				fl__import_actor(o, a ? o->other : o->holder, &an, &ac);
				put_str(&b, a ? "other_name" : "holder_name", an);
				put_str(&b, a ? "other_color" : "holder_color", ac);
			}
			static const char dh[] = ", \"days\": ", gh[] = " }, \"geometry\": null";
			fl__gj_put(&b, dh, sizeof dh - 1);
			fl__gj_text days = {0};
			for (int k = 0; ser[i].days && ser[i].days[k]; k++) {
				fl__gj_put(&days, ser[i].days[k], strlen(ser[i].days[k]));
				fl__gj_put(&days, "\n", 1);
			}
			ok = !days.oom && days.len;
			if (ok)
				fl__gj_string(&b, days.p, days.len - 1, false);
			free(days.p);
			char *g = ok ? hex_wkb(h, w ? ser[i].last : ser[i].first) : NULL;
			ok = g != NULL;
			put_str(&b, "wkb", g);
			free(g);
			fl__gj_put(&b, gh, sizeof gh - 1);
			bool more = w == 0 || i + 1 < nser;
			fl__gj_put(&b, more ? " },\n" : " }", more ? 4 : 2);
		}
	if (ok && ter->geom)
		ok = put_territory(h, &b, ter);
	else
		fl__gj_put(&b, "\n", 1);
	fl__gj_put(&b, "]\n}\n", 4);
	if (!ok || b.oom) {
		free(b.p);
		fl__fail(FL_ENOMEM, "out of memory");
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* Field `name` of f as a malloc'd string, NULL when null or absent. */
static char *field(OGRFeatureH f, const char *name)
{
	int i = OGR_F_GetFieldIndex(f, name);
	if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
		return NULL;
	return fl__strdup(OGR_F_GetFieldAsString(f, i));
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The options a feature repeats, in the order of opt_names. */
enum { OPT_HOLDER, OPT_OTHER, OPT_SOURCE, OPT_DATE_FIELD, OPT_ATTRIBUTION, OPT_HNAME, OPT_HCOLOR,
       OPT_ONAME, OPT_OCOLOR, NOPT };
static const char *const opt_names[NOPT] = {"holder",	   "other",	   "source",
					    "date_field",  "attribution",  "holder_name",
					    "holder_color", "other_name",   "other_color"};

/* The first feature's options into o (the strings taken from v), or
 * whether a later feature's are the same. */
static bool take_options(fl_import_opts *o, char **v)
{
	fl_import_actor *a = (fl_import_actor *)o->actors;
	if (o->holder) {
		const char *have[NOPT] = {o->holder, o->other, o->source, o->date_field, o->attribution,
					  a ? a[0].name : NULL, a ? a[0].color : NULL, a ? a[1].name : NULL,
					  a ? a[1].color : NULL};
		for (int i = 0; i < NOPT; i++)
			if (!same(have[i], v[i]))
				return false;
		return true;
	}
	o->holder = v[OPT_HOLDER], o->other = v[OPT_OTHER], o->source = v[OPT_SOURCE];
	o->date_field = v[OPT_DATE_FIELD], o->attribution = v[OPT_ATTRIBUTION];
	a = calloc(2, sizeof *a);
	if (a) {
		a[0] = (fl_import_actor){fl__strdup(o->holder), v[OPT_HNAME], v[OPT_HCOLOR]};
		a[1] = (fl_import_actor){fl__strdup(o->other), v[OPT_ONAME], v[OPT_OCOLOR]};
		o->actors = a, o->nactors = 2;
	} else
		for (int i = OPT_HNAME; i < NOPT; i++)
			free(v[i]);
	for (int i = 0; i < NOPT; i++)
		v[i] = NULL;
	return a != NULL;
}

/* The territory's feature (which: "extent"). */
static bool take_territory(GEOSContextHandle_t h, OGRFeatureH f, fl__territory *ter)
{
	char *hex = field(f, "wkb"), *desc = field(f, "extent");
	bool ok = !ter->geom && desc && (ter->geom = from_hex(h, hex)) != NULL;
	if (ok)
		ter->desc = desc;
	else
		free(desc);
	free(hex);
	return ok;
}

fl_status fl__import_state_read(GEOSContextHandle_t h, const char *path, fl_import_opts *o,
				fl__series **ser, size_t *nser, fl__territory *ter)
{
	memset(o, 0, sizeof *o);
	memset(ter, 0, sizeof *ter);
	*ser = NULL;
	*nser = 0;
	static const char *const drv[] = {"GeoJSON", NULL};
	static const char *const oo[] = {"DATE_AS_STRING=YES", NULL};
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drv, oo, NULL);
	OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
	if (!l) {
		if (ds)
			GDALClose(ds);
		return fl__fail(FL_EINPUT, "%s: cannot read it as the state of import-series", path);
	}
	fl__series *s = calloc(4, sizeof *s);
	fl_status st = s ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	OGRFeatureH f;
	long k = 0;
	while (!st && (f = OGR_L_GetNextFeature(l))) {
		k++;
		int si = OGR_F_GetFieldIndex(f, "series");
		long n = si >= 0 ? (long)OGR_F_GetFieldAsInteger(f, si) : -1;
		char *which = field(f, "which"), *status = field(f, "status"), *tag = field(f, "tag");
		char *opt[NOPT];
		for (int i = 0; i < NOPT; i++)
			opt[i] = field(f, opt_names[i]);
		char *dtext = field(f, "days");
		char **days = NULL;
		for (char *p = dtext, *e; p && *p; p = e ? e + 1 : NULL) {
			e = strchr(p, '\n');
			if (e)
				*e = 0;
			days = CSLAddString(days, p);
		}
		free(dtext);
		bool isext = which && !strcmp(which, "extent");
		char *hex = isext ? NULL : field(f, "wkb");
		GEOSGeometry *g = from_hex(h, hex);
		free(hex);
		fl_event_status es = FL_STATUS_CONFIRMED;
		bool isfirst = which && !strcmp(which, "first");
		if (isext) {
			if (!take_territory(h, f, ter))
				st = fl__fail(FL_EINPUT, "%s: feature %ld: not the state import-series writes",
					      path, k);
		} else if (n < 0 || n > 2 || (size_t)n > *nser || !which || (!isfirst && strcmp(which, "last")) ||
		    !status || fl_event_status_parse(status, &es) || !tag || strlen(tag) >= sizeof s->tag ||
		    !opt[OPT_HOLDER] || !opt[OPT_OTHER] || !days || !days[0] || !g ||
		    (isfirst != ((size_t)n == *nser)) || (*nser && !take_options(o, opt)))
			st = fl__fail(FL_EINPUT, "%s: feature %ld: not the state import-series writes", path, k);
		if (!st && !isext && isfirst) {
			fl__series *x = &s[(*nser)++];
			x->status = es;
			snprintf(x->tag, sizeof x->tag, "%s", tag);
			x->days = days;
			days = NULL;
			x->first = g;
			g = NULL;
			if (!o->holder && !take_options(o, opt))
				st = fl__fail(FL_ENOMEM, "out of memory");
		} else if (!st && !isext) {
			if (s[n].last || s[n].status != es || strcmp(s[n].tag, tag))
				st = fl__fail(FL_EINPUT, "%s: feature %ld: not the state import-series writes",
					      path, k);
			else {
				s[n].last = g;
				g = NULL;
			}
		}
		if (g)
			GEOSGeom_destroy_r(h, g);
		CSLDestroy(days);
		free(which), free(status), free(tag);
		for (int i = 0; i < NOPT; i++)
			free(opt[i]);
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
	for (size_t i = 0; !st && i < *nser; i++)
		if (!s[i].last)
			st = fl__fail(FL_EINPUT, "%s: series %zu has no last day", path, i);
	if (!st && !*nser)
		st = fl__fail(FL_EINPUT, "%s: no series in it", path);
	*ser = s;
	return st;
}

void fl__import_state_free(GEOSContextHandle_t h, fl_import_opts *o, fl__series *ser, size_t nser,
			   fl__territory *ter)
{
	free((char *)o->holder), free((char *)o->other), free((char *)o->source),
		free((char *)o->date_field), free((char *)o->attribution);
	for (size_t i = 0; i < o->nactors; i++)
		free((char *)o->actors[i].id), free((char *)o->actors[i].name),
			free((char *)o->actors[i].color);
	free((fl_import_actor *)o->actors);
	for (size_t i = 0; i < nser; i++) {
		CSLDestroy(ser[i].days);
		if (ser[i].first)
			GEOSGeom_destroy_r(h, ser[i].first);
		if (ser[i].last)
			GEOSGeom_destroy_r(h, ser[i].last);
		free(ser[i].files);
	}
	free(ser);
	fl__territory_free(h, ter);
}
