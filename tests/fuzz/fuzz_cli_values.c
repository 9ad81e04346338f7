/*
 * fuzz_cli_values.c: the command-line value parsers of the library:
 * --size (fl_render_parse_size), --bbox (fl_render_parse_bbox) and --step
 * (fl_step_parse).  An accepted value must be within the documented ranges.
 */
#include <math.h>
#include <frontline/frontline.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_cstr(data, size);
	int w = 0, h = 0;
	if (fl_render_parse_size(s, &w, &h) == FL_OK)
		FZ_ASSERT(w >= 16 && w <= 10000 && h >= 16 && h <= 10000);
	else
		FZ_ASSERT_MESSAGE();
	double bb[4];
	if (fl_render_parse_bbox(s, bb) == FL_OK) {
		for (int i = 0; i < 4; i++)
			FZ_ASSERT(isfinite(bb[i]));
		FZ_ASSERT(bb[0] >= -180 && bb[0] < bb[2] && bb[2] <= 180);
		FZ_ASSERT(bb[1] >= -90 && bb[1] < bb[3] && bb[3] <= 90);
	} else
		FZ_ASSERT_MESSAGE();
	fl_step step;
	if (fl_step_parse(s, &step) == FL_OK)
		FZ_ASSERT(step >= FL_STEP_EVENT && step <= FL_STEP_MONTH);
	else
		FZ_ASSERT_MESSAGE();
	fl_error_clear();
	free(s);
	return 0;
}
