/*
 * utf8.h: UTF-8 validation (utf8.c).
 * Private to the library.
 */
#ifndef FL_UTF8_H
#define FL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The offset of the first byte of s[0, n) that does not start a well-formed
 * UTF-8 sequence (overlongs, surrogates and code points above U+10FFFF are
 * refused), or SIZE_MAX when all of it is UTF-8. */
size_t fl__utf8_invalid_at(const char *s, size_t n);
/* Whether the string is UTF-8 (NULL is). */
bool fl__utf8_valid(const char *s);
/* The length of the well-formed UTF-8 sequence at p[0, n) (1 for ASCII),
 * 0 when there is none (n == 0, or a byte that starts no well-formed sequence). */
size_t fl__utf8_seq_len(const unsigned char *p, size_t n);

#endif
