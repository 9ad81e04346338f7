/*
 * pmtiles_priv.h: what the PMTiles writer (pmtiles_write.c) and reader
 * (pmtiles_read.c) share (pmtiles.c): directory entries and their
 * serialisation, the header's bytes.  Private to the library.
 */
#ifndef FL_PMTILES_PRIV_H
#define FL_PMTILES_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/pmtiles.h"

#define FL__PMT_HEADER 127
#define FL__PMT_ROOT_MAX 16384 /* header + root directory, compressed */

typedef struct fl__pmt_entry {
	uint64_t tile_id, offset;
	uint32_t length, run_length; /* run_length 0: a leaf directory */
} fl__pmt_entry;

/* e[0, n) serialised (count, then columns of varints) and gzip-compressed;
 * *out malloc'd. */
fl_status fl__pmt_dir_encode(const fl__pmt_entry *e, size_t n, unsigned char **out, size_t *len);
/* The inverse on the bytes of one directory, already inflated; *out
 * malloc'd.  Corrupt: FL_EINPUT naming what. */
fl_status fl__pmt_dir_decode(const unsigned char *b, size_t len, const char *what,
			     fl__pmt_entry **out, size_t *n);
void fl__pmt_header_pack(const fl_pmtiles_header *h, unsigned char out[FL__PMT_HEADER]);
/* Unpack and check the magic and version: FL_EINPUT when wrong. */
fl_status fl__pmt_header_unpack(const unsigned char *b, size_t len, fl_pmtiles_header *h);

#endif
