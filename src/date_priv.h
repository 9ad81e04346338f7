/*
 * date_priv.h: private date helpers (date.c), for the EDTF parser (edtf.c).
 * Private to the library.
 */
#ifndef FL_DATE_PRIV_H
#define FL_DATE_PRIV_H

#include <stdint.h>
#include "frontline/frontline.h"

/* What fl__date_parse read: a date alone (secs: its 00:00 as a UTC
 * instant), a date-time without offset (secs: the clocks' reading as if in
 * UTC), or one with Z or an offset (secs: the instant). */
typedef enum fl__date_form { FL__DATE_ONLY, FL__DATE_LOCAL, FL__DATE_OFFSET } fl__date_form;
/* fl_instant_parse's reading of text, before a zone gives it meaning. */
fl_status fl__date_parse(const char *text, const char *what, int64_t *secs, fl__date_form *form);
/* The proleptic Gregorian date of a day count since 1970-01-01
 * (fl__days_from_civil, below, is the way there). */
void fl__civil_from_days(int64_t days, long *y, int *m, int *d);

/* The end of the 31 December before t's UTC year; *year (may be NULL) its year. */
fl_instant fl__year_start(fl_instant t, int64_t *year);

/* Days since 1970-01-01 of the proleptic Gregorian y-m-d (m 1..12, d 1..31),
 * for any |y| below 10^15. */
int64_t fl__days_from_civil(int64_t y, int m, int d);
/* Days of month m (1..12) of year y: February has 29 in leap years. */
int fl__days_in_month(int64_t y, int m);

#endif
