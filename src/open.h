/*
 * open.h: opening a tracker (open.c).  Private to the library.
 */
#ifndef FL_OPEN_H
#define FL_OPEN_H

#include <stdbool.h>
#include "frontline/frontline.h"
#include "diag.h"

/* Open the tracker at path: from its index when use_index and the index
 * matches the sources, else from the sources (every layer read, the apply
 * order sorted, the atoms built, and with use_index the index saved when it
 * pays).  Problems of the rows go to d and the reading goes on past them
 * (so that `check` can report all of them): a tracker is returned even when
 * d has errors, unless the files cannot be read at all. */
fl_status fl__tracker_load(const char *path, bool use_index, fl__diags *d, fl_tracker **out);

#endif
