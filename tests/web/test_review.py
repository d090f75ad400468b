"""The review core on a real SQLite store: queue order, decisions, versions, conflicts, bulk, revert."""
from __future__ import annotations

import json
from datetime import date

import pytest

from eventcoder.errors import StoreError
from eventcoder.store.review import Conflict, NotFound, ReviewFilter

from .conftest import make_record


@pytest.fixture
def review(any_store):
    """The store with twelve events: the review methods are the store's own (ReviewMixin)."""
    store = any_store
    store.add_records([make_record(i) for i in range(12)])
    return store


def _set(store, event_id, **cols):
    sets = ", ".join(f"{k}=?" for k in cols)
    store.db.execute(f"UPDATE events SET {sets} WHERE event_id=?", list(cols.values()) + [event_id])


def test_queue_puts_flagged_unplaced_undated_and_hedged_first(any_store, review):
    store = any_store
    _set(any_store, "ev000003-0", flags_json=json.dumps(["actor_unknown"]))
    _set(any_store, "ev000005-0", latitude=None, longitude=None)
    _set(any_store, "ev000007-0", certainty="claimed")
    _set(any_store, "ev000009-0", confidence=0.2)
    order = [s.event.event_id for s in review.review_queue(limit=12)]
    assert order[:4] == ["ev000003-0", "ev000005-0", "ev000007-0", "ev000009-0"]
    assert len(order) == 12


def test_queue_holds_only_pending_and_honours_filter_and_exclude(any_store, review):
    store = any_store
    review.set_review_status("ev000000-0", "accepted", "rita")
    ids = {s.event.event_id for s in review.review_queue(limit=50)}
    assert "ev000000-0" not in ids and len(ids) == 11
    iraq = review.review_queue(ReviewFilter(country=["Iraq"]), limit=50)
    assert iraq and all(s.event.country == "Iraq" for s in iraq)
    skipped = iraq[0].event.event_id
    assert skipped not in {s.event.event_id for s in review.review_queue(ReviewFilter(country=["Iraq"]), exclude=(skipped,))}


def test_status_change_bumps_version_and_counts(review):
    assert review.set_review_status("ev000001-0", "rejected", "rita", expected_version=1) == 2
    counts = review.review_counts()
    assert counts["rejected"] == 1 and counts["pending"] == 11
    with pytest.raises(StoreError, match="unknown"):
        review.set_review_status("ev000001-0", "maybe", "rita")


def test_second_writer_with_stale_version_gets_conflict_and_nothing_is_overwritten(any_store, review):
    store = any_store
    review.set_review_status("ev000002-0", "accepted", "rita", expected_version=1)
    with pytest.raises(Conflict, match="changed by someone else"):
        review.set_review_status("ev000002-0", "rejected", "rob", expected_version=1)
    with pytest.raises(Conflict):
        review.edit_event("ev000002-0", {"fatalities": 40}, "rob", expected_version=1)
    stored = store.get_event("ev000002-0")
    assert stored.review_status == "accepted" and stored.version == 2 and stored.event.fatalities != 40


def test_edit_is_versioned_with_who_and_provenance(any_store, review):
    store = any_store
    v = review.edit_event("ev000004-0", {"location": "Hama", "latitude": 35.13, "longitude": 36.75, "fatalities": 7},
                    "rita", expected_version=1)
    stored = store.get_event("ev000004-0")
    assert v == 2 and stored.review_status == "edited" and stored.event.location == "Hama"
    prov = stored.event.provenance["location"]
    assert prov.stage == "review" and "rita" in prov.note
    history = review.event_history("ev000004-0")
    assert history[0]["version"] == 1 and history[0]["username"] == "rita" and history[0]["action"] == "edit"
    assert history[0]["fields"]["location"] != "Hama"
    log = store.db.query("SELECT action, username FROM change_log WHERE entity_id='ev000004-0' AND action='edit'")
    assert log == [{"action": "edit", "username": "rita"}]


def test_edit_of_sub_event_type_moves_event_type_and_disorder(any_store, review):
    store = any_store
    review.edit_event("ev000000-0", {"sub_event_type": "Peaceful protest"}, "rita", None)
    ev = store.get_event("ev000000-0").event
    assert (ev.event_type, ev.disorder_type) == ("Protests", "Demonstrations")


@pytest.mark.parametrize("changes, fragment", [
    ({"sub_event_type": "Picnic"}, "sub_event_type"), ({"certainty": "sure"}, "certainty"),
    ({"fatalities": -3}, "fatalities"), ({"event_id": "x"}, "cannot be edited")])
def test_invalid_edit_is_refused_and_changes_nothing(any_store, review, changes, fragment):
    store = any_store
    with pytest.raises(StoreError, match=fragment):
        review.edit_event("ev000006-0", changes, "rita", 1)
    assert store.get_event("ev000006-0").version == 1


def test_revert_restores_an_earlier_version(any_store, review):
    store = any_store
    before = store.get_event("ev000008-0").event
    v2 = review.edit_event("ev000008-0", {"location": "Raqqa", "actor1": "Someone"}, "rita", 1)
    v3 = review.revert_event("ev000008-0", 1, "ann", expected_version=v2)
    after = store.get_event("ev000008-0")
    assert v3 == 3 and after.review_status == "pending"
    assert (after.event.location, after.event.actor1) == (before.location, before.actor1)
    assert after.event.provenance["location"].stage == "geocode"
    with pytest.raises(NotFound):
        review.revert_event("ev000008-0", 99, "ann")


def test_bulk_reject_touches_only_the_filtered_events(any_store, review):
    store = any_store
    n_iraq = review.review_count(ReviewFilter(country=["Iraq"]))
    changed = review.bulk_set_review_status(ReviewFilter(country=["Iraq"]), "rejected", "rita")
    assert changed == n_iraq > 0
    assert review.review_count(ReviewFilter(review_status=["rejected"])) == n_iraq
    assert review.review_count(ReviewFilter(review_status=["rejected"], country=["Syria"])) == 0
    some = review.review_events(ReviewFilter(country=["Iraq"]), limit=1)[0]
    assert some.version == 2 and review.event_history(some.event.event_id)[0]["action"] == "bulk:rejected"
    assert review.bulk_set_review_status(ReviewFilter(country=["Iraq"]), "rejected", "rita") == 0


def test_filters_combine(review):
    everything = review.review_count(ReviewFilter())
    assert everything == 12
    assert review.review_count(ReviewFilter(date_from="2015-02-01", date_to="2015-03-31")) < everything
    assert review.review_count(ReviewFilter(actor="islamic")) == everything
    assert review.review_count(ReviewFilter(actor="nobody at all")) == 0
    assert review.review_count(ReviewFilter(event_type=["Battles"], admin1=["Aleppo"])) <= review.review_count(ReviewFilter(admin1=["Aleppo"]))


def test_map_points_are_columns_of_the_mappable_filtered_events(any_store, review):
    store = any_store
    _set(any_store, "ev000001-0", latitude=None, longitude=None)
    cols = review.map_points(ReviewFilter())
    assert len(cols["id"]) == 11 and "ev000001-0" not in cols["id"]
    assert all(len(v) == 11 for k, v in cols.items() if k != "types")
    i = cols["id"].index("ev000002-0")
    ev = store.get_event("ev000002-0").event
    assert cols["types"][cols["type"][i]] == ev.event_type
    assert cols["day"][i] == (date.fromisoformat(ev.event_date) - date(1970, 1, 1)).days
    syria = review.map_points(ReviewFilter(country=["Syria"]))
    assert 0 < len(syria["id"]) < 11


def test_points_json_matches_the_portable_path(any_store, review):
    store = any_store
    _set(any_store, "ev000003-0", event_date=None)
    for flt in (ReviewFilter(), ReviewFilter(country=["Iraq"]), ReviewFilter(country=["Nowhere"])):
        assert json.loads(review.map_points_json(flt)) == json.loads(json.dumps(review.map_points(flt)))
    assert None in review.map_points(ReviewFilter())["day"]


def test_brief_names_what_the_map_lists(review):
    got = review.event_briefs(["ev000001-0", "ev000002-0", "missing"])
    assert set(got) == {"ev000001-0", "ev000002-0"}
    assert got["ev000001-0"]["review_status"] == "pending" and got["ev000001-0"]["location"]


def test_delete_keeps_the_last_version(any_store, review):
    store = any_store
    review.delete_event("ev000010-0", "ann")
    assert store.get_event("ev000010-0") is None
    assert review.event_history("ev000010-0")[0]["action"] == "delete"


def test_the_app_lists_come_from_the_store(review):
    """Filter lists, an incident's reports and stored actor names: store methods, on both backends."""
    store = review
    assert store.countries() == ["Afghanistan", "Iraq", "Syria"]
    assert store.countries(limit=2) == ["Afghanistan", "Iraq"]
    ev = store.get_event("ev000000-0")
    reports = store.incident_reports(ev.incident_id)
    assert [r["event_id"] for r in reports] == ["ev000000-0"]
    assert reports[0] == {"event_id": "ev000000-0", "doc_id": "doc000000", "event_date": ev.event.event_date,
                          "sub_event_type": ev.event.sub_event_type, "title": "Report 0", "source": ""}
    assert store.incident_reports("no-such-incident") == []
    assert store.actor_names_like("islamic", 5) == ["Islamic State"]
    assert sorted(store.actor_names_like("i", 5)) == ["Islamic State", "Military Forces of Syria"]
    assert store.actor_names_like("i", 1) in (["Islamic State"], ["Military Forces of Syria"])
    assert store.actor_names_like("zzz", 5) == []
