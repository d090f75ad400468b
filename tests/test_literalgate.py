"""Literal gates: a pattern skipped for want of its gate would not have matched."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from eventcoder.literalgate import CaselessPattern, case_gate, caseless_gate, fold, inner_gate
from eventcoder.stages.attribution import load_cues


@pytest.mark.parametrize("pattern, gate", [
    (r"\b(?:took|takes|take|taking)\s+responsibility\b", ("responsibility",)),  # the most telling word
    (r"(?<!\bto\s)(?<!\bthe\s)\bclaim(?:s|ed)?\b", ("claim",)),      # look-behinds are no part of a match
    (r"\b(?:do|does|did)(?:\s+not|n't)\s+confirm", ("confirm",)),
    (r"\b(?:took|take)\s+(?:it|them)\b", ("take", "took")),            # "t" factored out by re's parser
    (r"\b(?:the\s+)?raid", ("raid",)),                                  # an optional start: the word after it
    (r"\b(?:a|b)\s+\d+", None),                                          # nothing of two letters is required
    (r"\bστρατός", None),                                              # beyond ASCII: σ and ς match each other
])
def test_caseless_gate(pattern, gate):
    assert caseless_gate(re.compile(pattern, re.I)) == gate


def test_case_gate_refuses_case_blind_and_inline_flags():
    assert case_gate(re.compile(r"(?<![\w-])(?:ambush(?:ed)?)")) == ("ambush",)
    assert case_gate(re.compile(r"ambush", re.I)) is None
    assert case_gate(re.compile(r"(?i:ambush)")) is None


def test_fold_makes_the_letters_re_matches_case_blind_ascii():
    assert fold("CLAİMED ſhelling \u212aILLED") == "claimed shelling killed"
    rx = CaselessPattern(re.compile(r"\bclaimed\b", re.I))
    assert rx.gate == ("claimed",)
    for text in ("Rebels CLAİMED it", "They claımed it", "They CLAIMED it"):
        assert bool(rx.search(text)) == bool(rx.rx.search(text)) is True, text


CUE_PATTERNS = [re.compile("|".join(f"(?:{p})" for p in load_cues()[name]), re.I)
                for name in ("denials", "claims", "hedges", "frames", "speech_verbs", "claim_verbs")]
WORDS = ["the", "rebels", "Claimed", "TOOK", "responsibility", "for", "attack", "denied", "could", "not",
         "be", "independently", "verified", "said", "according", "to", "sources", "reportedly", "İ", "ſ", ",",
         "\u2019s", "didn't", "confirm", "police"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_gated_cue_patterns_match_as_the_plain_ones(words):
    text = " ".join(words)
    for rx in CUE_PATTERNS:
        gated = CaselessPattern(rx)
        assert (gated.search(text) is None) == (rx.search(text) is None), (rx.pattern[:60], text)
        assert [m.span() for m in gated.finditer(text)] == [m.span() for m in rx.finditer(text)]


def test_the_attribution_cues_are_gated():
    assert sum(caseless_gate(rx) is not None for rx in CUE_PATTERNS) == len(CUE_PATTERNS)


@pytest.mark.parametrize("pattern, gate", [
    (r"(?<![\w-])(?:(?:hand )?grenades?(?! launchers?)|hurled (?:a )?grenade)", ("grenade", "hurled ")),
    (r"(?:a|an|the) (?:\w+ )?shell (?:hit|struck)", ("shell hit", "shell struck")),  # the longest mandatory part
    (r"(?:jets? (?:struck|bombed)|warplanes?)", (" bombed", " struck", "warplane")),
    (r"(?:\w+ )?(?:ab|cd)", None),                                  # nothing of three letters is required
    (r"(?i:grenade)", None),                                         # inline flags
])
def test_inner_gate_is_a_string_every_match_holds(pattern, gate):
    assert inner_gate(re.compile(pattern)) == gate


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "the", "hand", "grenade", "grenades", "launcher", "hurled", "shell", "hit",
                                 "jets", "struck", "bombed", "warplane", "old"]), min_size=1, max_size=10))
def test_a_text_without_the_inner_gate_never_matches(words):
    text = " ".join(words)
    for pattern in (r"(?<![\w-])(?:(?:hand )?grenades?(?! launchers?)|hurled (?:a )?grenade)",
                    r"(?:a|an|the) (?:\w+ )?shell (?:hit|struck)", r"(?:jets? (?:struck|bombed)|warplanes?)"):
        rx = re.compile(pattern)
        if rx.search(text):
            assert any(g in text for g in inner_gate(rx)), (pattern, text)
