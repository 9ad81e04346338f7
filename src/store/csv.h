/*
 * store/csv.h: CSV text as the folder store writes it (csv.c).  Private to
 * the library.
 */
#ifndef FL_STORE_CSV_H
#define FL_STORE_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* Append n bytes of s to the growing text *buf (NUL-terminated, length *len,
 * capacity *cap); false when out of memory (the text is kept as it was). */
bool fl__text_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
/* Append s as one CSV field: quoted only when it holds , " CR or LF. */
bool fl__csv_field(char **buf, size_t *len, size_t *cap, const char *s);
/* Append one record: the n fields (NULL as empty) separated by commas, then
 * eol ("\n", or "\r\n" for a file that ends its lines so). */
bool fl__csv_record(char **buf, size_t *len, size_t *cap, const char *const *fields, size_t n,
		    const char *eol);

#endif
