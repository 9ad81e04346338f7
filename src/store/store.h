/*
 * store/store.h: what a store is (store.c): the three kinds, the layers of
 * a tracker and the files a folder holds them in, opening a folder's file
 * and a layer in row order, and walking the layers of any store.  The one
 * list of a folder's file names and of the GDAL drivers that read them.
 * Private to the library.
 */
#ifndef FL_STORE_STORE_H
#define FL_STORE_STORE_H

#include "frontline/frontline.h"

typedef enum fl__store_kind { FL__STORE_FOLDER, FL__STORE_GPKG, FL__STORE_PG } fl__store_kind;

/* A layer of a tracker, and the files a folder tracker may hold it in: the
 * extensions by preference ("csv" is read by GDAL's CSV driver, "geojson"
 * and "json" by its GeoJSON driver). */
typedef struct fl__layer_spec {
	const char *name;
	const char *const *exts;
	bool required; /* a tracker without it does not open */
} fl__layer_spec;

#define FL__NLAYERS 6
/* actors, regions, areas, events, zones, tracker (the settings): the order
 * they are copied and exported in */
extern const fl__layer_spec fl__store_layers[FL__NLAYERS];
/* The layer called name (NULL when a tracker has none). */
const fl__layer_spec *fl__store_layer_spec(const char *name);
/* The extension a folder writes layer `name` with: CSV for a layer without
 * geometry when the layer may be CSV, else its first. */
const char *fl__store_file_ext(const char *name, bool has_geometry);
/* The GDAL driver that reads a folder's file (by its extension). */
const char *fl__store_driver(const char *file);

fl__store_kind fl__store_kind_of(const char *path);
/* The file of layer `name` in a folder tracker (malloc'd), NULL if absent. */
char *fl__store_file(const char *root, const char *name);
/* Open one file of a folder tracker as GDAL reads it (a GDALDatasetH), its
 * dates as the text of the file when dates_as_text (GeoJSON). */
void *fl__store_open_file(const char *file, bool dates_as_text);
/* Layer `name` of a dataset, in insertion order (a result set to release
 * with GDALDatasetReleaseResultSet when *is_sql). */
void *fl__store_layer(void *ds, const char *name, bool *is_sql);
/* Call fn for every tracker layer present in the store at path, in the
 * order of fl__store_layers. */
fl_status fl__store_each_layer(const char *path, fl_status (*fn)(void *ctx, const char *name,
								void *layer),
			       void *ctx);

/* An event as `record` appends it, by column of the events layer (NULL:
 * not given, written empty).  area, the id of the event's polygon in the
 * areas layer, corrects, recorded and a true partial add their columns to
 * a layer without them. */
typedef struct fl__event_row {
	const char *id, *date, *regions, *to, *from, *kind, *status, *source, *note, *recorded,
		*corrects, *area;
	const char *partial; /* "true" or "false" (NULL: "false") */
} fl__event_row;
/* The columns of the events layer a row fills (NULL-terminated). */
extern const char *const fl__event_columns[];
/* The value of column `name` of the row ("" when not given; "false" for
 * partial), NULL for a column the row does not know. */
const char *fl__event_row_value(const fl__event_row *e, const char *name);

#endif
