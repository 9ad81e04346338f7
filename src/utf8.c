/*
 * utf8.c: is a byte string well-formed UTF-8 (RFC 3629)?
 *
 * Every text a tracker holds ends up in some output (GeoJSON, which RFC 8259
 * requires to be UTF-8, CSV, KML, the viewer's JSON), so the loader and
 * `record` refuse a value that is not UTF-8 rather than pass its bytes on.
 * Refused: stray continuation bytes, truncated sequences, overlong forms
 * (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code
 * points above U+10FFFF (F4 90.., F5..FF).
 */
#include <string.h>
#include <stdint.h>
#include "utf8.h"

size_t fl__utf8_seq_len(const unsigned char *p, size_t n)
{
	if (!n)
		return 0;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (c == 0xED)
			hi = 0x9F; /* U+D800..DFFF: surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else
		return 0; /* a continuation byte, C0, C1 or F5..FF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if ((p[k] & 0xC0) != 0x80)
			return 0;
	return len;
}

size_t fl__utf8_invalid_at(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = fl__utf8_seq_len(p + i, n - i);
		if (!len)
			return i;
		i += len;
	}
	return SIZE_MAX;
}

bool fl__utf8_valid(const char *s)
{
	return !s || fl__utf8_invalid_at(s, strlen(s)) == SIZE_MAX;
}
