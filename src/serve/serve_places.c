/*
 * serve_places.c: the places collection of `frontline serve`: the places a
 * tracker comes with (places.geojson in its folder, frontline/places.h),
 * read and located once when the tracker is loaded; serve_data.c makes
 * their holders at an instant into a feature set, cached like the control
 * map.  A tracker without places has no such collection.
 */
#include <stdio.h>
#include "serve.h"

int sv_places_init(sv_server *s, char *err, size_t errlen)
{
	s->places = NULL;
	char *path = fl_tracker_places_path(s->t);
	if (!path)
		return 0;
	int rc = 0;
	if (fl_places_open(s->t, path, NULL, &s->places) != FL_OK) {
		snprintf(err, errlen, "%s", fl_error_last());
		rc = 1;
	}
	fl_free(path);
	return rc;
}

void sv_places_free(sv_server *s)
{
	fl_places_free(s->places);
	s->places = NULL;
}

int sv_coll_present(const sv_server *s, int c)
{
	return c >= 0 && c < SV_NCOLL && (c != SV_PLACES || s->places);
}
