/*
 * lines_priv.h: what the features of the front line read of it (lines.c).
 * Private to the library.
 */
#ifndef FL_LINES_PRIV_H
#define FL_LINES_PRIV_H

#include "frontline/frontline.h"

/* The longest part of an actor id a line's key ("holder_a:holder_b") keeps. */
#define FL__LINE_KEY_MAX 64

const fl_tracker *fl__lines_tracker(const fl_lines *l);

#endif
