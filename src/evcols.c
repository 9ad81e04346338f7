/*
 * evcols.c: the events as columns, and events filled on demand.
 *
 * Queries walk events by the million (stats applies every one; snapshots
 * binary-search every atom's timeline) but read only a few fields: the
 * instant, the new holder, the atoms, and what decides whether the event
 * counts.  Those are columns, contiguous arrays in file order.  Read from
 * the index, every field of every event is a column in its mapping, and the
 * struct fl_event a caller asks for is filled from them the first time
 * (fl__event_at); opening a tracker of a million events then writes no
 * million structs.  Built from the sources, the events are complete and only
 * the query columns are made, once, after the atoms.
 */
#include <stdlib.h>
#include <string.h>
#include "evcols.h"
#include "fail.h"
#include "tracker_priv.h"

/* The number of atoms event e covers. */
static size_t event_natoms(const fl_tracker *t, const fl__event *e, bool atoms_are_regions)
{
	if (!atoms_are_regions)
		return e->natoms;
	return e->pub.all_regions ? t->nregions : e->pub.nregions;
}

fl_status fl__evcols_build(fl_tracker *t, bool atoms_are_regions)
{
	size_t ne = t->nevents, total = 0;
	for (size_t i = 0; i < ne; i++)
		total += event_natoms(t, &t->events[i], atoms_are_regions);
	/* one block: the 8-byte columns first, then the 4-byte, then the bytes */
	size_t bytes = (ne + 1) * (3 * sizeof(fl_instant) + sizeof(uint64_t)) +
		       (ne + 1) * 2 * sizeof(int32_t) + (total + 1) * sizeof(uint32_t) + (ne + 1);
	unsigned char *b = malloc(bytes);
	if (!b)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_instant *when = (fl_instant *)b, *latest = when + (ne + 1), *recorded = latest + (ne + 1);
	uint64_t *atom0 = (uint64_t *)(recorded + (ne + 1));
	int32_t *to = (int32_t *)(atom0 + (ne + 1)), *corrects = to + (ne + 1);
	uint32_t *atoms = (uint32_t *)(corrects + (ne + 1));
	uint8_t *status = (uint8_t *)(atoms + (total + 1));
	size_t off = 0;
	for (size_t i = 0; i < ne; i++) {
		fl__event *e = &t->events[i];
		when[i] = e->pub.when;
		latest[i] = e->pub.latest;
		recorded[i] = e->pub.recorded;
		to[i] = e->pub.to;
		corrects[i] = e->pub.corrects;
		status[i] = (uint8_t)e->pub.status;
		atom0[i] = off;
		if (!atoms_are_regions)
			for (size_t j = 0; j < e->natoms; j++)
				atoms[off++] = (uint32_t)e->atoms[j];
		else if (e->pub.all_regions)
			for (size_t r = 0; r < t->nregions; r++)
				atoms[off++] = (uint32_t)r;
		else
			for (size_t r = 0; r < e->pub.nregions; r++)
				atoms[off++] = (uint32_t)e->pub.regions[r];
		free(e->atoms);
		e->atoms = NULL;
		e->natoms = 0;
	}
	atom0[ne] = off;
	fl__evcols_free(t);
	fl__evcols *c = &t->ec;
	c->when = when, c->latest = latest, c->recorded = recorded, c->to = to, c->corrects = corrects;
	c->status = status, c->atom0 = atom0, c->atoms = atoms;
	c->owned = b;
	return FL_OK;
}

void fl__evcols_free(fl_tracker *t)
{
	free(t->ec.owned);
	memset(&t->ec, 0, sizeof t->ec);
	free(t->ev_ready);
	t->ev_ready = NULL;
}

const fl__event *fl__event_at(const fl_tracker *t, size_t i)
{
	fl__event *e = &t->events[i];
	if (!t->ev_ready || t->ev_ready[i])
		return e;
	const fl__evcols *c = &t->ec;
	e->pub.id = c->strings + c->s_id[i];
	e->pub.date = c->strings + c->s_date[i];
	e->pub.source = c->strings + c->s_source[i];
	e->pub.note = c->strings + c->s_note[i];
	e->pub.file = c->strings + c->s_file[i];
	e->pub.when = c->when[i];
	e->pub.latest = c->latest[i];
	e->pub.recorded = c->recorded[i];
	e->pub.to = c->to[i];
	e->pub.from = c->from[i];
	e->pub.corrects = c->corrects[i];
	e->pub.line = c->line[i];
	e->pub.kind = (fl_event_kind)c->kind[i];
	e->pub.status = (fl_event_status)c->status[i];
	e->pub.partial = c->partial[i];
	e->pub.all_regions = c->all_regions[i];
	e->pub.has_polygon = c->has_polygon[i];
	e->pub.regions = c->regions + c->reg0[i];
	e->pub.nregions = (size_t)(c->reg0[i + 1] - c->reg0[i]);
	t->ev_ready[i] = 1;
	return e;
}
