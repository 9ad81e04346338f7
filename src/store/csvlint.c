/*
 * store/csvlint.c: structural check of a CSV file before GDAL reads it.
 *
 * GDAL's CSV driver is forgiving: it drops extra fields of a row and reads an
 * unterminated quote to the end of the file.  For a hand-edited change log
 * that forgiveness would lose data silently, so the loader first walks the
 * file's records (RFC 4180 quoting) and reports rows whose field count
 * differs from the header's, and broken quoting, by line.  The walk also
 * maps each record to the line it starts on, so that messages about a
 * feature read by GDAL name the right line even after multi-line fields.
 *
 * A quote problem is reported once, at the line where its field starts: a
 * '"' inside an unquoted field (once per field), a quoted field with text
 * after its closing '"', or one never closed.  The last two leave the rest
 * of the file without a reading anyone can vouch for, so the walk stops
 * there; and since GDAL reads quotes its own way, a file with any of these
 * problems is not read through GDAL at all (the loader stops at it), which
 * would only add errors that are echoes of the one.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../diag.h"
#include "../fail.h"
#include "../util.h"
#include "csvlint.h"

fl_status fl__csv_lint(const char *path, const char *display, fl__diags *d,
		       int **record_lines, size_t *nrecords)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fl__fail(FL_ENOTFOUND, "%s: cannot open", display);
	/* one reader: the characters without a lock each (a log of a million
	 * rows is 60 MB of them) */
	int *lines = NULL;
	size_t n = 0, cap = 0;
	int line = 1, start_line = 1, field_line = 1, fields = 1, header_fields = -1;
	int in_quotes = 0, at_field_start = 1, stray = 0, broken = 0, any = 0, c;
	fl_status st = FL_OK;

	while ((c = getc_unlocked(f)) != EOF) {
		any = 1;
		if (in_quotes) {
			if (c == '"') {
				int c2 = getc_unlocked(f);
				if (c2 != '"') {
					in_quotes = 0;
					if (c2 == EOF)
						break;
					if (c2 != ',' && c2 != '\n' && c2 != '\r') {
						fl__diags_add(d, FL__ERROR, display, field_line, NULL,
							      "the quoted field that starts here has text after "
							      "its closing '\"' (a '\"' inside a quoted field is "
							      "written '\"\"'; or a quote is never closed): the "
							      "rest of the file is not read");
						broken = 1;
						break;
					}
					ungetc(c2, f);
				}
			} else if (c == '\n')
				line++;
			continue;
		}
		if (c == '"' && at_field_start) {
			in_quotes = 1;
			at_field_start = 0;
			field_line = line;
		} else if (c == '"') {
			if (!stray)
				fl__diags_add(d, FL__ERROR, display, field_line, NULL,
					      "a '\"' inside an unquoted field (quote the whole field and "
					      "double the '\"' inside)");
			stray = 1;
			at_field_start = 0;
		} else if (c == ',') {
			fields++;
			at_field_start = 1;
			stray = 0;
			field_line = line;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r') {
				int c2 = getc_unlocked(f);
				if (c2 != '\n' && c2 != EOF)
					ungetc(c2, f);
			}
			if (!(fields == 1 && at_field_start)) { /* skip blank lines */
				if (header_fields < 0)
					header_fields = fields;
				else {
					if (fields != header_fields)
						fl__diags_add(d, FL__ERROR, display, start_line, NULL,
							      "row has %d fields, the header has %d", fields,
							      header_fields);
					int *nl = fl__grow(lines, &cap, n + 1, sizeof *nl);
					if (!nl) {
						st = fl__fail(FL_ENOMEM, "out of memory");
						goto out;
					}
					lines = nl;
					lines[n++] = start_line;
				}
			}
			line++;
			start_line = field_line = line;
			fields = 1;
			at_field_start = 1;
			stray = 0;
		} else {
			if (at_field_start)
				field_line = line;
			at_field_start = 0;
		}
	}
	if (in_quotes)
		fl__diags_add(d, FL__ERROR, display, field_line, NULL,
			      "unterminated quoted field (the '\"' that opens it here is never closed)");
	else if (broken)
		; /* reported where the walk stopped */
	else if (any && !(fields == 1 && at_field_start)) { /* last row without newline */
		if (header_fields < 0)
			header_fields = fields;
		else {
			if (fields != header_fields)
				fl__diags_add(d, FL__ERROR, display, start_line, NULL,
					      "row has %d fields, the header has %d", fields, header_fields);
			int *nl = fl__grow(lines, &cap, n + 1, sizeof *nl);
			if (nl) {
				lines = nl;
				lines[n++] = start_line;
			}
		}
	}
	if (header_fields < 0)
		fl__diags_add(d, FL__ERROR, display, 1, NULL, "empty file: no header row");
out:
	fclose(f);
	if (st != FL_OK) {
		free(lines);
		return st;
	}
	*record_lines = lines;
	*nrecords = n;
	return FL_OK;
}
