/*
 * pool.h: an arena for the many small strings and lists of a tracker read
 * from its sources (pool.c).  Private to the library.
 */
#ifndef FL_POOL_H
#define FL_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct fl__pool_chunk fl__pool_chunk;

typedef struct fl__pool {
	fl__pool_chunk *chunks;  /* newest first */
	unsigned char *cur;      /* free space of the newest chunk */
	size_t left;
	const char **slot;       /* interned strings (open addressing), NULL = empty */
	uint32_t *hash;          /* their hashes' low bits, beside them */
	size_t cap, n;
} fl__pool;

/* n bytes aligned to align (a power of two, at most 16), freed with the
 * pool; NULL when out of memory. */
void *fl__pool_alloc(fl__pool *p, size_t n, size_t align);
/* A copy of s (NULL: "") in the pool; NULL when out of memory. */
const char *fl__pool_str(fl__pool *p, const char *s);
/* The pool's one copy of s: equal strings share it (dates, sources, notes
 * repeat across a log); NULL when out of memory. */
const char *fl__pool_intern(fl__pool *p, const char *s);
void fl__pool_free(fl__pool *p);

#endif
