-- Every earlier version of a replaced document, with the events it had (their review state and the
-- reviewers' edits, as stored rows) when it was replaced, who replaced it and when. A document with a stored
-- id and new content replaces the old one (only an admin may, from the app); nothing of the old one is lost.
CREATE TABLE document_versions (
    version_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id          TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    document_json   TEXT NOT NULL,
    events_json     TEXT NOT NULL,
    replaced_by     TEXT NOT NULL DEFAULT '',
    replaced_at     TEXT NOT NULL,
    timestamp       INTEGER NOT NULL
);
CREATE INDEX document_versions_doc ON document_versions(doc_id, version_id);
