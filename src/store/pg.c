/*
 * store/pg.c: a tracker in PostgreSQL/PostGIS, and control computed inside it.
 *
 * `frontline copy` into a database installs SQL functions next to the
 * tables, so that any PostGIS client can ask who held what:
 *
 *   SELECT * FROM frontline_control_at('2020-11-25');
 *   SELECT * FROM frontline_control_at('2020-11-25', as_of => '2020-11-08',
 *                                      confirmed_only => true);
 *
 * They replay the change log in SQL with the engine's rules: an event
 * counts when recorded by as_of and passing the status filter, unless a
 * counting correction names it; per region the latest counting event with
 * instant <= T gives the holder (ties in row order), `since` is the start of
 * the holder's unbroken run; a date-only T means the end of that day, a
 * date-only event the start of its day, both in the tracker's time zone
 * (frontline_time_zone(): its `tracker` table's time_zone, else UTC).  Regions never touched come out
 * with a NULL holder, as in the tool.  Events with polygons (`area`) are not
 * covered: their atoms need the overlay, which the in-memory engine does;
 * nor is contested ground (events with `parties`: the functions give it the
 * holder `contested`), which the engine gives its parties.
 *
 * fl_pg_snapshot_write() pushes a by-region snapshot down to that function
 * (one query, rows out: no table is pulled) when the tracker has no polygon
 * events, and writes the rows through the same sink as the engine;
 * fl_store_snapshot_write() decides, for any tracker path, whether the store
 * answers (so the tool never looks at the path's scheme).
 */
#include "../gdal_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg.h"
#include "frontline/store.h"
#include <geos_c.h>
#include "../date_zone.h"
#include "../fail.h"
#include "../geo.h"
#include "../sink.h"
#include "../util.h"

static const char *const install_sql[] = {
	/* the tracker's time zone: its `tracker` table's time_zone, UTC when
	 * there is none (plpgsql: the table may not exist) */
	"CREATE OR REPLACE FUNCTION frontline_time_zone()\n"
	"RETURNS text LANGUAGE plpgsql STABLE AS $$\n"
	"DECLARE z text;\n"
	"BEGIN\n"
	"  IF to_regclass('tracker') IS NULL THEN RETURN 'UTC'; END IF;\n"
	"  EXECUTE 'SELECT value::text FROM tracker WHERE key = ''time_zone'' LIMIT 1' INTO z;\n"
	"  RETURN coalesce(nullif(btrim(z), ''), 'UTC');\n"
	"END\n"
	"$$",

	/* an ISO 8601 text as the tool reads it: a bare date is the start (or,
	 * for queries, the end) of its day in the tracker's time zone; no offset
	 * means that zone's clocks */
	"CREATE OR REPLACE FUNCTION frontline_instant(t text, end_of_day boolean DEFAULT false)\n"
	"RETURNS timestamptz LANGUAGE sql STABLE AS $$\n"
	"  SELECT CASE\n"
	"    WHEN t IS NULL OR btrim(t) = '' THEN NULL\n"
	"    WHEN t ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN\n"
	"      CASE WHEN end_of_day\n"
	"        THEN ((t::date + 1)::timestamp AT TIME ZONE frontline_time_zone()) - interval '1 second'\n"
	"        ELSE t::date::timestamp AT TIME ZONE frontline_time_zone() END\n"
	"    WHEN t ~ '(Z|z|[+-]\\d{2}(:?\\d{2})?)$' AND t ~ 'T' THEN t::timestamptz\n"
	"    ELSE t::timestamp AT TIME ZONE frontline_time_zone() END\n"
	"$$",

	/* the instant an event takes effect, as the engine applies it (its
	 * nominal instant, event_date.c): a date or date-time as above; an EDTF
	 * period's earliest day (an interval's start, a month's first day, a
	 * season's, a year's, X digits at their least, one unit earlier for a
	 * qualifier ~ ? %).  Uncertainty itself is the engine's: the tool does
	 * not push such a tracker down (pushdown_refused). */
	"CREATE OR REPLACE FUNCTION frontline_event_instant(t text)\n"
	"RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$\n"
	"DECLARE s text := btrim(t); q boolean; u interval; d date;\n"
	"BEGIN\n"
	"  IF s IS NULL OR s = '' THEN RETURN NULL; END IF;\n"
	"  s := split_part(s, '/', 1);\n"
	"  IF s ~ 'T' THEN RETURN frontline_instant(s); END IF;\n"
	"  q := s ~ '[~?%]$';\n"
	"  s := regexp_replace(regexp_replace(replace(regexp_replace(s, '[~?%]$', ''), 'X', '0'),\n"
	"                      '-00$', '-01'), '-00-', '-01-');\n"
	"  s := regexp_replace(s, '-00$', '-01');\n"
	"  IF s ~ '^\\d{4}$' THEN d := make_date(s::int, 1, 1); u := interval '1 year';\n"
	"  ELSIF s ~ '^\\d{4}-2[1-4]$' THEN\n"
	"    d := make_date(left(s, 4)::int, (right(s, 2)::int - 21) * 3 + 3, 1); u := interval '3 months';\n"
	"  ELSIF s ~ '^\\d{4}-\\d{2}$' THEN d := (s || '-01')::date; u := interval '1 month';\n"
	"  ELSIF s ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN d := s::date; u := interval '1 day';\n"
	"  ELSE RETURN frontline_instant(s); END IF;\n"
	"  IF q THEN d := (d - u)::date; END IF;\n"
	"  RETURN d::timestamp AT TIME ZONE frontline_time_zone();\n"
	"END\n"
	"$$",

	"CREATE OR REPLACE FUNCTION frontline_control_at(t timestamptz, as_of timestamptz DEFAULT NULL,\n"
	"                                                confirmed_only boolean DEFAULT false)\n"
	"RETURNS TABLE(region text, name text, alt_names text, holder text, holder_name text,\n"
	"              since timestamptz, event text, kind text, status text, source text,\n"
	"              partial boolean, note text, area_km2 double precision, geom geometry)\n"
	"LANGUAGE sql STABLE AS $$\n"
	"WITH vis AS (\n"
	"  SELECT e.ogc_fid AS ord, e.id::text AS id, frontline_event_instant(e.date) AS at,\n"
	"         e.\"to\"::text AS holder, e.kind::text AS kind, e.status::text AS status,\n"
	"         e.source::text AS source, e.note::text AS note, e.partial::text AS partial,\n"
	"         e.regions::text AS regions, nullif(e.corrects, '')::text AS corrects\n"
	"  FROM events e\n"
	"  WHERE (as_of IS NULL OR coalesce(frontline_instant(e.recorded), frontline_event_instant(e.date)) <= as_of)\n"
	"    AND (NOT confirmed_only OR e.status = 'confirmed')\n"
	"), act AS (\n"
	"  SELECT v.* FROM vis v WHERE NOT EXISTS (SELECT 1 FROM vis c WHERE c.corrects = v.id)\n"
	"), per AS (\n"
	"  SELECT a.*, x.region FROM act a\n"
	"  CROSS JOIN LATERAL (\n"
	"    SELECT g.id::text AS region FROM regions g WHERE a.regions = '*'\n"
	"    UNION ALL\n"
	"    SELECT btrim(s) FROM unnest(string_to_array(a.regions, ';')) s\n"
	"    WHERE a.regions <> '*' AND btrim(s) <> '') x\n"
	"  WHERE a.at <= t\n"
	"), flagged AS (\n"
	"  SELECT p.*, CASE WHEN p.holder IS DISTINCT FROM lag(p.holder) OVER w THEN 1 ELSE 0 END AS brk\n"
	"  FROM per p WINDOW w AS (PARTITION BY p.region ORDER BY p.at, p.ord)\n"
	"), runs AS (\n"
	"  SELECT f.*, sum(f.brk) OVER (PARTITION BY f.region ORDER BY f.at, f.ord) AS run FROM flagged f\n"
	"), last AS (\n"
	"  SELECT DISTINCT ON (r.region) r.* FROM runs r ORDER BY r.region, r.at DESC, r.ord DESC\n"
	"), started AS (\n"
	"  SELECT r.region, min(r.at) AS since FROM runs r JOIN last l ON l.region = r.region AND l.run = r.run\n"
	"  GROUP BY r.region\n"
	")\n"
	"SELECT g.id::text, g.name::text, coalesce(g.alt_names, '')::text, l.holder, ac.name::text,\n"
	"       s.since, l.id, CASE WHEN l.id IS NOT NULL THEN coalesce(nullif(l.kind, ''), 'capture') END,\n"
	"       l.status, l.source,\n"
	"       CASE WHEN l.id IS NULL THEN NULL ELSE coalesce(l.partial IN ('true', '1'), false) END,\n"
	"       nullif(l.note, ''), ST_Area(ST_Transform(g.geom, 4326)::geography) / 1e6,\n"
	"       ST_Transform(g.geom, 4326)\n"
	"FROM regions g\n"
	"LEFT JOIN last l ON l.region = g.id\n"
	"LEFT JOIN started s ON s.region = g.id\n"
	"LEFT JOIN actors ac ON ac.id = l.holder\n"
	"ORDER BY g.ogc_fid\n"
	"$$",

	"CREATE OR REPLACE FUNCTION frontline_control_at(t text, as_of text DEFAULT NULL,\n"
	"                                                confirmed_only boolean DEFAULT false)\n"
	"RETURNS TABLE(region text, name text, alt_names text, holder text, holder_name text,\n"
	"              since timestamptz, event text, kind text, status text, source text,\n"
	"              partial boolean, note text, area_km2 double precision, geom geometry)\n"
	"LANGUAGE sql STABLE AS $$\n"
	"  SELECT * FROM frontline_control_at(frontline_instant(t, true), frontline_instant(as_of, true),\n"
	"                                     confirmed_only)\n"
	"$$",

	/* area held per actor at T */
	"CREATE OR REPLACE FUNCTION frontline_area_at(t text)\n"
	"RETURNS TABLE(holder text, area_km2 double precision) LANGUAGE sql STABLE AS $$\n"
	"  SELECT c.holder, sum(c.area_km2) FROM frontline_control_at(t) c\n"
	"  WHERE c.holder IS NOT NULL GROUP BY c.holder ORDER BY c.holder\n"
	"$$",

	"CREATE INDEX IF NOT EXISTS events_id_idx ON events (id)",
	NULL};

static fl_status exec_sql(GDALDatasetH ds, const char *sql)
{
	CPLErrorReset();
	OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
	if (r)
		GDALDatasetReleaseResultSet(ds, r);
	if (CPLGetLastErrorType() >= CE_Failure)
		return fl__fail(FL_EIO, "PostgreSQL: %s", CPLGetLastErrorMsg());
	return FL_OK;
}

fl_status fl__pg_install(void *ds)
{
	fl_status st = FL_OK;
	for (size_t i = 0; install_sql[i] && !st; i++)
		st = exec_sql(ds, install_sql[i]);
	if (st)
		return fl__fail(st, "copy: installing the SQL functions failed: %s", fl_error_last());
	return FL_OK;
}

/* ---------------------------------------------------------- push-down */
static bool has_rows(GDALDatasetH ds, const char *sql)
{
	CPLErrorReset();
	OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
	bool any = false;
	if (r) {
		OGRFeatureH f = OGR_L_GetNextFeature(r);
		any = f != NULL;
		if (f)
			OGR_F_Destroy(f);
		GDALDatasetReleaseResultSet(ds, r);
	}
	return any;
}

/* The time zone the tracker's `tracker` table declares (*out NULL: UTC). */
static fl_status pg_zone(GDALDatasetH ds, fl__tz **out)
{
	*out = NULL;
	if (!GDALDatasetGetLayerByName(ds, "tracker"))
		return FL_OK;
	CPLErrorReset();
	OGRLayerH r = GDALDatasetExecuteSQL(
		ds, "SELECT value::text AS v FROM tracker WHERE key = 'time_zone' LIMIT 1", NULL, NULL);
	fl_status st = FL_OK;
	if (r) {
		OGRFeatureH f = OGR_L_GetNextFeature(r);
		if (f) {
			st = fl__tz_open(OGR_F_GetFieldAsString(f, 0), out);
			OGR_F_Destroy(f);
		}
		GDALDatasetReleaseResultSet(ds, r);
	}
	return st;
}

/* The push-down; date and as_of (when not NULL) the texts of q's at and
 * as_of, read in the tracker's time zone. */
/* Why the SQL functions cannot answer for this tracker (FL_ENOTFOUND: the
 * in-memory engine does), or FL_OK. */
static fl_status pushdown_refused(GDALDatasetH ds, const char *tracker)
{
	OGRLayerH ev = GDALDatasetGetLayerByName(ds, "events");
	if (!ev || !has_rows(ds, "SELECT 1 AS x FROM pg_proc WHERE proname = 'frontline_control_at'"))
		return fl__fail(FL_ENOTFOUND, "no SQL functions in '%s'", tracker);
	if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(ev), "area") >= 0 &&
	    has_rows(ds, "SELECT 1 AS x FROM events WHERE coalesce(area, '') <> '' LIMIT 1"))
		return fl__fail(FL_ENOTFOUND, "polygon events: the in-memory engine computes those");
	if (has_rows(ds, "SELECT 1 AS x FROM events WHERE date !~ "
			 "'^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|z|[+-]\\d{2}(:?\\d{2})?)?)?$' LIMIT 1"))
		return fl__fail(FL_ENOTFOUND, "dates with a period (EDTF): the in-memory engine computes those");
	if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(ev), "parties") >= 0 &&
	    has_rows(ds, "SELECT 1 AS x FROM events WHERE coalesce(parties, '') <> '' LIMIT 1"))
		return fl__fail(FL_ENOTFOUND, "contested ground: the in-memory engine computes it");
	return FL_OK;
}

static fl_status pg_snapshot(const char *tracker, const char *date, const char *as_of,
			     const fl_query *q0, const char *path, const char *format)
{
	if (!tracker || !q0)
		return fl__fail(FL_EARG, "fl_pg_snapshot_write: NULL argument");
	if (strncmp(tracker, "PG:", 3))
		return fl__fail(FL_ENOTFOUND, "not a PostgreSQL tracker");
	fl_status st0 = fl__gdal_ready();
	if (st0)
		return st0;
	CPLErrorReset();
	GDALDatasetH ds = GDALOpenEx(tracker, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!ds)
		return fl__fail(FL_ENOTFOUND, "cannot open '%s'", tracker);
	fl_status st = pushdown_refused(ds, tracker);
	/* the dates in the tracker's time zone; a zone that does not open is
	 * the engine's to report (file, line and field) */
	fl__tz *tz = NULL;
	if (!st && pg_zone(ds, &tz))
		st = fl__fail(FL_ENOTFOUND, "the tracker's time zone: %s", fl_error_last());
	fl_query q = *q0;
	if (!st && date && fl__parse_date_tz(tz, date, FL_DATE_END, "date", &q.at))
		st = FL_EARG;
	if (!st && as_of && !fl__parse_date_tz(tz, as_of, FL_DATE_END, "as_of", &q.as_of))
		q.has_as_of = 1;
	else if (!st && as_of)
		st = FL_EARG;
	if (st) {
		fl__tz_free(tz);
		GDALClose(ds);
		return st;
	}
	char at[40], asof[40];
	fl__format_instant_tz(tz, q.at, at, sizeof at);
	if (q.has_as_of)
		fl__format_instant_tz(tz, q.as_of, asof, sizeof asof);
	char *sql = fl__printf(
		"SELECT region, name, alt_names, holder, holder_name,"
		" extract(epoch FROM since)::float8 AS since_s, event, kind, status, source,"
		" CASE WHEN partial THEN 1 WHEN NOT partial THEN 0 END AS partial_i, note, area_km2, geom"
		" FROM frontline_control_at('%s'::timestamptz, %s%s%s, %s)",
		at, q.has_as_of ? "'" : "", q.has_as_of ? asof : "NULL::timestamptz",
		q.has_as_of ? "'::timestamptz" : "", q.confirmed_only ? "true" : "false");
	CPLErrorReset();
	OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
	free(sql);
	if (!r) {
		st = fl__fail(FL_EIO, "PostgreSQL: frontline_control_at failed: %s", CPLGetLastErrorMsg());
		fl__tz_free(tz);
		GDALClose(ds);
		return st;
	}
	static const fl__field fields[] = {
		{"region", FL__STR},  {"name", FL__STR},	  {"alt_names", FL__STR},
		{"holder", FL__STR},  {"holder_name", FL__STR}, {"since", FL__DATE},
		{"event", FL__STR},   {"kind", FL__STR},	  {"status", FL__STR},
		{"source", FL__STR},  {"partial", FL__BOOL},	  {"note", FL__STR},
		{"area_km2", FL__REAL}, {"uncertain", FL__BOOL}, {"uncertain_from", FL__DATE},
		{"uncertain_to", FL__DATE}, {"uncertain_event", FL__STR}, {"possible_holders", FL__STR},
		{"contested", FL__STR}};
	/* (exact dates only and no parties, above: no piece is uncertain or contested) */
	fl__sink *k = NULL;
	st = fl__sink_open(path, format, "control", fields, 19, true, &k);
	if (!st)
		fl__sink_zone(k, tz); /* `since` the tracker's date, as the engine writes it */
	GEOSContextHandle_t h = fl__geos_new();
	/* areas as the engine computes them (PROJ's geodesic on the ellipsoid),
	 * so that the output is the engine's, to the digits the format writes */
	fl__geod geod;
	if (!st)
		st = fl__geod_init(&geod);
	OGRFeatureH f;
	while (!st && (f = OGR_L_GetNextFeature(r))) {
		fl__value v[19];
		memset(v, 0, sizeof v);
		for (int i = 14; i < 19; i++)
			v[i].null = true;
		const char *names[] = {"region", "name", "alt_names", "holder", "holder_name", "since_s",
				       "event", "kind", "status", "source", "partial_i", "note", "area_km2"};
		for (int i = 0; i < 13; i++) {
			int fi = OGR_F_GetFieldIndex(f, names[i]);
			if (fi < 0 || !OGR_F_IsFieldSetAndNotNull(f, fi)) {
				v[i].null = true;
				continue;
			}
			switch (fields[i].type) {
			case FL__STR: v[i].s = OGR_F_GetFieldAsString(f, fi); break;
			case FL__REAL: v[i].d = OGR_F_GetFieldAsDouble(f, fi); break;
			case FL__BOOL: v[i].i = OGR_F_GetFieldAsInteger(f, fi); break;
			case FL__DATE: v[i].t = (fl_instant)OGR_F_GetFieldAsDouble(f, fi); break;
			default: break;
			}
		}
		OGRGeometryH og = OGR_F_GetGeometryRef(f);
		GEOSGeometry *g = NULL;
		if (og) {
			int len = OGR_G_WkbSize(og);
			unsigned char *buf = malloc((size_t)len);
			if (buf && OGR_G_ExportToIsoWkb(og, wkbNDR, buf) == OGRERR_NONE)
				g = fl__geos_from_wkb(h, buf, (size_t)len);
			free(buf);
		}
		if (g)
			v[12] = (fl__value){.d = fl__geod_area_km2(&geod, h, g)};
		st = fl__sink_add(k, v, h, g);
		if (g)
			GEOSGeom_destroy_r(h, g);
		OGR_F_Destroy(f);
	}
	GDALDatasetReleaseResultSet(ds, r);
	GDALClose(ds);
	GEOS_finish_r(h);
	if (st)
		fl__sink_abort(k);
	else
		st = fl__sink_commit(k);
	fl__tz_free(tz);
	return st;
}

fl_status fl_pg_snapshot_write(const char *tracker, const fl_query *q, const char *path,
			       const char *format)
{
	return pg_snapshot(tracker, NULL, NULL, q, path, format);
}

fl_status fl_store_snapshot_write(const char *tracker, const fl_query *q, fl_group by,
				  const char *path, const char *format)
{
	return fl_store_snapshot_write_at(tracker, NULL, NULL, q, by, path, format);
}

fl_status fl_store_snapshot_write_at(const char *tracker, const char *date, const char *as_of,
				     const fl_query *q, fl_group by, const char *path,
				     const char *format)
{
	if (!tracker || !q)
		return fl__fail(FL_EARG, "fl_store_snapshot_write: tracker or q is NULL");
	if (strncmp(tracker, "PG:", 3))
		return fl__fail(FL_ENOTFOUND, "'%s' is not a PostgreSQL tracker: the store computes no "
					      "snapshot by itself", tracker);
	if (by != FL_BY_REGION || q->nholders)
		return fl__fail(FL_ENOTFOUND, "PostgreSQL computes snapshots by region for every holder only");
	return pg_snapshot(tracker, date, as_of, q, path, format);
}
