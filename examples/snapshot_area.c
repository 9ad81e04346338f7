/*
 * snapshot_area.c: a small program using libfrontline as an installed
 * library: the area each actor holds on a date.
 *
 *   snapshot_area TRACKER DATE
 *
 * prints one line per holder, "ID<TAB>AREA_KM2<TAB>NAME", in the order of
 * the snapshot by actor.  Build it against an installed frontline:
 *
 *   cc -std=c17 snapshot_area.c $(pkg-config --cflags --libs frontline)
 */
#include <frontline/frontline.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s TRACKER DATE\n", argv[0]);
		return 2;
	}
	fl_tracker *t = NULL;
	fl_instant at;
	fl_snapshot *s = NULL;
	if (fl_instant_parse(argv[2], FL_DATE_END, "date", &at) != FL_OK ||
	    fl_tracker_open(argv[1], &t) != FL_OK) {
		fprintf(stderr, "snapshot_area: %s\n", fl_error_last());
		return 1;
	}
	fl_query q = fl_query_at(at);
	if (fl_snapshot_new(t, &q, FL_BY_ACTOR, &s) != FL_OK) {
		fprintf(stderr, "snapshot_area: %s\n", fl_error_last());
		fl_tracker_free(t);
		return 1;
	}
	for (size_t i = 0; i < fl_snapshot_count(s); i++) {
		const fl_piece *p = fl_snapshot_at(s, i);
		if (p->holder == FL_NONE)
			continue;
		const fl_actor *a = fl_tracker_actor_at(t, (size_t)p->holder);
		printf("%s\t%.6f\t%s\n", a->id, p->area_km2, a->name);
	}
	fl_snapshot_free(s);
	fl_tracker_free(t);
	return 0;
}
