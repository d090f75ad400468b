"""The pipeline on local worker processes: the same events, stores and problems as in one process."""
from __future__ import annotations

import json

import pytest

from eventcoder import load_settings
from eventcoder.errors import ResourceError
from eventcoder.extraction import Extraction
from eventcoder.parallel import ProcessPipeline
from eventcoder.types import Article, Record

from test_extract import counts, write_corpus

# The workers are spawned: they register the test stages by importing this plugin module themselves.
SETTINGS = load_settings(env={}, plugins=["test_pipeline"],
                         pipeline=["test_sentences", "test_shelling", "finalize"])


def extract(folder, db, pipeline=None, batch_size=2):
    job = Extraction(SETTINGS, db, pipeline=pipeline)
    try:
        events = list(job.run([folder], batch_size=batch_size))
    finally:
        job.close()
    return job.summary, events


@pytest.fixture(scope="module")
def workers():
    with ProcessPipeline(SETTINGS, workers=2) as pool:
        yield pool


def test_workers_give_the_events_of_one_process_in_input_order(tmp_path, workers):
    write_corpus(tmp_path, n=13)
    (tmp_path / "bad.jsonl").write_text(json.dumps({"id": "boom", "text": "BOOM. Army shelled Hama."}) + "\n")
    one, serial = extract(tmp_path, tmp_path / "one.db")
    many, parallel = extract(tmp_path, tmp_path / "many.db", workers)
    assert [e.model_dump() for e in parallel] == [e.model_dump() for e in serial]
    assert (many.documents, many.events, many.failed) == (one.documents, one.events, one.failed) == (14, 13, 3)
    assert counts(tmp_path / "many.db") == counts(tmp_path / "one.db") == (14, 13)


def test_a_rerun_on_workers_adds_nothing_and_keeps_order(tmp_path, workers):
    write_corpus(tmp_path, n=9)
    db = tmp_path / "ev.db"
    _, first = extract(tmp_path, db, workers)
    (tmp_path / "more.jsonl").write_text(json.dumps({"id": "new", "text": "Militants shelled Dara."}) + "\n")
    summary, again = extract(tmp_path, db, workers)
    assert summary.skipped == 9 and summary.documents == 10
    assert [e.event_id for e in again if e.doc_id != "new"] == [e.event_id for e in first]
    assert counts(db) == (10, 10)


def test_call_on_one_batch_returns_the_workers_records(workers):
    out = workers([Record(article=Article(doc_id="a", text="Army shelled Idlib. Calm in Hama."))])
    assert [e.evidence.text for e in out[0].events] == ["Army shelled Idlib."]


def test_workers_that_cannot_build_the_pipeline_say_so():
    broken = load_settings(env={}, pipeline=["nlp"], nlp={"model": "no_such_spacy_model"})
    with pytest.raises(ResourceError, match=r"\[E230\].*without --workers"):
        ProcessPipeline(broken, workers=2).__enter__()
