/*
 * fuzz_events.c: the events CSV reader and its validation.
 *
 * The input is written as events.csv into a folder with fixed actors,
 * regions and zones (the clean check fixture, tests/fixtures/check/clean);
 * the folder is then checked, opened and run through the engine.
 */
#include "fuzz_tracker.h"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		abort();
	char *buf = malloc(1 << 20);
	if (!buf)
		abort();
	*n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *dir = fz_init();
	if (!ready) {
		static const char *const names[] = {"actors.csv", "regions.geojson", "zones.geojson"};
		for (size_t i = 0; i < 3; i++) {
			char p[512];
			size_t n;
			snprintf(p, sizeof p, "%s/tests/fixtures/check/clean/%s", FL_SOURCE_ROOT, names[i]);
			char *text = slurp(p, &n);
			fz_write(dir, names[i], text, n);
			free(text);
		}
		ready = 1;
	}
	fz_write(dir, "events.csv", data, size);
	fz_tracker(dir);
	fz_remove(dir, ".frontline-index");
	return 0;
}
