"""``PatternSet``: many patterns run over one text, each tried only where one of its literal starts stands.

A lexicon of cue patterns (the trigger cues: 76 patterns a clause) costs a call per pattern per clause even
when each call is gated; most patterns have no literal start in a given clause. A PatternSet reads each
pattern's literal starts (parser.py), finds where any of them stands in a text with one scan in C (a zero-width
prefix tree of them all), once per text, and for a span of it runs only the patterns with a start there, at
those places. A pattern with no literal start runs where its required literal (gates.py) stands, or always.
"""
from __future__ import annotations

import bisect
import re
import sys
from typing import Iterable, Iterator, Optional

from . import parser, switches
from .gates import fewest, matches_at
from .pattern import _bounds, _folded


def _exact_tree(literals: Iterable[str]) -> str:
    """An alternation of exact literals as a prefix tree, the longest that matches first."""
    root: dict = {}
    for lit in literals:
        node = root
        for ch in lit:
            node = node.setdefault(ch, {})
        node[None] = True

    def write(node: dict) -> str:
        parts = [re.escape(k) + write(child) for k, child in sorted(node.items(), key=lambda kv: kv[0] or "")
                 if k is not None]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return "(?:" + body + ")?" if None in node else body

    return write(root)


class PatternSet:
    """Patterns compiled with the same flags, searched over one text together.

    Args:
        patterns: the regular expressions; none may match the empty string.
        flags: ``re`` flags for all of them.
    """

    def __init__(self, patterns: Iterable[str], flags: int = 0):
        self.patterns = [re.compile(p, flags) for p in patterns]
        self.caseless = bool(flags & re.IGNORECASE)
        family = "caseless" if self.caseless else "literal"
        on = switches.on(family)
        self._by_literal: dict[str, list[int]] = {}
        self._open: list[tuple[int, Optional[tuple[str, ...]]]] = []  # (pattern, its required literals)
        for i, rx in enumerate(self.patterns):
            starts = self._starts(rx) if on else None
            if starts:
                for s in starts:
                    self._by_literal.setdefault(s, []).append(i)
            else:
                self._open.append((i, self._required(rx) if on else None))
        self._lengths = sorted({len(s) for s in self._by_literal})
        self._scan = re.compile("(?=(" + _exact_tree(self._by_literal) + "))") if self._by_literal else None
        self._text: Optional[str] = None
        self._hits: list[tuple[int, str]] = []  # (place, the longest literal there), of self._text
        self._places: list[int] = []

    def _starts(self, rx: re.Pattern) -> Optional[set[str]]:
        if not self.caseless and parser.case_blind(rx.pattern, rx.flags) is not False:
            return None
        starts = parser.literal_starts(rx.pattern, rx.flags)
        if not starts or min(map(len, starts)) < 2 or (self.caseless and not all(s.isascii() for s in starts)):
            return None
        return {s.lower() for s in starts} if self.caseless else starts

    def _required(self, rx: re.Pattern) -> Optional[tuple[str, ...]]:
        if not self.caseless and parser.case_blind(rx.pattern, rx.flags) is not False:
            return None
        found = parser.required_literals(rx.pattern, rx.flags)
        if not found or min(map(len, found)) < 2 or (self.caseless and not all(s.isascii() for s in found)):
            return None
        return fewest({s.lower() for s in found} if self.caseless else found)

    def _read(self, string: str) -> str:
        """The text the literals are found in (folded for a caseless set); its literal places, once a text."""
        where = _folded(string) if self.caseless else string
        if self._text is not string:
            self._text = string
            self._hits = [(m.start(), m.group(1)) for m in self._scan.finditer(where)] if self._scan else []
            self._places = [p for p, _ in self._hits]
        return where

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[tuple[int, re.Match]]:
        """(index of the pattern, match) for every match of every pattern in ``string[pos:endpos]``, as each
        pattern's ``finditer(string, pos, endpos)`` finds them: by pattern, in order, then by place."""
        where = self._read(string)
        pos, endpos = _bounds(string, pos, endpos)
        places: dict[int, list[int]] = {}
        by_literal, lengths = self._by_literal, self._lengths
        for k in range(bisect.bisect_left(self._places, pos), bisect.bisect_left(self._places, endpos)):
            at, longest = self._hits[k]
            # every literal standing here is a prefix of the longest one
            for n in lengths:
                if n > len(longest) or at + n > endpos:
                    break
                for i in by_literal.get(longest[:n], ()):
                    found = places.setdefault(i, [])
                    if not found or found[-1] != at:
                        found.append(at)
        for i, required in self._open:
            if required is None or any(where.find(s, pos, endpos) >= 0 for s in required):
                places[i] = []
        for i in sorted(places):
            rx, at = self.patterns[i], places[i]
            for m in (matches_at(rx, string, at, endpos) if at else rx.finditer(string, pos, endpos)):
                yield i, m
