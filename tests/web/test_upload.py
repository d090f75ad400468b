"""Upload: pasted text and files go through the real extraction job into the app's store."""
from __future__ import annotations

import json

import pytest

from eventcoder.config import load_settings
from eventcoder.web.app import create_app

from .conftest import add_users
from .test_app import login

TEXT = "Protesters gathered outside the governor's office in Kirkuk on Monday, witnesses said."


def test_upload_with_a_broken_pipeline_says_why(store):
    add_users(store.db)
    app = create_app(store, load_settings(None, ["pipeline=[\"no_such_stage\"]"]))
    c, csrf = login(app, "rita")
    r = c.post("/upload", data={"csrf_token": csrf, "text": TEXT})
    assert r.status_code == 200 and "no_such_stage" in r.text
    assert store.db.query_one("SELECT COUNT(*) AS n FROM documents")["n"] == 0


@pytest.mark.slow
def test_upload_paste_and_files_are_extracted_and_stored(store):
    add_users(store.db)
    # finalize requires record.events, which classify makes (from the actors it requires)
    app = create_app(store, load_settings(None, ["pipeline=[\"nlp\", \"actors\", \"classify\", \"finalize\"]"]))
    c, csrf = login(app, "rita")
    lines = "\n".join(json.dumps({"id": f"batch-{i}", "text": f"{TEXT} Report {i}.", "published": "2015-10-13"})
                      for i in range(3))
    r = c.post("/upload", data={"csrf_token": csrf, "text": TEXT, "published": "2015-10-13"},
               files=[("files", ("batch.jsonl", lines.encode(), "application/json")),
                      ("files", ("note.txt", b"Clashes were reported near the airport.", "text/plain"))])
    assert r.status_code == 200
    assert "5 documents" in r.text
    stored = {row["doc_id"] for row in store.db.query("SELECT doc_id FROM documents")}
    assert {"batch-0", "batch-1", "batch-2"} <= stored and len(stored) == 5
    paste = next(d for d in stored if d.startswith("paste-"))
    assert str(store.get_document(paste).published) == "2015-10-13"
