/*
 * render_labels.c: the names on a map.  Zones' and regions' labels first
 * (largest first), then the base map's populated places by rank (Natural
 * Earth's SCALERANK, LABELRANK, then population), each a dot with its name
 * beside it (right, left, above or below); nothing is drawn where it would
 * overlap a name already placed, the legend, or the title.
 *
 * Names: the tracker's `name` of a region and Natural Earth's of a place.
 * With FL_NAMES_BOTH a region shows its alt_names too, and a place whose
 * name is one of a region's names and that lies in or near that region shows the
 * region's other names: "Stepanakert / Khankendi".  Neither side's name is
 * chosen by the tool: the tracker's and the base map's are shown as given.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "render_labels.h"
#include "shapes.h"
#include "tracker_priv.h"

static bool overlaps(const fl__box *a, const fl__box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static bool inside(const fl__canvas *c, const fl__box *b)
{
	return b->x0 >= 0 && b->y0 >= 0 && b->x1 <= c->w && b->y1 <= c->h;
}

/* s[0..n) appended to buf after sep (when buf is not empty), cut to fit. */
static void append(char *buf, size_t len, const char *sep, const char *s, size_t n)
{
	size_t k = strlen(buf);
	if (k && sep)
		k += (size_t)snprintf(buf + k, len - k, "%s", sep);
	if (k + 1 < len)
		snprintf(buf + k, len - k, "%.*s", (int)(n < len - k - 1 ? n : len - k - 1), s);
}

/* The name without a trailing " District" (and " City" when city). */
static size_t short_len(const char *name, bool city)
{
	size_t n = strlen(name);
	const char *p = strstr(name, " District");
	if (p)
		return (size_t)(p - name);
	if (city && n > 5 && !strcmp(name + n - 5, " City"))
		return n - 5;
	return n;
}

/* The i-th of the ';'-separated alt names, trimmed: its start and length
 * (false past the last). */
static bool alt_name(const char *alts, size_t i, const char **s, size_t *n)
{
	const char *p = alts ? alts : "";
	for (size_t k = 0; k < i && p; k++)
		p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL;
	if (!p || !*p)
		return false;
	while (*p == ' ')
		p++;
	size_t len = strcspn(p, ";");
	while (len && p[len - 1] == ' ')
		len--;
	*s = p;
	*n = len;
	return true;
}

void fl__region_labels(fl__canvas *c, const fl_tracker *t, int names, fl__label *L, size_t *nl)
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
		fl__label *l = &L[*nl];
		fl__project(c, lon, lat, &l->x, &l->y);
		l->area = t->regions[r].pub.area_km2;
		const char *name = t->regions[r].pub.name, *a;
		l->text[0] = 0;
		append(l->text, sizeof l->text, NULL, name, short_len(name, false));
		size_t n;
		for (size_t i = 0; names == FL_NAMES_BOTH && alt_name(t->regions[r].pub.alt_names, i, &a, &n); i++)
			if (n)
				append(l->text, sizeof l->text, " / ", a, n);
		(*nl)++;
	}
}

static int cmp_label(const void *a, const void *b)
{
	double x = ((const fl__label *)a)->area, y = ((const fl__label *)b)->area;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The white halo and dark text of a label with its ink's top left at (x, y);
 * the text is shown as text (not a path), so that PDF keeps it searchable. */
static void draw_text(fl__canvas *c, double x, double y, const cairo_text_extents_t *e, const char *s,
		      double fs)
{
	cairo_new_path(c->cr);
	cairo_move_to(c->cr, x - e->x_bearing, y - e->y_bearing);
	cairo_text_path(c->cr, s);
	cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
	cairo_set_line_width(c->cr, fs / 4);
	cairo_stroke(c->cr);
	cairo_move_to(c->cr, x - e->x_bearing, y - e->y_bearing);
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	cairo_show_text(c->cr, s);
	cairo_new_path(c->cr);
}

/* Whether b lies in the canvas and overlaps nothing placed. */
static bool free_box(const fl__canvas *c, const fl__box *b, const fl__box *placed, size_t np)
{
	if (!inside(c, b))
		return false;
	for (size_t j = 0; j < np; j++)
		if (overlaps(b, &placed[j]))
			return false;
	return true;
}

/* How near (in degrees, about 10 km) a place must be to a region of its
 * name to be taken for it: gazetteer points and boundaries disagree by a
 * few km (Natural Earth's Stepanakert is 2 km outside the city's polygon),
 * while a namesake elsewhere is far (Natural Earth's "Agdam" in Tovuz). */
#define NEAR_DEG 0.1

/* Place p's text: under FL_NAMES_BOTH, a place that is a region (by one of
 * its names, and in or near it) gets the region's other names after its own. */
static void place_text(const fl_tracker *t, const fl__place *p, int names, char *buf, size_t len)
{
	snprintf(buf, len, "%s", p->name);
	if (names != FL_NAMES_BOTH)
		return;
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(t->geos, p->lon, p->lat);
	for (size_t r = 0; pt && r < t->nregions; r++) {
		const fl_region *rg = &t->regions[r].pub;
		const char *a;
		size_t n, own = short_len(rg->name, true);
		bool match = strlen(p->name) == own && !strncasecmp(p->name, rg->name, own);
		for (size_t i = 0; !match && alt_name(rg->alt_names, i, &a, &n); i++)
			match = n == strlen(p->name) && !strncasecmp(a, p->name, n);
		const GEOSGeometry *g = match ? fl__region_geom(t, r) : NULL;
		double dist = 1;
		if (!g || !GEOSDistance_r(t->geos, g, pt, &dist) || dist > NEAR_DEG)
			continue;
		if (own != strlen(p->name) || strncasecmp(p->name, rg->name, own))
			append(buf, len, " / ", rg->name, own);
		for (size_t i = 0; alt_name(rg->alt_names, i, &a, &n); i++)
			if (n && (n != strlen(p->name) || strncasecmp(a, p->name, n)))
				append(buf, len, " / ", a, n);
		break;
	}
	if (pt)
		GEOSGeom_destroy_r(t->geos, pt);
}

/* Places of Natural Earth's SCALERANK up to this are placed before the
 * regions' labels (after the zones'), the others after them. */
#define MAJOR 7

/* The places of bm (the major ones or the others), best first: a dot and the name on whichever side is free. */
static void draw_places(fl__canvas *c, const fl_tracker *t, const fl__basemap *bm, int names, bool major,
			fl__box *placed, size_t *np, size_t cap, double fs)
{
	size_t n;
	const fl__place *P = fl__basemap_places(bm, &n);
	double r = fmax(2, fs / 4);
	cairo_set_font_size(c->cr, fs);
	for (size_t i = 0; i < n && *np + 2 <= cap; i++) {
		if ((P[i].rank1 <= MAJOR) != major)
			continue;
		double x, y;
		fl__project(c, P[i].lon, P[i].lat, &x, &y);
		fl__box dot = {x - r - 1, y - r - 1, x + r + 1, y + r + 1};
		if (!free_box(c, &dot, placed, *np))
			continue;
		char text[160];
		place_text(t, &P[i], names, text, sizeof text);
		cairo_text_extents_t e;
		cairo_text_extents(c->cr, text, &e);
		double w = e.width, h = e.height, gap = r + 3;
		/* right, left, above, below the dot: the ink's top left */
		const double at[4][2] = {{x + gap, y - h / 2}, {x - gap - w, y - h / 2}, {x - w / 2, y - gap - h},
					 {x - w / 2, y + gap}};
		for (int k = 0; k < 4; k++) {
			/* with room around: the base map's names are context, not a crowd */
			double m = fs * 0.4;
			fl__box b = {at[k][0] - m, at[k][1] - m, at[k][0] + w + m, at[k][1] + h + m};
			if (!free_box(c, &b, placed, *np))
				continue;
			placed[(*np)++] = dot;
			placed[(*np)++] = b;
			cairo_new_path(c->cr);
			cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
			cairo_set_source_rgb(c->cr, 0.2, 0.2, 0.2);
			cairo_fill_preserve(c->cr);
			cairo_set_source_rgb(c->cr, 1, 1, 1);
			cairo_set_line_width(c->cr, 1);
			cairo_stroke(c->cr);
			draw_text(c, at[k][0], at[k][1], &e, text, fs);
			break;
		}
	}
}

void fl__draw_labels(fl__canvas *c, const fl_tracker *t, fl__label *L, size_t n, const fl__box *taken,
		     size_t ntaken, const fl__basemap *bm, int names, bool with_places)
{
	qsort(L, n, sizeof *L, cmp_label);
	size_t nplaces = 0;
	if (with_places)
		fl__basemap_places(bm, &nplaces);
	size_t cap = n + ntaken + 2 * nplaces + 1;
	fl__box *placed = malloc(cap * sizeof *placed);
	if (!placed)
		return;
	memcpy(placed, taken, ntaken * sizeof *placed);
	size_t np = ntaken;
	double fs = fmax(8, c->w / 110.0);
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, fs);
	bool majors_done = !with_places;
	for (size_t i = 0; i <= n; i++) {
		if (!majors_done && (i == n || L[i].area < ZONE_AREA)) {
			draw_places(c, t, bm, names, true, placed, &np, cap, fs * 0.95);
			cairo_set_font_size(c->cr, fs);
			majors_done = true;
		}
		if (i == n)
			break;
		cairo_text_extents_t e;
		cairo_text_extents(c->cr, L[i].text, &e);
		fl__box b = {L[i].x - e.width / 2 - 2, L[i].y - e.height / 2 - 2, L[i].x + e.width / 2 + 2,
			     L[i].y + e.height / 2 + 2};
		if (!free_box(c, &b, placed, np))
			continue;
		placed[np++] = b;
		draw_text(c, L[i].x - e.width / 2, L[i].y - e.height / 2, &e, L[i].text, fs);
	}
	if (with_places)
		draw_places(c, t, bm, names, false, placed, &np, cap, fs * 0.95);
	free(placed);
}
