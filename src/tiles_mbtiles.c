/*
 * tiles_mbtiles.c: the whole history as an MBTiles 1.3 file, through GDAL's
 * SQLite driver (frontline writes every format but GeoJSON through GDAL):
 * the tables metadata(name, value) and tiles(zoom_level, tile_column,
 * tile_row, tile_data) with its unique index, tiles gzip-compressed MVT,
 * rows counted from the south (TMS), and the metadata the specification
 * asks of vector tiles (format pbf, json with vector_layers).  The file is
 * built under a temporary name beside its target and renamed over it.
 */
#include "gdal_load.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "gzip.h"
#include "sink.h"
#include "tiles_write.h"
#include "util.h"

typedef struct mbt {
	OGRLayerH tiles;
	const char *path;
	fl_status st;
	size_t n;
} mbt;

static fl_status gdal_fail(const char *path, const char *what)
{
	return fl__fail(FL_EIO, "%s: cannot write: %s: %s (nothing written)", path, what,
			CPLGetLastErrorMsg());
}

static int put_tile(void *ud, int z, int x, int y, const unsigned char *mvt, size_t len)
{
	mbt *m = ud;
	unsigned char *gz;
	size_t gzlen;
	m->st = fl__gzip(mvt, len, &gz, &gzlen);
	if (m->st)
		return (int)m->st;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(m->tiles));
	OGR_F_SetFieldInteger(f, 0, z);
	OGR_F_SetFieldInteger(f, 1, x);
	OGR_F_SetFieldInteger(f, 2, (1 << z) - 1 - y); /* TMS: rows from the south */
	OGR_F_SetFieldBinary(f, 3, (int)gzlen, gz);
	if (OGR_L_CreateFeature(m->tiles, f) != OGRERR_NONE)
		m->st = gdal_fail(m->path, "a tile");
	OGR_F_Destroy(f);
	free(gz);
	m->n++;
	return (int)m->st;
}

static OGRLayerH table(GDALDatasetH ds, const char *name, const char *const *cols,
		       const OGRFieldType *types, int n)
{
	char **lco = CSLAddString(NULL, "FID=rowid_");
	OGRLayerH l = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, lco);
	CSLDestroy(lco);
	for (int i = 0; l && i < n; i++) {
		OGRFieldDefnH fd = OGR_Fld_Create(cols[i], types[i]);
		if (OGR_L_CreateField(l, fd, TRUE) != OGRERR_NONE)
			l = NULL;
		OGR_Fld_Destroy(fd);
	}
	return l;
}

static fl_status put_meta(OGRLayerH l, const char *path, const char *name, const char *value)
{
	if (!value)
		return FL_OK;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
	OGR_F_SetFieldString(f, 0, name);
	OGR_F_SetFieldString(f, 1, value);
	fl_status st = OGR_L_CreateFeature(l, f) == OGRERR_NONE ? FL_OK : gdal_fail(path, "metadata");
	OGR_F_Destroy(f);
	return st;
}

/* The metadata rows: the TileJSON members as MBTiles 1.3 spells them. */
static fl_status metadata(OGRLayerH l, const fl__tilemeta *m, const char *path)
{
	char *name = fl__tilemeta_member(m, "name"), *desc = fl__tilemeta_member(m, "description");
	char *attr = fl__tilemeta_member(m, "attribution");
	char *layers = fl__tilemeta_member(m, "vector_layers");
	char *json = fl__printf("{\"vector_layers\":%s}", layers ? layers : "[]");
	char *bounds = fl__printf("%.7f,%.7f,%.7f,%.7f", m->bounds[0], m->bounds[1], m->bounds[2],
				  m->bounds[3]);
	char *center = fl__printf("%.7f,%.7f,%d", m->center[0], m->center[1], m->center_zoom);
	char minz[16], maxz[16];
	snprintf(minz, sizeof minz, "%d", m->minzoom);
	snprintf(maxz, sizeof maxz, "%d", m->maxzoom);
	const char *rows[][2] = {{"name", name ? name : "frontline"}, {"format", "pbf"},
				 {"type", "overlay"}, {"version", "1"}, {"description", desc},
				 {"attribution", attr}, {"minzoom", minz}, {"maxzoom", maxz},
				 {"bounds", bounds}, {"center", center}, {"json", json}};
	fl_status st = json && bounds && center ? FL_OK : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < sizeof rows / sizeof rows[0]; i++)
		st = put_meta(l, path, rows[i][0], rows[i][1]);
	free(name), free(desc), free(attr), free(layers), free(json), free(bounds), free(center);
	return st;
}

/* The tables filled in one transaction, the index made. */
static fl_status fill(GDALDatasetH ds, const fl_tracker *t, const fl_tile_opts *opts,
		      const fl__tilemeta *m, const char *path)
{
	static const char *const mcols[] = {"name", "value"};
	static const OGRFieldType mtypes[] = {OFTString, OFTString};
	static const char *const tcols[] = {"zoom_level", "tile_column", "tile_row", "tile_data"};
	static const OGRFieldType ttypes[] = {OFTInteger, OFTInteger, OFTInteger, OFTBinary};
	OGRLayerH ml = table(ds, "metadata", mcols, mtypes, 2);
	OGRLayerH tl = ml ? table(ds, "tiles", tcols, ttypes, 4) : NULL;
	if (!tl)
		return gdal_fail(path, "the tables");
	if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
		return gdal_fail(path, "a transaction");
	fl_status st = metadata(ml, m, path);
	mbt b = {tl, path, FL_OK, 0};
	if (!st) {
		st = fl_tiles_each(t, NULL, opts, put_tile, &b);
		if (b.st)
			st = b.st;
	}
	if (!st && !b.n)
		st = fl__fail(FL_EINPUT, "%s: the tracker has no tile to write (nothing written)", path);
	if (st) {
		GDALDatasetRollbackTransaction(ds);
		return st;
	}
	if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
		return gdal_fail(path, "the tiles");
	OGRLayerH r = GDALDatasetExecuteSQL(ds, "CREATE UNIQUE INDEX tile_index ON tiles "
					    "(zoom_level, tile_column, tile_row)", NULL, NULL);
	if (r)
		GDALDatasetReleaseResultSet(ds, r);
	if (CPLGetLastErrorType() >= CE_Failure)
		return gdal_fail(path, "the index");
	return FL_OK;
}

static fl_status sync_file(const char *tmp, const char *path)
{
	int fd = open(tmp, O_RDONLY);
	int rc = fd < 0 ? -1 : fsync(fd);
	int e = errno;
	if (fd >= 0)
		close(fd);
	return rc ? fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", path, strerror(e)) : FL_OK;
}

fl_status fl__mbtiles_write(const fl_tracker *t, const fl_tile_opts *opts, const fl__tilemeta *m,
			    const char *path)
{
	fl_status st = fl__gdal_ready();
	if (st)
		return st;
	struct stat sb;
	if (fl__is_stream(path))
		return fl__fail(FL_EARG, "%s: an MBTiles file cannot go to a device or pipe", path);
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return fl__fail(FL_EIO, "%s: cannot write: it is a directory (nothing written)", path);
	GDALDriverH drv = GDALGetDriverByName("SQLite");
	if (!drv)
		return fl__fail(FL_EIO, "%s: GDAL has no SQLite driver", path);
	char *tmp = fl__printf("%s.tmp-%ld", path, (long)getpid());
	if (!tmp)
		return fl__fail(FL_ENOMEM, "out of memory");
	unlink(tmp);
	char **dco = CSLAddString(NULL, "METADATA=NO");
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GDALDatasetH ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, dco);
	CSLDestroy(dco);
	st = ds ? fill(ds, t, opts, m, path) : gdal_fail(path, "the database");
	if (ds) {
		CPLErrorReset();
		GDALClose(ds);
		if (!st && CPLGetLastErrorType() >= CE_Failure)
			st = gdal_fail(path, "closing");
	}
	CPLPopErrorHandler();
	if (!st)
		st = sync_file(tmp, path);
	if (!st && rename(tmp, path))
		st = fl__fail(FL_EIO, "%s: cannot write: %s (nothing written)", path, strerror(errno));
	if (st)
		unlink(tmp);
	free(tmp);
	return st;
}
