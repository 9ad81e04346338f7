/*
 * store/copy.c: moving a tracker from one store to another without loss
 * (the stores and their layers: store.c).
 *
 * Copying goes layer by layer and feature by feature through
 * OGR, every field and geometry as it is (no re-typing, no re-projection, no
 * rounding: dates read from GeoJSON stay text, coordinates keep 17
 * significant digits), in the source's row order.  So folder -> GeoPackage
 * -> PostGIS -> folder gives back the same rows.
 *
 * Writes are whole or nothing: a folder's files and a GeoPackage are built
 * in /vsimem and placed with temp file + fsync + rename (events last: its
 * appearance is the commit point); PostGIS gets one transaction that also
 * installs the SQL functions (pg.c).
 */
#include "../gdal_load.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "copy.h"
#include "csv.h"
#include "pg.h"
#include "store.h"
#include "frontline/store.h"
#include "../fail.h"
#include "../sink.h"
#include "../util.h"

/* Copy the fields and features of src into a new layer `name` of dst. */
fl_status fl__copy_layer(OGRLayerH src, GDALDatasetH dst, const char *name, char **lco)
{
	OGRFeatureDefnH fd = OGR_L_GetLayerDefn(src);
	OGRwkbGeometryType gt = OGR_FD_GetGeomType(fd);
	bool geom = gt != wkbNone;
	const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(dst));
	char **opts = CSLDuplicate(lco);
	if (!strcmp(drv, "PostgreSQL")) {
		opts = CSLSetNameValue(opts, "GEOMETRY_NAME", "geom");
		opts = CSLSetNameValue(opts, "OVERWRITE", "NO");
	} else if (!strcmp(drv, "GeoJSON")) {
		opts = CSLSetNameValue(opts, "SIGNIFICANT_FIGURES", "17");
		opts = CSLSetNameValue(opts, "COORDINATE_PRECISION", "17");
	}
	CPLErrorReset();
	OGRLayerH dl = GDALDatasetCreateLayer(dst, name, geom ? OGR_L_GetSpatialRef(src) : NULL,
					      geom ? wkbUnknown : wkbNone, opts);
	CSLDestroy(opts);
	if (!dl)
		return fl__fail(FL_EIO, "%s: cannot create layer '%s': %s", drv, name,
				CPLGetLastErrorMsg());
	int n = OGR_FD_GetFieldCount(fd);
	for (int i = 0; i < n; i++)
		if (OGR_L_CreateField(dl, OGR_FD_GetFieldDefn(fd, i), FALSE) != OGRERR_NONE)
			return fl__fail(FL_EIO, "%s: cannot create field '%s' of layer '%s': %s", drv,
					OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)), name,
					CPLGetLastErrorMsg());
	OGRFeatureDefnH dfd = OGR_L_GetLayerDefn(dl);
	int *map = malloc(((size_t)n + 1) * sizeof *map);
	if (!map)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (int i = 0; i < n; i++)
		map[i] = OGR_FD_GetFieldIndex(dfd, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
	OGR_L_ResetReading(src);
	OGRFeatureH f;
	fl_status st = FL_OK;
	while (!st && (f = OGR_L_GetNextFeature(src))) {
		OGRFeatureH g = OGR_F_Create(dfd);
		OGR_F_SetFromWithMap(g, f, TRUE, map);
		OGR_F_SetFID(g, OGRNullFID);
		if (OGR_L_CreateFeature(dl, g) != OGRERR_NONE)
			st = fl__fail(FL_EIO, "%s: cannot write a feature of layer '%s': %s", drv, name,
				      CPLGetLastErrorMsg());
		OGR_F_Destroy(g);
		OGR_F_Destroy(f);
	}
	free(map);
	return st;
}

/* ------------------------------------------------------------------ copy */
typedef struct copy_ctx {
	GDALDatasetH dst;        /* GPKG or PG: one dataset for every layer */
	const char *dir;         /* folder: the target folder */
	const char *memdir;      /* folder: where files are built */
	char **built;            /* folder: file names built, events last */
} copy_ctx;

/* A table layer as CSV text by the folder store's own rule (csv.c):
 * the header, then one record per feature, every field as its text. */
static fl_status csv_text(OGRLayerH lyr, const char *file, char **out, size_t *outlen)
{
	OGRFeatureDefnH fd = OGR_L_GetLayerDefn(lyr);
	int n = OGR_FD_GetFieldCount(fd);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool ok = fl__text_put(&buf, &len, &cap, "", 0);
	for (int i = 0; i < n && ok; i++)
		ok = (!i || fl__text_put(&buf, &len, &cap, ",", 1)) &&
		     fl__csv_field(&buf, &len, &cap, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)));
	ok = ok && fl__text_put(&buf, &len, &cap, "\n", 1);
	OGR_L_ResetReading(lyr);
	OGRFeatureH f;
	while (ok && (f = OGR_L_GetNextFeature(lyr))) {
		for (int i = 0; i < n && ok; i++)
			ok = (!i || fl__text_put(&buf, &len, &cap, ",", 1)) &&
			     fl__csv_field(&buf, &len, &cap,
					   OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "");
		ok = ok && fl__text_put(&buf, &len, &cap, "\n", 1);
		OGR_F_Destroy(f);
	}
	if (!ok) {
		free(buf);
		return fl__fail(FL_ENOMEM, "%s: out of memory", file);
	}
	*out = buf;
	*outlen = len;
	return FL_OK;
}

static fl_status copy_one(void *vctx, const char *name, OGRLayerH lyr)
{
	copy_ctx *c = vctx;
	if (c->dst)
		return fl__copy_layer(lyr, c->dst, name, NULL);
	const char *ext = fl__store_file_ext(name, OGR_L_GetGeomType(lyr) != wkbNone);
	bool csv = !strcmp(ext, "csv");
	char *file = fl__printf("%s.%s", name, ext);
	char *mem = fl__printf("%s/%s", c->memdir, file);
	fl_status st = FL_OK;
	if (csv) {
		/* not GDAL's CSV driver: it quotes more than the folder store does,
		 * and a copy back into a folder would not give the same bytes */
		char *text = NULL;
		size_t len = 0;
		st = csv_text(lyr, file, &text, &len);
		VSILFILE *fp = st ? NULL : VSIFOpenL(mem, "wb");
		if (!st && (!fp || VSIFWriteL(text, 1, len, fp) != len))
			st = fl__fail(FL_EIO, "cannot write %s in memory", file);
		if (fp)
			VSIFCloseL(fp);
		free(text);
	} else {
		GDALDriverH drv = GDALGetDriverByName("GeoJSON");
		GDALDatasetH ds = GDALCreate(drv, mem, 0, 0, 0, GDT_Unknown, NULL);
		st = ds ? FL_OK : fl__fail(FL_EIO, "cannot create %s: %s", file, CPLGetLastErrorMsg());
		if (!st)
			st = fl__copy_layer(lyr, ds, name, NULL);
		if (ds) {
			CPLErrorReset();
			GDALClose(ds);
			if (!st && CPLGetLastErrorType() >= CE_Failure)
				st = fl__fail(FL_EIO, "writing %s failed: %s", file, CPLGetLastErrorMsg());
		}
	}
	if (!st)
		c->built = CSLAddString(c->built, file);
	free(file);
	free(mem);
	return st;
}

static fl_status place_mem(const char *mem, const char *target)
{
	vsi_l_offset len = 0;
	GByte *buf = VSIGetMemFileBuffer(mem, &len, FALSE);
	if (!buf && len)
		return fl__fail(FL_EIO, "lost the in-memory copy %s", mem);
	return fl__atomic_write(target, buf ? buf : (GByte *)"", (size_t)len);
}

fl_status fl_store_copy(const char *src, const char *dst)
{
	if (!src || !dst)
		return fl__fail(FL_EARG, "fl_store_copy: NULL argument");
	/* only a tracker that opens is copied: the copy then opens too */
	fl_tracker *t = NULL;
	fl_status st = fl_tracker_open(src, &t);
	if (st)
		return st;
	fl_tracker_free(t);
	st = fl__gdal_ready(); /* the copy is written through GDAL (the tracker may have opened from its index) */
	if (st)
		return st;
	fl__store_kind kind = fl__store_kind_of(dst);
	struct stat sb;
	static unsigned counter;
	char *memdir = fl__printf("/vsimem/frontline-copy-%ld-%u", (long)getpid(),
				  __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST));
	VSIMkdir(memdir, 0755);
	copy_ctx c = {0};
	if (kind == FL__STORE_FOLDER) {
		if (stat(dst, &sb) == 0) {
			char *ev = fl__store_file(dst, "events"), *ac = fl__store_file(dst, "actors");
			bool used = ev || ac;
			free(ev), free(ac);
			if (used) {
				st = fl__fail(FL_EARG, "copy: '%s' already holds a tracker (nothing written)",
					      dst);
				goto out;
			}
		} else if (mkdir(dst, 0755) != 0) {
			st = fl__fail(FL_EIO, "copy: cannot create folder '%s': %s", dst, strerror(errno));
			goto out;
		}
		c.dir = dst;
		c.memdir = memdir;
		st = fl__store_each_layer(src, copy_one, &c);
		/* place the files, events.csv last: its appearance commits the copy */
		for (int pass = 0; pass < 2 && !st; pass++)
			for (int i = 0; c.built && c.built[i] && !st; i++) {
				bool ev = !strncmp(c.built[i], "events.", 7);
				if (ev != (pass == 1))
					continue;
				char *mem = fl__printf("%s/%s", memdir, c.built[i]);
				char *target = fl__printf("%s/%s", dst, c.built[i]);
				st = place_mem(mem, target);
				free(mem), free(target);
			}
		if (!st)
			st = fl__fsync_dir(dst);
	} else if (kind == FL__STORE_GPKG) {
		if (stat(dst, &sb) == 0) {
			st = fl__fail(FL_EARG, "copy: '%s' already exists (nothing written)", dst);
			goto out;
		}
		const char *slash = strrchr(dst, '/');
		char *mem = fl__printf("%s/%s", memdir, slash ? slash + 1 : dst);
		CPLErrorReset();
		c.dst = GDALCreate(GDALGetDriverByName("GPKG"), mem, 0, 0, 0, GDT_Unknown, NULL);
		if (!c.dst)
			st = fl__fail(FL_EIO, "copy: cannot create a GeoPackage: %s", CPLGetLastErrorMsg());
		if (!st)
			st = fl__store_each_layer(src, copy_one, &c);
		if (c.dst) {
			CPLErrorReset();
			GDALClose(c.dst);
			if (!st && CPLGetLastErrorType() >= CE_Failure)
				st = fl__fail(FL_EIO, "copy: writing the GeoPackage failed: %s",
					      CPLGetLastErrorMsg());
		}
		if (!st)
			st = place_mem(mem, dst);
		free(mem);
	} else {
		CPLErrorReset();
		c.dst = GDALOpenEx(dst, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
		if (!c.dst) {
			st = fl__fail(FL_EIO, "copy: cannot open '%s': %s", dst, CPLGetLastErrorMsg());
			goto out;
		}
		for (size_t i = 0; i < FL__NLAYERS && !st; i++)
			if (GDALDatasetGetLayerByName(c.dst, fl__store_layers[i].name))
				st = fl__fail(FL_EARG, "copy: '%s' already has a table '%s' (nothing written)",
					      dst, fl__store_layers[i].name);
		if (!st && GDALDatasetStartTransaction(c.dst, TRUE) != OGRERR_NONE)
			st = fl__fail(FL_EIO, "copy: cannot start a transaction: %s", CPLGetLastErrorMsg());
		if (!st) {
			st = fl__store_each_layer(src, copy_one, &c);
			if (!st)
				st = fl__pg_install(c.dst);
			if (st)
				GDALDatasetRollbackTransaction(c.dst);
			else if (GDALDatasetCommitTransaction(c.dst) != OGRERR_NONE)
				st = fl__fail(FL_EIO, "copy: commit failed: %s", CPLGetLastErrorMsg());
		}
		GDALClose(c.dst);
	}
out:
	CSLDestroy(c.built);
	VSIRmdirRecursive(memdir);
	free(memdir);
	return st;
}
