"""The literal gate before the costly fatality patterns lets through every text a death word could match."""
import re

from eventcoder.knowledge import fatalities as F

C = F.FatalityCounter()
# the patterns behind a gate (C._gates is keyed by their ids)
_GATED = (*C.coded, C.toll, C.including, C.passive_pair, C.and_his, C.active, C.left, C.death_of, C.bodies,
          C.family, C.passive, C.one, C.killed_single, C.none)


def test_every_gated_pattern_has_its_gate_by_id():
    assert set(C._gates) == {id(rx) for rx in _GATED} and set(C.gated()) == set(_GATED)


def _kill_alternatives() -> list[str]:
    # the death words are "(?:a|b|fatally (?:x|y)|...)": expand its one nested group
    body = C.kill[3:-1]
    words = []
    for part in re.split(r"\|(?![^()]*\))", body):
        m = re.fullmatch(r"(.*)\(\?:([^()]*)\)", part)
        words += [m.group(1) + alt for alt in m.group(2).split("|")] if m else [part]
    return words


def test_every_kill_word_holds_a_stem():
    words = _kill_alternatives()
    assert "lynched" in words and "fatally shot" in words
    for w in words:
        assert any(stem in w.lower() for stem in F._KILL_STEMS), w


def test_gated_text_counts_as_before():
    assert C.count("Four suspected gangsters were lynched")[0] == 4
    assert C.count("Three protesters were arrested")[0] == 0


def test_each_pattern_gets_past_the_gate():
    # one text per pattern, each matched by that pattern alone
    counts = {
        "Fatalities are split over 3 events (5).": 5,
        "Fatalities coded as 2.": 2,
        "Attack on a village. 4 fatalities.": 4,
        "The death toll rose to 12.": 12,
        "Gunmen attacked the market, claiming the lives of 6 traders.": 6,
        "Soldiers gunning down two smugglers.": 2,
        "The attack left 7 people dead.": 7,
        "The remains of 3 people were recovered.": 3,
        "The corpses of 2 men were found.": 2,
        "Officers found the bodies of four herders.": 4,
        "The clashes, leading to the death of one demonstrator.": 1,
        "A farmer was beheaded by militants.": 1,
        "Militants executing 3 hostages.": 3,
    }
    for text, n in counts.items():
        assert C.count(text)[0] == n, text
    assert C.count("Protesters marched; no fatalities were reported.")[1] is not None


def test_a_pattern_its_gate_skips_would_not_have_matched():
    texts = ["Gunmen shot dead a village elder and his two guards were killed near the well.",
             "The raid left 5 fighters dead, including 2 commanders who were killed in the first hour.",
             "A family of 4 was found after the shelling killed them.", "Nine herders died; no one claimed it.",
             "The bombing resulted in the deaths of 11 passengers.", "Rebels massacring 30 villagers at dawn.",
             "A policeman was gunned down outside the station.", "Troops LEFT 3 ATTACKERS DEAD.",
             "Police dispersed the crowd without any Casualties.", "NO DEATHS were reported after the clash.",
             "No one was killed in the raid.", "Rebels fired on a patrol; no soldiers were hurt."]
    for text in texts:
        lower = text.lower()
        for rx in _GATED:
            if rx.search(text):
                assert C.may_match(rx, lower), (rx.pattern[:50], text)
    assert C.may_match(C.family, "") and not C.may_match(C.family, "two killed")


def test_a_gated_no_deaths_note_reads_as_the_plain_search():
    """no_deaths skips the "no fatalities" pattern where its gate strings are missing: the same answer as the plain search."""
    for text in ["Police dispersed the crowd without any Casualties.", "NO DEATHS were reported after the clash.",
                 "Protesters marched peacefully through the capital.", "No one was hurt; no fatalities.", ""]:
        m = C.none.search(text)
        plain = (0, m.span() if m else None, 0.8 if m else 0.7)
        n, span, score = C.no_deaths(text, 0, text.lower())
        assert (n, span and (span.start, span.end), score) == plain, text


def test_the_shortcut_counts_with_the_shipped_words():
    text = "Gunmen killed 3 soldiers and 2 civilians."
    assert F.count_fatalities(text, offset=5) == C.count(text, offset=5)
    assert F.count_fatalities(text)[0] == 5


def test_a_fatality_word_list_missing_names_the_file():
    import pytest

    from eventcoder.errors import ResourceError
    with pytest.raises(ResourceError, match=r"fatalities\.json lack the list 'numbers'"):
        F.FatalityCounter(spec={})
