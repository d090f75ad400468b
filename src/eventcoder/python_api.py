"""The Python API: events from a string in one call, or from many texts in a stream.

    >>> import eventcoder
    >>> events = eventcoder.extract("Rebels shelled Idlib on Monday.", published="2015-10-13")

The pipeline (spaCy model, gazetteer, dictionaries: about 3 s) is built on the first call and kept for the
process, once per distinct set of setting overrides.
"""
from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from typing import Iterable, Iterator, Optional, Union

from .config import load_settings
from .pipeline import Pipeline
from .types import Article, Event, Record

Published = Union[str, date, None]
_MAX_CACHED_PIPELINES = 4  # each holds a spaCy model and the gazetteer index (~300 MB)


def _as_date(published: Published) -> Optional[date]:
    if published is None or isinstance(published, date):
        return published
    try:
        return date.fromisoformat(published)
    except ValueError:
        raise ValueError(f"published={published!r} is not a date; write it as YYYY-MM-DD") from None


@lru_cache(maxsize=_MAX_CACHED_PIPELINES)
def _pipeline(overrides: tuple[str, ...]) -> Pipeline:
    return Pipeline.from_settings(load_settings(overrides=list(overrides)))


def _article(text: str, published: Published, doc_id: Optional[str], **meta) -> Article:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    doc_id = doc_id or "text-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return Article(doc_id=doc_id, text=text, published=_as_date(published),
                   published_from="document" if published else "none", **meta)


def extract(text: str, published: Published = None, *, title: str = "", source: str = "",
            doc_id: Optional[str] = None, settings: Iterable[str] = ()) -> list[Event]:
    """The events of one text.

    Args:
        text: the article body.
        published: its publication date (YYYY-MM-DD or a date), the anchor of "last Friday".
        title, source: the headline and the outlet, when known (they help place and attribute).
        doc_id: the id the events carry; default a hash of the text.
        settings: ``section.key=value`` overrides, as ``--set`` on the command line.
    Returns:
        the events, each with its evidence spans and provenance.
    """
    return extract_records([_article(text, published, doc_id, title=title, source=source)], settings=settings)[0].events


def extract_many(texts: Iterable[Union[str, Article, dict]], published: Published = None, *,
                 settings: Iterable[str] = (), batch_size: int = 32) -> Iterator[Record]:
    """Records (events and per-document problems) for many texts, in input order, batch by batch.

    Each item is a string, an ``Article``, or a dict with ``text`` and optionally ``id``, ``published``,
    ``title``, ``source`` (a line of a JSONL feed).
    """
    def articles() -> Iterator[Article]:
        for item in texts:
            if isinstance(item, Article):
                yield item
            elif isinstance(item, dict):
                yield _article(item.get("text", ""), item.get("published", published), item.get("id"),
                               title=item.get("title", ""), source=item.get("source", ""))
            else:
                yield _article(item, published, None)

    yield from _pipeline(tuple(settings)).process(articles(), batch_size=batch_size)


def extract_records(articles: list[Article], settings: Iterable[str] = ()) -> list[Record]:
    """Run the pipeline on articles already built; the records keep every stage's findings."""
    return _pipeline(tuple(settings))([Record(article=a) for a in articles])
