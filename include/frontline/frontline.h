/* frontline.h: the whole public API of libfrontline in one include. */
#ifndef FRONTLINE_H
#define FRONTLINE_H
#include "frontline/types.h"
#include "frontline/error.h"
#include "frontline/date.h"
#include "frontline/edtf.h"
#include "frontline/tracker.h"
#include "frontline/snapshot.h"
#include "frontline/diff.h"
#include "frontline/summary.h"
#include "frontline/weight.h"
#include "frontline/stats.h"
#include "frontline/check.h"
#include "frontline/render.h"
#include "frontline/animate.h"
#include "frontline/import.h"
#include "frontline/control.h"
#include "frontline/record.h"
#include "frontline/store.h"
#include "frontline/features.h"
#include "frontline/lines.h"
#include "frontline/weight_raster.h"
#include "frontline/places.h"
#include "frontline/tiles.h"
#include "frontline/pmtiles.h"
#include "frontline/tilefile.h"
#define FL_VERSION_STRING_MAX 32
FL_API const char *fl_version(void);
/* How many threads the library may use for one call (imports, writing
 * GeoJSON): 0 (the default) = one per CPU this process may run on, at most
 * 8; 1 = none besides the caller's.  Out of range (n < 0 or n > 64): FL_EARG.
 * Output is the same, byte for byte, whatever the number. */
FL_API fl_status fl_set_threads(int n);
FL_API int fl_threads(void);
#endif
