"""The pipeline's contract, on stages of the test's own (no spaCy)."""
from __future__ import annotations

import re

import pytest

from eventcoder import Pipeline, load_settings
from eventcoder.errors import ConfigError
from eventcoder.registry import stage
from eventcoder.types import Article, Event, Record, Span


@stage("test_sentences", assigns=("record.sentences",))
class RegexSentences:
    def __init__(self, settings=None):
        pass

    def __call__(self, records):
        for r in records:
            r.sentences = [Span.of(r.text, m.start(), m.end()) for m in re.finditer(r"[^.]+\.", r.text)]
        return records


@stage("test_shelling", requires=("record.sentences",), assigns=("record.events",))
class ShellingSpotter:
    """Makes a shelling event of every sentence with 'shelled'; fails on documents saying BOOM."""

    def __init__(self, settings=None):
        pass

    def __call__(self, records):
        for r in records:
            if "BOOM" in r.text:
                raise RuntimeError("cannot handle this document")
            r.events = [Event(doc_id=r.doc_id, event_type="Explosions/Remote violence",
                              sub_event_type="Shelling/artillery/missile attack", evidence=s)
                        for s in r.sentences if "shelled" in s.text]
        return records


def build(*names):
    return Pipeline.from_settings(load_settings(env={}, pipeline=list(names)))


def test_unknown_stage_lists_known_ones():
    with pytest.raises(ConfigError, match="unknown stage 'geocoding'.*geocode"):
        build("geocoding")


def test_missing_requirement_is_a_configuration_error():
    with pytest.raises(ConfigError, match="requires.*record.sentences"):
        build("test_shelling", "test_sentences")


def test_one_failing_document_does_not_stop_the_batch():
    p = build("test_sentences", "test_shelling", "finalize")
    recs = [Record(article=Article(doc_id=f"d{i}", text=t)) for i, t in enumerate(
        ["Army shelled Idlib. Calm in Hama.", "BOOM goes the parser.", "Rebels shelled Morek."])]
    out = p(recs)
    assert [len(r.events) for r in out] == [1, 0, 1]
    assert out[1].problems[0].code == "W390" and out[1].problems[0].severity == "error"
    assert "RuntimeError" in out[1].problems[0].message
    assert not out[0].problems and not out[2].problems


def test_finalize_gives_stable_ids_and_notes():
    p = build("test_sentences", "test_shelling", "finalize")
    text = "Army shelled Idlib on Monday.  Rebels shelled Morek."
    a = p([Record(article=Article(doc_id="x", text=text))])[0]
    b = p([Record(article=Article(doc_id="x", text=text))])[0]
    assert [e.event_id for e in a.events] == [e.event_id for e in b.events]
    assert len({e.event_id for e in a.events}) == 2
    assert a.events[0].notes == "Army shelled Idlib on Monday."


def test_process_keeps_input_order_across_batches():
    p = build("test_sentences", "test_shelling", "finalize")
    arts = [Article(doc_id=str(i), text=f"Unit {i} shelled a post.") for i in range(7)]
    assert [r.doc_id for r in p.process(arts, batch_size=3)] == [str(i) for i in range(7)]


def test_event_ids_are_url_safe_whatever_the_document_id():
    from eventcoder.stages.finalize import event_id

    ev = Event(doc_id="x", event_type="Battles", sub_event_type="Armed clash", evidence=Span.of("a b", 0, 1))
    a, b = event_id("wire/2015/10/13?id=7#top", ev), event_id("wire/2015/10/13?id=8#top", ev)
    assert a.startswith("wire-2015-10-13-id-7-top-") and a != b
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", a) and event_id("دمشق", ev).startswith("doc-")


@pytest.mark.parametrize("odd", [{"i": "İ", "I": "İ"}, {"i": "ı"}, {"s": "ſ", "S": "ſ"}, {"k": "\u212a", "K": "\u212a"}],
                         ids=["dotted-I", "dotless-i", "long-s", "kelvin"])
def test_letters_case_blind_patterns_read_as_ascii_fail_no_stage(full_pipeline, odd):
    """re.I matches these letters to ASCII ones; a stage that then looks the matched word up lower-cased
    ("securİty" -> "securi̇ty") raised KeyError and the document lost its events."""
    from datetime import date

    text = ("Saudi security forces killed six Houthi fighters in Haradh district of Hajjah on Sunday, "
            "residents said. Two soldiers were wounded several days ago in mid-October.")
    rec = full_pipeline([Record(article=Article(doc_id="odd", text=text.translate(str.maketrans(odd)),
                                                published=date(2015, 10, 13)))])[0]
    assert [p.message for p in rec.problems if p.code == "W390"] == []
    assert rec.events
