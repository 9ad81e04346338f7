/*
 * store_pg.c: a tracker in PostgreSQL/PostGIS.
 */
#include <gdal.h>
#include "internal.h"
#include "frontline/store.h"

fl_status fl__pg_install(void *ds, bool polygons)
{
	(void)ds;
	(void)polygons;
	return FL_OK;
}

fl_status fl_pg_snapshot_write(const char *tracker, const fl_query *q, const char *path,
			       const char *format)
{
	(void)tracker, (void)q, (void)path, (void)format;
	return fl__fail(FL_ENOTFOUND, "no push-down");
}
