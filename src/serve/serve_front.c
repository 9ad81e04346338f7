/*
 * serve_front.c: the `front` collection: the front line at the datetime
 * instant (fl_lines_new), one feature per pair of holders with their ids,
 * names and the border's geodesic length, keyed "holder_a:holder_b".  Sets
 * are made and cached as the control collection's are (serve_data.c).
 */
#include "serve.h"

fl_status sv_front_features(const sv_server *s, const fl_query *q, fl_features **out)
{
	fl_lines *l = NULL;
	fl_status st = fl_lines_new(s->t, q, &l);
	if (!st)
		st = fl_lines_features(l, out);
	fl_lines_free(l);
	return st;
}
