"""Earlier versions of replaced documents (table ``document_versions``): what a replacement would lose.

A document stored again under its id with other content replaces the stored one, and its events are
re-extracted: events that vanish are deleted, those that survive take the new extraction's values. Before
that, the stored document and every one of its event rows (review state, reviewers' edits, incident) are
kept here as JSON, so that an upload or a re-run can be undone by hand and nothing is lost.
"""
from __future__ import annotations

import json
from typing import Any

from .db import Database


def keep_document_version(db: Database, doc_id: str, username: str, now: str, ts: int) -> None:
    """Copy the stored document ``doc_id`` and its events into document_versions (inside the caller's
    transaction, before the replacement)."""
    doc = db.query_one("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
    if doc is None:
        return
    events = db.query("SELECT * FROM events WHERE doc_id = ? ORDER BY event_id", (doc_id,))
    db.execute("INSERT INTO document_versions (doc_id, content_hash, document_json, events_json, replaced_by,"
               " replaced_at, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (doc_id, doc["content_hash"], json.dumps(doc, default=str), json.dumps(events, default=str),
                username, now, ts))


def document_versions(db: Database, doc_id: str) -> list[dict[str, Any]]:
    """The earlier versions of a document, newest first: document and events as they were, who replaced
    them and when."""
    rows = db.query("SELECT version_id, doc_id, content_hash, document_json, events_json, replaced_by, replaced_at,"
                    " timestamp FROM document_versions WHERE doc_id = ? ORDER BY version_id DESC", (doc_id,))
    for r in rows:
        r["document"] = json.loads(r.pop("document_json"))
        r["events"] = json.loads(r.pop("events_json"))
    return rows
