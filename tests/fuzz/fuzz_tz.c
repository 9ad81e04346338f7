/*
 * fuzz_tz.c: the TZif reader (src/tz.c), which reads files of the system's
 * time-zone database.
 *
 * Any byte string goes to fl__tz_parse.  An accepted zone must give an
 * offset within RFC 8536's range for any instant (the last 8 bytes taken as
 * one, and a few fixed ones), and a local reading must lead to an instant
 * within a day and a bit of it, without overflow.
 */
#include <frontline/frontline.h>
#include "fuzz_common.h"
#include "tz.h"

static void probe(const fl__tz *z, int64_t t)
{
	int32_t off = fl__tz_offset(z, t);
	FZ_ASSERT(off >= -89999 && off <= 93599);
	if (t > -((int64_t)1 << 59) && t < ((int64_t)1 << 59)) {
		fl_instant u = fl__tz_from_civil(z, t);
		FZ_ASSERT(u >= t - 93599 - 93600 && u <= t + 89999 + 93600);
	}
	(void)fl__tz_to_civil(z, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fl__tz *z = NULL;
	if (fl__tz_parse(data, size, "fuzz", &z) != FL_OK) {
		FZ_ASSERT_MESSAGE();
		FZ_ASSERT(z == NULL);
		fl_error_clear();
		return 0;
	}
	static const int64_t fixed[] = {INT64_MIN, -2208988800, -1, 0, 1604966400, 2208988800,
					4102444800, INT64_MAX};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		probe(z, fixed[i]);
	if (size >= 8) {
		int64_t t;
		memcpy(&t, data + size - 8, sizeof t);
		probe(z, t);
	}
	fl__tz_free(z);
	return 0;
}
