"""Absolute dates written out in text ("13 October 2015", "Oct. 13, 2015", "2015-10-13", "13/10/2015").

Shared by ingest (header date lines) and the dates stage. Pure and fast: regexes, no dateparser.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from .matching import AnchoredPattern, Scan, alternation, fold

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# a prefix tree of the month names: the same matches as "september|february|...|may", 3x faster under re.I
_MONTH = r"(?P<month>" + alternation(MONTHS, ignorecase=True) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

# Neither pattern opens with \b, so re tries each at every character: the lookahead (a letter a weekday or a month
# can begin with, or a digit) is implied by the pattern and turns most characters away in one step
# (docs/performance.md#the-matching-seam).
DAY_MONTH_YEAR = re.compile(r"(?=[\dmtwfs])" + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.I)
MONTH_DAY_YEAR = re.compile(r"(?=[mtwfsjaond])" + _WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.I)
ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
NUMERIC_DATE = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})\b")
# Every match holds its year, so each pattern runs only from a few word runs before a four-digit number
# (matching/anchored.py): the runs from a match's start to its year, "Monday, 13th of October 2015", "10/13/2015".
_YEAR_ANCHOR = r"\d\d\d\d"
_DAY_MONTH_YEAR = AnchoredPattern(DAY_MONTH_YEAR, _YEAR_ANCHOR, runs=5)
_MONTH_DAY_YEAR = AnchoredPattern(MONTH_DAY_YEAR, _YEAR_ANCHOR, runs=4)
_ISO_DATE = AnchoredPattern(ISO_DATE, _YEAR_ANCHOR, runs=1)
_NUMERIC_DATE = AnchoredPattern(NUMERIC_DATE, _YEAR_ANCHOR, runs=3)


def _make(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_absolute_dates(text: str, day_first: bool = True) -> list[tuple[int, int, date]]:
    """Every full date (day, month and year) in ``text``, as (start, end, date), in text order.

    Args:
        text: any text.
        day_first: read 03/10/2015 as 3 October (the convention of most conflict reporting outside the US).
    """
    return scan_absolute_dates(Scan(text), day_first)


def scan_absolute_dates(scan: Scan, day_first: bool = True) -> list[tuple[int, int, date]]:
    """``find_absolute_dates`` of ``scan.text``, for a caller that runs other anchored patterns on the text."""
    found: list[tuple[int, int, date]] = []
    for rx in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in rx.finditer(scan):
            d = _make(int(m["year"]), MONTHS[fold(m["month"])], int(m["day"]))
            if d:
                found.append((m.start(), m.end(), d))
    for m in _ISO_DATE.finditer(scan):
        d = _make(int(m["year"]), int(m["month"]), int(m["day"]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC_DATE.finditer(scan):
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if day_first else (b, a)
        d = _make(int(m["year"]), month, day) or _make(int(m["year"]), day, month)
        if d:
            found.append((m.start(), m.end(), d))
    found.sort()
    out: list[tuple[int, int, date]] = []
    for f in found:  # drop a match nested in an earlier one
        if not out or f[0] >= out[-1][1]:
            out.append(f)
    return out


def parse_date_line(line: str, day_first: bool = True) -> Optional[date]:
    """The date of a line that is only a date (a dateline in an article header), else None."""
    line = line.strip().strip("|·-–— ").strip()
    if not line or len(line) > 60:
        return None
    hits = find_absolute_dates(line, day_first)
    if len(hits) != 1:
        return None
    start, end, d = hits[0]
    rest = (line[:start] + line[end:]).strip(" ,.|-–—:")
    # allow "Published", "Updated", a time, a place-less byline fragment of a few words
    if len(rest) > 30:
        return None
    return d
