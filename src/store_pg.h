/*
 * store_pg.h: PostgreSQL stores (store_pg.c).
 * Private to the library.
 */
#ifndef FL_STORE_PG_H
#define FL_STORE_PG_H

#include "frontline/frontline.h"

/* Install the SQL functions into a PostgreSQL dataset (store_pg.c); they
 * leave polygon events to the engine. */
fl_status fl__pg_install(void *ds);

#endif
