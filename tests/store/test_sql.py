"""The store's fast paths give what their plain forms give, on both backends."""
from __future__ import annotations

from eventcoder.store.sql import _merged

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
