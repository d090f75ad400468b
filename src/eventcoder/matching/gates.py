"""Literal gates: strings one of which every match of a pattern holds, so that a text holding none of them is
skipped without running the pattern.

Python's ``re`` finds no literal prefix in a pattern that opens with look-behinds or an alternation of
phrases, and then tries the whole pattern at every position of the text. An ``in`` test per gate string
costs a fraction of that. A gate is read from the parsed pattern (parser.py): the literal text every way
through it starts with, after zero-width assertions, or that every way through it holds; a pattern with no
such text has no gate and always runs. With the parser unavailable, or the family turned off, no pattern has
a gate.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from . import parser, switches

# Letters that re.IGNORECASE matches to an ASCII letter but str.lower() does not turn into it: dotless and
# dotted i, long s, the Kelvin sign. Folded before lower-casing, a gate on a case-blind pattern misses none.
_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """``text`` as a case-blind gate reads it: lower case, with the letters of _FOLD made ASCII."""
    if text.isascii():  # no letter of _FOLD to translate (str.isascii reads a flag)
        return text.lower()
    return text.translate(_FOLD).lower()


def matches_at(rx: re.Pattern, text: str, places: Iterable[int], endpos: Optional[int] = None) -> Iterator[re.Match]:
    """``rx.finditer(text)`` for a pattern that can start a match only at ``places`` (ascending): tried there in
    turn, the next one past the end of the last match, as finditer would meet them. The pattern must not
    match the empty string."""
    end = 0
    match = rx.match
    for at in places:
        if at >= end:
            m = match(text, at) if endpos is None else match(text, at, endpos)
            if m is not None:
                end = m.end()
                yield m


def places_of(strings: Iterable[str], text: str, pos: int = 0, endpos: Optional[int] = None) -> list[int]:
    """Where any of ``strings`` stands in ``text`` (wholly inside ``text[pos:endpos]``), ascending, each place
    once."""
    end = len(text) if endpos is None else endpos
    places = set()
    for s in strings:
        at = text.find(s, pos, end)
        while at >= 0:
            places.add(at)
            at = text.find(s, at + 1, end)
    return sorted(places)


def _may_change_case(rx: re.Pattern) -> bool:
    """Does ``rx`` read letters case-blind anywhere: re.I, or a group other than (?:, (?<!, (?! and (?= (inline
    flags could let letters match in another case)?"""
    return bool(rx.flags & re.IGNORECASE) or "(?" in rx.pattern.replace("(?:", "").replace("(?<!", "") \
        .replace("(?!", "").replace("(?=", "")


def fewest(strings: set[str]) -> tuple[str, ...]:
    """The strings without those that hold another of them: a text holds one of these exactly when it holds
    one of ``strings`` ("bomb" stands for "bomb attack" and "roadside bomb"), so a gate tests fewer."""
    return tuple(sorted(s for s in strings if not any(o != s and o in s for o in strings)))


def inner_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """Strings one of which every match of a case-sensitive pattern holds, anywhere in it, for a pattern
    with no gate at its start ("(?:hand )?grenades?": "grenade"); None when there is none of three letters or
    more, or when it may read letters case-blind."""
    if not switches.on("literal") or _may_change_case(rx):
        return None
    found = parser.required_literals(rx.pattern, rx.flags)
    if not found or min(map(len, found)) < 3:
        return None
    return fewest(found)


def case_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The gate of a case-sensitive pattern, to test on the text as it is: the literals every match starts
    with; None when there is none of two letters or more, or when the pattern may read letters case-blind or
    holds a look-ahead (?=, which this gate leaves ungated."""
    if not switches.on("literal") or _may_change_case(rx) or "(?=" in rx.pattern:
        return None
    starts = parser.literal_starts(rx.pattern, rx.flags)
    if not starts or min(map(len, starts)) < 2:
        return None
    return tuple(sorted(starts))


def caseless_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The gate of a pattern compiled with re.IGNORECASE, lower-cased, to test on ``fold(text)``: strings one
    of which every match holds anywhere in it, each branch's most telling ("no independent confirmation":
    "confirmation", not "no"). None when there is none of two letters or more, or when a gate string holds a
    letter beyond ASCII (whose case partners str.lower() may not share: σ and ς)."""
    if not switches.on("caseless") or not rx.flags & re.IGNORECASE:
        return None
    found = parser.required_literals(rx.pattern, rx.flags)
    if not found or min(map(len, found)) < 2 or not all(s.isascii() for s in found):
        return None
    return fewest({s.lower() for s in found})


def caseless_starts(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The literals every match of a pattern compiled with re.IGNORECASE starts with, lower-cased, to find in
    ``fold(text)``; None when one is shorter than two letters or holds a letter beyond ASCII."""
    if not switches.on("caseless") or not rx.flags & re.IGNORECASE:
        return None
    starts = parser.literal_starts(rx.pattern, rx.flags)
    if not starts or min(map(len, starts)) < 2 or not all(s.isascii() for s in starts):
        return None
    return tuple(sorted({s.lower() for s in starts}))


class CaselessPattern:
    """A pattern compiled with re.IGNORECASE that first tests its gate on the text, and runs only when one
    gate string is there. ``search`` and ``finditer`` over a whole text, as ``re.Pattern``'s."""

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        self.pattern = rx.pattern
        self.gate = caseless_gate(rx)
        # the literals every match starts with: ``finditer`` tries the pattern only where one stands in the
        # folded text (a case-blind pattern opening with \b gets no prefix from re, which tries it at every place)
        self.starts = caseless_starts(rx)

    def _may_match(self, text: str) -> bool:
        if self.gate is None:
            return True
        return any(map(fold(text).__contains__, self.gate))

    def search(self, text: str) -> Optional[re.Match]:
        if not self._may_match(text):
            return None
        if self.starts is None:
            return self.rx.search(text)
        return next(matches_at(self.rx, text, places_of(self.starts, fold(text))), None)

    def finditer(self, text: str) -> Iterator[re.Match]:
        if not self._may_match(text):
            return iter(())
        if self.starts is None:
            return self.rx.finditer(text)
        return matches_at(self.rx, text, places_of(self.starts, fold(text)))

    def match(self, text: str, *args) -> Optional[re.Match]:
        return self.rx.match(text, *args)
