/*
 * store/ogr_events.h: reading the events layer (ogr_events.c), for ogr.c.
 * Private to the library.
 */
#ifndef FL_STORE_OGR_EVENTS_H
#define FL_STORE_OGR_EVENTS_H

#include "ogr_layer.h"
#include "../diag.h"

/* Read the events of layer L into t, whose actors and regions are read:
 * every row checked, its problems to d (a row with errors is left out),
 * then the corrections resolved.  A polygon event keeps the id of its
 * polygon (area_ref) for the areas layer.  Fails only when memory runs
 * out. */
fl_status fl__load_events(fl_tracker *t, fl__layer_src *L, fl__diags *d);

#endif
