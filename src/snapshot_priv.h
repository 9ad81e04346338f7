/*
 * snapshot_priv.h: what the summaries read of a snapshot (snapshot.c).
 * Private to the library.
 */
#ifndef FL_SNAPSHOT_PRIV_H
#define FL_SNAPSHOT_PRIV_H

#include <stddef.h>
#include <geos_c.h>
#include "frontline/frontline.h"

/* The GEOS geometry of snapshot piece i (belongs to the snapshot; NULL
 * when memory runs out). */
const GEOSGeometry *fl__snapshot_geom(const fl_snapshot *s, size_t i);
/* What a snapshot was made of (its query keeps nholders, not holders). */
const fl_query *fl__snapshot_query(const fl_snapshot *s, const fl_tracker **t, fl_group *by);

#endif
