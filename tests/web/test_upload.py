"""Upload: pasted text and files go through the extraction job into the app's store, under ids that never
replace another document unless an admin uploads them (and then the old version is kept)."""
from __future__ import annotations

import json
import time

import pytest

from eventcoder.config import load_settings
from eventcoder.store import EventQuery
from eventcoder.web.app import create_app

from .conftest import add_users, make_record
from .test_app import login

TEXT = "Protesters gathered outside the governor's office in Kirkuk on Monday, witnesses said."
# The test's own stages (no spaCy), on the app's worker thread: quick, and the same store writes.
QUICK = dict(plugins=["test_pipeline"], pipeline=["test_sentences", "test_shelling", "finalize"],
             web={"upload_process": False})


def upload(c, csrf, **form) -> dict:
    """POST /upload and wait for the job: its final status."""
    files = form.pop("files", None)
    r = c.post("/upload", data={"csrf_token": csrf, **form}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    url = r.headers["location"] + ".json"
    deadline = time.monotonic() + 120
    while (job := c.get(url).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    return job


def jsonl(*docs) -> list:
    return [("files", ("batch.jsonl", "\n".join(json.dumps(d) for d in docs).encode(), "application/json"))]


@pytest.fixture
def stored(store):
    """AFG44291, an article with two events, one of them accepted by a reviewer; and the users."""
    rec = make_record(44291, n_events=2)
    rec.article.doc_id = "AFG44291"
    for e in rec.events:
        e.doc_id = "AFG44291"
    store.add_records([rec])
    add_users(store.db)
    store.set_review_status(rec.events[0].event_id, "accepted", "rita")
    return store


def _state(store, doc_id="AFG44291"):
    return (store.get_document(doc_id).text,
            sorted((e.event.event_id, e.review_status) for e in store.query_events(EventQuery(doc_id=doc_id))))


def test_a_reviewers_upload_never_replaces_another_document(stored):
    # Before: this line replaced the stored AFG44291 and deleted its events and their review decisions.
    before = _state(stored)
    c, csrf = login(create_app(stored, load_settings(env={}, **QUICK)), "rita")
    job = upload(c, csrf, files=jsonl({"id": "AFG44291", "text": "Nothing happened today."}))
    assert job["state"] == "done" and len(job["results"]) == 1
    doc = job["results"][0]
    assert doc["given_id"] == "AFG44291" and doc["doc_id"].startswith("upload-")
    assert _state(stored) == before  # the stored article, its events and the accepted decision
    assert stored.get_document(doc["doc_id"]).text == "Nothing happened today."
    assert stored.document_versions("AFG44291") == []
    again = upload(c, csrf, files=jsonl({"id": "other-name", "text": "Nothing happened today."}))
    assert again["results"][0]["doc_id"] == doc["doc_id"]  # the same content is the same document


def test_an_admins_upload_replaces_and_keeps_the_old_version(stored):
    before = _state(stored)
    c, csrf = login(create_app(stored, load_settings(env={}, **QUICK)), "ann")
    job = upload(c, csrf, files=jsonl({"id": "AFG44291", "text": "Rebels shelled the town."}))
    assert job["state"] == "done" and job["results"][0]["doc_id"] == "AFG44291"
    assert "given_id" not in job["results"][0]
    assert stored.get_document("AFG44291").text == "Rebels shelled the town."
    (old,) = stored.document_versions("AFG44291")
    assert old["replaced_by"] == "ann" and old["document"]["body"] == before[0]
    assert sorted((e["event_id"], e["review_status"]) for e in old["events"]) == before[1]


def test_an_admins_upload_skips_an_id_given_twice_with_other_text(store):
    add_users(store.db)
    c, csrf = login(create_app(store, load_settings(env={}, **QUICK)), "ann")
    job = upload(c, csrf, files=jsonl({"id": "a1", "text": "Rebels shelled the town."},
                                      {"id": "a1", "text": "Other text."}))
    assert [d["doc_id"] for d in job["results"]] == ["a1"]
    assert any("given twice" in p for p in job["problems"])


@pytest.mark.slow
def test_upload_paste_and_files_are_extracted_and_stored(store):
    add_users(store.db)
    # finalize requires record.events, which classify makes (from the actors it requires)
    app = create_app(store, load_settings(None, ["pipeline=[\"nlp\", \"actors\", \"classify\", \"finalize\"]"]))
    c, csrf = login(app, "rita")
    files = jsonl(*({"id": f"batch-{i}", "text": f"{TEXT} Report {i}.", "published": "2015-10-13"}
                    for i in range(3)))
    files.append(("files", ("note.txt", b"Clashes were reported near the airport.", "text/plain")))
    job = upload(c, csrf, text=TEXT, published="2015-10-13", files=files)
    assert job["state"] == "done" and job["documents"] == job["processed"] == 5
    stored = {row["doc_id"] for row in store.db.query("SELECT doc_id FROM documents")}
    assert len(stored) == 5 and {d["doc_id"] for d in job["results"]} == stored
    assert sorted(d.get("given_id", "") for d in job["results"]) == ["", "", "batch-0", "batch-1", "batch-2"]
    paste = next(d for d in stored if d.startswith("paste-"))
    assert str(store.get_document(paste).published) == "2015-10-13"
