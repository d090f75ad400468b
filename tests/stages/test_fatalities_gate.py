"""The literal gate before the costly fatality patterns lets through every text a _KILL word could match."""
import re

from eventcoder.stages import fatalities as F


def _kill_alternatives() -> list[str]:
    # _KILL is "(?:a|b|fatally (?:x|y)|...)": expand its one nested group
    body = F._KILL[3:-1]
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
    assert F.count_fatalities("Four suspected gangsters were lynched")[0] == 4
    assert F.count_fatalities("Three protesters were arrested")[0] == 0
