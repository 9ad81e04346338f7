/*
 * store/pg.h: the SQL functions of a PostGIS tracker (pg.c), for copy.c.
 * Private to the library.
 */
#ifndef FL_STORE_PG_H
#define FL_STORE_PG_H

#include "frontline/frontline.h"

/* Install the SQL functions into a PostgreSQL dataset (a GDALDatasetH);
 * they leave polygon events to the engine. */
fl_status fl__pg_install(void *ds);

#endif
