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


# ---- fast paths: the same models as the plain ones --------------------------------------------------------

from datetime import date  # noqa: E402

from pydantic import BaseModel  # noqa: E402

from eventcoder.types import ActorMention, Article, DateMention, FieldEvidence, validated  # noqa: E402


def _state(model: BaseModel) -> tuple:
    return model.model_dump_json(), model.model_fields_set, model.__getstate__()


@pytest.mark.parametrize("model, values", [
    (Span, {"start": 3, "end": 9, "text": "forces"}),
    (FieldEvidence, {"evidence": Span.of(BODY, 0, 6), "stage": "dates", "score": 0.5, "note": "why"}),
    (FieldEvidence, {"evidence": None, "stage": "dates", "score": 1, "note": ""}),
    (ActorMention, {"span": {"start": 0, "end": 6, "text": "Regime"}, "name": "Military Forces of Syria",
                    "inter": 1, "country": "Syria", "known": True, "score": 0.8}),
    (DateMention, {"span": Span.of(BODY, 28, 37), "value": date(2020, 5, 4), "time_precision": 1, "kind": "weekday"}),
])
def test_validated_builds_the_model_its_constructor_builds(model, values):
    assert _state(validated(model, values)) == _state(model(**values))


@pytest.mark.parametrize("model, values", [
    (Span, {"start": 9, "end": 3, "text": ""}),
    (Span, {"start": -1, "end": 3, "text": "abc"}),
    (FieldEvidence, {"evidence": None, "stage": "dates", "score": 1.5}),
    (ActorMention, {"span": {"start": 0, "end": 6, "text": "Regime"}, "name": "x", "inter": 9}),
])
def test_validated_refuses_what_the_constructor_refuses(model, values):
    with pytest.raises(ValidationError) as plain:
        model(**values)
    with pytest.raises(ValidationError) as fast:
        validated(model, values)
    assert fast.value.errors(include_context=False) == plain.value.errors(include_context=False)
    assert str(fast.value) == str(plain.value)


def test_event_assignment_stores_a_field_as_pydantic_does():
    fast, plain = make_event(), make_event()
    for name, value in (("actor1", "Rebels"), ("fatalities", 3), ("evidence", Span.of(BODY, 0, 13)), ("notes", "")):
        setattr(fast, name, value)
        BaseModel.__setattr__(plain, name, value)
    assert _state(fast) == _state(plain)
    with pytest.raises(ValueError, match="no field"):
        fast.no_such_field = 1


def test_content_hash_follows_the_fields_it_is_made_of():
    article = Article(doc_id="h", text=BODY, title="Douma")
    first = article.content_hash
    assert article.content_hash == first == Article(doc_id="h", text=BODY, title="Douma").content_hash
    article.published = date(2020, 5, 4)
    assert article.content_hash != first
    assert article.content_hash == Article(doc_id="h", text=BODY, title="Douma", published=date(2020, 5, 4)).content_hash
    moved = article.model_copy(update={"text": BODY + " More."})
    assert moved.content_hash == Article(doc_id="h", text=BODY + " More.", title="Douma",
                                         published=date(2020, 5, 4)).content_hash
    assert article == Article(doc_id="h", text=BODY, title="Douma", published=date(2020, 5, 4))
