/*
 * av_load.c: FFmpeg's libraries opened with dlopen when a video is first
 * written (see av_load.h).  Opened once per process, under pthread_once, and
 * kept open; the sonames are those of the headers' major versions, whose
 * structures anim_av.c reads.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <libavutil/macros.h>
#include "av_load.h"
#include "fail.h"

fl__av_api fl__av;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

static void *open_lib(const char *soname)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof load_error, "cannot load FFmpeg (%s) to write video: %s", soname,
			 why ? why : "unknown error");
	}
	return lib;
}

static void load(void)
{
	static const char *const sonames[4] = {
		"libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
		"libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
		"libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
		"libswscale.so." AV_STRINGIFY(LIBSWSCALE_VERSION_MAJOR)};
	void *lib[4];
	for (int i = 0; i < 4; i++)
		if (!(lib[i] = open_lib(sonames[i])))
			return;
	void *sym;
	int which = 0;
	/* a data pointer converted to a function pointer, as POSIX allows for dlsym */
#define FL__AV_LOOKUP(f)                                                                     \
	sym = dlsym(lib[which], #f);                                                         \
	if (!sym) {                                                                          \
		snprintf(load_error, sizeof load_error, "FFmpeg (%s) lacks %s", sonames[which], #f); \
		return;                                                                      \
	}                                                                                    \
	memcpy(&fl__av.f, &sym, sizeof sym);
	FL__AVUTIL_FUNCTIONS(FL__AV_LOOKUP)
	which = 1;
	FL__AVCODEC_FUNCTIONS(FL__AV_LOOKUP)
	which = 2;
	FL__AVFORMAT_FUNCTIONS(FL__AV_LOOKUP)
	which = 3;
	FL__SWSCALE_FUNCTIONS(FL__AV_LOOKUP)
#undef FL__AV_LOOKUP
	fl__av.av_log_set_level(AV_LOG_QUIET); /* the library never prints: errors come back */
}

fl_status fl__av_load(void)
{
	if (pthread_once(&once, load) != 0)
		return fl__fail(FL_EIO, "cannot load FFmpeg to write video");
	if (load_error[0])
		return fl__fail(FL_EIO, "%s", load_error);
	return FL_OK;
}
