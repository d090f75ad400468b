r"""``compile``: a regex that derives its own gate, with the methods of ``re.Pattern`` that stages call.

A stage writes the pattern and calls ``search``/``finditer``/... as on ``re.compile``'s; it never declares a
gate, a twin pattern or a stem. The gate is read from the parsed pattern (parser.py):

- case-sensitive: the literals every match starts with, when the pattern does not open with a literal (re's
  own prefix search skips to that in C): the search starts at the first place one of them stands, and after
  each match at the next such place (re finds no prefix in a pattern that opens with \b or a look-behind, and
  tries it at every character); else the literals every match holds (three letters or more): a text holding
  none is not searched;
- case-blind (re.IGNORECASE): the same, lower-cased ASCII, found in the text as ``fold`` reads it (one letter
  for one, so places are the text's), kept for the last texts read;
- a dictionary pattern (more literal starts than a few, opening with a guard such as \b or (?<![\w-])),
  or one with no other gate: besides the literals every match holds (as above), the whole words every
  match starts with (parser.first_words_of), looked up in the set of the text's
  words (wordgate.TextWords, made once a text and kept for the last texts read): tried only where one
  stands;
- otherwise (inline case flags, a literal beyond ASCII under re.I, no parser): no gate; the methods are
  the compiled pattern's own.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Callable, Iterator, Optional, Union

from . import parser, switches
from .gates import fewest, fold, matches_at, places_of
from .tree import alternation
from .wordgate import TextWords, safe_word

# More literal starts (or required literals) than this and a str.find for each costs more than letting re scan:
# a dictionary pattern is gated by its first words instead
_MAX_STARTS = 12


@lru_cache(maxsize=32)
def _folded(text: str) -> str:
    """fold(text), kept for the last texts read: the patterns of a stage read one text in turn."""
    return fold(text)


@lru_cache(maxsize=16)
def _words(text: str) -> TextWords:
    """The words of a text, kept for the last texts read."""
    return TextWords(text)


def _word_gate(rx: re.Pattern) -> Optional[frozenset[str]]:
    """The whole words, folded, one of which every match of ``rx`` starts with, or None."""
    if not switches.on("words"):
        return None
    found = parser.first_words_of(rx.pattern, rx.flags)
    if not found:
        return None
    folded = frozenset(map(fold, found))
    return folded if all(map(safe_word, folded)) else None


def _bounds(string: str, pos: int, endpos: int) -> tuple[int, int]:
    """pos and endpos as re reads them: clipped to the string."""
    n = len(string)
    return min(max(pos, 0), n), min(max(endpos, 0), n)


def _gates_of(rx: re.Pattern) -> tuple[Optional[tuple[str, ...]], Optional[tuple[str, ...]],
                                       Optional[frozenset[str]]]:
    """(gate, starts, first words) of ``rx``, each None where unknown: strings one of which every match holds,
    strings one of which every match starts with (both lower-cased for a caseless pattern; no gate with them),
    the folded whole words one of which every match starts with."""
    caseless = bool(rx.flags & re.IGNORECASE)
    literal = switches.on("caseless" if caseless else "literal") and \
        (caseless or parser.case_blind(rx.pattern, rx.flags) is False)
    starts = parser.literal_starts(rx.pattern, rx.flags) if literal else None
    if starts and min(map(len, starts)) >= 2 and len(starts) <= _MAX_STARTS \
            and (caseless or not parser.opens_with_literal(rx.pattern, rx.flags)) \
            and (not caseless or all(s.isascii() for s in starts)):
        return None, tuple(sorted({s.lower() for s in starts} if caseless else starts)), None
    if literal and not caseless and parser.opens_with_literal(rx.pattern, rx.flags):
        return None, None, None  # re skips to the literal prefix itself
    required = parser.required_literals(rx.pattern, rx.flags) if literal else None
    gate = None
    if required and len(required) <= _MAX_STARTS and min(map(len, required)) >= (2 if caseless else 3) \
            and (not caseless or all(s.isascii() for s in required)):
        gate = fewest({s.lower() for s in required} if caseless else required)
    # a dictionary pattern (many literal starts), or one with no literal gate: also the words it starts with
    many = starts is not None and len(starts) > _MAX_STARTS
    return gate, None, _word_gate(rx) if many or gate is None else None


class Pattern:
    """A compiled pattern that skips the texts and places where it cannot match: the methods of
    ``re.Pattern`` (``search``, ``match``, ``fullmatch``, ``finditer``, ``findall``, ``sub``, ``split``), with
    the same arguments and results.

    Attributes:
        rx: the ``re.Pattern``.
        gate: strings one of which every match holds (lower case for a caseless pattern), or None.
        starts: strings one of which every match starts with (likewise), or None.
        first_words: the whole words, folded, one of which every match starts with, or None.
    """

    def __init__(self, pattern: str, flags: int = 0):
        self.rx = rx = re.compile(pattern, flags)
        self.pattern, self.flags, self.groups, self.groupindex = rx.pattern, rx.flags, rx.groups, rx.groupindex
        self.caseless = bool(rx.flags & re.IGNORECASE)
        self.gate, self.starts, self.first_words = _gates_of(rx)
        self.match, self.fullmatch = rx.match, rx.fullmatch
        if self.first_words is not None:
            self.finditer, self.search = self._at_words, self._search_words
        elif self.gate is None and self.starts is None:
            # nothing to gate: the compiled pattern's own methods, no call in between
            self.search, self.finditer, self.findall = rx.search, rx.finditer, rx.findall
            self.sub, self.subn, self.split = rx.sub, rx.subn, rx.split

    def __repr__(self) -> str:
        return (f"matching.compile({self.pattern[:60]!r}, {int(self.flags & ~re.UNICODE)}) gate={self.gate} "
                f"starts={self.starts} first_words={len(self.first_words or ())}")

    def _at_words(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        """finditer, tried only where a first word of the pattern stands as a whole word of the text."""
        if self.gate is not None and not self._passes(string, pos, endpos):
            return iter(())
        words = _words(string)
        hits = self.first_words.intersection(words.words)
        if not hits:
            return iter(())
        pos, endpos = _bounds(string, pos, endpos)
        places = places_of(hits, words.folded, pos, endpos)
        return matches_at(self.rx, string, places, endpos) if places else iter(())

    def _search_words(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional[re.Match]:
        return next(self._at_words(string, pos, endpos), None)

    def _where(self, string: str) -> str:
        return _folded(string) if self.caseless else string

    def _passes(self, string: str, pos: int, endpos: int) -> bool:
        """May a match lie in ``string[pos:endpos]``: does that hold one of the gate's strings?"""
        where = self._where(string)
        if pos == 0 and endpos >= len(string):
            return any(map(where.__contains__, self.gate))
        pos, endpos = _bounds(string, pos, endpos)
        return any(where.find(g, pos, endpos) >= 0 for g in self.gate)

    def _first(self, where: str, pos: int, endpos: int) -> int:
        """The first place in ``where[pos:endpos]`` where a literal start stands, or -1."""
        first = -1
        for s in self.starts:
            at = where.find(s, pos, endpos if first < 0 else min(endpos, first + len(s)))
            if at >= 0 and (first < 0 or at < first):
                first = at
        return first

    def _from_starts(self, string: str, where: str, at: int, endpos: int) -> Iterator[re.Match]:
        """finditer from ``at``, the first start place: each search starts at the next start place past the
        last match (no match starts before it), and re's own scan goes on from there."""
        search = self.rx.search
        while at >= 0:
            m = search(string, at, endpos)
            if m is None:
                return
            yield m
            at = self._first(where, m.end(), endpos)  # a match holds its start literal: never empty

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional[re.Match]:
        if self.starts is not None:
            pos, endpos = _bounds(string, pos, endpos)
            at = self._first(self._where(string), pos, endpos)
            return self.rx.search(string, at, endpos) if at >= 0 else None
        return self.rx.search(string, pos, endpos) if self._passes(string, pos, endpos) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        if self.starts is not None:
            pos, endpos = _bounds(string, pos, endpos)
            where = self._where(string)
            at = self._first(where, pos, endpos)
            return self._from_starts(string, where, at, endpos) if at >= 0 else iter(())
        return self.rx.finditer(string, pos, endpos) if self._passes(string, pos, endpos) else iter(())

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list:
        if self.first_words is not None:
            return self.rx.findall(string, pos, endpos) if self._may_match(string) else []
        if self.starts is not None:
            pos, endpos = _bounds(string, pos, endpos)
            at = self._first(self._where(string), pos, endpos)
            return self.rx.findall(string, at, endpos) if at >= 0 else []
        return self.rx.findall(string, pos, endpos) if self._passes(string, pos, endpos) else []

    def _may_match(self, string: str) -> bool:
        if self.first_words is not None:
            return (self.gate is None or self._passes(string, 0, len(string))) and \
                not self.first_words.isdisjoint(_words(string).words)
        if self.starts is not None:
            return self._first(self._where(string), 0, len(string)) >= 0
        return self._passes(string, 0, len(string))

    def sub(self, repl: Union[str, Callable[[re.Match], str]], string: str, count: int = 0) -> str:
        return self.rx.sub(repl, string, count) if self._may_match(string) else string

    def subn(self, repl: Union[str, Callable[[re.Match], str]], string: str, count: int = 0) -> tuple[str, int]:
        return self.rx.subn(repl, string, count) if self._may_match(string) else (string, 0)

    def split(self, string: str, maxsplit: int = 0) -> list:
        return self.rx.split(string, maxsplit) if self._may_match(string) else [string]


@lru_cache(maxsize=1024)
def compile(pattern: str, flags: int = 0) -> Pattern:  # noqa: A001 - re.compile's name, on purpose
    """The pattern, compiled, with the gate read from it (see the module's docstring).

    Args:
        pattern: a regular expression, as for ``re.compile``.
        flags: ``re`` flags.
    Returns:
        A Pattern: ``search``, ``finditer``, ``match``, ... as ``re.Pattern``'s, the same results.
    """
    return Pattern(pattern, flags)


def words(items, ignorecase: bool = False) -> str:
    """A pattern (a non-capturing group) matching any of ``items``, a space in one matching any run of
    whitespace, the longest that lets the rest of the pattern match first: written as a prefix tree, which re
    tries in a few steps a character rather than one an item.

    Args:
        items: the words or phrases, as the text writes them.
        ignorecase: the pattern is compiled with re.IGNORECASE (or sits in ``(?i:...)``).
    """
    return "(?:" + alternation(items, ignorecase) + ")"
