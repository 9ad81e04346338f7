/*
 * tiles_write.c: the whole history as one tile file (frontline/tilefile.h):
 * the format chosen, and PMTiles written through pmtiles_write.c with the
 * header's fields from the metadata (tilemeta.c); MBTiles: tiles_mbtiles.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "output_sink.h"
#include "fail.h"
#include "tilemeta.h"
#include "tiles_write.h"

fl_tile_format fl_tile_format_of(const char *path, const char *format)
{
	const char *f = format;
	if (!f && path) {
		const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
		f = dot && (!slash || dot > slash) ? dot + 1 : NULL;
	}
	if (!f)
		return FL_TILES_NONE;
	if (!strcasecmp(f, "pmtiles"))
		return FL_TILES_PMTILES;
	if (!strcasecmp(f, "mbtiles"))
		return FL_TILES_MBTILES;
	return FL_TILES_NONE;
}

typedef struct adding {
	fl_pmtiles_writer *w;
	size_t n;
} adding;

static int add_tile(void *ud, int z, int x, int y, const unsigned char *mvt, size_t len)
{
	adding *a = ud;
	a->n++;
	return (int)fl_pmtiles_writer_add(a->w, z, (uint32_t)x, (uint32_t)y, mvt, len);
}

static fl_status pmtiles_write(const fl_tracker *t, const fl_tile_opts *opts, const fl__tilemeta *m,
			       const char *path)
{
	fl_pmtiles_writer *w = NULL;
	fl_status st = fl_pmtiles_writer_new(&w);
	adding a = {w, 0};
	if (!st)
		st = fl_tiles_each(t, NULL, opts, add_tile, &a);
	if (!st && !a.n)
		st = fl__fail(FL_EINPUT, "%s: the tracker has no tile to write (nothing written)", path);
	fl_pmtiles_info info = {.min_zoom = m->minzoom, .max_zoom = m->maxzoom,
				.center_zoom = m->center_zoom, .metadata_json = m->json};
	memcpy(info.bounds, m->bounds, sizeof info.bounds);
	memcpy(info.center, m->center, sizeof info.center);
	unsigned char *buf = NULL;
	size_t len = 0;
	if (!st)
		st = fl_pmtiles_writer_finish(w, &info, &buf, &len);
	fl_pmtiles_writer_free(w);
	if (!st)
		st = fl__is_stream(path) ? fl__write_stream(path, buf, len) : fl__atomic_write(path, buf, len);
	free(buf);
	return st;
}

fl_status fl_tiles_write(const fl_tracker *t, const fl_tile_opts *opts, const char *path,
			 fl_tile_format format)
{
	if (!t || !path)
		return fl__fail(FL_EARG, "fl_tiles_write: NULL argument");
	if (!format)
		format = fl_tile_format_of(path, NULL);
	if (!format)
		return fl__fail(FL_EARG, "%s: not a tile file name (.pmtiles or .mbtiles) (nothing written)",
				path);
	fl__tilemeta m;
	fl_status st = fl__tilemeta_make(t, opts, &m);
	if (st)
		return st;
	if (format == FL_TILES_PMTILES)
		st = pmtiles_write(t, opts, &m, path);
	else
		st = fl__mbtiles_write(t, opts, &m, path);
	fl__tilemeta_free(&m);
	return st;
}
