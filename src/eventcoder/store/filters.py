"""SQL for one checked filter (base.Filter): the column's own comparison, or ACLED's meaning of a field that
is no plain column here.

ACLED's API takes ``region`` (no column: the region of the event's country), ``interaction`` (a column of
incidents, computed from ``inter1``/``inter2`` for reports) and country names in any case
(``country=syria``). Field names come from a fixed list; values are always parameters.
"""
from __future__ import annotations

import re
from typing import Any

from .base import Filter, QueryError
from .countries import name_variants, region_members, region_names

NOTHING = ("1 = 0", [])
INTER_CODES = range(10)  # ACLED's actor kinds are 0-8


def _year_clause(f: Filter) -> tuple[str, list[Any]]:
    """``year`` filters as event_date ranges, so the date index serves them."""
    lo = [f"{y:04d}-01-01" for y in f.values]
    hi = [f"{y:04d}-12-31" for y in f.values]
    if f.op == "=":
        return "(" + " OR ".join("event_date BETWEEN ? AND ?" for _ in f.values) + ")", \
            [x for pair in zip(lo, hi) for x in pair]
    if f.op == "!=":
        return "(" + " AND ".join("event_date NOT BETWEEN ? AND ?" for _ in f.values) + ")", \
            [x for pair in zip(lo, hi) for x in pair]
    if f.op == "BETWEEN":
        return "event_date BETWEEN ? AND ?", [lo[0], hi[1]]
    bound = {"<": lo, "<=": hi, ">": hi, ">=": lo}[f.op][0]
    return f"event_date {f.op} ?", [bound]


def _like(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern),
                      re.IGNORECASE | re.DOTALL)


def _region_clause(f: Filter) -> tuple[str, list[Any]]:
    """``region``: the event's country (by ISO code, else by name) is one of the region's."""
    if f.op == "LIKE":
        wanted = [r for r in region_names() if _like(f.values[0]).fullmatch(r)]
    elif f.op in ("=", "!="):
        known = {r.casefold() for r in region_names()}
        unknown = [v for v in f.values if v.casefold() not in known]
        if unknown:
            raise QueryError(f"unknown region {unknown[0]!r}. Use one of: {', '.join(region_names())}")
        wanted = list(f.values)
    else:
        raise QueryError(f"region takes =, != or LIKE, not {f.op}. E.g. region=Middle East")
    numbers, names = region_members(wanted)
    if not numbers and not names:
        return NOTHING if f.op != "!=" else ("1 = 1", [])
    # COALESCE: never NULL, so that != is the exact complement of =
    sql = (f"(COALESCE(iso, -1) IN ({', '.join('?' * len(numbers)) or 'NULL'}) OR "
           f"(iso IS NULL AND country IN ({', '.join('?' * len(names)) or 'NULL'})))")
    return (f"NOT {sql}" if f.op == "!=" else sql), list(numbers) + list(names)


def _code(inter1: int, inter2: int) -> int:
    a, b = sorted((inter1, inter2))
    return a * 10 + b if a else b * 10  # dedup.interaction_code, the one ACLED defines


def _interaction_clause(f: Filter) -> tuple[str, list[Any]]:
    """A report's ``interaction``: the pairs (inter1, inter2) whose code matches, as inter1 * 10 + inter2."""
    v = f.values
    test = {"=": lambda c: c in v, "!=": lambda c: c not in v, "<": lambda c: c < v[0], "<=": lambda c: c <= v[0],
            ">": lambda c: c > v[0], ">=": lambda c: c >= v[0], "BETWEEN": lambda c: v[0] <= c <= v[1]}[f.op]
    pairs = sorted(a * 10 + b for a in INTER_CODES for b in INTER_CODES if test(_code(a, b)))
    if not pairs:
        return NOTHING
    return f"(inter1 * 10 + inter2) IN ({', '.join('?' * len(pairs))})", pairs


def filter_clause(f: Filter, computed: tuple[str, ...] = ()) -> tuple[str, list[Any]]:
    """SQL for one checked filter; ``computed``: fields the table has no column for (a report's interaction)."""
    if f.field == "year":
        return _year_clause(f)
    if f.field == "region":
        return _region_clause(f)
    if f.field in computed and f.field == "interaction":
        return _interaction_clause(f)
    col, values = f.field, list(f.values)
    if col == "country" and f.op in ("=", "!="):
        # ACLED's API matches country names in any case; the spellings are listed so the index still serves
        values = sorted({n for v in values for n in name_variants(v)})
    if f.op == "=":
        if len(values) == 1:
            return f"{col} = ?", values
        return f"{col} IN ({', '.join('?' * len(values))})", values
    if f.op == "!=":
        return f"{col} NOT IN ({', '.join('?' * len(values))})", values
    if f.op == "BETWEEN":
        return f"{col} BETWEEN ? AND ?", values
    if f.op == "LIKE":
        # LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        return f"LOWER({col}) LIKE LOWER(?)", values
    return f"{col} {f.op} ?", values
