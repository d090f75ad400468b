from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from eventcoder.types import SPEC_FIELDS, Event, Span
from eventcoder.vocab import SUB_EVENT_TO_EVENT, TAXONOMY

BODY = "Regime forces shelled Douma on Monday. Two civilians died."


def make_event(**kw) -> Event:
    base = dict(doc_id="d", event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack", evidence=Span.of(BODY, 0, 38))
    base.update(kw)
    return Event(**base)


def test_taxonomy_has_the_25_sub_event_types_of_the_spec():
    assert len(SUB_EVENT_TO_EVENT) == 25
    assert set(TAXONOMY) == {"Battles", "Explosions/Remote violence", "Violence against civilians",
                             "Protests", "Riots", "Strategic developments"}


def test_event_derives_disorder_type():
    assert make_event().disorder_type == "Political violence"
    ev = make_event(event_type="Protests", sub_event_type="Peaceful protest")
    assert ev.disorder_type == "Demonstrations"


def test_event_rejects_sub_event_of_another_type():
    with pytest.raises(ValidationError, match="belongs to"):
        make_event(event_type="Battles")


def test_event_rejects_unknown_sub_event_type():
    with pytest.raises(ValidationError, match="unknown sub_event_type"):
        make_event(sub_event_type="Drone party")


def test_span_must_be_ordered():
    with pytest.raises(ValidationError):
        Span(start=5, end=2, text="")


def test_set_records_provenance():
    ev = make_event()
    ev.set("actor1", "Military Forces of Syria", stage="actors", evidence=Span.of(BODY, 0, 13), score=0.8)
    assert ev.actor1 == "Military Forces of Syria"
    assert ev.provenance["actor1"].evidence.text == "Regime forces"
    assert ev.provenance["actor1"].stage == "actors"


def test_spec_dict_has_every_spec_field_and_round_trips():
    ev = make_event(fatalities=2, latitude=33.57, longitude=36.40, geo_precision=1)
    d = ev.spec_dict()
    assert set(SPEC_FIELDS) <= set(d)
    assert Event.model_validate(d) == ev


@given(st.text(min_size=1, max_size=80), st.data())
def test_span_of_selects_exactly_its_text(body, data):
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, len(body)))
    span = Span.of(body, start, end)
    assert body[span.start:span.end] == span.text


def test_strip_keeps_offsets_selecting_the_text():
    body = "Intro.\n\n  Shelling hit Hama.  \n"
    span = Span.of(body, 6, len(body)).strip()
    assert span.text == "Shelling hit Hama." and body[span.start:span.end] == span.text
    assert Span.of(body, 6, 9).strip().text == ""
