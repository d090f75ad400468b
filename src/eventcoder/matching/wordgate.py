"""Word gates: a pattern built from word lists tried only where its words stand in the text.

A WordGate reads the words every match starts with or holds (first_words), tested as whole words of the
text (TextWords), so a dictionary pattern runs only where its first word stands. With the parser unavailable,
or the family turned off, a WordGate is the plain pattern over the whole text.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from . import parser, switches
from .gates import fold, matches_at, places_of

_WORD = re.compile(r"\w+")


class TextWords:
    """A text as word gates read it: ``folded``, the text through fold() (as long as the text, each letter a
    word letter where the text's is one: tested over every code point), and ``words``, the set of its runs of
    word letters. Empty (and not read) while word gates are off."""

    __slots__ = ("folded", "words")

    def __init__(self, text: str):
        if not switches.on("words"):
            self.folded, self.words = text, frozenset()
            return
        low = text.lower()
        # fold() and lower() differ only on ı and ſ, and on İ, which lower() makes two letters
        self.folded = low if len(low) == len(text) and "ı" not in text and "ſ" not in text else fold(text)
        self.words = set(_WORD.findall(self.folded))


def safe_word(word: str) -> bool:
    """Can fold() vouch for this folded word: does the text hold it, folded, wherever re matches it?"""
    # a letter with case partners beyond its upper and lower case (σ and ς) may match a text letter that
    # fold() makes another; ı, ſ and the Kelvin sign fold() handles itself
    return word == fold(word) and not any(map(parser.has_extra_cases, word))


def first_words(words, suffixes: tuple[str, ...] = ("",)) -> Optional[frozenset[str]]:
    """The word (run of word letters) each of ``words`` starts with, folded; a one-word entry also with each of
    ``suffixes`` added ("militia" with ("", "s") gives "militia" and "militias"). Where a pattern matches one of
    ``words`` right after a word boundary, the text has one of these as a whole word there, provided the pattern
    lets no word letter follow a one-word entry other than through a suffix. None when an entry does not start
    with a word letter or holds a letter fold() cannot vouch for (so the pattern goes ungated)."""
    out = set()
    for w in words:
        run = _WORD.match(w)
        if run is None:
            return None
        first = fold(run.group())
        out.update(first + s for s in suffixes) if run.end() == len(w) else out.add(first)
    return frozenset(out) if all(map(safe_word, out)) else None


# Zero-width guards a pattern may open with, that WordGate tests apart (see _scan)
_GUARDS = (r"\b", r"(?<![\w-])", r"(?<![\w'’-])", r"(?<![\w.])")


def split_guard(rx: re.Pattern) -> tuple[Optional[re.Pattern], Optional[re.Pattern]]:
    """A case-sensitive pattern that opens with a guard alone ("\\b[A-Z]...") as (guard, the rest), or (None,
    None). re finds no prefix in the whole pattern and tries it at every place; the rest opens with a class
    or literal that re skips to in C, and the guard is tested where the rest matches."""
    guard = next((g for g in _GUARDS if rx.pattern.startswith(g)), None)
    # the guard must stand alone at the head, not open one branch of an alternation or carry a quantifier
    if guard is None or rx.flags & re.IGNORECASE or not parser.opens_with_assertion(rx.pattern, rx.flags):
        return None, None
    unguarded = re.compile(rx.pattern[len(guard):], rx.flags)
    if unguarded.groups == rx.groups and unguarded.groupindex == rx.groupindex \
            and (parser.min_width(unguarded.pattern, unguarded.flags) or 0) > 0:
        return re.compile(guard, rx.flags), unguarded
    return None, None


def guarded_scan(guard: re.Pattern, unguarded: re.Pattern, text: str) -> Iterator[re.Match]:
    """``finditer`` over the whole text of the pattern split by split_guard: the guard holds where the pattern
    matches, the rest matches the same there, so the first place past the last match where both do is the
    pattern's next match."""
    search, at_guard = unguarded.search, guard.match
    m = search(text)
    while m is not None:
        if at_guard(text, m.start()) is not None:
            yield m
            m = search(text, m.end())
        else:
            m = search(text, m.start() + 1)


class WordGate:
    """A pattern whose every match starts at a word of ``starts`` and holds a word of each set in ``needs``
    (all as first_words gives them). ``finditer`` tries the pattern only at the places those start words stand,
    in order, as ``re.Pattern.finditer`` would meet them, and not at all on a text missing a needed word; a
    None start or need set is no gate (the pattern runs over the whole text)."""

    def __init__(self, rx: re.Pattern, starts: Optional[frozenset[str]] = None,
                 needs: tuple[Optional[frozenset[str]], ...] = ()):
        self.rx = rx
        gated = switches.on("words")
        self.starts = starts if gated else None
        self.needs = tuple(n for n in needs if n is not None) if gated else ()
        self.guard, self.unguarded = split_guard(rx) if gated else (None, None)

    def scan(self, text: str) -> Iterator[re.Match]:
        """``finditer`` over the whole text, with no word gate (the guard, when split off, tested apart)."""
        return self.rx.finditer(text) if self.unguarded is None else guarded_scan(self.guard, self.unguarded, text)

    def finditer(self, text: str, words: TextWords) -> Iterator[re.Match]:
        """The matches of the pattern in ``text`` (the text ``words`` was made from, or a same-length
        lower-casing of it)."""
        # a plain function until the gate is passed: most calls end here, without a generator
        have = words.words
        for need in self.needs:
            if have.isdisjoint(need):
                return iter(())
        if self.starts is None:
            return self.scan(text)
        hits = self.starts.intersection(have)
        # tried where a start word stands in the folded text, in order
        return matches_at(self.rx, text, places_of(hits, words.folded)) if hits else iter(())
