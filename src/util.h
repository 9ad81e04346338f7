/*
 * util.h: small utilities (util.c): strings, growing arrays, hashes.
 * Private to the library.
 */
#ifndef FL_UTIL_H
#define FL_UTIL_H

#include <stddef.h>
#include <stdint.h>

char *fl__strdup(const char *s);
char *fl__printf(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))

/* The end of a constructor: obj handed to the caller through out when st
 * is FL_OK, else freed with free_fn; st either way. */
#define FL__HAND_OVER(st, obj, free_fn, out) ((st) ? (free_fn(obj), (st)) : (*(out) = (obj), (st)))

#endif
	;
void *fl__grow(void *ptr, size_t *cap, size_t need, size_t elem);
/* A 64-bit finaliser that spreads every input bit (hash tables, keys). */
uint64_t fl__mix64(uint64_t x);
/* FNV-1a of a string (id maps, the index's string table). */
uint64_t fl__hash_str(const char *s);


/* The end of a constructor: obj handed to the caller through out when st
 * is FL_OK, else freed with free_fn; st either way. */
#define FL__HAND_OVER(st, obj, free_fn, out) ((st) ? (free_fn(obj), (st)) : (*(out) = (obj), (st)))

#endif
