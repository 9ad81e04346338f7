/*
 * mhd_load.c: libmicrohttpd opened with dlopen when `serve` starts.
 *
 * See mhd_load.h.  Opened once, from the main thread before the daemon
 * exists, and kept open; every function is looked up by name and must be
 * there.  The soname is the one of libmicrohttpd's stable ABI (12).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "mhd_load.h"

#define MHD_SONAME "libmicrohttpd.so.12"

sv_mhd_api sv_mhd;

int sv_mhd_load(char *err, size_t errlen)
{
	static void *lib;
	if (lib)
		return 0;
	void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(err, errlen, "cannot load libmicrohttpd (%s) to serve HTTP: %s", MHD_SONAME,
			 why ? why : "unknown error");
		return -1;
	}
	void *sym;
	/* a data pointer converted to a function pointer, as POSIX allows for dlsym */
#define FL__MHD_LOOKUP(f)                                                                    \
	sym = dlsym(h, #f);                                                                  \
	if (!sym) {                                                                          \
		snprintf(err, errlen, "libmicrohttpd (%s) lacks %s", MHD_SONAME, #f);        \
		dlclose(h);                                                                  \
		return -1;                                                                   \
	}                                                                                    \
	memcpy(&sv_mhd.f, &sym, sizeof sym);
	FL__MHD_FUNCTIONS(FL__MHD_LOOKUP)
#undef FL__MHD_LOOKUP
	lib = h;
	return 0;
}
