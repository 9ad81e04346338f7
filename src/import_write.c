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
#include "store/folder.h"
#include "util.h"

/* The new tracker's files, written by the folder store (store/folder.c). */
static fl_status write_tracker(GEOSContextHandle_t h, const char *dir, const fl_import_opts *o,
			       const fl__import_ev *evs, size_t nev)
{
	static const char *const acols[] = {"id", "name", "color", "kind", "note"};
	const char *const actors[] = {o->holder, o->holder, "#d62728", "control",
				      "holds the area inside the imported polygons",
				      o->other,	 o->other,  "#1f77b4", "control",
				      "holds the rest of the extent"};
	fl_status st = fl__folder_write_table(dir, "actors", acols, 5, actors, 2);
	if (st)
		return st;
	static const char *const ecols[] = {"id",   "date", "regions", "area",   "to",
					    "from", "kind", "status",  "source", "note"};
	const char **cells = calloc(nev * 10 + 1, sizeof *cells);
	if (!cells)
		return fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nev; i++) {
		const char **c = cells + i * 10;
		c[0] = evs[i].id, c[1] = evs[i].date, c[2] = "", c[3] = evs[i].id, c[4] = evs[i].to;
		c[5] = evs[i].from, c[6] = evs[i].kind, c[7] = fl_event_status_name(o->status);
		c[8] = evs[i].source, c[9] = "imported by frontline import-series";
	}
	st = fl__folder_write_table(dir, "events", ecols, 10, cells, nev);
	free(cells);
	if (st)
		return st;
	static const fl__field fields[] = {{"id", FL__STR}};
	char *p = fl__folder_new_file(dir, "areas");
	fl__sink *k = NULL;
	st = p ? fl__sink_open(p, "GeoJSON", "areas", fields, 1, true, &k)
	       : fl__fail(FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < nev && !st; i++) {
		fl__value v[1] = {{.s = evs[i].id}};
		st = fl__sink_add(k, v, h, evs[i].area);
	}
	if (!st)
		st = fl__sink_commit(k);
	else if (k)
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
