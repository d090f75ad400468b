"""Anchored patterns: a pattern run only on the few words before each of its anchors, with the matches that
``re.Pattern.finditer`` finds over the whole text.

Python's ``re`` finds no literal or class prefix in a pattern that opens with ``\\b`` and optional words
("(?:between\\s+)?3 October", "(?:last\\s+)?Monday"), and then enters the whole pattern at every character of
the text. Most such patterns hold a word that every match holds (its anchor: a month name, "day", "ago") at
most a few words after the match's start, and an anchor is found fast: a literal, by re's prefix search.

Why the matches are finditer's: finditer takes, from pos = 0, the leftmost match starting at or after pos,
then goes on from its end. Let a be the first anchor at or after pos. A match starting at or after pos holds
an anchor at or after its start, so at or after a, and starts within ``runs`` word runs before that anchor,
so no earlier than lo, the start of the ``runs``-th run back from a (a later anchor has a later such start).
From max(pos, lo) the search tries at each position the pattern, then the anchor as a zero-width
alternative: a match is the leftmost one at or after pos; a stop at an anchor says that none starts at or
before it, and the search goes on after it. Nothing cuts the text, so look-arounds and ``\\b`` read what
finditer's read.
"""
from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import Iterator

from . import parser, switches
from .gates import fold, places_of
from .tree import alternation


class Scan:
    """A text as anchored patterns read it: besides the text, its folded form (caseless anchors are found in
    it), its reversed form (word runs are counted back from an anchor in it) and where each anchor is, each
    made once for all the patterns run on the text."""

    def __init__(self, text: str):
        self.text = text
        self._anchors: dict[tuple[str, bool], list[int]] = {}  # by anchor and caseless

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def reversed(self) -> str:
        return self.text[::-1]

    def anchors(self, rx: AnchoredPattern) -> list[int]:
        """Where the anchor of ``rx`` is, in order (in the folded text when ``rx`` is caseless)."""
        key = (rx.anchor, rx.caseless)
        found = self._anchors.get(key)
        if found is None:
            found = self._anchors[key] = rx.anchor_positions(self.folded if rx.caseless else self.text)
        return found


class AnchoredPattern:
    """``rx`` searched only from ``runs`` word runs before each of its anchors.

    Args:
        rx: the pattern; it must not match the empty string.
        anchor: a pattern that every match of ``rx`` holds a match of, which starts with a word character
            (``\\w``); for an ``rx`` with re.IGNORECASE, in lower case ASCII, found in the folded text.
        runs: the most word runs (``\\w+``) that a match touches from its start to its anchor's first
            character, the anchor's own run included.
    """

    def __init__(self, rx: re.Pattern, anchor: str, runs: int):
        if parser.min_width(rx.pattern, rx.flags) == 0:
            raise ValueError(f"an anchored pattern must not match the empty string: {rx.pattern[:60]}")
        self.caseless = bool(rx.flags & re.IGNORECASE)
        if runs < 1 or (self.caseless and not (anchor.isascii() and anchor == anchor.lower())):
            raise ValueError(f"runs must be 1 or more, and the anchor of a caseless pattern lower-case ASCII: "
                             f"{anchor!r}, {runs}")
        # off (or no parser to vouch that the pattern matches no empty string): the plain pattern, whole text
        self.plain = not switches.on("anchored")
        self.rx = rx
        self.runs = runs
        self.anchor = anchor
        self._anchor = re.compile(anchor)
        words = anchor.split("|")
        plain = all(w.isalnum() for w in words)  # an alternation of words and nothing else
        # re tries each branch of a few words at every character that starts one, str.find scans once a
        # word; the one scan wins with many words (docs/performance.md#the-matching-seam)
        self._words = words if plain and len(words) <= 4 else None
        # the pattern or, where it fails, a stop at an anchor (compared as the pattern compares); the words as a
        # prefix tree, tried at each character of a window in a few steps, not one a word
        stop = alternation(words, self.caseless) if plain else anchor
        self._or_stop = re.compile(f"(?:{rx.pattern})|(?={stop})", rx.flags)
        self._runs_back = re.compile(r"\w*(?:\W+\w+){0,%d}" % (runs - 1))

    def anchor_positions(self, where: str) -> list[int]:
        """Every position where the anchor matches in ``where``, overlaps included, in order."""
        if self._words:
            return places_of(self._words, where)
        found = []
        pos = 0
        while (m := self._anchor.search(where, pos)) is not None:
            pos = m.start() + 1
            found.append(pos - 1)
        return found

    def finditer(self, scan: Scan) -> Iterator[re.Match]:
        """The matches of ``rx.finditer(scan.text)``, in order (groups and spans as ``rx``'s)."""
        if self.plain:
            return self.rx.finditer(scan.text)
        # a plain function until an anchor is found: most of the 18 date patterns have none in a document,
        # and need no generator
        anchors = scan.anchors(self)
        return self._matches(scan, anchors) if anchors else iter(())

    def _matches(self, scan: Scan, anchors: list[int]) -> Iterator[re.Match]:
        text = scan.text
        end = len(text) - 1
        pos = i = 0
        while (i := bisect.bisect_left(anchors, pos, i)) < len(anchors):
            lo = end + 1 - self._runs_back.match(scan.reversed, end - anchors[i]).end()
            m = self._or_stop.search(text, lo if lo > pos else pos)
            if m is None:
                return
            if m.end() == m.start():  # a stop: no match starts at or before this anchor
                pos = m.start() + 1
                continue
            yield m
            pos = m.end()
