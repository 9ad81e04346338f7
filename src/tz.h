/*
 * tz.h: a tracker's time zone, read from the system's time-zone database
 * (tz.c).  Private to the library.
 *
 * A zone is an IANA name ("Asia/Baku") whose TZif file (RFC 8536) lies in
 * /usr/share/zoneinfo (or $TZDIR).  NULL stands for UTC everywhere: every
 * function takes it.  Nothing here touches the process's environment or
 * its idea of local time (no TZ, tzset, localtime): a zone is a value.
 */
#ifndef FL_TZ_H
#define FL_TZ_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/frontline.h"

typedef struct fl__tz fl__tz; /* NULL means UTC */

/* Open the zone called name: "UTC" and "Etc/UTC" give *out = NULL.  A name
 * that is empty, holds "..", starts with '/' or has characters outside
 * [A-Za-z0-9/_+-], a name with no file, or a file that is not TZif: FL_EINPUT
 * with a message quoting the name. */
fl_status fl__tz_open(const char *name, fl__tz **out);
/* Read the TZif bytes buf[0..len) (what names them in messages). */
fl_status fl__tz_parse(const unsigned char *buf, size_t len, const char *what, fl__tz **out);
void fl__tz_free(fl__tz *z);

/* Seconds east of UTC at the instant utc. */
int32_t fl__tz_offset(const fl__tz *z, fl_instant utc);
/* The instant at which the zone's clocks show civil (local seconds since
 * 1970-01-01T00:00 local).  In an overlap (clocks set back) the earliest of
 * the instants that show it; in a gap (clocks set forward past it) the
 * earliest instant whose clocks show a later time: the transition itself. */
fl_instant fl__tz_from_civil(const fl__tz *z, int64_t civil);
/* The local civil seconds at utc (utc + offset). */
int64_t fl__tz_to_civil(const fl__tz *z, fl_instant utc);

#endif
