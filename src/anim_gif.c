/*
 * anim_gif.c: animated GIF through giflib, written into memory.
 *
 * Each frame stores only the rectangle that changed since the frame before
 * (the rest stays on screen: disposal "do not dispose"), and inside it the
 * pixels that did not change are transparent: a date in the heading and
 * another in the caption make the rectangle as tall as the map, and runs of
 * one transparent index cost LZW next to nothing.  Each frame has its own
 * colour table, for the pixels that changed: exact when they have 255
 * colours or fewer (one entry is the transparent one; the first frame has
 * all 256), else that many chosen for the pixels they draw (build_palette)
 * with every other colour drawn as the nearest of them (no dithering: a
 * map's fills stay flat).  A frame equal to
 * the one before is a single transparent pixel, so that every date keeps
 * its frame.  The animation loops (the NETSCAPE2.0 extension).
 */
#include <gif_lib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "anim_enc.h"
#include "fail.h"
#include "util.h"

#define EMPTY 0xFFFFFFFFu /* no colour: colours are 0xRRGGBB */

typedef struct gif_enc {
	GifFileType *gif;
	int w, h;
	uint32_t *prev;          /* the last frame's colours (w * h), none before the first */
	bool have_prev;
	unsigned char *buf;      /* the file so far */
	size_t len, cap;
	bool oom;
	GifPixelType *line;      /* one row of indices */
	/* the colours of a frame: open addressing on key, with a count, then an index */
	uint32_t *key, *count;
	unsigned char *index;
	size_t slots;
} gif_enc;

static int put_bytes(GifFileType *gif, const GifByteType *data, int n)
{
	gif_enc *g = gif->UserData;
	unsigned char *nb = fl__grow(g->buf, &g->cap, g->len + (size_t)n, 1);
	if (!nb) {
		g->oom = true;
		return 0;
	}
	g->buf = nb;
	memcpy(g->buf + g->len, data, (size_t)n);
	g->len += (size_t)n;
	return n;
}

static fl_status gif_fail(gif_enc *g, int err)
{
	if (g->oom)
		return fl__fail(FL_ENOMEM, "out of memory");
	return fl__fail(FL_EIO, "GIF: %s", GifErrorString(err ? err : g->gif->Error));
}

static fl_status gif_open(void **out, int w, int h, const fl_animate_opts *o, const char *ext)
{
	(void)o, (void)ext;
	gif_enc *g = calloc(1, sizeof *g);
	if (!g)
		return fl__fail(FL_ENOMEM, "out of memory");
	*out = g;
	g->w = w, g->h = h;
	g->prev = malloc((size_t)w * (size_t)h * sizeof *g->prev);
	g->line = malloc((size_t)w);
	/* a frame has at most w * h colours: twice the slots, a power of two */
	g->slots = 1024;
	while (g->slots < 2 * (size_t)w * (size_t)h && g->slots < ((size_t)1 << 24))
		g->slots *= 2;
	g->key = malloc(g->slots * sizeof *g->key);
	g->count = malloc(g->slots * sizeof *g->count);
	g->index = malloc(g->slots);
	if (!g->prev || !g->line || !g->key || !g->count || !g->index)
		return fl__fail(FL_ENOMEM, "out of memory");
	int err = 0;
	g->gif = EGifOpen(g, put_bytes, &err);
	if (!g->gif)
		return fl__fail(FL_ENOMEM, "GIF: %s", GifErrorString(err));
	EGifSetGifVersion(g->gif, true);
	static const GifByteType loop[3] = {1, 0, 0}; /* loop forever */
	if (EGifPutScreenDesc(g->gif, w, h, 8, 0, NULL) == GIF_ERROR ||
	    EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
	    EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
	    EGifPutExtensionBlock(g->gif, 3, loop) == GIF_ERROR ||
	    EGifPutExtensionTrailer(g->gif) == GIF_ERROR)
		return gif_fail(g, 0);
	return FL_OK;
}

static size_t slot_of(const gif_enc *g, uint32_t c)
{
	size_t i = (size_t)((c * 2654435761u) >> 8) & (g->slots - 1);
	while (g->key[i] != EMPTY && g->key[i] != c)
		i = (i + 1) & (g->slots - 1);
	return i;
}

typedef struct ranked {
	uint32_t count;
	size_t slot;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->slot < y->slot ? -1 : x->slot > y->slot ? 1 : 0;
}

static long dist2(uint32_t a, uint32_t b)
{
	long dr = (long)((a >> 16) & 255) - (long)((b >> 16) & 255);
	long dg = (long)((a >> 8) & 255) - (long)((b >> 8) & 255);
	long db = (long)(a & 255) - (long)(b & 255);
	return 2 * dr * dr + 4 * dg * dg + 3 * db * db; /* the eye's weights, roughly */
}

/* The colour table of the rectangle's colours (collected in the table), and
 * each colour's index in it.  Up to 256 colours: all of them.  More: the
 * most frequent first, then again and again the colour whose pixels the
 * table so far draws worst (count times squared distance to its nearest
 * entry), so that the flat fills come exact and the edges between them
 * near; every other colour gets its nearest entry. */
static fl_status build_palette(gif_enc *g, int max, GifColorType pal[256], int *npal)
{
	size_t distinct = 0;
	for (size_t i = 0; i < g->slots; i++)
		distinct += g->key[i] != EMPTY;
	size_t alloc = distinct ? distinct : 1; /* (never 0: the rectangle has a pixel) */
	ranked *rk = malloc(alloc * sizeof *rk);
	long *err = malloc(alloc * sizeof *err);
	unsigned char *near = malloc(alloc);
	if (!rk || !err || !near) {
		free(rk), free(err), free(near);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	size_t k = 0;
	for (size_t i = 0; i < g->slots; i++)
		if (g->key[i] != EMPTY)
			rk[k++] = (ranked){g->count[i], i};
	qsort(rk, distinct, sizeof *rk, cmp_ranked);
	int n = 0;
	size_t pick = 0; /* the most frequent first */
	while (n < max && n < (int)distinct) {
		uint32_t c = g->key[rk[pick].slot];
		pal[n] = (GifColorType){(GifByteType)(c >> 16), (GifByteType)(c >> 8), (GifByteType)c};
		double worst = -1;
		for (size_t i = 0; i < distinct; i++) {
			long d = dist2(g->key[rk[i].slot], c);
			if (n == 0 || d < err[i])
				err[i] = d, near[i] = (unsigned char)n;
			double w = (double)err[i] * rk[i].count;
			if (w > worst)
				worst = w, pick = i;
		}
		n++;
		if (worst <= 0)
			break; /* every colour is in the table */
	}
	for (size_t i = 0; i < distinct; i++)
		g->index[rk[i].slot] = near[i];
	free(rk), free(err), free(near);
	*npal = n;
	return FL_OK;
}

/* The rectangle where px differs from the frame before (all of it for the
 * first); false when nothing changed. */
static bool changed_rect(const gif_enc *g, const uint32_t *px, int stride, int r[4])
{
	if (!g->have_prev) {
		r[0] = 0, r[1] = 0, r[2] = g->w, r[3] = g->h;
		return true;
	}
	int x0 = g->w, y0 = g->h, x1 = -1, y1 = -1;
	for (int y = 0; y < g->h; y++) {
		const uint32_t *row = px + (size_t)y * (size_t)stride, *old = g->prev + (size_t)y * (size_t)g->w;
		int a = 0, b = g->w - 1;
		while (a < g->w && (row[a] & 0xFFFFFF) == old[a])
			a++;
		if (a == g->w)
			continue;
		while ((row[b] & 0xFFFFFF) == old[b])
			b--;
		x0 = a < x0 ? a : x0, x1 = b > x1 ? b : x1;
		y0 = y < y0 ? y : y0, y1 = y;
	}
	if (x1 < 0)
		return false;
	r[0] = x0, r[1] = y0, r[2] = x1 - x0 + 1, r[3] = y1 - y0 + 1;
	return true;
}

static fl_status put_frame(gif_enc *g, const int r[4], const GifColorType *pal, int npal, int delay,
			   int transparent, const uint32_t *px, int stride)
{
	int size = 2;
	while (size < npal)
		size *= 2;
	GifColorType full[256] = {{0, 0, 0}};
	memcpy(full, pal, (size_t)npal * sizeof *pal);
	ColorMapObject *map = GifMakeMapObject(size, full);
	if (!map)
		return fl__fail(FL_ENOMEM, "out of memory");
	GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay, transparent};
	GifByteType ext[4];
	EGifGCBToExtension(&gcb, ext);
	int bad = EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_ERROR ||
		  EGifPutImageDesc(g->gif, r[0], r[1], r[2], r[3], false, map) == GIF_ERROR;
	GifFreeMapObject(map);
	for (int y = 0; y < r[3] && !bad; y++) {
		if (px) {
			const uint32_t *row = px + (size_t)(r[1] + y) * (size_t)stride + r[0];
			const uint32_t *old = g->prev + (size_t)(r[1] + y) * (size_t)g->w + r[0];
			for (int x = 0; x < r[2]; x++) {
				uint32_t c = row[x] & 0xFFFFFF;
				g->line[x] = transparent != NO_TRANSPARENT_COLOR && c == old[x]
						     ? (GifPixelType)transparent
						     : g->index[slot_of(g, c)];
			}
		} else
			memset(g->line, transparent, (size_t)r[2]);
		bad = EGifPutLine(g->gif, g->line, r[2]) == GIF_ERROR;
	}
	return bad ? gif_fail(g, 0) : FL_OK;
}

static fl_status gif_add(void *enc, const uint32_t *px, int stride, int64_t t0, int64_t t1, int copies)
{
	(void)copies;
	gif_enc *g = enc;
	int delay = (int)((t1 + 5) / 10 - (t0 + 5) / 10); /* hundredths of a second */
	if (delay > 65535)
		delay = 65535;
	int r[4];
	if (!changed_rect(g, px, stride, r)) {
		static const GifColorType clear[2] = {{0, 0, 0}, {0, 0, 0}};
		static const int one[4] = {0, 0, 1, 1};
		return put_frame(g, one, clear, 2, delay, 0, NULL, stride);
	}
	for (size_t i = 0; i < g->slots; i++)
		g->key[i] = EMPTY;
	/* the colours of the pixels that changed (all of the first frame's) */
	bool keep = g->have_prev;
	for (int y = r[1]; y < r[1] + r[3]; y++) {
		const uint32_t *row = px + (size_t)y * (size_t)stride, *old = g->prev + (size_t)y * (size_t)g->w;
		for (int x = r[0]; x < r[0] + r[2]; x++) {
			uint32_t c = row[x] & 0xFFFFFF;
			if (keep && c == old[x])
				continue;
			size_t s = slot_of(g, c);
			if (g->key[s] == EMPTY)
				g->key[s] = c, g->count[s] = 0;
			g->count[s]++;
		}
	}
	GifColorType pal[256];
	int npal = 0;
	fl_status st = build_palette(g, keep ? 255 : 256, pal, &npal);
	if (keep)
		pal[npal] = (GifColorType){0, 0, 0}; /* the transparent entry */
	if (!st)
		st = put_frame(g, r, pal, npal + keep, delay, keep ? npal : NO_TRANSPARENT_COLOR, px, stride);
	for (int y = 0; !st && y < g->h; y++) {
		const uint32_t *row = px + (size_t)y * (size_t)stride;
		uint32_t *old = g->prev + (size_t)y * (size_t)g->w;
		for (int x = 0; x < g->w; x++)
			old[x] = row[x] & 0xFFFFFF;
	}
	g->have_prev = true;
	return st;
}

static fl_status gif_finish(void *enc, unsigned char **buf, size_t *len)
{
	gif_enc *g = enc;
	int err = 0;
	int rc = EGifCloseFile(g->gif, &err);
	g->gif = NULL;
	if (rc == GIF_ERROR || g->oom)
		return g->oom ? fl__fail(FL_ENOMEM, "out of memory") : fl__fail(FL_EIO, "GIF: %s", GifErrorString(err));
	*buf = g->buf, *len = g->len;
	g->buf = NULL;
	return FL_OK;
}

static void gif_close(void *enc)
{
	gif_enc *g = enc;
	if (g->gif)
		EGifCloseFile(g->gif, NULL);
	free(g->prev);
	free(g->line);
	free(g->key);
	free(g->count);
	free(g->index);
	free(g->buf);
	free(g);
}

const fl__anim_encoder fl__anim_gif = {gif_open, gif_add, gif_finish, gif_close};
