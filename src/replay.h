/*
 * replay.h: replaying the events (replay.c): which take part in a query and
 * who holds an atom at an instant.
 * Private to the library.
 */
#ifndef FL_REPLAY_H
#define FL_REPLAY_H

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

#endif
