/*
 * replay.h: replaying the events (replay.c): which take part in a query and
 * who holds an atom at an instant.
 * Private to the library.
 */
#ifndef FL_REPLAY_H
#define FL_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include "frontline/frontline.h"

/* Which events take part in a query (replay.c): active[e] != 0. */
unsigned char *fl__active_events(const fl_tracker *t, const fl_query *q);

/* The first entry of atom a's timeline (in time order) with instant > at. */
size_t fl__timeline_after(const fl_tracker *t, size_t a, fl_instant at);
/* The holder of atom a for a query: the latest active event with instant
 * <= at, or FL_NONE.  *since gets the start of the holder's run. */
int fl__atom_state(const fl_tracker *t, size_t a, const unsigned char *active,
		   fl_instant at, int *holder, fl_instant *since);
/* The same from the timeline position fl__timeline_after gave (no search). */
int fl__atom_state_before(const fl_tracker *t, size_t a, const unsigned char *active, size_t k,
			  int *holder, fl_instant *since);

/* The longest period of uncertainty of any event (latest - when): 0 when
 * every event's date is exact, and the uncertainty work is skipped. */
fl_instant fl__uncertain_span(const fl_tracker *t);

/* Whether an atom's holder at an instant is uncertain: some active events
 * of its timeline have when <= at < latest (they may or may not have taken
 * effect yet), and the holders the orders they could have taken give are
 * not all the same. */
#define FL__MAX_POSSIBLE 8
typedef struct fl__uncertain {
	int event;             /* the latest of those events in apply order */
	fl_instant from, to;   /* the earliest when and the latest latest of them */
	int holders[FL__MAX_POSSIBLE]; /* the holders it may have (FL_NONE: no one), */
	size_t nholders;       /* distinct; at least 2 when uncertain */
} fl__uncertain;
/* k is fl__timeline_after(t, a, at); holder the atom's holder at `at` (the
 * nominal one).  Returns whether it is uncertain (filling *u). */
bool fl__atom_uncertain(const fl_tracker *t, size_t a, const unsigned char *active, fl_instant at,
			size_t k, int holder, fl__uncertain *u);

#endif
