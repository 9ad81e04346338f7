/*
 * output_kml.c: KML's styles: one per actor in the document's style table,
 * and each feature drawn in its holder's (LIBKML only; other drivers ignore
 * both calls).
 */
#include <stdlib.h>
#include "output_sink.h"
#include "tracker_priv.h"
#include "util.h"

void fl__sink_actor_styles(fl__sink *s, const fl_tracker *t)
{
	GDALDatasetH ds = fl__sink_is_kml(s) ? fl__sink_dataset(s) : NULL;
	if (!ds)
		return;
	OGRStyleTableH tbl = OGR_STBL_Create();
	for (size_t i = 0; i < t->nactors; i++) {
		char *style = fl__printf("BRUSH(fc:%sb0);PEN(c:#333333ff,w:1px)", t->actors[i].color);
		OGR_STBL_AddStyle(tbl, t->actors[i].id, style);
		free(style);
	}
	GDALDatasetSetStyleTable(ds, tbl);
	OGR_STBL_Destroy(tbl);
	s->actor_styles = true;
}

void fl__sink_actor_style(fl__sink *s, const char *actor_id)
{
	if (!s->actor_styles || !actor_id)
		return;
	char *style = fl__printf("@%s", actor_id);
	fl__sink_style(s, style);
	free(style);
}
