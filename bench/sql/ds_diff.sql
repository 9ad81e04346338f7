-- What changed between two days (:d1, :d2 dates): gains (on d2, not on d1) and losses, as GeoJSON.
WITH a AS (SELECT geom FROM ds WHERE day = :'d1'), b AS (SELECT geom FROM ds WHERE day = :'d2'),
c AS (SELECT 'gain' AS kind, ST_Difference(b.geom, a.geom) AS geom FROM a, b
      UNION ALL SELECT 'loss', ST_Difference(a.geom, b.geom) FROM a, b)
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(f.*, 'geom', 7)::json))
FROM (SELECT kind, ST_Area(geom::geography) / 1e6 AS area_km2, geom FROM c WHERE NOT ST_IsEmpty(geom)) f;
