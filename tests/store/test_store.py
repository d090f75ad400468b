"""The store on both backends: migrations, idempotent ingest, edits, incidents, reviewer decisions, --since."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from eventcoder.errors import StoreError
from eventcoder.store import EventQuery, QueryError, make_filter, open_store
from eventcoder.store.db import connect, migration_files
from eventcoder.store.base import INCIDENT_FIELDS
from eventcoder.types import Span

from .conftest import make_event, make_record


def test_fresh_database_has_every_migration(store):
    assert store.db.schema_version() == max(v for v, _, _ in migration_files())
    for table in ("documents", "events", "incidents", "incident_decisions", "deletions", "change_log", "users"):
        assert store.db.table_exists(table), table
    assert "incident_id" in store.db.columns("events")


def test_older_database_is_upgraded_in_place(store_target):
    db = connect(store_target)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL)")
    version, name, sql = migration_files()[0]
    with db.transaction():
        db.run_script(sql)
        db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, "2026-01-01"))
        db.execute("INSERT INTO documents (doc_id, content_hash, body, created_at, updated_at) "
                   "VALUES ('old', 'h', 'Clashes.', 'x', 'x')")
        db.execute("INSERT INTO events (event_id, doc_id, disorder_type, event_type, sub_event_type, "
                   "evidence_text, evidence_start, evidence_end, timestamp) VALUES "
                   "('old-e0', 'old', 'Political violence', 'Battles', 'Armed clash', 'Clashes.', 0, 8, 1)")
    assert "incident_id" not in db.columns("events")
    db.close()
    store = open_store(store_target)
    try:
        assert store.db.schema_version() == max(v for v, _, _ in migration_files())
        assert store.get_event("old-e0").event.sub_event_type == "Armed clash"
        incident = store.get_event("old-e0").incident_id  # grouped into incidents on the upgrade
        assert incident is not None and store.incident_report_ids(incident) == ["old-e0"]
        # numbered on the upgrade, ACLED's way (no country known: XXX), the incident as its report
        assert store.get_event("old-e0").event_id_cnty == "XXX1"
        assert store.get_incident(incident)["event_id_cnty"] == "XXX1"
        assert store.rebuild_incidents() == 1
        assert store.get_incident(incident)["event_id_cnty"] == "XXX1"
    finally:
        store.close()


def test_newer_database_is_refused(store_target):
    store = open_store(store_target)
    with store.db.transaction():
        store.db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (999, "999_future.sql", "x"))
    store.close()
    with pytest.raises(StoreError, match="newer than this eventcoder"):
        open_store(store_target)


def test_same_document_twice_changes_nothing(store):
    rec = make_record("a", [make_event("a")])
    first = store.add_records([rec])
    assert (first.documents_new, first.events_added) == (1, 1)
    before = store.db.query("SELECT * FROM events")
    incidents_before = store.db.query("SELECT * FROM incidents")
    log_before = store.db.query_one("SELECT COUNT(*) AS n FROM change_log")["n"]
    again = store.add_records([make_record("a", [make_event("a")])])
    assert (again.documents_unchanged, again.documents_new, again.events_added) == (1, 0, 0)
    assert store.db.query("SELECT * FROM events") == before
    assert store.db.query("SELECT * FROM incidents") == incidents_before
    assert store.db.query_one("SELECT COUNT(*) AS n FROM change_log")["n"] == log_before


def test_edited_document_keeps_review_of_surviving_events(store):
    store.add_records([make_record("a", [make_event("a", 0), make_event("a", 1, location="Homs",
                                                                         latitude=34.73, longitude=36.71)])])
    with store.db.transaction():
        store.db.execute("UPDATE events SET review_status = 'accepted' WHERE event_id = 'a-e0'")
    edited = make_record("a", [make_event("a", 0, fatalities=9)], text="Clashes. Edited text.")
    stats = store.add_records([edited])
    assert (stats.documents_updated, stats.events_removed) == (1, 1)
    kept = store.get_event("a-e0")
    assert kept.review_status == "accepted" and kept.version == 2 and kept.event.fatalities == 9
    assert store.get_event("a-e1") is None
    assert [d["entity_id"] for d in store.deletions_since(0) if d["entity"] == "event"] == ["a-e1"]
    assert store.get_document("a").text == "Clashes. Edited text."


def test_a_stored_row_reads_back_as_the_event_written(store):
    """The store writes provenance with pydantic's JSON and matches the events it just wrote as they are
    (_for_matching): but for the provenance, which matching never reads, both must equal what the row
    rebuilds."""
    from eventcoder.store.rows import event_to_row, row_to_event
    from eventcoder.store.incidents import _for_matching

    ev = make_event("a", assoc_actor_1="Ahrar al-Sham", flags=["actor-not-in-dictionary"])
    ev.set("fatalities", 3, stage="fatalities", evidence=Span(start=0, end=8, text="Clashes."), score=0.7,
           note="three killed")
    ev.set("location", "Aleppo", stage="geocode")   # a field with no span
    ev.set("notes", "Clashes.", stage="finalize", evidence=Span(start=0, end=8, text="Clashes."), note="çatışma “x”")
    row = event_to_row(ev)
    assert json.loads(row["provenance_json"]) == {k: v.model_dump(mode="json") for k, v in ev.provenance.items()}
    store.add_records([make_record("a", [ev])])
    stored = store.db.query_one("SELECT * FROM events WHERE event_id = 'a-e0'")
    assert row_to_event(stored).model_dump() == ev.model_dump()
    rebuilt = row_to_event(stored, with_provenance=False).model_dump()
    assert _for_matching(stored, {"a-e0": ev}) is ev
    assert ev.model_dump() == {**rebuilt, "provenance": ev.model_dump()["provenance"]}
    assert _for_matching(stored, {}).model_dump() == rebuilt
    assert ev.provenance  # the written event keeps its own provenance


def test_reports_of_one_event_become_one_incident_with_best_values(store):
    store.add_records([
        make_record("a", [make_event("a", location="Aleppo", geo_precision=2, fatalities=3, time_precision=2,
                                     event_date="2015-10-10", certainty="reported", source="Agency A")]),
        make_record("b", [make_event("b", fatalities=12, certainty="claimed", source="Agency B")]),
        make_record("c", [make_event("c", fatalities=5, certainty="asserted", source="Agency C",
                                     event_date="2015-10-12", latitude=36.21, longitude=37.15)]),
        # same day, same actors, but Homs is 140 km away: another event
        make_record("d", [make_event("d", location="Homs", latitude=34.7324, longitude=36.7137)]),
    ])
    ids = {e: store.get_event(f"{e}-e0").incident_id for e in "abcd"}
    assert ids["a"] == ids["b"] == ids["c"] != ids["d"]
    inc = store.get_incident(ids["a"])
    assert inc["n_reports"] == 3 and inc["n_documents"] == 3
    assert sorted(r.event.event_id for r in inc["reports"]) == ["a-e0", "b-e0", "c-e0"]
    assert inc["fatalities"] == 5            # asserted/reported figures beat a party's claim of 12
    assert inc["certainty"] == "asserted"
    assert inc["time_precision"] == 1 and inc["event_date"] == "2015-10-12"
    assert inc["geo_precision"] == 1
    assert inc["source"] == "Agency A; Agency B; Agency C"
    assert store.count_incidents(EventQuery()) == 2


def test_since_returns_changes_and_deletions(store):
    store.add_records([make_record("a", [make_event("a")]), make_record("x", [make_event(
        "x", location="Homs", latitude=34.73, longitude=36.71)])])
    with store.db.transaction():  # age everything so that the next write is the only recent change
        store.db.execute("UPDATE events SET timestamp = 100")
        store.db.execute("UPDATE incidents SET timestamp = 100")
    old_incident = store.get_event("a-e0").incident_id
    store.add_records([make_record("b", [make_event("b", event_id="a-a")])])  # sorts first: new incident id
    changed = {r["incident_id"] for r in store.iter_incidents(EventQuery(since=101))}
    new_incident = store.get_event("a-e0").incident_id
    assert new_incident != old_incident and changed == {new_incident}
    assert {e.event.event_id for e in store.iter_events(EventQuery(since=101))} == {"a-a", "a-e0"}
    assert {"entity": "incident", "entity_id": old_incident} in [
        {k: d[k] for k in ("entity", "entity_id")} for d in store.deletions_since(101)]


def test_reviewer_split_and_merge_survive_new_reports(store):
    store.add_records([make_record(d, [make_event(d)]) for d in ("a", "b", "c")])
    inc = store.get_event("a-e0").incident_id
    assert store.incident_report_ids(inc) == ["a-e0", "b-e0", "c-e0"]
    parts = store.split_incident(inc, ["c-e0"], username="rev")
    assert len(parts) == 2
    assert store.get_event("c-e0").incident_id != store.get_event("a-e0").incident_id
    # A fourth report arrives: the split holds, the new report joins one side.
    store.add_records([make_record("d", [make_event("d")])])
    assert store.get_event("c-e0").incident_id != store.get_event("a-e0").incident_id
    merged = store.merge_incidents(sorted({store.get_event(e).incident_id for e in ("a-e0", "c-e0")}), "rev")
    assert {store.get_event(f"{d}-e0").incident_id for d in "abcd"} == {merged}
    actions = [r["action"] for r in store.db.query("SELECT action FROM change_log WHERE entity = 'incident' ORDER BY change_id")]
    assert actions == ["split", "merge"]
    with pytest.raises(QueryError, match="some but not all"):
        store.split_incident(merged, store.incident_report_ids(merged))


def test_filters_on_both_tables(store):
    store.add_records([
        make_record("a", [make_event("a", event_date="2014-05-01", actor1="Islamic State", fatalities=1)]),
        make_record("b", [make_event("b", event_date="2015-06-01", event_type="Protests", actor1="Protesters (Syria)",
                                     sub_event_type="Peaceful protest", inter1=6, actor2="", inter2=0, fatalities=0)]),
        make_record("c", [make_event("c", event_date="2016-07-01", country="Iraq", iso=368, location="Mosul",
                                     latitude=36.34, longitude=43.13, fatalities=20)]),
    ])

    def ids(*filters, table="events"):
        q = EventQuery(filters=[make_filter(f, op, v, INCIDENT_FIELDS) for f, op, v in filters], limit=50)
        if table == "events":
            return sorted(s.event.doc_id for s in store.query_events(q))
        return sorted(r["doc_id"] for r in store.query_incidents(q))

    for table in ("events", "incidents"):
        assert ids(("country", "=", ["Syria", "Iraq"]), table=table) == ["a", "b", "c"]
        assert ids(("country", "!=", ["Syria"]), table=table) == ["c"]
        assert ids(("event_date", "BETWEEN", ["2015-01-01", "2016-12-31"]), table=table) == ["b", "c"]
        assert ids(("year", "=", ["2014", "2016"]), table=table) == ["a", "c"]
        assert ids(("year", ">", ["2014"]), table=table) == ["b", "c"]
        assert ids(("fatalities", ">=", ["1"]), ("fatalities", "<", ["20"]), table=table) == ["a"]
        assert ids(("actor1", "LIKE", ["protesters%"]), table=table) == ["b"]
        assert ids(("actor1", "=", ["x' OR '1'='1"]), table=table) == []
    with pytest.raises(QueryError, match="not a date"):
        make_filter("event_date", "=", ["13/10/2015"], INCIDENT_FIELDS)
    with pytest.raises(QueryError, match="two values"):
        make_filter("event_date", "BETWEEN", ["2015-01-01"], INCIDENT_FIELDS)
    with pytest.raises(QueryError, match="unknown filter field"):
        make_filter("nope", "=", ["1"], INCIDENT_FIELDS)


def test_iter_pages_through_every_row(store, monkeypatch):
    monkeypatch.setattr("eventcoder.store.sql.ITER_PAGE", 3)
    store.add_records([make_record(f"d{i:02d}", [make_event(f"d{i:02d}", location=f"P{i}", latitude=30 + i,
                                                            longitude=40.0)]) for i in range(10)])
    assert [s.event.doc_id for s in store.iter_events(EventQuery())] == [f"d{i:02d}" for i in range(10)]
    assert len(list(store.iter_incidents(EventQuery()))) == 10


def test_coarse_dates_find_their_incident_through_the_store(store):
    # a monthly summary (time_precision 3) 11 days off the day-precise report, same town: one incident;
    # a day-precise report 3 days off: another event
    store.add_records([make_record("a", [make_event("a")]),
                       make_record("m", [make_event("m", event_date="2015-10-01", time_precision=3)]),
                       make_record("x", [make_event("x", event_date="2015-10-15")])])
    assert store.get_event("a-e0").incident_id == store.get_event("m-e0").incident_id
    assert store.get_event("x-e0").incident_id != store.get_event("a-e0").incident_id


def test_incidents_cli(store_target):
    from typer.testing import CliRunner

    from eventcoder.store.commands import incidents_app

    s = open_store(store_target)
    s.add_records([make_record(d, [make_event(d)]) for d in ("a", "b")])
    inc = s.get_event("a-e0").incident_id
    s.close()
    runner = CliRunner()
    shown = runner.invoke(incidents_app, ["show", inc, "--db", store_target])
    assert shown.exit_code == 0 and json.loads(shown.output)["reports"] == ["a-e0", "b-e0"]
    split = runner.invoke(incidents_app, ["split", inc, "b-e0", "--db", store_target, "--user", "rev"])
    assert split.exit_code == 0 and len(split.output.split()) == 2
    merged = runner.invoke(incidents_app, ["merge", *split.output.split(), "--db", store_target])
    assert merged.exit_code == 0
    bad = runner.invoke(incidents_app, ["merge", "nope", "nada", "--db", store_target])
    assert bad.exit_code == 2 and "no incident" in bad.output
    assert runner.invoke(incidents_app, ["rebuild", "--db", store_target]).output.strip() == "1 incidents"


def test_review_changes_reach_incidents_and_since(store):
    store.add_records([make_record(d, [make_event(d, fatalities=n)]) for d, n in (("a", 3), ("b", 7), ("c", 5))])
    inc = store.get_event("a-e0").incident_id
    assert store.get_incident(inc)["fatalities"] == 7
    with store.db.transaction():
        store.db.execute("UPDATE events SET timestamp = 100")
        store.db.execute("UPDATE incidents SET timestamp = 100")
    review = store  # the review methods are the store's (ReviewMixin)
    review.set_review_status("b-e0", "rejected", "rev")  # a false report leaves the incident
    assert store.get_event("b-e0").incident_id is None
    assert store.get_incident(inc)["fatalities"] == 5 and store.get_incident(inc)["n_reports"] == 2
    assert {s.event.event_id for s in store.iter_events(EventQuery(since=101))} == {"b-e0"}
    assert [r["incident_id"] for r in store.iter_incidents(EventQuery(since=101))] == [inc]
    review.edit_event("c-e0", {"location": "Homs", "latitude": 34.7268, "longitude": 36.7234}, "rev", None)
    assert store.get_event("c-e0").incident_id != inc  # moved 140 km: another event now
    review.delete_event("a-e0", "rev")
    assert store.get_incident(inc) is None
    assert {(d["entity"], d["entity_id"]) for d in store.deletions_since(101)} >= {("event", "a-e0"),
                                                                                   ("incident", inc)}


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line shell is not installed")
def test_the_file_reads_in_the_sqlite3_shell(tmp_path):
    path = tmp_path / "events.db"
    s = open_store(path)
    s.add_records([make_record("a", [make_event("a")])])
    s.close()
    out = subprocess.run(["sqlite3", "-header", str(path), "SELECT event_id, location, incident_id FROM events; "
                          "SELECT incident_id, n_reports, location FROM incidents;"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "event_id|location|incident_id" and out[1].startswith("a-e0|Aleppo|I")
    assert out[2] == "incident_id|n_reports|location" and out[3].endswith("|1|Aleppo")


def test_a_document_edited_within_one_batch_leaves_incidents_as_a_rebuild_draws_them(store):
    """Incident upkeep takes the batch's own rows for its seeds: an event the second version of a
    document drops is gone from them, and the incidents are those of what is stored."""
    first = make_record("a", [make_event("a"), make_event("a", 1, location="Homs", latitude=34.7324,
                                                            longitude=36.7137)])
    second = make_record("a", [make_event("a", fatalities=4)], text="Clashes. Edited.")
    store.add_records([first, second, make_record("b", [make_event("b")])])

    def state():
        incidents = [{k: v for k, v in r.items() if k != "timestamp"}
                     for r in store.db.query("SELECT * FROM incidents ORDER BY incident_id")]
        return incidents, store.db.query("SELECT event_id, incident_id FROM events ORDER BY event_id")

    before = state()
    assert [r["event_id"] for r in before[1]] == ["a-e0", "b-e0"]
    assert len(before[0]) == 1 and before[0][0]["n_reports"] == 2 and before[0][0]["fatalities"] == 4
    store.rebuild_incidents()
    assert state() == before


def test_the_sql_store_offers_every_method_of_the_protocol():
    """What the web, the CLI and the exports call is named in EventStore (base.py); SQLStore, with its
    mixins, implements each with at least the parameters named there."""
    import inspect

    from eventcoder.store.base import EventStore
    from eventcoder.store.sql import SQLStore

    names = [n for n, v in vars(EventStore).items() if inspect.isfunction(v) and not n.startswith("_")]
    assert len(names) > 40
    missing = [n for n in names if not callable(getattr(SQLStore, n, None))]
    assert missing == []
    for n in names:
        wanted = list(inspect.signature(getattr(EventStore, n)).parameters)
        have = list(inspect.signature(getattr(SQLStore, n)).parameters)
        assert have[:len(wanted)] == wanted, n
