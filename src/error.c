/*
 * error.c: the per-thread last-error message behind fl_error_last().
 *
 * Library code reports a failure with fl__fail(status, fmt, ...), which
 * formats the message into thread-local storage and returns the status, so
 * that `return fl__fail(FL_EINPUT, "%s:%d: ...", file, line)` is the idiom.
 */
#include <stdarg.h>
#include <stdio.h>
#include "internal.h"

static _Thread_local char last_error[1024];

const char *fl_error_last(void)
{
	return last_error;
}

void fl_error_clear(void)
{
	last_error[0] = '\0';
}

fl_status (fl__fail)(fl_status st, const char *fmt, ...) /* (): not the analyzer macro */
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return st;
}

const char *fl_version(void)
{
	return FL_VERSION;
}
