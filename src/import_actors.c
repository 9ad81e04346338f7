/*
 * import_actors.c: the actors and the credit of an import-series tracker:
 * the checks of `actors` (names and colours of holder and other) and
 * `attribution`, and the name and colour actors.csv gives each actor (the
 * import's own, or the defaults), for the import, its state file and
 * --append alike.
 */
#include <stdbool.h>
#include <string.h>
#include "fail.h"
#include "import_priv.h"
#include "utf8.h"

/* A name or text written into the tracker as it is: UTF-8, on one line. */
static bool one_line(const char *s)
{
	if (!fl__utf8_valid(s))
		return false;
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

fl_status fl__import_check_names(const fl_import_opts *o)
{
	if (o->attribution && (!*o->attribution || !one_line(o->attribution)))
		return fl__fail(FL_EARG, "`attribution`: %s", *o->attribution ? "not one line of UTF-8 text"
										 : "empty");
	for (size_t i = 0; i < o->nactors; i++) {
		const fl_import_actor *a = &o->actors[i];
		const char *id = a->id ? a->id : "";
		if (!a->id || (strcmp(a->id, o->holder) && strcmp(a->id, o->other)))
			return fl__fail(FL_EARG, "`actors` '%s': neither `holder` '%s' nor `other` '%s'", id,
					o->holder, o->other);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(o->actors[k].id, a->id))
				return fl__fail(FL_EARG, "`actors` '%s': given twice", id);
		if (a->name && !one_line(a->name))
			return fl__fail(FL_EARG, "`actors` '%s': the name is not one line of UTF-8 text", id);
		const char *c = a->color;
		if (c && (strlen(c) != 7 || c[0] != '#' || strspn(c + 1, "0123456789abcdefABCDEF") != 6))
			return fl__fail(FL_EARG, "`actors` '%s': the colour '%s' is not of the form #rrggbb", id, c);
	}
	return FL_OK;
}

void fl__import_actor(const fl_import_opts *o, const char *id, const char **name, const char **color)
{
	*name = id;
	*color = !strcmp(id, o->holder) ? "#d62728" : "#1f77b4";
	for (size_t i = 0; i < o->nactors; i++)
		if (!strcmp(o->actors[i].id, id)) {
			if (o->actors[i].name && *o->actors[i].name)
				*name = o->actors[i].name;
			if (o->actors[i].color)
				*color = o->actors[i].color;
		}
}
