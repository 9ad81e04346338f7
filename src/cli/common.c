/* common.c: helpers shared by the tool's subcommands (tracker lookup, errors). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "fl_config.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("frontline: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_print_flags(FILE *f, const char *prefix, const char *msg, const cli_flag *map)
{
	fputs(prefix, f);
	while (*msg) {
		const char *end = *msg == '`' ? strchr(msg + 1, '`') : NULL;
		const cli_flag *m = map;
		for (; end && m && m->field; m++)
			if (strlen(m->field) == (size_t)(end - msg - 1) &&
			    !strncmp(msg + 1, m->field, (size_t)(end - msg - 1)))
				break;
		if (end && m && m->field) {
			fputs(m->flag, f);
			msg = end + 1;
		} else
			fputc(*msg++, f);
	}
	fputc('\n', f);
}

void cli_lib_error(const cli_flag *map)
{
	cli_print_flags(stderr, "frontline: ", fl_error_last(), map);
}

int cli_lib_usage_error(const char *cmd, const cli_flag *map)
{
	fprintf(stderr, "frontline %s: ", cmd);
	cli_print_flags(stderr, "", fl_error_last(), map);
	fprintf(stderr, "(see 'frontline %s --help')\n", cmd);
	return 2;
}

void cli_print_warnings(void)
{
	for (size_t i = 0; i < fl_warning_count(); i++)
		fprintf(stderr, "frontline: warning: %s\n", fl_warning_at(i));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "frontline %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see 'frontline %s --help')\n", cmd);
	va_end(ap);
	return 2;
}

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* (main.c refuses an empty -d or $FRONTLINE_TRACKER before any command) */
const char *cli_tracker_path(const cli_global *g)
{
	const char *path = g->tracker;
	if (!path)
		path = getenv("FRONTLINE_TRACKER");
	if (!path || !*path) {
		path = FL_GEODATA_SOURCE "/karabakh";
		if (!is_dir(path))
			path = FL_GEODATA_INSTALLED "/karabakh";
	}
	return path;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

const char *cli_tracker_to_write(const cli_global *g, const char *cmd)
{
	if (g->tracker)
		return g->tracker; /* named explicitly: even the sample */
	const char *env = getenv("FRONTLINE_TRACKER");
	if (!env || !*env) {
		cli_usage_error(cmd, "no tracker named: name the tracker to write to with -d PATH (%s "
				"never writes into the shipped sample tracker by default)", cmd);
		return NULL;
	}
	if (same_file(env, FL_GEODATA_SOURCE "/karabakh") ||
	    same_file(env, FL_GEODATA_INSTALLED "/karabakh")) {
		cli_usage_error(cmd, "FRONTLINE_TRACKER=%s is the shipped sample tracker: name it with "
				"-d PATH to write into it", env);
		return NULL;
	}
	return env;
}

fl_tracker *cli_open_tracker(const cli_global *g)
{
	const char *path = cli_tracker_path(g);
	fl_tracker *t = NULL;
	if (fl_tracker_open(path, &t) != FL_OK) {
		cli_error("%s", fl_error_last());
		return NULL;
	}
	return t;
}

int cli_parse_date(const fl_tracker *t, const char *opt, const char *value, fl_date_side side,
		   fl_instant *out)
{
	if (!value) /* not given: *out stays */
		return 0;
	if (fl_tracker_parse_date(t, value, side, opt, out) != FL_OK) {
		cli_error("%s", fl_error_last());
		return 1;
	}
	return 0;
}

int *cli_parse_actor_list(const fl_tracker *t, const char *cmd, const char *option,
			  const char *const *values, size_t nvalues, size_t *n)
{
	size_t cap = 1;
	for (size_t i = 0; i < nvalues; i++)
		for (const char *p = values[i]; *p; p++)
			cap += *p == ',';
	cap += nvalues;
	int *ids = malloc(cap * sizeof *ids);
	if (!ids) {
		cli_error("out of memory");
		return NULL;
	}
	*n = 0;
	for (size_t i = 0; i < nvalues; i++) {
		const char *p = values[i];
		for (;;) {
			size_t len = strcspn(p, ",");
			char id[128];
			if (len == 0 || len >= sizeof id) {
				cli_usage_error(cmd, "%s %s: expected actor ids separated by commas", option,
						values[i]);
				free(ids);
				return NULL;
			}
			memcpy(id, p, len);
			id[len] = 0;
			int a = fl_tracker_find_actor(t, id);
			if (a == FL_NONE) {
				/* every id, or the first 20 and how many more */
				size_t na = fl_tracker_actor_count(t);
				fprintf(stderr, "frontline %s: %s %s: no actor '%s' in %s (its actors: ", cmd,
					option, values[i], id, fl_tracker_path(t));
				for (size_t k = 0; k < na && k < 20; k++)
					fprintf(stderr, "%s%s", k ? ", " : "", fl_tracker_actor_at(t, k)->id);
				if (na > 20)
					fprintf(stderr, " and %zu more", na - 20);
				fprintf(stderr, "%s)\n(see 'frontline %s --help')\n", na ? "" : "none", cmd);
				free(ids);
				return NULL;
			}
			ids[(*n)++] = a;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	return ids;
}

void cli_filters_text(const fl_query *q, const char *as_of, const char *holders, char *buf,
		      size_t len)
{
	char a[160] = "", h[320] = "";
	if (q->has_as_of && as_of)
		snprintf(a, sizeof a, "--as-of %s", as_of);
	if (holders && *holders)
		snprintf(h, sizeof h, "--holder %s", holders);
	const char *parts[] = {a, q->confirmed_only ? "--status confirmed" : "", h};
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && used + 1 < len; i++) {
		if (!*parts[i])
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", parts[i]);
		used = w < 0 ? used : used + (size_t)w < len ? used + (size_t)w : len - 1;
	}
}

/* The last second of the tracker's day (in its time zone) holding x. */
static fl_instant day_end(const fl_tracker *t, fl_instant x)
{
	char day[32];
	fl_tracker_format_date(t, x, day, sizeof day);
	fl_instant end = x;
	if (fl_tracker_parse_date(t, day, FL_DATE_END, "day", &end) != FL_OK)
		fl_error_clear(); /* (a year past 9999: x itself) */
	return end;
}

void cli_warn_range(const fl_tracker *t, const fl_query *q, const char *as_of, size_t n,
		    const char *const *texts, const fl_instant *ats)
{
	fl_instant first, last;
	char filt[256], with[300] = "";
	fl_query f = *q;
	f.holders = NULL, f.nholders = 0; /* the holder filter does not move events */
	cli_filters_text(&f, as_of, NULL, filt, sizeof filt);
	if (*filt)
		snprintf(with, sizeof with, " that applies with %s", filt);
	fl_status st = fl_query_event_range(t, &f, &first, &last);
	if (st == FL_ENOTFOUND) {
		cli_error("no event%s: no territory is held", *with ? with : " in the tracker");
		return;
	}
	if (st)
		return; /* out of memory: the answer itself will say so */
	char fd[16], ld[16], at[16];
	fl_tracker_format_date(t, first, fd, sizeof fd);
	fl_tracker_format_date(t, last, ld, sizeof ld);
	for (size_t i = 0; i < n; i++) {
		const char *text = texts[i];
		if (!text) {
			fl_tracker_format_date(t, ats[i], at, sizeof at);
			text = at;
		}
		if (ats[i] < first)
			cli_error("%s is before the first event%s (%s): no territory is held yet", text,
				  with, fd);
		else if (ats[i] > day_end(t, last))
			cli_error("%s is after the last event%s (%s): the map as of %s", text, with, ld, ld);
	}
}

const char *cli_basemap_path(void)
{
	static const char *const paths[] = {FL_GEODATA_SOURCE "/basemap", FL_GEODATA_INSTALLED "/basemap"};
	static const char *const probes[] = {FL_GEODATA_SOURCE "/basemap/countries.fgb",
					     FL_GEODATA_INSTALLED "/basemap/countries.fgb"};
	struct stat sb;
	for (int i = 0; i < 2; i++)
		if (stat(probes[i], &sb) == 0)
			return paths[i];
	return NULL;
}
