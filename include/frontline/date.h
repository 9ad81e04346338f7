/*
 * date.h: instants on the UTC time line, parsed from ISO 8601.
 *
 * An fl_instant (types.h) counts seconds since 1970-01-01T00:00:00Z.  Accepted input:
 *   YYYY-MM-DD                      a calendar date
 *   YYYY-MM-DDTHH:MM[:SS[.fff]]Z    a date-time in UTC
 *   YYYY-MM-DDTHH:MM[:SS]+HH:MM     a date-time with an offset (also -HH:MM, +HHMM)
 * A date-time without offset is taken as UTC.  A date-only value means the
 * start of its day for events (FL_DATE_START) and the end of its day for
 * queries (FL_DATE_END: the last second of the day, so events of that day are
 * included).  Invalid values (2020-02-30, 2020-13-01, trailing junk) are
 * refused with FL_EINPUT and a message quoting the value.
 */
#ifndef FRONTLINE_DATE_H
#define FRONTLINE_DATE_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fl_date_side {
	FL_DATE_START = 0, /* a bare date means 00:00:00 of that day */
	FL_DATE_END = 1    /* a bare date means 23:59:59 of that day */
} fl_date_side;

/* Parse text into *out.  `what` names where the value came from (for example
 * "events.csv:12: field 'date'" or "--date"); it is used in the message. */
FL_API fl_status fl_instant_parse(const char *text, fl_date_side side,
				  const char *what, fl_instant *out);

/* Write the UTC calendar date of t ("2020-11-25") into buf (>= 11 bytes). */
FL_API void fl_instant_format_date(fl_instant t, char *buf, size_t len);

/* Write t as "2020-11-25T00:00:00Z" into buf (>= 21 bytes). */
FL_API void fl_instant_format(fl_instant t, char *buf, size_t len);

/* The same in a tracker's time zone (fl_tracker_time_zone): a date-only
 * value means that zone's day (its first second for FL_DATE_START, its last
 * for FL_DATE_END) and a date-time without offset that zone's clocks; an
 * explicit Z or offset wins.  In a daylight-saving overlap a local time
 * means the earlier of its two instants, in a gap the instant the clocks
 * jump (the first one past it).  NULL t means UTC. */
typedef struct fl_tracker fl_tracker;
FL_API fl_status fl_tracker_parse_date(const fl_tracker *t, const char *text, fl_date_side side,
				       const char *what, fl_instant *out);
/* The calendar date of at in the tracker's zone ("2020-11-10"; buf >= 11 bytes). */
FL_API void fl_tracker_format_date(const fl_tracker *t, fl_instant at, char *buf, size_t len);
/* at in ISO 8601 with the zone's offset ("2020-11-10T00:00:00+04:00"; "Z"
 * for a tracker in UTC, and for an instant whose offset has seconds, as
 * local mean times before 1900 do); buf >= 26 bytes. */
FL_API void fl_tracker_format_instant(const fl_tracker *t, fl_instant at, char *buf, size_t len);

/* The current instant. */
FL_API fl_instant fl_instant_now(void);

#ifdef __cplusplus
}
#endif
#endif
