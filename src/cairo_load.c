/*
 * cairo_load.c: libcairo opened with dlopen when `render` first draws.
 *
 * See cairo_load.h.  The library is opened once per process, under
 * pthread_once, and kept open; its functions are looked up by name and must
 * all be there.  The soname is Cairo's stable one (libcairo.so.2 since
 * Cairo 1.0).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "cairo_load.h"
#include "fail.h"

#define CAIRO_SONAME "libcairo.so.2"

fl__cairo_api fl__cairo;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

static void load(void)
{
	void *lib = dlopen(CAIRO_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load Cairo (%s) to draw: %s",
			 CAIRO_SONAME, why ? why : "unknown error");
		return;
	}
	void *sym;
	/* a data pointer converted to a function pointer, as POSIX allows for dlsym */
#define FL__CAIRO_LOOKUP(f)                                                                  \
	sym = dlsym(lib, #f);                                                                \
	if (!sym) {                                                                          \
		snprintf(load_error, sizeof load_error, "Cairo (%s) lacks %s", CAIRO_SONAME, #f); \
		return;                                                                      \
	}                                                                                    \
	memcpy(&fl__cairo.f, &sym, sizeof sym);
	FL__CAIRO_FUNCTIONS(FL__CAIRO_LOOKUP)
#undef FL__CAIRO_LOOKUP
}

fl_status fl__cairo_load(void)
{
	if (pthread_once(&once, load) != 0)
		return fl__fail(FL_EIO, "cannot load Cairo (%s) to draw", CAIRO_SONAME);
	if (load_error[0])
		return fl__fail(FL_EIO, "%s", load_error);
	return FL_OK;
}
