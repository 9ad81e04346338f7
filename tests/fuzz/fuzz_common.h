/*
 * fuzz_common.h: helpers shared by the libFuzzer targets of tests/fuzz/.
 *
 * Each target is built with clang -fsanitize=fuzzer,address,undefined
 * (meson -Dfuzz=true, see tests/fuzz/meson.build) and links the library's
 * objects directly, so private helpers (the headers of src/) are reachable.
 * Targets that need files write them into one temporary folder per process
 * (under $TMPDIR), removed at exit.
 */
#ifndef FL_FUZZ_COMMON_H
#define FL_FUZZ_COMMON_H
#include <cpl_error.h>
#include <gdal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Abort (a crash libFuzzer keeps) when an invariant does not hold. */
#define FZ_ASSERT(c)                                                                        \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* The input as a NUL-terminated string (embedded NULs cut it short, as a
 * C caller would see it).  Free with free(). */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

static char fz_dir_path[256];

static void fz_cleanup(void)
{
	if (fz_dir_path[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir_path);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", fz_dir_path);
		fz_dir_path[0] = 0;
	}
}

/* GDAL quiet and registered; one temporary folder for this process. */
static inline const char *fz_init(void)
{
	if (fz_dir_path[0])
		return fz_dir_path;
	CPLSetErrorHandler(CPLQuietErrorHandler);
	GDALAllRegister();
	const char *tmp = getenv("TMPDIR");
	snprintf(fz_dir_path, sizeof fz_dir_path, "%s/fl-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fz_dir_path))
		abort();
	atexit(fz_cleanup);
	return fz_dir_path;
}

static inline void fz_write(const char *dir, const char *name, const void *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static inline void fz_remove(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/* An error message after a failure is never NULL and never empty. */
#define FZ_ASSERT_MESSAGE() FZ_ASSERT(fl_error_last() && *fl_error_last())
#endif
