/* helpers.h: small fixtures shared by the unit tests (temporary trackers). */
#ifndef FL_TEST_HELPERS_H
#define FL_TEST_HELPERS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KARABAKH FL_SOURCE_ROOT "/geodata/karabakh"

/* Make a temporary folder; returns a malloc'd path. */
static inline char *tmp_tracker(void)
{
	char *p = strdup("/tmp/fl-test-XXXXXX");
	return mkdtemp(p) ? p : NULL;
}

static inline void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static inline void rm_tree(char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}

/* Three unit squares side by side: a [0,1], b [1,2], c [2,3] x [0,1]. */
#define SQUARES_REGIONS                                                                       \
	"{\"type\":\"FeatureCollection\",\"features\":["                                       \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"name\":\"A\"},\"geometry\":{\"type\":" \
	"\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},"                     \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"b\",\"name\":\"B\"},\"geometry\":{\"type\":" \
	"\"Polygon\",\"coordinates\":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},"                     \
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"c\",\"name\":\"C\"},\"geometry\":{\"type\":" \
	"\"Polygon\",\"coordinates\":[[[2,0],[3,0],[3,1],[2,1],[2,0]]]}}]}"
#define SQUARES_ACTORS "id,name,color\nX,Side X,#ff0000\nY,Side Y,#0000ff\n"
/* The three squares and an area 'adv' ([0.5, 1.5] x [0, 1], across a and b);
 * events.csv (and anything else) to be written by the test; returns the folder. */
static inline char *advance_tracker(void)
{
	char *dir = tmp_tracker();
	if (!dir)
		return NULL;
	write_file(dir, "actors.csv", SQUARES_ACTORS);
	write_file(dir, "regions.geojson", SQUARES_REGIONS);
	write_file(dir, "areas.geojson",
		   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		   "{\"id\":\"adv\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		   "[[[0.5,0],[1.5,0],[1.5,1],[0.5,1],[0.5,0]]]}}]}");
	return dir;
}
#define EVENTS_HEADER "id,date,regions,to,from,kind,status,source,note,recorded,corrects,partial\n"
#endif
