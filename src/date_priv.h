/*
 * date_priv.h: private date helpers (date.c).
 * Private to the library.
 */
#ifndef FL_DATE_PRIV_H
#define FL_DATE_PRIV_H

#include <stdint.h>
#include "frontline/frontline.h"

/* The end of the 31 December before t's UTC year; *year (may be NULL) its year. */
fl_instant fl__year_start(fl_instant t, int64_t *year);

#endif
