"""Front lines (knowledge/frontlines.py): unclaimed fire on a static front is coded to the side facing the holder."""
from __future__ import annotations

import json
from datetime import date

import pytest

from eventcoder.knowledge.frontlines import FLAG, FrontLines
from eventcoder.types import Article, Record

GOVERNMENT = "Military Forces of Ukraine (2019-)"
SEPARATISTS = "NAF: United Armed Forces of Novorossiya"


def coded(pipeline, text: str, published: date = date(2019, 7, 2)):
    (record,) = pipeline([Record(article=Article(doc_id="front", text=text, published=published))])
    return record.events


@pytest.mark.parametrize("text, actor1", [
    # the place is held by the government: the separatists fired there
    ("On 30 June 2019, the monitoring mission recorded 14 explosions near Avdiivka.", SEPARATISTS),
    ("On 30 June 2019, the monitors saw 3 impacts of 82mm mortar rounds near Shyrokyne.", SEPARATISTS),
    # held by the separatists: government forces fired there
    ("On 30 June 2019, the monitoring mission recorded 9 explosions near Horlivka.", GOVERNMENT),
    ("On 30 June 2019, the monitoring mission recorded 9 explosions in Horlivka's outskirts.", GOVERNMENT),
    # a spelling variant, and a numbered part of a town held by the other side than the town itself
    ("On 30 June 2019, the mission recorded 5 explosions near Mykhaylivka.", GOVERNMENT),
    ("On 30 June 2019, the monitors recorded 2 explosions near Zolote-5 in Luhansk region.", GOVERNMENT),
    ("On 30 June 2019, the monitors recorded 2 explosions near Zolote-3 in Luhansk region.", SEPARATISTS),
])
def test_unclaimed_fire_goes_to_the_side_facing_the_holder(full_pipeline, text, actor1):
    (event,) = coded(full_pipeline, text)
    assert event.actor1 == actor1
    assert FLAG in event.flags
    assert event.provenance["actor1"].evidence is not None
    assert event.provenance["actor1"].evidence.text in text


def test_a_clash_in_both_directions_sets_the_holder_as_actor2(full_pipeline):
    (event,) = coded(full_pipeline, "On 1 July 2019, the monitors recorded 40 shots of small-arms fire in both "
                                    "directions of the contact line near Marinka.")
    assert event.sub_event_type == "Armed clash"
    assert (event.actor1, event.actor2) == (SEPARATISTS, GOVERNMENT)


@pytest.mark.parametrize("text, published", [
    # before the front settled (Minsk II) and after the invasion the convention does not apply
    ("On 12 August 2014, the monitoring mission recorded 14 explosions near Avdiivka.", date(2014, 8, 13)),
    ("On 3 April 2023, the monitoring mission recorded 14 explosions near Avdiivka.", date(2023, 4, 4)),
    # a place on no list
    ("On 30 June 2019, the monitoring mission recorded 14 explosions near Kharkiv.", date(2019, 7, 2)),
    # a region is not the city of its name
    ("On 30 June 2019, the monitoring mission recorded 14 explosions in Luhansk region.", date(2019, 7, 2)),
    ("On 30 June 2019, the monitoring mission recorded 14 explosions in Luhansk Oblast.", date(2019, 7, 2)),
])
def test_outside_the_period_or_the_listed_places_nothing_changes(full_pipeline, text, published):
    for event in coded(full_pipeline, text, published):
        assert FLAG not in event.flags
        assert event.actor1 not in (GOVERNMENT, SEPARATISTS)


def test_a_side_named_in_the_text_is_kept(full_pipeline):
    (event,) = coded(full_pipeline, "On 30 June 2019, Ukrainian forces shelled Horlivka with mortars.")
    assert event.actor1 == GOVERNMENT
    assert FLAG not in event.flags


def test_a_place_held_by_both_sides_is_refused(tmp_path):
    front = {"name": "F", "country": "Ukraine", "from": "2015-02-18", "until": "2022-02-23",
             "event_types": ["Battles"],
             "sides": {"a": {"actor": "A", "inter": 1}, "b": {"actor": "B", "inter": 2}},
             "held_by": {"a": ["Vodiane"], "b": ["Vodyane"]}}
    path = tmp_path / "fronts.json"
    path.write_text(json.dumps({"fronts": [front]}), encoding="utf-8")
    with pytest.raises(ValueError, match="held by both"):
        FrontLines(path)


def test_the_shipped_fronts_load():
    fronts = FrontLines().fronts
    assert fronts and all(len(f.holder) > 20 for f in fronts)
