"""ACLED's event ids in the store (migration 062): ``event_id_cnty`` such as ``SYR1234``, assigned once.

- A report gets its number when its row is first written: the next of its country's counter (ISO3 from
  its ISO code or country name; ``XXX`` when unknown). ``acled_ids`` keeps every report id's number for good,
  so a report extracted again under the same id, or re-written by a review, keeps it, and a deleted one can
  still be named by ``/api/deleted``.
- An incident's is that of its smallest report id: the report its incident id is made from
  (dedup.incident_id_for), so an incident keeps its ACLED id exactly as long as it keeps its own id.
- ``deleted_acled_ids``: the ids deleted since a time that are not in use again, as ACLED's deleted API
  gives them.
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Any, Iterable

from .countries import countries, iso3_of
from .db import Database
from .db import chunks as _chunks

UNKNOWN_ISO3 = "XXX"


def assign_event_ids(db: Database, rows: Iterable[dict[str, Any]]) -> None:
    """Set ``event_id_cnty`` in each report row about to be written: its number from acled_ids, else the
    next of its country's (inside the caller's transaction)."""
    rows = [r for r in rows if not r.get("event_id_cnty")]
    if not rows:
        return
    known: dict[str, str] = {}
    for chunk in _chunks(sorted({r["event_id"] for r in rows}), 500):
        for r in db.query(f"SELECT event_id, event_id_cnty FROM acled_ids WHERE event_id IN "
                          f"({', '.join('?' * len(chunk))})", chunk):
            known[r["event_id"]] = r["event_id_cnty"]
    fresh: dict[str, list[str]] = defaultdict(list)  # iso3 -> new report ids, in the rows' order
    seen: set[str] = set()
    for r in rows:
        if r["event_id"] in known or r["event_id"] in seen:
            continue
        seen.add(r["event_id"])
        fresh[iso3_of(r.get("iso"), r.get("country") or "") or UNKNOWN_ISO3].append(r["event_id"])
    now = int(time.time())
    for iso3, ids in sorted(fresh.items()):
        db.execute("INSERT INTO acled_counters (iso3, last) VALUES (?, 0) ON CONFLICT (iso3) DO NOTHING", (iso3,))
        # the update first: on PostgreSQL it locks the counter's row until commit, so two writers never
        # draw the same numbers (SQLite has one writer at a time anyway)
        db.execute("UPDATE acled_counters SET last = last + ? WHERE iso3 = ?", (len(ids), iso3))
        last = int(db.query_one("SELECT last FROM acled_counters WHERE iso3 = ?", (iso3,))["last"])
        numbered = [(event_id, f"{iso3}{n}") for n, event_id in zip(range(last - len(ids) + 1, last + 1), ids)]
        db.executemany("INSERT INTO acled_ids (event_id, event_id_cnty, assigned_at) VALUES (?, ?, ?)",
                       [(e, c, now) for e, c in numbered])
        known.update(numbered)
    for r in rows:
        r["event_id_cnty"] = known[r["event_id"]]


def fill_incident_ids(db: Database) -> None:
    """Give every incident without one the ACLED id of its smallest report (once all its reports are
    written: the caller's transaction, at its end)."""
    db.execute("UPDATE incidents SET event_id_cnty = (SELECT e.event_id_cnty FROM events e WHERE e.incident_id ="
               " incidents.incident_id ORDER BY e.event_id LIMIT 1) WHERE event_id_cnty IS NULL")


def seed_countries(db: Database) -> None:
    """Fill acled_countries (ISO code -> alpha-3, name, ACLED region) when empty, for the acled_events view."""
    if db.query_one("SELECT iso FROM acled_countries LIMIT 1"):
        return
    c = countries()
    rows = [(n, iso3, c.names.get(iso3, ""), c.region.get(iso3, "")) for n, iso3 in sorted(c.by_number.items())]
    with db.transaction():
        db.executemany("INSERT INTO acled_countries (iso, iso3, country, region) VALUES (?, ?, ?, ?)", rows)


def backfill(db: Database) -> None:
    """Number the reports and incidents stored before migration 062, oldest report id first."""
    last = ""
    while True:
        with db.transaction():
            rows = db.query("SELECT event_id, iso, country FROM events WHERE event_id_cnty IS NULL AND event_id > ?"
                            " ORDER BY event_id LIMIT 2000", (last,))
            if not rows:
                fill_incident_ids(db)
                return
            assign_event_ids(db, rows)
            db.executemany("UPDATE events SET event_id_cnty = ? WHERE event_id = ?",
                           [(r["event_id_cnty"], r["event_id"]) for r in rows])
            last = rows[-1]["event_id"]


class AcledMixin:
    """ACLED's ids of ``SQLStore`` (which inherits it), over the store's ``db``."""

    db: Database

    def deleted_acled_ids(self, since: int, level: str = "incidents", limit: int = 5000,
                          offset: int = 0) -> list[dict[str, Any]]:
        """ACLED ids deleted at or after ``since`` (unix seconds) and not in use again, oldest deletion first:
        ``event_id_cnty`` and ``deleted_timestamp``; ``level`` incidents (ACLED's events, the default of
        exports) or reports."""
        if level == "reports":
            sql = ("SELECT a.event_id_cnty, MAX(d.timestamp) AS deleted_timestamp FROM deletions d"
                   " JOIN acled_ids a ON a.event_id = d.entity_id WHERE d.entity = 'event' AND d.timestamp >= ?"
                   " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = d.entity_id)"
                   " GROUP BY a.event_id_cnty")
        else:
            sql = ("SELECT d.event_id_cnty, MAX(d.timestamp) AS deleted_timestamp FROM deletions d"
                   " WHERE d.entity = 'incident' AND d.timestamp >= ? AND d.event_id_cnty IS NOT NULL"
                   " AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.event_id_cnty = d.event_id_cnty)"
                   " GROUP BY d.event_id_cnty")
        return self.db.query(f"{sql} ORDER BY 2, 1 LIMIT ? OFFSET ?",
                             (since, limit, offset))
