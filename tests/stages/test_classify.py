"""The classify stage on our own sentences (tests/data/sentences/*.tsv): types, non-events, roles, multi-event."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from eventcoder.evaluate import actor_tokens
from eventcoder.stages.classify import EventClassifier
from eventcoder.types import Article, Record, Span
from eventcoder.vocab import SUB_EVENT_TYPES, SUB_EVENT_TO_EVENT

from sentence_files import read_tsv

TYPED = read_tsv("sub_event_types.tsv")
NON_EVENTS = read_tsv("non_events.tsv")
PASSIVES = read_tsv("passives.tsv")
MULTI = read_tsv("multi_events.tsv")
ONE_EVENT = read_tsv("one_event.tsv")
FOLLOW_ON = read_tsv("follow_on.tsv")


def _actor_ok(expected: str, actual: str) -> bool:
    """The expected distinctive word is part of the canonical name (case-insensitive)."""
    return expected == "-" or expected.lower() in actual.lower()


def test_every_sub_event_type_has_eight_sentences():
    counts = Counter(row[0] for row in TYPED if len(row) < 4)  # known misses do not count
    assert set(counts) == set(SUB_EVENT_TYPES)
    assert min(counts.values()) >= 8


def _typed_params():
    """One case per row; a row with a fourth column is a known miss, kept visible as a strict xfail."""
    for i, row in enumerate(TYPED):
        sub, actor, text = row[:3]
        marks = [pytest.mark.xfail(strict=True, reason=row[3])] if len(row) > 3 and row[3] else []
        yield pytest.param(sub, actor, text, marks=marks, id=f"{sub[:18]}-{i}")


@pytest.mark.parametrize("sub,actor,text", list(_typed_params()))
def test_sentence_gets_its_sub_event_type(extract, sub, actor, text):
    record = extract(text)
    subs = [e.sub_event_type for e in record.events]
    assert sub in subs, f"{text!r} -> {subs}"
    event = next(e for e in record.events if e.sub_event_type == sub)
    assert event.event_type == SUB_EVENT_TO_EVENT[sub]
    assert _actor_ok(actor, event.actor1), f"actor1 {event.actor1!r}, expected {actor!r}"


@pytest.mark.parametrize("text", [r[0] for r in NON_EVENTS])
def test_non_event_yields_nothing(extract, text):
    record = extract(text)
    assert record.events == [], [(e.sub_event_type, e.evidence.text) for e in record.events]


@pytest.mark.parametrize("sub,actor1,actor2,text", PASSIVES)
def test_passive_keeps_the_side_that_acts_as_actor1(extract, sub, actor1, actor2, text):
    record = extract(text)
    events = [e for e in record.events if e.sub_event_type == sub]
    assert events, [(e.sub_event_type, e.actor1) for e in record.events]
    assert _actor_ok(actor1, events[0].actor1), events[0].actor1
    assert _actor_ok(actor2, events[0].actor2), events[0].actor2


@pytest.mark.parametrize("subs,text", MULTI)
def test_multi_event_text_yields_each_event(extract, subs, text):
    found = {e.sub_event_type for e in extract(text).events}
    assert set(subs.split(";")) <= found, found


def test_evidence_is_a_clause_of_the_text_and_type_has_a_trigger(extract):
    text = "Russian warplanes bombed rebel positions near Latamneh, while regime forces clashed with HTS in Kafr Nabl."
    record = extract(text)
    for e in record.events:
        assert text[e.evidence.start:e.evidence.end] == e.evidence.text
        trig = e.provenance["sub_event_type"].evidence
        assert trig is not None and e.evidence.start <= trig.start and trig.end <= e.evidence.end
        assert e.provenance["sub_event_type"].stage == "classify"


def test_is_variants_all_code_as_islamic_state(extract):
    for name in ("IS", "ISIS", "ISIL", "Daesh", "the Islamic State"):
        record = extract(f"{name} fighters attacked an army checkpoint near Deir ez-Zor, killing two soldiers.")
        assert record.events and record.events[0].actor1 == "Islamic State", (name, record.events)


def test_civilian_targeting_and_fatalities(extract):
    e = extract("Gunmen killed five villagers in an attack on Kwatas in Benue.").events[0]
    assert e.sub_event_type == "Attack"
    assert e.civilian_targeting == "Civilian targeting"
    assert e.fatalities == 5
    clash = extract("Taliban militants clashed with Afghan soldiers in Helmand; no casualties were reported.").events[0]
    assert clash.civilian_targeting == ""
    assert clash.fatalities == 0


def test_unknown_actor_is_flagged_and_kept_as_written(extract):
    # an acronym the dictionary lacks (invented here), named as an armed actor
    e = extract("ZKRB militants carried out a remote explosive attack on a dormitory in Istanbul.").events[0]
    assert e.actor1 == "ZKRB"
    assert "actor_not_in_dictionary" in e.flags


def test_unattributed_attack_defaults_to_unidentified_group_of_the_country(extract):
    e = extract("On 3 May 2020, a man was stabbed to death in Mathare, Nairobi.").events[0]
    assert e.actor1 == "Unidentified Armed Group (Kenya)"
    assert "actor1_default" in e.flags
    assert not actor_tokens(e.actor1)  # all generic words: the scorer compares the whole name


def test_rules_only_classifier_still_types_a_clear_sentence(sentencizer, actor_stage):
    clf = EventClassifier(model=None)
    text = "Security forces arrested seven men in Quetta."
    record = Record(article=Article(doc_id="r", text=text), sentences=[Span.of(text, 0, len(text))])
    actor_stage([record])
    assert [e.sub_event_type for e in clf.events(record)] == ["Arrests"]


def test_empty_document_yields_no_event_and_no_error(extract):
    assert extract("").events == []


@pytest.mark.slow
def test_seed_article_events_and_no_event_from_the_appeal():
    """The founding article through the real spaCy model: each reported event, no appeal."""
    seed = Path(__file__).resolve().parents[3] / "shared" / "seed" / "syria-direct-2015-10-13.txt"
    if not seed.exists():
        pytest.skip("../shared (seed article) not present")
    from eventcoder.config import load_settings
    from eventcoder.ingest import read_inputs
    from eventcoder.pipeline import Pipeline

    pipe = Pipeline.from_settings(load_settings(pipeline=["nlp", "actors", "classify", "finalize"]))
    [record] = list(pipe.process(read_inputs([str(seed)])))
    events = [(e.sub_event_type, e.actor1, e.evidence.text) for e in record.events]
    found = {(sub, actor) for sub, actor, _ in events}
    assert ("Air/drone strike", "Military Forces of Russia (2000-)") in found
    assert ("Headquarters or base established", "Islamic State") in found
    assert ("Remote explosive/landmine/IED", "Islamic State") in found or ("Suicide bomb", "Islamic State") in found
    changes = [ev for sub, actor, ev in events if sub == "Change to group/activity" and actor == "Islamic State"]
    assert any("prayers" in ev for ev in changes)
    assert any("decree" in ev for ev in changes)
    assert any("desertion" in ev for ev in changes)
    assert any("to Iraq" in ev for ev in changes)
    assert any(sub == "Armed clash" and "advance" in ev for sub, _, ev in events)
    assert not any("every fighter" in ev or "asking that" in ev for _, _, ev in events)
    assert not any(ev.rstrip().endswith("?") for _, _, ev in events)


def test_excessive_force_is_coded_to_the_protesters(extract):
    e = extract("Police opened fire on protesters in Kisumu, Kenya, killing two demonstrators.").events[0]
    assert e.sub_event_type == "Excessive force against protesters"
    assert e.actor1 == "Protesters (Kenya)"
    assert e.actor2.startswith("Police Forces of Kenya")
    assert e.fatalities == 2


def test_arrests_are_made_by_the_state_force(extract):
    e = extract("Kenyan police arrested two Al Shabaab recruiters in Garissa.").events[0]
    assert e.sub_event_type == "Arrests"
    assert e.actor1.startswith("Police Forces of Kenya")
    assert e.actor2 == "Al Shabaab"


@pytest.mark.parametrize("text, actor2", [
    ("Two Taliban fighters and their driver died when a mine hit their car near Ghazni. It is not clear who "
     "laid the mine.", "Taliban"),
    ("A district police chief of Helmand was killed when a bomb under his car exploded on Monday; it remains unknown "
     "which group was behind it.", "Police Forces of Afghanistan"),
])
def test_a_text_that_says_the_perpetrator_is_unknown_codes_an_unidentified_group(extract, text, actor2):
    e = extract(text).events[0]
    assert e.actor1 == "Unidentified Armed Group (Afghanistan)"
    assert e.actor2.startswith(actor2)


def test_a_clause_naming_no_actor_takes_the_group_just_named(extract):
    text = ("Islamic State fighters moved their headquarters to the old hospital in Raqqa, Syria. "
            "They also cancelled Friday prayers in the city's mosques, residents said.")
    events = extract(text).events
    change = [e for e in events if e.sub_event_type == "Change to group/activity"]
    assert change and change[0].actor1 == "Islamic State"


# Articles (longer than a note): who acts in each report. (sub-event type, actor1, actor2 or -, passage, the
# clause of the event). The subject of "is trying to advance" acts, whatever the rebels are busy with.
_ARTICLE_LEAD = ("Markets reopened in the old city on Monday. Teachers returned to the schools. Traders said "
                 "prices had risen. Residents queued for bread at dawn. ")
ARTICLE_ROLES = [
    ("Armed clash", "Islamic State", "Opposition", _ARTICLE_LEAD + "As rebels are \u201cpreoccupied\u201d with the "
     "airstrikes, the Islamic State is \u201cstepping up its roadside bomb attacks on the Hama front, and is trying "
     "to advance there,\u201d an activist said.", "As rebels"),
    ("Armed clash", "Islamic State", "Opposition", _ARTICLE_LEAD + "However, IS is saying that it is stepping up its "
     "roadside bomb attacks on the Hama front, and is trying to advance there while rebels are preoccupied "
     "fighting the army.", "However"),
    ("Remote explosive/landmine/IED", "Islamic State", "Opposition", _ARTICLE_LEAD + "However, IS is saying that it "
     "is stepping up its roadside bomb attacks on the Hama front, and is trying to advance there while rebels are "
     "preoccupied fighting the army.", "However"),
    ("Change to group/activity", "Islamic State", "-", _ARTICLE_LEAD + "As of now, I don't have any confirmed "
     "information about IS commanders being brought from Mosul to Hama.", "As of now"),
]


@pytest.mark.parametrize("sub,actor1,actor2,text,clause", ARTICLE_ROLES,
                         ids=[f"{r[0][:14]}-{r[4]}" for r in ARTICLE_ROLES])
def test_article_roles(extract, sub, actor1, actor2, text, clause):
    events = [e for e in extract(text).events if e.evidence.text.startswith(clause)]
    typed = [e for e in events if e.sub_event_type == sub]
    assert typed, [(e.sub_event_type, e.actor1) for e in events]
    assert _actor_ok(actor1, typed[0].actor1), typed[0].actor1
    assert _actor_ok(actor2, typed[0].actor2), typed[0].actor2
    # a battle the rebels are "preoccupied" with is their state, not a report
    assert not any(e.provenance["sub_event_type"].evidence.text == "fighting" for e in events)


# One clause, one real event: the most specific sub-type absorbs the others cued for the same actors
# (triggers.json "subsumes"); as a short note and inside an article (where a clause may split into several).
_NEUTRAL_LEAD = ("Markets reopened in the old city on Monday. Teachers returned to the schools. Traders said "
                 "prices had risen. Residents queued for bread at dawn. ")


def _one_event_params():
    """Each row inside an article and, unless its sixth column says "article" (a note's type is the model's,
    learnt from coders' notes), as a note."""
    for i, row in enumerate(ONE_EVENT):
        for as_article in (False, True):
            if not as_article and len(row) > 5 and row[5] == "article":
                continue
            yield pytest.param(*row[:5], as_article, id=f"{row[0][:14]}-{i}-{'article' if as_article else 'note'}")


@pytest.mark.parametrize("sub,actor1,actor2,fatalities,text,as_article", list(_one_event_params()))
def test_one_clause_one_event(extract, sub, actor1, actor2, fatalities, text, as_article):
    events = extract(_NEUTRAL_LEAD + text if as_article else text).events
    assert [e.sub_event_type for e in events] == [sub], [(e.sub_event_type, e.actor1, e.evidence.text) for e in events]
    ev = events[0]
    assert _actor_ok(actor1, ev.actor1), ev.actor1
    assert _actor_ok(actor2, ev.actor2), ev.actor2
    if fatalities != "-":
        assert ev.fatalities == int(fatalities), ev.fatalities


@pytest.mark.parametrize("count,sub,fatalities,text", FOLLOW_ON, ids=[f"{r[1][:14]}-{i}" for i, r in enumerate(FOLLOW_ON)])
def test_follow_on_sentence_adds_to_the_event_before(extract, count, sub, fatalities, text):
    events = extract(_NEUTRAL_LEAD + text).events
    assert len(events) == int(count), [(e.sub_event_type, e.actor1, e.evidence.text) for e in events]
    assert events[0].sub_event_type == sub
    assert events[0].fatalities == int(fatalities)


def test_agentless_bombing_is_unidentified_and_the_killed_soldiers_are_the_target(extract):
    text = _NEUTRAL_LEAD + ("A suicide car bomb exploded at a checkpoint near Baiji yesterday, killing four soldiers, "
                            "according to a military spokesman.")
    events = extract(text).events
    assert [e.sub_event_type for e in events] == ["Suicide bomb"]
    assert events[0].actor1.startswith("Unidentified Armed Group")
    assert events[0].actor2.startswith("Military Forces of Iraq")


# Role conventions of data/roles.json and the role readings around them: (sub-event type, actor1, actor2 or -,
# text). Each fails without its rule: a group's own premature blast is coded to the group, not to an unknown
# bomber; a coder's label ("Property destruction:") names no one, the subject of the note's sentence acts; a
# hedged "by suspected X" still names the side that acts, not the force mentioned later.
CONVENTION_ROLES = [
    ("Disrupted weapons use", "Boko Haram", "-", "Detonation: On 12 June 2021, two Boko Haram fighters were killed "
     "when the bombs the fighters carried went off early near Gwoza, Borno."),
    ("Looting/property destruction", "Turkey", "PKK", "Property destruction: On 3 June 2021, Turkish Gendarmerie "
     "forces destroyed four PKK hideouts near Lice, Diyarbakir."),
    ("Abduction/forced disappearance", "Shabaab", "Civilians", "A nurse was kidnapped by suspected Al Shabaab near "
     "Dadaab. She was later freed by Kenyan troops across the border."),
    ("Shelling/artillery/missile attack", "Syria", "Opposition", "Rebels were shelled by regime forces near Kafr Nabl."),
    # the label is itself a trigger phrase: still no one's; the subject acts unless it is a passive's
    ("Other", "Government of Afghanistan", "Taliban", "Non-violent activity: On 5 June 2021, the Afghan government "
     "freed 40 Taliban detainees from a prison in Kabul."),
    ("Other", "Taliban", "Afghanistan", "Non-violent activity: On 2 June 2021, 30 soldiers were released from Taliban "
     "prisons in Kunduz."),
    # displacement is coded to the displaced civilians, whoever fought (roles.json "displaced") ...
    ("Other", "Civilians", "-", "On 4 June 2021, about 500 families fled their homes in Dapdap village, Biliran, "
     "following fighting between the army and the NPA."),
    # ... unless a side named in the text drove them out
    ("Other", "Ilaje", "-", "Non-violent activity: On 2 June 2021, Ilaje militiamen occupied farmland near Ondo "
     "and forced the farmers to flee."),
    # old ordnance is coded to whoever laid it, the victims are actor2 (roles.json "remnants"); a war between
    # two states leaves mines of an army the text cannot name
    ("Other", "Unidentified Armed Group (Angola)", "Civilians", "On 4 June 2021, two boys were hurt when a rusty "
     "mortar round, a relic left over from the civil war, blew up in a maize field outside Huambo, Angola."),
    ("Other", "Unidentified Military Forces", "Civilians", "Explosive remnants of war: On 3 June 2021, a shepherd "
     "lost a leg to a mine planted in the Iran-Iraq War near the border town of Mehran."),
    # a missile or drone "launched by X" is X's: the side that shoots it down disrupts it
    ("Disrupted weapons use", "Operation Restoring Hope", "Supreme Political Council", "On 4 June 2021, Saudi-led "
     "coalition air defences intercepted a drone launched by pro-Houthi forces over Abha."),
    # a gloss in brackets is part of the name: the gang that "died" in the shoot-out is acted upon
    ("Armed clash", "Military Police", "Red Command", "On 3 June 2021, in Niteroi, three members of the CV "
     "(Red Command) died when the Military Police raided a favela and a gunfight broke out."),
    # a force that investigates a killing or finds the bodies reports it (triggers.json "source_mentions")
    ("Attack", "Unidentified Armed Group (Kenya)", "Civilians", "Police are investigating the murder of a chief who "
     "was hacked to death in Kakamega on Monday."),
    # ... or says whom it suspects
    ("Attack", "Unidentified Armed Group (Kenya)", "Civilians", "A trader was stabbed to death at his kiosk in Eldoret "
     "on Friday night. Police suspect robbers who had trailed him from the bank."),
    # ... and a refugee camp or fleeing attackers tell of no one displaced
    ("Other", "Shabaab", "-", "Non-violent activity: Al Shabaab militants entered a refugee camp near Kakuma and "
     "preached to residents. The militants fled when police arrived."),
]


@pytest.mark.parametrize("sub,actor1,actor2,text", CONVENTION_ROLES, ids=[r[0][:14] for r in CONVENTION_ROLES])
def test_role_conventions(extract, sub, actor1, actor2, text):
    events = extract(text).events
    typed = [e for e in events if e.sub_event_type == sub]
    assert typed, [(e.sub_event_type, e.actor1) for e in events]
    assert _actor_ok(actor1, typed[0].actor1), typed[0].actor1
    if actor2 == "-":
        assert actor1.lower() not in (typed[0].actor2 or "").lower(), typed[0].actor2
    else:
        assert _actor_ok(actor2, typed[0].actor2), typed[0].actor2


def test_role_table_covers_real_types():
    """Every sub-event type named in data/roles.json is one of ACLED's (a typo would silently drop a rule)."""
    from eventcoder.knowledge.roles import load_roles
    ROLES = load_roles()
    named = set(ROLES["coded_to"]) | set(ROLES["state_acts"]) | set(ROLES["own_weapon_types"]) \
        | set(ROLES["default_actor_kind"]) | set(ROLES["displaced"]["types"]) | set(ROLES["retype_by_sides"]) \
        | {r["to"] for r in ROLES["retype_by_sides"].values()}
    assert named <= set(SUB_EVENT_TYPES), named - set(SUB_EVENT_TYPES)
    assert set(ROLES["state_acts"].values()) <= {"by_or_clause", "before_trigger", "by_or_clause_not_owner"}


def test_a_clause_typed_without_a_cue_word_is_coded_to_its_subject(extract):
    # no cue word names the attack ("fired BMPs"): the clause's subject acts, not the named group it fired at
    text = "On 3 June 2021, Ukrainian troops fired BMPs at trenches of the Donetsk People's Republic near Pisky."
    events = extract(text).events
    assert events and "Ukraine" in events[0].actor1, [(e.sub_event_type, e.actor1) for e in events]


def test_a_coders_label_names_no_actor(extract):
    # "armed group" in the label "Change to armed group:" is the kind of change, not a side of it
    text = "Change to armed group: On 2 March 2021, 30 soldiers defected to the Taliban with their rifles in Khanabad district."
    events = extract(text).events
    assert events and "Military Forces of Afghanistan" in events[0].actor1, [(e.sub_event_type, e.actor1) for e in events]


# -- rules over the model's pick (triggers.json "escalates", roles.json "retype_by_sides") -----------------------
# A model that always answers one type (a real TypeModel with no word weights, its bias on that type) isolates
# each rule from what the bundled model happens to know.

def _always(sub: str) -> EventClassifier:
    import numpy as np

    from eventcoder.knowledge.typemodel import TypeModel
    bias = np.array([5.0 if c == sub else 0.0 for c in SUB_EVENT_TYPES], dtype=np.float32)
    return EventClassifier(model=TypeModel(SUB_EVENT_TYPES, {}, bias))


@pytest.mark.parametrize("picked,expected,text", [
    # a crowd that throws stones riots, though the police disperse it
    ("Protest with intervention", "Violent demonstration",
     "Police dispersed the demonstrators with tear gas after they threw stones at the governor's office."),
    # riot police are no riot, and a road blocked in protest is still a protest (weighed below min_weight)
    ("Protest with intervention", "Protest with intervention",
     "Riot police dispersed a protest by traders in the market square."),
    ("Peaceful protest", "Peaceful protest", "Residents blocked the main road to protest against power cuts."),
    # a crowd that protests and fights the police riots; a fight with no protest cued stays the model's
    ("Armed clash", "Violent demonstration", "Youths protesting the arrest of a trader fought running battles with police."),
    ("Armed clash", "Armed clash", "Gunmen fought running battles with police in the forest."),
    # a remote weapon with no fighting cued is remote violence; with small arms besides, a clash
    ("Armed clash", "Remote explosive/landmine/IED", "A roadside bomb killed three soldiers on the highway."),
    ("Armed clash", "Armed clash", "Soldiers and rebels exchanged mortar rounds and small arms fire near the front."),
    # a mob that kills a man accused of rape: mob violence over the decisive rape cue
    ("Attack", "Mob violence", "An irate mob lynched a man accused of having raped a girl."),
    # a blast of old ordnance is Other (decisive), whatever the model says
    ("Remote explosive/landmine/IED", "Other",
     "A boy was injured when a landmine left over from the civil war exploded near his village."),
])
def test_rules_over_the_models_pick(picked, expected, text):
    clf = _always(picked)
    sub, *_ = clf.classify_text(text, clf.lexicon.find(text))
    assert sub == expected


@pytest.mark.parametrize("picked,expected,text", [
    # an attack on armed men is a clash; on an off-duty one, violence against civilians
    ("Attack", "Armed clash", "Taliban militants shot dead two policemen at a checkpoint in Ghazni."),
    ("Attack", "Attack", "Taliban militants shot dead two off-duty policemen at a market in Ghazni."),
    # ... and so is a security guard, a private guard ACLED codes as a civilian
    ("Attack", "Attack", "Gunmen shot dead a security guard at a warehouse in Kaduna."),
    # a force that kills an unarmed member of a group attacks a civilian; there is no clash
    ("Attack", "Attack", "Police officers shot dead an unarmed Boko Haram courier in Maiduguri."),
    # rebels who arrest people abduct them; the police arrest
    ("Arrests", "Abduction/forced disappearance", "ADF rebels arrested three farmers near Beni."),
    ("Arrests", "Arrests", "Police arrested three traders in Beni for breaking the curfew."),
    # ... but a rebel arrested is the one acted upon, whoever the roles take for actor1
    ("Arrests", "Arrests", "Two Boko Haram suppliers were detained in Maiduguri."),
    ("Arrests", "Arrests", "An al Shabaab facilitator is arrested in Nairobi."),
])
def test_types_defined_by_the_sides(sentencizer, actor_stage, picked, expected, text):
    from eventcoder.stages.classify import EventTyper
    record = Record(article=Article(doc_id="t", text=text))
    record.sentences = [Span.of(text, s.start_char, s.end_char) for s in sentencizer(text).sents]
    actor_stage([record])
    EventTyper(classifier=_always(picked))([record])
    assert [e.sub_event_type for e in record.events] == [expected], [(e.sub_event_type, e.actor1, e.actor2)
                                                                     for e in record.events]
    # the event stays valid: its event and disorder types follow the new sub-type (the store re-validates it)
    from eventcoder.types import Event
    Event.model_validate(record.events[0].model_dump())


@pytest.mark.parametrize("text", [
    "Troops KILLED 3 Soldiers near the base; Gunmen Attacked the police and the army.",
    "Rebels ambushed a convoy of the Army, while police were Shot by unknown gunmen.",
])
def test_case_blind_patterns_read_the_lower_case_as_the_text(text):
    """_without_case runs a re.I pattern on the lower case of an ASCII text: the same matches, window by window."""
    from eventcoder.stages.classify import RoleRules
    rules = RoleRules()
    for end in range(len(text) + 1):
        window = text[max(0, end - 40):end]
        plain, fast = rules.object_of_verb.search(window), rules.object_of_verb_lower.search(window.lower())
        assert (plain and plain.span()) == (fast and fast.span()), window


def test_the_reading_of_a_record_gives_the_plain_answers():
    """Reading works each record's facts out once: the actors of a stretch (a slice of the ordered actors), who
    is acted upon (on the lower-cased text), as the plain loops do."""
    import re

    from eventcoder.types import ActorMention
    text = "Gunmen KILLED 3 soldiers and police arrested rebels; the army said civilians were shot by militants."
    words = list(re.finditer(r"[A-Za-z]+", text))
    actors = [ActorMention(span=Span.of(text, m.start(), m.end()), name=m.group()) for m in words[::2]]
    clf = EventClassifier(model=None)
    for ordered in (actors, actors[::-1]):
        doc = clf.read(Record(article=Article(doc_id="d", text=text), actors=ordered))
        for start in range(0, len(text), 9):
            for end in range(start, len(text) + 1, 13):
                assert doc.actors_in(start, end) == [a for a in ordered if start <= a.span.start < end]
        for a in ordered:
            assert doc.acted_upon(a) == clf.rules.acted_upon(text, a)
    assert any(doc.acted_upon(a) for a in actors) and not all(doc.acted_upon(a) for a in actors)


@pytest.mark.parametrize("text", [
    "It is unclear who planted the bomb that killed 2 soldiers in the market.",
    "Police said it was Not Known which group fired; an unexploded shell was found near the school.",
    "Rebels shelled the town and landmines laid during the war wounded a boy.",
    "Troops clashed with militants near the border.",
])
def test_a_scope_search_skipped_by_its_gate_finds_what_the_plain_search_finds(text):
    """Reading.search skips a pattern whose gate strings the text lacks: the same match, scope by scope."""
    clf = EventClassifier(model=None)
    doc = clf.read(Record(article=Article(doc_id="d", text=text)))
    rules = clf.rules
    assert id(rules.unknown_perpetrator) in rules.scope_gates and id(rules.remnant_cue) in rules.scope_gates
    for rx in (rules.unknown_perpetrator, rules.remnant_cue):
        for start in range(0, len(text), 7):
            for end in range(start, len(text) + 1, 11):
                plain, fast = rx.search(text, start, end), doc.search(rx, Span.of(text, start, end))
                assert (plain and plain.span()) == (fast and fast.span()), (rx.pattern[:30], start, end)


def test_a_note_typed_with_the_models_earlier_ranking_is_typed_as_afresh():
    """events() hands classify_text the ranking it already made of the whole note: the same answer as ranking it
    again."""
    from eventcoder.stages.classify import model_features
    clf = EventClassifier()
    for text in ["Militants attacked a police post, killing 3 officers; police later arrested two suspects.",
                 "Protesters marched in the capital. Police fired tear gas and arrested 12 people."]:
        record = Record(article=Article(doc_id="d", text=text))
        cues = clf.note_cues(record)
        ranked = clf.model.predict(model_features(text, cues, record.actors))
        assert clf.classify_text(text, cues, record.actors, ranked) == clf.classify_text(text, cues, record.actors)


def test_the_word_lists_are_read_when_the_stage_is_built_not_imported():
    """Importing the stage reads no data file: the roles, their words and the fatality words are read by
    EventClassifier.__init__ (a stage that is not used costs nothing)."""
    import subprocess
    import sys
    code = ("import eventcoder.stages.classify, eventcoder.knowledge.fatalities as F\n"
            "from eventcoder.knowledge.roles import load_roles\n"
            "assert load_roles.cache_info().currsize == 0 and F.default_counter.cache_info().currsize == 0\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_role_word_list_missing_names_the_file():
    from eventcoder.errors import ResourceError
    from eventcoder.stages.classify import RoleRules
    with pytest.raises(ResourceError, match=r"role_words\.json lack the list 'agent_by'"):
        RoleRules(words={})


def test_the_pipeline_refuses_classify_before_the_actors_and_country_it_reads():
    from eventcoder.config import load_settings
    from eventcoder.errors import ConfigError
    from eventcoder.pipeline import Pipeline

    settings = load_settings()
    with pytest.raises(ConfigError, match=r"'classify' requires \['record.actors', 'annotations.country'\]"):
        Pipeline.from_settings(settings.model_copy(update={"pipeline": ["classify"]}),
                               provided=("record.sentences", "record.entities"))


@pytest.mark.parametrize("text", [
    "On 3 May 2021, in Nairobi, civilians joined traders who protested against new taxes; police dispersed "
    "them with tear gas.",
    "On 3 May 2021, traders protested against new taxes in Nairobi and police intervened to disperse them.",
])
def test_a_protest_with_intervention_is_coded_against_the_force_that_intervenes(extract, text):
    events = [e for e in extract(text).events if e.sub_event_type == "Protest with intervention"]
    assert events, "the text is a protest the police disperse"
    assert events[0].actor1.startswith("Protesters") and events[0].actor2.startswith("Police Forces of")
