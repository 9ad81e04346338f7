/*
 * error.h: status codes and the last-error message.
 *
 * Every fallible call in libfrontline returns an fl_status (types.h; FL_OK
 * == 0).  On failure the library records a message for the calling thread,
 * retrievable with fl_error_last() until the next failing call on that
 * thread.  Messages
 * about bad input name the file, line and field (or the parameter).  The
 * library never prints and never exits.
 */
#ifndef FRONTLINE_ERROR_H
#define FRONTLINE_ERROR_H

#include <stddef.h>
#include "frontline/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The message of the last failure on this thread ("" if none).  The string
 * belongs to the library and stays valid until the next failing call. */
FL_API const char *fl_error_last(void);

/* Forget the last error. */
FL_API void fl_error_clear(void);

/* Warnings of the last output written on this thread (fl_snapshot_write,
 * fl_diff_write, fl_export_write and their _buffer forms): what the format
 * could not hold as it was given, e.g. a Shapefile's field names cut to 10
 * characters and its strings to 254 bytes.  Each names the output and the
 * fields.  Cleared when an output starts; the strings belong to the library
 * and stay valid until then. */
FL_API size_t fl_warning_count(void);
FL_API const char *fl_warning_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
