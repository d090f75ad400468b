-- 064: the acled_events and acled_reports views of 063 again, with ACLED's tags column as the exports now
-- write it: ACLED's tags only (a protest's or riot's "crowd size=..."), no longer every review flag of the
-- extraction. INSTR is SQLite's; the PostgreSQL runner writes STRPOS (same arguments, same result).
DROP VIEW acled_events;
DROP VIEW acled_reports;
CREATE VIEW acled_events AS
SELECT t.event_id_cnty AS event_id_cnty,
       t.event_date AS event_date,
       CASE WHEN LENGTH(t.event_date) >= 4
                 AND SUBSTR(t.event_date, 1, 1) BETWEEN '0' AND '9' AND SUBSTR(t.event_date, 2, 1) BETWEEN '0' AND '9'
                 AND SUBSTR(t.event_date, 3, 1) BETWEEN '0' AND '9' AND SUBSTR(t.event_date, 4, 1) BETWEEN '0' AND '9'
            THEN CAST(SUBSTR(t.event_date, 1, 4) AS INTEGER) END AS year,
       t.time_precision AS time_precision,
       t.disorder_type AS disorder_type,
       t.event_type AS event_type,
       t.sub_event_type AS sub_event_type,
       t.actor1 AS actor1,
       t.assoc_actor_1 AS assoc_actor_1,
       t.inter1 AS inter1,
       t.actor2 AS actor2,
       t.assoc_actor_2 AS assoc_actor_2,
       t.inter2 AS inter2,
       t.interaction AS interaction,
       t.civilian_targeting AS civilian_targeting,
       t.iso AS iso,
       COALESCE(c.region, n.region, '') AS region,
       t.country AS country,
       t.admin1 AS admin1,
       t.admin2 AS admin2,
       '' AS admin3,
       t.location AS location,
       t.latitude AS latitude,
       t.longitude AS longitude,
       t.geo_precision AS geo_precision,
       t.source AS source,
       '' AS source_scale,
       t.notes AS notes,
       t.fatalities AS fatalities,
       -- ACLED's tags only (records.acled_tags: the flags that start "crowd size=", no review flag),
       -- finalize writes at most one such flag to an event
       CASE WHEN INSTR(t.flags_json, '"crowd size=') > 0
            THEN SUBSTR(t.flags_json, INSTR(t.flags_json, '"crowd size=') + 1,
                        INSTR(SUBSTR(t.flags_json, INSTR(t.flags_json, '"crowd size=') + 1), '"') - 1)
            ELSE '' END
           AS tags,
       t.timestamp AS timestamp,
       t.incident_id AS incident_id
FROM incidents t
LEFT JOIN acled_countries c ON c.iso = t.iso
LEFT JOIN acled_countries n ON t.iso IS NULL AND n.country = t.country;

CREATE VIEW acled_reports AS
SELECT t.event_id_cnty AS event_id_cnty,
       t.event_date AS event_date,
       CASE WHEN LENGTH(t.event_date) >= 4
                 AND SUBSTR(t.event_date, 1, 1) BETWEEN '0' AND '9' AND SUBSTR(t.event_date, 2, 1) BETWEEN '0' AND '9'
                 AND SUBSTR(t.event_date, 3, 1) BETWEEN '0' AND '9' AND SUBSTR(t.event_date, 4, 1) BETWEEN '0' AND '9'
            THEN CAST(SUBSTR(t.event_date, 1, 4) AS INTEGER) END AS year,
       t.time_precision AS time_precision,
       t.disorder_type AS disorder_type,
       t.event_type AS event_type,
       t.sub_event_type AS sub_event_type,
       t.actor1 AS actor1,
       t.assoc_actor_1 AS assoc_actor_1,
       t.inter1 AS inter1,
       t.actor2 AS actor2,
       t.assoc_actor_2 AS assoc_actor_2,
       t.inter2 AS inter2,
       CASE WHEN t.inter1 <= t.inter2 THEN (CASE WHEN t.inter1 = 0 THEN t.inter2 * 10 ELSE t.inter1 * 10 + t.inter2 END)
            ELSE (CASE WHEN t.inter2 = 0 THEN t.inter1 * 10 ELSE t.inter2 * 10 + t.inter1 END) END AS interaction,
       t.civilian_targeting AS civilian_targeting,
       t.iso AS iso,
       COALESCE(c.region, n.region, '') AS region,
       t.country AS country,
       t.admin1 AS admin1,
       t.admin2 AS admin2,
       '' AS admin3,
       t.location AS location,
       t.latitude AS latitude,
       t.longitude AS longitude,
       t.geo_precision AS geo_precision,
       t.source AS source,
       '' AS source_scale,
       t.notes AS notes,
       t.fatalities AS fatalities,
       -- ACLED's tags only (records.acled_tags: the flags that start "crowd size=", no review flag),
       -- finalize writes at most one such flag to an event
       CASE WHEN INSTR(t.flags_json, '"crowd size=') > 0
            THEN SUBSTR(t.flags_json, INSTR(t.flags_json, '"crowd size=') + 1,
                        INSTR(SUBSTR(t.flags_json, INSTR(t.flags_json, '"crowd size=') + 1), '"') - 1)
            ELSE '' END
           AS tags,
       t.timestamp AS timestamp,
       t.event_id AS event_id
FROM events t
LEFT JOIN acled_countries c ON c.iso = t.iso
LEFT JOIN acled_countries n ON t.iso IS NULL AND n.country = t.country;
