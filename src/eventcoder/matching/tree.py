"""A regex alternation of many words, written as a prefix tree so that it matches what the flat one matches.

Python's ``re`` tries the branches of ``(?:w1|w2|...)`` one by one at every position, so a dictionary of 1,000
aliases costs 1,000 tries per word of text. The prefix tree ``(?:a(?:l(?:...)|...)|b...)`` costs one try per
character of the alias that is there.

The flat alternation, longest word first, prefers the longest word that lets the rest of the pattern match.
The tree prefers the same one: the branches at each node can never both match the same text (checked below;
a node where they could is written flat), so only one path can go on, and along it a longer word is tried
before a shorter one (each end of a word is an optional group, greedy).
"""
from __future__ import annotations

import re

from . import switches

_SPACE = object()  # a space in a word: any run of whitespace in the text, as in the flat alternation


def flat_alternation(words) -> str:
    """``w1|w2|...``, longest first, a space matching any whitespace: the reference the tree must equal."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def alternation(words, ignorecase: bool = False) -> str:
    """The alternation of ``words`` (no enclosing group), as a prefix tree where that is safe, else flat.

    Args:
        ignorecase: the pattern is compiled with re.I (or sits in ``(?i:...)``): branches that differ only by
            case, or in a letter beyond ASCII, could both match, so such a node is written flat.
    """
    words = sorted(set(words), key=len, reverse=True)
    if not switches.on("tree"):
        return flat_alternation(words)
    # a run of spaces, a space at an end, or other whitespace would let one \s+ overlap the next branch
    if any(re.search(r"[^\S ]|  |^ | $", w) for w in words):
        return flat_alternation(words)
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(_SPACE if ch == " " else ch, {})
        node[None] = True  # a word ends here
    return _node(root, words, ignorecase)


def _exclusive(keys: list, ignorecase: bool) -> bool:
    if len(keys) < 2:
        return True
    if not ignorecase:
        return True  # distinct literals, or a space run next to non-space literals
    if any(k is not _SPACE and not k.isascii() for k in keys):
        return False
    folded = [k if k is _SPACE else k.lower() for k in keys]
    return len({id(k) if k is _SPACE else k for k in folded}) == len(folded)


def _suffixes(node: dict, prefix: str = "") -> list[str]:
    out = [prefix] if None in node else []
    for k, child in node.items():
        if k is not None:
            out += _suffixes(child, prefix + (" " if k is _SPACE else k))
    return out


def _node(node: dict, _words, ignorecase: bool) -> str:
    """The pattern for the words below ``node`` (what follows the path to it)."""
    keys = [k for k in node if k is not None]
    if not keys:
        return ""
    if not _exclusive(keys, ignorecase):
        # flat, longest first, exactly as the flat alternation orders these suffixes of one common prefix
        return "(?:" + flat_alternation(_suffixes(node)) + ")"
    parts = []
    for k in keys:
        child = node[k]
        head = r"\s+" if k is _SPACE else re.escape(k)
        # follow a chain of single children without nesting a group per character
        while len(child) == 1 and None not in child:
            (k2, child), = child.items()
            head += r"\s+" if k2 is _SPACE else re.escape(k2)
        parts.append(head + _node(child, None, ignorecase))
    body = "|".join(parts)
    if None in node:
        return "(?:" + body + ")?"
    return body if len(parts) == 1 else "(?:" + body + ")"
