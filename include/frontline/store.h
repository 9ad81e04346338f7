/*
 * store.h: the stores a tracker lives in, and moving it between them.
 *
 * A tracker is a folder of text files, a GeoPackage file, or a PostgreSQL/
 * PostGIS database named by a GDAL connection string ("PG:dbname=... "),
 * each with the layers actors, regions, areas, events and zones, and
 * optionally `tracker`, its settings (key, value: time_zone).
 *
 * fl_store_copy() copies every layer, field and geometry as it is, in row
 * order, so that folder -> GeoPackage -> PostGIS -> folder gives the same
 * snapshots, events and sources.  The source must open as a valid tracker.
 * The destination must not hold a tracker yet: a new or empty folder, a GeoPackage
 * that does not exist, a database without the tracker's tables.  It is
 * written whole or not at all.  A PostGIS copy also installs the SQL
 * functions (frontline_control_at(...)) that answer "who held what at T"
 * inside PostgreSQL.
 *
 * fl_pg_snapshot_write() computes a by-region snapshot of a PostGIS tracker
 * inside PostgreSQL (through those functions) and writes it as
 * fl_snapshot_write() would; it returns FL_ENOTFOUND, with nothing written,
 * when the query cannot be pushed down (not a PostGIS tracker, functions
 * missing, events with polygons, or a tracker in a time zone other than UTC,
 * whose days q cannot have been read in without opening it), and the caller
 * uses the in-memory engine.  The SQL functions read dates in the tracker's
 * time zone (frontline_time_zone()).
 *
 * fl_store_snapshot_write() is the call for any tracker path: it writes the
 * snapshot its store can compute by itself without the tracker being opened
 * (today: a PostGIS tracker, grouped by region, no holder filter, through
 * fl_pg_snapshot_write()), else returns FL_ENOTFOUND with nothing written;
 * the caller then opens the tracker and uses fl_snapshot_new() and
 * fl_snapshot_write(), which give the same bytes.
 */
#ifndef FRONTLINE_STORE_H
#define FRONTLINE_STORE_H

#include "frontline/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

FL_API fl_status fl_store_copy(const char *src, const char *dst);

FL_API fl_status fl_pg_snapshot_write(const char *tracker, const fl_query *q, const char *path,
				      const char *format);

FL_API fl_status fl_store_snapshot_write(const char *tracker, const fl_query *q, fl_group by,
					 const char *path, const char *format);
/* The same with q's at and as_of given as the dates the user wrote (NULL:
 * q's own instants), read as days of the tracker's time zone, which a
 * caller that has not opened the tracker does not know. */
FL_API fl_status fl_store_snapshot_write_at(const char *tracker, const char *date,
					    const char *as_of, const fl_query *q, fl_group by,
					    const char *path, const char *format);

#ifdef __cplusplus
}
#endif
#endif
