/*
 * encode_gif.c: PNG frames to one looping GIF with giflib, for bench/animate.sh.
 *
 *   encode_gif OUT.gif DELAY_CS FRAME.png...
 *
 * Debian has no command-line tool that makes an animated GIF from PNGs with
 * giflib (gifsicle reads GIFs only; ImageMagick's convert has its own GIF
 * writer), so the benchmark encodes QGIS's frames with this, built by
 * bench/animate.sh (cc ... -lpng -lgif).  It does what `frontline animate`
 * does with giflib, so that the two sides pay for the same encoding: each
 * frame stores only the rectangle that differs from the frame before
 * (disposal "leave in place"), with a local palette of that rectangle's
 * exact colours when there are 256 or fewer, else 256 chosen greedily (the
 * most frequent, then each time the colour the palette so far draws worst:
 * its pixel count times its squared RGB distance to the nearest chosen)
 * with every colour drawn as the nearest chosen one, no dithering;
 * DELAY_CS hundredths of a second per frame; loops forever.
 * Frames are read with libpng's simplified API as 8-bit RGB.
 */
#include <gif_lib.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "encode_gif: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory", NULL);
	return p;
}

static unsigned char *read_png(const char *path, int *w, int *h)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, path))
		die(path, im.message);
	im.format = PNG_FORMAT_RGB;
	unsigned char *px = xcalloc(PNG_IMAGE_SIZE(im), 1);
	if (!png_image_finish_read(&im, NULL, px, 0, NULL))
		die(path, im.message);
	*w = (int)im.width;
	*h = (int)im.height;
	return px;
}

/* ---------------------------------------------------------------- colour table */
/* open addressing on 24-bit colours: key colour + 1 (0 = empty), a count, then an index */
typedef struct {
	uint32_t *key, *count;
	int *index;
	size_t cap, n;
} table;

static void table_init(table *t, size_t cap)
{
	t->cap = cap;
	t->n = 0;
	t->key = xcalloc(cap, sizeof *t->key);
	t->count = xcalloc(cap, sizeof *t->count);
	t->index = xcalloc(cap, sizeof *t->index);
}

static void table_free(table *t)
{
	free(t->key);
	free(t->count);
	free(t->index);
}

static size_t slot(const table *t, uint32_t c)
{
	size_t i = (size_t)((c * 2654435761u) & (t->cap - 1));
	while (t->key[i] && t->key[i] != c + 1)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static uint32_t rgb_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static const table *sort_tab;
static int by_count(const void *a, const void *b)
{
	uint32_t x = sort_tab->count[*(const size_t *)a], y = sort_tab->count[*(const size_t *)b];
	return x < y ? 1 : x > y ? -1 : 0;
}

/* ---------------------------------------------------------------- one frame */
static void put_frame(GifFileType *g, const unsigned char *px, int w, int x0, int y0, int x1, int y1,
		      int delay)
{
	int rw = x1 - x0, rh = y1 - y0;
	size_t cap = 64;
	while (cap < (size_t)rw * (size_t)rh * 2 && cap < (1u << 22))
		cap <<= 1;
	table t;
	table_init(&t, cap);
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			uint32_t c = rgb_at(px + ((size_t)y * (size_t)w + (size_t)x) * 3);
			size_t i = slot(&t, c);
			if (!t.key[i]) {
				if (t.n + 1 >= t.cap * 3 / 4)
					die("too many colours in one frame", NULL);
				t.key[i] = c + 1;
				t.n++;
			}
			t.count[i]++;
		}
	/* the palette: every colour when there are 256 or fewer (most frequent first), else chosen
	 * greedily: the most frequent, then again and again the colour whose pixels the palette so far
	 * draws worst (count times squared distance to its nearest chosen colour); every colour is
	 * drawn as its nearest chosen one */
	size_t *used = xcalloc(t.n, sizeof *used), k = 0;
	for (size_t i = 0; i < t.cap; i++)
		if (t.key[i])
			used[k++] = i;
	sort_tab = &t;
	qsort(used, t.n, sizeof *used, by_count);
	int ncol = 0, mapsize = 2;
	GifColorType pal[256];
	if (t.n <= 256) {
		for (size_t u = 0; u < t.n; u++) {
			uint32_t c = t.key[used[u]] - 1;
			pal[ncol] = (GifColorType){(GifByteType)(c >> 16), (GifByteType)(c >> 8), (GifByteType)c};
			t.index[used[u]] = ncol++;
		}
	} else {
		long *near = xcalloc(t.n, sizeof *near);
		for (size_t u = 0; u < t.n; u++)
			near[u] = -1;
		size_t pick = 0; /* the most frequent */
		while (ncol < 256) {
			uint32_t c = t.key[used[pick]] - 1;
			pal[ncol] = (GifColorType){(GifByteType)(c >> 16), (GifByteType)(c >> 8), (GifByteType)c};
			double worst = 0;
			size_t next = 0;
			for (size_t u = 0; u < t.n; u++) {
				uint32_t v = t.key[used[u]] - 1;
				long dr = (long)(v >> 16) - pal[ncol].Red, dg = (long)(v >> 8 & 255) - pal[ncol].Green,
				     db = (long)(v & 255) - pal[ncol].Blue, d = dr * dr + dg * dg + db * db;
				if (near[u] < 0 || d < near[u]) {
					near[u] = d;
					t.index[used[u]] = ncol;
				}
				double w = (double)t.count[used[u]] * (double)near[u];
				if (w > worst) {
					worst = w;
					next = u;
				}
			}
			ncol++;
			if (worst <= 0)
				break;
			pick = next;
		}
		free(near);
	}
	free(used);
	while (mapsize < ncol)
		mapsize <<= 1;
	ColorMapObject *map = GifMakeMapObject(mapsize, NULL);
	if (!map)
		die("GifMakeMapObject failed", NULL);
	memcpy(map->Colors, pal, (size_t)ncol * sizeof *pal);

	GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT, .UserInputFlag = false,
				    .DelayTime = delay, .TransparentColor = NO_TRANSPARENT_COLOR};
	GifByteType ext[4];
	EGifGCBToExtension(&gcb, ext);
	if (EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_ERROR ||
	    EGifPutImageDesc(g, x0, y0, rw, rh, false, map) == GIF_ERROR)
		die("writing a frame", GifErrorString(g->Error));
	GifPixelType *line = xcalloc((size_t)rw, 1);
	for (int y = y0; y < y1; y++) {
		for (int x = x0; x < x1; x++)
			line[x - x0] = (GifPixelType)t.index[slot(&t, rgb_at(px + ((size_t)y * (size_t)w + (size_t)x) * 3))];
		if (EGifPutLine(g, line, rw) == GIF_ERROR)
			die("writing a frame", GifErrorString(g->Error));
	}
	free(line);
	GifFreeMapObject(map);
	table_free(&t);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: encode_gif OUT.gif DELAY_CS FRAME.png...\n");
		return 2;
	}
	int delay = atoi(argv[2]), err = 0, w = 0, h = 0;
	GifFileType *g = EGifOpenFileName(argv[1], false, &err);
	if (!g)
		die(argv[1], GifErrorString(err));
	EGifSetGifVersion(g, true);
	unsigned char *prev = NULL;
	for (int f = 3; f < argc; f++) {
		int fw, fh;
		unsigned char *px = read_png(argv[f], &fw, &fh);
		int x0 = 0, y0 = 0, x1 = fw, y1 = fh;
		if (!prev) {
			w = fw;
			h = fh;
			static const GifByteType loop[3] = {1, 0, 0};
			if (EGifPutScreenDesc(g, w, h, 8, 0, NULL) == GIF_ERROR ||
			    EGifPutExtensionLeader(g, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
			    EGifPutExtensionBlock(g, 11, "NETSCAPE2.0") == GIF_ERROR ||
			    EGifPutExtensionBlock(g, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(g) == GIF_ERROR)
				die(argv[1], GifErrorString(g->Error));
		} else {
			if (fw != w || fh != h)
				die(argv[f], "not the size of the first frame");
			/* the rectangle that changed (one pixel when none did) */
			x0 = w, y0 = h, x1 = 0, y1 = 0;
			for (int y = 0; y < h; y++) {
				const unsigned char *a = px + (size_t)y * (size_t)w * 3, *b = prev + (size_t)y * (size_t)w * 3;
				if (!memcmp(a, b, (size_t)w * 3))
					continue;
				y0 = y < y0 ? y : y0;
				y1 = y + 1;
				for (int x = 0; x < w; x++)
					if (memcmp(a + x * 3, b + x * 3, 3)) {
						x0 = x < x0 ? x : x0;
						x1 = x + 1 > x1 ? x + 1 : x1;
					}
			}
			if (x1 <= x0)
				x0 = 0, y0 = 0, x1 = 1, y1 = 1;
		}
		put_frame(g, px, w, x0, y0, x1, y1, delay);
		free(prev);
		prev = px;
	}
	free(prev);
	if (EGifCloseFile(g, &err) == GIF_ERROR)
		die(argv[1], GifErrorString(err));
	return 0;
}
