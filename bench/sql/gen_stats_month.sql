-- Area per holder at the end of every month from :m1 to :m2 (first days of months): the latest
-- holder of every region at each month's end through the index, areas summed per holder.
SELECT m.t::date AS date, h.holder, sum(r.area_km2) AS area_km2,
       sum(r.area_km2) / sum(sum(r.area_km2)) OVER (PARTITION BY m.t) AS share
FROM (SELECT g + interval '1 month' - interval '1 second' AS t
      FROM generate_series(:'m1'::timestamptz, :'m2'::timestamptz, interval '1 month') g) m
CROSS JOIN regions r
CROSS JOIN LATERAL (SELECT e.holder FROM events e WHERE e.region = r.idx AND e.t <= m.t
                    ORDER BY e.t DESC, e.seq DESC LIMIT 1) h
GROUP BY m.t, h.holder ORDER BY m.t, h.holder;
