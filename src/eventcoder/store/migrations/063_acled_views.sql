-- 063: ACLED's export as SQL views, for readers of the database itself (datasette, sqlite3, psql): the 31
-- columns of ACLED's standard export, in ACLED's order and with ACLED's names, plus our own id last.
-- acled_events has one row per incident (ACLED's event: one real-world event, merged across reports; what
-- `export --format acled-csv` writes), acled_reports one per report. year is NULL for a date that does not
-- start with four digits; admin3 and source_scale are empty (we do not code them); tags are the flags.
-- A later migration that rebuilds events or incidents must drop and re-create these views.
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
       CASE WHEN t.flags_json = '[]' THEN ''
            ELSE REPLACE(REPLACE(REPLACE(REPLACE(t.flags_json, '", "', '; '), '","', '; '), '["', ''), '"]', '') END
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
       CASE WHEN t.flags_json = '[]' THEN ''
            ELSE REPLACE(REPLACE(REPLACE(REPLACE(t.flags_json, '", "', '; '), '","', '; '), '["', ''), '"]', '') END
           AS tags,
       t.timestamp AS timestamp,
       t.event_id AS event_id
FROM events t
LEFT JOIN acled_countries c ON c.iso = t.iso
LEFT JOIN acled_countries n ON t.iso IS NULL AND n.country = t.country;
