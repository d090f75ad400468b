"""The one seam for fast matching: patterns compiled here derive their own gates.

A stage compiles its patterns with ``matching.compile(pattern, flags)`` (and writes word lists into them with
``matching.words(items, ignorecase=...)``) and calls ``search``/``finditer``/... as on ``re.Pattern``: the gate,
read from the parsed pattern, is this package's business, never the stage's (no twin gates, stems or caches
keyed by ``id()``).

Layout:
    parser.py    the only module that imports re's private parser; ``check()`` probes it, and when it
                 fails every gate is off and patterns are plain ``re`` (same matches, slower)
    pattern.py   ``compile`` and ``words``: the API for stages
    patternset.py  ``PatternSet``: many patterns (a lexicon of cues) run over one text together
    gates.py     literal gates read from a pattern (case_gate, inner_gate, caseless_gate), fold, places_of
    wordgate.py  word gates for dictionary patterns (WordGate, TextWords, first_words)
    anchored.py  patterns searched only near an anchor (AnchoredPattern, Scan)
    tree.py      word alternations as prefix trees (alternation, flat_alternation)
    switches.py  which families of fast paths are on (bench/bench_seam.py turns each off to measure it)

What each family buys end to end: docs/performance.md#the-matching-seam.
"""
from __future__ import annotations

import sys

from . import parser, switches
from .anchored import AnchoredPattern, Scan
from .gates import CaselessPattern, case_gate, caseless_gate, fewest, fold, inner_gate, matches_at, places_of
from .pattern import Pattern, compile, words
from .patternset import PatternSet
from .tree import alternation, flat_alternation
from .wordgate import TextWords, WordGate, first_words

__all__ = ["compile", "words", "Pattern", "PatternSet", "check", "fold",
           # the families' own classes, which stages with per-text state still use
           "AnchoredPattern", "Scan", "CaselessPattern", "case_gate", "caseless_gate", "fewest", "inner_gate",
           "matches_at", "places_of", "alternation", "flat_alternation", "TextWords", "WordGate", "first_words"]


def check() -> tuple[bool, str]:
    """The probe of ``eventcoder check``: does re's private parser still read the known gates?

    Returns:
        (ok, detail): when not ok, what differs and the fix; extraction then runs without gates.
    """
    ok, detail = parser.check()
    if ok and not parser.AVAILABLE:  # passed now, failed when this package loaded
        return False, f"{parser.PROBLEM}"
    return ok, detail or f"gates read from re._parser (Python {sys.version.split()[0]})"
