"""What the seam reads from CPython's private regex parser, and the probe that says whether it still can.

This is the only module of eventcoder that imports ``re._parser``, ``re._constants`` and ``re._casefix``.
They are no public API: a Python release may rename or reshape them (3.11 renamed ``sre_parse`` to
``re._parser``). So they are imported under a guard, and ``check()`` parses a few patterns and compares what
is read from them with known answers. When either fails, ``AVAILABLE`` is False, every helper here answers
"nothing known" (None), and the seam compiles plain ``re`` patterns with no gates: extraction gives the same
events, only slower. ``eventcoder check`` reports it.
"""
from __future__ import annotations

import re
from typing import Optional

try:
    import re._constants as _op
    import re._parser as _parse
    from re._casefix import _EXTRA_CASES
    _IMPORTED = ""
except Exception as e:  # noqa: BLE001 - any failure means: no gates
    _op = _parse = None
    _EXTRA_CASES = {}
    _IMPORTED = f"{type(e).__name__}: {e}"

FIX = ("the seam reads re's private parser, which this Python changed; extraction still works on plain re, "
       "slower. Fix: adapt src/eventcoder/matching/parser.py to this Python (its check() says what differs), "
       "or run on Python 3.11-3.13")


def _parsed(pattern: str, flags: int) -> list:
    return list(_parse.parse(pattern, flags))


def _zero_width() -> tuple:
    return (_op.ASSERT, _op.ASSERT_NOT, _op.AT)


def _literal_starts(items: list) -> Optional[set[str]]:
    """Literal strings one of which every match of this parsed pattern starts with, or None when some way
    through it starts otherwise (a class, an optional part, an empty branch)."""
    zero_width = _zero_width()
    i = 0
    while i < len(items) and items[i][0] in zero_width:
        i += 1
    if i == len(items):
        return None
    op, arg = items[i]
    if op is _op.LITERAL:
        text = ""
        while i < len(items) and items[i][0] is _op.LITERAL:
            text += chr(items[i][1])
            i += 1
        # re's parser takes the common first letters out of a group: "took|take" is "t" then "ook|ake"
        if i < len(items) and items[i][0] in (_op.BRANCH, _op.SUBPATTERN):
            more = _literal_starts(items[i:i + 1])
            if more:
                return {text + m for m in more}
        return {text}
    if op is _op.SUBPATTERN:
        return _literal_starts(list(arg[-1]))
    if op is _op.BRANCH:
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
        if op is _op.LITERAL:
            run += chr(arg)
            continue
        if run:
            candidates.append({run})
            # re's parser takes the common first letters out of a group: "took|take" is "t" then "ook|ake"
            starts = _literal_starts([(op, arg)]) if op in (_op.BRANCH, _op.SUBPATTERN) else None
            if starts:
                candidates.append({run + s for s in starts})
            run = ""
        found: Optional[set[str]] = None
        if op is _op.SUBPATTERN:
            found = _required(list(arg[-1]))
        elif op is _op.BRANCH:
            parts = [_required(list(b)) for b in arg[1]]
            found = set().union(*parts) if all(parts) else None
        elif op in (_op.MAX_REPEAT, _op.MIN_REPEAT) and arg[0] >= 1:
            found = _required(list(arg[2]))
        if found:
            candidates.append(found)
    if run:
        candidates.append({run})
    for c in candidates:
        if best is None or min(map(len, c)) > min(map(len, best)):
            best = c
    return best


def literal_starts(pattern: str, flags: int = 0) -> Optional[set[str]]:
    """The literal strings, as written in the pattern, one of which every match starts with (after zero-width
    assertions); None when some way through the pattern starts otherwise, or when the parser is unavailable."""
    return _literal_starts(_parsed(pattern, flags)) if AVAILABLE else None


def required_literals(pattern: str, flags: int = 0) -> Optional[set[str]]:
    """The literal strings, as written, one of which every match holds somewhere (the most selective such
    set); None when there is none, or when the parser is unavailable."""
    return _required(_parsed(pattern, flags)) if AVAILABLE else None


def opens_with_literal(pattern: str, flags: int = 0) -> Optional[bool]:
    """Does the pattern's first item match a literal character (which re's own prefix search skips to)?
    None when the parser is unavailable."""
    if not AVAILABLE:
        return None
    items = _parsed(pattern, flags)
    return bool(items) and items[0][0] is _op.LITERAL


def opens_with_assertion(pattern: str, flags: int = 0) -> Optional[bool]:
    """Is the pattern's first item a zero-width assertion (\\b, ^, a look-around) standing alone, not one
    branch of an alternation? None when the parser is unavailable."""
    if not AVAILABLE:
        return None
    items = _parsed(pattern, flags)
    return bool(items) and items[0][0] in _zero_width()


def _adds_ignorecase(items) -> bool:
    """Does a group of this parsed sequence, at any depth, turn re.IGNORECASE on?"""
    for op, arg in items:
        if op is _op.SUBPATTERN:
            inner = [arg[-1]]
            if arg[1] & re.IGNORECASE:
                return True
        elif op is _op.BRANCH:
            inner = arg[1]
        elif op in (_op.MAX_REPEAT, _op.MIN_REPEAT, _op.POSSESSIVE_REPEAT):
            inner = [arg[2]]
        elif op in (_op.ASSERT, _op.ASSERT_NOT):
            inner = [arg[1]]
        elif op is _op.ATOMIC_GROUP:
            inner = [arg]
        elif op is _op.GROUPREF_EXISTS:
            inner = [p for p in arg[1:] if p is not None]
        else:
            continue
        if any(_adds_ignorecase(p) for p in inner):
            return True
    return False


def case_blind(pattern: str, flags: int = 0) -> Optional[bool]:
    """Does the pattern read any letter case-blind: re.IGNORECASE, given or inline ((?i), (?i:...))? None
    when the parser is unavailable."""
    if not AVAILABLE:
        return None
    parsed = _parse.parse(pattern, flags)
    return bool(parsed.state.flags & re.IGNORECASE) or _adds_ignorecase(list(parsed))


def min_width(pattern: str, flags: int = 0) -> Optional[int]:
    """The fewest characters a match of the pattern spans; None when the parser is unavailable."""
    return _parse.parse(pattern, flags).getwidth()[0] if AVAILABLE else None


def has_extra_cases(ch: str) -> bool:
    """Does re.IGNORECASE match ``ch`` to letters beyond its upper and lower case (σ, ς and Σ)? True for any
    letter beyond ASCII when the parser is unavailable (nothing can be vouched for)."""
    if not AVAILABLE:
        return not ch.isascii()
    return not ch.isascii() and ord(ch) in _EXTRA_CASES


# What the parser must still say for the gates to be right: each pattern, its flags, and the literal starts and
# required literals read from it (as the tests of the gates pin them), and its least width.
_KNOWN = [
    (r"\b(?:took|take)\s+(?:it|them)\b", re.I, {"took", "take"}, {"take", "took"}, 7),
    (r"(?<![\w-])(?:(?:hand )?grenades?(?! launchers?)|hurled (?:a )?grenade)", 0, None, {"grenade", "hurled "}, 7),
    (r"(?<!\bto\s)\bclaim(?:s|ed)?\b", re.I, {"claim"}, {"claim"}, 5),
    (r"(?:a|an|the) (?:\w+ )?shell (?:hit|struck)", 0, {"a", "an", "the"}, {"shell hit", "shell struck"}, 11),
    (r"\b(?:ago)?", 0, None, None, 0),
]
# ... and whether it reads letters case-blind anywhere
_CASE_BLIND = [(r"(?P<a>x)(?:y)+(?>z)(?(a)u|v)", 0, False), (r"x(?i:y)", 0, True), (r"(?i)xy", 0, True),
               (r"x(?=(?i:y))", 0, True), (r"x(?>(?i:y))", 0, True), (r"(x)(?(1)(?i:y)|z)", 0, True),
               (r"x(?:(?i:y)|z)*", 0, True), (r"xy", re.I, True)]


def check() -> tuple[bool, str]:
    """Probe the private parser: importable, and reading the known answers from the known patterns.

    Returns:
        (ok, detail): detail says what differs and how to fix it when not ok.
    """
    if _IMPORTED:
        return False, f"cannot import re's private parser ({_IMPORTED}): {FIX}"
    try:
        for pattern, flags, starts, required, width in _KNOWN:
            got = (_literal_starts(_parsed(pattern, flags)), _required(_parsed(pattern, flags)),
                   _parse.parse(pattern, flags).getwidth()[0])
            if got != (starts, required, width):
                return False, f"re._parser reads {pattern!r} as {got}, not {(starts, required, width)}: {FIX}"
        for pattern, flags, blind in _CASE_BLIND:
            parsed = _parse.parse(pattern, flags)
            if (bool(parsed.state.flags & re.IGNORECASE) or _adds_ignorecase(list(parsed))) != blind:
                return False, f"re._parser no longer shows where {pattern!r} reads letters case-blind: {FIX}"
        if not (ord("s") in _EXTRA_CASES and ord("σ") in _EXTRA_CASES and ord("a") not in _EXTRA_CASES):
            return False, f"re._casefix._EXTRA_CASES no longer lists the letters with extra case partners: {FIX}"
    except Exception as e:  # noqa: BLE001 - a probe reports, never raises
        return False, f"re._parser failed on a known pattern ({type(e).__name__}: {e}): {FIX}"
    return True, ""


AVAILABLE = True  # the helpers above read the parser only while this holds: set from the probe below
AVAILABLE, PROBLEM = check()
