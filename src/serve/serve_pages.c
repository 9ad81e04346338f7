/*
 * serve_pages.c: prepared pages, and responses freed.
 *
 * The common request for items (GeoJSON, no bbox, the first page) is
 * answered with a page made once: its whole text in one block, kept in the
 * cache (serve_cache.c) under the set it was cut from and what its links
 * say (the origin from the Host header, the datetime as given, the limit).
 * libmicrohttpd sends it as it is, with the response's headers, in one
 * write: nothing is assembled, encoded or copied in user space per
 * request.  Its timeStamp is the time the page was made.  A page is never
 * changed once made, so several threads send it at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

void sv_response_free(sv_response *rs)
{
	if (rs->owned)
		free(rs->body);
	free(rs->slices);
	sv_fset_release(rs->hold);
	sv_page_release(rs->page);
	memset(rs, 0, sizeof *rs);
}

sv_page *sv_page_make(fl_instant stamp, const char *pre, size_t npre, const sv_slice *sl,
		      size_t ns, const char *tail)
{
	size_t tl = tail ? strlen(tail) : 0, total = npre + tl;
	for (size_t i = 0; i < ns; i++)
		total += sl[i].n;
	sv_page *p = malloc(sizeof *p + total);
	if (!p)
		return NULL;
	p->refs = 1;
	p->stamp = stamp;
	p->len = total;
	char *at = p->data;
	if (npre) /* (an empty tile is an empty page: pre may be NULL) */
		memcpy(at, pre, npre);
	at += npre;
	for (size_t i = 0; i < ns; i++) {
		if (sl[i].n)
			memcpy(at, sl[i].p, sl[i].n);
		at += sl[i].n;
	}
	if (tl)
		memcpy(at, tail, tl);
	return p;
}

void sv_cache_note(sv_server *s, sv_response *rs, const char *features, const char *page)
{
	size_t bytes, entries;
	sv_cache_usage(&s->cache, &bytes, &entries);
	snprintf(rs->cache, sizeof rs->cache, "features=%s; page=%s; bytes=%zu; entries=%zu; limit=%zu",
		 features, page, bytes, entries, s->cache.limit);
}
