/*
 * import_write.c: the tracker import-series makes: actors.csv, events.csv
 * and areas.geojson, built in a folder beside the target and renamed into
 * place at the end (whole or not at all).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fail.h"
#include "import_priv.h"
#include "sink.h"
#include "util.h"

static void csv_put(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

static void put_actors(FILE *f, const fl_import_opts *o, const fl__import_ev *evs, size_t nev)
{
	(void)evs, (void)nev;
	fprintf(f, "id,name,color,kind,note\n");
	csv_put(f, o->holder, false), csv_put(f, o->holder, false);
	fprintf(f, "#d62728,control,holds the area inside the imported polygons\n");
	csv_put(f, o->other, false), csv_put(f, o->other, false);
	fprintf(f, "#1f77b4,control,holds the rest of the extent\n");
}

static void put_events(FILE *f, const fl_import_opts *o, const fl__import_ev *evs, size_t nev)
{
	fprintf(f, "id,date,regions,area,to,from,kind,status,source,note\n");
	for (size_t i = 0; i < nev; i++) {
		csv_put(f, evs[i].id, false), csv_put(f, evs[i].date, false);
		csv_put(f, "", false), csv_put(f, evs[i].id, false);
		csv_put(f, evs[i].to, false), csv_put(f, evs[i].from, false);
		csv_put(f, evs[i].kind, false), csv_put(f, fl_event_status_name(o->status), false);
		csv_put(f, evs[i].source, false), csv_put(f, "imported by frontline import-series", true);
	}
}

/* dir/name written by put and synced. */
static fl_status write_csv(const char *dir, const char *name,
			   void (*put)(FILE *f, const fl_import_opts *o, const fl__import_ev *evs, size_t nev),
			   const fl_import_opts *o, const fl__import_ev *evs, size_t nev)
{
	fl_status st = FL_OK;
	char *p = fl__printf("%s/%s", dir, name);
	if (!p)
		return fl__fail(FL_ENOMEM, "out of memory");
	FILE *f = fopen(p, "w");
	if (!f)
		st = fl__fail(FL_EIO, "%s: cannot write: %s", p, strerror(errno));
	else {
		put(f, o, evs, nev);
		if (fflush(f) || fsync(fileno(f)))
			st = fl__fail(FL_EIO, "%s: cannot write: %s", p, strerror(errno));
		fclose(f);
	}
	free(p);
	return st;
}

static fl_status write_tracker(GEOSContextHandle_t h, const char *dir, const fl_import_opts *o,
			       const fl__import_ev *evs, size_t nev)
{
	fl_status st = write_csv(dir, "actors.csv", put_actors, o, evs, nev);
	if (!st)
		st = write_csv(dir, "events.csv", put_events, o, evs, nev);
	if (st)
		return st;
	static const fl__field fields[] = {{"id", FL__STR}};
	char *p = fl__printf("%s/areas.geojson", dir);
	fl__sink *k = NULL;
	st = fl__sink_open(p, "GeoJSON", "areas", fields, 1, true, &k);
	for (size_t i = 0; i < nev && !st; i++) {
		fl__value v[1] = {{.s = evs[i].id}};
		st = fl__sink_add(k, v, h, evs[i].area);
	}
	if (!st)
		st = fl__sink_commit(k);
	else
		fl__sink_abort(k);
	free(p);
	return st;
}

/* The new folder tmp with the tracker in it. */
static fl_status write_tracker_in(GEOSContextHandle_t h, const char *tmp, const fl_import_opts *o,
				  const fl__import_ev *evs, size_t nev)
{
	if (mkdir(tmp, 0755))
		return fl__fail(FL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
	return write_tracker(h, tmp, o, evs, nev);
}

fl_status fl__import_write(GEOSContextHandle_t h, const char *out_dir, const fl_import_opts *o,
			   const fl__import_ev *evs, size_t nev)
{
	char *tmp = fl__printf("%s.tmp-%ld", out_dir, (long)getpid());
	fl_status st = write_tracker_in(h, tmp, o, evs, nev);
	if (!st && rename(tmp, out_dir))
		st = fl__fail(FL_EIO, "`out_dir` %s: cannot create: %s", out_dir, strerror(errno));
	if (st && tmp) {
		char *files3[] = {"actors.csv", "events.csv", "areas.geojson"};
		for (int i = 0; i < 3; i++) {
			char *q = fl__printf("%s/%s", tmp, files3[i]);
			unlink(q);
			free(q);
		}
		rmdir(tmp);
	}
	free(tmp);
	return st;
}
