"""Anchored patterns: run only near their anchors, they find what ``finditer`` finds over the whole text."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from eventcoder import datetext
from eventcoder.matching import AnchoredPattern, Scan
from eventcoder.stages.dates import DateFinder

FINDER = DateFinder()
PATTERNS = [v for v in vars(FINDER).values() if isinstance(v, AnchoredPattern)] + FINDER.rx_range + [
    datetext._DAY_MONTH_YEAR, datetext._MONTH_DAY_YEAR, datetext._ISO_DATE, datetext._NUMERIC_DATE]
WORDS = ["on", "in", "during", "since", "until", "the", "of", "between", "from", "and", "to", "-", "–", "last", "this",
         "next", "early", "late", "mid-", "first half of", "last week of", "Monday", "monday,", "FRIDAY", "October",
         "oct.", "OCT", "Sept", "SEPT.", "May", "MAR", "JANOV", "xOctober", "3", "13th", "x12", "2015", "20151",
         "yesterday", "the day before", "night", "tonight", "morning", "two", "a couple of", "days", "weeks",
         "weekend", "month", "ago", "later", "following", "earlier", "over", "past", "İ", "ı", "ſ", "\u212a",
         "ſunday", "weeK", "AGO", "2015-10-13", "13/10/2015", "1.2.2015", "(", ",", "."]
SEPARATORS = [" ", "  ", "\n", "", ", ", " \t\n ", "/"]


def texts() -> st.SearchStrategy[str]:
    return st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=18).map(
        lambda pieces: "".join(w + sep for w, sep in pieces))


def plain(rx: AnchoredPattern, text: str) -> list:
    return [(m.span(), m.groupdict()) for m in rx.rx.finditer(text)]


def anchored(rx: AnchoredPattern, text: str) -> list:
    return [(m.span(), m.groupdict()) for m in rx.finditer(Scan(text))]


@settings(max_examples=500, deadline=None)
@given(texts())
def test_anchored_patterns_match_as_the_plain_ones(text):
    for rx in PATTERNS:
        assert anchored(rx, text) == plain(rx, text), (rx.rx.pattern[:60], text)


@settings(max_examples=500, deadline=None)
@given(texts())
def test_every_match_holds_its_anchor_within_its_runs(text):
    """What the search relies on: each match has an anchor at or after its start, ``runs`` word runs in."""
    runs = [r.span() for r in re.finditer(r"\w+", text)]
    for rx in PATTERNS:
        where = Scan(text).folded if rx.caseless else text
        for m in rx.rx.finditer(text):
            assert any(len([r for r in runs if r[1] > m.start() and r[0] <= a.start()]) <= rx.runs
                       for a in re.finditer(f"(?=(?:{rx._anchor.pattern}))", where) if a.start() >= m.start()), \
                (rx.rx.pattern[:60], text, m)


@pytest.mark.parametrize("text", [
    "JANOV 5, 2015",                                       # an anchor inside another ("JAN", "NOV")
    "between 3    \n\n   and 5 \t\t of \n October",          # runs of blanks between the words
    "fought x12 October 2015 and Monday,\n\n13 October 2015",  # dates that start inside a word
    "in the second half of\nMay 2014, then 2015-10-13",
])
def test_awkward_texts(text):
    found = {id(rx): anchored(rx, text) for rx in PATTERNS}
    assert found == {id(rx): plain(rx, text) for rx in PATTERNS}
    assert any(found.values())


def test_a_pattern_that_can_match_nothing_or_a_cased_caseless_anchor_is_refused():
    with pytest.raises(ValueError):
        AnchoredPattern(re.compile(r"\b(?:ago)?"), "ago", runs=1)
    with pytest.raises(ValueError):
        AnchoredPattern(re.compile(r"\bdays\s+ago\b", re.I), "AGO", runs=2)
    with pytest.raises(ValueError):
        AnchoredPattern(re.compile(r"\bdays\s+ago\b", re.I), "ago", runs=0)


def test_fold_finds_caseless_anchors_where_re_ignorecase_finds_them():
    """Caseless anchors are found in the folded text: it must keep every offset and character class, and hold
    an ASCII letter exactly where re.IGNORECASE matches that letter."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    folded = Scan(every).folded
    assert len(folded) == len(every)
    changed = [(c, f) for c, f in zip(every, folded) if c != f]
    for cls in (r"\w", r"\s", r"\d"):
        assert all(bool(re.match(cls, c)) == bool(re.match(cls, f)) for c, f in changed), cls
    for letter in "abcdefghijklmnopqrstuvwxyz":
        assert set(re.findall(letter, every, re.I)) == {letter} | {c for c, f in changed if f == letter}
