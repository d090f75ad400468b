"""Shared fixtures of the actors and classify tests: the real stages, built once per session.

Sentences come from spaCy's rule-based sentencizer on a blank English pipeline (the nlp stage's own splitter
when the parser is off), so these tests do not load the statistical model.
"""
from __future__ import annotations

import pytest

from eventcoder.stages.actors import ActorResolver
from eventcoder.stages.classify import EventTyper
from eventcoder.types import Article, Record, Span

@pytest.fixture(scope="session")
def sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="session")
def actor_stage():
    return ActorResolver()


@pytest.fixture(scope="session")
def classify_stage():
    return EventTyper()


@pytest.fixture(scope="session")
def extract(sentencizer, actor_stage, classify_stage):
    """text -> the Record after the actors and classify stages."""

    def run(text: str, doc_id: str = "t") -> Record:
        record = Record(article=Article(doc_id=doc_id, text=text))
        doc = sentencizer(text)
        record.sentences = [Span.of(text, s.start_char, s.end_char) for s in doc.sents]
        actor_stage([record])
        classify_stage([record])
        return record

    return run
