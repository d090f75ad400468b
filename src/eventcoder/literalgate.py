"""Literal gates: strings one of which every match of a pattern holds, so that a text holding none of them is
skipped without running the pattern.

Python's ``re`` finds no literal prefix in a pattern that opens with look-behinds or an alternation of
phrases, and then tries the whole pattern at every position of the text. An ``in`` test per gate string
costs a fraction of that. A gate is read from the parsed pattern: the literal text every way through it
starts with, after zero-width assertions; a pattern with a way through that starts otherwise (a class, an
optional part) has no gate and always runs.
"""
from __future__ import annotations

import re
import re._constants as _sre_op
import re._parser as _sre_parse
from typing import Iterator, Optional

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


def case_gate(rx: re.Pattern) -> Optional[tuple[str, ...]]:
    """The gate of a case-sensitive pattern, to test on the text as it is; None when there is none of two
    letters or more, or when the pattern holds a group other than (?:, (?<! and (?! (inline flags could let
    letters match in another case)."""
    if rx.flags & re.IGNORECASE or "(?" in rx.pattern.replace("(?:", "").replace("(?<!", "").replace("(?!", ""):
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
    """The gate of a pattern compiled with re.IGNORECASE, lower-cased, to test on ``fold(text)``; None when
    there is none of two letters or more, or when a gate string holds a letter beyond ASCII (whose case
    partners str.lower() may not share: σ and ς)."""
    if not rx.flags & re.IGNORECASE:
        return None
    starts = _literal_starts(list(_sre_parse.parse(rx.pattern, rx.flags)))
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

    def _may_match(self, text: str) -> bool:
        if self.gate is None:
            return True
        folded = fold(text)
        return any(g in folded for g in self.gate)

    def search(self, text: str) -> Optional[re.Match]:
        return self.rx.search(text) if self._may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match]:
        return self.rx.finditer(text) if self._may_match(text) else iter(())

    def match(self, text: str, *args) -> Optional[re.Match]:
        return self.rx.match(text, *args)
