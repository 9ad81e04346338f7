/*
 * layers.c: the tracker's own layers (regions, zones, events) written through
 * GDAL, like snapshots and diffs.
 *
 * A client that publishes a tracker (frontline serve) needs the regions, the
 * zones and the change log as features, in the same RFC 7946 form as the
 * snapshots.  An event's geometry is the union of its area: its regions (all
 * of them for "*"), and its polygon (read from the index, which keeps no
 * event polygons, the union of the event's atoms: the same area on the
 * engine's 1 cm grid).  Unions are computed on demand here, so
 * callers should keep the result rather than ask again.
 */
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "evcols.h"
#include "fail.h"
#include "shapes.h"
#include "sink.h"
#include "tracker_priv.h"
#include "util.h"

static const fl__field region_fields[] = {
	{"id", FL__STR}, {"name", FL__STR}, {"alt_names", FL__STR},
	{"kind", FL__STR}, {"parent", FL__STR}, {"area_km2", FL__REAL}};
static const fl__field zone_fields[] = {
	{"id", FL__STR},	 {"name", FL__STR},	  {"actor", FL__STR},
	{"kind", FL__STR},	 {"valid_from", FL__DATE}, {"valid_to", FL__DATE},
	{"source", FL__STR},	 {"note", FL__STR},	  {"approximate", FL__BOOL}};
static const fl__field event_fields[] = {
	{"id", FL__STR},	{"date", FL__STR},     {"when", FL__DATETIME},
	{"regions", FL__STR},	{"from", FL__STR},     {"to", FL__STR},
	{"kind", FL__STR},	{"status", FL__STR},   {"source", FL__STR},
	{"note", FL__STR},	{"recorded", FL__DATE}, {"corrects", FL__STR},
	{"partial", FL__BOOL},	{"parties", FL__STR}};

#define NF(a) (sizeof(a) / sizeof(a)[0])

static fl__value str(const char *s)
{
	return (fl__value){.null = !s || !*s, .s = s};
}

/* "id1;id2" or "*"; malloc'd */
static char *event_regions(const fl_tracker *t, const fl__event *e)
{
	if (e->pub.all_regions)
		return fl__strdup("*");
	size_t n = 1;
	for (size_t i = 0; i < e->pub.nregions; i++)
		n += strlen(t->regions[e->pub.regions[i]].pub.id) + 1;
	char *s = malloc(n);
	if (!s)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < e->pub.nregions; i++) {
		const char *id = t->regions[e->pub.regions[i]].pub.id;
		size_t len = strlen(id);
		if (i)
			s[at++] = ';';
		memcpy(s + at, id, len);
		at += len;
	}
	s[at] = 0;
	return s;
}

/* The union of the atoms of event i: its area as the engine holds it
 * (*out NULL when it has none: a polygon below the 1 cm grid). */
static fl_status event_atoms_union(const fl_tracker *t, size_t i, GEOSGeometry **out)
{
	size_t n;
	const uint32_t *at = fl__event_atoms(t, i, &n);
	*out = NULL;
	if (n == 0)
		return FL_OK;
	size_t *v = malloc(n * sizeof *v);
	if (!v)
		return FL_ENOMEM;
	for (size_t k = 0; k < n; k++)
		v[k] = at[k];
	*out = fl__atoms_union(t, v, n);
	free(v);
	return *out ? FL_OK : FL_EGEOM;
}

/* The union of event i's area into *out, NULL when it has none.  New geometry. */
static fl_status event_geometry(const fl_tracker *t, size_t i, GEOSGeometry **out)
{
	GEOSContextHandle_t h = t->geos;
	const fl__event *e = fl__event_at(t, i);
	*out = NULL;
	/* read from the index (events filled on demand), a polygon event's
	 * polygon is not kept: its atoms are (the same area on the 1 cm grid) */
	if (t->ev_ready && e->pub.has_polygon)
		return event_atoms_union(t, i, out);
	size_t n = e->pub.all_regions ? t->nregions : e->pub.nregions;
	GEOSGeometry **parts = malloc((n + 1) * sizeof *parts);
	if (!parts)
		return FL_ENOMEM;
	size_t k = 0;
	for (size_t j = 0; j < n; j++) {
		size_t r = e->pub.all_regions ? j : (size_t)e->pub.regions[j];
		/* (the union only reads its parts) */
		const GEOSGeometry *rg = fl__region_geom(t, r);
		if (!rg && t->regions[r].wkb) { /* read from the index: out of memory */
			free(parts);
			return FL_ENOMEM;
		}
		if (rg)
			parts[k++] = (GEOSGeometry *)rg;
	}
	GEOSGeometry *g = k ? fl__coverage_union(h, parts, k) : NULL;
	if (e->polygon) {
		GEOSGeometry *u = g ? GEOSUnion_r(h, g, e->polygon) : GEOSGeom_clone_r(h, e->polygon);
		if (g)
			GEOSGeom_destroy_r(h, g);
		g = u;
	}
	free(parts);
	*out = g;
	return g || (!k && !e->polygon) ? FL_OK : FL_EGEOM;
}

static fl_status add_events(const fl_tracker *t, fl__sink *k)
{
	fl_status st = FL_OK;
	for (size_t j = 0; j < t->nevents && !st; j++) {
		const fl__event *e = fl__event_at(t, t->order[j]);
		const fl_event *p = &e->pub;
		char *regs = event_regions(t, e);
		GEOSGeometry *g = NULL;
		if (!regs || event_geometry(t, t->order[j], &g) != FL_OK) {
			free(regs);
			if (g)
				GEOSGeom_destroy_r(t->geos, g);
			return fl__fail(FL_EGEOM, "event '%s': cannot build the union of its area",
					p->id);
		}
		fl__value v[NF(event_fields)];
		memset(v, 0, sizeof v);
		v[0] = str(p->id);
		v[1] = str(p->date);
		v[2] = (fl__value){.t = p->when};
		v[3] = str(regs);
		v[4] = str(p->from != FL_NONE ? t->actors[p->from].id : NULL);
		/* contested ground as the events' files write it: to=contested, parties;
		 * a retraction has no `to` */
		char *parties = fl__actor_parties_text(t, p->to, ";");
		v[5] = str(parties ? "contested" : p->to != FL_NONE ? t->actors[p->to].id : NULL);
		v[6] = str(fl_event_kind_name(p->kind));
		v[7] = str(fl_event_status_name(p->status));
		v[8] = str(p->source);
		v[9] = str(p->note);
		v[10] = (fl__value){.t = p->recorded};
		v[11] = str(p->corrects != FL_NONE ? fl__event_at(t, (size_t)p->corrects)->pub.id : NULL);
		v[12] = (fl__value){.i = p->partial};
		v[13] = (fl__value){.null = !parties, .s = parties};
		st = fl__sink_add(k, v, t->geos, g);
		free(regs), free(parties);
		if (g)
			GEOSGeom_destroy_r(t->geos, g);
	}
	return st;
}

fl_status fl_tracker_write_layer_buffer(const fl_tracker *t, const char *layer, const char *format,
					unsigned char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	const fl__field *fields;
	size_t nfields;
	if (layer && strcmp(layer, "regions") == 0)
		fields = region_fields, nfields = NF(region_fields);
	else if (layer && strcmp(layer, "zones") == 0)
		fields = zone_fields, nfields = NF(zone_fields);
	else if (layer && strcmp(layer, "events") == 0)
		fields = event_fields, nfields = NF(event_fields);
	else
		return fl__fail(FL_EARG, "layer '%s': expected regions, zones or events",
				layer ? layer : "(null)");
	fl__sink *k = NULL;
	fl_status st = fl__sink_open(NULL, format ? format : "GeoJSON", layer, fields, nfields,
				     true, &k);
	if (st)
		return st;
	fl__sink_zone(k, t->tz); /* dates the tracker's, date-times with its offset */
	if (fields == region_fields) {
		for (size_t i = 0; i < t->nregions && !st; i++) {
			const fl_region *r = &t->regions[i].pub;
			fl__value v[NF(region_fields)] = {str(r->id),	    str(r->name), str(r->alt_names),
							  str(r->kind),	    str(r->parent),
							  {.d = r->area_km2}};
			const GEOSGeometry *g = fl__region_geom(t, i);
			st = g || !t->regions[i].wkb ? fl__sink_add(k, v, t->geos, g)
						     : fl__fail(FL_ENOMEM, "region '%s': out of memory", r->id);
		}
	} else if (fields == zone_fields) {
		for (size_t i = 0; i < t->nzones && !st; i++) {
			const fl_zone *z = &t->zones[i].pub;
			fl__value v[NF(zone_fields)];
			memset(v, 0, sizeof v);
			v[0] = str(z->id);
			v[1] = str(z->name);
			v[2] = str(z->actor != FL_NONE ? t->actors[z->actor].id : NULL);
			v[3] = str(z->kind);
			v[4] = (fl__value){.t = z->valid_from};
			v[5] = (fl__value){.null = !z->has_end, .t = z->valid_to};
			v[6] = str(z->source);
			v[7] = str(z->note);
			v[8] = (fl__value){.i = z->approximate};
			st = fl__sink_add(k, v, t->geos, t->zones[i].geom);
		}
	} else {
		st = add_events(t, k);
	}
	if (st) {
		fl__sink_abort(k);
		return st;
	}
	return fl__sink_commit_mem(k, buf, len);
}
