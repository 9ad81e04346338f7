/*
 * record_retract.c: what a correction or a retraction must satisfy, and
 * the retraction itself (fl_record_retract).
 *
 * A row that corrects or withdraws an event names one that exists, is no
 * retraction (the engine keeps a corrected correction's own replacement,
 * so correcting a retraction would not bring its event back) and is not
 * corrected yet; no row is recorded in the future, more than a day before
 * its event's date, or before the event it corrects was recorded.  record.c
 * checks an event's correction with these; a retraction is checked and
 * written here, through the same store (store/append.c).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "evcols.h"
#include "fail.h"
#include "tracker_priv.h"
#include "utf8.h"
#include "store/append.h"
#include "frontline/record.h"
#include "record_priv.h"

/* The instant the row enters the record: `recorded` as given (not in the
 * future, a minute of slack for clocks), else now, in *out; its text in
 * text.  Whether it is late enough for the event is checked with the
 * tracker (fl__record_check_recorded). */
fl_status fl__record_recorded(const char *recorded, fl_instant *out, char *text, size_t len)
{
	fl_instant now = fl_instant_now();
	if (!recorded) {
		*out = now;
		fl_instant_format(now, text, len);
		return FL_OK;
	}
	if (!*recorded)
		return fl__fail(FL_EARG, "`recorded` is empty: give an ISO 8601 instant, or none for now");
	if (fl_instant_parse(recorded, FL_DATE_START, "`recorded`", out))
		return FL_EARG;
	if (*out > now + 60) {
		char nb[32];
		fl_instant_format(now, nb, sizeof nb);
		return fl__fail(FL_EARG, "`recorded` %s is in the future (now is %s): it is when the event "
				"entered the record (nothing written)", recorded, nb);
	}
	snprintf(text, len, "%s", recorded);
	return FL_OK;
}

fl_status fl__record_recorded_zoned(const fl_tracker *t, const char *given, fl_instant *rec, const char **text,
				    char *buf, size_t len)
{
	if (!given) { /* now, written with the tracker's offset */
		fl_tracker_format_instant(t, *rec, buf, len);
		*text = buf;
		return FL_OK;
	}
	return fl_tracker_parse_date(t, given, FL_DATE_START, "`recorded`", rec) ? FL_EARG : FL_OK;
}

/* A row recorded at rec for an event of instant `when` (its `date` text),
 * correcting event c (FL_NONE: none): not more than a day before the
 * event's date (the loader warns of such a row: a typo in one of the two),
 * not before c was recorded. */
fl_status fl__record_check_recorded(fl_tracker *t, const char *rec_text, fl_instant rec, fl_instant when,
				const char *date, int c)
{
	if (rec < when - 86400)
		return fl__fail(FL_EARG, "`recorded` %s is more than a day before the event's `date` %s: "
				"known before it happened? (nothing written)", rec_text, date);
	if (c != FL_NONE && rec < t->ec.recorded[c]) {
		char cb[32];
		fl_instant_format(t->ec.recorded[c], cb, sizeof cb);
		return fl__fail(FL_EARG, "`recorded` %s is before event '%s' was recorded (%s): a correction "
				"enters the record after the event it corrects (nothing written)", rec_text,
				fl__event_at(t, (size_t)c)->pub.id, cb);
	}
	return FL_OK;
}

/* The event that corrects event c (FL_NONE: none). */
int fl__record_corrected_by(const fl_tracker *t, int c)
{
	for (size_t i = 0; i < t->nevents; i++)
		if (t->ec.corrects[i] == c)
			return (int)i;
	return FL_NONE;
}

/* Event `id` (given as field `what`), which a new row is to correct or
 * withdraw: it exists, is no retraction, and is not corrected yet. */
fl_status fl__record_correctable(fl_tracker *t, const char *what, const char *id, int *out)
{
	int c = fl_tracker_find_event(t, id);
	*out = c;
	if (c == FL_NONE)
		return fl__fail(FL_EARG, "%s %s: no event with this id (nothing written)", what, id);
	const fl__event *e = fl__event_at(t, (size_t)c);
	if (e->pub.kind == FL_KIND_RETRACTION)
		return fl__fail(FL_EARG, "%s %s: a retraction (of event '%s'), which cannot be corrected or "
				"retracted: to restore that event, record it again (nothing written)", what, id,
				e->pub.corrects != FL_NONE ? fl__event_at(t, (size_t)e->pub.corrects)->pub.id : "?");
	int by = fl__record_corrected_by(t, c);
	if (by != FL_NONE) {
		const fl__event *b = fl__event_at(t, (size_t)by);
		bool gone = b->pub.kind == FL_KIND_RETRACTION;
		return fl__fail(FL_EARG, "%s %s: already %s by event '%s' (%s:%d): %s (nothing written)", what,
				id, gone ? "retracted" : "corrected", b->pub.id, b->pub.file ? b->pub.file : t->path,
				b->pub.line,
				gone ? "it no longer counts; to restore it, record it again"
				: strcmp(what, "`retracts`") ? "correct that correction instead"
							    : "retract that correction instead");
	}
	return FL_OK;
}

/* ------------------------------------------------------------ retraction */
/* What needs no tracker. */
static fl_status retract_precheck(const fl_retraction *r)
{
	const char *names[] = {"`id`", "`retracts`", "`source`", "`note`", "`recorded`"};
	const char *texts[] = {r->id, r->retracts, r->source, r->note, r->recorded};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (!fl__utf8_valid(texts[i]))
			return fl__fail(FL_EARG, "%s: not UTF-8 (nothing written)", names[i]);
		if (texts[i] && strpbrk(texts[i], "\r\n"))
			return fl__fail(FL_EARG, "a line break in '%s': keep each value on one line", texts[i]);
	}
	if (!r->retracts || !*r->retracts)
		return fl__fail(FL_EARG, "`retracts` is required: the id of the event to withdraw");
	if (!r->source || !*r->source)
		return fl__fail(FL_EARG, "`source` is required: say why the event is withdrawn");
	if (r->id && (!*r->id || strpbrk(r->id, ";,\" ")))
		return fl__fail(FL_EARG, "`id` '%s': an id is non-empty, without spaces, ';', ',' or '\"'",
				r->id);
	return FL_OK;
}

/* Check the retraction under the writers' lock, then append its row. */
static fl_status retract_in(const char *path, const fl_retraction *r, fl_instant rec, const char *recorded,
			    char *id, size_t idlen)
{
	fl__append *store = NULL;
	fl_status st = fl__append_begin(path, false, &store);
	if (st)
		return st;
	fl_tracker *t = NULL;
	int c = FL_NONE;
	st = fl_tracker_open(path, &t);
	char zoned[64]; /* (`recorded` may point here until the row is written) */
	st = st ? st : fl__record_recorded_zoned(t, r->recorded, &rec, &recorded, zoned, sizeof zoned);
	if (!st)
		st = fl__record_correctable(t, "`retracts`", r->retracts, &c);
	const fl__event *e = st ? NULL : fl__event_at(t, (size_t)c);
	if (!st)
		st = fl__record_check_recorded(t, recorded, rec, e->pub.when, e->pub.date, c);
	if (!st && r->id) {
		if (fl_tracker_find_event(t, r->id) != FL_NONE)
			st = fl__fail(FL_EARG, "`id` %s: an event with this id exists (nothing written)", r->id);
		snprintf(id, idlen, "%s", r->id);
	} else if (!st) {
		for (int k = 1; k == 1 || fl_tracker_find_event(t, id) != FL_NONE; k++)
			if (k == 1)
				snprintf(id, idlen, "%.200s-retraction", r->retracts);
			else
				snprintf(id, idlen, "%.200s-retraction-%d", r->retracts, k);
	}
	if (!st) {
		/* the event's date: the retraction sits beside it in the log, and
		 * no later than it in a query's range of events */
		const fl__event_row row = {.id = id,
					   .date = e->pub.date,
					   .regions = "",
					   .to = "",
					   .from = "",
					   .kind = fl_event_kind_name(FL_KIND_RETRACTION),
					   .status = fl_event_status_name(FL_STATUS_CONFIRMED),
					   .source = r->source,
					   .note = r->note,
					   .recorded = recorded,
					   .corrects = e->pub.id,
					   .partial = "false"};
		st = fl__append_event(store, &row, t->geos, NULL, NULL);
	}
	st = fl__append_end(store, st);
	fl_tracker_free(t);
	return st;
}

fl_status fl_record_retract(const char *tracker, const fl_retraction *r, char *id_out, size_t id_len)
{
	if (!tracker || !r)
		return fl__fail(FL_EARG, "fl_record_retract: NULL argument");
	fl_instant rec;
	char recorded[128], id[256];
	fl_status st = retract_precheck(r);
	if (!st)
		st = fl__record_recorded(r->recorded, &rec, recorded, sizeof recorded);
	if (st)
		return st;
	struct stat sb;
	if (fl__store_kind_of(tracker) != FL__STORE_PG && stat(tracker, &sb) != 0)
		return fl__fail(FL_ENOTFOUND, "tracker '%s': no such folder or file", tracker);
	st = retract_in(tracker, r, rec, recorded, id, sizeof id);
	if (!st && id_out && id_len)
		snprintf(id_out, id_len, "%s", id);
	return st;
}
