/*
 * atoms.h: building the atoms (atoms.c).
 * Private to the library.
 */
#ifndef FL_ATOMS_H
#define FL_ATOMS_H

#include "frontline/frontline.h"
#include "diag.h"

/* Build atoms, the events' columns and the timelines (atoms.c). */
fl_status fl__atoms_build(fl_tracker *t, fl__diags *d);

#endif
