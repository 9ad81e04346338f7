/*
 * export_site.c: `frontline export --site DIR`: a static web site of the
 * whole history that any static host serves.
 *
 * DIR gets index.html, site.js, periods.js and site.css (share/site), control.pmtiles
 * (fl_tiles_write), site.json (the tile set's header and metadata, the
 * actors' names and colours, the days on which control changed: the
 * slider's and the play button's steps), Leaflet (Debian's libjs-leaflet)
 * and protomaps-leaflet.js (npm, installed by scripts/setup.sh into
 * share/site/vendor), which draws the tiles on a canvas and reads them
 * from the PMTiles file by HTTP range requests.  The site is built in a
 * folder beside DIR and renamed to DIR at the end: whole or not at all.
 */
#include "export_site.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "fl_config.h"

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* Read file path whole (*len bytes, NUL after them); NULL when it cannot. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;
	do {
		if (n + 65536 + 1 > cap) {
			unsigned char *nb = realloc(buf, cap = (n + 65536 + 1) * 2);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

static int put_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(buf, 1, len, f) != len;
	if (f && fclose(f))
		bad = 1;
	return bad ? -1 : 0;
}

/* Copy src_dir/name to dst_dir/as; 0, or -1 after printing the error. */
static int copy(const char *src_dir, const char *name, const char *dst_dir, const char *as)
{
	char *src = join(src_dir, name), *dst = join(dst_dir, as);
	size_t len = 0;
	unsigned char *buf = src && dst ? slurp(src, &len) : NULL;
	int rc = 0;
	if (!buf) {
		cli_error("export: --site: cannot read %s: %s", src ? src : name, strerror(errno));
		rc = -1;
	} else if (put_file(dst, buf, len)) {
		cli_error("export: --site: cannot write %s: %s", dst, strerror(errno));
		rc = -1;
	}
	free(buf), free(src), free(dst);
	return rc;
}

/* s as a JSON string into f. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The days (YYYY-MM-DD, the tracker's time zone) on which a period starts,
 * sorted, once each, into f as a JSON array. */
static int stops(FILE *f, const fl_tracker *t)
{
	fl_periods *p = NULL;
	if (fl_periods_new(t, NULL, &p))
		return -1;
	size_t n = fl_periods_count(p), k = 0;
	char **days = calloc(n ? n : 1, sizeof *days);
	for (size_t i = 0; days && i < n; i++) {
		char buf[32];
		fl_tracker_format_date(t, fl_periods_at(p, i)->from, buf, sizeof buf);
		days[k] = strdup(buf);
		if (days[k])
			k++;
	}
	fl_periods_free(p);
	if (!days)
		return -1;
	qsort(days, k, sizeof *days, cmp_str);
	fputc('[', f);
	for (size_t i = 0; i < k; i++) {
		if (!i || strcmp(days[i], days[i - 1])) {
			if (i)
				fputc(',', f);
			json_str(f, days[i]);
		}
	}
	fputc(']', f);
	for (size_t i = 0; i < k; i++)
		free(days[i]);
	free(days);
	return 0;
}

/* site.json: what the page needs before its first tile. */
static int site_json(const fl_tracker *t, const char *dir, const char *tiles)
{
	size_t len = 0;
	unsigned char *buf = slurp(tiles, &len);
	fl_pmtiles *pm = NULL;
	char *meta = NULL;
	size_t mlen = 0;
	if (!buf || fl_pmtiles_open(buf, len, &pm) || fl_pmtiles_metadata(pm, &meta, &mlen)) {
		free(buf);
		fl_pmtiles_close(pm);
		cli_error("export: --site: %s: %s", tiles, buf ? fl_error_last() : strerror(errno));
		return -1;
	}
	free(buf);
	const fl_pmtiles_header *h = fl_pmtiles_get_header(pm);
	char *path = join(dir, "site.json");
	FILE *f = path ? fopen(path, "w") : NULL;
	int rc = f ? 0 : -1;
	if (f) {
		fprintf(f, "{\"tiles\":\"control.pmtiles\",\"minzoom\":%d,\"maxzoom\":%d,"
			   "\"bounds\":[%.7f,%.7f,%.7f,%.7f],\"center\":[%.7f,%.7f,%d],\"metadata\":%s,",
			h->min_zoom, h->max_zoom, h->bounds[0], h->bounds[1], h->bounds[2], h->bounds[3],
			h->center[0], h->center[1], h->center_zoom, meta);
		fputs("\"actors\":[", f);
		for (size_t i = 0; i < fl_tracker_actor_count(t); i++) {
			const fl_actor *a = fl_tracker_actor_at(t, i);
			fputs(i ? ",{\"id\":" : "{\"id\":", f);
			json_str(f, a->id);
			fputs(",\"name\":", f);
			json_str(f, a->name);
			fputs(",\"color\":", f);
			json_str(f, a->color);
			fputc('}', f);
		}
		fputs("],\"stops\":", f);
		rc = stops(f, t);
		fputs("}\n", f);
		if (fclose(f))
			rc = -1;
	}
	if (rc)
		cli_error("export: --site: cannot write %s: %s", path ? path : "site.json",
			  strerror(errno));
	free(path);
	fl_free(meta);
	fl_pmtiles_close(pm);
	return rc;
}

/* Whether dir may become the site: absent, or an empty folder. */
static int target_ok(const char *dir)
{
	struct stat sb;
	if (stat(dir, &sb) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = d != NULL;
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	if (d)
		closedir(d);
	return empty;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = join(dir, e->d_name);
		if (p && is_dir(p))
			remove_tree(p);
		else if (p)
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Where the site's own files and protomaps-leaflet are: the source tree's,
 * else the installed ones. */
static const char *site_dir(void)
{
	return is_dir(FL_SITE_SOURCE) ? FL_SITE_SOURCE : FL_SITE_INSTALLED;
}

static int fill(const fl_tracker *t, const fl_tile_opts *opts, const char *tmp)
{
	const char *share = site_dir();
	char *vendor = join(share, "vendor/node_modules/protomaps-leaflet/dist");
	char *images = join(tmp, "leaflet/images"), *leaflet = join(tmp, "leaflet");
	char *tiles = join(tmp, "control.pmtiles");
	int rc = vendor && images && leaflet && tiles ? 0 : -1;
	if (!rc && !is_dir(vendor)) {
		char *installed = join(share, "protomaps-leaflet");
		if (installed && is_dir(installed)) {
			free(vendor);
			vendor = installed;
		} else {
			free(installed);
			cli_error("export: --site: protomaps-leaflet is not installed (%s): run "
				  "scripts/setup.sh, which installs it with npm", vendor);
			rc = -1;
		}
	}
	static const char *const own[] = {"index.html", "site.js", "periods.js", "site.css"};
	static const char *const img[] = {"layers.png", "layers-2x.png", "marker-icon.png",
					  "marker-icon-2x.png", "marker-shadow.png"};
	for (size_t i = 0; !rc && i < sizeof own / sizeof own[0]; i++)
		rc = copy(share, own[i], tmp, own[i]);
	if (!rc && (mkdir(leaflet, 0755) || mkdir(images, 0755))) {
		cli_error("export: --site: cannot make %s: %s", images, strerror(errno));
		rc = -1;
	}
	if (!rc)
		rc = copy(FL_LEAFLET_DIR, "leaflet.js", leaflet, "leaflet.js");
	if (!rc)
		rc = copy(FL_LEAFLET_DIR, "leaflet.css", leaflet, "leaflet.css");
	for (size_t i = 0; !rc && i < sizeof img / sizeof img[0]; i++) {
		char *src = join(FL_LEAFLET_DIR, "images");
		rc = src ? copy(src, img[i], images, img[i]) : -1;
		free(src);
	}
	if (!rc)
		rc = copy(vendor, "protomaps-leaflet.js", tmp, "protomaps-leaflet.js");
	if (!rc && fl_tiles_write(t, opts, tiles, FL_TILES_PMTILES)) {
		cli_lib_error(NULL);
		rc = -1;
	}
	if (!rc)
		rc = site_json(t, tmp, tiles);
	free(vendor), free(images), free(leaflet), free(tiles);
	return rc;
}

int cli_export_site(const fl_tracker *t, const fl_tile_opts *opts, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	char *target = strndup(dir, n);
	char *tmp = target ? malloc(n + 32) : NULL;
	if (tmp)
		snprintf(tmp, n + 32, "%s.tmp-%ld", target, (long)getpid());
	if (!target || !tmp) {
		free(target);
		cli_error("export: out of memory");
		return 1;
	}
	int rc = 0;
	if (!target_ok(target)) {
		cli_error("export: --site %s: it exists and is not an empty folder (nothing written)", dir);
		rc = 1;
	} else if (mkdir(tmp, 0755)) {
		cli_error("export: --site %s: cannot write: %s (nothing written)", dir, strerror(errno));
		rc = 1;
	} else {
		rc = fill(t, opts, tmp) ? 1 : 0;
		if (!rc && rename(tmp, target)) {
			cli_error("export: --site %s: cannot write: %s (nothing written)", dir,
				  strerror(errno));
			rc = 1;
		}
		if (rc)
			remove_tree(tmp);
	}
	free(tmp), free(target);
	return rc;
}
