/*
 * store/csv.c: CSV text as the folder store writes it.
 *
 * One rule for every CSV file frontline writes (a recorded event, a copy of
 * a tracker into a folder): a field is written as it is unless it holds a
 * comma, a double quote, CR or LF; then it is quoted and its quotes doubled
 * (RFC 4180).  Records end in LF.  The shipped trackers are written by this
 * rule, so a tracker read and written back gives the same bytes.  GDAL's CSV
 * driver also quotes fields with a ';' or a space at either end, which is
 * why the folder store does not write through it.
 */
#include <string.h>
#include <stdlib.h>
#include "csv.h"

bool fl__text_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap : 256;
		while (nc < *len + n + 1)
			nc *= 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return false;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

bool fl__csv_field(char **buf, size_t *len, size_t *cap, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return fl__text_put(buf, len, cap, s, strlen(s));
	bool ok = fl__text_put(buf, len, cap, "\"", 1);
	for (const char *q; ok && (q = strchr(s, '"')); s = q + 1)
		ok = fl__text_put(buf, len, cap, s, (size_t)(q - s) + 1) &&
		     fl__text_put(buf, len, cap, "\"", 1);
	return ok && fl__text_put(buf, len, cap, s, strlen(s)) && fl__text_put(buf, len, cap, "\"", 1);
}

bool fl__csv_record(char **buf, size_t *len, size_t *cap, const char *const *fields, size_t n,
		    const char *eol)
{
	bool ok = fl__text_put(buf, len, cap, "", 0);
	for (size_t i = 0; i < n && ok; i++)
		ok = (!i || fl__text_put(buf, len, cap, ",", 1)) &&
		     fl__csv_field(buf, len, cap, fields[i] ? fields[i] : "");
	return ok && fl__text_put(buf, len, cap, eol, strlen(eol));
}
