/*
 * pmtiles.h: PMTiles version 3 archives, the single-file tile sets that a
 * browser reads from any static host by HTTP range requests.
 *
 * A writer takes tiles in any order (each one's bytes, uncompressed), stores
 * them gzip-compressed in the order of their Hilbert tile ids (a clustered
 * archive), identical tiles once (consecutive ids as one run), and lays out
 * the 127-byte header, the root directory, the metadata JSON and the leaf
 * directories (gzip-compressed) as the specification says; the header and
 * the root directory together stay under 16,384 bytes.
 *
 * A reader checks the header and finds one tile through the root and leaf
 * directories, for tests and tools: it reads an archive held in memory and
 * never trusts a length, an offset or a count in it.
 */
#ifndef FRONTLINE_PMTILES_H
#define FRONTLINE_PMTILES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "frontline/types.h"
#ifdef __cplusplus
extern "C" {
#endif

/* The deepest zoom level an archive may have here. */
#define FL_PMTILES_MAXZOOM 30

/* The header's fields (offsets and lengths in bytes from the file's start). */
typedef struct fl_pmtiles_header {
	int version;
	uint64_t root_offset, root_length;
	uint64_t metadata_offset, metadata_length;
	uint64_t leaf_offset, leaf_length;
	uint64_t data_offset, data_length;
	uint64_t addressed_tiles, tile_entries, tile_contents;
	bool clustered;
	/* 1 none, 2 gzip, 3 brotli, 4 zstd (0 unknown) */
	int internal_compression, tile_compression;
	int tile_type; /* 1 MVT */
	int min_zoom, max_zoom, center_zoom;
	double bounds[4]; /* west, south, east, north (degrees, to 1e-7) */
	double center[2]; /* longitude, latitude */
} fl_pmtiles_header;

/* What the header and the metadata say of a tile set being written. */
typedef struct fl_pmtiles_info {
	int min_zoom, max_zoom, center_zoom;
	double bounds[4];
	double center[2];
	/* A JSON object (for MVT with "vector_layers"), stored gzip-compressed;
	 * NULL: {}. */
	const char *metadata_json;
} fl_pmtiles_info;

/* The Hilbert tile id of z/x/y (z <= FL_PMTILES_MAXZOOM, x and y < 2^z);
 * false when out of range. */
FL_API bool fl_pmtiles_tile_id(int z, uint32_t x, uint32_t y, uint64_t *id);
/* Its inverse; false past the ids of FL_PMTILES_MAXZOOM. */
FL_API bool fl_pmtiles_tile_zxy(uint64_t id, int *z, uint32_t *x, uint32_t *y);

typedef struct fl_pmtiles_writer fl_pmtiles_writer;
FL_API fl_status fl_pmtiles_writer_new(fl_pmtiles_writer **out);
/* Add tile z/x/y (MVT bytes, len > 0, uncompressed; copied, compressed).
 * z, x or y out of range: FL_EARG (a tile added twice: FL_EARG from
 * fl_pmtiles_writer_finish). */
FL_API fl_status fl_pmtiles_writer_add(fl_pmtiles_writer *w, int z, uint32_t x, uint32_t y,
				       const unsigned char *tile, size_t len);
/* The archive as bytes (*buf malloc'd, free with fl_free()); at least one
 * tile must have been added (FL_EARG otherwise). */
FL_API fl_status fl_pmtiles_writer_finish(fl_pmtiles_writer *w, const fl_pmtiles_info *info,
					  unsigned char **buf, size_t *len);
FL_API void fl_pmtiles_writer_free(fl_pmtiles_writer *w);

typedef struct fl_pmtiles fl_pmtiles;
/* Read an archive's header and root directory from buf[0, len) (the bytes
 * are copied).  Not an archive of version 3, sections outside the bytes, a
 * compression other than none or gzip, a corrupt root directory: FL_EINPUT
 * saying which. */
FL_API fl_status fl_pmtiles_open(const unsigned char *buf, size_t len, fl_pmtiles **out);
FL_API const fl_pmtiles_header *fl_pmtiles_get_header(const fl_pmtiles *p);
/* The metadata JSON, inflated (*json malloc'd, NUL-terminated). */
FL_API fl_status fl_pmtiles_metadata(const fl_pmtiles *p, char **json, size_t *len);
/* Tile z/x/y inflated (*tile malloc'd); FL_ENOTFOUND when the archive has
 * none there; FL_EINPUT when a directory or the tile is corrupt. */
FL_API fl_status fl_pmtiles_tile(const fl_pmtiles *p, int z, uint32_t x, uint32_t y,
				 unsigned char **tile, size_t *len);
FL_API void fl_pmtiles_close(fl_pmtiles *p);

#ifdef __cplusplus
}
#endif
#endif
