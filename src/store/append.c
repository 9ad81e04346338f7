/*
 * store/append.c: appending an event to any store, for `record`.
 *
 * record.c checks the event and decides its row; this file holds the
 * tracker while it does (the writers' lock of a folder, folder.c; the
 * transaction of a GeoPackage or PostGIS, dataset.c), reads for the checks
 * what only the store holds (the ids of the areas layer, the polygons of
 * events read from the index, which keeps atoms rather than polygons), and
 * writes the row.
 */
#include "../gdal_load.h"
#include <stdlib.h>
#include <string.h>
#include "append.h"
#include "dataset.h"
#include "folder.h"
#include <geos_c.h>
#include "../fail.h"
#include "../util.h"
#include "../geo.h"

struct fl__append {
	fl__store_kind kind;
	fl__folder_writer folder;   /* FL__STORE_FOLDER */
	fl__dataset_writer dataset; /* FL__STORE_GPKG, FL__STORE_PG */
};

fl_status fl__append_begin(const char *path, bool with_area, fl__append **out)
{
	*out = NULL;
	/* the store's layers are read and written through GDAL, which a tracker
	 * opened from its index has not loaded */
	fl_status st0 = fl__gdal_ready();
	if (st0)
		return st0;
	fl__append *a = calloc(1, sizeof *a);
	if (!a)
		return fl__fail(FL_ENOMEM, "out of memory");
	a->kind = fl__store_kind_of(path);
	fl_status st = a->kind == FL__STORE_FOLDER
			       ? fl__folder_begin(path, with_area, &a->folder)
			       : fl__dataset_begin(path, a->kind == FL__STORE_PG, &a->dataset);
	if (st)
		free(a);
	else
		*out = a;
	return st;
}

fl_status fl__append_end(fl__append *a, fl_status st)
{
	if (!a)
		return st;
	st = a->kind == FL__STORE_FOLDER ? fl__folder_end(&a->folder, st)
					 : fl__dataset_end(&a->dataset, st);
	free(a);
	return st;
}

fl_status fl__append_event(fl__append *a, const fl__event_row *e, GEOSContextHandle_t h,
			   const GEOSGeometry *area, const char *what)
{
	if (a->kind == FL__STORE_FOLDER)
		return fl__folder_append(&a->folder, e, h, area, what);
	return fl__dataset_append(&a->dataset, e, h, area);
}

/* Layer `name` (events, areas) of the store being written; *own is the
 * dataset opened for it, to close after (NULL: the writer's own). */
static OGRLayerH open_layer(const fl__append *a, const char *name, GDALDatasetH *own)
{
	*own = NULL;
	if (a->kind != FL__STORE_FOLDER)
		return GDALDatasetGetLayerByName(a->dataset.ds, name);
	const char *file = !strcmp(name, "events") ? a->folder.events : a->folder.areas;
	*own = file ? fl__store_open_file(file, true) : NULL;
	return *own ? GDALDatasetGetLayer(*own, 0) : NULL;
}

char **fl__append_area_ids(const fl__append *a)
{
	char **ids = NULL;
	GDALDatasetH own;
	OGRLayerH l = open_layer(a, "areas", &own);
	OGRFeatureH f;
	if (l)
		OGR_L_ResetReading(l);
	while (l && (f = OGR_L_GetNextFeature(l))) {
		int i = OGR_F_GetFieldIndex(f, "id");
		if (i >= 0)
			ids = CSLAddString(ids, OGR_F_GetFieldAsString(f, i));
		OGR_F_Destroy(f);
	}
	if (own)
		GDALClose(own);
	return ids;
}

/* The feature of layer l whose `id` is id (NULL when none). */
static OGRFeatureH feature_by_id(OGRLayerH l, const char *id)
{
	size_t n = strlen(id);
	char *esc = malloc(2 * n + 1), *o = esc;
	for (size_t i = 0; esc && i < n; i++) {
		if (id[i] == '\'')
			*o++ = '\'';
		*o++ = id[i];
	}
	char *flt = esc ? (*o = 0, fl__printf("id = '%s'", esc)) : NULL;
	free(esc);
	OGRFeatureH f = NULL;
	if (flt && OGR_L_SetAttributeFilter(l, flt) == OGRERR_NONE) {
		OGR_L_ResetReading(l);
		f = OGR_L_GetNextFeature(l);
		OGR_L_SetAttributeFilter(l, NULL);
	}
	free(flt);
	return f;
}

GEOSGeometry *fl__append_polygon(const fl__append *a, GEOSContextHandle_t h, const char *eid)
{
	GDALDatasetH own;
	OGRLayerH el = open_layer(a, "events", &own);
	OGRFeatureH f = el ? feature_by_id(el, eid) : NULL;
	char *ref = NULL;
	if (f) {
		int i = OGR_F_GetFieldIndex(f, "area");
		ref = i >= 0 ? fl__strdup(OGR_F_GetFieldAsString(f, i)) : NULL;
		OGR_F_Destroy(f);
	}
	if (own)
		GDALClose(own);
	own = NULL;
	OGRLayerH al = ref && *ref ? open_layer(a, "areas", &own) : NULL;
	f = al ? feature_by_id(al, ref) : NULL;
	free(ref);
	GEOSGeometry *g = NULL;
	OGRGeometryH og = f ? OGR_F_GetGeometryRef(f) : NULL;
	if (og) {
		OGRGeometryH c = OGR_G_Clone(og);
		OGR_G_FlattenTo2D(c);
		int len = OGR_G_WkbSize(c);
		unsigned char *buf = len > 0 ? malloc((size_t)len) : NULL;
		if (buf && OGR_G_ExportToIsoWkb(c, wkbNDR, buf) == OGRERR_NONE)
			g = fl__geos_from_wkb(h, buf, (size_t)len);
		free(buf);
		OGR_G_DestroyGeometry(c);
	}
	if (f)
		OGR_F_Destroy(f);
	if (own)
		GDALClose(own);
	return g;
}
