/*
 * serve_cache.c: what `frontline serve` keeps between requests, within a
 * byte limit: feature sets (snapshots and diffs) and prepared pages.
 *
 * One LRU list for both kinds, so that the limit is one number: an entry is
 * charged its bytes (a set's features and their joined copy, a page's
 * text) and the least recently used entries are dropped until a new one
 * fits; an entry larger than the limit is not kept (the request that made
 * it is still answered from it).  A page's key starts with the uid of the
 * set it was cut from: when that set is dropped, its pages go with it (a
 * set made again has another uid, so they could never be found again).
 * Entries are found through a hash table of their key bytes.
 *
 * Values are reference-counted: a request holds its own reference, so
 * dropping an entry never frees what a response in flight is sending.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

#define NBUCKETS 1024

enum { E_SET, E_PAGE };

struct sv_entry {
	sv_entry *prev, *next; /* the LRU list: head is the most recent */
	sv_entry *chain;       /* next in the hash bucket */
	uint32_t hash;
	int kind;
	unsigned long long set; /* the set's uid (its own, or its page's set) */
	size_t bytes;           /* charged to the cache */
	void *value;            /* sv_fset * or sv_page * */
	size_t keylen;
	unsigned char key[];
};

static uint32_t hash_key(int kind, const void *key, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;
	const unsigned char *p = key;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int sv_cache_init(sv_cache *c, size_t limit)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->limit = limit;
	c->buckets = calloc(NBUCKETS, sizeof *c->buckets);
	return c->buckets == NULL;
}

void sv_page_retain(sv_page *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_SEQ_CST);
}

void sv_page_release(sv_page *p)
{
	if (p && __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(p);
}

static void value_release(const sv_entry *e)
{
	if (e->kind == E_SET)
		sv_fset_release(e->value);
	else
		sv_page_release(e->value);
}

/* Take e out of the list and its bucket (the caller holds the lock). */
static void unlink_entry(sv_cache *c, sv_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	sv_entry **pp = &c->buckets[e->hash % NBUCKETS];
	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	c->bytes -= e->bytes;
	c->entries--;
}

/* Drop e; when it is a set, drop its pages too.  The values are released
 * after the lock: they are put on *gone (linked through chain). */
static void drop(sv_cache *c, sv_entry *e, sv_entry **gone)
{
	unlink_entry(c, e);
	e->chain = *gone;
	*gone = e;
	if (e->kind != E_SET)
		return;
	for (sv_entry *p = c->head, *next; p; p = next) {
		next = p->next;
		if (p->kind == E_PAGE && p->set == e->set) {
			unlink_entry(c, p);
			p->chain = *gone;
			*gone = p;
		}
	}
}

static void free_gone(sv_entry *gone)
{
	while (gone) {
		sv_entry *next = gone->chain;
		value_release(gone);
		free(gone);
		gone = next;
	}
}

void sv_cache_free(sv_cache *c)
{
	sv_entry *gone = NULL;
	while (c->head)
		drop(c, c->head, &gone);
	free_gone(gone);
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
}

/* The entry of kind and key, moved to the head of the list; the lock is held. */
static sv_entry *find(sv_cache *c, int kind, const void *key, size_t n)
{
	uint32_t h = hash_key(kind, key, n);
	sv_entry *e = c->buckets[h % NBUCKETS];
	while (e && !(e->hash == h && e->kind == kind && e->keylen == n && !memcmp(e->key, key, n)))
		e = e->chain;
	if (!e || e == c->head)
		return e;
	e->prev->next = e->next; /* not the head: it has a prev */
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = NULL;
	e->next = c->head;
	c->head->prev = e;
	c->head = e;
	return e;
}

static void *get(sv_cache *c, int kind, const void *key, size_t n)
{
	void *v = NULL;
	pthread_mutex_lock(&c->lock);
	sv_entry *e = find(c, kind, key, n);
	if (e) {
		v = e->value;
		if (kind == E_SET)
			sv_fset_retain(v);
		else
			sv_page_retain(v);
	}
	pthread_mutex_unlock(&c->lock);
	return v;
}

static int has_set(const sv_cache *c, unsigned long long set)
{
	for (const sv_entry *e = c->head; e; e = e->next)
		if (e->kind == E_SET && e->set == set)
			return 1;
	return 0;
}

/* Keep value (the cache takes a reference of its own) unless it is larger
 * than the limit or the key is there already; 1 when kept. */
static int put(sv_cache *c, int kind, unsigned long long set, const void *key, size_t n,
	       void *value, size_t bytes)
{
	size_t charge = sizeof(sv_entry) + n + bytes;
	if (charge > c->limit)
		return 0;
	sv_entry *e = malloc(sizeof *e + n);
	if (!e)
		return 0;
	memcpy(e->key, key, n);
	e->keylen = n;
	e->hash = hash_key(kind, key, n);
	e->kind = kind;
	e->set = set;
	e->bytes = charge;
	e->value = value;
	sv_entry *gone = NULL;
	pthread_mutex_lock(&c->lock);
	if (find(c, kind, key, n)) { /* made by another request meanwhile */
		pthread_mutex_unlock(&c->lock);
		free(e);
		return 0;
	}
	while (c->bytes + charge > c->limit && c->tail)
		drop(c, c->tail, &gone);
	if (kind == E_PAGE && set && !has_set(c, set)) {
		/* its set is not kept (too large, or dropped): it could not be found */
		pthread_mutex_unlock(&c->lock);
		free(e);
		free_gone(gone);
		return 0;
	}
	if (kind == E_SET)
		sv_fset_retain(value);
	else
		sv_page_retain(value);
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	else
		c->tail = e;
	c->head = e;
	e->chain = c->buckets[e->hash % NBUCKETS];
	c->buckets[e->hash % NBUCKETS] = e;
	c->bytes += charge;
	c->entries++;
	pthread_mutex_unlock(&c->lock);
	free_gone(gone);
	return 1;
}

sv_fset *sv_cache_set(sv_cache *c, const void *key, size_t n)
{
	return get(c, E_SET, key, n);
}

sv_page *sv_cache_page(sv_cache *c, const void *key, size_t n)
{
	return get(c, E_PAGE, key, n);
}

int sv_cache_put_set(sv_cache *c, const void *key, size_t n, sv_fset *f)
{
	return put(c, E_SET, f->uid, key, n, f, f->bytes);
}

int sv_cache_put_page(sv_cache *c, unsigned long long set, const void *key, size_t n, sv_page *p)
{
	return put(c, E_PAGE, set, key, n, p, sizeof *p + p->len);
}

void sv_cache_usage(sv_cache *c, size_t *bytes, size_t *entries)
{
	pthread_mutex_lock(&c->lock);
	*bytes = c->bytes;
	*entries = c->entries;
	pthread_mutex_unlock(&c->lock);
}
