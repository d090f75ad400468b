"""The finalize stage: generic actors named for the document's inferred country follow the event's own place."""
from __future__ import annotations

from eventcoder.knowledge.roles import DOCUMENT_COUNTRY_NOTE
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


def dispersed_protest(day: str, actor2: str) -> Record:
    text = "Police fired live bullets to disperse traders protesting new market fees in Eldoret."
    record = Record(article=Article(doc_id="h", text=text))
    ev = Event(doc_id="h", event_type="Protests", sub_event_type="Excessive force against protesters",
               evidence=Span.of(text, 0, len(text)), event_date=day)
    ev.set("actor1", "Protesters (Kenya)", evidence=Span.of(text, 38, 45), stage="classify", score=0.9)
    ev.set("inter1", 6, evidence=Span.of(text, 38, 45), stage="classify", score=0.9)
    ev.set("actor2", actor2, evidence=Span.of(text, 0, 6), stage="classify", score=0.9)
    ev.set("inter2", 1, evidence=Span.of(text, 0, 6), stage="classify", score=0.9)
    record.events = [ev]
    return record


def test_excessive_force_before_2014_is_coded_to_the_state_force_first():
    (ev,) = Finalizer()([dispersed_protest("2006-03-02", "Police Forces of Kenya (2013-)")])[0].events
    assert (ev.actor1, ev.inter1, ev.actor2, ev.inter2) == ("Police Forces of Kenya (2002-2013)", 1, "Protesters (Kenya)", 6)
    # the evidence moves with the value
    assert ev.provenance["actor1"].evidence.text == "Police"
    assert ev.provenance["actor2"].evidence.text == "traders"


def test_excessive_force_from_2014_or_by_no_state_force_keeps_the_protesters_first():
    (ev,) = Finalizer()([dispersed_protest("2016-03-02", "Police Forces of Kenya (2013-)")])[0].events
    assert ev.actor1 == "Protesters (Kenya)"
    (ev,) = Finalizer()([dispersed_protest("2006-03-02", "Mungiki Militia")])[0].events
    assert ev.actor1 == "Protesters (Kenya)"


def test_a_state_force_takes_the_period_its_event_falls_in():
    (ev,) = Finalizer()([dispersed_protest("2006-03-02", "Police Forces of Kenya (2013-)")])[0].events
    assert ev.actor1 == "Police Forces of Kenya (2002-2013)"  # swapped to first, then dated
    (ev,) = Finalizer()([dispersed_protest("2016-03-02", "Police Forces of Kenya (2013-)")])[0].events
    assert ev.actor2 == "Police Forces of Kenya (2013-)"
    # a unit after the period keeps its place; a country with no earlier period is left as it is
    (ev,) = Finalizer()([dispersed_protest("2016-03-02", "Police Forces of Turkey (2016-)")])[0].events
    assert ev.actor2 == "Police Forces of Turkey (2016-)"
    (ev,) = Finalizer()([dispersed_protest("2018-03-02", "Police Forces of Ukraine (2019-) National Guard")])[0].events
    assert ev.actor2 == "Police Forces of Ukraine (2014-2019) National Guard"


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


def _one_event(text: str, event_type: str, sub: str, end: int | None = None) -> Event:
    record = Record(article=Article(doc_id="t", text=text))
    record.events = [Event(doc_id="t", event_type=event_type, sub_event_type=sub,
                           evidence=Span.of(text, 0, len(text) if end is None else end))]
    return Finalizer()([record])[0].events[0]


import pytest  # noqa: E402


@pytest.mark.parametrize("text,tag", [
    ("Traders protested the new tax in the market. [size=no report]", "crowd size=no report"),
    ("Hundreds of students marched to the ministry.", "crowd size=hundreds"),
    ("About 300 demonstrators gathered outside parliament.", "crowd size=around 300"),
    ("More than 1,000 people marched in the capital.", "crowd size=more than 1000"),
    ("Nurses held a sit-in outside the hospital.", "crowd size=no report"),
])
def test_a_protest_carries_acleds_crowd_size_tag(text, tag):
    ev = _one_event(text, "Protests", "Peaceful protest")
    assert [f for f in ev.flags if f.startswith("crowd size=")] == [tag]


def test_no_crowd_size_on_other_types():
    ev = _one_event("About 300 fighters attacked the base.", "Battles", "Armed clash")
    assert not [f for f in ev.flags if f.startswith("crowd size=")]


def test_the_notes_lose_a_bracket_left_open_by_the_clause():
    text = "Prisoners rioted over a search of their cells by the guards. [size=no report]"
    ev = _one_event(text, "Riots", "Violent demonstration", end=text.index("[") + 1)
    assert ev.notes.endswith("guards.") and "[" not in ev.notes


def test_excessive_force_is_political_violence_and_a_demonstration():
    ev = _one_event("Police shot dead two protesters.", "Protests", "Excessive force against protesters")
    assert ev.disorder_type == "Political violence; Demonstrations"
    assert _one_event("Crowds marched.", "Protests", "Peaceful protest").disorder_type == "Demonstrations"


def test_acled_tags_hold_acled_tags_not_review_flags():
    from eventcoder.records import acled_tags

    assert acled_tags(["low_type_margin", "crowd size=dozens", "date_from_publication"]) == ["crowd size=dozens"]
