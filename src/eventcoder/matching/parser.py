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


_WORD_CHAR = re.compile(r"\w")
_MAX_WORDS = 20_000  # more ways through a pattern than this: no word gate is read from it


def _never_word(item) -> bool:
    """Can this item never match a word character (a literal mark, a class of only spaces or non-words)?"""
    op, arg = item
    if op is _op.LITERAL:
        return not _WORD_CHAR.match(chr(arg))
    return op is _op.IN and all(
        (o is _op.CATEGORY and a in (_op.CATEGORY_SPACE, _op.CATEGORY_NOT_WORD))
        or (o is _op.LITERAL and not _WORD_CHAR.match(chr(a))) for o, a in arg)


def _any_word(item) -> bool:
    r"""Is this item a class that holds every word character ([\w-], \w)?"""
    op, arg = item
    return op is _op.IN and (_op.CATEGORY, _op.CATEGORY_WORD) in arg and not any(o is _op.NEGATE for o, _ in arg)


def _forbids_word(items: list) -> bool:
    r"""Does a negative look-ahead of this content forbid a word character next ((?!\w), (?![\w-]|x))?"""
    if len(items) == 1 and items[0][0] is _op.BRANCH:
        return any(len(b) == 1 and _any_word(b[0]) for b in items[0][1][1])
    return len(items) == 1 and _any_word(items[0])


def _whole_words(items: list, prefix: str, out: set[str]) -> bool:
    """Walk every way through ``items`` from a word start, with ``prefix`` read so far: add to ``out`` the
    whole word (run of word letters) each way starts the match with. False when some way's first word is
    not known for certain (a class, a repeat, the pattern's end inside the word)."""
    i = 0
    while len(out) <= _MAX_WORDS:
        if i == len(items):
            return False  # the match may end before the text's word does
        op, arg = items[i]
        rest = items[i + 1:]
        if op is _op.LITERAL and _WORD_CHAR.match(chr(arg)):
            prefix += chr(arg)
            i += 1
            continue
        if op is _op.SUBPATTERN:
            if arg[1] or arg[2]:
                return False  # flags changed inside
            items, i = list(arg[-1]) + rest, 0
            continue
        if op is _op.BRANCH:
            return all(_whole_words(list(b) + rest, prefix, out) for b in arg[1])
        if op is _op.IN and all(o is _op.LITERAL for o, _ in arg):  # the parser writes "a|b" as [ab]
            return all(_whole_words([(_op.LITERAL, a)] + rest, prefix, out) for _, a in arg)
        if op in (_op.MAX_REPEAT, _op.MIN_REPEAT):
            low, high, sub = arg
            sub = list(sub)
            if sub and _never_word(sub[0]) and prefix:  # one time or more ends the word; none goes on
                out.add(prefix)
                return low >= 1 or _whole_words(rest, prefix, out)
            return low == 0 and high == 1 and _whole_words(rest, prefix, out) and _whole_words(sub + rest, prefix, out)
        if op is _op.ASSERT_NOT and arg[0] == 1 and prefix and _forbids_word(list(arg[1])):
            out.add(prefix)
            return True
        if op is _op.ASSERT and arg[0] == 1 and _whole_words(list(arg[1]), prefix, out):
            return True  # what the look-ahead reads is what follows
        if op in (_op.ASSERT, _op.ASSERT_NOT):
            i += 1  # zero width: it reads no part of the word
            continue
        ends = _never_word(items[i]) or (op is _op.AT and arg in (_op.AT_BOUNDARY, _op.AT_END, _op.AT_END_STRING))
        if prefix and ends:
            out.add(prefix)
            return True
        return False
    return False


def first_words_of(pattern: str, flags: int = 0) -> Optional[set[str]]:
    r"""The whole words, as the pattern writes them, one of which stands in the text at the start of every
    match: for a pattern that opens with a guard that no word letter stands before (\b, (?<![\w-])) and
    then reads literal words up to a mark, a space, \b or (?!\w). None when some way through it starts
    otherwise, or when the parser is unavailable."""
    if not AVAILABLE or flags & re.ASCII:
        return None
    items = _parsed(pattern, flags)
    if not items:
        return None
    op, arg = items[0]
    guarded = (op is _op.AT and arg is _op.AT_BOUNDARY) or \
        (op is _op.ASSERT_NOT and arg[0] == -1 and len(arg[1]) == 1 and _any_word(list(arg[1])[0]))
    out: set[str] = set()
    return out if guarded and _whole_words(items[1:], "", out) and out else None


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
# ... the whole words every match starts with
_FIRST_WORDS = [(r"(?<![\w-])(ab|cd)(?:s|es)?(?!\w|-rap)", 0, {"ab", "abs", "abes", "cd", "cds", "cdes"}),
                (r"\b(u\.s\.|uk)(?:'s)?\s+(?:army)", re.I, {"u", "uk"}), (r"\bfoo[A-Z]", 0, None),
                (r"\b(?:al|ala)\s*\b", 0, {"al", "ala"}), (r"\bfoo", 0, None),
                (r"(?<![\w-])(w1|w2)(?!\w)", 0, {"w1", "w2"})]
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
        for pattern, flags, words in _FIRST_WORDS:
            out: set[str] = set()
            got = out if _whole_words(_parsed(pattern, flags)[1:], "", out) and out else None
            if got != words:
                return False, f"re._parser reads the first words of {pattern!r} as {got}, not {words}: {FIX}"
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
