-- eventcoder store, first schema. Portable SQL: SQLite and PostgreSQL both read it
-- (the PostgreSQL runner rewrites AUTOINCREMENT keys as identities).
CREATE TABLE documents (
    doc_id          TEXT PRIMARY KEY,
    content_hash    TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    published       TEXT,
    published_from  TEXT NOT NULL DEFAULT 'none',
    source          TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    author          TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT 'en',
    path            TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    version         TEXT NOT NULL,
    settings_json   TEXT NOT NULL,
    inputs          TEXT NOT NULL DEFAULT '',
    documents       INTEGER NOT NULL DEFAULT 0,
    events          INTEGER NOT NULL DEFAULT 0,
    problems        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
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
    timestamp           INTEGER NOT NULL
);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_date ON events(event_date);
CREATE INDEX events_type ON events(event_type, sub_event_type);
CREATE INDEX events_country ON events(country);
CREATE INDEX events_review ON events(review_status);
CREATE INDEX events_timestamp ON events(timestamp);

CREATE TABLE problems (
    problem_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id          TEXT,
    doc_id          TEXT NOT NULL DEFAULT '',
    code            TEXT NOT NULL,
    stage           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    message         TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE users (
    user_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('viewer', 'reviewer', 'admin')),
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

-- Append-only: every change to an event, document or user, with who and when.
CREATE TABLE change_log (
    change_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    action          TEXT NOT NULL,
    username        TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,
    before_json     TEXT,
    after_json      TEXT
);
CREATE INDEX change_log_entity ON change_log(entity, entity_id);
