/*
 * vector_clip.c: a vector source cut to a box, as GeoJSON
 * (fl_vector_clip_buffer, frontline/features.h).
 *
 * For a base map sent to a browser: GDAL's vector translation (ogr2ogr's
 * engine) keeps the features of the source's first layer that meet the box,
 * clips their geometries to it and writes them as RFC 7946 GeoJSON into
 * memory (/vsimem/), from where the text is copied out.
 */
#include "gdal_load.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "gdal_open.h"
#include "frontline/features.h"

static unsigned long next_id(void)
{
	static unsigned long n;
	return __atomic_add_fetch(&n, 1, __ATOMIC_RELAXED);
}

/* The translation of src's layer `layer` into dest; FL_OK or an error naming path. */
static fl_status translate(GDALDatasetH src, const char *path, const char *layer,
			   const double bb[4], const char *dest)
{
	char box[4][32];
	for (int i = 0; i < 4; i++)
		snprintf(box[i], sizeof box[i], "%.9g", bb[i]);
	char *argv[] = {"-f", "GeoJSON", "-spat", box[0], box[1], box[2], box[3],
			"-clipsrc", "spat_extent", "-lco", "RFC7946=YES",
			"-lco", "COORDINATE_PRECISION=5", "-lco", "WRITE_NAME=NO",
			"-skipfailures", (char *)layer, NULL};
	GDALVectorTranslateOptions *opt = GDALVectorTranslateOptionsNew(argv, NULL);
	if (!opt)
		return fl__fail(FL_EIO, "%s: GDAL refused the translation: %s", path,
				CPLGetLastErrorMsg());
	int usage = 0;
	GDALDatasetH out = GDALVectorTranslate(dest, NULL, 1, &src, opt, &usage);
	GDALVectorTranslateOptionsFree(opt);
	if (!out)
		return fl__fail(FL_EIO, "%s: cannot cut it to the box: %s", path,
				*CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "GDAL gave no reason");
	GDALClose(out);
	return FL_OK;
}

fl_status fl_vector_clip_buffer(const char *path, const double bbox[4], char **buf, size_t *len)
{
	if (!buf || !len || !path || !bbox)
		return fl__fail(FL_EARG, "fl_vector_clip_buffer: `path`, `bbox`, `buf` and `len` are required");
	*buf = NULL;
	*len = 0;
	/* written so that NaN fails every test */
	if (!(bbox[0] >= -180 && bbox[0] < bbox[2] && bbox[2] <= 180 && bbox[1] >= -90 &&
	      bbox[1] < bbox[3] && bbox[3] <= 90))
		return fl__fail(FL_EARG, "`bbox` %g,%g,%g,%g: need -180 <= W < E <= 180 and "
				"-90 <= S < N <= 90", bbox[0], bbox[1], bbox[2], bbox[3]);
	fl_status st = fl__gdal_ready();
	if (st)
		return st;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	GDALDatasetH src = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH l = src ? GDALDatasetGetLayer(src, 0) : NULL;
	char dest[96];
	snprintf(dest, sizeof dest, "/vsimem/fl_clip_%lu.geojson", next_id());
	if (!src) {
		char why[512];
		st = fl__fail(FL_EIO, "%s: GDAL cannot open it: %s", path,
			      fl__gdal_open_reason(path, why, sizeof why));
	} else if (!l)
		st = fl__fail(FL_EINPUT, "%s: no layer", path);
	else
		st = translate(src, path, OGR_L_GetName(l), bbox, dest);
	if (src)
		GDALClose(src);
	if (!st) {
		vsi_l_offset n = 0;
		GByte *text = VSIGetMemFileBuffer(dest, &n, FALSE);
		*buf = text ? malloc((size_t)n + 1) : NULL;
		if (*buf) {
			memcpy(*buf, text, (size_t)n);
			(*buf)[n] = 0;
			*len = (size_t)n;
		} else
			st = text ? fl__fail(FL_ENOMEM, "%s: out of memory", path)
				  : fl__fail(FL_EIO, "%s: GDAL wrote nothing", path);
	}
	VSIUnlink(dest);
	CPLPopErrorHandler();
	return st;
}
