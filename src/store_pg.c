/*
 * store_pg.c: a tracker in PostgreSQL/PostGIS.
 */
#include <gdal.h>
#include "internal.h"

fl_status fl__pg_install(void *ds, bool polygons)
{
	(void)ds;
	(void)polygons;
	return FL_OK;
}
