/*
 * diag.c: the list of problems found in a tracker.  The loader and `check`
 * append to it instead of stopping at the first problem, so that a user
 * sees every problem of a file in one run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "util.h"

void fl__diags_add(fl__diags *d, fl__severity sev, const char *file, int line,
		   const char *field, const char *fmt, ...)
{
	fl__diag *v = fl__grow(d->v, &d->cap, d->n + 1, sizeof *v);
	if (!v)
		return;
	d->v = v;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fl__diag *g = &d->v[d->n++];
	g->severity = sev;
	g->file = fl__strdup(file);
	g->line = line;
	g->field = field ? fl__strdup(field) : NULL;
	g->message = fl__strdup(buf);
	if (sev == FL__ERROR)
		d->nerrors++;
}

void fl__diags_free(fl__diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].field);
		free(d->v[i].message);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->nerrors = 0;
}

char *fl__diag_text(const fl__diag *g)
{
	char where[64] = "";
	size_t fl = strlen(g->file);
	int is_csv = fl >= 4 && strcmp(g->file + fl - 4, ".csv") == 0;
	if (g->line > 0)
		snprintf(where, sizeof where, is_csv ? ":%d" : ": feature %d", g->line);
	if (g->field)
		return fl__printf("%s%s: field '%s': %s", g->file, where, g->field, g->message);
	return fl__printf("%s%s: %s", g->file, where, g->message);
}
