/*
 * store/dataset.c: appending an event to a GeoPackage or PostGIS tracker.
 *
 * One OGR transaction per event: the polygon (when the event has one) into
 * the areas layer, created when the tracker has none, then the event's row;
 * the columns an event needs and the layer lacks (corrects, area) are added
 * first.  Writers serialise on flock() of the GeoPackage file, or on a
 * PostgreSQL advisory lock taken inside the transaction, so that the checks
 * `record` makes between fl__dataset_begin and fl__dataset_append see the
 * tracker no other writer is changing.
 */
#include "../gdal_load.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dataset.h"
#include "replace.h"
#include <geos_c.h>
#include "../fail.h"
#include "../gdal_open.h"
#include "../geo.h"

fl_status fl__dataset_begin(const char *path, bool pg, fl__dataset_writer *w)
{
	memset(w, 0, sizeof *w);
	w->path = path;
	w->pg = pg;
	w->lockfd = -1;
	fl_status st = fl__gdal_ready();
	if (st)
		return st;
	if (!pg && (w->lockfd = fl__lock_file(path, &st)) < 0)
		return st;
	CPLErrorReset();
	w->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	if (!w->ds) {
		char why[512];
		st = fl__fail(FL_EIO, "tracker '%s': cannot open it for writing: %s", path,
			      fl__gdal_open_reason(path, why, sizeof why));
		if (w->lockfd >= 0)
			close(w->lockfd);
		return st;
	}
	if (GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE) {
		st = fl__fail(FL_EIO, "tracker '%s': cannot start a transaction: %s", path,
			      CPLGetLastErrorMsg());
		GDALClose(w->ds);
		if (w->lockfd >= 0)
			close(w->lockfd);
		return st;
	}
	if (pg) {
		/* writers of this database queue here until the holder commits */
		OGRLayerH rs = GDALDatasetExecuteSQL(w->ds, "SELECT pg_advisory_xact_lock(7362001)", NULL,
						     NULL);
		if (rs)
			GDALDatasetReleaseResultSet(w->ds, rs);
	}
	return FL_OK;
}

fl_status fl__dataset_end(fl__dataset_writer *w, fl_status st)
{
	if (st)
		GDALDatasetRollbackTransaction(w->ds);
	else if (GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE)
		st = fl__fail(FL_EIO, "tracker '%s': commit failed: %s (nothing written)", w->path,
			      CPLGetLastErrorMsg());
	GDALClose(w->ds);
	if (w->lockfd >= 0)
		close(w->lockfd);
	memset(w, 0, sizeof *w);
	w->lockfd = -1;
	return st;
}

static void set_str(OGRFeatureH f, const char *name, const char *v)
{
	int i = OGR_F_GetFieldIndex(f, name);
	if (i >= 0 && v)
		OGR_F_SetFieldString(f, i, v);
}

static fl_status ensure_field(OGRLayerH l, const char *name)
{
	if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name) >= 0)
		return FL_OK;
	OGRFieldDefnH fd = OGR_Fld_Create(name, OFTString);
	OGRErr e = OGR_L_CreateField(l, fd, TRUE);
	OGR_Fld_Destroy(fd);
	return e == OGRERR_NONE ? FL_OK
				: fl__fail(FL_EIO, "cannot add column '%s': %s", name, CPLGetLastErrorMsg());
}

/* The polygon as a feature of the areas layer al (in the layer's CRS). */
static fl_status add_area(OGRLayerH al, const char *id, GEOSContextHandle_t h,
			  const GEOSGeometry *area)
{
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(al));
	set_str(f, "id", id);
	size_t len = 0;
	unsigned char *wkb = fl__geos_to_wkb(h, area, &len);
	OGRGeometryH og = NULL;
	if (wkb && OGR_G_CreateFromWkb(wkb, NULL, &og, (int)len) == OGRERR_NONE) {
		OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(al);
		if (lsrs) {
			OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
			OSRSetWellKnownGeogCS(wgs, "WGS84");
			OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
			OGR_G_AssignSpatialReference(og, wgs);
			OGR_G_TransformTo(og, lsrs);
			OSRDestroySpatialReference(wgs);
		}
		OGR_F_SetGeometryDirectly(f, og);
	}
	free(wkb);
	fl_status st = FL_OK;
	if (OGR_L_CreateFeature(al, f) != OGRERR_NONE)
		st = fl__fail(FL_EIO, "cannot write the area: %s", CPLGetLastErrorMsg());
	OGR_F_Destroy(f);
	return st;
}

/* The areas layer, created when the tracker has none; its id column and the
 * events layer's area column. */
static fl_status areas_layer(const fl__dataset_writer *w, OGRLayerH el, OGRLayerH *al)
{
	*al = GDALDatasetGetLayerByName(w->ds, "areas");
	if (!*al) {
		OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
		OSRSetWellKnownGeogCS(wgs, "WGS84");
		char **lco = w->pg ? CSLSetNameValue(NULL, "GEOMETRY_NAME", "geom") : NULL;
		*al = GDALDatasetCreateLayer(w->ds, "areas", wgs, wkbUnknown, lco);
		CSLDestroy(lco);
		OSRDestroySpatialReference(wgs);
		if (!*al)
			return fl__fail(FL_EIO, "cannot create layer areas: %s", CPLGetLastErrorMsg());
	}
	fl_status st = ensure_field(*al, "id");
	return st ? st : ensure_field(el, "area");
}

fl_status fl__dataset_append(fl__dataset_writer *w, const fl__event_row *e, GEOSContextHandle_t h,
			     const GEOSGeometry *area)
{
	OGRLayerH el = GDALDatasetGetLayerByName(w->ds, "events"), al = NULL;
	if (!el)
		return fl__fail(FL_EINPUT, "tracker '%s': no events layer", w->path);
	fl_status st = e->corrects ? ensure_field(el, "corrects") : FL_OK;
	if (!st && e->recorded)
		st = ensure_field(el, "recorded");
	bool partial = e->partial && !strcmp(e->partial, "true");
	if (!st && partial)
		st = ensure_field(el, "partial");
	if (!st && area)
		st = areas_layer(w, el, &al);
	if (!st && area)
		st = add_area(al, e->id, h, area);
	if (st)
		return st;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(el));
	for (size_t i = 0; fl__event_columns[i]; i++)
		set_str(f, fl__event_columns[i], fl__event_row_value(e, fl__event_columns[i]));
	/* a layer made elsewhere may keep partial as a number (0/1) */
	int pi = OGR_F_GetFieldIndex(f, "partial");
	OGRFieldType pt = pi >= 0 ? OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, pi)) : OFTString;
	if (pt == OFTInteger || pt == OFTInteger64)
		OGR_F_SetFieldInteger(f, pi, partial);
	if (OGR_L_CreateFeature(el, f) != OGRERR_NONE)
		st = fl__fail(FL_EIO, "cannot write the event: %s", CPLGetLastErrorMsg());
	OGR_F_Destroy(f);
	return st;
}
