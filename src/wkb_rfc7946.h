/*
 * wkb_rfc7946.h: WKB rounded and wound for RFC 7946 GeoJSON (wkb_rfc7946.c).
 * Private to the library.
 */
#ifndef FL_WKB_RFC7946_H
#define FL_WKB_RFC7946_H

#include <stdbool.h>
#include <stddef.h>

/* Round a 2D WKB geometry's coordinates to FL__GRID and wind its polygon
 * rings by RFC 7946's right-hand rule, in place (wkb_rfc7946.c); false when
 * the WKB is not 2D, is damaged or has a point outside lon/lat (then it may
 * be partly rounded). */
bool fl__wkb_rfc7946(unsigned char *wkb, size_t len);

#endif
