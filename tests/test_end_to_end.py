"""The real pipeline (spaCy model, gazetteer, every stage) on our samples and on the seed article."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from eventcoder.cli import app
from eventcoder.ingest import read_inputs
from eventcoder.types import Article, Event, Record

pytestmark = pytest.mark.slow
RAQQA = (35.95, 39.01)


@pytest.fixture(scope="module")
def seed_events(full_pipeline, seed_path):
    (article,) = list(read_inputs([seed_path]))
    (record,) = full_pipeline([Record(article=article)])
    return article, record


def test_seed_events_validate_and_are_several(seed_events):
    article, record = seed_events
    assert not [p for p in record.problems if p.severity == "error"]
    assert len({e.sub_event_type for e in record.events}) >= 3
    for ev in record.events:
        Event.model_validate(ev.model_dump(mode="json"))
        assert article.text[ev.evidence.start:ev.evidence.end] == ev.evidence.text


def test_seed_names_islamic_state_and_dates_nothing_after_publication(seed_events):
    article, record = seed_events
    actors = {e.actor1 for e in record.events} | {e.actor2 for e in record.events}
    assert "Islamic State" in actors
    assert not actors & {"IS", "ISIS", "Daesh", "ISIL"}
    assert all(e.event_date is None or e.event_date <= article.published.isoformat() for e in record.events)


def test_seed_raqqa_events_are_at_ar_raqqah(seed_events):
    """The interview's Raqqa events (headquarters, decrees, desertions) sit at the city, not near it."""
    _, record = seed_events
    placed = [e for e in record.events if e.latitude is not None]
    near = [e for e in placed if abs(e.latitude - RAQQA[0]) < 1.0 and abs(e.longitude - RAQQA[1]) < 1.0]
    assert len(near) >= 2
    for e in near:
        assert abs(e.latitude - RAQQA[0]) < 0.1 and abs(e.longitude - RAQQA[1]) < 0.1
        assert e.location == "Ar Raqqah" and e.geo_precision == 1
    for e in placed:  # "A-Raqqa" named in an event's own sentence puts it there
        if re.search(r"\bA-Raqqa\b", e.evidence.text) and "Aleppo" not in e.evidence.text:
            assert e in near


def test_samples_through_the_cli(tmp_path, samples_dir):
    out = tmp_path / "events.jsonl"
    res = CliRunner().invoke(app, ["extract", str(samples_dir), "--out", str(out), "--db", str(tmp_path / "s.db"), "-q"])
    assert res.exit_code == 0, res.output
    events = [Event.model_validate(json.loads(line)) for line in out.read_text().splitlines()]
    docs = {a.doc_id: a for a in read_inputs([samples_dir]) if isinstance(a, Article)}
    assert len({e.doc_id for e in events}) >= len(docs) - 1  # nearly every sample reports an event
    for e in events:
        body = docs[e.doc_id].text
        assert body[e.evidence.start:e.evidence.end] == e.evidence.text
        assert e.event_date is None or date.fromisoformat(e.event_date) <= docs[e.doc_id].published
