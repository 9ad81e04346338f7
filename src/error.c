/*
 * error.c: the per-thread last-error message behind fl_error_last().
 *
 * Library code reports a failure with fl__fail(status, fmt, ...), which
 * formats the message into thread-local storage and returns the status, so
 * that `return fl__fail(FL_EINPUT, "%s:%d: ...", file, line)` is the idiom.
 * Warnings of an output (fl__warn) are kept the same way, a few per thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include "fail.h"
#include "fl_config.h"

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

#define NWARN 16
static _Thread_local char warnings[NWARN][512];
static _Thread_local size_t nwarnings, dropped;

void fl__warnings_clear(void)
{
	nwarnings = dropped = 0;
}

void fl__warn(const char *fmt, ...)
{
	if (nwarnings == NWARN) {
		/* the last slot says how many more there were */
		dropped++;
		snprintf(warnings[NWARN - 1], sizeof warnings[0], "... and %zu more warnings", dropped + 1);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(warnings[nwarnings++], sizeof warnings[0], fmt, ap);
	va_end(ap);
}

size_t fl_warning_count(void)
{
	return nwarnings;
}

const char *fl_warning_at(size_t i)
{
	return i < nwarnings ? warnings[i] : NULL;
}

const char *fl_version(void)
{
	return FL_VERSION;
}
