"""Literal gates: a pattern skipped for want of its gate would not have matched."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from eventcoder.matching import (CaselessPattern, TextWords, WordGate, case_gate, caseless_gate, fewest,
                                first_words, fold, inner_gate)
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
         "\u2019s", "didn't", "confirm", "police", "CLAİMED", "claımed", "reſponsibility", "\u212aILLED", "ſaid"]


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
def test_fold_keeps_each_letter_one_letter_and_a_word_letter_where_it_was_one():
    # TextWords' places are the text's places, and its word runs the text's, only because of this
    word = re.compile(r"\w")
    for code in range(0x110000):
        ch = chr(code)
        folded = fold(ch)
        assert len(folded) == 1, hex(code)
        assert bool(word.match(folded)) == bool(word.match(ch)), hex(code)


def test_text_words_are_folded():
    words = TextWords("Two İNSURGENTS and a ſoldier; \u212aenyan police\u2019s post")
    assert len(words.folded) == len("Two İNSURGENTS and a ſoldier; \u212aenyan police\u2019s post")
    assert {"insurgents", "soldier", "kenyan", "police", "s"} <= words.words
    assert TextWords("Plain Text").folded == "plain text"


def test_first_words():
    assert first_words(["militia", "air force", "u.s."], ("", "s")) == {"militia", "militias", "air", "u"}
    assert first_words(["Los"]) == {"los"}
    assert first_words(["-front"]) is None          # a start that is no word letter: no gate
    assert first_words(["στρατός"]) is None         # σ and ς match each other: fold() cannot vouch


GATE_WORDS = ["Turkish", "turkish", "TURKISH", "Turkısh", "forces", "FORCES", "forceſ", "force", "and", "the", "of",
              "Kenya", "KENYA", "Turkishand", "army", "armys", "Mosul", "MOSUL", "al-Mosul", "Mosuls", "x", "-", ",",
              "İ", "ſ", "\u212a", "Air", "air-force", "in", "Los", "LOS", "Zetas", "A", "B", "\n", ".", "u.s."]
GATED = [
    WordGate(re.compile(r"\b(turkish|kenya|u\.s\.)(?:'s)?\s+(army|forces?|air\s+force)\b", re.I),
             first_words(["turkish", "kenya", "u.s."]), (first_words(["army", "forces", "force", "air force"]),)),
    WordGate(re.compile(r"\b(turkish)\s*(?:,|and)\s*(?=(?:kenya|turkish)\s+(forces)\b)", re.I),
             first_words(["turkish"], ("", "and", "andkenya", "andturkish")), (first_words(["forces"]),)),
    WordGate(re.compile(r"(?<![\w-])(Mosul|Air)(?![\w-])")),                      # the guard tested apart
    WordGate(re.compile(r"\b((?:Los|Las)\s+[A-Z]\w+)"), first_words(["Los", "Las"])),
    WordGate(re.compile(r"\b([A-Z][A-Z-]{1,7})\s+forces\b"), needs=(first_words(["forces"]),)),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(GATE_WORDS), min_size=1, max_size=12), st.sampled_from([" ", "", "  "]))
def test_word_gated_patterns_match_as_the_plain_ones(words, sep):
    text = sep.join(words)
    for gate in GATED:
        assert [(m.span(), m.groups()) for m in gate.finditer(text, TextWords(text))] == \
               [(m.span(), m.groups()) for m in gate.rx.finditer(text)], (gate.rx.pattern, text)


@pytest.mark.parametrize("text", ["Turkishand Kenya forces", "Turkishandkenya forces",
                                  "TURKISH, Turkish and Kenya forces", "the Kenya's army and U.S. air  force",
                                  "MOSUL al-Mosul Mosul", "Los Zetas LOS Zetas"])
def test_word_gated_patterns_on_edge_sentences(text):
    for gate in GATED:
        assert [(m.span(), m.groups()) for m in gate.finditer(text, TextWords(text))] == \
               [(m.span(), m.groups()) for m in gate.rx.finditer(text)], (gate.rx.pattern, text)


def test_a_guard_is_tested_apart_only_where_it_guards_the_whole_pattern():
    assert WordGate(re.compile(r"(?<![\w-])(Mosul)")).unguarded.pattern == "(Mosul)"
    assert WordGate(re.compile(r"\bMosul|Raqqa")).unguarded is None     # the guard opens one branch only
    assert WordGate(re.compile(r"\bmosul", re.I)).unguarded is None     # case-blind: no prefix to gain


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(["mine", "land mine", "mine blast", " blast", "blast", "bomb", "car bomb", "ied"]),
               min_size=1), st.lists(st.sampled_from(["a", "land", "mine", "car", "bomb", "blast", "ied", "x"]),
                                     max_size=8))
def test_the_fewest_gate_strings_pass_the_texts_all_of_them_pass(strings, words):
    text = " ".join(words)
    kept = fewest(strings)
    assert set(kept) <= strings
    assert any(g in text for g in kept) == any(g in text for g in strings), (strings, text)


def test_a_caseless_pattern_is_tried_where_its_start_literals_stand():
    rx = CaselessPattern(re.compile(r"\b(?:is|was)\s*(?:saying|claiming)|\b(?:said|told)\b", re.I))
    assert rx.starts == ("is", "said", "told", "was")
    text = "Police SAID it; officials wassaying more, he toldx them, a man İS claiming it ſaid"
    assert [m.span() for m in rx.finditer(text)] == [m.span() for m in rx.rx.finditer(text)]
    assert rx.search(text).span() == rx.rx.search(text).span()
    assert CaselessPattern(re.compile(r"\b(?:the\s+)?raid", re.I)).starts is None  # an optional start
