/* store/csvlint.h: structural CSV check (see csvlint.c). */
#ifndef FL_CSVLINT_H
#define FL_CSVLINT_H
#include "frontline/frontline.h"
#include "../diag.h"
/* Check path's records; record_lines[i] is the line where data record i
 * (0-based, after the header) starts.  The caller frees record_lines. */
fl_status fl__csv_lint(const char *path, const char *display, fl__diags *d,
		       int **record_lines, size_t *nrecords);
#endif
