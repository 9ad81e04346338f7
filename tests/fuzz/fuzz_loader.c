/*
 * fuzz_loader.c: the tracker loader on small folders (store/ogr*.c and the
 * engine behind it: GeoJSON regions, zones and areas, CSV actors and events).
 *
 * The input is cut at each line "%%%%" into, in this order, actors.csv,
 * regions.geojson, events.csv, zones (zones.geojson, or zones.csv when
 * the part does not start with '{') and areas.geojson; a missing part is
 * a missing file.  The seeds (tests/fuzz/corpus/loader) are the check
 * fixtures joined that way.
 */
#include "fuzz_tracker.h"

#define SEP "\n%%%%\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"actors.csv", "regions.geojson", "events.csv",
					    "zones.geojson", "areas.geojson"};
	static const char *const all[] = {"actors.csv", "regions.geojson", "events.csv",
					  "zones.geojson", "zones.csv", "areas.geojson",
					  ".frontline-index"};
	const char *dir = fz_init();
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		fz_remove(dir, all[i]);
	const uint8_t *p = data, *end = data + size;
	for (size_t part = 0; part < 5 && p <= end; part++) {
		const uint8_t *q = p;
		size_t sl = sizeof SEP - 1;
		while (q + sl <= end && memcmp(q, SEP, sl) != 0)
			q++;
		if (q + sl > end)
			q = end;
		const char *name = names[part];
		if (part == 3 && (q == p || *p != '{'))
			name = "zones.csv";
		fz_write(dir, name, p, (size_t)(q - p));
		if (q == end)
			break;
		p = q + sl;
	}
	fz_tracker(dir);
	return 0;
}
