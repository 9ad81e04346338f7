/*
 * serve_static.c: the viewer's files and Leaflet, served from memory.
 *
 * Only the files of a fixed list are served, read once at start-up: the URL
 * never becomes a file name, so no request can reach any other file (paths
 * with "." or ".." segments are refused before routing anyway).  Leaflet comes
 * from Debian's libjs-leaflet (/usr/share/javascript/leaflet), never a CDN;
 * protomaps-leaflet (the viewer's tile path) from where scripts/setup.sh
 * installs it, and where it is not, its URL is a 404 and the viewer draws
 * features; periods.js is the static site's (share/site), shared with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve.h"

static const struct {
	const char *url, *dir, *file, *type;
} whitelist[] = {
	{"/viewer", "viewer", "index.html", "text/html; charset=utf-8"},
	{"/viewer/", "viewer", "index.html", "text/html; charset=utf-8"},
	{"/viewer/index.html", "viewer", "index.html", "text/html; charset=utf-8"},
	{"/viewer/viewer.js", "viewer", "viewer.js", "text/javascript; charset=utf-8"},
	{"/viewer/viewer.css", "viewer", "viewer.css", "text/css; charset=utf-8"},
	{"/viewer/basemap.js", "viewer", "basemap.js", "text/javascript; charset=utf-8"},
	{"/viewer/tiles.js", "viewer", "tiles.js", "text/javascript; charset=utf-8"},
	{"/viewer/periods.js", "site", "periods.js", "text/javascript; charset=utf-8"},
	{"/viewer/vendor/protomaps-leaflet.js", "vendor", "protomaps-leaflet.js",
	 "text/javascript; charset=utf-8"},
	{"/static/leaflet/leaflet.js", "leaflet", "leaflet.js", "text/javascript; charset=utf-8"},
	{"/static/leaflet/leaflet.css", "leaflet", "leaflet.css", "text/css; charset=utf-8"},
	{"/static/leaflet/images/layers.png", "leaflet", "images/layers.png", "image/png"},
	{"/static/leaflet/images/layers-2x.png", "leaflet", "images/layers-2x.png", "image/png"},
	{"/static/leaflet/images/marker-icon.png", "leaflet", "images/marker-icon.png", "image/png"},
	{"/static/leaflet/images/marker-icon-2x.png", "leaflet", "images/marker-icon-2x.png",
	 "image/png"},
	{"/static/leaflet/images/marker-shadow.png", "leaflet", "images/marker-shadow.png",
	 "image/png"},
};
#define NWHITE (sizeof whitelist / sizeof whitelist[0])

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (64u << 20)) /* nothing we ship is that big */
				break;
			unsigned char *p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				break;
			fclose(f);
			*len = n;
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

int sv_static_load(sv_files *fs, const sv_dirs *dirs, char *err, size_t errlen)
{
	fs->n = 0;
	fs->v = calloc(NWHITE, sizeof *fs->v);
	if (!fs->v)
		return 1;
	int missing = 0;
	err[0] = 0;
	for (size_t i = 0; i < NWHITE; i++) {
		const char *d = whitelist[i].dir;
		int vendor = !strcmp(d, "vendor") || !strcmp(d, "site");
		const char *dir = !strcmp(d, "vendor") ? dirs->vendor
				  : !strcmp(d, "site")   ? dirs->site
				  : !strcmp(d, "viewer") ? dirs->viewer
							 : dirs->leaflet;
		if (!dir)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, whitelist[i].file);
		size_t len = 0;
		unsigned char *data = slurp(path, &len);
		if (!data && vendor) /* optional: the viewer draws features without them */
			continue;
		if (!data) {
			if (!missing)
				snprintf(err, errlen, "cannot read %s (the viewer will not work)", path);
			missing = 1;
			continue;
		}
		sv_file *f = &fs->v[fs->n++];
		f->url = whitelist[i].url;
		f->type = whitelist[i].type;
		f->data = data;
		f->len = len;
	}
	return missing;
}

void sv_static_free(sv_files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].data);
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

const sv_file *sv_static_find(const sv_files *fs, const char *url)
{
	for (size_t i = 0; fs && i < fs->n; i++)
		if (strcmp(fs->v[i].url, url) == 0)
			return &fs->v[i];
	return NULL;
}

int sv_static_is_viewer(const char *url)
{
	return !strcmp(url, "/viewer") || !strcmp(url, "/viewer/") ||
	       !strcmp(url, "/viewer/index.html");
}
