"""Incidents: one real-world event, many reports. ``IncidentMixin`` is the incident half of ``SQLStore``.

Incidents are kept up to date on every write: the reports that changed, the stored reports that could
match them (same disorder type and country, inside the date window their precisions allow, inside a
bounding box of the widest radius), the other members of their incidents and the reports a reviewer tied
to them are reclustered with ``dedup`` (and the reviewers' decisions), and only incidents that differ are
written, with a new ``timestamp``. This is one hop from what changed, so a long chain of later edits can
leave a grouping that a full ``rebuild_incidents()`` would draw differently; ``eventcoder incidents
rebuild`` redoes it all. Vanished incidents and events are recorded in ``deletions`` for ``export --since``.
"""
from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Optional

from ..dedup import Decision, Incident, dedup, matching
from ..types import Event
from .base import EVENT_COLUMNS, QueryError
from .acled import fill_incident_ids
from .db import Database, utcnow
from .db import chunks as _chunks
from .rows import INCIDENT_ROW_COLUMNS, incident_row_values, row_to_event

# What the matcher reads of a stored report to pre-filter candidates (dedup.matching).
MATCH_COLUMNS: tuple[str, ...] = (
    "event_id", "doc_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "actor2", "assoc_actor_2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "geonameid", "review_status",
)
# What incident upkeep reads of a stored report (row_to_event without provenance, review state, incident).
_UPKEEP_COLUMNS = ", ".join(EVENT_COLUMNS + ("evidence_text", "evidence_start", "evidence_end", "flags_json",
                                             "review_status", "incident_id"))
# The precision classes of stored reports as matching reads them (each its own date window), by index.
_MATCH_CLASS_CONDITIONS = ("time_precision = 1", "time_precision = 2", "time_precision = 3",
                           "time_precision IS NULL")
_MATCH_QUERIES = tuple(f"SELECT {', '.join(MATCH_COLUMNS)} FROM events WHERE country = ? AND disorder_type = ? "
                       f"AND {condition} AND event_date BETWEEN ? AND ?" for condition in _MATCH_CLASS_CONDITIONS)
_EVENT_DATE = itemgetter("event_date")
# Every incident row is written with all its columns and the timestamp.
_INCIDENT_WRITTEN = INCIDENT_ROW_COLUMNS + ("timestamp",)
_INCIDENT_UPSERT = (f"INSERT INTO incidents ({', '.join(_INCIDENT_WRITTEN)}) "
                    f"VALUES ({', '.join('?' * len(_INCIDENT_WRITTEN))}) ON CONFLICT (incident_id) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in _INCIDENT_WRITTEN if c != "incident_id"))


def _for_matching(row: dict[str, Any], written: dict[str, Event]) -> Event:
    """The event of a stored row as incident matching reads it: the event just written, when it is at hand,
    else one rebuilt from the row without provenance. Its row holds the same values; rebuilding every report
    of a batch twice (neighbourhood, then recluster) was 0.15 of the 1.1 s a batch of 500 documents spends
    storing, under cProfile. The written event is taken as it is, provenance and all: matching and merging
    never read a report's provenance (a merged incident has none), and a copy without it cost 0.02 of the
    0.5 s that storing 500 documents takes."""
    ev = written.get(row["event_id"])
    return row_to_event(row, with_provenance=False) if ev is None else ev


class IncidentMixin:
    """Incident upkeep, rebuild, and the reviewers' merge and split of ``SQLStore``, over its ``db`` (with its
    ``dedup_settings``, ``log`` and ``get_event``)."""

    db: Database

    def _neighbourhood(self, seeds: set[str], seed_rows: list[dict[str, Any]], stale: set[str],
                       written: dict[str, Event]) -> set[str]:
        """The events whose incidents may change when ``seeds`` (stored as ``seed_rows``) changed: the stored
        reports that may match a seed, the members of every incident they or the seeds are in (and of
        ``stale`` incidents), and the reports a reviewer tied to them. One hop, which keeps a batch's work
        local."""
        ids = set(seeds)
        # Seeds of one kind, country, day and precision share their candidates, and all of a batch's are read
        # in a few statements (_candidate_rows): one query per key was 0.1 of the 0.6 s that storing 500
        # documents takes. A candidate already in ``ids`` (most are this batch's own seeds, 3,900 of 4,600)
        # is not matched again: matching judges each candidate on its own, so it could only add what is there.
        plain: dict[str, SimpleNamespace] = {}  # plain objects, not Events: building models cost more than matching
        for row, rows in self._candidate_rows(seed_rows):
            candidates = []
            for r in rows:
                if r["event_id"] not in ids and r["review_status"] != "rejected":
                    c = plain.get(r["event_id"])
                    if c is None:
                        c = plain[r["event_id"]] = SimpleNamespace(**r)
                    candidates.append(c)
            if candidates:
                ids.update(matching(_for_matching(row, written), candidates, self.dedup_settings))
        # The seeds' incidents are in their rows: only the other reports' are read (a batch's seeds are most
        # of the ids, and reading theirs was 0.01 of the 0.42 s that storing 500 documents takes).
        incident_ids = set(stale) | {r["incident_id"] for r in seed_rows if r["incident_id"]}
        for chunk in _chunks(sorted(ids - seeds), 500):
            incident_ids.update(r["incident_id"] for r in self.db.query(
                f"SELECT DISTINCT incident_id FROM events WHERE event_id IN ({', '.join('?' * len(chunk))}) "
                f"AND incident_id IS NOT NULL", chunk))
        for chunk in _chunks(sorted(ids), 500) if self._has_decisions() else ():
            marks = ", ".join("?" * len(chunk))
            for r in self.db.query(f"SELECT event_a, event_b FROM incident_decisions WHERE decision = 'same' AND "
                                   f"(event_a IN ({marks}) OR event_b IN ({marks}))", chunk + chunk):
                ids.update((r["event_a"], r["event_b"]))
        for chunk in _chunks(sorted(incident_ids), 500):
            ids.update(r["event_id"] for r in self.db.query(
                f"SELECT event_id FROM events WHERE incident_id IN ({', '.join('?' * len(chunk))})", chunk))
        return ids

    def _candidate_rows(self, seed_rows: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any],
                                                                                 list[dict[str, Any]]]]:
        """Each seed row (but rejected ones) with the stored reports that could match it by kind, country and
        date, ``_candidates`` of each seed. Seeds of one key (kind, country, date, precision) share one list,
        and the date ranges of one kind, country and precision class are merged where they overlap, so each
        stored report is read once, all in a few statements (one index range a term: events_for_matching)."""
        windows = self.dedup_settings.window_days
        seeds = [(row, (row["country"], row["disorder_type"], row["event_date"], row["time_precision"]))
                 for row in seed_rows if row["review_status"] != "rejected"]
        keyed = {key: _match_ranges(key[2], key[3], windows) for _, key in seeds}
        spans: dict[tuple[str, str, int], list[tuple[str, str]]] = {}
        for (country, disorder, _, _), ranges in keyed.items():
            for cls, span in enumerate(ranges or ()):
                spans.setdefault((country, disorder, cls), []).append(span)
        # One short statement a merged range, of four texts that SQLite keeps compiled: 3,600 of them cost
        # about what 1,700 of four ranges each did, and a statement of a hundred ranges costs more to
        # compile than to run.
        found: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
        for block, lst in spans.items():
            sql = _MATCH_QUERIES[block[2]]
            found[block] = [r for lo, hi in _merged(lst)
                            for r in self.db.query(sql, (block[0], block[1], lo, hi))]
        by_class: dict[tuple[str, str, int], tuple[list[str], list[dict[str, Any]]]] = {}
        for k, rows in found.items():
            rows.sort(key=_EVENT_DATE)
            by_class[k] = ([r["event_date"] for r in rows], rows)
        shared: dict[tuple, list[dict[str, Any]]] = {}
        for row, key in seeds:
            if key not in shared:
                shared[key] = []
                for cls, (lo, hi) in enumerate(keyed[key] or ()):
                    dates, rows = by_class.get((key[0], key[1], cls), ((), ()))
                    shared[key] += rows[bisect_left(dates, lo):bisect_right(dates, hi)]
            yield row, shared[key]

    def _candidates(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """Stored reports that could match ``row`` by kind, country and date: the dates a pair may be apart
        are the coarser of their two windows, so each precision class is read over its own date range
        (one index range each: events_for_matching), not all of them over the widest. The plain form of
        _candidate_rows, one query for one row."""
        ranges = _match_ranges(row["event_date"], row["time_precision"], self.dedup_settings.window_days)
        if ranges is None:
            return []
        params = [value for lo, hi in ranges for value in (row["country"], row["disorder_type"], lo, hi)]
        return self.db.query(" UNION ALL ".join(_MATCH_QUERIES), params)

    def _has_decisions(self) -> bool:
        """Whether reviewers decided anything yet. Until they do (an extraction run), the decisions that
        name a batch's reports need not be looked for: those two statements of several hundred ids each
        were 0.01 of the 0.45 s that storing 500 documents takes, most of it compiling them."""
        return self.db.query_one("SELECT 1 AS one FROM incident_decisions LIMIT 1") is not None

    def _decisions_among(self, ids: set[str]) -> list[tuple[str, str, Decision]]:
        out: list[tuple[str, str, Decision]] = []
        for chunk in _chunks(sorted(ids), 500) if self._has_decisions() else ():
            for r in self.db.query(f"SELECT event_a, event_b, decision FROM incident_decisions "
                                   f"WHERE event_a IN ({', '.join('?' * len(chunk))})", chunk):
                if r["event_b"] in ids:
                    out.append((r["event_a"], r["event_b"], r["decision"]))
        return out

    def _load_events(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The rows of these reports as incident upkeep reads them: every column but the provenance, which
        matching never reads and which is most of a row's bytes."""
        rows = []
        for chunk in _chunks(sorted(ids), 500):
            rows += self.db.query(f"SELECT {_UPKEEP_COLUMNS} FROM events "
                                  f"WHERE event_id IN ({', '.join('?' * len(chunk))})", chunk)
        return rows

    def _refresh_incidents(self, seeds: set[str], stale: set[str], ts: int,
                           written: Optional[dict[str, Event]] = None,
                           fresh: Optional[dict[str, dict[str, Any]]] = None,
                           unwritten: Optional[dict[str, dict[str, Any]]] = None) -> None:
        """Recluster the neighbourhood of what changed and write only the incidents that differ.

        Args:
            written: the events this transaction just stored, by id, to match as they are instead of
                rebuilding them from their rows.
            fresh: the rows this transaction just stored, by id: every seed's that still exists (a document
                twice in a batch may delete one), when given. Reading them back was 0.03 of the 0.45 s that
                storing 500 documents takes.
            unwritten: rows of seeds not inserted yet, by id (_UnwrittenEvents): they get their incident in
                the row, not by an update.
        """
        written = written or {}
        # read once for both steps: nothing is written in between
        seed_rows = [fresh[i] for i in seeds if i in fresh] if fresh is not None else self._load_events(seeds)
        ids = self._neighbourhood(seeds, seed_rows, stale, written)
        self._recluster(seed_rows + self._load_events(ids - {r["event_id"] for r in seed_rows}), stale, ts, written,
                        unwritten)

    def _recluster(self, rows: list[dict[str, Any]], stale: set[str], ts: int,
                   written: Optional[dict[str, Event]] = None,
                   unwritten: Optional[dict[str, dict[str, Any]]] = None) -> int:
        """Incidents of these reports (a report a reviewer rejected is in none); returns how many."""
        ids = {r["event_id"] for r in rows}
        written = written or {}
        active = [_for_matching(r, written) for r in rows if r["review_status"] != "rejected"]
        incidents = dedup(active, self._decisions_among(ids), self.dedup_settings)
        self._write_incidents(incidents, {r["event_id"]: r["incident_id"] for r in rows}, stale, ts, unwritten)
        dropped = sorted(r["event_id"] for r in rows if r["review_status"] == "rejected" and r["incident_id"])
        for chunk in _chunks(dropped, 500):
            self.db.execute(f"UPDATE events SET incident_id = NULL, timestamp = ? "
                            f"WHERE event_id IN ({', '.join('?' * len(chunk))})", [ts] + chunk)
        return len(incidents)

    def review_changed(self, event_ids: Iterable[str] = (), deleted: Optional[dict[str, Optional[str]]] = None,
                       recluster: Optional[Iterable[str]] = None) -> None:
        """After reviewers changed reports (status, fields, revert) or deleted them: stamp the changed ones for
        ``export --since``, record the deletions, and bring their incidents up to date.

        Args:
            event_ids: reports that changed and still exist.
            deleted: deleted report id -> the incident it was in (read before deleting), or None.
            recluster: the changed reports whose incident may change (default: all of them); an accept
                changes no incident, a reject or an edited place does.
        """
        ts = int(time.time())
        ids = sorted(set(event_ids))
        deleted = deleted or {}
        with self.db.transaction():
            for chunk in _chunks(ids, 500):
                self.db.execute(f"UPDATE events SET timestamp = ? WHERE event_id IN ({', '.join('?' * len(chunk))})",
                                [ts] + chunk)
            for event_id in sorted(deleted):
                self.db.execute("INSERT INTO deletions (entity, entity_id, timestamp) VALUES (?, ?, ?)",
                                ("event", event_id, ts))
            seeds = set(ids) if recluster is None else set(recluster)
            stale = {i for i in deleted.values() if i}
            if seeds or stale:
                self._refresh_incidents(seeds, stale, ts)

    def _write_incidents(self, incidents: list[Incident], current: dict[str, Optional[str]], stale: set[str],
                         ts: int, unwritten: Optional[dict[str, dict[str, Any]]] = None) -> None:
        """Write the incidents that differ from their rows, delete the vanished ones, and set each report's
        incident: in its row when the report is among ``unwritten`` (stamped ``ts`` already), else by an
        update."""
        unwritten = unwritten if unwritten is not None else {}
        old_ids = {i for i in current.values() if i} | set(stale)
        new_ids = {inc.incident_id for inc in incidents}
        for gone in sorted(old_ids - new_ids):
            if self.db.query_one("SELECT incident_id FROM incidents WHERE incident_id = ?", (gone,)):
                self.db.execute("INSERT INTO deletions (entity, entity_id, timestamp, event_id_cnty) SELECT"
                                " 'incident', incident_id, ?, event_id_cnty FROM incidents WHERE incident_id = ?",
                                (ts, gone))
                self.db.execute("DELETE FROM incidents WHERE incident_id = ?", (gone,))
        existing_rows: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(new_ids), 500):
            for r in self.db.query(f"SELECT * FROM incidents WHERE incident_id IN ({', '.join('?' * len(chunk))})",
                                   chunk):
                existing_rows[r["incident_id"]] = r
        # Two statements for the whole batch, not two per incident (one batch of 64 documents writes about
        # 270 incidents): the same rows in the same order. The reports' reference to their incident is
        # checked at commit, so setting it after writing all incidents changes nothing.
        upserts: list[tuple[Any, ...]] = []
        moves: list[tuple[str, int, str]] = []
        for inc in incidents:
            values = incident_row_values(inc)
            existing = existing_rows.get(inc.incident_id)
            if existing is None or any(existing[k] != v for k, v in zip(INCIDENT_ROW_COLUMNS, values)):
                upserts.append(values + (ts,))
            # The event's incident is part of its exported row: bump its timestamp for --since.
            for e in inc.report_ids:
                if current.get(e) != inc.incident_id:
                    if e in unwritten:
                        unwritten[e]["incident_id"] = inc.incident_id
                    else:
                        moves.append((inc.incident_id, ts, e))
        if upserts:
            self.db.executemany(_INCIDENT_UPSERT, upserts)
        if moves:
            self.db.executemany("UPDATE events SET incident_id = ?, timestamp = ? WHERE event_id = ?", moves)
        if not unwritten:  # else add_records numbers them once its new reports are written (acled.py)
            fill_incident_ids(self.db)

    def rebuild_incidents(self) -> int:
        """Recluster every stored report, block by block (disorder type and country); returns incidents."""
        ts = int(time.time())
        n = 0
        blocks = self.db.query("SELECT DISTINCT disorder_type, country FROM events ORDER BY disorder_type, country")
        for b in blocks:
            with self.db.transaction():
                rows = self.db.query(f"SELECT {_UPKEEP_COLUMNS} FROM events WHERE disorder_type = ? AND country = ?",
                                     (b["disorder_type"], b["country"]))
                ids = {r["event_id"] for r in rows}
                # A reviewer's 'same' may cross blocks: those reports join this block's run.
                tied = {x for a, bb, d in self._decisions_touching(ids) if d == "same" for x in (a, bb)}
                rows += self._load_events(tied - ids)
                n += self._recluster(rows, set(), ts)
        return n

    def _decisions_touching(self, ids: set[str]) -> list[tuple[str, str, str]]:
        out = []
        for chunk in _chunks(sorted(ids), 500):
            marks = ", ".join("?" * len(chunk))
            out += [(r["event_a"], r["event_b"], r["decision"]) for r in self.db.query(
                f"SELECT event_a, event_b, decision FROM incident_decisions WHERE event_a IN ({marks}) "
                f"OR event_b IN ({marks})", chunk + chunk)]
        return out

    def _decide(self, a: str, b: str, decision: Decision, username: str, now: str) -> None:
        a, b = sorted((a, b))
        self.db.execute("DELETE FROM incident_decisions WHERE event_a = ? AND event_b = ?", (a, b))
        self.db.execute("INSERT INTO incident_decisions (event_a, event_b, decision, username, at) "
                        "VALUES (?, ?, ?, ?, ?)", (a, b, decision, username, now))

    def merge_incidents(self, incident_ids: list[str], username: str = "") -> Optional[str]:
        """A reviewer's merge: these incidents are one event. Returns the merged incident's id."""
        members = {i: self.incident_report_ids(i) for i in dict.fromkeys(incident_ids)}
        missing = [i for i, m in members.items() if not m]
        if missing:
            raise QueryError(f"no incident {missing[0]!r}. List incidents with GET /api/incidents", code="E121")
        if len(members) < 2:
            return next(iter(members), None)
        now, ts = utcnow(), int(time.time())
        every = sorted(e for m in members.values() for e in m)
        with self.db.transaction():
            groups = list(members.values())
            for g1, g2 in zip(groups, groups[1:]):
                self._decide(min(g1), min(g2), "same", username, now)
            # An earlier 'different' between them would now contradict the reviewer: drop it.
            for x in every:
                for y in every:
                    if x < y:
                        self.db.execute("DELETE FROM incident_decisions WHERE event_a = ? AND event_b = ? "
                                        "AND decision = 'different'", (x, y))
            self.log("incident", ",".join(sorted(members)), "merge", username, after={"reports": every}, at=now)
            self._refresh_incidents(set(every), set(members), ts)
        return self.get_event(every[0]).incident_id

    def split_incident(self, incident_id: str, event_ids: list[str], username: str = "") -> list[str]:
        """A reviewer's split: ``event_ids`` report another event than the rest of the incident.
        Returns the ids of the incidents the two parts are now in."""
        members = set(self.incident_report_ids(incident_id))
        if not members:
            raise QueryError(f"no incident {incident_id!r}. List incidents with GET /api/incidents", code="E121")
        out = set(event_ids)
        if not out or not out < members:
            raise QueryError(f"split needs some but not all reports of {incident_id}: its reports are "
                             f"{', '.join(sorted(members))}", code="E122")
        rest = members - out
        now, ts = utcnow(), int(time.time())
        with self.db.transaction():
            for x in sorted(out):
                for y in sorted(rest):
                    self._decide(x, y, "different", username, now)
            for part in (sorted(out), sorted(rest)):
                for x, y in zip(part, part[1:]):
                    self._decide(x, y, "same", username, now)
            self.log("incident", incident_id, "split", username,
                     after={"parts": [sorted(out), sorted(rest)]}, at=now)
            self._refresh_incidents(members, {incident_id}, ts)
        return sorted({self.get_event(min(out)).incident_id, self.get_event(min(rest)).incident_id})

    def report_ids_for(self, incident_ids: list[str]) -> dict[str, list[str]]:
        """incident_id -> its report ids, for many incidents in a few queries."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(incident_ids)), 500):
            for r in self.db.query(f"SELECT incident_id, event_id FROM events WHERE incident_id IN "
                                   f"({', '.join('?' * len(chunk))}) ORDER BY event_id", chunk):
                out.setdefault(r["incident_id"], []).append(r["event_id"])
        return out

    def incident_report_ids(self, incident_id: str) -> list[str]:
        return [r["event_id"] for r in self.db.query(
            "SELECT event_id FROM events WHERE incident_id = ? ORDER BY event_id", (incident_id,))]


# cached: a batch's reports share a few hundred dates (2,200 reports, 1,700 keys, per 500 documents)
@lru_cache(maxsize=4096)
def _match_ranges(event_date: Optional[str], time_precision: Optional[int],
                  windows: tuple[int, int, int]) -> Optional[tuple[tuple[str, str], ...]]:
    """The event_date range a stored report of each precision class (time_precision 1, 2, 3, NULL) must fall
    in to match a report of this date and precision: the coarser of the two windows (None: no date)."""
    try:
        day = date.fromisoformat(event_date or "")
    except ValueError:
        return None
    own = windows[min(max(int(time_precision or 3), 1), 3) - 1]
    return tuple(((day - timedelta(days=max(own, w))).isoformat(), (day + timedelta(days=max(own, w))).isoformat())
                 for w in (windows[0], windows[1], windows[2], windows[2]))


def _merged(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The union of closed ranges (of ISO dates, compared as the database compares them) as disjoint ranges."""
    out: list[tuple[str, str]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out
