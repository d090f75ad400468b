"""Which of the seam's fast paths are on: every family, unless the parser probe failed (then none that reads
the parser) or a benchmark turned one off to measure what it buys end to end (bench/bench_seam.py).

A family is read when a pattern is built, so a switch set before the stages load holds for the whole run.
"""
from __future__ import annotations

from . import parser

FAMILIES = {
    "literal": "case-sensitive literal gates: the literals a match starts with or holds (case_gate, inner_gate)",
    "caseless": "case-blind literal gates tested on the folded text (caseless_gate, CaselessPattern)",
    "words": "word gates: a pattern tried only at the whole words it starts with (WordGate, TextWords)",
    "anchored": "anchored patterns: searched only a few word runs before an anchor (AnchoredPattern, Scan)",
    "tree": "word alternations written as a prefix tree instead of flat (alternation)",
}
_NEEDS_PARSER = {"literal", "caseless", "words", "anchored"}
_off: set[str] = set()


def on(family: str) -> bool:
    """Is this family of fast paths in use (the parser readable where it needs it, and not turned off)?"""
    return family not in _off and (parser.AVAILABLE or family not in _NEEDS_PARSER)


def turn_off(*families: str) -> None:
    """Turn families off, for patterns built from now on (a benchmark's variant run)."""
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"no such family of fast paths: {sorted(unknown)}; the families: {sorted(FAMILIES)}")
    _off.update(families)


def turn_all_on() -> None:
    _off.clear()
