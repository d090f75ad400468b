"""The actors stage and the fatalities convention, on our own sentences."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from eventcoder.errors import ConfigError
from eventcoder.matching import TextWords
from eventcoder.stages.actors import coreference
from eventcoder.knowledge.actornames import actor_kind
from eventcoder.stages.actors import ActorDictionary
from eventcoder.knowledge.fatalities import count_fatalities
from eventcoder.types import Article, Mention, Record, Span


@pytest.fixture(scope="module")
def dictionary():
    return ActorDictionary.load()


def names(dictionary, text, country=""):
    return [(a.span.text, a.name) for a in dictionary.find(text, country)]


@pytest.mark.parametrize("alias", ["IS", "ISIS", "ISIL", "Daesh", "Islamic State"])
def test_islamic_state_aliases(dictionary, alias):
    found = names(dictionary, f"Fighters of {alias} attacked the village.", "Syria")
    assert ("Islamic State") in [n for _, n in found]


def test_the_verb_is_is_not_the_group(dictionary):
    assert not any(n == "Islamic State" for _, n in names(dictionary, "The town is quiet and the market is open."))


@pytest.mark.parametrize("text,expected", [
    ("Afghan soldiers returned fire.", "Military Forces of Afghanistan (2014-)"),
    ("Turkish army units crossed the border.", "Military Forces of Turkey (2016-)"),
    ("Kenyan police arrested him.", "Police Forces of Kenya (2013-)"),
    ("Russian warplanes struck the town.", "Military Forces of Russia (2000-)"),
    ("Al-Shabab militants stormed the post.", "Al Shabaab"),
    ("Taleban fighters entered the district.", "Taliban"),
    ("SDF fighters detained two men.", "QSD: Syrian Democratic Forces"),
    ("Houthi forces shelled the area.", "Military Forces of Yemen (2016-) Supreme Political Council"),
    ("The Saudi-led coalition carried out airstrikes.", "Operation Restoring Hope"),
    ("Boko Haram fighters abducted students.", "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad"),
])
def test_named_and_national_actors(dictionary, text, expected):
    assert expected in [n for _, n in names(dictionary, text)]


def test_a_force_of_a_named_country_is_that_countrys(dictionary):
    found = names(dictionary, "Armed forces of Armenia shelled a village held by the army of Azerbaijan.", "Azerbaijan")
    assert found == [("Armed forces of Armenia", "Military Forces of Armenia (2018-)"),
                     ("army of Azerbaijan", "Military Forces of Azerbaijan (2003-)")]


def test_the_forces_of_two_named_countries_are_each_countrys(dictionary):
    found = names(dictionary, "The governments of Tanzania and Malawi signed an accord on the lake border.", "Tanzania")
    assert found == [("governments of Tanzania", "Government of Tanzania (2015-)"), ("Malawi", "Government of Malawi")]


@pytest.mark.parametrize("text", [
    "On 6 June 2021, masked gunmen, coded as Al Shabaab for want of detail, torched a school near Mandera.",
    "On 6 June 2021, masked gunmen (coded as Al Shabaab) torched a school near Mandera.",
])
def test_a_side_the_note_says_is_coded_as_another_is_that_one(dictionary, text):
    assert names(dictionary, text, "Kenya")[0][1] == "Al Shabaab"


def test_a_country_that_carries_out_a_military_act_is_its_military(dictionary):
    found = names(dictionary, "On 3 June 2021, Turkey and Russia carried out joint drills along the M5 highway.", "Syria")
    assert found == [("Turkey", "Military Forces of Turkey (2016-)"), ("Russia", "Military Forces of Russia (2000-)")]
    assert names(dictionary, "Troops in Turkey launched drills.", "Syria") == [("Troops", "Military Forces of Syria (2000-)")]
    assert names(dictionary, "Turkey signed a trade deal with Russia.", "Syria") == []


def test_bare_state_force_takes_the_document_country(dictionary):
    assert ("soldiers", "Military Forces of Mali (2013-)") in names(dictionary, "Gunmen ambushed soldiers.", "Mali")
    assert ("police", "Police Forces of Kenya (2013-)") in names(dictionary, "The police arrived.", "Kenya")
    assert ("Law enforcement", "Police Forces of Kenya (2013-)") in names(dictionary, "Law enforcement detained 40 suspects.", "Kenya")


@pytest.mark.parametrize("text,expected", [
    ("Protesters gathered.", "Protesters (Kenya)"),
    ("An angry mob lynched a thief.", "Rioters (Kenya)"),
    ("Unknown gunmen shot a trader.", "Unidentified Armed Group (Kenya)"),
    ("Three villagers were injured.", "Civilians (Kenya)"),
])
def test_collective_actors_are_named_by_country(dictionary, text, expected):
    assert expected in [n for _, n in names(dictionary, text, "Kenya")]


def test_group_and_member_noun_is_one_mention(dictionary):
    found = names(dictionary, "Taliban militants attacked the post.", "Afghanistan")
    assert found[0] == ("Taliban", "Taliban")
    assert not any(n.startswith("Unidentified") for _, n in found)


def test_hyphenated_group_adjective(dictionary):
    assert ("Taliban", "Taliban") in names(dictionary, "Their car hit a Taliban-planted mine.", "Afghanistan")


def test_ambiguous_alias_applies_only_in_its_country(dictionary):
    in_ukraine = names(dictionary, "Separatists fired at the village.", "Ukraine")
    elsewhere = names(dictionary, "Separatists fired at the village.", "Cameroon")
    assert any(n.startswith("NAF") for _, n in in_ukraine)
    assert not any(n.startswith("NAF") for _, n in elsewhere)


@pytest.mark.parametrize("text,country,expected", [
    ("Jukun militiamen burnt two hamlets near Wukari.", "Nigeria", "Jukun Ethnic Militia (Nigeria)"),
    ("Clashes broke out between Al Ruwais tribesmen and a police patrol.", "Yemen", "Al Ruwais Tribal Militia (Yemen)"),
    ("Gunmen from the Marehan clan raided a water point.", "Somalia", "Marehan Clan Militia (Somalia)"),
    ("Kalenjin youths blocked the road and stoned cars.", "", "Kalenjin Ethnic Militia (Kenya)"),
    ("Cattle rustlers drove off 200 goats.", "Kenya", "Unidentified Communal Militia (Kenya)"),
    ("Hundreds of armed tribesmen gathered at the crossroads.", "Yemen", "Unidentified Tribal Militia (Yemen)"),
    # a community that arms itself is its militia (actors.json identity_militias "arming")
    ("A rights group says the Turkana community has been arming itself ahead of the dry season.", "Kenya",
     "Turkana Ethnic Militia (Kenya)"),
    ("Elders said the Garre clan took up arms after two herders went missing.", "Kenya", "Garre Clan Militia (Kenya)"),
])
def test_identity_militias_are_named_after_their_community(dictionary, text, country, expected):
    assert expected in [n for _, n in names(dictionary, text, country)]


@pytest.mark.parametrize("text", [
    "Houthi militia shelled the market.",          # a group the dictionary knows keeps its name
    "Several militiamen were seen near the well.",  # no community named
    "Somali militia crossed the border.",           # a nationality is not a community name
    "The Turkana community mourned the two herders.",  # a community that does not arm itself is no militia
])
def test_identity_militia_needs_a_community_name(dictionary, text):
    assert not any("Ethnic Militia" in n for _, n in names(dictionary, text, "Kenya"))


def test_community_name_is_a_country_cue(dictionary):
    record = Record(article=Article(doc_id="p", text="Pokot herders and Samburu youths traded fire overnight."))
    assert dictionary.infer_country(record)["name"] == "Kenya"


@pytest.mark.parametrize("text,first,later", [
    ("ADF rebels raided a village on Monday. The rebels later torched a clinic.", "ADF rebels", "rebels"),
    ("Abu Sayyaf militants seized two fishermen. The militants demanded ransom.", "Abu Sayyaf", "militants"),
])
def test_definite_generic_mention_stands_for_the_group_just_named(dictionary, text, first, later):
    found = {a.span.text: a.name for a in dictionary.find(text, "")}  # the last mention of a text wins
    assert found[later] == found[first] and not found[later].startswith("Unidentified")


def test_indefinite_generic_mention_stays_unidentified(dictionary):
    found = {a.span.text: a.name for a in dictionary.find(
        "Taliban fighters seized a checkpoint. Elsewhere, gunmen shot a trader.", "Afghanistan")}
    assert found["gunmen"] == "Unidentified Armed Group (Afghanistan)"


def test_unknown_organisation_is_kept_as_written(dictionary):
    text = "The Martyr Sadiq Brigade attacked a checkpoint."
    ent = Mention(span=Span.of(text, 4, 25), label="ORG")
    found = dictionary.find(text, "Syria", [ent])
    assert any(a.name == "Martyr Sadiq Brigade" and not a.known for a in found)


@pytest.mark.parametrize("text,source,country", [
    ("Clashes in Kandahar city left two dead.", "", "Afghanistan"),
    ("Police dispersed a protest in Kisumu County.", "", "Kenya"),
    ("Shelling hit Idlib countryside.", "", "Syria"),
    ("Protesters blocked a road.", "Daily Nation (Kenya)", "Kenya"),
    ("Protesters blocked a road.", "Voice of Jihad", "Afghanistan"),
    ("Protesters blocked a road.", "Lusaka Evening Post", "Zambia"),      # an outlet named after its city
    ("Protesters blocked a road.", "Radio Tanzania Online", "Tanzania"),  # ... or its country
    ("Dozens of us protested against the US dollar rate in Beirut.", "", "Lebanon"),
])
def test_document_country(dictionary, text, source, country):
    record = Record(article=Article(doc_id="c", text=text, source=source))
    assert dictionary.infer_country(record)["name"] == country


def test_a_backed_country_is_no_place_cue(dictionary):
    # "pro-Turkey": the backer of the factions, not where they fight (Idlib alone is weaker than a country name)
    record = Record(article=Article(doc_id="p", text="Pro-Turkey factions raided a village in Idlib countryside."))
    assert dictionary.infer_country(record)["name"] == "Syria"


@pytest.mark.parametrize("text,country", [
    ("Elders said that since March, raiders have attacked farms near Eldoret.", "Kenya"),
    ("A report says the group has been arming itself since March of this year.", ""),  # a month, not the English town
])
def test_a_month_is_no_town(dictionary, text, country):
    assert dictionary.infer_country(Record(article=Article(doc_id="m", text=text)))["name"] == country


def test_no_cue_no_country(dictionary):
    assert dictionary.infer_country(Record(article=Article(doc_id="n", text="A man was hurt.")))["name"] == ""


def test_actor_kind():
    assert actor_kind("Protesters (Kenya)") == "protesters"
    assert actor_kind("Military Forces of Kenya (2013-)") == "military"
    assert actor_kind("Taliban") == "group"


def test_extra_dictionary_is_merged_first(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"groups": [{"name": "Lions of the Valley", "inter": 3, "country": "Mali",
                                             "aliases": ["Valley Lions"]}]}), encoding="utf-8")
    d = ActorDictionary.load(str(extra), with_towns=False)
    assert ("Valley Lions", "Lions of the Valley") in names(d, "Valley Lions attacked a herder.")


def test_missing_extra_dictionary_names_the_fix(tmp_path):
    with pytest.raises(ConfigError, match="actors.dictionary"):
        ActorDictionary.load(str(tmp_path / "missing.json"), with_towns=False)


@pytest.mark.parametrize("text,expected", [
    ("Gunmen killed five villagers.", 5),
    ("The attack killed two soldiers and a civilian.", 3),
    ("Three people were killed and eight wounded.", 3),
    ("A family of five was killed in the strike.", 5),
    ("The death toll rose to 12 on Monday.", 12),
    ("Several soldiers were killed in the ambush.", 3),
    ("Dozens of people were killed.", 12),
    ("A policeman was shot dead at the gate.", 1),
    ("Eight people were wounded in the blast.", 0),
    ("No casualties were reported.", 0),
    ("Taliban killed 9 soldiers. Fatalities coded as 0 (the claim is unverified).", 0),
    ("Fatalities are split across 3 events (5).", 5),
    ("The explosion left 3 personnel injured.", 0),
    ("Police arrested twenty people.", 0),
    # a day of the month is a date, not a count
    ("On 21 June 2019, 2 guards were killed and 5 were hurt by a bomb.", 2),
    ("On 9 July 2019, a 35-year-old shepherd died when a mine went off.", 1),
    ("Seven militiamen were reported killed in the raid.", 7),
    ("Residents found the bodies of three herders near the river.", 3),
    # a note's closing count is the coder's, and is not added to the narrative's
    ("Villagers found the bodies of two herders by the road. 2 fatalities.", 2),
    # coordinated victims, "including", "and his bodyguard", and single victims in headlines
    ("On 2 June 2019, 4 border guards and 1 driver were killed in an ambush.", 5),
    ("The fighting ended with 25 fighters and 6 soldiers dead.", 31),
    ("Six people including two nurses and a doctor were killed when the clinic was shelled.", 6),
    ("The village chief and his driver were shot dead on the road.", 2),
    ("Gunmen kill tribal elder in market raid", 1),
    ("Unknown men assassinated a local judge outside his home.", 1),
    ("Two officers were injured and one was killed in the blast.", 1),
    ("Ten guards injured and one officer killed in twin blasts.", 1),
    # the death a protest is about is not the protest's fatality
    ("Residents protested over the death of a trader held by police.", 0),
    ("Youths marched against the killing of a trader by police.", 0),
    ("Police fired on the crowd, leading to the death of one protester.", 1),
])
def test_fatalities_convention(text, expected):
    assert count_fatalities(text)[0] == expected


def test_fatalities_evidence_points_into_the_text():
    text = "On Monday, gunmen killed four farmers near the river."
    n, span, score = count_fatalities(text, offset=100)
    assert n == 4 and span is not None
    assert text[span.start - 100:span.end - 100] == span.text
    assert 0 < score <= 1


@pytest.mark.parametrize("text,country,expected", [
    # unnamed rebels in Syria are ACLED's Opposition Rebels (Syria); elsewhere, or with no country, the
    # country's unidentified armed group, as before
    ("Rebels shelled the village.", "Syria", "Opposition Rebels (Syria)"),
    ("The rebels are preoccupied with the airstrikes.", "Syria", "Opposition Rebels (Syria)"),
    ("Rebel fighters entered the town.", "Syria", "Opposition Rebels (Syria)"),
    ("Rebels shelled the village.", "Mali", "Unidentified Armed Group (Mali)"),
    ("Rebels shelled the village.", "", "Unidentified Armed Group (Unknown)"),
    ("Gunmen shot a trader.", "Syria", "Unidentified Armed Group (Syria)"),
])
def test_a_country_bound_alias_falls_back_to_the_generic_actor(dictionary, text, country, expected):
    assert expected in [n for _, n in names(dictionary, text, country)]


@pytest.mark.parametrize("text,expected", [
    ("Since the start of the Turkish strikes on the militia, prices rose.", "Military Forces of Turkey (2016-)"),
    ("Russian bombs that have targeted the group drove it into the villages.", "Military Forces of Russia (2000-)"),
    ("Israeli air raids hit the camp.", "Military Forces of Israel (2009-)"),
])
def test_a_nations_strikes_and_bombs_are_its_military(dictionary, text, expected):
    assert expected in [n for _, n in names(dictionary, text)]


def test_a_country_name_before_a_comma_shares_no_head_noun(dictionary):
    """"in western Syria, Russian bombs": Syria is a place, not a second air force ("Turkish and Russian
    forces" still is)."""
    found = names(dictionary, "Strikes are hitting rebels in western Syria, Russian bombs are hitting IS.", "Syria")
    assert not any(n.startswith("Military Forces of Syria") for _, n in found)
    found = names(dictionary, "Turkish and Russian forces patrolled the road.", "Syria")
    assert {"Military Forces of Turkey (2016-)", "Military Forces of Russia (2000-)"} <= {n for _, n in found}


@pytest.mark.parametrize("text,expected", [
    ("On 3 June, Sheikh Omar Brigade fighters looted two shops in Azaz.", "Sheikh Omar Brigade"),
    ("The Martyr Hassan Vengeance Units claimed an arson attack on a depot.", "Martyr Hassan Vengeance Units"),
    ("Los Tucanes members set fire to a bar in Celaya.", "Los Tucanes Gang"),
    ("KRF combatants ambushed a supply convoy.", "KRF"),
])
def test_armed_group_named_as_written_without_ner(dictionary, text, expected):
    found = dictionary.find(text, "")
    assert any(a.name == expected and not a.known for a in found), [(a.span.text, a.name) for a in found]


@pytest.mark.parametrize("text", [
    "Kenya Defence Forces repulsed an attack near the border.",  # a state's force
    "The 4th Marine Brigade was moved to the port.",              # a numbered unit of an army
    "Police in Los Angeles arrested two men.",                     # a town, not a gang
])
def test_state_units_and_towns_are_not_kept_as_written(dictionary, text):
    assert all(a.known for a in dictionary.find(text, "")), [(a.span.text, a.name) for a in dictionary.find(text, "")]


@pytest.mark.parametrize("text,country,published,expected", [
    # a foreign force in a theatre where ACLED codes it by the coalition it fights in
    ("Two Saudi jets bombed a bridge.", "Yemen", "2019-06-02", "Operation Restoring Hope"),
    ("US troops set up a new checkpoint.", "Syria", "2021-01-10", "Global Coalition Against Daesh"),
    ("A US drone strike hit a compound.", "Afghanistan", "2018-07-15", "NATO: North Atlantic Treaty Organization"),
    # outside the theatre, before the coalition existed, or after it left: the state's own force
    ("US troops set up a new checkpoint.", "Somalia", "2021-01-10", "Military Forces of the United States (2017-)"),
    ("Two Saudi jets bombed a bridge.", "Yemen", "2011-06-02", "Military Forces of Saudi Arabia (2015-)"),
    ("A US drone strike hit a compound.", "Afghanistan", "2022-07-15", "Military Forces of the United States (2017-)"),
    # a border force shelling across the border is the state's own
    ("Saudi border guards fired at herders.", "Yemen", "2019-06-02", "Military Forces of Saudi Arabia (2015-)"),
])
def test_foreign_forces_in_a_coalition_theatre(dictionary, text, country, published, expected):
    assert [a.name for a in dictionary.find(text, country, published=published)][0] == expected


def test_an_operation_named_in_the_text_renames_its_forces(dictionary):
    inside = [a.name for a in dictionary.find("Allied factions and Turkish troops of OPS stormed a hamlet.", "Syria",
                                              published="2020-02-01")]
    elsewhere = [a.name for a in dictionary.find("Turkish troops stormed a hamlet.", "Syria", published="2020-02-01")]
    assert inside[0] == "Operation Peace Spring"
    assert elsewhere[0] == "Military Forces of Turkey (2016-)"


@pytest.mark.parametrize("source,country", [("Daily Nation", "Kenya"), ("", "Somalia")])
def test_a_national_outlet_places_a_cross_border_group_at_home(dictionary, source, country):
    # Al Shabaab also fights in Kenya: a Kenyan paper's note on it is a Kenyan event, anyone else's a Somali one
    record = Record(article=Article(doc_id="s", text="Officers found a weapons cache tied to Al Shabaab.", source=source))
    assert dictionary.infer_country(record)["name"] == country


def test_a_bound_acronym_is_a_cue_only_where_nothing_else_is(dictionary):
    alone = Record(article=Article(doc_id="b", text="A GSU officer was stabbed at a rally."))
    assert dictionary.infer_country(alone)["name"] == "Kenya"
    placed = Record(article=Article(doc_id="b2", text="A GSU officer was stabbed at a rally in Mogadishu."))
    assert dictionary.infer_country(placed)["name"] == "Somalia"


@pytest.mark.parametrize("country,expected", [
    ("Mexico", "Unidentified Gang (Mexico)"),
    ("Kenya", "Unidentified Armed Group (Kenya)"),  # ACLED names gangs so only in Latin America and the Caribbean
    ("", "Unidentified Gang (Unknown)"),              # left for the finalize stage, which may place it
])
def test_an_unattributed_gang_is_named_by_region(dictionary, country, expected):
    assert expected in [n for _, n in names(dictionary, "A gang robbed a shop at night.", country)]


def test_a_gang_placed_later_follows_the_same_convention():
    from eventcoder.knowledge.actornames import gang_countries, recountry
    gangs = gang_countries()
    assert recountry("Unidentified Gang (Unknown)", "Brazil", "", gangs) == "Unidentified Gang (Brazil)"
    assert recountry("Unidentified Gang (Unknown)", "Kenya", "", gangs) == "Unidentified Armed Group (Kenya)"


def test_a_national_army_by_its_own_name(dictionary):
    assert "Military Forces of Uganda (1986-)" in [n for _, n in names(dictionary, "UPDF units shelled a hill.", "Uganda")]


@pytest.mark.parametrize("text,source,country", [
    ("Shots were fired at a bar.", "Trinidad Express", "Trinidad and Tobago"),  # an outlet named after its country
    ("Kyrgyz border guards detained two smugglers.", "", "Kyrgyzstan"),
    ("A Montenegrin ferry crew went on strike.", "", "Montenegro"),
])
def test_smaller_countries_are_in_the_country_table(dictionary, text, source, country):
    record = Record(article=Article(doc_id="t", text=text, source=source))
    assert dictionary.infer_country(record)["name"] == country


def test_a_rebel_army_named_after_its_nation_is_not_the_state(dictionary):
    found = [n for _, n in names(dictionary, "Paraguayan People's Army fighters kidnapped a rancher.", "Paraguay")]
    assert found[0] == "EPP: Paraguayan People's Army"


@pytest.mark.parametrize("text", ["Traders marched against the soaring US dollar.",
                                  "Shopkeepers protested as the Lebanese pound fell again."])
def test_a_currency_names_no_country(dictionary, text):
    assert dictionary.infer_country(Record(article=Article(doc_id="c", text=text)))["name"] == ""


@pytest.mark.parametrize("text,under", [
    ("Turkish soldiers and allied fighters, operating under Operation Peace Spring, raided a farm.", 2),
    ("Rebel fighters under Operation Peace Spring looted shops in the town.", 1),
])
def test_forces_operating_under_an_operation_are_the_operation(dictionary, text, under):
    found = dictionary.find(text, "Syria", published="2021-06-01")
    assert [a.name for a in found[:under]] == ["Operation Peace Spring"] * under, names(dictionary, text, "Syria")


def test_a_mention_far_before_operating_under_keeps_its_name(dictionary):
    text = "A bomb planted by unknown gunmen wounded a fighter operating under Operation Peace Spring."
    assert dictionary.find(text, "Syria")[0].name == "Unidentified Armed Group (Syria)"


def test_migrants_named_with_a_nationality_are_civilians_of_their_country(dictionary):
    assert names(dictionary, "Some 300 Syrian refugees returned from Lebanon.", "Lebanon") == \
        [("refugees", "Civilians (Syria)")]
    assert names(dictionary, "Some 300 refugees returned to Tyre.", "Lebanon") == [("refugees", "Civilians (Lebanon)")]


@pytest.mark.parametrize("text", ["Pro-Islah security forces detained a journalist in Ataq.",
                                  "Islah-affiliated military forces raided a house in the old city."])
def test_islah_affiliated_units_are_yemens_state_forces(dictionary, text):
    assert dictionary.find(text, "Yemen")[0].name == "Military Forces of Yemen (2012-)"


def test_the_islah_party_stays_the_party(dictionary):
    assert dictionary.find("The Islah party condemned the raid.", "Yemen")[0].name == "Al Islah Party"


@pytest.mark.parametrize("text,country,expected", [
    # a place followed by "Division" is an administrative division, not an armed unit
    ("Armed men burned two homes in Lumbwa Division on Friday.", "Kenya",
     [("Armed men", "Unidentified Armed Group (Kenya)")]),
    # a private guard is a civilian, not the police
    ("Gunmen shot dead a security guard at a bank.", "Nigeria",
     [("Gunmen", "Unidentified Armed Group (Nigeria)"), ("security guard", "Civilians (Nigeria)")]),
    ("Thieves tied up two watchmen at the depot.", "Kenya",
     [("Thieves", "Unidentified Armed Group (Kenya)"), ("watchmen", "Civilians (Kenya)")]),
    # armed men named with a nationality belong to that country, not the one they raid
    ("Somalian bandits abducted three traders near the border.", "Kenya",
     [("bandits", "Unidentified Armed Group (Somalia)"), ("traders", "Civilians (Kenya)")]),
    ("Two rival pastoralist communities fought over a watering point.", "Kenya",
     [("rival pastoralist communities", "Unidentified Communal Militia (Kenya)")]),
])
def test_places_guards_and_foreign_raiders(dictionary, text, country, expected):
    assert names(dictionary, text, country) == expected


def test_a_numbered_or_named_division_is_still_an_armed_unit(dictionary):
    found = [n for _, n in names(dictionary, "Fighters of the Sultan Qasim Division shelled the hill.", "Syria")]
    assert "Sultan Qasim Division" in found
    assert ("presidential security guards", "Military Forces of Kenya (2013-)") in \
        names(dictionary, "Later presidential security guards pushed the crowd back.", "Kenya")


def test_fold_lowercases_and_collapses_any_whitespace():
    from eventcoder.stages.actors.entries import fold_key

    assert fold_key("  Al\u00a0 Shabaab’s\tMen\u2009Here ") == "al shabaab's men here"


def _gates(dictionary):
    """Each word-gated pattern of the stage with the text it runs on (the text, or its lower case)."""
    parts = (dictionary.names, dictionary.aliases, dictionary.forces, dictionary.militias, dictionary.unlisted)
    gates = [(f"{type(part).__name__}.{name}", value) for part in parts for name, value in vars(part).items()
             if name.endswith("_gate")]
    lower = {"IdentityMilitias.unnamed_gate"}
    return [(name, gate, str.lower if name in lower else str) for name, gate in gates if gate is not None]


def _gate_words(dictionary):
    """Words the gated patterns are made of, a few of each list, written in several cases, with odd letters."""
    def some(words):
        return sorted(words)[::max(1, len(words) // 6)]
    words = []
    names, militias = dictionary.names, dictionary.militias
    for vocabulary in (names.country_words, names.nationality, dictionary.forces.head_to_kind, names.regions,
                       dictionary.aliases.exact, militias.peoples, militias.heads, militias.of_community,
                       militias.unnamed, militias.arming, names.acronym_countries):
        for w in some(vocabulary):
            words += [w, w.upper(), w.title()]
    return words + ["Turkish", "Russian", "forces", "and", "Turkishand", "Turkishandrussian", "of", "the", "army",
                    "Kenya", "Somalia", "deployed", "troops", "militants", "Brigade", "Los", "Zetas", "gang", ",",
                    "İ", "ſ", "\u212a", "KİLLED", "ıs", "-", "'s", "\u2019", ".", "\n", "from", "community"]


def _assert_gates_match_plain(dictionary, text: str) -> None:
    """Every word-gated pattern of the stage finds in ``text`` what its plain pattern finds."""
    for name, gate, on in _gates(dictionary):
        target = on(text)
        if len(target) != len(text):
            continue  # "İ" lower-cased is two letters: the stage runs the plain pattern then
        assert [(m.span(), m.groups()) for m in gate.finditer(target, TextWords(text))] == \
               [(m.span(), m.groups()) for m in gate.rx.finditer(target)], (name, text)


def test_the_stages_patterns_are_word_gated(dictionary):
    assert len(_gates(dictionary)) >= 15


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_word_gated_patterns_match_as_the_plain_ones(dictionary, data):
    words = data.draw(st.lists(st.sampled_from(_gate_words(dictionary)), min_size=1, max_size=16))
    text = data.draw(st.sampled_from([" ", "  ", ""])).join(words)
    _assert_gates_match_plain(dictionary, text)


@pytest.mark.parametrize("text", [
    "Turkishand Russian forces shelled the town; Turkish,Russian troops withdrew.",
    "Turkishandrussian forces and the army of Kenya and Somalia deployed troops.",
    "KENYAN POLICE AND UGANDAN SOLDIERS; İRAQİ forces; ſyrian army; \u212aenyan police.",
    "HBDH militants, Los Zetas gang members and the Sultan Murad Brigade clashed near Mosul.",
    "Tiv militias and militiamen from the Ayr clan; the Jie community is arming itself; clan militia attacked.",
    "Kikuyu youths met US envoys and the DRC army.",
])
def test_word_gated_patterns_on_sentences(dictionary, text):
    _assert_gates_match_plain(dictionary, text)


def test_fold_leaves_a_folded_alias_as_it_is(dictionary):
    # alias_matches looks an alias up as written before folding it, which is the same only if so
    from eventcoder.stages.actors.entries import fold_key

    assert all(fold_key(key) == key for key in dictionary.aliases.folded)
    for code in range(0x110000):
        low = chr(code).lower()
        assert low.lower() == low, hex(code)


def test_a_written_alias_resolves_as_its_folded_form(dictionary):
    spaced = [(s, e, a.name) for s, e, a in dictionary.alias_matches("Al  Shabaab fighters and the  police")]
    single = [(s, e, a.name) for s, e, a in dictionary.alias_matches("Al Shabaab fighters and the police")]
    assert [n for *_, n in spaced] == [n for *_, n in single] and spaced


def test_the_name_caches_are_bounded():
    assert coreference.unnamed_kind.cache_info().maxsize is not None
    assert coreference.unnamed_kind("Unidentified Clan Militia (Somalia)") == "Clan"
    assert coreference.unnamed_kind("Police Forces of Kenya (2013-)") == ""
