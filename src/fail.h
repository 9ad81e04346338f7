/*
 * fail.h: errors and warnings of the library (error.c): the thread's last
 * error that fl_error_last() reports, and the warnings of an output.
 * Private to the library.
 */
#ifndef FL_FAIL_H
#define FL_FAIL_H

#include <stdbool.h>
#include "frontline/frontline.h"

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
fl_status fl__fail(fl_status st, const char *fmt, ...);
#ifdef __clang_analyzer__
/* fl__fail returns its first argument: tell clang-tidy's analyzer, which
 * cannot see into error.c, so that `st = fl__fail(FL_ENOMEM, ...)` is known
 * to stop the loops guarded by `!st`. */
#define fl__fail(st, ...) (fl__fail((st), __VA_ARGS__), (st))
#endif

/* Warnings of an output (error.c; fl_warning_count/fl_warning_at) */
void fl__warnings_clear(void);
void fl__warn(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
