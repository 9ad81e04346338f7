/*
 * store_copy.h: the layers of a store (store_copy.c): where they are and how to
 * read and copy them.
 * Private to the library.
 */
#ifndef FL_STORE_COPY_H
#define FL_STORE_COPY_H

#include <stdbool.h>
#include "frontline/frontline.h"

typedef enum fl__store_kind { FL__STORE_FOLDER, FL__STORE_GPKG, FL__STORE_PG } fl__store_kind;
#define FL__NLAYERS 5
/* actors, regions, areas, events, zones: the order they are read in */
extern const char *const fl__layer_names[FL__NLAYERS];
fl__store_kind fl__store_kind_of(const char *path);
/* The file of layer `name` in a folder tracker (malloc'd), NULL if absent. */
char *fl__store_file(const char *root, const char *name);
/* Open one file of a folder tracker as GDAL reads it (a GDALDatasetH). */
void *fl__store_open_file(const char *file);
/* Layer `name` of a dataset, in insertion order (a result set to release
 * with GDALDatasetReleaseResultSet when *is_sql). */
void *fl__store_layer(void *ds, const char *name, bool *is_sql);
/* Copy an OGR layer's fields and features into a new layer of dst. */
fl_status fl__copy_layer(void *src_layer, void *dst_ds, const char *name, char **lco);
/* Call fn for every tracker layer present in the store at path. */
fl_status fl__store_each_layer(const char *path, fl_status (*fn)(void *ctx, const char *name,
								void *layer),
			       void *ctx);

#endif
