-- What changed between :t1 and :t2 by region: regions whose latest holder differs, with the
-- events of (t1, t2] on them, as GeoJSON.
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 7)::json))
FROM (SELECT r.id AS region, r.name, h1.holder AS "from", h2.holder AS "to", r.area_km2,
             (SELECT string_agg(e.id, ';' ORDER BY e.t, e.seq) FROM events e
              WHERE e.region = r.idx AND e.t > :'t1' AND e.t <= :'t2') AS events, r.geom
      FROM regions r
      CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= :'t1'
                          ORDER BY e.t DESC, e.seq DESC LIMIT 1) h1
      CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= :'t2'
                          ORDER BY e.t DESC, e.seq DESC LIMIT 1) h2
      WHERE h1.holder IS DISTINCT FROM h2.holder) f;
