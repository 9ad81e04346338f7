/*
 * tracker_attribution.c: the attribution a tracker's README asks for
 * (fl_tracker_attribution, frontline/tracker.h): render's frame prints it,
 * the server publishes it for the viewer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracker_priv.h"
#include "util.h"

char *fl_tracker_attribution(const fl_tracker *t)
{
	char *p = t ? fl__printf("%s/README.md", t->path) : NULL;
	FILE *f = p ? fopen(p, "r") : NULL;
	free(p);
	if (!f)
		return NULL;
	char line[1024], acc[2048] = "";
	bool in = false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!in && !strncmp(line, "Attribution:", 12)) {
			in = true;
			snprintf(acc, sizeof acc, "%s", line);
		} else if (in && *line) {
			size_t n = strlen(acc);
			snprintf(acc + n, sizeof acc - n, " %s", line);
		} else if (in)
			break;
	}
	fclose(f);
	if (!in)
		return NULL;
	char *dot = strstr(acc, ". ");
	if (dot)
		dot[1] = 0;
	return fl__strdup(acc);
}
