/*
 * features.h: a snapshot, a diff or a tracker layer as GeoJSON features,
 * each ready to send: its bytes, its identifying property and its bounding
 * box.
 *
 * This is what a server needs to answer OGC API - Features requests without
 * reading GeoJSON back: pages are the features' bytes joined with commas
 * inside a FeatureCollection, a bbox filter is a test of the features'
 * boxes, and an HTML table shows the properties as text.  The features are those fl_snapshot_write_buffer(),
 * fl_diff_write_buffer() and fl_tracker_write_layer_buffer() write as
 * GeoJSON (RFC 7946: coordinates rounded to 7 decimals, rings wound), in the
 * same order, with the same members, properties and numbers, without the
 * whitespace between tokens.
 *
 * Ownership: each call returns a set the caller frees with
 * fl_features_free(); the features, their bytes, keys and properties belong
 * to the set, which owns copies (the snapshot, diff or tracker may be freed
 * first).  A set is never changed after it is made: several threads may
 * read it.
 */
#ifndef FRONTLINE_FEATURES_H
#define FRONTLINE_FEATURES_H
#include <stdbool.h>
#include <stddef.h>
#include "frontline/snapshot.h"
#include "frontline/diff.h"
#ifdef __cplusplus
extern "C" {
#endif

/* One property of a feature, as text: a string's characters (its JSON
 * escapes undone), a number, true or false as written in json; text is NULL
 * for null. */
typedef struct fl_property {
	const char *name;
	const char *text;
} fl_property;

typedef struct fl_feature {
	/* One GeoJSON Feature object, NUL-terminated, no whitespace between
	 * tokens; it starts with {"type":"Feature", and then has "properties"
	 * and "geometry" (null when the feature has none). */
	const char *json;
	size_t len;            /* strlen(json) */
	/* The property that names the feature in its set, NULL when it is null:
	 * the region of a snapshot or diff by region, the holder of one by actor
	 * (NULL for the area no one holds), the id of a region, zone or event.
	 * Not unique: a region split between holders gives several pieces. */
	const char *key;
	bool has_bbox;         /* false: no geometry, or an empty one */
	double bbox[4];        /* min lon, min lat, max lon, max lat of the
				* coordinates as written in json */
	/* The members of "properties" in their order, as text (for a table of
	 * them, without reading json again). */
	const fl_property *props;
	size_t nprops;
	/* The geometry's "type" ("Polygon", "MultiPolygon", ...), NULL when the
	 * feature has no geometry. */
	const char *geometry_type;
} fl_feature;

typedef struct fl_features fl_features;

FL_API fl_status fl_snapshot_features(const fl_snapshot *s, fl_features **out);
FL_API fl_status fl_diff_features(const fl_diff *d, fl_features **out);
/* layer "regions", "zones" or "events", as fl_tracker_write_layer_buffer()
 * (events in the order they apply); another name fails with FL_EARG. */
FL_API fl_status fl_tracker_layer_features(const fl_tracker *t, const char *layer,
					   fl_features **out);

FL_API size_t fl_features_count(const fl_features *f);
/* Feature i (< fl_features_count()), NULL past the end. */
FL_API const fl_feature *fl_features_at(const fl_features *f, size_t i);
FL_API void fl_features_free(fl_features *f);

/* The first layer of the vector source at path (any GDAL source, read as
 * longitude/latitude) cut to bbox (W, S, E, N in degrees): its features
 * that meet the box, their geometries clipped to it, with all their
 * fields, as one RFC 7946 GeoJSON FeatureCollection (coordinates to 5
 * decimals), for a base map sent to a browser.  *buf is malloc'd and
 * NUL-terminated (free with fl_free), *len its length.  FL_EARG for a bad
 * bbox, FL_EIO when GDAL cannot read or cut the source. */
FL_API fl_status fl_vector_clip_buffer(const char *path, const double bbox[4], char **buf,
				       size_t *len);

#ifdef __cplusplus
}
#endif
#endif
