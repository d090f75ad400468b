"""A replaced document keeps its earlier version; a refused replacement changes nothing."""
from __future__ import annotations

from eventcoder.store import EventQuery

from .conftest import make_event, make_record


def test_replacing_a_document_keeps_the_old_one_and_its_reviewed_events(store):
    store.add_records([make_record("d1", [make_event("d1", 0), make_event("d1", 1)])])
    store.set_review_status("d1-e0", "accepted", "rita")
    stats = store.add_records([make_record("d1", [make_event("d1", 2)], text="Other text.")], username="ann")
    assert (stats.documents_updated, stats.events_removed) == (1, 2)
    (old,) = store.document_versions("d1")
    assert old["replaced_by"] == "ann" and old["document"]["body"] == "Clashes. More text."
    assert [(e["event_id"], e["review_status"]) for e in old["events"]] == [("d1-e0", "accepted"), ("d1-e1", "pending")]


def test_a_refused_replacement_changes_nothing(store):
    store.add_records([make_record("d1", [make_event("d1", 0)])])
    stats = store.add_records([make_record("d1", [], text="Nothing happened today.")], replace=False)
    assert (stats.documents_refused, stats.documents_updated, stats.events_removed) == (1, 0, 0)
    assert store.get_document("d1").text == "Clashes. More text."
    assert [s.event.event_id for s in store.query_events(EventQuery(doc_id="d1"))] == ["d1-e0"]
    assert store.document_versions("d1") == []
    # the same content again is simply unchanged, replace or not
    assert store.add_records([make_record("d1", [make_event("d1", 0)])], replace=False).documents_unchanged == 1
