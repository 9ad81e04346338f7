/*
 * pool.c: an arena for the many small strings and lists of a tracker read
 * from its sources.
 *
 * A log of a million events has five strings and a region list per event;
 * one malloc each costs a 32-byte block at least, and a free each when the
 * tracker goes.  Here they are cut from chunks of a megabyte, freed
 * together, and the strings that repeat (dates, sources, notes, the file)
 * are kept once.
 */
#include <stdlib.h>
#include <string.h>
#include "pool.h"
#include "util.h"

struct fl__pool_chunk {
	fl__pool_chunk *next;
	/* the chunk's bytes follow, aligned to 16 */
	_Alignas(16) unsigned char bytes[];
};

enum { CHUNK = 1 << 20 };

void *fl__pool_alloc(fl__pool *p, size_t n, size_t align)
{
	size_t mis = (uintptr_t)p->cur & (align - 1);
	size_t skip = mis ? align - mis : 0;
	if (!p->cur || p->left < skip || p->left - skip < n) {
		/* a request bigger than a chunk gets a chunk of its own */
		size_t size = n > CHUNK / 4 ? n : CHUNK;
		fl__pool_chunk *c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->next = p->chunks;
		p->chunks = c;
		if (size != CHUNK) /* the current chunk keeps its free space */
			return c->bytes;
		p->cur = c->bytes;
		p->left = size;
		skip = 0;
	}
	void *v = p->cur + skip;
	p->cur += skip + n;
	p->left -= skip + n;
	return v;
}

const char *fl__pool_str(fl__pool *p, const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	char *v = fl__pool_alloc(p, n, 1);
	if (v)
		memcpy(v, s, n);
	return v;
}

const char *fl__pool_intern(fl__pool *p, const char *s)
{
	if (!s)
		s = "";
	if (2 * (p->n + 1) > p->cap) { /* grow and rehash */
		size_t cap = p->cap ? 2 * p->cap : 256;
		const char **slot = calloc(cap, sizeof *slot);
		uint32_t *hash = calloc(cap, sizeof *hash);
		if (!slot || !hash) {
			free(slot), free(hash);
			return NULL;
		}
		for (size_t i = 0; i < p->cap; i++) {
			if (!p->slot[i])
				continue;
			size_t j = fl__mix64(fl__hash_str(p->slot[i])) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = p->slot[i], hash[j] = p->hash[i];
		}
		free(p->slot), free(p->hash);
		p->slot = slot, p->hash = hash, p->cap = cap;
	}
	uint64_t h = fl__mix64(fl__hash_str(s));
	size_t j = h & (p->cap - 1);
	for (; p->slot[j]; j = (j + 1) & (p->cap - 1))
		if (p->hash[j] == (uint32_t)(h >> 32) && !strcmp(p->slot[j], s))
			return p->slot[j];
	const char *v = fl__pool_str(p, s);
	if (v) {
		p->slot[j] = v, p->hash[j] = (uint32_t)(h >> 32);
		p->n++;
	}
	return v;
}

void fl__pool_free(fl__pool *p)
{
	for (fl__pool_chunk *c = p->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p->slot), free(p->hash);
	memset(p, 0, sizeof *p);
}
