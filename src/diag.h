/*
 * diag.h: diagnostics (diag.c): problems found while loading or checking a
 * tracker, each naming the file, line and field.
 * Private to the library.
 */
#ifndef FL_DIAG_H
#define FL_DIAG_H

#include <stddef.h>

typedef enum fl__severity { FL__WARNING, FL__ERROR } fl__severity;
typedef struct fl__diag {
	fl__severity severity;
	char *file;
	int line;      /* 0 when not about a line */
	char *field;   /* may be NULL */
	char *message;
} fl__diag;
typedef struct fl__diags {
	fl__diag *v;
	size_t n, cap;
	size_t nerrors;
} fl__diags;
void fl__diags_add(fl__diags *d, fl__severity sev, const char *file, int line,
		   const char *field, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;
void fl__diags_free(fl__diags *d);
/* "file:line: field 'f': message" */
char *fl__diag_text(const fl__diag *g);

#endif
