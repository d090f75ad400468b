-- Review app: every version of an event's reviewable fields, with who and when, so any edit can be
-- reverted. Version numbers match events.version (the optimistic-concurrency counter).
CREATE TABLE event_versions (
    version_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    action          TEXT NOT NULL,
    review_status   TEXT NOT NULL,
    fields_json     TEXT NOT NULL,
    username        TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_versions_event ON event_versions(event_id, version);
