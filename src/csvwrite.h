/*
 * csvwrite.h: CSV text built in memory (csvwrite.c).
 * Private to the library.
 */
#ifndef FL_CSVWRITE_H
#define FL_CSVWRITE_H

#include <stdbool.h>
#include <stddef.h>

/* Append n bytes of s to the growing text *buf (NUL-terminated, length *len,
 * capacity *cap); false when out of memory (the text is kept as it was). */
bool fl__text_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
/* Append s as one CSV field: quoted only when it holds , " CR or LF. */
bool fl__csv_field(char **buf, size_t *len, size_t *cap, const char *s);

#endif
