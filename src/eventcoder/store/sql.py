"""The event store over SQL (SQLite by default, PostgreSQL for a URL): documents, events, incidents,
reviewer decisions, problems, runs, deletions and the change log.

Every query is written once with ``?`` placeholders and runs on both backends. ``SQLStore`` is this
module's documents, events and reads, with the incident upkeep of incidents.py, the review of review.py and
the users of users.py as its mixins.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ..dedup import DEFAULT_SETTINGS as DEDUP_SETTINGS
from ..types import Article, Event, Problem, Record, StoredEvent
from .acled import AcledMixin, assign_event_ids, backfill, fill_incident_ids, seed_countries
from .base import EVENT_FIELDS, INCIDENT_FIELDS, AddStats, EventQuery, QueryError
from .db import Database, connect, utcnow
from .db import chunks as _chunks
from .filters import filter_clause
from .history import document_versions, keep_document_version
from .incidents import IncidentMixin
from .review import ReviewMixin
from .rows import event_to_row, row_to_article, row_to_stored
from .tokens import TokenMixin
from .users import UserMixin

_LOG_INSERT = ("INSERT INTO change_log (entity, entity_id, action, username, at, before_json, after_json)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)")
QUERY_PAGE_MAX = 10_000
ITER_PAGE = 2_000


class SQLStore(IncidentMixin, ReviewMixin, UserMixin, TokenMixin, AcledMixin):
    """Documents, events, incidents and their review state in one database; every write is one transaction.

    Incident upkeep is IncidentMixin's (incidents.py), the review app's reads and writes ReviewMixin's
    (review.py), its users and sessions UserMixin's (users.py), API tokens TokenMixin's (tokens.py): the EventStore Protocol of base.py names them."""

    def __init__(self, db: Database, migrate: bool = True):
        self.db = db
        self.dedup_settings = DEDUP_SETTINGS
        applied = self.db.migrate() if migrate else []
        if "002_incidents.sql" in applied and self.db.query_one("SELECT event_id FROM events LIMIT 1"):
            # A database from before incidents: group its stored reports now, once.
            self.rebuild_incidents()
        if "062_acled_ids.sql" in applied:
            seed_countries(self.db)
            backfill(self.db)  # a database from before ACLED ids: number its reports and incidents, once

    @property
    def dialect(self) -> str:
        return self.db.dialect

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
                    username: str = "", replace: bool = True) -> AddStats:
        """Store a batch of processed records in one transaction, and bring their incidents up to date.

        The same document twice changes nothing; an edited document replaces its earlier events, and an
        event whose id survives the edit keeps its review decision (and the reviewers' split/merge
        decisions that name it). The replaced version is kept first, with its events (history.py).

        Args:
            replace: False refuses to replace a stored document with other content under the same id
                (counted in ``documents_refused``; the app's reviewers upload with False).
        """
        stats = AddStats()
        now, ts = utcnow(), int(time.time())
        touched: set[str] = set()
        stale: set[str] = set()
        written: dict[str, Event] = {}
        fresh: dict[str, dict[str, Any]] = {}
        unwritten = _UnwrittenEvents()
        with self.db.transaction():
            records = list(records)
            # The stored hash of every document in one query, not one each (kept up to date below, for a
            # document that comes twice).
            stored = self._content_hashes({r.article.doc_id for r in records})
            for record in records:
                art = record.article
                h = art.content_hash
                old = stored.get(art.doc_id)
                if old and old["content_hash"] == h:
                    stats.documents_unchanged += 1
                    continue
                if old and not replace:
                    stats.documents_refused += 1
                    continue
                if old is not None:
                    unwritten.write(self.db)  # its stored events are read and deleted: all must be there
                    keep_document_version(self.db, art.doc_id, username, now, ts)
                stored[art.doc_id] = {"content_hash": h}
                doc_row = (art.doc_id, h, art.title, art.published.isoformat() if art.published else None,
                           art.published_from, art.source, art.url, art.author, art.language, art.path, art.text)
                if old is None:
                    self.db.execute(
                        "INSERT INTO documents (doc_id, content_hash, title, published, published_from, source, url,"
                        " author, language, path, body, created_at, updated_at, timestamp)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_row + (now, now, ts))
                    stats.documents_new += 1
                else:
                    self.db.execute(
                        "UPDATE documents SET content_hash=?, title=?, published=?, published_from=?, source=?,"
                        " url=?, author=?, language=?, path=?, body=?, updated_at=?, timestamp=? WHERE doc_id=?",
                        doc_row[1:] + (now, ts, art.doc_id))
                    stats.documents_updated += 1
                stats += self._replace_events(art.doc_id, record.events, run_id, ts, now, username, touched, stale,
                                              fresh, unwritten, new_document=old is None)
                written.update((ev.event_id, ev) for ev in record.events)
                stats.problems += self.add_problems(record.problems, run_id)
            if touched or stale:
                self._refresh_incidents(touched, stale, ts, written, fresh, unwritten.rows)
            unwritten.write(self.db)
            if touched or stale:
                fill_incident_ids(self.db)  # the new incidents' smallest reports are all written now
        return stats

    def _content_hashes(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """doc_id -> its stored row's content_hash (as ``{"content_hash": ...}``), for the stored ones."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(doc_ids), 500):
            for r in self.db.query(f"SELECT doc_id, content_hash FROM documents WHERE doc_id IN "
                                   f"({', '.join('?' * len(chunk))})", chunk):
                out[r.pop("doc_id")] = r
        return out

    def _replace_events(self, doc_id: str, events: list[Event], run_id: Optional[str], ts: int, now: str,
                        username: str, touched: set[str], stale: set[str], fresh: dict[str, dict[str, Any]],
                        unwritten: _UnwrittenEvents, new_document: bool = False) -> AddStats:
        """Write a document's events: delete those gone now, and hand the rows to insert and their log lines
        to ``unwritten``; ``fresh`` gets the row of each event written (with its incident, none yet) and
        loses those deleted, so incident upkeep need not read them back."""
        stats = AddStats()
        # A document stored for the first time has no events yet (they cascade with their document).
        kept_review = {} if new_document else {r["event_id"]: r for r in self.db.query(
            "SELECT event_id, review_status, version, incident_id FROM events WHERE doc_id=?", (doc_id,))}
        new_ids = {e.event_id for e in events}
        for gone in sorted(set(kept_review) - new_ids):
            self.db.execute("DELETE FROM events WHERE event_id=?", (gone,))
            self.db.execute("INSERT INTO deletions (entity, entity_id, timestamp) VALUES (?, ?, ?)",
                            ("event", gone, ts))
            self.log("event", gone, "delete", username, at=now)
            fresh.pop(gone, None)
            if kept_review[gone]["incident_id"]:
                stale.add(kept_review[gone]["incident_id"])
            stats.events_removed += 1
        for ev in events:
            row = event_to_row(ev)
            prior = kept_review.get(ev.event_id)
            if prior:
                self.db.execute("DELETE FROM events WHERE event_id=?", (ev.event_id,))
                review_status, version = prior["review_status"], prior["version"] + 1
                if prior["incident_id"]:
                    stale.add(prior["incident_id"])
            else:
                review_status, version = "pending", 1
                stats.events_added += 1
            row.update(review_status=review_status, version=version, run_id=run_id, timestamp=ts, incident_id=None)
            fresh[ev.event_id] = dict(row)
            touched.add(ev.event_id)
            unwritten.add(row, ("event", ev.event_id, "extract" if not prior else "re-extract", username, now,
                                None, None))
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
        self.db.execute(_LOG_INSERT,
                        (entity, entity_id, action, username, at or utcnow(),
                         json.dumps(before) if before is not None else None,
                         json.dumps(after) if after is not None else None))

    # --- reads --------------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> Optional[Article]:
        row = self.db.query_one("SELECT * FROM documents WHERE doc_id=?", (doc_id,))
        return row_to_article(row) if row else None

    def document_versions(self, doc_id: str) -> list[dict[str, Any]]:
        """Earlier versions of a replaced document with their events, newest first (history.py)."""
        return document_versions(self.db, doc_id)

    def get_event_row(self, event_id: str) -> Optional[dict[str, Any]]:
        return self.db.query_one("SELECT * FROM events WHERE event_id=?", (event_id,))

    def get_event(self, event_id: str) -> Optional[StoredEvent]:
        row = self.get_event_row(event_id)
        return row_to_stored(row) if row else None

    def get_incident(self, incident_id: str, raw: bool = False) -> Optional[dict[str, Any]]:
        """An incident row with its reports under ``reports`` (StoredEvents, or rows when ``raw``)."""
        row = self.db.query_one("SELECT * FROM incidents WHERE incident_id = ?", (incident_id,))
        if row is None:
            return None
        reports = self.db.query("SELECT * FROM events WHERE incident_id = ? ORDER BY event_id", (incident_id,))
        row["reports"] = reports if raw else [row_to_stored(r) for r in reports]
        return row

    @staticmethod
    def _where(q: EventQuery, fields: Optional[dict[str, str]] = None) -> tuple[str, list[Any]]:
        fields = fields if fields is not None else EVENT_FIELDS
        clauses, params = [], []
        for column, values in (("event_type", q.event_type), ("sub_event_type", q.sub_event_type),
                               ("country", q.country), ("review_status", q.review_status)):
            if values:
                if column not in fields:
                    raise QueryError(f"{column} is not a field here. Filter on one of: {', '.join(sorted(fields))}")
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
            clauses.append("(LOWER(notes) LIKE ? OR LOWER(actor1) LIKE ? OR LOWER(actor2) LIKE ? "
                           "OR LOWER(location) LIKE ?)")
            params.extend([f"%{q.text.lower()}%"] * 4)
        for f in q.filters:
            if f.field not in fields:
                raise QueryError(f"unknown filter field {f.field!r}. Filter on one of: {', '.join(sorted(fields))}")
            sql, p = filter_clause(f, computed=() if fields is INCIDENT_FIELDS else ("interaction",))
            clauses.append(sql)
            params.extend(p)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def query_event_rows(self, q: EventQuery) -> list[dict[str, Any]]:
        """A page of raw event rows, latest first (the API's fast path: no Event objects)."""
        where, params = self._where(q)
        limit = max(0, min(q.limit, QUERY_PAGE_MAX))
        return self.db.query(f"SELECT * FROM events{where} ORDER BY event_date DESC, event_id DESC "
                             f"LIMIT ? OFFSET ?", params + [limit, max(0, q.offset)])

    def query_events(self, q: EventQuery) -> list[StoredEvent]:
        return [row_to_stored(r) for r in self.query_event_rows(q)]

    def count_events(self, q: EventQuery) -> int:
        where, params = self._where(q)
        return int(self.db.query_one(f"SELECT COUNT(*) AS n FROM events{where}", params)["n"])

    def _iter_rows(self, table: str, key: str, q: EventQuery, fields: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every matching row by key order, a page at a time (keyset paging: no long read transaction)."""
        where, params = self._where(q, fields)
        glue = " AND " if where else " WHERE "
        last = None
        while True:
            page_where, page_params = (where + glue + f"{key} > ?", params + [last]) if last is not None \
                else (where, params)
            rows = self.db.query(f"SELECT * FROM {table}{page_where} ORDER BY {key} LIMIT ?",
                                 page_params + [ITER_PAGE])
            yield from rows
            if len(rows) < ITER_PAGE:
                return
            last = rows[-1][key]

    def iter_events(self, q: EventQuery) -> Iterator[StoredEvent]:
        """Every matching event, in pages, for exports."""
        for row in self._iter_rows("events", "event_id", q, EVENT_FIELDS):
            yield row_to_stored(row)

    def iter_event_rows(self, q: EventQuery) -> Iterator[dict[str, Any]]:
        """Every matching event as its raw row (the fast path of exports that need no Event objects)."""
        yield from self._iter_rows("events", "event_id", q, EVENT_FIELDS)

    def query_incidents(self, q: EventQuery) -> list[dict[str, Any]]:
        """A page of incident rows, latest first."""
        where, params = self._where(q, INCIDENT_FIELDS)
        limit = max(0, min(q.limit, QUERY_PAGE_MAX))
        return self.db.query(f"SELECT * FROM incidents{where} ORDER BY event_date DESC, incident_id DESC "
                             f"LIMIT ? OFFSET ?", params + [limit, max(0, q.offset)])

    def count_incidents(self, q: EventQuery) -> int:
        where, params = self._where(q, INCIDENT_FIELDS)
        return int(self.db.query_one(f"SELECT COUNT(*) AS n FROM incidents{where}", params)["n"])

    def iter_incidents(self, q: EventQuery) -> Iterator[dict[str, Any]]:
        """Every matching incident row, in pages, for exports."""
        yield from self._iter_rows("incidents", "incident_id", q, INCIDENT_FIELDS)

    def deletions_since(self, since: int) -> list[dict[str, Any]]:
        """What was deleted at or after ``since`` (unix seconds): entity, entity_id, timestamp."""
        return self.db.query("SELECT entity, entity_id, timestamp FROM deletions WHERE timestamp >= ? "
                             "ORDER BY deletion_id", (since,))

    def reopen_target(self) -> Optional[str]:
        """What ``open_store`` takes to open this store from another process (the app's extraction
        process), or None for an in-memory one."""
        return self.db.reopen_target()

    def close(self) -> None:
        self.db.close()


class _UnwrittenEvents:
    """A batch's event rows and their change-log lines, inserted in one statement each once the batch's
    incidents are known, so that a row is written with its incident and not written, then updated (the
    update rewrote each ~3 KB row: 0.02 of the 0.57 s that storing 500 documents takes). The add_records
    loop writes them out earlier only before it reads a stored document's events, so rows, deletions and
    log lines reach the database in the order they always did."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self._inserts: list[dict[str, Any]] = []  # every row in order (a repeated id must fail its insert)
        self._logs: list[tuple[Any, ...]] = []

    def add(self, row: dict[str, Any], log: tuple[Any, ...]) -> None:
        self.rows[row["event_id"]] = row
        self._inserts.append(row)
        self._logs.append(log)

    def write(self, db: Database) -> None:
        if self._inserts:
            assign_event_ids(db, self._inserts)  # ACLED's id (acled.py), in the row before it is written
            cols = list(self._inserts[0])  # every row has the same columns, in the same order
            db.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                           [list(r.values()) for r in self._inserts])
            db.executemany(_LOG_INSERT, self._logs)
        self.rows, self._inserts, self._logs = {}, [], []


def open_store(target: str | Path) -> SQLStore:
    """The store for a SQLite path or a ``postgresql://`` URL (created and migrated on first open)."""
    return SQLStore(connect(target))
