"""The store's fast paths give what their plain forms give, on both backends."""
from __future__ import annotations

from eventcoder.store import open_store, rows, sql
from eventcoder.store.incidents import _merged

from .conftest import make_event, make_record


def _spread_reports() -> list:
    """Reports of two countries and two kinds, at every date precision (and none), days to weeks apart."""
    days = ["2015-10-01", "2015-10-02", "2015-10-04", "2015-10-12", "2015-10-20", "2015-11-20", "2016-01-05"]
    events = []
    for i, day in enumerate(days):
        for precision in (1, 2, 3, None):
            events.append(make_event(f"d{i}{precision}", event_date=day, time_precision=precision))
        events.append(make_event(f"p{i}", event_date=day, event_type="Protests", sub_event_type="Peaceful protest",
                                 time_precision=1 + i % 3))
        events.append(make_event(f"i{i}", event_date=day, country="Iraq", iso=368, time_precision=2))
    events.append(make_event("nodate", event_date=None))
    return events


def test_batched_candidates_are_each_seeds_own_query(store):
    events = _spread_reports()
    store.add_records([make_record(e.doc_id, [e]) for e in events])
    with store.db.transaction():
        store.db.execute("UPDATE events SET review_status = 'rejected' WHERE event_id IN ('d12-e0', 'd4None-e0')")
    rows = store._load_events(e.event_id for e in events)
    batched = {row["event_id"]: sorted(r["event_id"] for r in found) for row, found in store._candidate_rows(rows)}
    plain = {row["event_id"]: sorted(r["event_id"] for r in store._candidates(row))
             for row in rows if row["review_status"] != "rejected"}
    assert batched == plain
    assert len(plain["d01-e0"]) > 5 and plain["nodate-e0"] == []


def test_merged_ranges_are_their_union():
    assert _merged([]) == []
    assert _merged([("2015-10-05", "2015-10-09"), ("2015-10-01", "2015-10-03"), ("2015-10-03", "2015-10-04"),
                    ("2015-10-06", "2015-10-07"), ("2015-10-10", "2015-10-11")]) == [
        ("2015-10-01", "2015-10-04"), ("2015-10-05", "2015-10-09"), ("2015-10-10", "2015-10-11")]


class _InsertedAtOnce(sql._UnwrittenEvents):
    """The plain form of _UnwrittenEvents: each row inserted when it is made, its incident set by an update."""

    def __init__(self, db):
        super().__init__()
        self.db = db

    def add(self, row, log):
        super().add(row, log)
        self.write(self.db)


def _contents(store) -> dict[str, list]:
    """Every row of the tables add_records writes, in rowid order, without the clock's columns."""
    clock = {"timestamp", "created_at", "updated_at", "at"}
    out = {}
    for table in ("documents", "events", "incidents", "deletions", "change_log"):
        rows = store.db.query(f"SELECT rowid AS rowid_, * FROM {table} ORDER BY rowid")
        out[table] = [{k: v for k, v in r.items() if k not in clock} for r in rows]
    return out


def _edits_in_batches(store) -> None:
    store.add_records([make_record("a", [make_event("a"), make_event("a", 1, location="Homs", latitude=34.73,
                                                                      longitude=36.71)]),
                       make_record("b", [make_event("b", fatalities=5)]),
                       make_record("c", [make_event("c", event_date="2015-10-13")])])
    with store.db.transaction():
        store.db.execute("UPDATE events SET review_status = 'rejected' WHERE event_id = 'c-e0'")
    store.add_records([
        # a edited: a-e0 kept, a-e1 gone, a-e2 new; d new, then edited in the same batch; c re-extracted
        make_record("a", [make_event("a"), make_event("a", 2, fatalities=7)], text="Clashes. Edited."),
        make_record("d", [make_event("d", event_date="2015-10-11")]),
        make_record("e", [make_event("e"), make_event("e", 1, event_type="Protests",
                                                      sub_event_type="Peaceful protest")]),
        make_record("d", [make_event("d", event_date="2015-10-11"), make_event("d", 1)], text="Clashes. D."),
        make_record("c", [make_event("c", event_date="2015-10-12")], text="Clashes. C."),
    ])


def test_rows_written_with_their_incident_are_rows_written_then_updated(tmp_path, monkeypatch):
    deferred = open_store(tmp_path / "deferred.db")
    _edits_in_batches(deferred)
    at_once = open_store(tmp_path / "at_once.db")
    monkeypatch.setattr(sql, "_UnwrittenEvents", lambda: _InsertedAtOnce(at_once.db))
    _edits_in_batches(at_once)
    assert _contents(deferred) == _contents(at_once)
    assert len({e["incident_id"] for e in _contents(deferred)["events"]}) > 2
    deferred.close()
    at_once.close()


def test_json_columns_are_json_dumps():
    import json

    for flags in ([], ["low_confidence"], ["b", "a", "é\n\"x\""]):
        assert rows._JSON(flags) == json.dumps(flags)
    one = {"source": "a-e0", "actor1": "a-e0", "notes": "a-e0"}
    for sources in ({}, one, {**one, "notes": "b-e1"}, {"x": 'é"\\'}, {"\0": "\0"}, {"k": "\0", "\0": "\0"}):
        assert rows.field_sources_json(sources) == json.dumps(sources, sort_keys=True)
    assert rows.field_sources_json(one) == rows.field_sources_json(dict(reversed(one.items())))


def test_decisions_are_looked_for_once_there_are_some(store):
    store.add_records([make_record(d, [make_event(d)]) for d in "abc"])
    ids = {"a-e0", "b-e0", "c-e0"}
    assert not store._has_decisions() and store._decisions_among(ids) == []
    store.split_incident(store.get_event("a-e0").incident_id, ["c-e0"])
    assert store._has_decisions()
    assert {("a-e0", "c-e0", "different"), ("a-e0", "b-e0", "same")} <= set(store._decisions_among(ids))
    assert store.get_event("c-e0").incident_id != store.get_event("a-e0").incident_id
