-- The map at :t by actor: the same latest holder per region, dissolved with ST_Union ... GROUP BY.
WITH h AS (SELECT r.idx, r.area_km2, r.geom, h.holder
           FROM regions r
           CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= :'t'
                               ORDER BY e.t DESC, e.seq DESC LIMIT 1) h),
a AS (SELECT holder, sum(area_km2) AS area_km2, ST_Union(geom) AS geom FROM h GROUP BY holder)
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 7)::json))
FROM (SELECT holder, area_km2, area_km2 / sum(area_km2) OVER () AS share, geom FROM a) f;
