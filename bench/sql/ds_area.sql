-- Area of every day: geodesic area (WGS 84 ellipsoid) of each stored daily polygon.
SELECT day, ST_Area(geom::geography) / 1e6 AS area_km2 FROM ds ORDER BY day;
