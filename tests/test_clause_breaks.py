"""Clause breaks: the same as the patterns' own finditer, in time linear in a long run of whitespace."""
from __future__ import annotations

import time

from hypothesis import given, settings, strategies as st

from eventcoder.knowledge import clauses as clauses_mod
from eventcoder.knowledge.clauses import breaks, clauses
from eventcoder.types import Span

PAIRS = [(clauses_mod._CLAUSE_BREAK, clauses_mod._CLAUSE_BREAK_AT_RUNS),
         (clauses_mod._SUBCLAUSE_BREAK, clauses_mod._SUBCLAUSE_BREAK_AT_RUNS)]
PIECES = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", ",", ";", ":", '"', "”", ".", " - ", "-", "while",
                          "whereas", "but", "meanwhile", "the", "forces", "rebels", "Homs", "and then", "x"])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join), st.integers(0, 40), st.integers(0, 40))
def test_the_same_breaks_as_finditer_from_any_start(text, a, b):
    pos, endpos = sorted((min(a, len(text)), min(b, len(text))))
    for rx, at_runs in PAIRS:
        assert [m.span() for m in breaks(rx, at_runs, text, pos, endpos)] == \
            [m.span() for m in rx.finditer(text, pos, endpos)]


def test_a_long_run_of_whitespace_is_split_in_linear_time():
    text = "\n" * 190_000 + "Regime forces shelled Douma, while the rebels clashed near Homs."
    started = time.perf_counter()
    found = clauses(text, Span.of(text, 0, len(text)))
    assert time.perf_counter() - started < 10  # minutes before
    assert [c.text for c in found] == ["Regime forces shelled Douma", "while the rebels clashed near Homs."]
    spaces = " " * 190_000 + "x"
    started = time.perf_counter()
    assert list(breaks(*PAIRS[1], spaces, 0, len(spaces))) == []
    assert time.perf_counter() - started < 10
