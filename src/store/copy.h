/*
 * store/copy.h: copying one OGR layer into a dataset (copy.c), for the copy
 * between stores and for export.c.  Private to the library.
 */
#ifndef FL_STORE_COPY_H
#define FL_STORE_COPY_H

#include "frontline/frontline.h"

/* Copy an OGR layer's fields and features into a new layer of dst. */
fl_status fl__copy_layer(void *src_layer, void *dst_ds, const char *name, char **lco);

#endif
