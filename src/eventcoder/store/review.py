"""Review of stored events: the queue, decisions, edits with versions, revert, and filters for the app.

Every change bumps ``events.version`` in one ``UPDATE ... WHERE version = ?``: a writer that read an
older version matches no row and gets ``Conflict`` instead of overwriting someone else's work. The state
an event had before each change is kept in ``event_versions`` (with who and when), so any version can be
restored. SQL uses ``?`` placeholders through ``Database`` only, so it also runs on PostgreSQL.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Optional

from pydantic import ValidationError

from ..errors import StoreError
from ..types import Event, FieldEvidence
from ..vocab import DISORDER_OF_EVENT, SUB_EVENT_TO_EVENT, TAXONOMY
from .db import Database, utcnow
from .rows import provenance_json, row_to_stored
from .sql import SQLStore

STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected", "edited")

# The fields an analyst may change; the rest (evidence, ids, confidence) belong to the extraction.
EDITABLE: tuple[str, ...] = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "country", "iso", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "geonameid", "fatalities", "certainty", "attribution", "source",
    "notes",
)
# Columns a version snapshot restores: the editable fields plus what follows from them.
SNAPSHOT: tuple[str, ...] = EDITABLE + ("disorder_type", "provenance_json")

# Review need, highest first: a flag weighs most (the extractor itself doubted the event), then a missing
# place or date (the event cannot be mapped or dated), then hedged certainty, then low confidence (0-1).
NEED_SQL = ("(CASE WHEN flags_json <> '[]' THEN 4 ELSE 0 END"
            " + CASE WHEN latitude IS NULL THEN 2 ELSE 0 END"
            " + CASE WHEN event_date IS NULL THEN 2 ELSE 0 END"
            " + CASE WHEN certainty IN ('claimed', 'unconfirmed') THEN 1 ELSE 0 END"
            " + (1.0 - confidence))")


class Conflict(StoreError):
    """Someone saved the event after this writer read it."""

    code = "E220"


class NotFound(StoreError):
    code = "E221"


@dataclass
class ReviewFilter:
    """The filters of the queue, the list and the map; every value is bound as a parameter."""

    date_from: Optional[str] = None
    date_to: Optional[str] = None
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    certainty: list[str] = field(default_factory=list)
    review_status: list[str] = field(default_factory=list)
    actor: Optional[str] = None
    text: Optional[str] = None
    doc_id: Optional[str] = None

    def where(self, skip_status: bool = False) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        lists = [("country", self.country), ("admin1", self.admin1), ("event_type", self.event_type),
                 ("sub_event_type", self.sub_event_type), ("certainty", self.certainty)]
        if not skip_status:
            lists.append(("review_status", self.review_status))
        for column, values in lists:
            values = [v for v in values if v]
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.date_from:
            clauses.append("event_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("event_date <= ?")
            params.append(self.date_to)
        if self.doc_id:
            clauses.append("doc_id = ?")
            params.append(self.doc_id)
        # LOWER on both sides: LIKE ignores case on SQLite but not on PostgreSQL.
        if self.actor:
            clauses.append("(LOWER(actor1) LIKE ? OR LOWER(actor2) LIKE ? OR LOWER(assoc_actor_1) LIKE ?"
                           " OR LOWER(assoc_actor_2) LIKE ?)")
            params.extend([f"%{self.actor.lower()}%"] * 4)
        if self.text:
            clauses.append("(LOWER(notes) LIKE ? OR LOWER(evidence_text) LIKE ? OR LOWER(location) LIKE ?)")
            params.extend([f"%{self.text.lower()}%"] * 3)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def query_params(self) -> dict[str, Any]:
        """The filter as URL query parameters (lists repeat the key)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v:
                out[f.name] = v
        return out


class Review:
    """Review operations over the events table of a store's ``Database``."""

    def __init__(self, db: Database):
        self.db = db

    # --- reads ----------------------------------------------------------------------------------
    def counts(self, flt: Optional[ReviewFilter] = None) -> dict[str, int]:
        """Events per review status under a filter (its own status filter ignored)."""
        where, params = (flt or ReviewFilter()).where(skip_status=True)
        rows = self.db.query(f"SELECT review_status, COUNT(*) AS n FROM events{where} GROUP BY review_status", params)
        out = {s: 0 for s in STATUSES}
        out.update({r["review_status"]: int(r["n"]) for r in rows})
        return out

    def queue(self, flt: Optional[ReviewFilter] = None, limit: int = 50, exclude: tuple[str, ...] = ()) -> list:
        """Pending events, most in need of review first (see NEED_SQL)."""
        flt = flt or ReviewFilter()
        where, params = ReviewFilter(**{**flt.__dict__, "review_status": ["pending"]}).where()
        if exclude:
            where += f" AND event_id NOT IN ({', '.join('?' * len(exclude))})"
            params += list(exclude)
        rows = self.db.query(f"SELECT * FROM events{where} ORDER BY {NEED_SQL} DESC, event_date DESC, event_id"
                             " LIMIT ?", params + [max(1, min(limit, 500))])
        return [row_to_stored(r) for r in rows]

    def events(self, flt: ReviewFilter, limit: int = 100, offset: int = 0) -> list:
        where, params = flt.where()
        rows = self.db.query(f"SELECT * FROM events{where} ORDER BY event_date DESC, event_id LIMIT ? OFFSET ?",
                             params + [max(0, min(limit, 10_000)), max(0, offset)])
        return [row_to_stored(r) for r in rows]

    def count(self, flt: ReviewFilter) -> int:
        where, params = flt.where()
        return int(self.db.query_one(f"SELECT COUNT(*) AS n FROM events{where}", params)["n"])

    def map_points(self, flt: ReviewFilter, limit: int = 500_000) -> dict[str, list]:
        """Column arrays of the mappable events, as small as the map and timeline can use.

        ``type`` is the index of the event type in ``types`` (the taxonomy's order) and ``day`` the event
        date as days since 1970-01-01 (None when unresolved); names, places and statuses are fetched
        for the few events a list or popup shows (``brief``). 100,000 events make about 4.5 MB of JSON.
        """
        where, params = flt.where()
        where = (where + " AND " if where else " WHERE ") + "latitude IS NOT NULL AND longitude IS NOT NULL"
        rows = self.db.query(f"SELECT event_id, latitude, longitude, fatalities, event_date, event_type"
                             f" FROM events{where} LIMIT ?", params + [limit])
        types = list(TAXONOMY)
        code = {t: i for i, t in enumerate(types)}
        epoch = date(1970, 1, 1).toordinal()

        def day(value: Optional[str]) -> Optional[int]:
            try:
                return date.fromisoformat(value).toordinal() - epoch if value else None
            except ValueError:
                return None
        return {"types": types, "id": [r["event_id"] for r in rows],
                "lat": [round(float(r["latitude"]), 4) for r in rows],
                "lon": [round(float(r["longitude"]), 4) for r in rows], "fat": [r["fatalities"] for r in rows],
                "day": [day(r["event_date"]) for r in rows],
                "type": [code.get(r["event_type"], len(types) - 1) for r in rows]}

    def map_points_json(self, flt: ReviewFilter, limit: int = 500_000) -> bytes:
        """``map_points`` as JSON bytes. On SQLite the arrays are built by json_group_array in C: 0.3 s
        for 100,000 events against 1.2 s through Python objects."""
        if getattr(self.db, "dialect", "") != "sqlite":
            return json.dumps(self.map_points(flt, limit), separators=(",", ":")).encode()
        where, params = flt.where()
        where = (where + " AND " if where else " WHERE ") + "latitude IS NOT NULL AND longitude IS NOT NULL"
        types = list(TAXONOMY)
        case = "CASE event_type " + " ".join(f"WHEN ? THEN {i}" for i in range(len(types))) + f" ELSE {len(types) - 1} END"
        # julianday('1970-01-01') is 2440587.5; an unreadable date gives NULL, as in map_points.
        row = self.db.execute(
            "SELECT json_group_array(event_id), json_group_array(round(latitude, 4)),"
            " json_group_array(round(longitude, 4)), json_group_array(fatalities),"
            " json_group_array(CAST(julianday(event_date) - 2440587.5 AS INTEGER)),"
            f" json_group_array({case})"
            " FROM (SELECT event_id, latitude, longitude, fatalities, event_date, event_type"
            f" FROM events{where} LIMIT ?)", types + params + [limit]).fetchone()
        names = ("id", "lat", "lon", "fat", "day", "type")
        return ('{"types":' + json.dumps(types) + "," + ",".join(f'"{k}":{v}' for k, v in zip(names, row))
                + "}").encode()

    def brief(self, event_ids: list[str]) -> dict[str, dict[str, Any]]:
        """What a map list row or popup shows, for up to 500 events."""
        ids = list(dict.fromkeys(event_ids))[:500]
        if not ids:
            return {}
        rows = self.db.query(f"SELECT event_id, event_date, sub_event_type, location, admin1, country, fatalities,"
                             f" review_status FROM events WHERE event_id IN ({', '.join('?' * len(ids))})", ids)
        return {r.pop("event_id"): r for r in rows}

    def data_version(self) -> tuple[int, int]:
        """Changes whenever an event is added, changed or deleted (each such write logs a change)."""
        row = self.db.query_one("SELECT (SELECT MAX(change_id) FROM change_log) AS c, (SELECT COUNT(*) FROM events) AS n")
        return int(row["c"] or 0), int(row["n"] or 0)

    def history(self, event_id: str) -> list[dict[str, Any]]:
        """Earlier versions of an event, newest first: the state each had and who changed it, when."""
        rows = self.db.query("SELECT version, action, review_status, fields_json, username, at, note"
                             " FROM event_versions WHERE event_id=? ORDER BY version DESC, version_id DESC",
                             (event_id,))
        for r in rows:
            r["fields"] = json.loads(r.pop("fields_json"))
        return rows

    # --- writes ---------------------------------------------------------------------------------
    def _current(self, event_id: str) -> dict[str, Any]:
        row = self.db.query_one("SELECT * FROM events WHERE event_id=?", (event_id,))
        if row is None:
            raise NotFound(f"no event {event_id!r}; it may have been deleted or re-extracted. Reload the queue")
        return row

    def _save_version(self, row: dict[str, Any], action: str, username: str, at: str, note: str = "") -> None:
        snapshot = {c: row[c] for c in SNAPSHOT}
        self.db.execute("INSERT INTO event_versions (event_id, version, action, review_status, fields_json, username,"
                        " at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (row["event_id"], row["version"], action, row["review_status"], json.dumps(snapshot),
                         username, at, note))

    def _update(self, row: dict[str, Any], expected_version: Optional[int], changes: dict[str, Any]) -> int:
        """Apply column changes if the event is still at ``expected_version``; return the new version."""
        if expected_version is not None and row["version"] != expected_version:
            raise Conflict(f"event {row['event_id']} was changed by someone else (now version {row['version']}, "
                           f"you had version {expected_version}). Reload it to see their change, then decide again")
        version = row["version"]
        sets = ", ".join(f"{c}=?" for c in changes)
        cur = self.db.execute(f"UPDATE events SET {sets}, version=? WHERE event_id=? AND version=?",
                              list(changes.values()) + [version + 1, row["event_id"], version])
        if cur.rowcount != 1:
            raise Conflict(f"event {row['event_id']} was changed by someone else while you saved. Reload it")
        return version + 1

    def set_status(self, event_id: str, status: str, username: str, expected_version: Optional[int] = None) -> int:
        """Accept, reject or reset one event; returns its new version."""
        if status not in STATUSES:
            raise StoreError(f"review status {status!r} is unknown: use one of {', '.join(STATUSES)}", code="E222")
        now = utcnow()
        with self.db.transaction():
            row = self._current(event_id)
            self._save_version(row, f"status:{status}", username, now)
            version = self._update(row, expected_version, {"review_status": status})
            self._log(event_id, f"review-{status}", username, now, {"review_status": row["review_status"]},
                      {"review_status": status, "version": version})
            self._changed([event_id], recluster=[event_id] if "rejected" in (status, row["review_status"]) else [])
        return version

    def bulk_set_status(self, flt: ReviewFilter, status: str, username: str, max_events: int = 100_000) -> int:
        """Set the status of every event matching the filter (one transaction); returns how many changed."""
        if status not in STATUSES:
            raise StoreError(f"review status {status!r} is unknown: use one of {', '.join(STATUSES)}", code="E222")
        where, params = flt.where()
        now = utcnow()
        with self.db.transaction():
            rows = self.db.query(f"SELECT * FROM events{where} LIMIT ?", params + [max_events])
            rows = [r for r in rows if r["review_status"] != status]
            self.db.executemany(
                "INSERT INTO event_versions (event_id, version, action, review_status, fields_json, username, at, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r["event_id"], r["version"], f"bulk:{status}", r["review_status"],
                  json.dumps({c: r[c] for c in SNAPSHOT}), username, now, "") for r in rows])
            self.db.executemany("UPDATE events SET review_status=?, version=version+1 WHERE event_id=? AND version=?",
                                [(status, r["event_id"], r["version"]) for r in rows])
            self.db.executemany(
                "INSERT INTO change_log (entity, entity_id, action, username, at, before_json, after_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [("event", r["event_id"], f"bulk-{status}", username, now,
                  json.dumps({"review_status": r["review_status"]}), json.dumps({"review_status": status}))
                 for r in rows])
            self._changed([r["event_id"] for r in rows],
                          recluster=[r["event_id"] for r in rows if "rejected" in (status, r["review_status"])])
        return len(rows)

    def edit(self, event_id: str, changes: dict[str, Any], username: str, expected_version: Optional[int]) -> int:
        """Change fields of an event (validated against the event model); status becomes 'edited'.

        Each changed field's provenance records the reviewer, so the page shows who set it.
        """
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise StoreError(f"fields {sorted(unknown)} cannot be edited; editable: {', '.join(EDITABLE)}", code="E223")
        now = utcnow()
        with self.db.transaction():
            row = self._current(event_id)
            stored = row_to_stored(row)
            data = stored.event.model_dump(mode="json")
            if "sub_event_type" in changes and "event_type" not in changes:
                changes["event_type"] = SUB_EVENT_TO_EVENT.get(changes["sub_event_type"], data["event_type"])
            changed = {k: v for k, v in changes.items() if data.get(k) != v}
            if not changed:
                return row["version"]
            data.update(changed)
            data["disorder_type"] = DISORDER_OF_EVENT.get(data["event_type"], data["disorder_type"])
            try:
                event = Event.model_validate(data)
            except ValidationError as e:
                msgs = "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'event'}: {err['msg']}" for err in e.errors())
                raise StoreError(f"the edit of {event_id} is not valid: {msgs}. Correct the field and save again",
                                 code="E224") from None
            for k in changed:
                event.provenance[k] = FieldEvidence(stage="review", score=1.0, note=f"set by {username} at {now}")
            cols = {c: getattr(event, c) for c in changed}
            cols["disorder_type"] = event.disorder_type
            cols["provenance_json"] = provenance_json(event.provenance)
            cols["review_status"] = "edited"
            self._save_version(row, "edit", username, now)
            version = self._update(row, expected_version, cols)
            self._log(event_id, "edit", username, now, {k: row[k] for k in changed},
                      {**{k: cols[k] for k in changed}, "version": version})
            self._changed([event_id])
        return version

    def revert(self, event_id: str, to_version: int, username: str, expected_version: Optional[int] = None) -> int:
        """Restore the state the event had at ``to_version`` (as a new version); returns the new version."""
        now = utcnow()
        with self.db.transaction():
            row = self._current(event_id)
            old = self.db.query_one("SELECT review_status, fields_json FROM event_versions WHERE event_id=? AND version=?"
                                    " ORDER BY version_id LIMIT 1", (event_id, to_version))
            if old is None:
                raise NotFound(f"event {event_id} has no saved version {to_version}; see its history for the versions")
            cols = json.loads(old["fields_json"])
            cols["review_status"] = old["review_status"]
            self._save_version(row, f"revert:{to_version}", username, now)
            version = self._update(row, expected_version, cols)
            self._log(event_id, "revert", username, now, {"version": row["version"]},
                      {"restored_version": to_version, "version": version})
            self._changed([event_id])
        return version

    def delete(self, event_id: str, username: str) -> None:
        """Delete an event (admins only, checked by the app); its versions stay for the record."""
        now = utcnow()
        with self.db.transaction():
            row = self._current(event_id)
            self._save_version(row, "delete", username, now)
            self.db.execute("DELETE FROM events WHERE event_id=?", (event_id,))
            self._log(event_id, "delete", username, now, {"review_status": row["review_status"]}, None)
            self._changed(deleted={event_id: row["incident_id"]})

    def _changed(self, event_ids: list[str] = (), deleted: Optional[dict[str, Optional[str]]] = None,
                 recluster: Optional[list[str]] = None) -> None:
        # Timestamps for export --since, deletions, and the incidents the reports are in follow every change.
        SQLStore(self.db, migrate=False).review_changed(event_ids, deleted, recluster)

    def _log(self, event_id: str, action: str, username: str, at: str, before: Any, after: Any) -> None:
        self.db.execute("INSERT INTO change_log (entity, entity_id, action, username, at, before_json, after_json)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        ("event", event_id, action, username, at, json.dumps(before) if before is not None else None,
                         json.dumps(after) if after is not None else None))
