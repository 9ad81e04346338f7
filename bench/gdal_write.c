/*
 * gdal_write.c: GDAL's GeoJSON writer alone, the cost frontline's own
 * writer is compared with.
 *
 *   gdal_write NAME FILE REPS
 *
 * Reads every feature of FILE (a GeoJSON answer frontline wrote) into
 * memory, then writes them all again REPS times, after one untimed warm-up,
 * with the GeoJSON driver into /vsimem and the layer creation options
 * frontline uses (SIGNIFICANT_FIGURES=15), in one thread.  Prints one line
 * in bench/harness's format:
 *
 *   gdal:NAME  median_s  min_s  max_s  reps  output_bytes
 *
 * No engine work is in it: this is what any program pays to have GDAL write
 * the same features.  frontline no longer does: it writes GeoJSON itself
 * (src/geojson.c, issue 20), and this is the writer it replaced.
 */
#define _POSIX_C_SOURCE 200809L
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "timing.h"

/* One write of the n features (of layer definition src) to /vsimem;
 * returns the bytes written, 0 on failure. */
static size_t write_all(OGRFeatureDefnH src, OGRFeatureH *feat, size_t n)
{
	const char *path = "/vsimem/gdal_write.geojson";
	GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GeoJSON"), path, 0, 0, 0, GDT_Unknown, NULL);
	if (!ds)
		return 0;
	char **lco = CSLSetNameValue(NULL, "SIGNIFICANT_FIGURES", "15");
	OGRLayerH lyr = GDALDatasetCreateLayer(ds, "control", NULL, wkbUnknown, lco);
	CSLDestroy(lco);
	size_t ok = lyr != NULL;
	for (int i = 0; ok && i < OGR_FD_GetFieldCount(src); i++)
		ok = OGR_L_CreateField(lyr, OGR_FD_GetFieldDefn(src, i), TRUE) == OGRERR_NONE;
	OGRFeatureDefnH dst = ok ? OGR_L_GetLayerDefn(lyr) : NULL;
	for (size_t i = 0; ok && i < n; i++) {
		/* a feature of the new layer, as a writer builds one per answer */
		OGRFeatureH f = OGR_F_Create(dst);
		ok = f && OGR_F_SetFrom(f, feat[i], TRUE) == OGRERR_NONE &&
		     OGR_L_CreateFeature(lyr, f) == OGRERR_NONE;
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
	vsi_l_offset len = 0;
	GByte *buf = VSIGetMemFileBuffer(path, &len, TRUE);
	CPLFree(buf);
	return ok ? (size_t)len : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: gdal_write NAME FILE REPS\n");
		return 2;
	}
	int reps = atoi(argv[3]);
	if (reps < 1)
		reps = 1;
	GDALAllRegister();
	GDALDatasetH in = GDALOpenEx(argv[2], GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH lyr = in ? GDALDatasetGetLayer(in, 0) : NULL;
	if (!lyr) {
		const char *why = CPLGetLastErrorMsg();
		fprintf(stderr, "gdal_write: %s: %s\n", argv[2], *why ? why : "cannot open it as vector data");
		if (in)
			GDALClose(in);
		return 1;
	}
	size_t n = 0, cap = 1024;
	OGRFeatureH *feat = malloc(cap * sizeof *feat), f;
	bool short_of_memory = !feat;
	while (!short_of_memory && (f = OGR_L_GetNextFeature(lyr))) {
		if (n == cap) {
			OGRFeatureH *g = realloc(feat, 2 * cap * sizeof *feat);
			if (!g) {
				OGR_F_Destroy(f);
				short_of_memory = true;
				break;
			}
			feat = g, cap *= 2;
		}
		feat[n++] = f;
	}
	if (short_of_memory || n == 0) {
		fprintf(stderr, "gdal_write: %s: %s\n", argv[2],
			short_of_memory ? "out of memory" : "no features read");
		for (size_t i = 0; i < n; i++)
			OGR_F_Destroy(feat[i]);
		free(feat);
		GDALClose(in);
		return 1;
	}
	OGRFeatureDefnH src = OGR_L_GetLayerDefn(lyr);
	size_t bytes = write_all(src, feat, n); /* warm-up */
	double *dt = calloc((size_t)reps, sizeof *dt);
	for (int r = 0; bytes && dt && r < reps; r++) {
		double a = now();
		if (!write_all(src, feat, n))
			bytes = 0;
		dt[r] = now() - a;
	}
	if (!bytes || !dt) {
		fprintf(stderr, "gdal_write: writing %s again failed: %s\n", argv[2], CPLGetLastErrorMsg());
		return 1;
	}
	double med = median(dt, reps);
	printf("gdal:%s\t%.6f\t%.6f\t%.6f\t%d\t%zu\n", argv[1], med, dt[0], dt[reps - 1], reps, bytes);
	for (size_t i = 0; i < n; i++)
		OGR_F_Destroy(feat[i]);
	free(feat);
	free(dt);
	GDALClose(in);
	return 0;
}
