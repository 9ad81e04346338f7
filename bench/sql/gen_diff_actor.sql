-- What changed between :t1 and :t2 by actor pair: changed regions dissolved per (from, to).
WITH c AS (SELECT h1.holder AS "from", h2.holder AS "to", r.area_km2, r.geom
           FROM regions r
           CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= :'t1'
                               ORDER BY e.t DESC, e.seq DESC LIMIT 1) h1
           CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= :'t2'
                               ORDER BY e.t DESC, e.seq DESC LIMIT 1) h2
           WHERE h1.holder IS DISTINCT FROM h2.holder)
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 7)::json))
FROM (SELECT "from", "to", sum(area_km2) AS area_km2, ST_Union(geom) AS geom FROM c GROUP BY 1, 2) f;
