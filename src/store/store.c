/*
 * store/store.c: what a store is, and the one table of a folder's files.
 *
 * A tracker lives in one of three stores: a folder of text files (one GDAL
 * datasource per file), a GeoPackage, or a PostgreSQL/PostGIS database
 * (`PG:dbname=...`), each holding the layers actors, regions, areas, events
 * and zones.  In a folder each layer is one file, named after the layer,
 * with the extensions of fl__store_layers: actors.csv and events.csv;
 * regions and areas as GeoJSON (.geojson or .json); zones as GeoJSON or CSV;
 * tracker.csv, the tracker's own settings (key, value: its time zone), a
 * table `tracker` in a GeoPackage or a database.
 * Every other file (the reader, the copy, the record, the index's key of
 * the sources) asks this table rather than spelling the names again.
 */
#include "../gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "store.h"
#include "../fail.h"
#include "../gdal_open.h"
#include "../util.h"

static const char *const csv_ext[] = {"csv", NULL};
static const char *const json_ext[] = {"geojson", "json", NULL};
static const char *const zone_ext[] = {"geojson", "json", "csv", NULL};

const fl__layer_spec fl__store_layers[FL__NLAYERS] = {
	{"actors", csv_ext, true},   {"regions", json_ext, false}, {"areas", json_ext, false},
	{"events", csv_ext, true},   {"zones", zone_ext, false},  {"tracker", csv_ext, false},
};

const fl__layer_spec *fl__store_layer_spec(const char *name)
{
	for (size_t i = 0; i < FL__NLAYERS; i++)
		if (!strcmp(fl__store_layers[i].name, name))
			return &fl__store_layers[i];
	return NULL;
}

const char *fl__store_file_ext(const char *name, bool has_geometry)
{
	const fl__layer_spec *l = fl__store_layer_spec(name);
	if (!l)
		return has_geometry ? "geojson" : "csv";
	for (const char *const *e = l->exts; *e && !has_geometry; e++)
		if (!strcmp(*e, "csv"))
			return "csv";
	return l->exts[0];
}

const char *fl__store_driver(const char *file)
{
	const char *dot = strrchr(file, '.');
	return dot && !strcmp(dot, ".csv") ? "CSV" : "GeoJSON";
}

const char *const fl__event_columns[] = {"id",     "date",	"regions",  "to",	"from",
					 "kind",   "status",	"source",   "note",	"recorded",
					 "partial", "corrects", "area",	    NULL};

const char *fl__event_row_value(const fl__event_row *e, const char *name)
{
	const char *v[] = {e->id,   e->date,   e->regions, e->to,	 e->from,
			   e->kind, e->status, e->source,  e->note,	 e->recorded,
			   e->partial ? e->partial : "false", e->corrects, e->area};
	for (size_t i = 0; fl__event_columns[i]; i++)
		if (!strcmp(fl__event_columns[i], name))
			return v[i] ? v[i] : "";
	return NULL;
}

fl__store_kind fl__store_kind_of(const char *path)
{
	if (!strncmp(path, "PG:", 3))
		return FL__STORE_PG;
	struct stat sb;
	if (stat(path, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? FL__STORE_FOLDER : FL__STORE_GPKG;
	const char *dot = strrchr(path, '.');
	if (dot && !strcasecmp(dot, ".gpkg"))
		return FL__STORE_GPKG;
	return FL__STORE_FOLDER;
}

char *fl__store_file(const char *root, const char *name)
{
	const fl__layer_spec *l = fl__store_layer_spec(name);
	for (const char *const *e = l ? l->exts : NULL; e && *e; e++) {
		char *p = fl__printf("%s/%s.%s", root, name, *e);
		struct stat sb;
		if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			return p;
		free(p);
	}
	return NULL;
}

GDALDatasetH fl__store_open_file(const char *file, bool dates_as_text)
{
	const char *drv[] = {fl__store_driver(file), NULL};
	bool csv = !strcmp(drv[0], "CSV");
	const char *csv_opts[] = {"KEEP_GEOM_COLUMNS=NO", NULL};
	const char *json_opts[] = {"DATE_AS_STRING=YES", NULL};
	return GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, drv,
			  csv ? csv_opts : dates_as_text ? json_opts : NULL, NULL);
}

OGRLayerH fl__store_layer(GDALDatasetH ds, const char *name, bool *is_sql)
{
	*is_sql = false;
	OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
	if (!l)
		return NULL;
	/* a database returns rows in no set order: ask for insertion order */
	const char *fid = OGR_L_GetFIDColumn(l);
	if (!strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "PostgreSQL") && fid && *fid) {
		char *sql = fl__printf("SELECT * FROM \"%s\" ORDER BY \"%s\"", name, fid);
		OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
		free(sql);
		if (r) {
			*is_sql = true;
			return r;
		}
	}
	return l;
}

fl_status fl__store_each_layer(const char *path, fl_status (*fn)(void *, const char *, OGRLayerH),
			       void *ctx)
{
	fl_status st0 = fl__gdal_ready();
	if (st0)
		return st0;
	fl__store_kind kind = fl__store_kind_of(path);
	GDALDatasetH ds = NULL;
	if (kind != FL__STORE_FOLDER) {
		CPLErrorReset();
		ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		if (!ds) {
			char why[512];
			return fl__fail(FL_EINPUT, "tracker '%s': GDAL cannot open it: %s", path,
					fl__gdal_open_reason(path, why, sizeof why));
		}
	}
	fl_status st = FL_OK;
	for (size_t i = 0; i < FL__NLAYERS && !st; i++) {
		const char *name = fl__store_layers[i].name;
		GDALDatasetH lds = ds;
		if (kind == FL__STORE_FOLDER) {
			char *file = fl__store_file(path, name);
			if (!file)
				continue;
			CPLErrorReset();
			lds = fl__store_open_file(file, true);
			if (!lds) {
				char why[512];
				st = fl__fail(FL_EINPUT, "%s: GDAL cannot read it: %s", file,
					      fl__gdal_open_reason(file, why, sizeof why));
			}
			free(file);
			if (st)
				break;
		}
		bool sql = false;
		OGRLayerH l = kind == FL__STORE_FOLDER ? GDALDatasetGetLayer(lds, 0)
						       : fl__store_layer(lds, name, &sql);
		if (l)
			st = fn(ctx, name, l);
		if (sql)
			GDALDatasetReleaseResultSet(lds, l);
		if (lds != ds)
			GDALClose(lds);
	}
	if (ds)
		GDALClose(ds);
	return st;
}

