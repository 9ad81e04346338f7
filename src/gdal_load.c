/*
 * gdal_load.c: libgdal opened with dlopen when GDAL is first needed.
 *
 * See gdal_load.h.  The library is opened once per process, under
 * pthread_once, and kept open; its functions are looked up by name and must
 * all be there.  The soname is the one of the GDAL frontline was built
 * against (FL_GDAL_SONAME, read from it by meson): GDAL changes it with its
 * ABI, and the headers the calls were checked with are that version's.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "fl_config.h"
#define FL__GDAL_LOAD_TABLE /* the table itself, not the names of its pointers */
#include "gdal_load.h"
#include "fail.h"

static fl__gdal_api table;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */
static int loaded;

static void load(void)
{
	void *lib = dlopen(FL_GDAL_SONAME, RTLD_NOW | RTLD_GLOBAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load GDAL (%s): %s", FL_GDAL_SONAME,
			 why ? why : "unknown error");
		return;
	}
	fl__gdal_api t;
	void *sym;
	/* a data pointer converted to a function pointer, as POSIX allows for dlsym */
#define FL__GDAL_LOOKUP(f)                                                                   \
	sym = dlsym(lib, #f);                                                                \
	if (!sym) {                                                                          \
		snprintf(load_error, sizeof load_error, "GDAL (%s) lacks %s", FL_GDAL_SONAME, #f); \
		return;                                                                      \
	}                                                                                    \
	memcpy(&t.f, &sym, sizeof sym);
	FL__GDAL_FUNCTIONS(FL__GDAL_LOOKUP)
#undef FL__GDAL_LOOKUP
	table = t; /* all or nothing */
	/* the drivers registered at once: whatever first touches GDAL (a
	 * driver looked up by name, a file opened) finds them all */
	table.CPLPushErrorHandler(table.CPLQuietErrorHandler); /* the library never prints */
	table.GDALAllRegister();
	table.CPLPopErrorHandler();
	__atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
}

const fl__gdal_api *fl__gdal(void)
{
	pthread_once(&load_once, load);
	return &table;
}

fl_status fl__gdal_ready(void)
{
	if (pthread_once(&load_once, load) != 0)
		return fl__fail(FL_EIO, "cannot load GDAL (%s)", FL_GDAL_SONAME);
	if (load_error[0])
		return fl__fail(FL_EIO, "%s", load_error);
	return FL_OK;
}

int fl__gdal_loaded(void)
{
	return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE);
}
