/*
 * wkb.h: polygonal WKB read in place (wkb.c).
 * Private to the library.
 */
#ifndef FL_WKB_H
#define FL_WKB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FL__BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
/* Called per ring: n points of 16 bytes at coords; false stops the walk. */
typedef bool (*fl__ring_fn)(void *ctx, const unsigned char *coords, uint32_t n, bool big_endian,
			    bool hole);
/* Check a WKB Polygon/MultiPolygon in lon/lat (closed rings of 4+ points)
 * and hand its rings to fn (may be NULL); false when it is anything else. */
bool fl__wkb_rings(const unsigned char *wkb, size_t len, fl__ring_fn fn, void *ctx);
double fl__wkb_coord(const unsigned char *p, bool big_endian);
uint32_t fl__wkb_u32(const unsigned char *p, bool big_endian);

#endif
