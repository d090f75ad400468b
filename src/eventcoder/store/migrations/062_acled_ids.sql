-- 062: ACLED's event ids and the foreign key from reports to incidents.
--
-- event_id_cnty is ACLED's id: the country's ISO3 code and a number of that country (SYR1234), assigned by
-- the store once per report and never reused: acled_ids keeps every report id's number even after the report
-- is deleted (so /api/deleted can name it, and a report extracted again under its id gets it back), and
-- acled_counters the last number of each country. An incident's is its smallest report's (the report its
-- id is made from), so an incident keeps it exactly as long as it keeps its id.
--
-- The events table is rebuilt (SQLite cannot add a constraint to a table): with event_id_cnty and
-- incident_id REFERENCES incidents, checked at commit (the store writes a batch's incidents and reports in
-- either order within one transaction). On a large database this copies every row once (about a minute
-- per million reports).
CREATE TABLE acled_ids (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL UNIQUE,
    event_id_cnty   TEXT NOT NULL UNIQUE,
    assigned_at     INTEGER NOT NULL
);
CREATE TABLE acled_counters (
    iso3            TEXT PRIMARY KEY,
    last            INTEGER NOT NULL
);
-- ISO numeric code -> alpha-3, name and ACLED region (filled by the store from store/countries.py), for SQL
-- readers of the acled_events view.
CREATE TABLE acled_countries (
    iso             INTEGER PRIMARY KEY,
    iso3            TEXT NOT NULL,
    country         TEXT NOT NULL,
    region          TEXT NOT NULL
);

ALTER TABLE incidents ADD COLUMN event_id_cnty TEXT;
CREATE INDEX incidents_by_cnty ON incidents(event_id_cnty);
ALTER TABLE deletions ADD COLUMN event_id_cnty TEXT;

CREATE TABLE events_new (
    event_id            TEXT PRIMARY KEY,
    doc_id              TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    event_date          TEXT,
    time_precision      INTEGER,
    disorder_type       TEXT NOT NULL,
    event_type          TEXT NOT NULL,
    sub_event_type      TEXT NOT NULL,
    actor1              TEXT NOT NULL DEFAULT '',
    assoc_actor_1       TEXT NOT NULL DEFAULT '',
    inter1              INTEGER NOT NULL DEFAULT 0,
    actor2              TEXT NOT NULL DEFAULT '',
    assoc_actor_2       TEXT NOT NULL DEFAULT '',
    inter2              INTEGER NOT NULL DEFAULT 0,
    civilian_targeting  TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    iso                 INTEGER,
    admin1              TEXT NOT NULL DEFAULT '',
    admin2              TEXT NOT NULL DEFAULT '',
    location            TEXT NOT NULL DEFAULT '',
    latitude            REAL,
    longitude           REAL,
    geo_precision       INTEGER,
    fatalities          INTEGER NOT NULL DEFAULT 0,
    source              TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    certainty           TEXT NOT NULL DEFAULT 'asserted',
    attribution         TEXT,
    evidence_text       TEXT NOT NULL,
    evidence_start      INTEGER NOT NULL,
    evidence_end        INTEGER NOT NULL,
    confidence          REAL NOT NULL DEFAULT 0.5,
    geonameid           INTEGER,
    provenance_json     TEXT NOT NULL DEFAULT '{}',
    flags_json          TEXT NOT NULL DEFAULT '[]',
    review_status       TEXT NOT NULL DEFAULT 'pending'
                        CHECK (review_status IN ('pending', 'accepted', 'rejected', 'edited')),
    version             INTEGER NOT NULL DEFAULT 1,
    run_id              TEXT,
    timestamp           INTEGER NOT NULL,
    incident_id         TEXT REFERENCES incidents(incident_id) DEFERRABLE INITIALLY DEFERRED,
    event_id_cnty       TEXT UNIQUE
);
-- In this order for PostgreSQL: a table with rows waiting for their deferred check can be neither indexed nor
-- renamed, so the new table gets its name and indexes before the rows.
ALTER TABLE events RENAME TO events_old;
ALTER TABLE events_new RENAME TO events;
DROP INDEX events_doc;
DROP INDEX events_country;
DROP INDEX events_review;
DROP INDEX events_timestamp;
DROP INDEX events_for_matching;
DROP INDEX events_by_incident;
DROP INDEX events_by_date;
DROP INDEX events_by_country;
DROP INDEX events_by_country_type;
DROP INDEX events_by_type;
DROP INDEX events_by_actor1;
DROP INDEX events_by_actor2;
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_country ON events(country);
CREATE INDEX events_review ON events(review_status);
CREATE INDEX events_timestamp ON events(timestamp);
CREATE INDEX events_for_matching ON events(country, disorder_type, time_precision, event_date);
CREATE INDEX events_by_incident ON events(incident_id, event_id);
CREATE INDEX events_by_date ON events(event_date, event_id, country, event_type, fatalities);
CREATE INDEX events_by_country ON events(country, event_date, event_id, event_type, sub_event_type, fatalities, actor1, actor2);
CREATE INDEX events_by_country_type ON events(country, event_type, event_date, event_id, fatalities);
CREATE INDEX events_by_type ON events(event_type, event_date, event_id, country, sub_event_type, fatalities);
CREATE INDEX events_by_actor1 ON events(actor1, event_date, event_id, country, event_type, fatalities);
CREATE INDEX events_by_actor2 ON events(actor2, event_date, event_id, country, event_type, fatalities);
INSERT INTO events (event_id, doc_id, event_date, time_precision, disorder_type, event_type, sub_event_type,
    actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, civilian_targeting, country, iso, admin1, admin2,
    location, latitude, longitude, geo_precision, fatalities, source, notes, certainty, attribution, evidence_text,
    evidence_start, evidence_end, confidence, geonameid, provenance_json, flags_json, review_status, version,
    run_id, timestamp, incident_id)
SELECT event_id, doc_id, event_date, time_precision, disorder_type, event_type, sub_event_type,
    actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, civilian_targeting, country, iso, admin1, admin2,
    location, latitude, longitude, geo_precision, fatalities, source, notes, certainty, attribution, evidence_text,
    evidence_start, evidence_end, confidence, geonameid, provenance_json, flags_json, review_status, version,
    run_id, timestamp,
    CASE WHEN incident_id IN (SELECT incident_id FROM incidents) THEN incident_id END
FROM events_old;
DROP TABLE events_old;
