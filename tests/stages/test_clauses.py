"""The trigger lexicon's literal gates: a pattern skipped for want of its gate would not have matched."""
from __future__ import annotations

import re

import pytest

from eventcoder.matching import matches_at
from eventcoder.knowledge.clauses import Lexicon, _gate

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


@pytest.mark.parametrize("text", [
    "Rebels shelled the town; later, troops clashed with militants near the bridge. Police arrested two men.",
    "Anti-government protesters marched, then rioters looted shops; an IED exploded and a grenade was hurled.",
    "Gunmen abducted a trader in Mosul. İstanbul police detained 5 suspects after a bomb blast.",  # not ASCII
])
def test_cues_of_a_stretch_are_found_as_in_the_stretch_alone(text):
    """An ASCII text is lower-cased and read for cue places once for all its clauses: each stretch, cut anywhere
    (mid-word, at a hyphen), must give the cues a full scan of the stretch alone gives."""
    lexicon = Lexicon.load()
    cuts = sorted({0, len(text), *range(0, len(text), 7), *(m.start() for m in re.finditer(r"[ ;.-]", text))})
    stretches = [(a, b) for a in cuts for b in cuts if a < b and b - a <= 60] + [(0, len(text))]
    for start, end in stretches:
        chunk = text[start:end]
        lower = chunk.lower()
        if len(lower) != len(chunk):
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in chunk)
        full = {(sub, start + m.start(), start + m.end()) for sub, _, rx, _ in lexicon.cues for m in rx.finditer(lower)}
        full |= {(sub, start + m.start(), start + m.end()) for sub, _, rx, _ in lexicon.cased for m in rx.finditer(chunk)}
        full = {c for c in full if not (lexicon.name_part and lexicon.name_part.match(text, c[2]))}
        found = [(c.sub_event_type, c.start, c.end) for c in lexicon.find(text, start, end)]
        assert len(found) == len(set(found)) and set(found) == full, (start, end, chunk)


def test_governing_reads_each_cue_as_suppressed_does():
    from eventcoder.types import Span
    lexicon = Lexicon.load()
    for text in ["Rebels plan to attack the town, while troops shelled the hills.",
                 "Q: Did troops clash with rebels?", "Militants vowed to kill and police arrested 3."]:
        clause = Span.of(text, 0, len(text))
        cues = lexicon.find(text)
        assert cues, text
        assert lexicon.governing(text, clause, cues) == [lexicon.suppressed(text, clause, c) for c in cues]
