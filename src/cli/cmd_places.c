/* cmd_places.c: `frontline places [FILE]`: who holds each point of a layer, or which changed hands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"
#include "options.h"

static const char help[] =
	"usage: frontline [-d PATH] places [FILE] [--layer NAME] [--date D] [-o OUT] [-f FORMAT]\n"
	"       frontline [-d PATH] places [FILE] --diff D1 D2 [--layer NAME] [-o OUT] [-f FORMAT]\n"
	"                                  [--as-of R] [--status confirmed]\n"
	"\n"
	"The points of FILE (any GDAL point layer: settlements, hospitals, ...; default: the\n"
	"tracker's own places.geojson) with who holds each on date D (default: today): the\n"
	"layer's fields and holder, holder_name, since, event, status (the event's status;\n"
	"'outside' for a point outside the tracker, 'none' before any event) and uncertain.\n"
	"A point on a boundary between two pieces of ground goes to the first of them in the\n"
	"tracker's order, the same on every date.  Dates mean the end of the day.\n"
	"\n"
	"  --layer NAME        the layer of FILE to read (default: its first)\n"
	"  --date D            ISO 8601 date or date-time\n"
	"  --diff D1 D2        the points whose holder on D2 differs from D1, with from, to,\n"
	"                      events and dates (the events of (D1, D2] that moved them)\n"
	"  --as-of R           replay only what was recorded by R\n"
	"  --status confirmed  leave out claimed and disputed events\n"
	"  -o OUT              write OUT (format from the extension); default stdout\n"
	"  -f FORMAT           geojson, gpkg, fgb, kml, shp, csv or a GDAL driver name;\n"
	"                      text: one line per point a person reads\n";

/* Whether name is region r's name or one of its alt_names. */
static int names_region(const fl_region *r, const char *name)
{
	char names[1024];
	snprintf(names, sizeof names, "%s;%s", r->name ? r->name : "", r->alt_names ? r->alt_names : "");
	for (char *save = NULL, *n = strtok_r(names, ";", &save); n; n = strtok_r(NULL, ";", &save))
		if (!strcasecmp(n, name))
			return 1;
	return 0;
}

/* The place's name, and when a region of the tracker bears that name (as
 * its name or one of its alt_names; the place's own region first) its
 * other names too ("Stepanakert / Khankendi"): both sides' usage, no pick. */
static void place_name(const fl_tracker *t, const fl_place *pl, char *buf, size_t len)
{
	if (!pl->name) {
		snprintf(buf, len, "feature %lld", pl->fid);
		return;
	}
	snprintf(buf, len, "%s", pl->name);
	const fl_region *r = NULL;
	if (pl->region != FL_NONE && names_region(fl_tracker_region_at(t, (size_t)pl->region), pl->name))
		r = fl_tracker_region_at(t, (size_t)pl->region);
	for (size_t i = 0; !r && i < fl_tracker_region_count(t); i++)
		if (names_region(fl_tracker_region_at(t, i), pl->name))
			r = fl_tracker_region_at(t, i);
	if (!r)
		return;
	char names[1024];
	snprintf(names, sizeof names, "%s;%s", r->name ? r->name : "", r->alt_names ? r->alt_names : "");
	size_t used = strlen(buf);
	for (char *save = NULL, *n = strtok_r(names, ";", &save); n && used + 1 < len;
	     n = strtok_r(NULL, ";", &save)) {
		if (strcasecmp(n, pl->name)) {
			int w = snprintf(buf + used, len - used, " / %s", n);
			used = w < 0 ? len : used + (size_t)w;
		}
	}
}

static const char *actor_id(const fl_tracker *t, int a)
{
	return a == FL_NONE ? "no one" : fl_tracker_actor_at(t, (size_t)a)->id;
}

static int print_states(const fl_tracker *t, const fl_places *p, const fl_query *q)
{
	size_t n = fl_places_count(p);
	fl_place_state *s = malloc((n + 1) * sizeof *s);
	if (!s || fl_places_state(p, q, s)) {
		free(s);
		cli_lib_error(cli_output_flags);
		return 1;
	}
	char date[16], name[512];
	fl_tracker_format_date(t, q->at, date, sizeof date);
	printf("Places of %s on %s\n", fl_places_path(p), date);
	for (size_t i = 0; i < n; i++) {
		place_name(t, fl_places_at(p, i), name, sizeof name);
		if (!strcmp(s[i].status, "outside")) {
			printf("  %s: outside the tracker\n", name);
			continue;
		}
		if (s[i].event == FL_NONE) {
			printf("  %s: no one\n", name);
			continue;
		}
		char since[16];
		fl_tracker_format_date(t, s[i].since, since, sizeof since);
		printf("  %s: %s since %s (%s, %s%s)\n", name, actor_id(t, s[i].holder), since,
		       fl_tracker_event_at(t, (size_t)s[i].event)->id, s[i].status,
		       s[i].uncertain ? ", uncertain" : "");
	}
	free(s);
	return 0;
}

static void print_changes(const fl_tracker *t, const fl_places *p, const fl_places_diff *d,
			  const char *d1, const char *d2)
{
	char name[512], date[16];
	printf("Places of %s that changed hands from %s to %s\n", fl_places_path(p), d1, d2);
	for (size_t i = 0; i < fl_places_diff_count(d); i++) {
		const fl_place_change *c = fl_places_diff_at(d, i);
		place_name(t, fl_places_at(p, c->place), name, sizeof name);
		printf("  %s: %s", name, actor_id(t, c->from));
		for (size_t e = 0; e < c->nevents; e++) {
			const fl_event *ev = fl_tracker_event_at(t, (size_t)c->events[e]);
			fl_tracker_format_date(t, ev->when, date, sizeof date);
			printf(" until %s, then %s", date, actor_id(t, ev->to));
		}
		printf(" (");
		for (size_t e = 0; e < c->nevents; e++) {
			/* an event dated by a period says so: the date above is its start */
			const fl_event *ev = fl_tracker_event_at(t, (size_t)c->events[e]);
			printf("%s%s", e ? ", " : "", ev->id);
			if (ev->latest > ev->when)
				printf(" dated %s", ev->date);
		}
		printf(")\n");
	}
	if (!fl_places_diff_count(d))
		printf("  (none)\n");
}

/* The places asked for, or the tracker's; NULL after printing why. */
static fl_places *open_places(const fl_tracker *t, const char *file, const char *layer)
{
	char *own = file ? NULL : fl_tracker_places_path(t);
	if (!file && !own) {
		cli_error("tracker %s has no places (places.geojson in its folder): give a FILE",
			  fl_tracker_path(t));
		return NULL;
	}
	fl_places *p = NULL;
	if (fl_places_open(t, file ? file : own, layer, &p))
		cli_lib_error(cli_output_flags);
	fl_free(own);
	return p;
}

static int run_diff(const fl_tracker *t, const fl_places *p, const fl_query *q, const cli_opts *o,
		    const char *d1, const char *d2)
{
	fl_instant t1, t2;
	cli_parse_date(t, "--diff D1", d1, FL_DATE_END, &t1);
	cli_parse_date(t, "D2", d2, FL_DATE_END, &t2);
	const char *texts[] = {d1, d2};
	const fl_instant ats[] = {t1, t2};
	cli_warn_range(t, q, o->as_of, 2, texts, ats);
	fl_places_diff *d = NULL;
	int text = o->format && !strcmp(o->format, "text");
	fl_status st = fl_places_diff_new(p, q, t1, t2, &d);
	if (!st && text)
		print_changes(t, p, d, d1, d2);
	else if (!st)
		st = fl_places_diff_write(d, o->out, o->format);
	int rc = st ? 1 : 0;
	if (st)
		cli_lib_error(cli_output_flags);
	fl_places_diff_free(d);
	return rc;
}

int cli_places_weights(const fl_tracker *t, const char *file, const char *field, fl_weight **w,
		       size_t *nw)
{
	static const cli_flag flags[] = {{"field", "--places-weight"}, {NULL, NULL}};
	fl_places *p = NULL;
	fl_status st = fl_places_open(t, file, NULL, &p);
	if (!st && !(st = fl_weight_from_places(t, p, NULL, &w[*nw])))
		(*nw)++;
	if (!st && field && !(st = fl_weight_from_places(t, p, field, &w[*nw])))
		(*nw)++;
	fl_places_free(p);
	if (st)
		cli_lib_error(flags);
	return st == FL_OK ? 0 : st == FL_EARG ? 2 : 1;
}

int cmd_places(const cli_global *g, int argc, char **argv)
{
	static const struct option own[] = {{"diff", required_argument, NULL, 'D'},
					    {"layer", required_argument, NULL, 'L'},
					    {NULL, 0, NULL, 0}};
	const char *d1 = NULL, *layer = NULL;
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "places", help, CLI_DATE | CLI_FILTERS | CLI_OUTPUT | CLI_FORMAT, own, "",
		      CLI_ANY_ARGS, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0) {
		if (c == 'D')
			d1 = optarg;
		else if (c == 'L')
			layer = optarg;
	}
	if (c == CLI_STOP)
		return opts.rc;
	int most = d1 ? 2 : 1;
	if (opts.nargs > most || (d1 && opts.nargs < 1))
		return cli_usage_error("places", d1 ? "expected [FILE] --diff D1 D2, got %d operand(s)"
						    : "expected at most one FILE, got %d operand(s)",
				       opts.nargs);
	const char *d2 = d1 ? opts.args[opts.nargs - 1] : NULL;
	const char *file = opts.nargs > (d1 ? 1 : 0) ? opts.args[0] : NULL;
	fl_instant t1, t2;
	if (d1 && (cli_parse_date(NULL, "--diff D1", d1, FL_DATE_END, &t1) ||
		   cli_parse_date(NULL, "D2", d2, FL_DATE_END, &t2)))
		return 2;
	if (d1 && t1 > t2) {
		cli_error("D1 (%s) is after D2 (%s): did you mean '--diff %s %s'?", d1, d2, d2, d1);
		return 2;
	}
	if (d1 && opts.date)
		return cli_usage_error("places", "--date and --diff: give one of them");
	if (opts.out && opts.format && !strcmp(opts.format, "text"))
		return cli_usage_error("places", "-f text prints to stdout: leave out -o");
	if (cli_opts_query(&opts))
		return 2;
	fl_query q = opts.q;
	fl_tracker *t = cli_open_tracker(g);
	if (!t)
		return 1;
	cli_opts_zone(&opts, t, &q);
	fl_places *p = open_places(t, file, layer);
	int rc = p ? 0 : 1;
	if (p && d1) {
		rc = run_diff(t, p, &q, &opts, d1, d2);
	} else if (p && opts.format && !strcmp(opts.format, "text")) {
		rc = print_states(t, p, &q);
	} else if (p) {
		cli_warn_range(t, &q, opts.as_of, 1, &opts.date, &q.at);
		if (fl_places_write(p, &q, opts.out, opts.format)) {
			cli_lib_error(cli_output_flags);
			rc = 1;
		} else
			cli_print_warnings();
	}
	fl_places_free(p);
	fl_tracker_free(t);
	return rc;
}
