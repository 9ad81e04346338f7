/*
 * gdal_load.h: GDAL, loaded when it is first needed (gdal_load.c).
 *
 * A program linked with GDAL pays at every start for loading it and the
 * hundred libraries it needs: about 35 ms of CPU on the development machine
 * (a GEOS and PROJ program starts in 10 ms), where a map answered from the
 * index takes 5.  frontline reads its sources through GDAL and writes every
 * format but GeoJSON through it, but an answer from the index written as
 * GeoJSON needs none of it.  So the library is not linked with GDAL (as
 * with Cairo, cairo_load.h): every file that calls GDAL includes this
 * header, which includes GDAL's headers first, and each GDAL function named
 * in it is then the pointer of that name in a table filled from libgdal by
 * dlopen on first use (fl__gdal()), with GDAL's own prototype, so that the
 * calls are checked as before.  Entry points call fl__gdal_ready() first, so
 * that a GDAL that cannot be loaded is an error, not a crash.
 */
#ifndef FL_GDAL_LOAD_H
#define FL_GDAL_LOAD_H

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include "frontline/error.h"

#define FL__GDAL_FUNCTIONS(X) \
	X(CPLErrorReset) X(CPLGetLastErrorMsg) X(CPLGetLastErrorType) X(CPLPopErrorHandler) \
	X(CPLPushErrorHandler) X(CPLQuietErrorHandler) X(CSLAddString) X(CSLCount) \
	X(CSLDestroy) X(CSLDuplicate) X(CSLFindString) X(CSLSetNameValue) X(GDALAllRegister) \
	X(GDALClose) X(GDALCreate) X(GDALDatasetCommitTransaction) X(GDALDatasetCreateLayer) \
	X(GDALDatasetExecuteSQL) X(GDALDatasetGetLayer) X(GDALDatasetGetLayerByName) X(GDALDatasetGetLayerCount) \
	X(GDALDatasetReleaseResultSet) X(GDALDatasetRollbackTransaction) \
	X(GDALDatasetSetStyleTable) X(GDALDatasetStartTransaction) X(GDALGetDatasetDriver) \
	X(GDALGetDriverByName) X(GDALGetDriverShortName) X(GDALGetMetadataItem) \
	X(GDALGetBlockSize) X(GDALGetGeoTransform) X(GDALGetProjectionRef) X(GDALGetRasterBand) X(GDALGetRasterCount) X(GDALGetRasterNoDataValue) X(GDALGetRasterXSize) X(GDALGetRasterYSize) X(GDALRasterIO) \
	X(GDALOpenEx) X(GDALVectorTranslate) X(GDALVectorTranslateOptionsFree) \
	X(GDALVectorTranslateOptionsNew) X(OCTDestroyCoordinateTransformation) \
	X(OCTNewCoordinateTransformation) X(OGR_FD_GetFieldCount) X(OGR_FD_GetFieldDefn) \
	X(OGR_FD_GetFieldIndex) X(OGR_FD_GetGeomType) X(OGR_F_Create) X(OGR_F_Destroy) \
	X(OGR_F_GetDefnRef) X(OGR_F_GetFieldAsDateTimeEx) X(OGR_F_GetFieldAsDouble) \
	X(OGR_F_GetFieldAsInteger) X(OGR_F_GetFieldAsString) X(OGR_F_GetFieldCount) \
	X(OGR_F_GetFieldDefnRef) X(OGR_F_GetFID) X(OGR_F_GetFieldIndex) X(OGR_F_GetGeometryRef) \
	X(OGR_F_IsFieldSetAndNotNull) X(OGR_F_SetFID) X(OGR_F_SetFieldBinary) X(OGR_F_SetFieldDouble) \
	X(OGR_F_SetFieldInteger) X(OGR_F_SetFieldInteger64) X(OGR_F_SetFieldNull) \
	X(OGR_F_SetFieldString) X(OGR_F_SetFromWithMap) X(OGR_F_SetGeometryDirectly) \
	X(OGR_F_SetStyleString) X(OGR_Fld_Create) X(OGR_Fld_Destroy) X(OGR_Fld_GetNameRef) \
	X(OGR_Fld_GetSubType) X(OGR_Fld_GetType) X(OGR_Fld_SetSubType) X(OGR_GT_Flatten) X(OGRGeometryTypeToName) \
	X(OGR_G_AssignSpatialReference) X(OGR_G_Clone) X(OGR_G_CreateFromWkb) \
	X(OGR_G_DestroyGeometry) X(OGR_G_ExportToIsoWkb) X(OGR_G_ExportToJsonEx) X(OGR_G_GetX) X(OGR_G_GetY) \
	X(OGR_G_FlattenTo2D) X(OGR_G_ForceToMultiPolygon) X(OGR_G_GetGeometryType) \
	X(OGR_G_IsEmpty) X(OGR_G_SwapXY) X(OGR_G_Transform) X(OGR_G_TransformTo) \
	X(OGR_G_WkbSize) X(OGR_L_CreateFeature) X(OGR_L_CreateField) X(OGR_L_FindFieldIndex) \
	X(OGR_L_GetFIDColumn) X(OGR_L_GetGeomType) X(OGR_L_GetLayerDefn) X(OGR_L_GetName) \
	X(OGR_L_GetNextFeature) X(OGR_L_GetSpatialRef) X(OGR_L_ResetReading) \
	X(OGR_L_SetAttributeFilter) X(OGR_L_SetSpatialFilterRect) X(OGR_STBL_AddStyle) X(OGR_STBL_Create) \
	X(OGR_STBL_Destroy) X(OSRClone) X(OSRDestroySpatialReference) X(OSRIsSame) \
	X(OSRNewSpatialReference) X(OSRSetAxisMappingStrategy) X(OSRSetWellKnownGeogCS) \
	X(VSIFCloseL) X(VSIFOpenL) X(VSIFWriteL) X(VSIFileFromMemBuffer) X(VSIFree) \
	X(VSIGetMemFileBuffer) X(VSIMkdir) X(VSIReadDir) X(VSIRmdirRecursive) X(VSIUnlink)

typedef struct fl__gdal_api {
#define FL__GDAL_MEMBER(f) __typeof__(f) *(f);
	FL__GDAL_FUNCTIONS(FL__GDAL_MEMBER)
#undef FL__GDAL_MEMBER
} fl__gdal_api;

/* The table, libgdal loaded and its drivers registered once per process
 * (thread-safe) on the first call.  When it could not be loaded its
 * pointers are NULL: entry points call fl__gdal_ready() before anything
 * else of GDAL. */
const fl__gdal_api *fl__gdal(void);
/* libgdal loaded (as by fl__gdal()); FL_EIO, with the loader's reason,
 * when it cannot be loaded. */
fl_status fl__gdal_ready(void);
/* Whether libgdal is loaded in this process (for the tests). */
int fl__gdal_loaded(void);

#ifndef FL__GDAL_LOAD_TABLE
#define CPLErrorReset (fl__gdal()->CPLErrorReset)
#define CPLGetLastErrorMsg (fl__gdal()->CPLGetLastErrorMsg)
#define CPLGetLastErrorType (fl__gdal()->CPLGetLastErrorType)
#define CPLPopErrorHandler (fl__gdal()->CPLPopErrorHandler)
#define CPLPushErrorHandler (fl__gdal()->CPLPushErrorHandler)
#define CPLQuietErrorHandler (fl__gdal()->CPLQuietErrorHandler)
#define CSLAddString (fl__gdal()->CSLAddString)
#define CSLCount (fl__gdal()->CSLCount)
#define CSLDestroy (fl__gdal()->CSLDestroy)
#define CSLDuplicate (fl__gdal()->CSLDuplicate)
#define CSLFindString (fl__gdal()->CSLFindString)
#define CSLSetNameValue (fl__gdal()->CSLSetNameValue)
#define GDALAllRegister (fl__gdal()->GDALAllRegister)
#define GDALClose (fl__gdal()->GDALClose)
#define GDALCreate (fl__gdal()->GDALCreate)
#define GDALDatasetCommitTransaction (fl__gdal()->GDALDatasetCommitTransaction)
#define GDALDatasetCreateLayer (fl__gdal()->GDALDatasetCreateLayer)
#define GDALDatasetExecuteSQL (fl__gdal()->GDALDatasetExecuteSQL)
#define GDALDatasetGetLayer (fl__gdal()->GDALDatasetGetLayer)
#define GDALDatasetGetLayerByName (fl__gdal()->GDALDatasetGetLayerByName)
#define GDALDatasetGetLayerCount (fl__gdal()->GDALDatasetGetLayerCount)
#define GDALDatasetReleaseResultSet (fl__gdal()->GDALDatasetReleaseResultSet)
#define GDALDatasetRollbackTransaction (fl__gdal()->GDALDatasetRollbackTransaction)
#define GDALDatasetSetStyleTable (fl__gdal()->GDALDatasetSetStyleTable)
#define GDALDatasetStartTransaction (fl__gdal()->GDALDatasetStartTransaction)
#define GDALGetDatasetDriver (fl__gdal()->GDALGetDatasetDriver)
#define GDALGetDriverByName (fl__gdal()->GDALGetDriverByName)
#define GDALGetDriverShortName (fl__gdal()->GDALGetDriverShortName)
#define GDALGetMetadataItem (fl__gdal()->GDALGetMetadataItem)
#define GDALGetBlockSize (fl__gdal()->GDALGetBlockSize)
#define GDALGetGeoTransform (fl__gdal()->GDALGetGeoTransform)
#define GDALGetProjectionRef (fl__gdal()->GDALGetProjectionRef)
#define GDALGetRasterBand (fl__gdal()->GDALGetRasterBand)
#define GDALGetRasterCount (fl__gdal()->GDALGetRasterCount)
#define GDALGetRasterNoDataValue (fl__gdal()->GDALGetRasterNoDataValue)
#define GDALGetRasterXSize (fl__gdal()->GDALGetRasterXSize)
#define GDALGetRasterYSize (fl__gdal()->GDALGetRasterYSize)
#define GDALRasterIO (fl__gdal()->GDALRasterIO)
#define GDALOpenEx (fl__gdal()->GDALOpenEx)
#define GDALVectorTranslate (fl__gdal()->GDALVectorTranslate)
#define GDALVectorTranslateOptionsFree (fl__gdal()->GDALVectorTranslateOptionsFree)
#define GDALVectorTranslateOptionsNew (fl__gdal()->GDALVectorTranslateOptionsNew)
#define OCTDestroyCoordinateTransformation (fl__gdal()->OCTDestroyCoordinateTransformation)
#define OCTNewCoordinateTransformation (fl__gdal()->OCTNewCoordinateTransformation)
#define OGR_FD_GetFieldCount (fl__gdal()->OGR_FD_GetFieldCount)
#define OGR_FD_GetFieldDefn (fl__gdal()->OGR_FD_GetFieldDefn)
#define OGR_FD_GetFieldIndex (fl__gdal()->OGR_FD_GetFieldIndex)
#define OGR_FD_GetGeomType (fl__gdal()->OGR_FD_GetGeomType)
#define OGR_F_Create (fl__gdal()->OGR_F_Create)
#define OGR_F_Destroy (fl__gdal()->OGR_F_Destroy)
#define OGR_F_GetDefnRef (fl__gdal()->OGR_F_GetDefnRef)
#define OGR_F_GetFieldAsDateTimeEx (fl__gdal()->OGR_F_GetFieldAsDateTimeEx)
#define OGR_F_GetFieldAsDouble (fl__gdal()->OGR_F_GetFieldAsDouble)
#define OGR_F_GetFieldAsInteger (fl__gdal()->OGR_F_GetFieldAsInteger)
#define OGR_F_GetFieldAsString (fl__gdal()->OGR_F_GetFieldAsString)
#define OGR_F_GetFieldCount (fl__gdal()->OGR_F_GetFieldCount)
#define OGR_F_GetFieldDefnRef (fl__gdal()->OGR_F_GetFieldDefnRef)
#define OGR_F_GetFID (fl__gdal()->OGR_F_GetFID)
#define OGR_F_GetFieldIndex (fl__gdal()->OGR_F_GetFieldIndex)
#define OGR_F_GetGeometryRef (fl__gdal()->OGR_F_GetGeometryRef)
#define OGR_F_IsFieldSetAndNotNull (fl__gdal()->OGR_F_IsFieldSetAndNotNull)
#define OGR_F_SetFID (fl__gdal()->OGR_F_SetFID)
#define OGR_F_SetFieldBinary (fl__gdal()->OGR_F_SetFieldBinary)
#define OGR_F_SetFieldDouble (fl__gdal()->OGR_F_SetFieldDouble)
#define OGR_F_SetFieldInteger (fl__gdal()->OGR_F_SetFieldInteger)
#define OGR_F_SetFieldInteger64 (fl__gdal()->OGR_F_SetFieldInteger64)
#define OGR_F_SetFieldNull (fl__gdal()->OGR_F_SetFieldNull)
#define OGR_F_SetFieldString (fl__gdal()->OGR_F_SetFieldString)
#define OGR_F_SetFromWithMap (fl__gdal()->OGR_F_SetFromWithMap)
#define OGR_F_SetGeometryDirectly (fl__gdal()->OGR_F_SetGeometryDirectly)
#define OGR_F_SetStyleString (fl__gdal()->OGR_F_SetStyleString)
#define OGR_Fld_Create (fl__gdal()->OGR_Fld_Create)
#define OGR_Fld_Destroy (fl__gdal()->OGR_Fld_Destroy)
#define OGR_Fld_GetNameRef (fl__gdal()->OGR_Fld_GetNameRef)
#define OGR_Fld_GetSubType (fl__gdal()->OGR_Fld_GetSubType)
#define OGR_Fld_GetType (fl__gdal()->OGR_Fld_GetType)
#define OGR_Fld_SetSubType (fl__gdal()->OGR_Fld_SetSubType)
#define OGR_GT_Flatten (fl__gdal()->OGR_GT_Flatten)
#define OGRGeometryTypeToName (fl__gdal()->OGRGeometryTypeToName)
#define OGR_G_AssignSpatialReference (fl__gdal()->OGR_G_AssignSpatialReference)
#define OGR_G_Clone (fl__gdal()->OGR_G_Clone)
#define OGR_G_CreateFromWkb (fl__gdal()->OGR_G_CreateFromWkb)
#define OGR_G_DestroyGeometry (fl__gdal()->OGR_G_DestroyGeometry)
#define OGR_G_ExportToIsoWkb (fl__gdal()->OGR_G_ExportToIsoWkb)
#define OGR_G_ExportToJsonEx (fl__gdal()->OGR_G_ExportToJsonEx)
#define OGR_G_GetX (fl__gdal()->OGR_G_GetX)
#define OGR_G_GetY (fl__gdal()->OGR_G_GetY)
#define OGR_G_FlattenTo2D (fl__gdal()->OGR_G_FlattenTo2D)
#define OGR_G_ForceToMultiPolygon (fl__gdal()->OGR_G_ForceToMultiPolygon)
#define OGR_G_GetGeometryType (fl__gdal()->OGR_G_GetGeometryType)
#define OGR_G_IsEmpty (fl__gdal()->OGR_G_IsEmpty)
#define OGR_G_SwapXY (fl__gdal()->OGR_G_SwapXY)
#define OGR_G_Transform (fl__gdal()->OGR_G_Transform)
#define OGR_G_TransformTo (fl__gdal()->OGR_G_TransformTo)
#define OGR_G_WkbSize (fl__gdal()->OGR_G_WkbSize)
#define OGR_L_CreateFeature (fl__gdal()->OGR_L_CreateFeature)
#define OGR_L_CreateField (fl__gdal()->OGR_L_CreateField)
#define OGR_L_FindFieldIndex (fl__gdal()->OGR_L_FindFieldIndex)
#define OGR_L_GetFIDColumn (fl__gdal()->OGR_L_GetFIDColumn)
#define OGR_L_GetGeomType (fl__gdal()->OGR_L_GetGeomType)
#define OGR_L_GetLayerDefn (fl__gdal()->OGR_L_GetLayerDefn)
#define OGR_L_GetName (fl__gdal()->OGR_L_GetName)
#define OGR_L_GetNextFeature (fl__gdal()->OGR_L_GetNextFeature)
#define OGR_L_GetSpatialRef (fl__gdal()->OGR_L_GetSpatialRef)
#define OGR_L_ResetReading (fl__gdal()->OGR_L_ResetReading)
#define OGR_L_SetAttributeFilter (fl__gdal()->OGR_L_SetAttributeFilter)
#define OGR_L_SetSpatialFilterRect (fl__gdal()->OGR_L_SetSpatialFilterRect)
#define OGR_STBL_AddStyle (fl__gdal()->OGR_STBL_AddStyle)
#define OGR_STBL_Create (fl__gdal()->OGR_STBL_Create)
#define OGR_STBL_Destroy (fl__gdal()->OGR_STBL_Destroy)
#define OSRClone (fl__gdal()->OSRClone)
#define OSRDestroySpatialReference (fl__gdal()->OSRDestroySpatialReference)
#define OSRIsSame (fl__gdal()->OSRIsSame)
#define OSRNewSpatialReference (fl__gdal()->OSRNewSpatialReference)
#define OSRSetAxisMappingStrategy (fl__gdal()->OSRSetAxisMappingStrategy)
#define OSRSetWellKnownGeogCS (fl__gdal()->OSRSetWellKnownGeogCS)
#define VSIFCloseL (fl__gdal()->VSIFCloseL)
#define VSIFOpenL (fl__gdal()->VSIFOpenL)
#define VSIFWriteL (fl__gdal()->VSIFWriteL)
#define VSIFileFromMemBuffer (fl__gdal()->VSIFileFromMemBuffer)
#define VSIFree (fl__gdal()->VSIFree)
#define VSIGetMemFileBuffer (fl__gdal()->VSIGetMemFileBuffer)
#define VSIMkdir (fl__gdal()->VSIMkdir)
#define VSIReadDir (fl__gdal()->VSIReadDir)
#define VSIRmdirRecursive (fl__gdal()->VSIRmdirRecursive)
#define VSIUnlink (fl__gdal()->VSIUnlink)
#endif

#endif
