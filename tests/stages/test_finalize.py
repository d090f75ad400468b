"""The finalize stage: generic actors named for the document's inferred country follow the event's own place."""
from __future__ import annotations

from eventcoder.stages.classify import DOCUMENT_COUNTRY_NOTE
from eventcoder.stages.finalize import Finalizer
from eventcoder.types import Article, Event, Record, Span

TEXT = "Youths burned tyres in Tripoli's Bab al-Tabbaneh over the price of bread."


def placed_event(country: str, precision: int, flags: tuple[str, ...] = ()) -> Record:
    record = Record(article=Article(doc_id="f", text=TEXT))
    record.annotations["country"] = {"name": "Libya"}  # the actors stage's guess: Tripoli has a Libyan namesake
    ev = Event(doc_id="f", event_type="Riots", sub_event_type="Violent demonstration",
               evidence=Span.of(TEXT, 0, len(TEXT)))
    ev.set("actor1", "Rioters (Libya)", evidence=Span.of(TEXT, 0, 6), stage="classify", score=0.9,
           note=DOCUMENT_COUNTRY_NOTE)
    ev.set("country", country, evidence=Span.of(TEXT, 22, 29), stage="geocode", score=0.9)
    ev.geo_precision = precision
    ev.flags.extend(flags)
    record.events = [ev]
    return record


def test_a_generic_actor_takes_the_country_of_the_place_its_event_names():
    record = Finalizer()([placed_event("Lebanon", 1)])[0]
    assert record.events[0].actor1 == "Rioters (Lebanon)"


def test_a_fallback_or_doubtful_place_leaves_the_actor_as_it_was():
    assert Finalizer()([placed_event("Lebanon", 3)])[0].events[0].actor1 == "Rioters (Libya)"
    doubtful = placed_event("Lebanon", 1, flags=("geo_outside_document_country",))
    assert Finalizer()([doubtful])[0].events[0].actor1 == "Rioters (Libya)"
