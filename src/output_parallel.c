/*
 * output_parallel.c: GeoJSON written by GDAL on several threads at once.
 *
 * GDAL's GeoJSON writer spends about 20 microseconds per small feature
 * (json-c objects, coordinates formatted through C++ streams), and one
 * layer cannot be written from two threads.  So the features of a sink are
 * cut into contiguous ranges of about equal weight (points), each range is
 * written by GDAL into a GeoJSON file of its own in /vsimem on its own
 * thread, and the features of those files are joined, in order, into the
 * sink's file.  Every byte of every feature is still GDAL's; the join only
 * cuts the text GDAL writes around the feature list (its header and its
 * "\n]\n}\n" end), and refuses any file whose layout it does not know.
 * The result is the same, byte for byte, as one GDAL layer written by one
 * thread: the tests compare the two.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fail.h"
#include "output_parallel.h"
#include "parallel.h"
#include "util.h"

/* GDAL's GeoJSON writer puts each feature on a line of its own, between
 * this line and the end below (see the comment at the top) */
static const char list_open[] = "\"features\": [\n";
static const char list_end[] = "\n]\n}\n";
/* where the feature list must have started: layer names are short words */
#define HEADER_MAX 4096
static const char unknown_layout[] = "GDAL GeoJSON: the file GDAL wrote has a layout this version "
				     "of frontline does not know (set threads to 1)";

fl_status fl__geojson_body(const unsigned char *buf, size_t len, size_t *hlen, size_t *blen)
{
	const size_t ol = sizeof list_open - 1, el = sizeof list_end - 1;
	const unsigned char *p = NULL;
	/* the header is short and holds no user text but the layer's name */
	for (size_t i = 0; i + ol <= len && i < HEADER_MAX; i++)
		if (buf[i] == '"' && memcmp(buf + i, list_open, ol) == 0) {
			p = buf + i + ol;
			break;
		}
	if (!p || (size_t)(p - buf) + el > len || memcmp(buf + len - el, list_end, el) != 0)
		return fl__fail(FL_EIO, "%s", unknown_layout);
	*hlen = (size_t)(p - buf);
	*blen = len - el - *hlen;
	return FL_OK;
}

static unsigned long parts_written;

unsigned long fl__geojson_parts_written(void)
{
	return __atomic_load_n(&parts_written, __ATOMIC_SEQ_CST);
}

typedef struct part {
	const fl__geojson_parts *spec;
	void **f;           /* OGRFeatureH */
	unsigned char *buf; /* the whole file GDAL wrote (VSIFree) */
	char *err;
	size_t n, len, hlen, blen;
	unsigned id;
	fl_status st;
} part;

/* Write one range into a GeoJSON file of its own; runs on any thread. */
static void *write_part(void *arg)
{
	part *p = arg;
	const fl__geojson_parts *spec = p->spec;
	/* GDAL's error handlers are per thread: this one must not print either */
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	char *path = fl__printf("%s-part%u.geojson", spec->memprefix, p->id);
	GDALDriverH drv = GDALGetDriverByName("GeoJSON");
	GDALDatasetH ds = path && drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
	if (!path) {
		p->st = fl__fail(FL_ENOMEM, "out of memory");
		goto done;
	}
	if (!ds) {
		p->st = fl__fail(FL_EIO, "GDAL GeoJSON: cannot create output: %s", CPLGetLastErrorMsg());
		goto done;
	}
	void *lyr = NULL;
	p->st = spec->make_layer(spec->ctx, ds, &lyr);
	for (size_t i = 0; !p->st && i < p->n; i++)
		if (OGR_L_CreateFeature(lyr, p->f[i]) != OGRERR_NONE)
			p->st = fl__fail(FL_EIO, "GDAL GeoJSON: cannot write a feature: %s",
					 CPLGetLastErrorMsg());
	CPLErrorReset();
	GDALClose(ds);
	if (!p->st && CPLGetLastErrorType() >= CE_Failure)
		p->st = fl__fail(FL_EIO, "GDAL GeoJSON: writing failed: %s", CPLGetLastErrorMsg());
	vsi_l_offset n = 0;
	p->buf = VSIGetMemFileBuffer(path, &n, TRUE); /* ours now, and the file is gone */
	p->len = (size_t)n;
	if (!p->st && !p->buf)
		p->st = fl__fail(FL_EIO, "GDAL GeoJSON: the output vanished");
	if (!p->st)
		p->st = fl__geojson_body(p->buf, p->len, &p->hlen, &p->blen);
	if (!p->st)
		__atomic_add_fetch(&parts_written, 1, __ATOMIC_SEQ_CST);
done:
	if (p->st)
		p->err = fl__strdup(fl_error_last());
	free(path);
	CPLPopErrorHandler();
	return NULL;
}

fl_status fl__geojson_parts_write(const fl__geojson_parts *spec, void **f, const size_t *w,
				  size_t n, int threads, char **body, size_t *blen, size_t *bcap,
				  char **header, size_t *hlen)
{
	if (!n)
		return FL_OK;
	size_t nt = threads > 1 ? (size_t)threads : 1;
	if (nt > n)
		nt = n;
	if (nt > FL__MAX_THREADS)
		nt = FL__MAX_THREADS;
	part parts[FL__MAX_THREADS];
	memset(parts, 0, sizeof parts);
	/* contiguous ranges of about equal weight, none empty */
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += (double)w[i];
	size_t from = 0;
	double acc = 0;
	for (size_t k = 0; k < nt; k++) {
		size_t to = from;
		double goal = total * (double)(k + 1) / (double)nt;
		size_t last = n - (nt - 1 - k); /* leave one feature for each later range */
		do
			acc += (double)w[to++];
		while (to < last && (k + 1 == nt || acc + (double)w[to] / 2 < goal));
		if (k + 1 == nt)
			to = n;
		parts[k] = (part){.spec = spec, .f = f + from, .n = to - from, .id = (*spec->counter)++};
		from = to;
	}
	pthread_t th[FL__MAX_THREADS];
	bool started[FL__MAX_THREADS] = {false};
	for (size_t k = 1; k < nt; k++)
		started[k] = pthread_create(&th[k], NULL, write_part, &parts[k]) == 0;
	write_part(&parts[0]);
	for (size_t k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			write_part(&parts[k]); /* no thread to be had: here, then */
	}
	fl_status st = FL_OK;
	for (size_t k = 0; k < nt; k++) {
		part *p = &parts[k];
		if (!st && p->st)
			st = fl__fail(p->st, "%s", p->err ? p->err : "GDAL GeoJSON: writing failed");
		/* every part's header is the same as the first one's */
		if (!st && !*header) {
			*header = malloc(p->hlen + 1);
			if (!*header)
				st = fl__fail(FL_ENOMEM, "out of memory");
			else
				memcpy(*header, p->buf, p->hlen), *hlen = p->hlen;
		} else if (!st && (p->hlen != *hlen || memcmp(p->buf, *header, *hlen)))
			st = fl__fail(FL_EIO, "%s", unknown_layout);
		if (!st && p->blen) {
			size_t need = *blen + 2 + p->blen;
			char *nb = fl__grow(*body, bcap, need, 1);
			if (!nb) {
				st = fl__fail(FL_ENOMEM, "out of memory");
			} else {
				*body = nb;
				if (*blen) {
					nb[(*blen)++] = ',';
					nb[(*blen)++] = '\n';
				}
				memcpy(nb + *blen, p->buf + p->hlen, p->blen);
				*blen += p->blen;
			}
		}
		VSIFree(p->buf);
		free(p->err);
	}
	return st;
}

fl_status fl__geojson_join(const unsigned char *main, size_t len, const char *header, size_t hlen,
			   const char *body, size_t blen, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	size_t mh = 0, mb = 0;
	fl_status st = main ? fl__geojson_body(main, len, &mh, &mb)
			    : fl__fail(FL_EIO, "GDAL GeoJSON: the output vanished");
	if (st)
		return st;
	if (header && (mh != hlen || memcmp(main, header, hlen)))
		return fl__fail(FL_EIO, "%s", unknown_layout);
	/* the layer's own features (written before any part), then the parts' */
	size_t n = len + (mb && blen ? 2 : 0) + blen;
	unsigned char *w = malloc(n + 1);
	if (!w)
		return fl__fail(FL_ENOMEM, "out of memory");
	size_t o = 0;
	memcpy(w, main, mh + mb), o = mh + mb;
	if (mb && blen) {
		w[o++] = ',';
		w[o++] = '\n';
	}
	if (blen)
		memcpy(w + o, body, blen), o += blen;
	memcpy(w + o, list_end, sizeof list_end - 1), o += sizeof list_end - 1;
	w[o] = 0;
	*out = w;
	*outlen = o;
	return FL_OK;
}
