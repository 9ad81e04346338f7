/*
 * serve_basemap.c: the base map behind the viewer's regions, served by
 * frontline itself (no tile server, no CDN):
 *
 *   /basemap          {"layers", "bbox", "attribution"}: what there is
 *   /basemap/{layer}  land, countries, lakes, rivers or places: the layer of
 *                     the shipped Natural Earth cut (geodata/basemap/) cut to
 *                     the tracker's extent with a margin, as GeoJSON
 *
 * Each layer is read with GDAL and clipped (fl_vector_clip_buffer) on its
 * first request, then kept in the server as a prepared page and sent as it
 * is.  The margin is half the extent's larger side, at least 2 degrees, so
 * that the countries around the theatre are drawn when the map is zoomed
 * out.  No parameters are taken; an unknown layer is a 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "serve.h"

const char *const sv_base_layers[SV_NBASE] = {"land", "countries", "lakes", "rivers", "places"};

static const char *const no_params[] = {NULL};

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void sv_basemap_box(const double ext[4], double out[4])
{
	double w = ext[2] - ext[0], h = ext[3] - ext[1];
	double m = (w > h ? w : h) / 2;
	if (m < 2)
		m = 2;
	out[0] = clamp(ext[0] - m, -180, 180);
	out[1] = clamp(ext[1] - m, -90, 90);
	out[2] = clamp(ext[2] + m, -180, 180);
	out[3] = clamp(ext[3] + m, -90, 90);
}

/* The layer's file, when the base map is there; 0 and a path, or -1. */
static int layer_path(const sv_server *s, int i, char *path, size_t len)
{
	const char *dir = s->files ? s->files->basemap_dir : NULL;
	struct stat sb;
	if (!dir)
		return -1;
	snprintf(path, len, "%s/%s.fgb", dir, sv_base_layers[i]);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? 0 : -1;
}

static void index_doc(sv_server *s, const char *o, sv_response *rs)
{
	json_object *d = json_object_new_object(), *a = json_object_new_array(),
		    *bb = json_object_new_array();
	char path[4096], u[600];
	double box[4];
	sv_basemap_box(s->extent, box);
	for (int i = 0; i < SV_NBASE; i++) {
		if (layer_path(s, i, path, sizeof path))
			continue;
		json_object *l = json_object_new_object();
		snprintf(u, sizeof u, "%s/basemap/%s", o, sv_base_layers[i]);
		json_object_object_add(l, "id", json_object_new_string(sv_base_layers[i]));
		json_object_object_add(l, "href", json_object_new_string(u));
		json_object_array_add(a, l);
	}
	for (int i = 0; i < 4; i++)
		json_object_array_add(bb, json_object_new_double(box[i]));
	json_object_object_add(d, "title", json_object_new_string("Base map"));
	json_object_object_add(d, "layers", a);
	json_object_object_add(d, "bbox", bb);
	json_object_object_add(d, "attribution",
			       json_object_array_length(a)
				       ? json_object_new_string("Made with Natural Earth")
				       : NULL);
	sv_respond_json(rs, 200, T_JSON, d);
	json_object_put(d);
}

/* Layer i, cut on its first request; a reference, or NULL with an error response. */
static sv_page *layer_page(sv_server *s, int i, sv_response *rs)
{
	char path[4096];
	if (layer_path(s, i, path, sizeof path)) {
		sv_error(rs, 404, "no base map: geodata/basemap/%s.fgb is not installed",
			 sv_base_layers[i]);
		return NULL;
	}
	pthread_mutex_lock(&s->base_lock);
	sv_page *p = s->base[i];
	if (!p) {
		double box[4];
		char *text = NULL;
		size_t len = 0;
		sv_basemap_box(s->extent, box);
		if (fl_vector_clip_buffer(path, box, &text, &len) == FL_OK)
			p = s->base[i] = sv_page_make(0, text, len, NULL, 0, NULL);
		else
			sv_error(rs, 500, "base map layer %s: %s", sv_base_layers[i],
				 fl_error_last());
		if (!p && text)
			sv_error(rs, 500, "out of memory");
		fl_free(text);
	}
	if (p)
		sv_page_retain(p);
	pthread_mutex_unlock(&s->base_lock);
	return p;
}

void sv_basemap(sv_server *s, const char *o, int nseg, char *const seg[], const sv_request *rq,
		sv_response *rs)
{
	if (sv_check_args(rq, no_params, rs))
		return;
	if (nseg == 1) {
		index_doc(s, o, rs);
		return;
	}
	int i = 0;
	while (nseg == 2 && i < SV_NBASE && strcmp(seg[1], sv_base_layers[i]))
		i++;
	if (nseg != 2 || i == SV_NBASE) {
		char shown[64];
		snprintf(shown, sizeof shown, "%s", nseg >= 2 ? seg[1] : "");
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		sv_error(rs, 404,
			 "no base map layer '%s%s' (layers: land, countries, lakes, rivers, places)",
			 shown, nseg > 2 ? "/..." : "");
		return;
	}
	sv_page *p = layer_page(s, i, rs);
	if (!p)
		return;
	rs->status = 200;
	rs->type = T_GEOJSON;
	rs->page = p;
}

void sv_basemap_free(sv_server *s)
{
	for (int i = 0; i < SV_NBASE; i++)
		sv_page_release(s->base[i]);
	pthread_mutex_destroy(&s->base_lock);
}
