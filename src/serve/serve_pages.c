/*
 * serve_pages.c: whole GeoJSON pages kept as files, and responses freed.
 *
 * Pages are cached (LRU, SV_PAGE_CACHE entries), each as an anonymous file
 * (memfd) that libmicrohttpd sends with sendfile(), as a static file server
 * would: the bytes are not copied from user space per request.  The key is
 * the set and the page's head without its timeStamp; the file is rewritten
 * when the second of the timeStamp changes, so a page says the second it
 * was served in, as when it was assembled per request.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* memfd_create */ // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): the feature-test macro glibc asks for
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include "serve.h"

void sv_response_free(sv_response *rs)
{
	if (rs->owned)
		free(rs->body);
	free(rs->slices);
	sv_fset_release(rs->hold);
	if (rs->has_fd)
		close(rs->fd);
	memset(rs, 0, sizeof *rs);
}

/* Write the iovecs to fd; 0 on success. */
static int write_all(int fd, struct iovec *v, int n)
{
	while (n > 0) {
		int k = n < 64 ? n : 64; /* well under IOV_MAX */
		ssize_t w = writev(fd, v, k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (k > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++, n--, k--;
		}
		if (k > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int sv_page_fd(sv_server *s, unsigned long long set, const char *pre, size_t npre,
	       const char *post, size_t npost, fl_instant stamp, const sv_slice *sl,
	       size_t ns, const char *tail, size_t *len)
{
#if defined(__linux__) && defined(MFD_CLOEXEC)
	size_t keylen = npre + 1 + npost;
	int fd = -1;
	pthread_mutex_lock(&s->page_lock);
	for (int i = 0; i < SV_PAGE_CACHE; i++) {
		sv_page *p = &s->pages[i];
		if (p->set == set && p->stamp == stamp && p->keylen == keylen &&
		    !memcmp(p->key, pre, npre) && !memcmp(p->key + npre + 1, post, npost)) {
			fd = dup(p->fd);
			*len = p->len;
			p->tick = ++s->page_tick;
			break;
		}
	}
	pthread_mutex_unlock(&s->page_lock);
	if (fd >= 0)
		return fd;

	/* write the page to a new file (outside the lock) */
	char st[32];
	fl_instant_format(stamp, st, sizeof st);
	size_t tl = tail ? strlen(tail) : 0, total = npre + strlen(st) + npost + tl;
	for (size_t i = 0; i < ns; i++)
		total += sl[i].n;
	char *key = total <= SV_PAGE_MAX ? malloc(keylen) : NULL;
	struct iovec *v = key ? malloc((ns + 4) * sizeof *v) : NULL;
	fd = v ? memfd_create("frontline-page", MFD_CLOEXEC) : -1;
	int n = 0;
	if (fd >= 0) {
		v[n++] = (struct iovec){(void *)pre, npre};
		v[n++] = (struct iovec){st, strlen(st)};
		v[n++] = (struct iovec){(void *)post, npost};
		for (size_t i = 0; i < ns; i++)
			v[n++] = (struct iovec){(void *)sl[i].p, sl[i].n};
		if (tl)
			v[n++] = (struct iovec){(void *)tail, tl};
	}
	if (fd < 0 || write_all(fd, v, n)) {
		if (fd >= 0)
			close(fd);
		free(v);
		free(key);
		return -1;
	}
	free(v);
	memcpy(key, pre, npre);
	key[npre] = 0;
	memcpy(key + npre + 1, post, npost);
	int mine = dup(fd);
	if (mine < 0) {
		close(fd);
		free(key);
		return -1;
	}
	/* keep it: in the slot of the same page (an older second), else the
	 * least recently used slot */
	pthread_mutex_lock(&s->page_lock);
	int slot = -1;
	for (int i = 0; i < SV_PAGE_CACHE && slot < 0; i++) {
		sv_page *p = &s->pages[i];
		if (p->set == set && p->keylen == keylen && !memcmp(p->key, key, keylen))
			slot = i;
	}
	for (int i = 0; i < SV_PAGE_CACHE && slot < 0; i++)
		if (!s->pages[i].set)
			slot = i;
	if (slot < 0) {
		slot = 0;
		for (int i = 1; i < SV_PAGE_CACHE; i++)
			if (s->pages[i].tick < s->pages[slot].tick)
				slot = i;
	}
	sv_page *p = &s->pages[slot];
	int old_fd = p->set ? p->fd : -1;
	char *old_key = p->set ? p->key : NULL;
	*p = (sv_page){set, key, keylen, stamp, fd, total, ++s->page_tick};
	pthread_mutex_unlock(&s->page_lock);
	if (old_fd >= 0)
		close(old_fd); /* responses in flight have their own descriptor */
	free(old_key);
	*len = total;
	return mine;
#else
	(void)s, (void)set, (void)pre, (void)npre, (void)post, (void)npost, (void)stamp;
	(void)sl, (void)ns, (void)tail, (void)len;
	return -1;
#endif
}
