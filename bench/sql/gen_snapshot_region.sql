-- The map at :t (timestamptz) by region as GeoJSON: the latest event per region through the
-- (region, t, seq) index, one feature per region with its holder and area.
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 7)::json))
FROM (SELECT r.id AS region, r.name, h.holder, h.id AS event, r.area_km2, r.geom
      FROM regions r
      CROSS JOIN LATERAL (SELECT e.holder, e.id FROM events e WHERE e.region = r.idx AND e.t <= :'t'
                          ORDER BY e.t DESC, e.seq DESC LIMIT 1) h) f;
