/*
 * record.h: appending an event to a tracker, safely.
 *
 * fl_record_append() validates the new event against the tracker as it is
 * (known regions and actors, `to` and `from` able to hold territory (not of
 * kind presence), a valid date, a source, UTF-8 text, a correction naming an
 * existing event, and `from` being the holder of every piece of the area at
 * the event's instant, the corrected event left out) and only then
 * writes it; a refused event leaves every file as it was.
 *
 * The write never loses or corrupts data:
 *   - folder tracker: under an advisory lock (flock) on events.csv, the file
 *     is re-read, the row appended, and the whole file written to a
 *     temporary file, fsync'd and renamed over events.csv (then the folder
 *     fsync'd).  A polygon goes to areas.geojson first, the same way; the
 *     events.csv rename is the commit point.  Concurrent writers queue on the
 *     lock and all land; a writer killed at any point leaves either the old
 *     or the new file.
 *   - GeoPackage, PostgreSQL/PostGIS: one transaction (an advisory lock per
 *     tracker serialises validation and insert among writers).
 *
 * `recorded` is the current instant unless given (an event learnt earlier,
 * backfilled): not in the future (a minute of slack for clocks), not more
 * than a day before the event's date, not before the event it corrects was
 * recorded.  The id is generated unless given: DATE-FIRSTREGION (or
 * DATE-area), then -2, -3... when taken.
 *
 * A correction (`corrects`) replaces the event it names from the instant
 * it is recorded: a claim confirmed (the same transfer, status confirmed),
 * a date or holder fixed.  The event must exist, must not be a retraction,
 * and must not be corrected already (correct the correction instead);
 * the duplicate check leaves it out, so a confirmation may repeat the
 * claim's date, area, `to`, `from` and source.  fl_record_retract()
 * withdraws an event without replacing it.
 */
#ifndef FRONTLINE_RECORD_H
#define FRONTLINE_RECORD_H

#include <stddef.h>
#include "frontline/tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fl_record {
	const char *id;               /* NULL: generated */
	const char *date;             /* ISO 8601, required */
	const char *const *regions;   /* region ids ... */
	size_t nregions;
	const char *area_file;        /* ... and/or a polygon file (any GDAL vector format) */
	const char *to;               /* actor id, required */
	const char *from;             /* expected previous holder, or NULL */
	const char *source;           /* required */
	fl_event_kind kind;           /* 0: FL_KIND_CAPTURE */
	fl_event_status status;       /* 0: FL_STATUS_CLAIMED */
	const char *note;             /* may be NULL */
	const char *corrects;         /* the id of the event this one corrects, or NULL
				       * (required for kind correction; the tool's
				       * --corrects makes the kind correction unless
				       * --kind says otherwise) */
	const char *recorded;         /* when it entered the record (ISO 8601), NULL: now */
	int partial;                  /* the source speaks of part of the region only */
} fl_record;

/* Validate and append.  The id of the recorded event is written to id_out
 * (id_len bytes, may be NULL).  Refusals are FL_EARG (a parameter: the
 * message names the field of fl_record in backquotes, `to`, `area_file`,
 * so that a caller can say it in its own words) or FL_EINPUT (the tracker
 * itself is bad); nothing is written then.  A kind or status out of the
 * enum's range is FL_EARG.  FL_EIO also for a folder tracker's file that has no write
 * permission (none at all, or none for the caller): it is not replaced.
 *
 * An event identical to one already recorded (same instant, same regions
 * and the same polygon on the engine's 1e-7 degree grid, same to, from and
 * source) is refused unless r->id names a new id: a retried command never
 * records twice.
 *
 * A polygon (area_file) must lie inside the tracker's regions when it has
 * any: a part outside under 1 km² and under 1 % of the polygon is clipped
 * off (fl_record_result says how much), a larger one refused (FL_EARG; the
 * message says how much lies outside, and whether the polygon would fit
 * with longitude and latitude swapped).  Without regions, the tracker's
 * extent is the union of its event polygons and nothing is clipped. */
FL_API fl_status fl_record_append(const char *tracker, const fl_record *r, char *id_out,
				  size_t id_len);

/* What fl_record_append_ex() reports besides the status. */
typedef struct fl_record_result {
	char id[256];          /* the recorded event's id */
	double clipped_km2;    /* geodesic area cut off the polygon outside the regions */
	char warning[512];     /* "" or what the caller should tell: the polygon clipped */
} fl_record_result;

/* The same, with the clipping reported in *res (which may be NULL). */
FL_API fl_status fl_record_append_ex(const char *tracker, const fl_record *r, fl_record_result *res);

/* A retraction: event `retracts` withdrawn, nothing deleted.  It is a row
 * of kind retraction with `corrects` = the event, no regions or area, no
 * `to` or `from`, status confirmed (the analyst's own withdrawal, so that
 * --status confirmed drops the event too) and the event's date as written:
 * like any correction it applies from its `recorded` instant on, so a
 * query as of an earlier instant still counts the event.  The event must
 * exist, must not be corrected already, and must not be a retraction (the
 * way back is to record the event again). */
typedef struct fl_retraction {
	const char *id;       /* NULL: generated, RETRACTS-retraction (then -2, -3...) */
	const char *retracts; /* the id of the event withdrawn, required */
	const char *source;   /* why: required */
	const char *note;     /* may be NULL */
	const char *recorded; /* ISO 8601, NULL: now (the same rules as fl_record's) */
} fl_retraction;

/* Validate and append a retraction, as fl_record_append() does an event
 * (the same lock, transaction, refusals naming fields of fl_retraction in
 * backquotes, nothing written on a refusal).  Its id goes to id_out. */
FL_API fl_status fl_record_retract(const char *tracker, const fl_retraction *r, char *id_out,
				   size_t id_len);

#ifdef __cplusplus
}
#endif
#endif
