/*
 * check.h: validating a tracker and reporting every problem.
 *
 * fl_check_run() reads a tracker as fl_tracker_open() does but goes on past
 * problems, then replays the events to find those whose expected previous
 * holder (`from`) is not the holder at that instant.  Each problem names its
 * file, line (CSV) or feature number, and field.
 *
 * Ownership: the report is freed with fl_check_free(); items belong to it.
 */
#ifndef FRONTLINE_CHECK_H
#define FRONTLINE_CHECK_H

#include "frontline/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_check_report fl_check_report;

typedef struct fl_check_item {
	int is_error;        /* 1 error, 0 warning */
	const char *file;
	int line;            /* CSV line or feature number; 0 when not about a row */
	const char *field;   /* NULL when not about a field */
	const char *message;
	const char *text;    /* the whole message: "file:line: field 'f': message" */
} fl_check_item;

/* Fails only when the tracker cannot be read at all (FL_ENOTFOUND, FL_EIO);
 * problems in its content are items of the report. */
FL_API fl_status fl_check_run(const char *path, fl_check_report **out);
FL_API void fl_check_free(fl_check_report *r);
FL_API size_t fl_check_count(const fl_check_report *r);
FL_API size_t fl_check_errors(const fl_check_report *r);
/* Item i (NULL past the end); it and its strings belong to the report. */
FL_API const fl_check_item *fl_check_at(const fl_check_report *r, size_t i);

#ifdef __cplusplus
}
#endif
#endif
