/*
 * fuzz_index.c: the persistent index reader (src/index.c).
 *
 * A damaged `.frontline-index` must be ignored (the tracker is read from
 * its sources again), never trusted.  At start-up the clean check fixture
 * is copied into a folder and its index written; each input then replaces
 * everything after the index's header (magic, byte-order mark and the
 * sources' key, which must match for the reader to go further) and the
 * folder is opened and run.  FL_FUZZ_WRITE_SEED=FILE writes the genuine
 * body as a seed (tests/fuzz/corpus/index).
 */
#include "diag.h"
#include "index.h"
#include "open.h"
#include "fuzz_tracker.h"

#define HEADER (8 + 4 + 8)

static unsigned char header[HEADER];

static void setup(const char *dir)
{
	static const char *const names[] = {"actors.csv", "regions.geojson", "events.csv",
					    "zones.geojson"};
	for (size_t i = 0; i < 4; i++) {
		char p[512];
		snprintf(p, sizeof p, "%s/tests/fixtures/check/clean/%s", FL_SOURCE_ROOT, names[i]);
		FILE *f = fopen(p, "rb");
		char buf[1 << 16];
		size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
		if (!f || n == sizeof buf)
			abort();
		fclose(f);
		fz_write(dir, names[i], buf, n);
	}
	fl__diags d = {0};
	fl_tracker *t = NULL;
	if (fl__tracker_load(dir, false, &d, &t) != FL_OK || d.nerrors)
		abort();
	fl__index_save(t);
	fl_tracker_free(t);
	fl__diags_free(&d);
	char p[512];
	snprintf(p, sizeof p, "%s/.frontline-index", dir);
	FILE *f = fopen(p, "rb");
	static unsigned char all[1 << 20];
	size_t n = f ? fread(all, 1, sizeof all, f) : 0;
	if (!f || n <= HEADER)
		abort();
	fclose(f);
	memcpy(header, all, HEADER);
	const char *seed = getenv("FL_FUZZ_WRITE_SEED");
	if (seed) {
		FILE *o = fopen(seed, "wb");
		if (!o || fwrite(all + HEADER, 1, n - HEADER, o) != n - HEADER || fclose(o))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *dir = fz_init();
	if (!ready) {
		setup(dir);
		ready = 1;
	}
	unsigned char *buf = malloc(HEADER + size);
	if (!buf)
		abort();
	memcpy(buf, header, HEADER);
	memcpy(buf + HEADER, data, size);
	fz_write(dir, ".frontline-index", buf, HEADER + size);
	free(buf);
	fl_tracker *t = NULL;
	if (fl_tracker_open(dir, &t) == FL_OK) {
		fz_exercise(t);
		fl_tracker_free(t);
	}
	fl_error_clear();
	return 0;
}
