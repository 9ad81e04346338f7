/*
 * store/ogr_events.c: reading the events layer, row by row.
 *
 * Each row is checked field by field and every problem is reported with
 * the file, line and field (`events.csv:7: field 'to': unknown actor ...`):
 * the id (non-empty, unique), the date and the optional `recorded` instant,
 * `to` and `from` (known actors that may hold territory; `to` may be
 * `contested`, with two or more actors in `parties`, and `from` such a
 * state by its holder's id `contested:AM+AZ`), kind, status,
 * source and partial, and the area (regions by id, '*', and/or the id of a
 * polygon in the areas layer, resolved later by ogr.c).  A retraction has
 * no area, `to` nor `from`, only the event it withdraws in `corrects`.  A row with an
 * error is left out; a correction names an event of the layer, resolved
 * once all are read.  The columns are looked up by name once per layer, and
 * an event's strings and region list go to the tracker's pool (pool.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ogr_events.h"
#include "../diag.h"
#include "../event_date.h"
#include "../tracker_priv.h"
#include "../fail.h"
#include "../util.h"
#include "../pool.h"

static int parse_kind(const char *s)
{
	static const char *const k[] = {"capture", "handover", "withdrawal", "agreement",
					"baseline", "correction", "retraction"};
	for (int i = 0; i < 7; i++)
		if (strcmp(s, k[i]) == 0)
			return i;
	return -1;
}

static int parse_status(const char *s)
{
	static const char *const k[] = {"claimed", "confirmed", "disputed"};
	for (int i = 0; i < 3; i++)
		if (strcmp(s, k[i]) == 0)
			return i;
	return -1;
}


/* The layer's columns by index (-1: absent), looked up once; and the
 * region list of the row being read, reused from row to row. */
typedef struct ev_cols {
	int id, date, regions, to, from, kind, status, source, note, recorded, corrects, partial, area;
	int parties;
	int *regs;
	size_t nregs, rcap;
	unsigned char *is_text; /* per field: an OFTString (read as it is) */
	int *text;              /* the text fields (String, StringList), for the UTF-8 check */
	size_t ntext;
} ev_cols;

/* The value of field i ("" when null or absent): a text field as it is,
 * any other as fl__fstr_at formats it. */
static const char *col_value(OGRFeatureH f, const ev_cols *c, int i)
{
	if (i >= 0 && c->is_text[i])
		return OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
	return fl__fstr_at(f, i);
}

#define COL(name) col_value(f, c, c->name)

/* The instant of a date field (its name in field), else its problem in d.
 * A date-only value, or one without offset, is in the tracker's zone. */
static bool parse_instant(const fl_tracker *t, const char *text, const char *F, int line,
			  const char *field, fl__diags *d, fl_instant *out)
{
	if (fl_tracker_parse_date(t, text, FL_DATE_START, "", out) == FL_OK)
		return true;
	/* again, for the message that names the field (rows are rarely wrong:
	 * the text is not made for every row) */
	char what[256];
	snprintf(what, sizeof what, "%s:%d: field '%s'", F, line, field);
	fl_tracker_parse_date(t, text, FL_DATE_START, what, out);
	fl__diags_add(d, FL__ERROR, F, line, field, "%s",
		      strstr(fl_error_last(), "': ") ? strstr(fl_error_last(), "': ") + 3
						     : fl_error_last());
	return false;
}

/* The instants of the event's date (EDTF: event_date.c), else its problem in d. */
static bool parse_event_date(const fl_tracker *t, const char *text, const char *F, int line, fl__diags *d,
			     fl__event *e)
{
	if (fl__event_dates(t, text, "", &e->pub.when, &e->pub.latest) == FL_OK)
		return true;
	char what[256];
	snprintf(what, sizeof what, "%s:%d: field 'date'", F, line);
	fl__event_dates(t, text, what, &e->pub.when, &e->pub.latest);
	fl__diags_add(d, FL__ERROR, F, line, "date", "%s",
		      strstr(fl_error_last(), "': ") ? strstr(fl_error_last(), "': ") + 3
						     : fl_error_last());
	return false;
}

/* The id, date and recorded instant of the row; false when one is wrong. */
static bool event_when(const fl_tracker *t, const fl__layer_src *L, OGRFeatureH f, const ev_cols *c,
		       int line, const char *id, fl__diags *d, fl__event *e)
{
	const char *F = L->display;
	bool ok = true;
	if (!*id) {
		fl__diags_add(d, FL__ERROR, F, line, "id", "empty event id");
		ok = false;
	} else if (fl_tracker_find_event(t, id) != FL_NONE) {
		fl__diags_add(d, FL__ERROR, F, line, "id", "duplicate event id '%s'", id);
		ok = false;
	}
	if (!parse_event_date(t, COL(date), F, line, d, e))
		ok = false;
	const char *rec = COL(recorded);
	e->pub.recorded = e->pub.when;
	if (*rec) {
		if (!parse_instant(t, rec, F, line, "recorded", d, &e->pub.recorded))
			ok = false;
		else if (ok && e->pub.recorded < e->pub.when - 86400)
			/* known before it happened: a typo in one of the two? */
			fl__diags_add(d, FL__WARNING, F, line, "recorded",
				      "recorded %s, more than a day before the event's date %s", rec,
				      COL(date));
	}
	return ok;
}

/* The holder of the ground that the actors listed in `list` (ids
 * separated by sep) contest: the tracker's actor for that set of parties,
 * added after the others on first use (id contested:AM+AZ, the parties in
 * the order of the actors layer).  FL_NONE, with the problem reported
 * under `field`, when the list is wrong. */
static int contested_holder(fl_tracker *t, const char *F, int line, const char *field,
			    const char *list, const char *sep, fl__diags *d)
{
	char *copy = fl__strdup(list), *save = NULL;
	int *v = malloc((strlen(list) / 2 + 2) * sizeof *v); /* (a party per two bytes at most) */
	size_t n = 0;
	bool ok = copy && v;
	if (!ok)
		fl__diags_add(d, FL__ERROR, F, line, field, "out of memory");
	const char *first = "";
	for (char *tok = ok ? strtok_r(copy, sep, &save) : NULL; tok; tok = strtok_r(NULL, sep, &save)) {
		while (*tok == ' ')
			tok++;
		for (size_t k = strlen(tok); k && tok[k - 1] == ' ';)
			tok[--k] = 0;
		if (!*tok)
			continue;
		int a = fl_tracker_find_actor(t, tok);
		if (a == FL_NONE || fl__actor_contested(t, a)) {
			fl__unknown_actor(t, d, F, line, field, tok);
			ok = false;
		} else if (!fl__actor_holds(t, a)) {
			fl__diags_add(d, FL__ERROR, F, line, field,
				      "actor '%s' is a presence (kind presence in the actors), which "
				      "cannot hold territory nor contest it", tok);
			ok = false;
		} else {
			bool twice = false;
			for (size_t k = 0; k < n; k++)
				twice |= v[k] == a;
			if (twice) {
				fl__diags_add(d, FL__ERROR, F, line, field, "actor '%s' is named twice",
					      tok);
				ok = false;
			}
			if (!n)
				first = t->actors[a].id;
			v[n++] = a;
		}
	}
	if (ok && !n) {
		fl__diags_add(d, FL__ERROR, F, line, field, "no actor id in '%s'", list);
		ok = false;
	} else if (ok && n < 2) {
		fl__diags_add(d, FL__ERROR, F, line, field,
			      "one party ('%s'): contested ground has two or more parties, their "
			      "actor ids separated by '%s'", first, sep);
		ok = false;
	}
	free(copy);
	if (!ok) {
		free(v);
		return FL_NONE;
	}
	/* the parties in the actors' order, as the holder's id writes them */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k && v[k - 1] > v[k]; k--) {
			int x = v[k];
			v[k] = v[k - 1], v[k - 1] = x;
		}
	for (size_t a = t->nactors; a-- && t->actors[a].nparties;)
		if (t->actors[a].nparties == n && !memcmp(t->actors[a].parties, v, n * sizeof *v)) {
			free(v);
			return (int)a;
		}
	size_t len = 32;
	for (size_t i = 0; i < n; i++)
		len += strlen(t->actors[v[i]].id) + 2;
	char *id = malloc(len), *name = malloc(len);
	fl_actor *na = realloc(t->actors, (t->nactors + 1) * sizeof *na);
	if (na)
		t->actors = na;
	if (!id || !name || !na) {
		fl__diags_add(d, FL__ERROR, F, line, field, "out of memory");
		free(id), free(name), free(v);
		return FL_NONE;
	}
	size_t ui = (size_t)snprintf(id, len, "contested:"), un = (size_t)snprintf(name, len, "Contested (");
	for (size_t i = 0; i < n; i++) {
		const char *p = t->actors[v[i]].id;
		ui += (size_t)snprintf(id + ui, len - ui, "%s%s", i ? "+" : "", p);
		un += (size_t)snprintf(name + un, len - un, "%s%s", i ? ", " : "", p);
	}
	snprintf(name + un, len - un, ")");
	fl_actor *a = &t->actors[t->nactors];
	*a = (fl_actor){.id = id, .name = name, .color = fl__strdup("#9e9e9e"),
			.kind = fl__strdup("contested"), .note = fl__strdup(""), .nparties = n,
			.parties = v};
	return (int)t->nactors++;
}

/* parties: with to=contested only, where they make the event's holder. */
static bool event_parties(fl_tracker *t, const char *F, OGRFeatureH f, const ev_cols *c, int line,
			  fl__diags *d, fl__event *e)
{
	const char *to = COL(to), *parties = COL(parties);
	if (strcmp(to, "contested") != 0) {
		if (!*parties)
			return true;
		fl__diags_add(d, FL__ERROR, F, line, "parties",
			      "'%s' given, but 'to' is '%s': parties name the actors that contest "
			      "the area of an event with to=contested", parties, to);
		return false;
	}
	if (!*parties) {
		fl__diags_add(d, FL__ERROR, F, line, "parties",
			      "empty: to=contested needs the actors that contest the area, two or "
			      "more actor ids separated by ';'");
		return false;
	}
	e->pub.to = contested_holder(t, F, line, "parties", parties, ";", d);
	return e->pub.to != FL_NONE;
}

/* to and from: known actors that may hold territory (to=contested:
 * event_parties()); a retraction has neither (it moves no ground). */
static bool event_actors(fl_tracker *t, const char *F, OGRFeatureH f, const ev_cols *c, int line,
			 fl__diags *d, fl__event *e)
{
	bool ok = true;
	const char *to = COL(to), *from = COL(from);
	if (parse_kind(COL(kind)) == FL_KIND_RETRACTION) {
		for (int k = 0; k < 2; k++)
			if (*(k ? from : to)) {
				fl__diags_add(d, FL__ERROR, F, line, k ? "from" : "to",
					      "'%s' in a retraction, which moves no ground: leave it empty "
					      "(a retraction names only the event it withdraws, in 'corrects')",
					      k ? from : to);
				ok = false;
			}
		return ok;
	}
	if (!*to) {
		fl__diags_add(d, FL__ERROR, F, line, "to", "empty: which actor gains the area?");
		ok = false;
	} else if (!strcmp(to, "contested")) {
		ok = event_parties(t, F, f, c, line, d, e);
	} else if (!strncmp(to, "contested:", 10)) {
		fl__diags_add(d, FL__ERROR, F, line, "to",
			      "'%s' is the holder of contested ground: write to=contested and the "
			      "parties in 'parties'", to);
		ok = false;
	} else if ((e->pub.to = fl_tracker_find_actor(t, to)) == FL_NONE) {
		fl__unknown_actor(t, d, F, line, "to", to);
		ok = false;
	} else if (!fl__actor_holds(t, e->pub.to)) {
		fl__diags_add(d, FL__ERROR, F, line, "to",
			      "actor '%s' is a presence (kind presence in the actors), which cannot "
			      "hold territory: name the actor that controls the area, and the "
			      "presence in a zone", to);
		ok = false;
	}
	if (strcmp(to, "contested") != 0 && !event_parties(t, F, f, c, line, d, e))
		ok = false; /* parties without to=contested */
	/* e->pub.from stays FL_NONE when `from` is empty */
	if (!strcmp(from, "contested")) {
		fl__diags_add(d, FL__ERROR, F, line, "from",
			      "name contested ground by its parties: contested:AM+AZ (their actor "
			      "ids joined by '+')");
		ok = false;
	} else if (!strncmp(from, "contested:", 10)) {
		e->pub.from = contested_holder(t, F, line, "from", from + 10, "+", d);
		ok &= e->pub.from != FL_NONE;
	} else if (*from && (e->pub.from = fl_tracker_find_actor(t, from)) == FL_NONE) {
		fl__unknown_actor(t, d, F, line, "from", from);
		ok = false;
	} else if (*from && !fl__actor_holds(t, e->pub.from)) {
		fl__diags_add(d, FL__ERROR, F, line, "from",
			      "actor '%s' is a presence (kind presence in the actors), which never "
			      "holds territory: 'from' is the previous holder", from);
		ok = false;
	}
	return ok;
}

/* kind, status, source and partial; the kind's number in *kind. */
static bool event_kind(const char *F, OGRFeatureH f, const ev_cols *c, int line, fl__diags *d,
		       fl__event *e, int *kind)
{
	bool ok = true;
	const char *ks = COL(kind), *status = COL(status);
	int ki = *ks ? parse_kind(ks) : FL_KIND_CAPTURE;
	if (ki < 0) {
		fl__diags_add(d, FL__ERROR, F, line, "kind",
			      "unknown kind '%s' (capture, handover, withdrawal, agreement, "
			      "baseline, correction, retraction)", ks);
		ok = false;
	}
	int si = parse_status(status);
	if (si < 0) {
		fl__diags_add(d, FL__ERROR, F, line, "status", "%s '%s' (claimed, confirmed, disputed)",
			      *status ? "unknown status" : "empty status", status);
		ok = false;
	}
	e->pub.kind = ki < 0 ? FL_KIND_CAPTURE : (fl_event_kind)ki;
	e->pub.status = si < 0 ? FL_STATUS_CLAIMED : (fl_event_status)si;
	*kind = ki;
	if (!*COL(source)) {
		fl__diags_add(d, FL__ERROR, F, line, "source", "empty: every event needs a source");
		ok = false;
	}
	const char *partial = COL(partial);
	if (*partial && strcmp(partial, "true") && strcmp(partial, "false") && strcmp(partial, "1") &&
	    strcmp(partial, "0")) {
		fl__diags_add(d, FL__ERROR, F, line, "partial", "'%s' is not true or false", partial);
		ok = false;
	}
	e->pub.partial = !strcmp(partial, "true") || !strcmp(partial, "1");
	return ok;
}

/* The area: regions (in c->regs) and/or a polygon of the areas layer; and
 * the event a correction corrects. */
static bool event_area(const fl_tracker *t, const char *F, OGRFeatureH f, ev_cols *c, int line,
		       int kind, fl__diags *d, fl__event *e)
{
	bool ok = true;
	const char *regions = COL(regions), *area = COL(area);
	c->nregs = 0;
	if (strcmp(regions, "*") == 0)
		e->pub.all_regions = 1;
	else if (*regions) {
		size_t len = strlen(regions);
		char buf[256], *copy = len < sizeof buf ? buf : fl__strdup(regions);
		char *save = NULL;
		if (copy == buf)
			memcpy(buf, regions, len + 1);
		for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			while (*tok == ' ')
				tok++;
			int r = fl_tracker_find_region(t, tok);
			if (r == FL_NONE) {
				fl__diags_add(d, FL__ERROR, F, line, "regions", "unknown region '%s'", tok);
				ok = false;
				continue;
			}
			int *nv = fl__grow(c->regs, &c->rcap, c->nregs + 1, sizeof *nv);
			if (!nv)
				break;
			c->regs = nv;
			c->regs[c->nregs++] = r;
		}
		if (copy != buf)
			free(copy);
	}
	if (*area) { /* resolved by ogr.c's attach_areas(), unless the index makes it unneeded */
		e->area_ref = fl__strdup(area);
		e->pub.has_polygon = 1;
	}
	if (kind == FL_KIND_RETRACTION && (*regions || *area)) {
		fl__diags_add(d, FL__ERROR, F, line, *regions ? "regions" : "area",
			      "'%s' in a retraction, which moves no ground: leave it empty",
			      *regions ? regions : area);
		ok = false;
	} else if (!*regions && !*area && kind != FL_KIND_RETRACTION) {
		fl__diags_add(d, FL__ERROR, F, line, "regions", "empty: name the regions (or '*') or an area");
		ok = false;
	}
	const char *corr = COL(corrects);
	if (*corr)
		e->corrects_id = fl__strdup(corr);
	else if (kind == FL_KIND_CORRECTION || kind == FL_KIND_RETRACTION) {
		fl__diags_add(d, FL__ERROR, F, line, "corrects", "empty: a %s names the event it %s",
			      kind == FL_KIND_CORRECTION ? "correction" : "retraction",
			      kind == FL_KIND_CORRECTION ? "corrects" : "withdraws");
		ok = false;
	}
	return ok;
}

/* One row: the event in *e, its strings and regions in t's pool (its own
 * allocations freed when false). */
static bool read_event(fl_tracker *t, const fl__layer_src *L, OGRFeatureH f, ev_cols *c, int line,
		       fl__diags *d, fl__event *e)
{
	const char *F = L->display;
	memset(e, 0, sizeof *e);
	e->pub.from = e->pub.to = e->pub.corrects = FL_NONE;
	const char *id = COL(id);
	int kind = FL_KIND_CAPTURE;
	/* every check runs, so that one reading reports every problem */
	bool ok = event_when(t, L, f, c, line, id, d, e);
	ok &= event_actors(t, F, f, c, line, d, e);
	ok &= event_kind(F, f, c, line, d, e, &kind);
	ok &= event_area(t, F, f, c, line, kind, d, e);
	int *regs = ok && c->nregs ? fl__pool_alloc(&t->pool, c->nregs * sizeof *regs, sizeof *regs) : NULL;
	if (regs)
		memcpy(regs, c->regs, c->nregs * sizeof *regs);
	fl__pool *p = &t->pool;
	if (ok) {
		e->pub.id = fl__pool_str(p, id);
		/* (dates repeat in a log of days, not in one of instants: a copy
		 * costs less than a table of a million of them) */
		e->pub.date = fl__pool_str(p, COL(date));
		e->pub.source = fl__pool_intern(p, COL(source));
		e->pub.note = fl__pool_intern(p, COL(note));
		e->pub.file = fl__pool_intern(p, F);
	}
	if (!ok || (c->nregs && !regs) || !e->pub.id || !e->pub.date || !e->pub.source ||
	    !e->pub.note || !e->pub.file) {
		free(e->corrects_id);
		free(e->area_ref);
		return false;
	}
	e->pub.regions = regs;
	e->pub.nregions = c->nregs;
	e->pub.line = line;
	return true;
}

/* Each correction's event, by id. */
static void resolve_corrections(fl_tracker *t, fl__diags *d)
{
	for (size_t i = 0; i < t->nevents; i++) {
		fl__event *e = &t->events[i];
		if (!e->corrects_id)
			continue;
		int c = fl_tracker_find_event(t, e->corrects_id);
		if (c == FL_NONE)
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "corrects",
				      "no event with id '%s' to correct", e->corrects_id);
		else if ((size_t)c == i)
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "corrects",
				      "an event cannot correct itself");
		else if (t->events[c].pub.kind == FL_KIND_RETRACTION)
			/* (the engine keeps a corrected correction's own replacement:
			 * correcting a retraction would not bring the event back) */
			fl__diags_add(d, FL__ERROR, e->pub.file, e->pub.line, "corrects",
				      "'%s' is a retraction, which cannot be corrected or retracted: to "
				      "restore the event it withdrew, record that event again",
				      e->corrects_id);
		else
			e->pub.corrects = c;
	}
}

fl_status fl__load_events(fl_tracker *t, fl__layer_src *L, fl__diags *d)
{
	static const char *const req[] = {"id", "date", "to", "status", "source", NULL};
	if (!fl__require_columns(L, req, d))
		return FL_OK;
	if (!fl__has_column(L, "regions") && !fl__has_column(L, "area"))
		fl__diags_add(d, FL__ERROR, L->display, 1, "regions",
			      "missing column: events need 'regions' or 'area'");
	OGRFeatureDefnH fd = OGR_L_GetLayerDefn(L->lyr);
	ev_cols c = {0};
#define FIND(name) c.name = OGR_FD_GetFieldIndex(fd, #name)
	FIND(id), FIND(date), FIND(regions), FIND(to), FIND(from), FIND(kind), FIND(status);
	FIND(source), FIND(note), FIND(recorded), FIND(corrects), FIND(partial), FIND(area);
	FIND(parties);
#undef FIND
	int nf = OGR_FD_GetFieldCount(fd);
	c.is_text = calloc((size_t)nf + 1, 1);
	c.text = malloc(((size_t)nf + 1) * sizeof *c.text);
	if (!c.is_text || !c.text) {
		free(c.is_text), free(c.text);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	for (int i = 0; i < nf; i++)
		c.is_text[i] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(fd, i)) == OFTString;
	c.ntext = fl__text_fields(fd, c.text, (size_t)nf);
	/* the fields messages may quote */
	const int quoted[] = {c.id,	  c.date,     c.regions, c.to,	 c.from, c.kind,
			      c.status, c.recorded, c.corrects, c.partial, c.area, c.parties};
	size_t cap = 0, k = 0;
	/* a CSV's rows are counted already (csvlint.c): room for them at once */
	if (L->nlines) { /* (the one events layer: t has no events yet) */
		/* (calloc: pages of zeros from the kernel, touched as rows fill them) */
		fl__event *v = calloc(L->nlines, sizeof *v);
		if (v)
			t->events = v, cap = L->nlines;
	}
	OGRFeatureH f;
	OGR_L_ResetReading(L->lyr);
	for (; (f = OGR_L_GetNextFeature(L->lyr)); k++) {
		int line = fl__row_line(L, k);
		fl__event e;
		/* a row whose quoted values are not UTF-8 is reported for that alone */
		if ((!fl__check_utf8_at(L, f, c.text, c.ntext, line, d) &&
		     !fl__quoted_utf8_at(f, quoted, sizeof quoted / sizeof quoted[0])) ||
		    !read_event(t, L, f, &c, line, d, &e)) {
			OGR_F_Destroy(f);
			continue;
		}
		fl__event *v = fl__grow(t->events, &cap, t->nevents + 1, sizeof *v);
		if (!v) {
			OGR_F_Destroy(f);
			free(c.regs), free(c.is_text), free(c.text);
			return fl__fail(FL_ENOMEM, "out of memory");
		}
		t->events = v;
		t->events[t->nevents++] = e;
		OGR_F_Destroy(f);
	}
	free(c.regs), free(c.is_text), free(c.text);
	resolve_corrections(t, d);
	return FL_OK;
}
