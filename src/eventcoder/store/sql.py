"""The event store over SQL (SQLite by default): documents, events, problems, runs, change log."""
from __future__ import annotations

import json
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ..types import Article, Event, Problem, Record, Span, StoredEvent
from .base import AddStats, EventQuery
from .db import Database, utcnow

# Event fields stored as plain columns of the same name (SPEC.md §2; evidence, provenance and flags
# are flattened or JSON).
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "doc_id", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting",
    "country", "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "source", "notes", "certainty", "attribution", "confidence", "geonameid",
)
QUERY_PAGE_MAX = 10_000


def event_to_row(ev: Event) -> dict[str, Any]:
    row = {c: getattr(ev, c) for c in EVENT_COLUMNS}
    row.update(evidence_text=ev.evidence.text, evidence_start=ev.evidence.start, evidence_end=ev.evidence.end,
               provenance_json=json.dumps({k: v.model_dump(mode="json") for k, v in ev.provenance.items()}),
               flags_json=json.dumps(ev.flags))
    return row


def row_to_stored(row: dict[str, Any]) -> StoredEvent:
    data = {c: row[c] for c in EVENT_COLUMNS}
    data["evidence"] = Span(start=row["evidence_start"], end=row["evidence_end"], text=row["evidence_text"])
    data["provenance"] = json.loads(row.get("provenance_json") or "{}")
    data["flags"] = json.loads(row.get("flags_json") or "[]")
    return StoredEvent(event=Event.model_validate(data), review_status=row["review_status"],
                       version=row["version"], timestamp=row["timestamp"], incident_id=row.get("incident_id"))


def row_to_article(row: dict[str, Any]) -> Article:
    return Article(doc_id=row["doc_id"], text=row["body"], title=row["title"],
                   published=date.fromisoformat(row["published"]) if row["published"] else None,
                   published_from=row["published_from"], source=row["source"], url=row["url"],
                   author=row["author"], language=row["language"], path=row["path"])


class SQLStore:
    """Documents, events and their review state in one database; every write is one transaction."""

    def __init__(self, db: Database):
        self.db = db
        self.db.migrate()

    # --- runs ---------------------------------------------------------------------------------
    def start_run(self, settings_json: str, version: str, inputs: str = "") -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.db.transaction():
            self.db.execute("INSERT INTO runs (run_id, started_at, version, settings_json, inputs) VALUES (?, ?, ?, ?, ?)",
                            (run_id, utcnow(), version, settings_json, inputs))
        return run_id

    def finish_run(self, run_id: str, documents: int, events: int, problems: int) -> None:
        with self.db.transaction():
            self.db.execute("UPDATE runs SET finished_at=?, documents=?, events=?, problems=? WHERE run_id=?",
                            (utcnow(), documents, events, problems, run_id))

    # --- writes -------------------------------------------------------------------------------
    def has_document(self, doc_id: str, content_hash: str) -> bool:
        row = self.db.query_one("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,))
        return row is not None and row["content_hash"] == content_hash

    def add_records(self, records: Iterable[Record], run_id: Optional[str] = None,
                    username: str = "") -> AddStats:
        """Store a batch of processed records in one transaction.

        The same document twice changes nothing; an edited document replaces its earlier events, and an
        event whose id survives the edit keeps its review decision.
        """
        stats = AddStats()
        now, ts = utcnow(), int(time.time())
        with self.db.transaction():
            for record in records:
                art = record.article
                h = art.content_hash
                old = self.db.query_one("SELECT content_hash FROM documents WHERE doc_id=?", (art.doc_id,))
                if old and old["content_hash"] == h:
                    stats.documents_unchanged += 1
                    continue
                doc_row = (art.doc_id, h, art.title, art.published.isoformat() if art.published else None,
                           art.published_from, art.source, art.url, art.author, art.language, art.path, art.text)
                if old is None:
                    self.db.execute(
                        "INSERT INTO documents (doc_id, content_hash, title, published, published_from, source, url,"
                        " author, language, path, body, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_row + (now, now))
                    stats.documents_new += 1
                else:
                    self.db.execute(
                        "UPDATE documents SET content_hash=?, title=?, published=?, published_from=?, source=?,"
                        " url=?, author=?, language=?, path=?, body=?, updated_at=? WHERE doc_id=?",
                        doc_row[1:] + (now, art.doc_id))
                    stats.documents_updated += 1
                stats += self._replace_events(art.doc_id, record.events, run_id, ts, now, username)
                stats.problems += self.add_problems(record.problems, run_id)
        return stats

    def _replace_events(self, doc_id: str, events: list[Event], run_id: Optional[str], ts: int, now: str,
                        username: str) -> AddStats:
        stats = AddStats()
        kept_review = {r["event_id"]: r for r in self.db.query(
            "SELECT event_id, review_status, version FROM events WHERE doc_id=?", (doc_id,))}
        new_ids = {e.event_id for e in events}
        for gone in set(kept_review) - new_ids:
            self.db.execute("DELETE FROM events WHERE event_id=?", (gone,))
            self.log("event", gone, "delete", username, before=None, after=None, at=now)
            stats.events_removed += 1
        for ev in events:
            row = event_to_row(ev)
            prior = kept_review.get(ev.event_id)
            if prior:
                self.db.execute("DELETE FROM events WHERE event_id=?", (ev.event_id,))
                row.update(review_status=prior["review_status"], version=prior["version"] + 1)
            else:
                row.update(review_status="pending", version=1)
                stats.events_added += 1
            row.update(run_id=run_id, timestamp=ts)
            cols = list(row)
            self.db.execute(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [row[c] for c in cols])
            self.log("event", ev.event_id, "extract" if not prior else "re-extract", username,
                     before=None, after=None, at=now)
        return stats

    def add_problems(self, problems: Iterable[Problem], run_id: Optional[str] = None) -> int:
        rows = [(run_id, p.doc_id, p.code, p.stage, p.severity, p.message, utcnow()) for p in problems]
        if rows:
            with self.db.transaction():
                self.db.executemany("INSERT INTO problems (run_id, doc_id, code, stage, severity, message, created_at)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def log(self, entity: str, entity_id: str, action: str, username: str = "", *, before: Any = None,
            after: Any = None, at: Optional[str] = None) -> None:
        """Append to the change log (never updated, never deleted)."""
        self.db.execute("INSERT INTO change_log (entity, entity_id, action, username, at, before_json, after_json)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (entity, entity_id, action, username, at or utcnow(),
                         json.dumps(before) if before is not None else None,
                         json.dumps(after) if after is not None else None))

    # --- reads --------------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> Optional[Article]:
        row = self.db.query_one("SELECT * FROM documents WHERE doc_id=?", (doc_id,))
        return row_to_article(row) if row else None

    def get_event(self, event_id: str) -> Optional[StoredEvent]:
        row = self.db.query_one("SELECT * FROM events WHERE event_id=?", (event_id,))
        return row_to_stored(row) if row else None

    @staticmethod
    def _where(q: EventQuery) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for column, values in (("event_type", q.event_type), ("sub_event_type", q.sub_event_type),
                               ("country", q.country), ("review_status", q.review_status)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if q.doc_id:
            clauses.append("doc_id = ?")
            params.append(q.doc_id)
        if q.date_from:
            clauses.append("event_date >= ?")
            params.append(q.date_from)
        if q.date_to:
            clauses.append("event_date <= ?")
            params.append(q.date_to)
        if q.since is not None:
            clauses.append("timestamp >= ?")
            params.append(q.since)
        if q.text:
            clauses.append("(notes LIKE ? OR actor1 LIKE ? OR actor2 LIKE ? OR location LIKE ?)")
            params.extend([f"%{q.text}%"] * 4)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def query_events(self, q: EventQuery) -> list[StoredEvent]:
        where, params = self._where(q)
        limit = max(0, min(q.limit, QUERY_PAGE_MAX))
        rows = self.db.query(f"SELECT * FROM events{where} ORDER BY event_date DESC, event_id LIMIT ? OFFSET ?",
                             params + [limit, max(0, q.offset)])
        return [row_to_stored(r) for r in rows]

    def count_events(self, q: EventQuery) -> int:
        where, params = self._where(q)
        return int(self.db.query_one(f"SELECT COUNT(*) AS n FROM events{where}", params)["n"])

    def iter_events(self, q: EventQuery) -> Iterator[StoredEvent]:
        """Every matching event, in pages, for exports."""
        where, params = self._where(q)
        cur = self.db.execute(f"SELECT * FROM events{where} ORDER BY event_date, event_id", params)
        while True:
            rows = cur.fetchmany(1000)
            if not rows:
                return
            for r in rows:
                yield row_to_stored(dict(r))

    def close(self) -> None:
        self.db.close()


def open_store(target: str | Path) -> SQLStore:
    """The store for a SQLite path (created and migrated on first open)."""
    return SQLStore(Database(target))
