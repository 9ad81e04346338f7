/* frontline.h: the whole public API of libfrontline in one include. */
#ifndef FRONTLINE_H
#define FRONTLINE_H
#include "frontline/error.h"
#include "frontline/date.h"
#include "frontline/tracker.h"
#include "frontline/snapshot.h"
#include "frontline/diff.h"
#include "frontline/stats.h"
#include "frontline/check.h"
#include "frontline/render.h"
#include "frontline/import.h"
#include "frontline/control.h"
#include "frontline/record.h"
#include "frontline/store.h"
#define FL_VERSION_STRING_MAX 32
FL_API const char *fl_version(void);
#endif
