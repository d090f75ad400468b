"""The geocode stage: toponyms, precision, containers, event-to-place linking, and the regression suites of
ambiguous names and non-places (tests/data/geo/) against the full GeoNames index."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eventcoder import gazetteer as gz
from eventcoder.config import GeocodeSettings
from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.stages.geocode import Geocoder
from eventcoder.stages.geocode.country import _twin_key
from eventcoder.stages.geocode.places import within
from eventcoder.stages.geocode.words import GeoWords
from eventcoder.types import ActorMention, Article, Event, Record, Span

DATA = Path(__file__).resolve().parents[1] / "data" / "geo"
SHARED = Path(__file__).resolve().parents[3] / "shared"
RAQQA = (35.95, 39.01)
ALEPPO = (36.20, 37.16)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Gazetteer:
    rows = json.loads((DATA / "tiny_gazetteer.json").read_text(encoding="utf-8"))
    return Gazetteer(gz.build(tmp_path_factory.mktemp("gaz") / "tiny.sqlite", cities=rows["cities"],
                              countries=rows["countries"]))


@pytest.fixture(scope="module")
def words() -> GeoWords:
    return GeoWords.load()


@pytest.fixture(scope="module")
def geocoder(tiny) -> Geocoder:
    return Geocoder(GeocodeSettings(country_fallback=False), gazetteer=tiny)


def record_with_events(text: str, event_sentences: list[int], source: str = "") -> Record:
    """A record whose sentences are split at full stops, with one event on each listed sentence."""
    rec = Record(article=Article(doc_id="t", text=text, source=source))
    rec.sentences = [Span.of(text, m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", text) if m.group().strip()]
    rec.events = [Event(doc_id="t", event_type="Battles", sub_event_type="Armed clash", evidence=rec.sentences[i])
                  for i in event_sentences]
    return rec


def near(ev: Event, point: tuple[float, float], km: float = 15) -> bool:
    return ev.latitude is not None and haversine_km(ev.latitude, ev.longitude, *point) <= km


def test_event_takes_the_place_of_its_own_sentence(geocoder):
    rec = record_with_events("Russian jets struck Aleppo on Monday. A car bomb went off in Homs.", [0, 1])
    geocoder([rec])
    assert rec.events[0].location == "Aleppo" and rec.events[0].geo_precision == 1
    assert rec.events[1].location == "Homs"
    assert rec.annotations["geo_country"] == "SY"


def test_event_without_a_place_takes_the_nearest_earlier_one(geocoder):
    rec = record_with_events("Fighting raged in Idlib. Two fighters were killed.", [1])
    geocoder([rec])
    assert rec.events[0].location == "Idlib"


def test_a_headline_without_a_place_takes_the_first_later_one(geocoder):
    # a headline or summary sentence first, the place in the body: a later place beats the capital
    rec = record_with_events("Two fighters were killed in an ambush. The attack happened near Homs.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Homs" and "later" in ev.provenance["location"].note


def test_an_earlier_place_still_comes_before_a_later_one(geocoder):
    rec = record_with_events("Fighting raged in Idlib. Two fighters were killed. Officials later visited Homs.", [1])
    geocoder([rec])
    assert rec.events[0].location == "Idlib"


@pytest.mark.parametrize("text, precision, point", [
    ("Car bombs exploded on the Aleppo front.", 2, ALEPPO),
    ("Shells fell on the outskirts of Aleppo.", 2, ALEPPO),
    ("Clashes erupted near Aleppo.", 2, ALEPPO),
    ("Clashes erupted in eastern Aleppo.", 2, ALEPPO),
    ("Clashes erupted in Aleppo city.", 1, ALEPPO),
    ("Clashes erupted in A-Raqqa.", 1, RAQQA),
])
def test_precision_from_the_words_around_the_name(geocoder, text, precision, point):
    rec = record_with_events(text, [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.geo_precision == precision
    assert near(ev, point)


def test_a_province_alone_gives_precision_3(geocoder):
    rec = record_with_events("Regime aircraft struck villages in Homs province.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.geo_precision == 3 and ev.admin1 and ev.country == "Syria"


@pytest.mark.parametrize("text", [
    "Fighters attacked the country they are in.",
    "Every fighter who can't come to the Caliphate's territory should act.",
    "The deserters headed to the desert in order to disappear.",
])
def test_non_places_leave_the_location_empty_and_flag_it(geocoder, text):
    rec = record_with_events(text, [0])
    geocoder([rec])
    assert rec.events[0].location == ""
    assert "geo_unresolved" in rec.events[0].flags


def test_unknown_village_falls_back_to_its_container(geocoder):
    rec = record_with_events("Shelling hit Kafr Qwertz village (Idlib, Syria).", [0])
    geocoder([rec])
    ev = rec.events[0]
    # the container here is the governorate, so the event sits at its capital with precision 3
    assert ev.location == "Idlib" and ev.geo_precision == 3
    assert "container" in ev.provenance["location"].note


def test_every_location_field_carries_evidence(geocoder):
    text = "Russian jets struck Deir e-Zor on Monday."
    rec = record_with_events(text, [0])
    geocoder([rec])
    ev = rec.events[0]
    for field in ("location", "latitude", "longitude", "geo_precision", "geonameid", "country"):
        prov = ev.provenance[field]
        assert prov.stage == "geocode" and prov.evidence.text == "Deir e-Zor"
        assert 0 < prov.score <= 1
    (mention,) = [p for p in rec.places if p.place is not None]
    assert text[mention.span.start:mention.span.end] == mention.span.text == "Deir e-Zor"


def test_country_fallback_is_precision_3_and_flagged(tiny):
    geocoder = Geocoder(GeocodeSettings(country_fallback=True), gazetteer=tiny)
    rec = record_with_events("Protesters marched against the government.", [0], source="Daily Nation (Kenya)")
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Nairobi" and ev.geo_precision == 3
    assert "geo_country_only" in ev.flags


def test_publisher_country_resolves_a_shared_name(geocoder):
    rec = record_with_events("Clashes broke out in Tripoli.", [0], source="L'Orient-Le Jour")
    geocoder([rec])
    assert rec.events[0].country == "Lebanon"


def test_empty_and_oversized_documents_do_not_fail(tiny):
    geocoder = Geocoder(GeocodeSettings(max_chars=1000), gazetteer=tiny)
    big = "Aleppo " + "x " * 5000 + "Homs."
    recs = [Record(article=Article(doc_id="e", text="")), Record(article=Article(doc_id="b", text=big))]
    geocoder(recs)
    assert [p.span.text for p in recs[1].places] == ["Aleppo"]


# --------------------------------------------------- the full index: the regression suites

@pytest.fixture(scope="module")
def full_geocoder() -> Geocoder:
    return Geocoder(GeocodeSettings())


def _tsv(name: str) -> list[list[str]]:
    return [ln.split("\t") for ln in (DATA / name).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def test_regression_suite_sizes():
    assert len(_tsv("ambiguous.tsv")) >= 30
    assert len(_tsv("nonplaces.tsv")) >= 20


@pytest.mark.slow
def test_ambiguous_names_resolved_by_context(full_geocoder):
    misses = []
    for text, name, source, cc, kind, gid, gname in _tsv("ambiguous.tsv"):
        found = [t for t in full_geocoder.places_in(text, source=source) if t.text == name]
        chosen = found[0].chosen if found else None
        if chosen is None or chosen.geonameid != int(gid):
            misses.append(f"{text!r}: {name} -> {chosen and (chosen.name, chosen.country_code)}, "
                          f"expected {gname} ({cc}, {gid})")
    assert not misses, "\n".join(misses)


@pytest.mark.slow
def test_non_places_do_not_resolve(full_geocoder):
    wrong = []
    for (text,) in _tsv("nonplaces.tsv"):
        placed = [(t.text, t.chosen.name) for t in full_geocoder.places_in(text) if t.chosen]
        if placed:
            wrong.append(f"{text!r}: {placed}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_homs_city_not_governorate(full_geocoder):
    (homs,) = [t for t in full_geocoder.places_in("A car bomb exploded in Homs.") if t.text == "Homs"]
    assert homs.chosen.geonameid == 169577


@pytest.mark.slow
def test_seed_article_places(full_geocoder):
    seed = SHARED / "seed" / "syria-direct-2015-10-13.txt"
    if not seed.exists():
        pytest.skip(f"seed article not found at {seed} (a clone without ../shared)")
    from eventcoder.ingest import read_inputs

    (article,) = list(read_inputs([seed]))
    text = article.text
    rec = Record(article=article)
    rec.sentences = [Span.of(text, m.start(), m.end()) for m in re.finditer(r"[^.?!\n]+[.?!]?", text)
                     if m.group().strip()]
    # one placeholder event per sentence that reports something (the classify stage's job on main)
    reports = [s for s in rec.sentences if re.search(r"car.bomb|moving|cancell|desert|Caliphate|Raqqa", s.text)]
    rec.events = [Event(doc_id=article.doc_id, event_type="Battles", sub_event_type="Armed clash", evidence=s)
                  for s in reports]
    full_geocoder([rec])
    placed = [e for e in rec.events if e.latitude is not None]
    assert placed
    for ev in placed:
        assert ev.country in ("Syria", "Iraq"), (ev.evidence.text, ev.location)
    raqqa = [e for e in rec.events if "A-Raqqa" in e.evidence.text and "Iraq" not in e.evidence.text]
    assert raqqa and all(near(e, RAQQA) for e in raqqa)
    front = [e for e in rec.events if "Aleppo front" in e.evidence.text]
    assert front and all(near(e, ALEPPO) and e.geo_precision == 2 for e in front)
    for ev in rec.events:
        if "desert" in ev.evidence.text or "country they are in" in ev.evidence.text:
            assert ev.location == "" or ev.provenance["location"].note.startswith("nearest earlier")


@pytest.mark.slow
def test_dev_notes_location_floor(full_geocoder):
    """On real ACLED notes (the first 300 of the dev set), with spaCy's entities: a floor, not the target."""
    dev = SHARED / "data" / "dev"
    if not dev.exists():
        pytest.skip(f"dev set not found at {dev} (a clone without ../shared)")
    from eventcoder.stages.nlp import SpacyAnnotator

    rows = [json.loads(ln) for ln in (dev / "input.jsonl").read_text(encoding="utf-8").splitlines()[:300]]
    gold = {json.loads(ln)["id"]: json.loads(ln) for ln in (dev / "gold.jsonl").read_text(encoding="utf-8").splitlines()}
    recs = []
    for r in rows:
        rec = Record(article=Article(doc_id=r["id"], text=r["text"], source=r.get("source", "")))
        rec.events = [Event(doc_id=r["id"], event_type="Battles", sub_event_type="Armed clash",
                            evidence=Span.of(r["text"], 0, len(r["text"])))]
        recs.append(rec)
    SpacyAnnotator()(recs)
    full_geocoder(recs)
    hits = sum(near(r.events[0], (gold[r.doc_id]["latitude"], gold[r.doc_id]["longitude"]), 161) for r in recs)
    assert hits / len(recs) >= 0.75


# ------------------------------------------------------------------ chains, qualifiers, sources

def test_a_road_named_for_a_town_lies_in_its_container(geocoder):
    rec = record_with_events("Gunmen blocked the Aleppo road in Idlib.", [0])
    geocoder([rec])
    assert rec.events[0].location == "Idlib"


@pytest.mark.parametrize("text", ["Aleppo police said shells hit Homs.", "Aleppo's governor said shells hit Homs."])
def test_a_place_that_qualifies_someone_is_not_the_event_place(geocoder, text):
    rec = record_with_events(text, [0])
    geocoder([rec])
    assert rec.events[0].location == "Homs"


def test_siblings_share_their_container(geocoder):
    rec = record_with_events("Shells hit Qwertzabad and Asdfgabad villages of Idlib.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Idlib" and ev.geo_precision >= 2
    assert "Qwertzabad" in ev.provenance["location"].note


@pytest.mark.parametrize("source, expected", [
    ("Daily Nation (Kenya)", {"KE": 1}),
    ("Voice of Jihad; Pajhwok Afghan News", {"AF": 2}),
    ("Asian News International; New Indian Express", {"IN": 1}),
    ("OSCE SMM-Ukraine", {"UA": 1}),
    ("Kenya Broadcasting Corporation", {"KE": 1}),  # a country as one word of the name
    ("Nairobi Evening Herald", {"KE": 1}),  # a capital as one word of the name
    ("Voice of America", {}),  # an international outlet: no prior
    ("", {}),
])
def test_publisher_home_countries(geocoder, source, expected):
    assert geocoder.votes.source_countries(source) == expected


def test_a_title_cased_name_is_not_its_town(geocoder):
    rec = record_with_events("A member of the Raqqa is Being Slaughtered Silently campaign spoke from Homs.", [0])
    geocoder([rec])
    assert [p.span.text for p in rec.places if p.place is not None] == ["Homs"]


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory) -> Geocoder:
    """The tiny gazetteer plus two made-up towns of one name, one near Aleppo and one near Damascus."""
    rows = json.loads((DATA / "tiny_gazetteer.json").read_text(encoding="utf-8"))
    for gid, lat, lon in ((9000001, 36.30, 37.20), (9000002, 33.60, 36.40)):
        rows["cities"][str(gid)] = {"geonameid": gid, "name": "Qwertyabad", "latitude": lat, "longitude": lon,
                                    "countrycode": "SY", "population": 900, "admin1code": "", "alternatenames": []}
    path = gz.build(tmp_path_factory.mktemp("gaz2") / "namesakes.sqlite", cities=rows["cities"],
                    countries=rows["countries"])
    return Geocoder(GeocodeSettings(country_fallback=False), gazetteer=Gazetteer(path))


@pytest.mark.parametrize("town, expected", [("Aleppo", 9000001), ("Damascus", 9000002)])
def test_namesakes_resolved_by_the_other_places(namesakes, town, expected):
    rec = record_with_events(f"Clashes erupted in {town}. Shelling later hit Qwertyabad.", [1])
    namesakes([rec])
    assert rec.events[0].geonameid == expected


# ---- places tied to an event by another clause of the document -------------------------------------------

MILITIA = "Valley Militia"
TURKEY = "Military Forces of Turkey (2016-)"


def tied_record(text: str, event_sentence: str, event_type: str, actor1: str, actor2: str = "",
                mentions: tuple[tuple[str, str], ...] = ()) -> Record:
    """Sentences split at . ? ! and blank lines; one event on the sentence that starts with ``event_sentence``;
    actor mentions given by hand (surface -> name)."""
    rec = Record(article=Article(doc_id="t", text=text))
    rec.sentences = [Span.of(text, m.start(), m.end()) for m in re.finditer(r"[^.?!\n]+[.?!]?", text)
                     if m.group().strip()]
    for surface, name in mentions:
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            rec.actors.append(ActorMention(span=Span.of(text, m.start(), m.end()), name=name))
    sentence = next(s for s in rec.sentences if s.text.strip().startswith(event_sentence))
    sub = {"Strategic developments": "Change to group/activity", "Battles": "Armed clash",
           "Explosions/Remote violence": "Air/drone strike"}[event_type]
    rec.events = [Event(doc_id="t", event_type=event_type, sub_event_type=sub, evidence=sentence,
                        actor1=actor1, actor2=actor2)]
    return rec


QUESTION = ("Q: Has the militia brought its commanders to Homs from Iraq?\n\n"
            "I have no confirmed information about militia commanders being brought from Iraq. "
            "What I know is that they are sending fighters to Idlib.\n")
STRIKES = ("Turkish jets have hit targets across the north. Since the start of the Turkish strikes on the militia "
           "in Idlib, its fighters have hidden in the villages. Turkish bombs that targeted the militia in Syria "
           "drove its fighters into the hills.")

# (text, event sentence, event type, actor1, actor2, mentions, expected location or "" for untied)
TIES = [
    # an answer that names only a country takes the place of the question it replies to
    (QUESTION, "I have no confirmed", "Strategic developments", MILITIA, "", (("militia", MILITIA),), "Homs"),
    # an answer's own town is kept
    (QUESTION, "What I know", "Strategic developments", MILITIA, "", (("militia", MILITIA), ("they", MILITIA)),
     "Idlib"),
    # "the Turkish strikes on the militia in Idlib" ties Idlib to Turkish strikes on the militia
    (STRIKES, "Turkish bombs", "Explosions/Remote violence", TURKEY, MILITIA,
     (("Turkish jets", TURKEY), ("Turkish strikes", TURKEY), ("Turkish bombs", TURKEY), ("militia", MILITIA)),
     "Idlib"),
    # other actors: no tie
    (STRIKES, "Turkish bombs", "Explosions/Remote violence", TURKEY, "Islamic State",
     (("Turkish strikes", TURKEY), ("Turkish bombs", TURKEY), ("militia", MILITIA)), "Syria"),
    # another type of event: no tie
    (STRIKES, "Turkish bombs", "Battles", TURKEY, MILITIA,
     (("Turkish strikes", TURKEY), ("Turkish bombs", TURKEY), ("militia", MILITIA)), "Syria"),
    # both named, but the militia is not the strikes' target: no tie
    ("As the militia is busy with Turkish strikes, the army is moving on Idlib. Turkish bombs that targeted the "
     "militia in Syria drove its fighters into the hills.", "Turkish bombs", "Explosions/Remote violence", TURKEY,
     MILITIA, (("Turkish strikes", TURKEY), ("Turkish bombs", TURKEY), ("militia", MILITIA)), "Syria"),
]


@pytest.mark.parametrize("text,sentence,event_type,actor1,actor2,mentions,expected", TIES,
                         ids=[f"{t[1][:20]}-{t[2][:10]}-{t[4][:8]}" for t in TIES])
def test_place_tied_by_another_clause(geocoder, text, sentence, event_type, actor1, actor2, mentions, expected):
    rec = tied_record(text, sentence, event_type, actor1, actor2, mentions)
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == expected
    if expected in ("Homs", "Idlib") and "geo_tied" in ev.flags:
        assert ev.geo_precision == 2
        assert ev.provenance["location"].note.startswith("tied")
    assert ("geo_tied" in ev.flags) == (expected != "Syria" and sentence != "What I know")


def test_a_tie_never_replaces_a_town_the_event_names(geocoder):
    text = "Turkish strikes on the militia in Idlib killed two. Turkish bombs hit the militia in Homs."
    rec = tied_record(text, "Turkish bombs", "Explosions/Remote violence", TURKEY, MILITIA,
                      (("Turkish strikes", TURKEY), ("Turkish bombs", TURKEY), ("militia", MILITIA)))
    geocoder([rec])
    assert rec.events[0].location == "Homs" and "geo_tied" not in rec.events[0].flags


# --------------------------------------------------- lists, long container gaps, countries as neighbourhoods

def test_a_long_container_phrase_still_links_the_village_to_its_container(geocoder):
    rec = record_with_events("Militants attacked a post in Kafr Qwertz in the southern countryside of Idleb.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Idlib" and ev.geo_precision >= 2
    assert "container" in ev.provenance["location"].note


@pytest.mark.slow
def test_a_list_of_places_is_not_a_chain(full_geocoder):
    # "X, Y and Z" lists three places: Y is not X's container (X lies in another county than Y)
    tops = {t.text: t for t in full_geocoder.places_in("Herders clashed with police in Moyale, Wajir and Isiolo.")}
    assert tops["Moyale"].parent is None
    assert tops["Moyale"].chosen is not None and tops["Moyale"].chosen.country_code == "KE"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Youths torched shops in the Congo area of Kibera slums.",
    "Youths torched shops in the Congo area of Kibera, Nairobi.",
])
def test_a_country_name_as_a_neighbourhood_is_not_the_country(full_geocoder, text):
    tops = {t.text: t for t in full_geocoder.places_in(text)}
    congo = tops["Congo"]
    assert congo.chosen is None or congo.chosen.kind != "country"
    assert tops["Kibera"].chosen is not None and tops["Kibera"].chosen.country_code == "KE"


@pytest.mark.slow
def test_a_transliterated_province_outvotes_an_actor_demonym(full_geocoder):
    # "Turkish forces" name an actor; "Ar-Raqqa" (Ar Raqqah but for the final h) says where
    rec = record_with_events("Turkish forces shelled Tal Qwertz in Ar-Raqqa.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.country == "Syria" and near(ev, RAQQA, 30)


@pytest.mark.slow
def test_a_named_town_beats_a_province_reached_through_an_unknown_village(full_geocoder):
    rec = record_with_events("A mine hit a car on the road between Kafr Qwertz and Tell Abyad in the northern "
                             "countryside of Ar-Raqqa.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Tall Abyad" and ev.geo_precision == 1


# --------------------------------------------------- foreign namesakes, neighbours, countries as destinations

@pytest.mark.slow
def test_another_language_name_of_a_foreign_city_is_not_taken(full_geocoder):
    # "Boni" is an alternate name of Bonn; a Kenyan report's forest is not there
    tops = {t.text: t for t in full_geocoder.places_in("Soldiers raided a hideout in Boni Forest.",
                                                       source="Daily Nation (Kenya)")}
    assert tops["Boni"].chosen is None or tops["Boni"].chosen.country_code == "KE"


@pytest.mark.slow
def test_a_neighbourhood_across_the_border_beats_a_far_namesake(full_geocoder):
    # a Somali outlet reporting from Nairobi's Eastleigh: Kenya borders Somalia, England does not
    tops = {t.text: t for t in full_geocoder.places_in("Police in Eastleigh detained dozens of traders.",
                                                       source="Shabelle Media Network")}
    assert tops["Eastleigh"].chosen is not None and tops["Eastleigh"].chosen.country_code == "KE"


@pytest.mark.slow
def test_a_foreign_country_named_as_a_destination_yields_to_a_home_place(full_geocoder):
    rec = record_with_events("Police stopped a bus in Garissa. Four youths were arrested while travelling to "
                             "Somalia.", [1], source="Daily Nation (Kenya)")
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.country == "Kenya" and ev.location == "Garissa"


@pytest.mark.slow
@pytest.mark.parametrize("text, source, name", [
    ("Protesters gathered outside the Saray in Tripoli.", "L'Orient-Le Jour", "Saray"),
    ("A Canadian engineer was abducted by gunmen.", "", "Canadian"),
])
def test_words_that_are_not_places_here(full_geocoder, text, source, name):
    assert not [t for t in full_geocoder.places_in(text, source=source) if t.text == name and t.chosen]


# --------------------------------------------------- containers that disagree with their town

@pytest.mark.slow
def test_the_container_chosen_is_the_one_that_holds_the_town(full_geocoder):
    # many Bolivars: the state that holds an El Callao
    rec = record_with_events("Police shot a miner in El Callao, Bolivar state.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.country == "Venezuela" and ev.location == "El Callao" and ev.geo_precision == 1


@pytest.mark.slow
def test_a_large_city_stands_even_when_its_province_is_misnamed(full_geocoder):
    rec = record_with_events("Nurses protested in Mariupol, Zaporizhia oblast.", [0])
    full_geocoder([rec])
    assert rec.events[0].location == "Mariupol"


@pytest.mark.slow
def test_a_road_named_for_a_city_lies_in_its_container(full_geocoder):
    rec = record_with_events("Gunmen seized a driver on Mombasa Road, Nairobi.", [0])
    full_geocoder([rec])
    assert "Nairobi" in rec.events[0].location


@pytest.mark.slow
def test_parenthesised_groups_in_a_list_are_not_one_chain(full_geocoder):
    tops = full_geocoder.places_in("Houthi forces reinforced the Nihm (Nihm, Sanaa), Sirwah (Sirwah, Marib) and "
                                   "Salh (Salh, Taizz) fronts.")
    sanaa = [t for t in tops if t.text == "Sanaa"][0]
    assert sanaa.parent is None and sanaa.chosen is not None and sanaa.chosen.country_code == "YE"


def test_the_capital_named_as_such_is_the_capital_city(geocoder):
    # country_fallback is off here: "in the capital" names a place, it is no fallback
    rec = record_with_events("Two rallies were held in the capital on Sunday.", [0], source="Daily Nation (Kenya)")
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Nairobi" and ev.geo_precision == 1 and "geo_country_only" not in ev.flags


def test_the_capital_of_another_country_is_not_the_documents_capital(geocoder):
    rec = record_with_events("Exiles met in the capital of Qwertystan.", [0], source="Daily Nation (Kenya)")
    geocoder([rec])
    assert rec.events[0].location != "Nairobi"


@pytest.mark.slow
def test_a_town_of_the_province_beats_the_province_named_first(full_geocoder):
    rec = record_with_events("In Al Mahrah governorate, tribesmen clashed with soldiers at Hat.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Hat" and ev.geo_precision <= 2 and ev.country == "Yemen"


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    ("Villagers gathered at a school in Serres against 90 asylum seekers (most of them from Syria).", "Serres"),
    ("Two students from Mombasa were arrested in Lamu.", "Lamu"),
    ("Dozens of taxis set out from Beirut towards Sidon in protest.", "Beirut"),
])
def test_where_people_come_from_is_not_where_the_event_is(full_geocoder, text, expected):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    assert rec.events[0].location == expected


@pytest.mark.slow
def test_an_article_before_a_demonym_is_no_place(full_geocoder):
    tops = full_geocoder.places_in("A Kenyan official was killed near Elwak.", source="Daily Nation (Kenya)")
    assert [t.text for t in tops if t.chosen] == ["Elwak"]


# --------------------------------------------------- namesakes among many: the state, the seat, the phrase

@pytest.mark.slow
@pytest.mark.parametrize("text, source, location, admin1, point", [
    # "a" joins a name as "de" does
    ("Soldiers destroyed an airstrip in Brus Laguna, Gracias a Dios.", "La Tribuna (Honduras)", "Brus Laguna",
     "Gracias a Dios", None),
    # the Brazilian state comes after 40 towns called Santa Catarina world-wide: looked up in the country too
    ("Police seized cigarettes in Erval Velho, Santa Catarina.", "", "Erval Velho", "Santa Catarina", None),
    # two El Saltos of one size in Jalisco: the seat of the El Salto municipality
    ("Gunmen kidnapped a former mayor in El Salto, Jalisco.", "", "El Salto", "Jalisco", (20.52, -103.18)),
])
def test_namesakes_among_many(full_geocoder, text, source, location, admin1, point):
    rec = record_with_events(text, [0], source=source)
    full_geocoder([rec])
    ev = rec.events[0]
    assert (ev.location, ev.admin1) == (location, admin1)
    assert point is None or near(ev, point, 10)


@pytest.mark.slow
def test_a_generic_contained_name_does_not_pick_its_containers_namesake(full_geocoder):
    # "Central" is a town in many states: it must not pull "Sao Paulo" to a village of that other name
    rec = record_with_events("Street vendors marched in the Central Zone of Sao Paulo, Sao Paulo, on Monday.", [0])
    full_geocoder([rec])
    assert rec.events[0].admin1 == "Sao Paulo"


@pytest.mark.slow
def test_a_non_place_word_inside_a_name_is_kept(full_geocoder):
    # "federal" alone is no place ("Federal Police"), but "Distrito Federal" is a state
    rec = record_with_events("Police dismantled a lab in Sobradinho, Distrito Federal.", [0], source="G1")
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Sobradinho" and ev.admin1 == "Distrito Federal"


@pytest.mark.slow
def test_a_long_list_of_districts_shares_the_province(full_geocoder):
    tops = full_geocoder.places_in("Militants were active in Dawlat Abad, Balkh, Dihdadi, Kishindih, and Zari "
                                   "districts of Balkh province.")
    by = {}
    for t in tops:
        by.setdefault(t.text, []).append(t)
    province = by["Balkh"][-1]
    assert province.role == "adm1" and province.chosen is not None and province.chosen.kind == "adm1"
    district = by["Balkh"][0]
    assert district.parent == tops.index(province)  # every item's container is the province, not its neighbour
    assert district.chosen is not None and district.chosen.kind == "adm2"


def test_a_quoted_name_keeps_its_type_word_and_container(geocoder):
    # "the 'Kafr Qwertz' area of Idlib": the quotes do not cut the name from "area" nor from its container
    rec = record_with_events("Gunmen attacked a post in the 'Kafr Qwertz' area of Idlib.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Idlib" and "container" in ev.provenance["location"].note


# --------------------------------------------------- buildings, and spellings far from the document

@pytest.mark.slow
@pytest.mark.parametrize("text, location", [
    # a university named for a person lies in the town named as its container
    ("Students blocked an avenue near the Central University in El Tocuyo, Lara state.", "El Tocuyo"),
    # a police station named for its town is at that town
    ("Two families clashed in Qwertzpur village under Rosera police station (Samastipur, Bihar).",
     "Rosera"),
])
def test_a_building_lies_where_its_name_or_container_says(full_geocoder, text, location):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    assert rec.events[0].location == location


@pytest.mark.slow
def test_an_inexact_spelling_far_from_the_named_district_is_dropped(full_geocoder):
    # "Adhaura" is no Sadhaura, 900 km away in Haryana: the district the note names places the event
    rec = record_with_events("Police defused two bombs near Adhaura police station limits (Kaimur, Bihar).", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.admin1 == "Bihar" and "Kaimur" in ev.location


def test_an_actors_home_country_is_the_last_hint_for_the_fallback(tiny):
    from eventcoder.types import ActorMention

    geocoder = Geocoder(GeocodeSettings(country_fallback=True), gazetteer=tiny)
    text = "A sect leader was shot dead by unknown gunmen."
    rec = record_with_events(text, [0], source="Wire Service")
    rec.actors = [ActorMention(span=Span.of(text, 2, 6), name="Qwerty Sect Militia", country="Kenya")]
    geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Nairobi" and ev.geo_precision == 3 and "geo_country_only" in ev.flags


@pytest.mark.slow
def test_an_offices_seat_is_not_the_event_place(full_geocoder):
    # "the governor of Migori" qualifies the governor; the arrest happened in Nairobi
    rec = record_with_events("The governor of Migori was arrested after police raided his house in Nairobi.", [0],
                             source="Daily Nation (Kenya)")
    full_geocoder([rec])
    assert rec.events[0].location == "Nairobi"


# --------------------------------------------------- towns that share their name with their province

@pytest.mark.slow
@pytest.mark.parametrize("text, geonameid", [
    # something lies near the city: the city, not the province or district of the same name and seat
    ("Gunmen attacked the village of Qwertzabad near Maiduguri on Monday.", 2331447),
    ("Militias of the Government of National Accord clashed near Tripoli international airport.", 2210247),
    # a quarter of a large city: the city holds it
    ("A shell hit a house in the Qwertz Salim district of Tripoli, Libya.", 2210247),
])
def test_a_place_near_or_in_a_city_is_at_the_city_not_its_province(full_geocoder, text, geonameid):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.geonameid == geonameid and ev.geo_precision == 2


@pytest.mark.slow
def test_an_organisations_name_is_no_chain_link(full_geocoder):
    # "the Government of National Accord near Tripoli": "Accord" is part of a name, not a place in Tripoli
    tops = full_geocoder.places_in("Militias of the Government of National Accord clashed near Tripoli.")
    accord = [t for t in tops if t.text == "Accord"]
    assert not accord or accord[0].parent is None


@pytest.mark.slow
def test_the_town_of_x_is_the_town_not_its_district(full_geocoder):
    # GeoNames has a district of the same name and seat, with more people than the town's (unknown) count
    rec = record_with_events("Jets bombed a bakery in the town of Maarrat al-Numan overnight.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.geonameid == 167611 and ev.geo_precision == 1


@pytest.mark.slow
def test_a_city_named_in_a_civil_defence_team_is_the_city(full_geocoder):
    # "Syria Civil Defence" names an organisation: Halab is no container of it, and alone it is the city
    rec = record_with_events("A volunteer with the Syria Civil Defence in eastern Halab spoke. Jets hit a bakery.", [1])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.geonameid == 170063 and ev.geo_precision == 2


def test_an_unknown_quarter_of_the_event_puts_the_earlier_town_at_precision_2(geocoder):
    rec = record_with_events("Reporters visited Aleppo last week. Shells hit the Qwertzani district on Thursday. "
                             "Hundreds protested in Bab Qwertz on Friday. Shells hit a bakery on Saturday.", [1, 2, 3])
    geocoder([rec])
    quarter, square, bakery = rec.events
    assert quarter.location == square.location == bakery.location == "Aleppo"
    assert quarter.geo_precision == square.geo_precision == 2
    assert bakery.geo_precision == 1  # no other place named: the town itself


@pytest.mark.slow
def test_a_village_whose_namesakes_are_all_far_away_is_not_placed_at_one(full_geocoder):
    # the Piskys of Poltava and Mykolaiv are 300+ km from a report on the Donetsk front
    rec = record_with_events("Shelling hit Avdiivka, north of Donetsk. Troops clashed near the village of Pisky.", [1])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.admin1 == "Donetska oblast" and ev.geo_precision == 2


# ------------------------------------------------ former provinces, actors' home countries, loose spellings

@pytest.mark.slow
@pytest.mark.parametrize("text, location, point", [
    # Kenya's provinces before 2013: a province alone is its capital at precision 3, and a town it
    # contains stays the town
    ("Cattle raiders struck a village of Rift Valley Province at dawn.", "Rift Valley Province", (-0.31, 36.07)),
    ("Youths barricaded roads in Kisumu [Nyanza Province] after the vote.", "Kisumu", (-0.10, 34.76)),
    ("Women marched through Mombasa, Coast Province, against drug dealers.", "Mombasa", (-4.05, 39.66)),
])
def test_kenyas_former_provinces(full_geocoder, text, location, point):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == location and ev.country == "Kenya" and near(ev, point, 5)
    assert ev.geo_precision == (3 if location.endswith("Province") else 1)


@pytest.mark.slow
def test_an_actors_home_country_decides_between_namesakes(full_geocoder):
    # Kiunga is a town of Papua New Guinea in cities500; a report on al-Shabaab in Kenya is not there
    rec = record_with_events("Kenyan soldiers pursued Al Shabaab fighters who had raided Kiunga.", [0])
    rec.actors = [ActorMention(span=Span.of(rec.article.text, 30, 40), name="Al Shabaab", country="Somalia"),
                  ActorMention(span=Span.of(rec.article.text, 0, 14), name="Military Forces of Kenya",
                               country="Kenya")]
    full_geocoder([rec])
    assert rec.events[0].country != "Papua New Guinea"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Police battled Toposa raiders near the border.",
    "Police said Degodia herders clashed with their neighbours over grazing.",
])
def test_a_loose_spelling_of_a_village_abroad_is_no_place(full_geocoder, text):
    # a people's name spelled like a small town or port abroad does not vouch for its own country
    tops = full_geocoder.places_in(text)
    assert all(t.chosen is None for t in tops), [(t.text, t.chosen) for t in tops]


@pytest.mark.slow
@pytest.mark.parametrize("text, location", [
    # an office named after its province is a person, not a place
    ("A grenade went off in a bar in Wajir on Monday, North Eastern Provincial Commissioner Jane Roe said.",
     "Wajir"),
    # a river yields to a town of its province named beside it
    ("Border guards patrolling the Evros river fired warning shots near the village of Tychero.", "Tychero"),
])
def test_the_town_beside_a_name_that_is_no_event_place(full_geocoder, text, location):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    assert rec.events[0].location == location


@pytest.mark.slow
def test_a_town_given_a_neighbouring_district_of_its_province_is_kept(full_geocoder):
    # GeoNames puts Nidadavole in East Godavari; reporting after a redrawing of districts names another one
    rec = record_with_events("Farm workers demonstrated in Nidadavole town (West Godavari, Andhra Pradesh).", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Nidadavole" and ev.geo_precision == 1


@pytest.mark.slow
def test_a_currency_named_after_a_country_is_no_place(full_geocoder):
    tops = full_geocoder.places_in("Traders protested against the rise of the US dollar against the local currency.")
    assert all(t.chosen is None for t in tops), [(t.text, t.chosen) for t in tops]


@pytest.mark.slow
def test_a_currency_gives_no_fallback_country(full_geocoder):
    rec = record_with_events("Protesters blocked roads over the price of the US dollar and fuel.", [0])
    full_geocoder([rec])
    assert rec.events[0].country != "United States"


def test_a_district_with_no_town_is_placed_at_its_point_with_district_precision(geocoder):
    # Maruf district has no town in cities500; admin_points.tsv places it (31.49, 67.27)
    rec = record_with_events("Insurgents attacked a checkpoint in Maruf district of Kandahar province.", [0])
    geocoder([rec])
    ev = rec.events[0]
    assert near(ev, (31.49, 67.27), km=5), (ev.location, ev.latitude, ev.longitude)
    assert (ev.admin1, ev.geo_precision) == ("Kandahar", 2)


@pytest.mark.slow
def test_a_street_named_after_a_district_elsewhere_is_not_that_district(full_geocoder):
    # At Tahrir is a district of Sanaa; Tahrir Street runs through many Yemeni towns
    rec = record_with_events("A shell hit a shop on Tahrir Street at noon. Residents fled to Bab al Kabir (Al "
                             "Mudhaffar, Taizz).", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location != "At Tahrir" and ev.admin1 == "Taizz", (ev.location, ev.admin1)


def test_the_twin_key_cache_gives_the_uncached_key_and_is_bounded():
    names = ["Ar-Raqqa", "Ar Raqqah", "Ain Oussara", "Ain Oussera", "Recke"]
    _twin_key.cache_clear()
    cold = [_twin_key(n) for n in names]
    warm = [_twin_key(n) for n in names]
    assert cold == warm == [_twin_key.__wrapped__(n) for n in names]
    assert _twin_key.cache_info().hits == len(names) and _twin_key.cache_info().maxsize is not None


@pytest.mark.parametrize("text", [
    "Afghan forces met Kenyan police.", "ProAfghan groups", "the Kenyan shilling fell", "Sri Lankan navy",
    "x_Somali", "9Somali", "Somalis and Somali-born", "",
])
def test_demonyms_are_found_where_a_leading_word_boundary_finds_them(words, text):
    assert words.demonym_scan.unguarded is not None  # the boundary is tested apart, as the speed needs
    assert [m.span() for m in words.demonyms_in(text)] == [m.span() for m in words.demonym_re.finditer(text)]


@pytest.mark.parametrize("part", ["Voice of America", "VOICE OF AMERICA", "Daily Nation", "daily nation (Kenya)",
                                  "Kabul Now", "Somewhere Else Entirely", "", "BBC"])
def test_publishers_of_the_part_length_fullmatch_as_all_publishers_do(words, part):
    # _part_country tries only the publishers whose name is as long as the source part
    every = [(pat, cc) for pat, cc in words.publishers if pat.fullmatch(part)]
    assert [(pat, cc) for pat, cc in words.publishers_by_length.get(len(part), ()) if pat.fullmatch(part)] == every


def test_a_toponym_span_is_the_span_of_its_phrase(geocoder):
    text = "Fighting in Aleppo, Syria. Shelling hit Idlib."
    for t in geocoder.places_in(text):
        assert t.span_of(text) == Span.of(text, t.start, t.end)
        assert t.span_of(text) is t.span_of(text)


# ---- fast paths against the plain ones ---------------------------------------------------------------------

FAST_PATH_TEXTS = [
    "Clashes erupted near the town of Deir ez-Zor and in al-Bab, north of Aleppo.",
    "Fighters from ash-Sham moved on ad-Dawr; e-Zor and Kafr Nabl were shelled.",
    "Aleppo is quiet.\nHoms (Syria) saw protests. The Army of Conquest seized x-Idlib and Raqqa-Tabqa.",
    "Militants came from Mombasa, the governor of Migori said, while the Government of National Accord met.",
    "A\u00a0Idlib, \u2018Hama and the village of\tAin Issa were hit; (Manbij) and -Jarablus too.",
]


@pytest.mark.parametrize("text, phrases", [
    (FAST_PATH_TEXTS[0], ["Clashes", "Deir ez-Zor", "al-Bab", "Aleppo"]),
    (FAST_PATH_TEXTS[1], ["Fighters", "ash-Sham", "ad-Dawr", "e-Zor", "Kafr Nabl"]),
    ("Ciudad de la Paz and Tala wa Barfak, Deir ez Zor", ["Ciudad de la Paz", "Tala wa Barfak", "Deir ez Zor"]),
])
def test_phrases_are_capitalised_words_and_the_lowercase_words_of_names(words, text, phrases):
    assert [m.group() for m in words.phrase.finditer(text)] == phrases


def test_cue_tail_admits_every_cue(geocoder):
    _may_end_in_cue = geocoder.finder._may_end_in_cue
    for cue in geocoder.words.before_cues:
        for before in (f"seen {cue} ", f"seen ({cue.upper()}\t", f"seen {cue} the ", f"{cue} the town of\n"):
            assert _may_end_in_cue(before), before
    assert not _may_end_in_cue("fighting in ") and not _may_end_in_cue("Aleppo, ") and not _may_end_in_cue("  ")


def test_cue_gate_gives_the_same_toponyms(geocoder, monkeypatch):
    import dataclasses

    from eventcoder.stages.geocode import toponyms
    records = [Record(article=Article(doc_id="t", text=text)) for text in FAST_PATH_TEXTS]
    fast = [[dataclasses.astuple(t) for t in geocoder.toponyms(r)] for r in records]
    monkeypatch.setattr(toponyms, "_may_follow_cue", lambda text, start: True)
    monkeypatch.setattr(geocoder.finder, "_may_end_in_cue", lambda before: True)
    plain = [[dataclasses.astuple(t) for t in geocoder.toponyms(r)] for r in records]
    assert fast == plain
    assert any(t[4] for doc in plain for t in doc)  # some toponym is "near" a cue (Toponym.near)


def test_within_reads_the_same_toponyms_as_a_scan(geocoder):
    from bisect import bisect_left
    for text in FAST_PATH_TEXTS:
        toponyms = geocoder.toponyms(Record(article=Article(doc_id="t", text=text)))
        starts = [t.start for t in toponyms]
        assert len(toponyms) >= 2
        cuts = sorted({0, len(text)} | {x for t in toponyms for x in (t.start, t.end, t.start + 1, t.end - 1)})
        for lo in cuts:
            for hi in cuts:
                assert within(toponyms, starts, lo, hi) == [
                    i for i, t in enumerate(toponyms) if lo <= t.start and t.end <= hi]
                # a sentence's toponyms, as Linker._own_place reads them
                assert list(range(bisect_left(starts, lo), bisect_left(starts, hi))) == [
                    i for i, t in enumerate(toponyms) if lo <= t.start < hi]


def test_the_pipeline_refuses_geocode_before_the_events_it_places():
    from eventcoder.config import load_settings
    from eventcoder.errors import ConfigError
    from eventcoder.pipeline import Pipeline

    settings = load_settings()
    before_classify = settings.model_copy(update={"pipeline": ["geocode", "classify"]})
    with pytest.raises(ConfigError, match=r"'geocode' requires \['record.events'\]"):
        Pipeline.from_settings(before_classify, provided=("record.sentences", "record.entities", "record.actors"))


# --------------------------------------------------- whose country: places only mentioned, datelines, demonyms

@pytest.mark.slow
def test_a_time_zone_is_not_the_event_place(full_geocoder):
    rec = record_with_events("Separatists said artillery shelled Horlivka at 23:00 Moscow time.", [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.country == "Ukraine" and ev.location != "Moscow"
    moscow = next(t for t in full_geocoder.places_in(rec.text) if t.text == "Moscow")
    assert moscow.mention == "a time zone"


@pytest.mark.slow
def test_a_place_naming_an_agreement_is_not_the_event_place(full_geocoder):
    rec = record_with_events("Fighting raged in Kunduz. Despite the Doha agreement, shelling went on.", [1])
    full_geocoder([rec])
    assert rec.events[0].location == "Kunduz"


@pytest.mark.slow
def test_a_venue_of_talks_abroad_is_not_the_event_place(full_geocoder):
    rec = record_with_events("Rebels and soldiers clashed near Latakia. A truce was later signed in Doha.", [1])
    full_geocoder([rec])
    assert rec.events[0].country == "Syria"


@pytest.mark.slow
@pytest.mark.parametrize("text, source", [
    ("Protesters gathered outside the US embassy on Friday.", ""),
    ("Protesters gathered outside the embassy of Turkey on Friday.", "Daily Nation (Kenya)"),
])
def test_an_embassys_country_is_not_the_event_place(full_geocoder, text, source):
    rec = record_with_events(text, [0], source=source)
    full_geocoder([rec])
    assert rec.events[0].country not in ("United States", "Turkey")


@pytest.mark.slow
def test_a_demonym_of_forces_does_not_place_the_event_in_their_capital(full_geocoder):
    rec = record_with_events("Russian warplanes bombed several villages, killing five civilians.", [0])
    full_geocoder([rec])
    assert rec.events[0].location != "Moscow"
    # forces abroad outweigh no named village: the village of the story's country is kept
    rec = record_with_events("Russian warplanes struck a market in the village of Kafr Zita.", [0])
    full_geocoder([rec])
    assert rec.events[0].country == "Syria"


@pytest.mark.parametrize("text, votes", [
    ("The Kenyan interior ministry said so.", {"KE": 1.5}),
    ("A Kenyan man said so.", {"KE": 0.8}),
    ("Russian warplanes struck again.", {"RU": 0.4}),
    ("Syrian villagers fled. Syrian civilians died. Syrian towns burned.", {"SY": 3.0}),
])
def test_a_demonym_votes_by_the_word_after_it(geocoder, text, votes):
    assert geocoder.votes.demonym_votes(text) == votes


@pytest.mark.slow
def test_a_foreign_country_named_without_a_locative_is_no_event_place(full_geocoder):
    rec = record_with_events("Clashes broke out in Juba. Peacekeepers from Ghana were deployed to stop them.", [1])
    full_geocoder([rec])
    assert rec.events[0].country == "South Sudan"
    rec = record_with_events("Turkey-backed factions shelled a village, killing two.", [0], source="SOHR")
    full_geocoder([rec])
    assert rec.events[0].country == "Syria"


@pytest.mark.slow
def test_a_country_inside_an_organisations_name_is_no_event_place(full_geocoder):
    rec = record_with_events("Clashes broke out in Juba. The UN Mission in Liberia was renamed.", [1])
    full_geocoder([rec])
    assert rec.events[0].country == "South Sudan"


@pytest.mark.slow
def test_a_dateline_abroad_does_not_place_the_story(full_geocoder):
    text = "GENEVA (Newswire) - Fighting in Bentiu killed ten, the council said.\nThe mission was extended."
    rec = record_with_events(text, [0, 1])
    full_geocoder([rec])
    assert [e.country for e in rec.events] == ["South Sudan", "South Sudan"]
    geneva = next(t for t in full_geocoder.places_in(text) if t.text == "GENEVA")
    assert geneva.dateline


@pytest.mark.parametrize("text, name, is_dateline", [
    ("MOSUL, March 3 (Newswire) - Shells hit the city.", "MOSUL", True),
    ("KHARKIV (Newswire) - Shells hit the city.", "KHARKIV", True),
    ("March 3, 2019 (BAGHDAD) - Shells hit the city.", "BAGHDAD", True),
    ("Aleppo 25-08-2020, shells hit the city.", "Aleppo", True),
    ("Northern Star Radio (Kismayo)\n\nShells hit the city.", "Kismayo", True),
    ("Aleppo, the second city, was shelled.", "Aleppo", False),
])
def test_datelines_and_outlet_homes(geocoder, text, name, is_dateline):
    (t,) = [t for t in geocoder.places_in(text) if t.text == name]
    assert t.dateline == is_dateline


@pytest.mark.slow
def test_an_institution_named_after_a_country_votes_for_it(full_geocoder):
    rec = record_with_events("Nepal Armed Police clashed with smugglers near Qwertypur.", [0])
    full_geocoder([rec])
    assert rec.annotations["geo_country"] == "NP"


@pytest.mark.slow
def test_a_list_closed_by_other_cities_is_no_chain(full_geocoder):
    text = "Protesters blocked roads in Multan, Quetta and other cities."
    tops = {t.text: t for t in full_geocoder.places_in(text)}
    assert tops["Multan"].parent is None and tops["Multan"].chosen.kind == "city"


def test_a_bracket_opens_a_sentence(geocoder):
    (hour,) = [t for t in geocoder.places_in("[Hour of silence on the line.]") if t.text == "Hour"]
    assert hour.sentence_start


# --------------------------------------------------- a candidate abroad needs strong evidence

@pytest.fixture(scope="module")
def abroad(tmp_path_factory) -> Geocoder:
    """The tiny gazetteer plus made-up namesakes abroad: a town in Sudan, a border village in Turkey (a
    neighbour of Syria), a small town in Tanzania (a neighbour of Kenya), an Egyptian city of 300,000."""
    rows = json.loads((DATA / "tiny_gazetteer.json").read_text(encoding="utf-8"))
    extra = {"SD": ("Sudan", 41801533, "Khartoum"), "TR": ("Turkey", 82319724, "Ankara"),
             "TZ": ("Tanzania", 56318348, "Dodoma"), "EG": ("Egypt", 98423595, "Cairo")}
    for gid, (cc, (name, pop, capital)) in enumerate(extra.items(), start=9100001):
        rows["countries"][cc] = {"geonameid": gid, "name": name, "iso": cc, "isonumeric": 0, "capital": capital,
                                 "population": pop}
    rows["countries"]["SY"]["neighbours"] = "TR,IQ,LB,JO,IL"
    rows["countries"]["KE"]["neighbours"] = "TZ,SO,UG,ET,SS"
    towns = [(9000011, "Qwertaya", "SD", 13.1, 30.2, 20000), (9000012, "Zarqaya", "TR", 36.8, 37.1, 3000),
             (9000013, "Manzara", "TZ", -6.5, 39.1, 8000), (9000014, "Qurtubiya", "EG", 30.6, 31.5, 300000)]
    for gid, name, cc, lat, lon, pop in towns:
        rows["cities"][str(gid)] = {"geonameid": gid, "name": name, "latitude": lat, "longitude": lon,
                                    "countrycode": cc, "population": pop, "admin1code": "", "alternatenames": []}
    path = gz.build(tmp_path_factory.mktemp("gaz3") / "abroad.sqlite", cities=rows["cities"],
                    countries=rows["countries"])
    return Geocoder(GeocodeSettings(country_fallback=False), gazetteer=Gazetteer(path))


def _chosen(geocoder: Geocoder, text: str, name: str):
    return next(t for t in geocoder.places_in(text) if t.text == name).chosen


def test_a_village_of_the_story_is_no_small_town_abroad(abroad):
    text = "Shelling hit Aleppo and Homs. Government forces stormed the village of Qwertaya."
    assert _chosen(abroad, text, "Qwertaya") is None
    # its country named in the sentence is the evidence a town abroad needs
    text = "Shelling hit Aleppo and Homs. Refugees reached the Sudanese town of Qwertaya."
    assert _chosen(abroad, text, "Qwertaya").country_code == "SD"


def test_a_border_village_is_not_placed_across_the_border(abroad):
    text = "Shelling hit Aleppo on Monday. Rebels later attacked Zarqaya."
    assert _chosen(abroad, text, "Zarqaya") is None
    assert _chosen(abroad, "Shelling hit Aleppo. Rebels shelled the Turkish village of Zarqaya.",
                   "Zarqaya").country_code == "TR"
    # a story that names no place of its country may be across the border itself
    assert _chosen(abroad, "Syrian rebels shelled Zarqaya.", "Zarqaya").country_code == "TR"


def test_a_landmark_resolves_inside_the_documents_country(abroad):
    text = "Gunmen attacked a convoy near Kisumu. Soldiers at Manzara base fired back."
    assert _chosen(abroad, text, "Manzara") is None
    rec = record_with_events(text, [1])
    abroad([rec])
    assert rec.events[0].country == "Kenya"


def test_a_village_is_no_city_of_a_loose_spelling(abroad):
    text = "Jets struck the Kurdish village of Kurtubia on Sunday."
    assert _chosen(abroad, text, "Kurtubia") is None
    assert abroad.places_in(text) and "EG" not in {t.chosen.country_code for t in abroad.places_in(text) if t.chosen}


@pytest.mark.slow
@pytest.mark.parametrize("text, location", [
    ("Protesters gathered in Tahrir Square in Basra on Friday.", "Basrah"),
    ("Thousands rallied in Clock Square in Benghazi.", "Benghazi"),
])
def test_a_square_in_a_city_is_in_the_city(full_geocoder, text, location):
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == location and ev.geo_precision == 1 and ev.provenance["location"].note.startswith("'")


# --------------------------------------------------- priors beside population: the provinces and places named

@pytest.mark.slow
@pytest.mark.parametrize("province", ["Jowzjan", "Takhar"])
def test_a_province_named_elsewhere_picks_the_namesake_inside_it(full_geocoder, province):
    # two villages called Khanaqah, one in each province, neither named with its container
    text = f"The Taliban hold much of {province} province. Fighting broke out in Khanaqah on Monday."
    (khanaqah,) = [t for t in full_geocoder.places_in(text) if t.text == "Khanaqah"]
    assert khanaqah.chosen.admin1 == province


@pytest.mark.parametrize("text, name, role", [
    ("Jets struck a Kurdish village of Qwerty.", "Qwerty", "town"),
    ("Shells hit the al-Qwerty district of Aleppo.", "Aleppo", ""),  # the district is al-Qwerty, not Aleppo
    ("Shells hit the Qwerty district of Aleppo.", "Aleppo", ""),
])
def test_a_kind_word_before_a_name_is_read_past_an_adjective_only(geocoder, text, name, role):
    (t,) = [t for t in geocoder.places_in(text) if t.text == name]
    assert t.role == role


@pytest.mark.slow
def test_a_country_in_the_lead_yields_to_the_next_sentences_place(full_geocoder):
    text = "Two people died in a drone strike in northern Syria. The drone hit a car near Tartus."
    rec = record_with_events(text, [0])
    full_geocoder([rec])
    ev = rec.events[0]
    assert ev.location == "Tartus" and ev.geo_precision == 2 and "next sentence" in ev.provenance["location"].note


@pytest.mark.slow
def test_an_unknown_village_yields_to_a_town_named_in_its_container(full_geocoder):
    # "between X and Y in Z": X is unknown, Y a town of the district Z; Y, not Z
    rec = record_with_events("Shells fell on the road between Qwertaniyeh and Bhalwal in Sargodha.", [0])
    full_geocoder([rec])
    assert rec.events[0].location == "Bhalwal" and rec.events[0].geo_precision == 1


@pytest.mark.slow
def test_a_loose_spelling_of_a_big_city_far_from_the_other_places_is_kept(full_geocoder):
    text = "Protesters marched in Mosul. Police later fired on crowds in Diwaaniya."
    (diwaniya,) = [t for t in full_geocoder.places_in(text) if t.text == "Diwaaniya"]
    assert diwaniya.chosen is not None and diwaniya.chosen.name == "Al Diwaniyah"


@pytest.mark.slow
def test_a_loose_spelling_outside_the_provinces_named_is_dropped(full_geocoder):
    # Mtito Andei lies in Makueni, not in Kitui: a loose spelling there is a village the gazetteer lacks
    def village(county):
        text = f"Raiders attacked herders in {county} County. Police said the raiders struck Mtito Andey village."
        return next(t for t in full_geocoder.places_in(text) if t.text == "Mtito Andey").chosen

    assert village("Kitui") is None
    assert village("Makueni").name == "Mtito Andei"


@pytest.mark.slow
@pytest.mark.parametrize("text, country", [
    ("Gunmen attacked a bus near Garissa. Upper Nile police said the attackers fled.", None),
    ("Gunmen attacked a bus near Garissa. The attackers came from the South Sudanese region of Upper Nile.", "SS"),
])
def test_a_province_abroad_needs_its_country_named(full_geocoder, text, country):
    (upper_nile,) = [t for t in full_geocoder.places_in(text) if t.text == "Upper Nile"]
    assert (upper_nile.chosen and upper_nile.chosen.country_code) == country


@pytest.mark.slow
@pytest.mark.parametrize("text, location", [
    # a province named first yields to the town an unknown district lies in
    ("Members of a Banten youth group clashed with rivals in Qwertyapos district, Depok city, West Java "
     "province.", "Depok"),
    # "the villages of X and Y": Y is a village too, no city by a loose spelling
    ("Shells fell between the villages of Qwertah and Mosil near Zakho.", "Zaxo"),
    # an institution headed by a place is no event place
    ("Clashes erupted in Kunduz. Officials of the Kabul Union said five died.", "Kunduz"),
    # a loosely spelled container still keeps its village's namesakes abroad out
    ("Traders protested in Kotara village (Bossaso, Bari).", "Bosaso"),
    # "Northern Iraq" is the country, as "in northern Iraq" is
    ("Turkish jets struck targets in Qwerty region of Dahuk, Northern Iraq.", "Dahuk"),
    # forces on the ground are a last hint of their country
    ("Somali military forces repelled an attack in Qwertyle district.", "Mogadishu"),
    # a court is a building of its town
    ("Lawyers protested outside the Multan High Court, police in Pakistan said.", "Multan"),
])
def test_the_place_of_an_event_among_its_words(full_geocoder, text, location):
    rec = record_with_events(text, [len(re.findall(r"[^.]+\.", text)) - 1])
    full_geocoder([rec])
    assert rec.events[0].location == location
