/*
 * harness.c: the work of frontline commands timed warm, inside one process.
 *
 *   harness TRACKER REPS OP...
 *
 * Opens TRACKER once (timed: that is the load a whole `frontline` process
 * pays every time), then runs each OP REPS times after one untimed warm-up
 * run and prints, per OP, a tab-separated line:
 *
 *   OP  median_s  min_s  max_s  reps  output_bytes
 *
 * OPs (dates as on the command line: a date-only value is the end of that day):
 *   snapshot:region:D     fl_snapshot_new by region + GeoJSON into memory
 *   snapshot:actor:D      the same, dissolved by holder
 *   diff:region:D1:D2     fl_diff_new + GeoJSON into memory
 *   diff:actor:D1:D2
 *   stats:STEP:FROM:TO    fl_stats_new (STEP day|week|month|event) + CSV rows into memory
 *   stats:STEP            over the tracker's whole event range
 *   wkb:snapshot:G:D      the answer without GeoJSON: fl_snapshot_new and every
 *   wkb:diff:G:D1:D2      piece's (change's) geometry as WKB; the size is the WKB's
 *
 * The output is built (as `frontline` builds it before writing) but not
 * written anywhere, so that the numbers are the engine's and GDAL's work,
 * not the disk's.  Built by meson with -Dbench=true (bench/meson.build);
 * bench/run.sh does that in the build it measures.
 */
#define _POSIX_C_SOURCE 200809L
#include <frontline/frontline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "timing.h"

static void die(const char *what)
{
	fprintf(stderr, "harness: %s: %s\n", what, fl_error_last());
	exit(1);
}

static fl_instant date_arg(const char *s, fl_date_side side)
{
	fl_instant t;
	if (fl_instant_parse(s, side, "date", &t))
		die(s);
	return t;
}

static fl_group group_arg(const char *s)
{
	if (!strcmp(s, "region"))
		return FL_BY_REGION;
	if (!strcmp(s, "actor"))
		return FL_BY_ACTOR;
	fprintf(stderr, "harness: expected region or actor, got '%s'\n", s);
	exit(2);
}

/* One run of op (already split into fields); returns the output size. */
static size_t run(const fl_tracker *t, char **f, int nf)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	if (!strcmp(f[0], "wkb") && nf >= 4 && !strcmp(f[1], "snapshot")) {
		fl_query q = fl_query_at(date_arg(f[3], FL_DATE_END));
		fl_snapshot *s = NULL;
		if (fl_snapshot_new(t, &q, group_arg(f[2]), &s))
			die("snapshot");
		for (size_t i = 0; i < fl_snapshot_count(s); i++) {
			size_t n = 0;
			if (!fl_snapshot_wkb(s, i, &n))
				die("piece geometry");
			len += n;
		}
		fl_snapshot_free(s);
	} else if (!strcmp(f[0], "wkb") && nf >= 5 && !strcmp(f[1], "diff")) {
		fl_query q = fl_query_at(0);
		fl_diff *d = NULL;
		if (fl_diff_new(t, &q, date_arg(f[3], FL_DATE_END), date_arg(f[4], FL_DATE_END), group_arg(f[2]),
				&d))
			die("diff");
		for (size_t i = 0; i < fl_diff_count(d); i++) {
			size_t n = 0;
			if (!fl_diff_wkb(d, i, &n))
				die("change geometry");
			len += n;
		}
		fl_diff_free(d);
	} else if (!strcmp(f[0], "snapshot") && nf == 3) {
		fl_query q = fl_query_at(date_arg(f[2], FL_DATE_END));
		fl_snapshot *s = NULL;
		if (fl_snapshot_new(t, &q, group_arg(f[1]), &s) || fl_snapshot_write_buffer(s, NULL, &buf, &len))
			die("snapshot");
		fl_snapshot_free(s);
	} else if (!strcmp(f[0], "diff") && nf == 4) {
		fl_query q = fl_query_at(0);
		fl_diff *d = NULL;
		if (fl_diff_new(t, &q, date_arg(f[2], FL_DATE_END), date_arg(f[3], FL_DATE_END), group_arg(f[1]),
				&d) ||
		    fl_diff_write_buffer(d, NULL, &buf, &len))
			die("diff");
		fl_diff_free(d);
	} else if (!strcmp(f[0], "stats") && (nf == 2 || nf == 4)) {
		fl_step step;
		if (fl_step_parse(f[1], &step))
			die("step");
		fl_instant a, b;
		if (nf == 4) {
			a = date_arg(f[2], FL_DATE_START);
			b = date_arg(f[3], FL_DATE_END);
		} else if (fl_tracker_event_range(t, &a, &b))
			die("event range");
		fl_query q = fl_query_at(0);
		fl_stats *s = NULL;
		if (fl_stats_new(t, &q, a, b, step, &s))
			die("stats");
		size_t n = fl_stats_count(s), cap = 64 * (n + 1);
		char *out = malloc(cap);
		if (!out)
			exit(1);
		len = (size_t)snprintf(out, cap, "date,holder,area_km2,share\n");
		for (size_t i = 0; i < n; i++) {
			const fl_stats_row *r = fl_stats_at(s, i);
			char d[16];
			fl_instant_format_date(r->at, d, sizeof d);
			len += (size_t)snprintf(out + len, cap - len, "%s,%s,%.9g,%.9g\n", d,
						fl_tracker_actor_at(t, (size_t)r->holder)->id, r->area_km2, r->share);
		}
		free(out);
		fl_stats_free(s);
		return len;
	} else {
		fprintf(stderr, "harness: bad op '%s'\n", f[0]);
		exit(2);
	}
	fl_free(buf);
	return len;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: harness TRACKER REPS OP...\n");
		return 2;
	}
	int reps = atoi(argv[2]);
	if (reps < 1)
		reps = 1;
	double t0 = now();
	fl_tracker *t = NULL;
	if (fl_tracker_open(argv[1], &t))
		die(argv[1]);
	double load = now() - t0;
	printf("load\t%.6f\t%.6f\t%.6f\t1\t0\n", load, load, load);
	fflush(stdout);
	double *dt = calloc((size_t)reps, sizeof *dt);
	for (int i = 3; i < argc; i++) {
		char *op = strdup(argv[i]), *f[8];
		int nf = 0;
		for (char *p = strtok(op, ":"); p && nf < 8; p = strtok(NULL, ":"))
			f[nf++] = p;
		size_t bytes = run(t, f, nf); /* warm-up */
		for (int r = 0; r < reps; r++) {
			double a = now();
			run(t, f, nf);
			dt[r] = now() - a;
		}
		double med = median(dt, reps);
		printf("%s\t%.6f\t%.6f\t%.6f\t%d\t%zu\n", argv[i], med, dt[0], dt[reps - 1], reps, bytes);
		fflush(stdout);
		free(op);
	}
	free(dt);
	fl_tracker_free(t);
	return 0;
}
