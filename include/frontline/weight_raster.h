/*
 * weight_raster.h: people (or any count) from a raster: the zonal sum of a
 * GDAL raster under each atom of a tracker, a weight (weight.h) that
 * follows control through the area series (fl_stats_new_weighted) and
 * snapshots (fl_snapshot_weight).
 *
 * The raster may be in any CRS PROJ knows: the atoms (lon/lat, WGS 84)
 * are transformed into the raster's CRS vertex by vertex and then into
 * its pixel space, where every cell is a unit square.  A cell's count is
 * taken as spread evenly over the cell in the raster's own plane, so a
 * cell split between atoms is shared by the area of the cell each atom
 * covers (measured in the raster's CRS; the shares of a cell add up to the
 * part of it inside the tracker).  Cells equal to the band's nodata value,
 * and NaN cells, count 0; cells outside every atom are dropped.
 *
 * The sums are computed once and kept in a cache file beside the tracker's
 * index (`.frontline-index-weight-HASH` in a folder tracker,
 * `FILE.frontline-index-weight-HASH` beside a GeoPackage), keyed by the
 * tracker's sources and the raster's path, band, size and modification
 * time: the next call with the same raster reads the sums from there
 * without opening the raster; a changed raster (or tracker) is read again.
 * A tracker whose folder cannot be written (or a PG: store) keeps no cache.
 *
 * Ownership: the weight belongs to the caller (fl_weight_free) and keeps a
 * pointer to the tracker, which must outlive it.
 */
#ifndef FRONTLINE_WEIGHT_RASTER_H
#define FRONTLINE_WEIGHT_RASTER_H

#include "frontline/weight.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The sums of band `band` (1 = the first) of the raster at path under each
 * atom of t.  The weight's name is the file's stem ("worldpop" for
 * /data/worldpop.tif; "worldpop_b2" for band 2).  Errors, naming the path:
 * FL_ENOTFOUND when there is no such file; FL_EINPUT when it is not a
 * raster GDAL can read, has no CRS or no geotransform, or does not overlap
 * the tracker at all; FL_EARG when the band is out of range. */
FL_API fl_status fl_weight_from_raster(const fl_tracker *t, const char *path, int band,
				       fl_weight **out);

#ifdef __cplusplus
}
#endif
#endif
