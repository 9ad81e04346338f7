/*
 * places_weight.c: places as a weight (weight.h): the count of places in
 * each atom, or the sum of a numeric field of theirs, so that the series
 * (fl_stats_new_weighted) counts the places each holder holds at each step
 * with the area sweep, no geometry work per step.
 */
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "places_priv.h"
#include "tracker_priv.h"
#include "util.h"
#include "weight_priv.h"

/* The layer's fields as text for a message ("name, pop, ..."), malloc'd. */
static char *field_list(const fl_places *p)
{
	size_t len = 8;
	for (size_t j = 0; j < p->nfields; j++)
		len += strlen(p->fields[j].name) + 2;
	char *s = malloc(len), *o = s;
	if (!s)
		return NULL;
	for (size_t j = 0; j < p->nfields; j++) {
		size_t n = strlen(p->fields[j].name);
		if (j)
			*o++ = ',', *o++ = ' ';
		memcpy(o, p->fields[j].name, n);
		o += n;
	}
	if (!p->nfields)
		memcpy(o, "none", 4), o += 4;
	*o = 0;
	return s;
}

fl_status fl_weight_from_places(const fl_tracker *t, const fl_places *p, const char *field,
				fl_weight **out)
{
	if (!t || !p || !out)
		return fl__fail(FL_EARG, "fl_weight_from_places: NULL argument");
	*out = NULL;
	if (p->t != t)
		return fl__fail(FL_EARG, "places of %s were located in another tracker", p->path);
	size_t j = 0;
	if (field) {
		while (j < p->nfields && strcmp(p->fields[j].name, field))
			j++;
		if (j == p->nfields) {
			char *list = field_list(p);
			fl_status st = fl__fail(FL_EARG, "`field` %s: places file %s has no such field (its fields: %s)",
						field, p->path, list ? list : "?");
			free(list);
			return st;
		}
		if (p->fields[j].type != FL__INT && p->fields[j].type != FL__REAL)
			return fl__fail(FL_EARG, "`field` %s of places file %s is not numeric: a sum needs "
						 "an integer or real field",
					field, p->path);
	}
	char *name = field ? fl__printf("places_%s", field) : fl__strdup("places");
	if (!name)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_weight *w = NULL;
	fl_status st = fl__weight_new(t, name, &w);
	free(name);
	if (st)
		return st;
	for (size_t i = 0; i < p->n; i++) {
		if (p->atom[i] == FL_NONE)
			continue; /* outside: no holder ever counts it */
		const char *v = field ? p->vals[i * p->nfields + j] : NULL;
		w->atom[p->atom[i]] += field ? (v ? strtod(v, NULL) : 0.0) : 1.0;
	}
	*out = w;
	return FL_OK;
}
