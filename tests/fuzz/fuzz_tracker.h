/*
 * fuzz_tracker.h: open a tracker folder the way the tool does and run the
 * engine over it (check, snapshot, diff, stats, layer output), for the
 * targets that feed trackers: fuzz_events, fuzz_loader, fuzz_index.
 */
#ifndef FL_FUZZ_TRACKER_H
#define FL_FUZZ_TRACKER_H
#include <frontline/frontline.h>
#include "fuzz_common.h"

/* Everything a loaded tracker offers, on a few instants. */
static inline void fz_exercise(fl_tracker *t)
{
	fl_instant first, last;
	if (fl_tracker_event_range(t, &first, &last) != FL_OK) {
		fl_error_clear();
		first = last = 0;
	}
	FZ_ASSERT(first <= last);
	const size_t *order = fl_tracker_event_order(t);
	FZ_ASSERT(order);
	for (size_t i = 0; i < fl_tracker_event_count(t); i++) {
		const fl_event *e = fl_tracker_event_at(t, order[i]);
		FZ_ASSERT(e && e->id && e->to >= 0 && (size_t)e->to < fl_tracker_actor_count(t));
		char buf[64];
		fl_instant_format(e->when, buf, sizeof buf);
	}
	fl_instant before = first > INT64_MIN ? first - 1 : first;
	fl_instant at[] = {before, first, (first / 2 + last / 2), last};
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		fl_query q = fl_query_at(at[k]);
		for (int by = 0; by < 2; by++) {
			fl_snapshot *s = NULL;
			if (fl_snapshot_new(t, &q, (fl_group)by, &s) == FL_OK) {
				for (size_t i = 0; i < fl_snapshot_count(s); i++) {
					const fl_piece *p = fl_snapshot_at(s, i);
					FZ_ASSERT(p && p->area_km2 >= 0);
				}
				unsigned char *buf = NULL;
				size_t len = 0;
				if (k == 3 && fl_snapshot_write_buffer(s, "GeoJSON", &buf, &len) == FL_OK)
					fl_free(buf);
			}
			fl_snapshot_free(s);
			fl_error_clear();
		}
	}
	fl_diff *d = NULL;
	if (fl_diff_new(t, NULL, before, last, FL_BY_REGION, &d) == FL_OK) {
		for (size_t i = 0; i < fl_diff_count(d); i++)
			FZ_ASSERT(fl_diff_at(d, i));
	}
	fl_diff_free(d);
	fl_stats *st = NULL;
	fl_query f = fl_query_at(last);
	if (fl_stats_new(t, &f, first, last, FL_STEP_EVENT, &st) == FL_OK) {
		for (size_t i = 0; i < fl_stats_count(st); i++) {
			const fl_stats_row *r = fl_stats_at(st, i);
			FZ_ASSERT(r && r->area_km2 >= 0);
		}
	}
	fl_stats_free(st);
	fl_error_clear();
}

/* check, then open (which may write or read .frontline-index) and run. */
static inline void fz_tracker(const char *dir)
{
	fl_check_report *r = NULL;
	if (fl_check_run(dir, &r) == FL_OK) {
		for (size_t i = 0; i < fl_check_count(r); i++) {
			const fl_check_item *it = fl_check_at(r, i);
			FZ_ASSERT(it);
		}
	} else
		FZ_ASSERT_MESSAGE();
	fl_check_free(r);
	fl_error_clear();
	fl_tracker *t = NULL;
	if (fl_tracker_open(dir, &t) == FL_OK) {
		fz_exercise(t);
		fl_tracker_free(t);
	} else
		FZ_ASSERT_MESSAGE();
	fl_error_clear();
}
#endif
