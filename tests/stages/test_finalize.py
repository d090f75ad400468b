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


def unattributed_killing(text: str, country: str) -> Record:
    record = Record(article=Article(doc_id="g", text=text))
    record.annotations["country"] = {"name": country}
    ev = Event(doc_id="g", event_type="Violence against civilians", sub_event_type="Attack",
               evidence=Span.of(text, 0, len(text)))
    ev.set("actor1", f"Unidentified Armed Group ({country})", evidence=Span.of(text, 0, 5), stage="classify",
           score=0.4, note=DOCUMENT_COUNTRY_NOTE)
    record.events = [ev]
    return record


def test_signs_of_organised_crime_make_the_unidentified_group_a_gang_where_acled_names_gangs():
    bound = "In Mexicali, the body of a man with his hands tied and a threatening message beside it was found."
    assert Finalizer()([unattributed_killing(bound, "Mexico")])[0].events[0].actor1 == "Unidentified Gang (Mexico)"
    driveby = "In Porto Seguro, a teenager was shot dead on Sunday in a drive-by attack from a motorbike."
    assert Finalizer()([unattributed_killing(driveby, "Brazil")])[0].events[0].actor1 == "Unidentified Gang (Brazil)"


def test_no_sign_of_organised_crime_or_no_gang_country_leaves_the_armed_group():
    plain = "In Ensenada, three armed men forced their way into a home and shot a man dead."
    assert Finalizer()([unattributed_killing(plain, "Mexico")])[0].events[0].actor1 == "Unidentified Armed Group (Mexico)"
    raped = "In Ensenada, a woman was gang-raped by three armed men."  # a kind of rape, not a gang
    assert Finalizer()([unattributed_killing(raped, "Mexico")])[0].events[0].actor1 == "Unidentified Armed Group (Mexico)"
    bound = "Near Marsabit, the body of a man with his hands tied was found by herders."
    assert Finalizer()([unattributed_killing(bound, "Kenya")])[0].events[0].actor1 == "Unidentified Armed Group (Kenya)"


def test_summary_note_normalises_whitespace_as_the_regex_did():
    import re

    from eventcoder.stages.finalize import summary_note

    for text in ("  Youths burned\ttyres\n\nin Tripoli ", "\u00a0Police\u2003fired\u3000tear gas\u2028",
                 '"Two died," said police.', "“Shots were fired”", "no full stop", "   ", "\x1c\x1dx\x1e\x1f"):
        ev = Event(doc_id="f", event_type="Riots", sub_event_type="Violent demonstration",
                   evidence=Span.of(text, 0, len(text)))
        plain = re.sub(r"\s+", " ", text).strip().strip('"“”')
        plain = plain + "." if plain and plain[-1] not in ".!?…" else plain
        assert summary_note(ev) == plain
