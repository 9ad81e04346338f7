/*
 * render.c: maps and charts with Cairo.
 *
 * One drawing routine serves PNG, SVG and PDF: only the surface differs.  The
 * surface writes into memory; the bytes reach the target through
 * fl__atomic_write, so a failed render leaves no file.  Coordinates go from
 * lon/lat to a Lambert azimuthal equal-area projection centred on the bbox
 * (PROJ), then to pixels with one scale, so areas on the map are true to
 * each other and the image centre is the bbox centre.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <gdal.h>
#include <ogr_api.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

fl_render_opts fl_render_opts_default(void)
{
	fl_render_opts o = {0};
	o.width = 1200;
	o.height = 900;
	o.labels = 1;
	return o;
}

/* A whole number of at most 5 digits (no sign, no space), then `stop`. */
static const char *small_uint(const char *p, int stop, long *v)
{
	const char *q = p;
	*v = 0;
	while (*q >= '0' && *q <= '9' && q - p < 6)
		*v = *v * 10 + (*q++ - '0');
	return q > p && q - p <= 5 && *q == stop ? q : NULL;
}

fl_status fl_render_parse_size(const char *text, int *w, int *h)
{
	long a = 0, b = 0;
	const char *p = text ? small_uint(text, 'x', &a) : NULL;
	if (!p || !small_uint(p + 1, '\0', &b) || a < 16 || b < 16 || a > 10000 || b > 10000)
		return fl__fail(FL_EARG, "`size` %s: expected WIDTHxHEIGHT in pixels, 16 to 10000 each "
				"(e.g. 1200x900)", text ? text : "");
	*w = (int)a;
	*h = (int)b;
	return FL_OK;
}

/* (its messages say --bbox, as tests/unit/test_hardening.c asserts: the
 * one place left where the library names the tool's flag) */
fl_status fl_render_parse_bbox(const char *text, double bb[4])
{
	const char *p = text;
	for (int i = 0; p && i < 4; i++) {
		char *end;
		bb[i] = strtod(p, &end);
		p = end > p && *end == (i < 3 ? ',' : '\0') ? end + 1 : NULL;
	}
	if (!p)
		return fl__fail(FL_EARG, "--bbox %s: expected W,S,E,N in degrees (e.g. 45.5,39,47.5,40.5)",
				text ? text : "");
	/* written so that NaN ("nan" is a number to sscanf) fails every test */
	if (!(bb[0] >= -180 && bb[0] < bb[2] && bb[2] <= 180 && bb[1] >= -90 && bb[1] < bb[3] &&
	      bb[3] <= 90))
		return fl__fail(FL_EARG, "--bbox %s: need -180 <= W < E <= 180 and -90 <= S < N <= 90", text);
	return FL_OK;
}

/* ------------------------------------------------------------ the canvas */
typedef struct canvas {
	cairo_surface_t *surf;
	cairo_t *cr;
	unsigned char *buf;   /* PDF/SVG bytes */
	size_t len, cap;
	int kind;             /* 0 png, 1 svg, 2 pdf */
	int w, h;
	PJ_CONTEXT *pj_ctx;
	PJ *pj;
	double scale;         /* pixels per metre */
	double lon0, lat0;
} canvas;

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int n)
{
	canvas *c = closure;
	unsigned char *nb = fl__grow(c->buf, &c->cap, c->len + n, 1);
	if (!nb)
		return CAIRO_STATUS_NO_MEMORY;
	c->buf = nb;
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	return CAIRO_STATUS_SUCCESS;
}

static fl_status kind_of(const char *path, int *kind, bool allow_pdf)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	int k = -1;
	if (dot && !strcasecmp(dot, ".png"))
		k = 0;
	else if (dot && !strcasecmp(dot, ".svg"))
		k = 1;
	else if (dot && !strcasecmp(dot, ".pdf") && allow_pdf)
		k = 2;
	/* a stream (/dev/null, a pipe, /dev/stdout) has no name to go by: PNG */
	if (k < 0 && path && fl__is_stream(path))
		k = 0;
	if (k < 0)
		return fl__fail(FL_EARG, "`path` %s: the file must end in %s", path ? path : "(none)",
				allow_pdf ? ".png, .svg or .pdf" : ".png or .svg");
	*kind = k;
	return FL_OK;
}

static fl_status canvas_open(canvas *c, const char *path, int w, int h, bool allow_pdf)
{
	memset(c, 0, sizeof *c);
	fl_status st = kind_of(path, &c->kind, allow_pdf);
	if (!st)
		st = fl__cairo_load();
	if (st)
		return st;
	c->w = w;
	c->h = h;
	if (c->kind == 0)
		c->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	else if (c->kind == 1) {
		c->surf = cairo_svg_surface_create_for_stream(mem_write, c, w, h);
		cairo_svg_surface_set_document_unit(c->surf, CAIRO_SVG_UNIT_PX); /* --size is pixels */
	}
	else
		c->surf = cairo_pdf_surface_create_for_stream(mem_write, c, w, h);
	if (cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS)
		return fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_surface_status(c->surf)));
	c->cr = cairo_create(c->surf);
	return FL_OK;
}

static fl_status canvas_close(canvas *c, const char *path, fl_status st)
{
	if (c->cr)
		cairo_destroy(c->cr);
	if (c->surf && !st && c->kind == 0) {
		cairo_status_t cs = cairo_surface_write_to_png_stream(c->surf, mem_write, c);
		if (cs != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cs));
	}
	if (c->surf) {
		cairo_surface_finish(c->surf);
		if (!st && cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s",
				      cairo_status_to_string(cairo_surface_status(c->surf)));
		cairo_surface_destroy(c->surf);
	}
	if (!st)
		st = fl__atomic_write(path, c->buf, c->len);
	free(c->buf);
	if (c->pj)
		proj_destroy(c->pj);
	if (c->pj_ctx)
		proj_context_destroy(c->pj_ctx);
	return st;
}

static void hex_rgb(const char *hex, double *r, double *g, double *b)
{
	unsigned v = 0x888888;
	if (hex && hex[0] == '#')
	{
		char six[7] = {0}; /* at most six hex digits, as "#rrggbb" */
		strncpy(six, hex + 1, 6);
		v = (unsigned)strtoul(six, NULL, 16);
	}
	*r = ((v >> 16) & 255) / 255.0;
	*g = ((v >> 8) & 255) / 255.0;
	*b = (v & 255) / 255.0;
}

static void set_hex(cairo_t *cr, const char *hex, double alpha)
{
	double r, g, b;
	hex_rgb(hex, &r, &g, &b);
	cairo_set_source_rgba(cr, r, g, b, alpha);
}

/* ------------------------------------------------------------ projection */
static fl_status setup_projection(canvas *c, const double bb[4], double margin)
{
	c->lon0 = (bb[0] + bb[2]) / 2;
	c->lat0 = (bb[1] + bb[3]) / 2;
	c->pj_ctx = proj_context_create();
	proj_log_level(c->pj_ctx, PJ_LOG_NONE);
	char def[256];
	snprintf(def, sizeof def, "+proj=laea +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=m +no_defs",
		 c->lat0, c->lon0);
	c->pj = proj_create_crs_to_crs(c->pj_ctx, "OGC:CRS84", def, NULL);
	if (!c->pj)
		return fl__fail(FL_EIO, "PROJ: cannot set up the map projection (%s)", def);
	double hw = 0, hh = 0;
	for (int i = 0; i <= 8; i++) {
		int col = i % 3, row = i / 3;
		double lon = bb[0] + (bb[2] - bb[0]) * col / 2.0, lat = bb[1] + (bb[3] - bb[1]) * row / 2.0;
		PJ_COORD p = proj_trans(c->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
		hw = fmax(hw, fabs(p.xy.x));
		hh = fmax(hh, fabs(p.xy.y));
	}
	if (hw <= 0 || hh <= 0)
		return fl__fail(FL_EARG, "the bbox is empty");
	c->scale = fmin(c->w * (1 - margin) / (2 * hw), c->h * (1 - margin) / (2 * hh));
	return FL_OK;
}

static void project(const canvas *c, double lon, double lat, double *x, double *y)
{
	PJ_COORD p = proj_trans(c->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
	*x = c->w / 2.0 + p.xy.x * c->scale;
	*y = c->h / 2.0 - p.xy.y * c->scale;
}

static void path_ring(canvas *c, GEOSContextHandle_t h, const GEOSGeometry *ring)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned n = 0;
	GEOSCoordSeq_getSize_r(h, cs, &n);
	for (unsigned i = 0; i < n; i++) {
		double lon, lat, x, y;
		GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
		project(c, lon, lat, &x, &y);
		if (i == 0)
			cairo_move_to(c->cr, x, y);
		else
			cairo_line_to(c->cr, x, y);
	}
	cairo_close_path(c->cr);
}

static void path_geom(canvas *c, GEOSContextHandle_t h, const GEOSGeometry *g)
{
	if (!g) /* (a geometry built on demand when memory ran out) */
		return;
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON) {
		path_ring(c, h, GEOSGetExteriorRing_r(h, g));
		int nh = GEOSGetNumInteriorRings_r(h, g);
		for (int i = 0; i < nh; i++)
			path_ring(c, h, GEOSGetInteriorRingN_r(h, g, i));
	} else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
			path_geom(c, h, GEOSGetGeometryN_r(h, g, i));
	}
}

/* ------------------------------------------------------------- base map */
static void draw_basemap(canvas *c, GEOSContextHandle_t h, const char *path)
{
	if (!path)
		return;
	GDALAllRegister();
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds)
		return; /* the base map is decoration: a map without it is still right */
	OGRLayerH l = GDALDatasetGetLayer(ds, 0);
	OGRFeatureH f;
	cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD);
	while (l && (f = OGR_L_GetNextFeature(l))) {
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		if (og) {
			int len = OGR_G_WkbSize(og);
			unsigned char *wkb = malloc((size_t)len);
			if (wkb && OGR_G_ExportToIsoWkb(og, wkbNDR, wkb) == OGRERR_NONE) {
				GEOSGeometry *g = fl__geos_from_wkb(h, wkb, (size_t)len);
				if (g) {
					cairo_new_path(c->cr);
					path_geom(c, h, g);
					cairo_set_source_rgb(c->cr, 0.91, 0.91, 0.88);
					cairo_fill_preserve(c->cr);
					cairo_set_source_rgb(c->cr, 0.70, 0.70, 0.66);
					cairo_set_line_width(c->cr, 0.8);
					cairo_stroke(c->cr);
					GEOSGeom_destroy_r(h, g);
				}
			}
			free(wkb);
		}
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
}

/* ---------------------------------------------------------------- labels */
typedef struct box {
	double x0, y0, x1, y1;
} box;

static bool overlaps(const box *a, const box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Short label: the name without " District". */
static void short_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s", name);
	char *p = strstr(buf, " District");
	if (p)
		*p = 0;
}

typedef struct label {
	double x, y, area;
	char text[96];
} label;

static int cmp_label(const void *a, const void *b)
{
	double x = ((const label *)a)->area, y = ((const label *)b)->area;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void draw_labels(canvas *c, label *L, size_t n, box *taken, size_t ntaken)
{
	qsort(L, n, sizeof *L, cmp_label);
	box *placed = malloc((n + ntaken + 1) * sizeof *placed);
	if (!placed)
		return;
	memcpy(placed, taken, ntaken * sizeof *placed);
	size_t np = ntaken;
	double fs = fmax(8, c->w / 110.0);
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, fs);
	for (size_t i = 0; i < n; i++) {
		cairo_text_extents_t e;
		cairo_text_extents(c->cr, L[i].text, &e);
		box b = {L[i].x - e.width / 2 - 2, L[i].y - e.height / 2 - 2, L[i].x + e.width / 2 + 2,
			 L[i].y + e.height / 2 + 2};
		if (b.x0 < 0 || b.y0 < 0 || b.x1 > c->w || b.y1 > c->h)
			continue;
		bool clash = false;
		for (size_t j = 0; j < np && !clash; j++)
			clash = overlaps(&b, &placed[j]);
		if (clash)
			continue;
		placed[np++] = b;
		double tx = L[i].x - e.width / 2 - e.x_bearing, ty = L[i].y - e.height / 2 - e.y_bearing;
		cairo_move_to(c->cr, tx, ty);
		cairo_text_path(c->cr, L[i].text);
		cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
		cairo_set_line_width(c->cr, fs / 4);
		cairo_stroke_preserve(c->cr);
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		cairo_fill(c->cr);
	}
	free(placed);
}

/* ------------------------------------------------------ legend and frame */
static void text_at(canvas *c, double x, double y, double size, bool bold, const char *s)
{
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, size);
	cairo_move_to(c->cr, x, y);
	cairo_show_text(c->cr, s);
}

static double text_width(canvas *c, double size, const char *s)
{
	cairo_text_extents_t e;
	cairo_set_font_size(c->cr, size);
	cairo_text_extents(c->cr, s, &e);
	return e.x_advance;
}

/* The "Attribution:" paragraph's first sentence in the tracker's README. */
static char *read_attribution(const fl_tracker *t)
{
	char *p = fl__printf("%s/README.md", t->path);
	FILE *f = p ? fopen(p, "r") : NULL;
	free(p);
	if (!f)
		return NULL;
	char line[1024], acc[2048] = "";
	bool in = false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!in && !strncmp(line, "Attribution:", 12)) {
			in = true;
			snprintf(acc, sizeof acc, "%s", line);
		} else if (in && *line) {
			size_t n = strlen(acc);
			snprintf(acc + n, sizeof acc - n, " %s", line);
		} else if (in)
			break;
	}
	fclose(f);
	if (!in)
		return NULL;
	char *dot = strstr(acc, ". ");
	if (dot)
		dot[1] = 0;
	return fl__strdup(acc);
}

static void draw_scale_bar(canvas *c, double x, double y)
{
	/* a round length near a fifth of the width */
	double target_m = c->w / 5.0 / c->scale, unit = pow(10, floor(log10(target_m)));
	double len_m = unit;
	if (target_m >= 5 * unit)
		len_m = 5 * unit;
	else if (target_m >= 2 * unit)
		len_m = 2 * unit;
	double px = len_m * c->scale, fs = fmax(8, c->w / 120.0);
	cairo_set_source_rgb(c->cr, 0.15, 0.15, 0.15);
	cairo_set_line_width(c->cr, 2);
	cairo_move_to(c->cr, x - px, y);
	cairo_line_to(c->cr, x, y);
	cairo_move_to(c->cr, x - px, y - 5);
	cairo_line_to(c->cr, x - px, y + 1);
	cairo_move_to(c->cr, x, y - 5);
	cairo_line_to(c->cr, x, y + 1);
	cairo_stroke(c->cr);
	char s[64];
	if (len_m >= 1000)
		snprintf(s, sizeof s, "%g km", len_m / 1000);
	else
		snprintf(s, sizeof s, "%g m", len_m);
	text_at(c, x - px, y - 7, fs, false, s);
}

typedef struct legend_row {
	const char *color;
	char text[160];
	bool outline;
} legend_row;

static void draw_frame(canvas *c, const fl_tracker *t, const fl_render_opts *o, const char *heading,
		       legend_row *rows, size_t nrows, box *taken)
{
	double fs = fmax(9, c->w / 90.0), pad = fs * 0.8;
	/* title and date, top left */
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	double y = pad + fs * 1.4;
	if (o->title) {
		text_at(c, pad, y, fs * 1.6, true, o->title);
		y += fs * 1.6;
	}
	text_at(c, pad, y, fs * 1.2, !o->title, heading);
	taken[0] = (box){0, 0, pad + fmax(o->title ? text_width(c, fs * 1.6, o->title) : 0,
					  text_width(c, fs * 1.2, heading)) + pad, y + pad};
	/* legend, bottom left */
	double lh = fs * 1.5, bw = 0;
	for (size_t i = 0; i < nrows; i++)
		bw = fmax(bw, text_width(c, fs, rows[i].text));
	double bx = pad, by = c->h - pad - lh * (double)nrows - pad, bwid = bw + lh * 2 + pad;
	cairo_rectangle(c->cr, bx, by, bwid, lh * (double)nrows + pad);
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
	cairo_fill(c->cr);
	taken[1] = (box){bx, by, bx + bwid, c->h};
	for (size_t i = 0; i < nrows; i++) {
		double ry = by + pad / 2 + lh * (double)i;
		cairo_rectangle(c->cr, bx + pad / 2, ry + lh * 0.15, lh * 1.2, lh * 0.7);
		set_hex(c->cr, rows[i].color, 1);
		cairo_fill(c->cr);
		if (rows[i].outline) {
			cairo_rectangle(c->cr, bx + pad / 2, ry + lh * 0.15, lh * 1.2, lh * 0.7);
			cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
			cairo_set_line_width(c->cr, 1.5);
			cairo_stroke(c->cr);
		}
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
		text_at(c, bx + pad / 2 + lh * 1.5, ry + lh * 0.7, fs, false, rows[i].text);
	}
	/* attribution and scale bar, bottom right */
	char *attr = o->attribution ? fl__strdup(o->attribution) : read_attribution(t);
	double afs = fmax(7, c->w / 150.0);
	if (attr) {
		double aw = text_width(c, afs, attr);
		if (aw > c->w - bwid - 3 * pad) { /* shrink to fit beside the legend */
			afs *= (c->w - bwid - 3 * pad) / aw;
			aw = text_width(c, afs, attr);
		}
		cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
		text_at(c, c->w - pad - aw, c->h - pad / 2, afs, false, attr);
		free(attr);
	}
	draw_scale_bar(c, c->w - pad, c->h - pad - afs * 2);
	taken[2] = (box){c->w * 0.7, c->h - pad * 3 - afs * 3, c->w, c->h};
}

/* Zones active at `at`: hatched, outlined, named. */
static void draw_zones(canvas *c, const fl_tracker *t, fl_instant at, label *L, size_t *nl)
{
	GEOSContextHandle_t h = t->geos;
	for (size_t i = 0; i < t->nzones; i++) {
		const fl__zone *z = &t->zones[i];
		if (at < z->pub.valid_from || (z->pub.has_end && at > z->pub.valid_to))
			continue;
		const char *color = z->pub.actor != FL_NONE ? t->actors[z->pub.actor].color : "#444444";
		double x, y;
		int type = GEOSGeomTypeId_r(h, z->geom);
		if (type == GEOS_POINT) {
			double lon, lat;
			GEOSGeomGetX_r(h, z->geom, &lon);
			GEOSGeomGetY_r(h, z->geom, &lat);
			project(c, lon, lat, &x, &y);
			cairo_arc(c->cr, x, y, fmax(4, c->w / 200.0), 0, 2 * M_PI);
			set_hex(c->cr, color, 1);
			cairo_fill_preserve(c->cr);
			cairo_set_source_rgb(c->cr, 1, 1, 1);
			cairo_set_line_width(c->cr, 1.5);
			cairo_stroke(c->cr);
			y -= fmax(10, c->w / 80.0);
		} else {
			cairo_save(c->cr);
			cairo_new_path(c->cr);
			path_geom(c, h, z->geom);
			cairo_clip_preserve(c->cr);
			set_hex(c->cr, color, 1);
			cairo_set_line_width(c->cr, 2);
			double dash[] = {6, 4};
			cairo_set_dash(c->cr, dash, 2, 0);
			cairo_stroke(c->cr);
			cairo_set_dash(c->cr, NULL, 0, 0);
			cairo_set_line_width(c->cr, 1);
			set_hex(c->cr, color, 0.7);
			for (int d = -c->h; d < c->w; d += 8) {
				cairo_move_to(c->cr, d, c->h);
				cairo_line_to(c->cr, d + c->h, 0);
			}
			cairo_stroke(c->cr);
			cairo_restore(c->cr);
			GEOSGeometry *pt = GEOSPointOnSurface_r(h, z->geom);
			double lon = 0, lat = 0;
			GEOSGeomGetX_r(h, pt, &lon);
			GEOSGeomGetY_r(h, pt, &lat);
			GEOSGeom_destroy_r(h, pt);
			project(c, lon, lat, &x, &y);
		}
		L[*nl] = (label){x, y, 1e12, ""};
		snprintf(L[*nl].text, sizeof L[*nl].text, "%s", z->pub.name);
		(*nl)++;
	}
}

/* The extent to draw: the bbox, or the tracker's extent with a margin. */
static fl_status map_extent(const fl_tracker *t, const fl_render_opts *o, double bb[4])
{
	double tx0 = 1e9, ty0 = 1e9, tx1 = -1e9, ty1 = -1e9;
	for (size_t i = 0; i < t->natoms; i++) {
		double x0, y0, x1, y1;
		const GEOSGeometry *g = fl__atom_geom(t, i);
		if (g && GEOSGeom_getXMin_r(t->geos, g, &x0) && GEOSGeom_getYMin_r(t->geos, g, &y0) &&
		    GEOSGeom_getXMax_r(t->geos, g, &x1) && GEOSGeom_getYMax_r(t->geos, g, &y1)) {
			tx0 = fmin(tx0, x0), ty0 = fmin(ty0, y0), tx1 = fmax(tx1, x1), ty1 = fmax(ty1, y1);
		}
	}
	if (tx0 > tx1)
		return fl__fail(FL_EINPUT, "the tracker has no territory to draw");
	if (o->has_bbox) {
		memcpy(bb, o->bbox, 4 * sizeof *bb);
		if (bb[2] < tx0 || bb[0] > tx1 || bb[3] < ty0 || bb[1] > ty1)
			return fl__fail(FL_EARG,
					"`bbox` %g,%g,%g,%g is outside the tracker (which spans %.3f,%.3f,%.3f,%.3f)",
					bb[0], bb[1], bb[2], bb[3], tx0, ty0, tx1, ty1);
		return FL_OK;
	}
	double mx = (tx1 - tx0) * 0.04, my = (ty1 - ty0) * 0.04;
	bb[0] = tx0 - mx, bb[1] = ty0 - my, bb[2] = tx1 + mx, bb[3] = ty1 + my;
	return FL_OK;
}

static void draw_borders(canvas *c, const fl_tracker *t)
{
	cairo_new_path(c->cr);
	for (size_t r = 0; r < t->nregions; r++)
		path_geom(c, t->geos, fl__region_geom(t, r));
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.9);
	cairo_set_line_width(c->cr, fmax(0.6, c->w / 1600.0));
	cairo_stroke(c->cr);
}

static void region_labels(canvas *c, const fl_tracker *t, label *L, size_t *nl)
{
	for (size_t r = 0; r < t->nregions; r++) {
		const GEOSGeometry *rg = fl__region_geom(t, r);
		GEOSGeometry *pt = rg ? GEOSPointOnSurface_r(t->geos, rg) : NULL;
		if (!pt)
			continue;
		double lon = 0, lat = 0;
		GEOSGeomGetX_r(t->geos, pt, &lon);
		GEOSGeomGetY_r(t->geos, pt, &lat);
		GEOSGeom_destroy_r(t->geos, pt);
		project(c, lon, lat, &L[*nl].x, &L[*nl].y);
		L[*nl].area = t->regions[r].pub.area_km2;
		short_name(t->regions[r].pub.name, L[*nl].text, sizeof L[*nl].text);
		(*nl)++;
	}
}

/* The texts drawn as given: UTF-8 only (Cairo refuses the rest, and SVG
 * and PDF would carry it). */
static fl_status texts_utf8(const fl_render_opts *o)
{
	if (!fl__utf8_valid(o->title))
		return fl__fail(FL_EARG, "title: not UTF-8");
	if (!fl__utf8_valid(o->attribution))
		return fl__fail(FL_EARG, "attribution: not UTF-8");
	return FL_OK;
}

static fl_status render_map(const fl_tracker *t, const fl_query *q, bool is_diff, fl_instant t1,
			    const fl_render_opts *o, const char *path)
{
	canvas c;
	double bb[4];
	fl_status st = texts_utf8(o);
	if (!st)
		st = kind_of(path, &c.kind, true);
	if (!st)
		st = map_extent(t, o, bb);
	if (st)
		return st;
	fl_snapshot *s = NULL;
	fl_diff *d = NULL;
	st = fl_snapshot_new(t, q, FL_BY_REGION, &s);
	if (!st && is_diff)
		st = fl_diff_new(t, q, t1, q->at, FL_BY_REGION, &d);
	if (!st)
		st = canvas_open(&c, path, o->width, o->height, true);
	else {
		fl_snapshot_free(s);
		return st;
	}
	label *L = calloc(t->nregions + t->nzones + 1, sizeof *L);
	size_t nl = 0, na = t->nactors;
	double *area = calloc(na + 1, sizeof *area);
	if (!st && (!L || !area))
		st = fl__fail(FL_ENOMEM, "out of memory");
	if (!st)
		st = setup_projection(&c, bb, 0.0);
	if (!st) {
		cairo_t *cr = c.cr;
		cairo_set_source_rgb(cr, 0.96, 0.97, 0.98);
		cairo_paint(cr);
		draw_basemap(&c, t->geos, o->basemap);
		cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
		/* control: one filled path per piece */
		for (size_t i = 0; i < fl_snapshot_count(s); i++) {
			const fl_piece *p = fl_snapshot_at(s, i);
			cairo_new_path(cr);
			path_geom(&c, t->geos, fl__snapshot_geom(s, i));
			set_hex(cr, p->holder != FL_NONE ? t->actors[p->holder].color : "#cccccc",
				is_diff ? 0.3 : 1);
			cairo_fill(cr);
			if (p->holder != FL_NONE)
				area[p->holder] += p->area_km2;
		}
		draw_borders(&c, t);
		double *gain = calloc(na + 1, sizeof *gain);
		for (size_t i = 0; d && gain && i < fl_diff_count(d); i++) {
			const fl_change *ch = fl_diff_at(d, i);
			cairo_new_path(cr);
			path_geom(&c, t->geos, fl__diff_geom(d, i));
			set_hex(cr, ch->to != FL_NONE ? t->actors[ch->to].color : "#cccccc", 1);
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
			cairo_set_line_width(cr, fmax(1.5, c.w / 600.0));
			cairo_stroke(cr);
			if (ch->to != FL_NONE)
				gain[ch->to] += ch->area_km2;
		}
		draw_zones(&c, t, q->at, L, &nl);
		if (o->labels)
			region_labels(&c, t, L, &nl);
		/* legend */
		legend_row rows[34];
		size_t nr = 0;
		for (size_t a = 0; a < na && nr < 32; a++) {
			if (area[a] <= 0 && !(gain && gain[a] > 0))
				continue;
			rows[nr].color = t->actors[a].color;
			rows[nr].outline = is_diff;
			if (is_diff)
				snprintf(rows[nr].text, sizeof rows[nr].text, "%s gained %.1f km²",
					 t->actors[a].id, gain ? gain[a] : 0);
			else
				snprintf(rows[nr].text, sizeof rows[nr].text, "%s  %.1f km²  %s", t->actors[a].id,
					 area[a], t->actors[a].name);
			if (strlen(rows[nr].text) > 70)
				memcpy(rows[nr].text + 67, "...", 4);
			nr++;
		}
		free(gain);
		char heading[96], d2[16];
		fl_instant_format_date(q->at, d2, sizeof d2);
		if (is_diff) {
			char d1[16];
			fl_instant_format_date(t1, d1, sizeof d1);
			snprintf(heading, sizeof heading, "Changes %s to %s", d1, d2);
		} else
			snprintf(heading, sizeof heading, "Control on %s", d2);
		box taken[3];
		draw_frame(&c, t, o, heading, rows, nr, taken);
		draw_labels(&c, L, nl, taken, 3);
		if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
			st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
	}
	free(L);
	free(area);
	fl_snapshot_free(s);
	fl_diff_free(d);
	return canvas_close(&c, path, st);
}

fl_status fl_render_snapshot(const fl_tracker *t, const fl_query *q, const fl_render_opts *o,
			     const char *path)
{
	return render_map(t, q, false, 0, o, path);
}

fl_status fl_render_diff(const fl_tracker *t, const fl_query *filters, fl_instant t1, fl_instant t2,
			 const fl_render_opts *o, const char *path)
{
	if (t1 > t2)
		return fl__fail(FL_EARG, "`t1` is after `t2`: swap them");
	fl_query q = filters ? *filters : fl_query_at(t2);
	q.at = t2;
	return render_map(t, &q, true, t1, o, path);
}

/* ----------------------------------------------------------------- chart */
fl_status fl_render_chart(const fl_tracker *t, const fl_stats *s, const fl_render_opts *o,
			  const char *path)
{
	canvas c;
	int kind;
	fl_status st = texts_utf8(o);
	if (!st)
		st = kind_of(path, &kind, false);
	if (st)
		return st;
	size_t n = fl_stats_count(s);
	if (n == 0)
		return fl__fail(FL_EARG, "the series is empty: nothing to chart");
	st = canvas_open(&c, path, o->width, o->height, false);
	if (st)
		return canvas_close(&c, path, st);
	cairo_t *cr = c.cr;
	double fs = fmax(9, c.w / 80.0);
	double L = fs * 6, R = fs * 4, T = fs * 3.5, B = fs * 4;
	double pw = c.w - L - R, ph = c.h - T - B;
	fl_instant t0 = fl_stats_at(s, 0)->at, t1 = fl_stats_at(s, n - 1)->at;
	if (t1 == t0)
		t1 = t0 + 86400;
	double ymax = 0;
	for (size_t i = 0; i < n; i++)
		ymax = fmax(ymax, fl_stats_at(s, i)->area_km2);
	double step = pow(10, floor(log10(ymax > 0 ? ymax : 1)));
	if (ymax / step < 3)
		step /= 2;
	ymax = ceil(ymax / step) * step;
	if (ymax <= 0)
		ymax = 1;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	/* grid and y labels */
	cairo_set_line_width(cr, 1);
	for (int k = 0; k * step <= ymax + step / 2; k++) {
		double v = k * step;
		double y = T + ph - v / ymax * ph;
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, L, y);
		cairo_line_to(cr, L + pw, y);
		cairo_stroke(cr);
		char lab[32];
		snprintf(lab, sizeof lab, "%.0f", v);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		text_at(&c, L - text_width(&c, fs, lab) - fs / 2, y + fs / 3, fs, false, lab);
	}
	/* x labels: about six dates */
	for (int k = 0; k <= 5; k++) {
		fl_instant at = t0 + (t1 - t0) * k / 5;
		char lab[16];
		fl_instant_format_date(at, lab, sizeof lab);
		double x = L + pw * k / 5.0;
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, x, T + ph);
		cairo_line_to(cr, x, T + ph + fs / 2);
		cairo_stroke(cr);
		text_at(&c, x - text_width(&c, fs, lab) / 2, T + ph + fs * 1.7, fs, false, lab);
	}
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_rectangle(cr, L, T, pw, ph);
	cairo_stroke(cr);
	text_at(&c, L, T - fs * 1.2, fs * 1.3, true, o->title ? o->title : "Area held (km²)");
	/* one step line per actor */
	double lx = L + pw - fs;
	for (size_t a = 0; a < t->nactors; a++) {
		bool any = false;
		double px = 0, py = 0;
		for (size_t i = 0; i < n; i++) {
			const fl_stats_row *r = fl_stats_at(s, i);
			if (r->holder != (int)a)
				continue;
			double x = L + pw * (double)(r->at - t0) / (double)(t1 - t0);
			double y = T + ph - r->area_km2 / ymax * ph;
			if (!any)
				cairo_move_to(cr, x, y);
			else {
				cairo_line_to(cr, x, py); /* area holds until the next sample */
				cairo_line_to(cr, x, y);
			}
			any = true;
			px = x, py = y;
		}
		if (!any)
			continue;
		(void)px;
		cairo_line_to(cr, L + pw, py);
		set_hex(cr, t->actors[a].color, 1);
		cairo_set_line_width(cr, fmax(2, c.w / 400.0));
		cairo_stroke(cr);
		/* legend entry, top right inside the plot */
		char lab[128];
		snprintf(lab, sizeof lab, "%s", t->actors[a].id);
		double w = text_width(&c, fs, lab);
		lx -= w + fs * 3;
		cairo_rectangle(cr, lx, T + fs * 0.6, fs * 1.5, fs * 0.6);
		set_hex(cr, t->actors[a].color, 1);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		text_at(&c, lx + fs * 2, T + fs * 1.3, fs, false, lab);
	}
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		st = fl__fail(FL_EIO, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
	return canvas_close(&c, path, st);
}
