-- 002: incidents (one real-world event, many reports), reviewers' split/merge decisions, deletions for
-- `export --since`, and the indexes the API's filtered pages use. Portable SQL (SQLite and PostgreSQL).

-- The merged best values of every report of one event; the reports are the events with this incident_id.
CREATE TABLE incidents (
    incident_id         TEXT PRIMARY KEY,
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
    interaction         INTEGER NOT NULL DEFAULT 0,
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
    confidence          REAL NOT NULL DEFAULT 0.5,
    geonameid           INTEGER,
    flags_json          TEXT NOT NULL DEFAULT '[]',
    -- the anchor report, whose notes and evidence the incident shows
    doc_id              TEXT NOT NULL,
    evidence_text       TEXT NOT NULL,
    evidence_start      INTEGER NOT NULL,
    evidence_end        INTEGER NOT NULL,
    n_reports           INTEGER NOT NULL,
    n_documents         INTEGER NOT NULL,
    -- field name -> event_id of the report that gave the value
    field_sources_json  TEXT NOT NULL DEFAULT '{}',
    timestamp           INTEGER NOT NULL
);
CREATE INDEX incidents_date ON incidents(event_date, incident_id);
CREATE INDEX incidents_country_date ON incidents(country, event_date);
CREATE INDEX incidents_type_date ON incidents(event_type, event_date);
CREATE INDEX incidents_actor1 ON incidents(actor1);
CREATE INDEX incidents_timestamp ON incidents(timestamp);

-- Which incident an event reports (recomputed by the store; no foreign key, incidents are rebuilt).
ALTER TABLE events ADD COLUMN incident_id TEXT;
CREATE INDEX events_incident ON events(incident_id);
CREATE INDEX events_date_id ON events(event_date, event_id);
CREATE INDEX events_country_date ON events(country, event_date);
CREATE INDEX events_type_date ON events(event_type, event_date);
CREATE INDEX events_actor1 ON events(actor1);
CREATE INDEX events_actor2 ON events(actor2);

-- A reviewer's word on two reports: the same event or not. Kept by event_id, so a decision survives the
-- re-extraction of an edited document as long as the event does.
CREATE TABLE incident_decisions (
    event_a             TEXT NOT NULL,
    event_b             TEXT NOT NULL,
    decision            TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    username            TEXT NOT NULL DEFAULT '',
    at                  TEXT NOT NULL,
    PRIMARY KEY (event_a, event_b),
    CHECK (event_a < event_b)
);
CREATE INDEX incident_decisions_b ON incident_decisions(event_b);

-- What disappeared and when, so `export --since` can tell a consumer to drop it.
CREATE TABLE deletions (
    deletion_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity              TEXT NOT NULL CHECK (entity IN ('event', 'incident', 'document')),
    entity_id           TEXT NOT NULL,
    timestamp           INTEGER NOT NULL
);
CREATE INDEX deletions_timestamp ON deletions(timestamp);

ALTER TABLE documents ADD COLUMN timestamp INTEGER NOT NULL DEFAULT 0;
