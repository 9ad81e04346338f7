/*
 * event_date.h: an event's date as written (EDTF level 1) to its instants
 * (event_date.c).  Private to the library.
 */
#ifndef FL_EVENT_DATE_H
#define FL_EVENT_DATE_H

#include "frontline/frontline.h"

/* The instants of an event's date `text` in tracker t's time zone (UTC
 * when t is NULL): *when
 * (the nominal instant, the earliest) and *latest.  A bad value is FL_EINPUT
 * with a message that begins with `what` and quotes the value. */
fl_status fl__event_dates(const fl_tracker *t, const char *text, const char *what, fl_instant *when,
			  fl_instant *latest);

#endif
