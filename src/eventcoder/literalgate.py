"""Literal gates: strings one of which every match of a pattern holds, so that a text holding none of them is
skipped without running the pattern.

Python's ``re`` finds no literal prefix in a pattern that opens with look-behinds or an alternation of
phrases, and then tries the whole pattern at every position of the text. An ``in`` test per gate string
costs a fraction of that. A gate is read from the parsed pattern: the literal text every way through it
starts with, after zero-width assertions; a pattern with a way through that starts otherwise (a class, an
optional part) has no gate and always runs.

Word gates (WordGate) read a pattern built from word lists: the words every match starts with or holds,
tested as whole words of the text (TextWords), so a dictionary pattern runs only where its first word stands.
"""
from __future__ import annotations

import re
import re._constants as _sre_op
import re._parser as _sre_parse
from re._casefix import _EXTRA_CASES
from typing import Iterable, Iterator, Optional

_ZERO_WIDTH = (_sre_op.ASSERT, _sre_op.ASSERT_NOT, _sre_op.AT)
# Letters that re.IGNORECASE matches to an ASCII letter but str.lower() does not turn into it: dotless and
# dotted i, long s, the Kelvin sign. Folded before lower-casing, a gate on a case-blind pattern misses none.
_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


def _literal_starts(items: list) -> Optional[set[str]]:
    """Literal strings one of which every match of this parsed pattern starts with, or None when some way
    through it starts otherwise (a class, an optional part, an empty branch)."""
    i = 0
    while i < len(items) and items[i][0] in _ZERO_WIDTH:
        i += 1
    if i == len(items):
        return None
    op, arg = items[i]
    if op is _sre_op.LITERAL:
        text = ""
        while i < len(items) and items[i][0] is _sre_op.LITERAL:
            text += chr(items[i][1])
            i += 1
        # re's parser takes the common first letters out of a group: "took|take" is "t" then "ook|ake"
        if i < len(items) and items[i][0] in (_sre_op.BRANCH, _sre_op.SUBPATTERN):
            more = _literal_starts(items[i:i + 1])
            if more:
                return {text + m for m in more}
        return {text}
    if op is _sre_op.SUBPATTERN:
        return _literal_starts(list(arg[-1]))
    if op is _sre_op.BRANCH:
        starts: set[str] = set()
        for branch in arg[1]:
            found = _literal_starts(list(branch))
            if not found:
                return None
            starts |= found
        return starts
    return None


def _required(items: list) -> Optional[set[str]]:
    """Literal strings one of which every match of this parsed sequence holds somewhere (the most selective
    such set among its parts: the one whose shortest string is longest), or None when no part has one."""
    best: Optional[set[str]] = None
    run = ""
    candidates: list[set[str]] = []
    for op, arg in items:
        if op is _sre_op.LITERAL:
            run += chr(arg)
            continue
        if run:
            candidates.append({run})
            # re's parser takes the common first letters out of a group: "took|take" is "t" then "ook|ake"
            starts = _literal_starts([(op, arg)]) if op in (_sre_op.BRANCH, _sre_op.SUBPATTERN) else None
            if starts:
                candidates.append({run + s for s in starts})
            run = ""
        found: Optional[set[str]] = None
        if op is _sre_op.SUBPATTERN:
            found = _required(list(arg[-1]))
        elif op is _sre_op.BRANCH:
            parts = [_required(list(b)) for b in arg[1]]
            found = set().union(*parts) if all(parts) else None
        elif op in (_sre_op.MAX_REPEAT, _sre_op.MIN_REPEAT) and arg[0] >= 1:
            found = _required(list(arg[2]))
        if found:
            candidates.append(found)
    if run:
        candidates.append({run})
    for c in candidates:
        if best is None or min(map(len, c)) > min(map(len, best)):
            best = c
    return best


def matches_at(rx: re.Pattern, text: str, places: Iterable[int]) -> Iterator[re.Match]:
    """``rx.finditer(text)`` for a pattern that can start a match only at ``places`` (ascending): tried there in
    turn, the next one past the end of the last match, as finditer would meet them."""
    end = 0
    match = rx.match
    for at in places:
        if at >= end:
            m = match(text, at)
            if m is not None:
                end = m.end()
                yield m


def places_of(strings: Iterable[str], text: str) -> list[int]:
    """Where any of ``strings`` stands in ``text``, ascending, each place once."""
    places = set()
    for s in strings:
        at = text.find(s)
        while at >= 0:
            places.add(at)
            at = text.find(s, at + 1)
    return sorted(places)


def _may_change_case(rx: re.Pattern) -> bool:
    """Does ``rx`` read letters case-blind anywhere: re.I, or a group other than (?:, (?<!, (?! and (?= (inline
    flags could let letters match in another case)?"""
    return bool(rx.flags & re.IGNORECASE) or "(?" in rx.pattern.replace("(?:", "").replace("(?<!", "") \
        .replace("(?!", "").replace("(?=", "")


def fewest(strings: set[str]) -> tuple[str, ...]:
    """The strings without those that hold another of them: a text holds one of these exactly when it holds
    one of ``strings`` ("bomb" stands for "bomb attack" and "roadside bomb"), so a gate tests fewer (speech
    verbs 43 -> 37 strings, hedges 25 -> 16, the open trigger cues 65 -> 45)."""
    return tuple(sorted(s for s in strings if not any(o != s and o in s for o in strings)))


def inner_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """Strings one of which every match of a case-sensitive pattern holds, anywhere in it, for a pattern
    with no gate at its start ("(?:hand )?grenades?": "grenade"); None when there is none of three letters or
    more, or when it may read letters case-blind."""
    if _may_change_case(rx):
        return None
    found = _required(list(_sre_parse.parse(rx.pattern, rx.flags)))
    if not found or min(map(len, found)) < 3:
        return None
    return fewest(found)


def case_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The gate of a case-sensitive pattern, to test on the text as it is; None when there is none of two
    letters or more, or when the pattern may read letters case-blind or holds a look-ahead (?=, which this
    gate leaves ungated."""
    if _may_change_case(rx) or "(?=" in rx.pattern:
        return None
    starts = _literal_starts(list(_sre_parse.parse(rx.pattern, rx.flags)))
    if not starts or min(map(len, starts)) < 2:
        return None
    return tuple(sorted(starts))


def fold(text: str) -> str:
    """``text`` as a case-blind gate reads it: lower case, with the letters of _FOLD made ASCII."""
    if text.isascii():  # no letter of _FOLD to translate: 0.2 us a text against 2.7 (str.isascii reads a flag)
        return text.lower()
    return text.translate(_FOLD).lower()


def caseless_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The gate of a pattern compiled with re.IGNORECASE, lower-cased, to test on ``fold(text)``: strings one
    of which every match holds anywhere in it, each branch's most telling ("no independent confirmation":
    "confirmation", not "no"). None when there is none of two letters or more, or when a gate string holds a
    letter beyond ASCII (whose case partners str.lower() may not share: σ and ς)."""
    if not rx.flags & re.IGNORECASE:
        return None
    found = _required(list(_sre_parse.parse(rx.pattern, rx.flags)))
    if not found or min(map(len, found)) < 2 or not all(s.isascii() for s in found):
        return None
    return fewest({s.lower() for s in found})


class CaselessPattern:
    """A pattern compiled with re.IGNORECASE that first tests its gate on the text, and runs only when one
    gate string is there. ``search`` and ``finditer`` over a whole text, as ``re.Pattern``'s."""

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        self.pattern = rx.pattern
        self.gate = caseless_gate(rx)
        # the literals every match starts with, lower-cased, when all are ASCII: ``finditer`` tries the pattern
        # only where one stands in the folded text. A case-blind pattern opening with \b gets no prefix from
        # re, which tries it at every place (the speech verbs: 0.027 -> 0.022 s per 2,700 sentences; the claims
        # 0.009 -> 0.003)
        starts = _literal_starts(list(_sre_parse.parse(rx.pattern, rx.flags)))
        self.starts = tuple(sorted({s.lower() for s in starts})) \
            if starts and min(map(len, starts)) >= 2 and all(s.isascii() for s in starts) else None

    def _may_match(self, text: str) -> bool:
        if self.gate is None:
            return True
        # map over the bound `in` test, not a generator: about 8,800 gate tests of 19 strings per 500 documents
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


_WORD = re.compile(r"\w+")


class TextWords:
    """A text as word gates read it: ``folded``, the text through fold() (as long as the text, each letter a
    word letter where the text's is one: tested over every code point), and ``words``, the set of its runs of
    word letters."""

    __slots__ = ("folded", "words")

    def __init__(self, text: str):
        low = text.lower()
        # fold() and lower() differ only on ı and ſ, and on İ, which lower() makes two letters
        self.folded = low if len(low) == len(text) and "ı" not in text and "ſ" not in text else fold(text)
        self.words = set(_WORD.findall(self.folded))


def _safe_word(word: str) -> bool:
    # a letter with case partners beyond its upper and lower case (σ and ς) may match a text letter that
    # fold() makes another; ı, ſ and the Kelvin sign fold() handles itself
    return word == fold(word) and all(ch.isascii() or ord(ch) not in _EXTRA_CASES for ch in word)


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
    return frozenset(out) if all(map(_safe_word, out)) else None


# Zero-width guards a pattern may open with, that WordGate tests apart (see _scan)
_GUARDS = (r"\b", r"(?<![\w-])", r"(?<![\w'’-])", r"(?<![\w.])")


class WordGate:
    """A pattern whose every match starts at a word of ``starts`` and holds a word of each set in ``needs``
    (all as first_words gives them). ``finditer`` tries the pattern only at the places those start words stand,
    in order, as ``re.Pattern.finditer`` would meet them, and not at all on a text missing a needed word; a
    None start or need set is no gate (the pattern runs over the whole text)."""

    def __init__(self, rx: re.Pattern, starts: Optional[frozenset[str]] = None,
                 needs: tuple[Optional[frozenset[str]], ...] = ()):
        self.rx = rx
        self.starts = starts
        self.needs = tuple(n for n in needs if n is not None)
        # A case-sensitive pattern opening with a guard ("\b[A-Z]...") gets no prefix from re, which then tries
        # it at every place; without the guard it opens with a class or literal that re skips to in C (region
        # names: 6.4 -> 2.9 ms per 500 documents), and the guard is tested where that part matches.
        self.guard = self.unguarded = None
        guard = next((g for g in _GUARDS if rx.pattern.startswith(g)), None)
        # the guard must stand alone at the head, not open one branch of an alternation or carry a quantifier
        if guard is not None and not rx.flags & re.IGNORECASE \
                and _sre_parse.parse(rx.pattern, rx.flags)[0][0] in _ZERO_WIDTH:
            unguarded = re.compile(rx.pattern[len(guard):], rx.flags)
            if unguarded.groups == rx.groups and unguarded.groupindex == rx.groupindex \
                    and _sre_parse.parse(unguarded.pattern, unguarded.flags).getwidth()[0] > 0:
                self.guard, self.unguarded = re.compile(guard, rx.flags), unguarded

    def scan(self, text: str) -> Iterator[re.Match]:
        """``finditer`` over the whole text, with no word gate (the guard, when split off, tested apart)."""
        return self.rx.finditer(text) if self.unguarded is None else self._scan(text)

    def _scan(self, text: str) -> Iterator[re.Match]:
        """``finditer`` over the whole text: the guard holds where the pattern matches, the rest matches the
        same there, so the first place past the last match where both do is the pattern's next match."""
        search, guard = self.unguarded.search, self.guard.match
        m = search(text)
        while m is not None:
            if guard(text, m.start()) is not None:
                yield m
                m = search(text, m.end())
            else:
                m = search(text, m.start() + 1)

    def finditer(self, text: str, words: TextWords) -> Iterator[re.Match]:
        """The matches of the pattern in ``text`` (the text ``words`` was made from, or a same-length
        lower-casing of it)."""
        # a plain function until the gate is passed: most calls end here, without a generator (11,600 calls
        # per 500 documents of the actors stage)
        have = words.words
        for need in self.needs:
            if have.isdisjoint(need):
                return iter(())
        if self.starts is None:
            return self.scan(text)
        hits = self.starts.intersection(have)
        # tried where a start word stands in the folded text, in order
        return matches_at(self.rx, text, places_of(hits, words.folded)) if hits else iter(())
