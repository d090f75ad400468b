"""The extraction job against a real SQLite file: idempotent, resumable, problems stored."""
from __future__ import annotations

import json

from eventcoder import load_settings
from eventcoder.extraction import Extraction
from eventcoder.store import EventQuery, open_store

from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages

SETTINGS = load_settings(env={}, pipeline=["test_sentences", "test_shelling", "finalize"])


def write_corpus(folder, n=10):
    rows = [{"id": f"doc{i}", "text": f"Artillery shelled village {i}. Residents fled.", "published": "2019-05-0%d" % (1 + i % 9)}
            for i in range(n)]
    rows.insert(4, "{broken")
    (folder / "feed.jsonl").write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    (folder / "empty.txt").write_text("")


def counts(db):
    store = open_store(db)
    try:
        return (store.db.query_one("SELECT COUNT(*) n FROM documents")["n"],
                store.db.query_one("SELECT COUNT(*) n FROM events")["n"])
    finally:
        store.close()


def test_rerun_adds_nothing_and_failures_are_stored(tmp_path):
    write_corpus(tmp_path)
    db = tmp_path.parent / f"{tmp_path.name}.db"  # not in the folder extracted: a database there is input
    job = Extraction(SETTINGS, db)
    events = list(job.run([tmp_path], batch_size=4))
    job.close()
    assert len(events) == 10 and job.summary.failed == 2
    assert counts(db) == (10, 10)
    again = Extraction(SETTINGS, db)
    events2 = list(again.run([tmp_path], batch_size=4))
    again.close()
    assert again.summary.skipped == 10
    assert sorted(e.event_id for e in events2) == sorted(e.event_id for e in events)
    assert counts(db) == (10, 10)
    store = open_store(db)
    codes = sorted(r["code"] for r in store.db.query("SELECT code FROM problems"))
    store.close()
    assert codes == ["W302", "W302", "W308", "W308"]  # two runs, each: empty file + broken line


def test_killed_run_resumes_without_duplicates(tmp_path):
    write_corpus(tmp_path)
    db = tmp_path / "ev.db"
    job = Extraction(SETTINGS, db)
    gen = job.run([tmp_path], batch_size=3)
    for _ in range(3):  # first batch stored, then the run "dies"
        next(gen)
    gen.close()
    job.close()
    assert counts(db) == (3, 3)
    job = Extraction(SETTINGS, db)
    list(job.run([tmp_path], batch_size=3))
    job.close()
    assert counts(db) == (10, 10) and job.summary.skipped == 3


def test_edited_document_replaces_its_events_and_keeps_reviews(tmp_path):
    db = tmp_path / "ev.db"
    src = tmp_path / "a.txt"
    src.write_text("Army shelled Idlib. Rebels shelled Morek.")
    job = Extraction(SETTINGS, db)
    first = list(job.run([src]))
    job.close()
    store = open_store(db)
    store.db.execute("UPDATE events SET review_status='accepted' WHERE event_id=?", (first[0].event_id,))
    store.close()
    src.write_text("Army shelled Idlib. Calm returned to Morek.")
    job = Extraction(SETTINGS, db)
    second = list(job.run([src]))
    job.close()
    store = open_store(db)
    stored = store.query_events(EventQuery(doc_id="a"))
    store.close()
    assert [e.event_id for e in second] == [first[0].event_id]
    assert [s.review_status for s in stored] == ["accepted"]
