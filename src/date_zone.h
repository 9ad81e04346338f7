/*
 * date_zone.h: dates in a time zone for the library's writers (date_zone.c;
 * the public forms take a tracker: date.h).  Private to the library.
 */
#ifndef FL_DATE_ZONE_H
#define FL_DATE_ZONE_H

#include <stddef.h>
#include "frontline/frontline.h"
#include "tz.h"

/* fl_tracker_parse_date, fl_tracker_format_date and fl_tracker_format_instant
 * for zone z (NULL: UTC). */
fl_status fl__parse_date_tz(const fl__tz *z, const char *text, fl_date_side side, const char *what,
			    fl_instant *out);
void fl__format_date_tz(const fl__tz *z, fl_instant at, char *buf, size_t len);
void fl__format_instant_tz(const fl__tz *z, fl_instant at, char *buf, size_t len);

#endif
