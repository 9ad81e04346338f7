/*
 * record_priv.h: the checks a correction or retraction shares
 * (record_retract.c), for record.c.  Private to the library.
 */
#ifndef FL_RECORD_PRIV_H
#define FL_RECORD_PRIV_H

#include "frontline/tracker.h"

/* The instant the row enters the record: `recorded` as given (NULL: now),
 * not in the future beyond a minute of slack, in *out; its text in text. */
fl_status fl__record_recorded(const char *recorded, fl_instant *out, char *text, size_t len);
/* Once the tracker is open: a `recorded` given (given, else NULL for now)
 * read again in its time zone (*rec), or now written with its offset into
 * buf (*text then points there). */
fl_status fl__record_recorded_zoned(const fl_tracker *t, const char *given, fl_instant *rec, const char **text,
				    char *buf, size_t len);
/* A row recorded at rec (written rec_text) for an event of instant `when`
 * (written date) correcting event c (FL_NONE: none): not more than a day
 * before the event's date, not before c was recorded. */
fl_status fl__record_check_recorded(fl_tracker *t, const char *rec_text, fl_instant rec, fl_instant when,
				    const char *date, int c);
/* The event that corrects event c (FL_NONE: none). */
int fl__record_corrected_by(const fl_tracker *t, int c);
/* Event id (given as field `what`, "`corrects`"), to be corrected or
 * withdrawn: it exists (its index in *out), is no retraction, is not
 * corrected yet. */
fl_status fl__record_correctable(fl_tracker *t, const char *what, const char *id, int *out);

#endif
