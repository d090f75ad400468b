"""The trigger lexicon's literal gates: a pattern skipped for want of its gate would not have matched."""
from __future__ import annotations

import re

import pytest

from eventcoder.literalgate import matches_at
from eventcoder.stages.clauses import Lexicon, _gate

from sentence_files import read_tsv


@pytest.mark.parametrize("pattern, gate", [
    (r"(?<![\w-])(?:clash(?:ed|es)?)(?![\w-])", ("clash",)),
    (r"(?<![\w-])(?:battles?|fought)(?![\w-])", ("battle", "fought")),
    (r"(?<![\w-])(?:(?:air|drone) strikes?)(?![\w-])", ("air", "drone")),  # the group's own starts
    (r"(?<![\w-])(?:(?:the )?raid)(?![\w-])", None),      # an optional start: no gate
    (r"(?<![\w-])(?:[a-z]+ed)(?![\w-])", None),            # a class: no gate
    (r"(?<![\w-])(?:x|shelled)(?![\w-])", None),           # one branch too short to gate
    (r"(?i)clash", None),                                  # inline flags
])
def test_gate_is_the_literal_start_of_every_branch(pattern, gate):
    assert _gate(re.compile(pattern)) == gate


def test_gated_scan_finds_what_the_full_scan_finds():
    lexicon = Lexicon.load()
    assert sum(gate is not None for *_, gate in lexicon.cues) > len(lexicon.cues) // 2  # the gates do work
    sentences = [row[-1] for name in ("sub_event_types", "one_event", "passives", "non_events", "multi_events")
                 for row in read_tsv(name + ".tsv")]
    assert len(sentences) > 200
    for text in sentences:
        lower = text.lower()
        full = {(sub, m.start(), m.end()) for sub, _, rx, _ in lexicon.cues for m in rx.finditer(lower)
                if not (lexicon.name_part and lexicon.name_part.match(text, m.end()))}
        assert {(c.sub_event_type, c.start, c.end) for c in lexicon.find(text)} == full, text


@pytest.mark.parametrize("pattern, text", [
    (r"(?<![\w-])(?:shell(?:ed|ing)?|shells)(?![\w-])", "shells shelled shelling, shell-shocked shellfire shell"),
    (r"(?<![\w-])(?:a b|b a)", "a b a b a"),          # overlapping candidates: the first match wins
])
def test_matches_at_word_starts_are_finditer(pattern, text):
    rx = re.compile(pattern)
    starts = [m.start() for m in re.finditer(r"(?<![\w-])\w", text)]
    assert [m.span() for m in matches_at(rx, text, starts)] == [m.span() for m in rx.finditer(text)]
