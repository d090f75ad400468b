"""Event dates: find the date expressions of a document and give each event the one that governs it.

Every expression is resolved against the publication date (``record.article.published``), never today:
absolute forms ("13 October 2015", "Oct. 13", "13/10/2015"), weekdays ("on Tuesday"), relative days
("yesterday", "last night", "two days ago"), weeks and weekends ("earlier this week", "last weekend":
time_precision 2), months and their parts ("this month", "in early October": time_precision 3) and ranges
("between 3 and 5 October": the first day, time_precision 2).

Each event takes, in order: the date of its own clause (the one that opens the clause, else the one that
follows the trigger, else the nearest to it), of its sentence, the nearest earlier one in its paragraph, the
date of the document's lead sentence (flag ``date_from_lead``), else the publication date at
``fallback_precision`` with the review flag ``date_from_publication``. No event is dated after publication.

``DateMention.kind`` is the form of the expression: "absolute", "day_month", "month", "month_part", "weekday",
"relative_day", "ago", "week", "weekend", "range", or "later" ("the next day", "two days later", counted from
the date before it). A suffix marks an expression that must not date an event: ``:bound`` (a limit such as
"since Tuesday", "until 5 May", or an attributive date that names another event: "the March 2012 bombing",
"the Thursday election"), ``:future`` (after publication, or in the future tense), ``:detail`` (a
parenthesised refinement of the date just before it), ``:unanchored`` (relative, with nothing to count from).

Annotations: none read or written.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Optional

from ..matching import AnchoredPattern, Scan
from ..config import DateSettings
from ..datetext import MONTHS, scan_absolute_dates
from ..matching import CaselessPattern, fold
from ..registry import stage
from ..knowledge.clauses import clause_of
from ..knowledge.resources import read_json
from ..types import DateMention, Event, Record, validated

STAGE = "dates"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@lru_cache(maxsize=1)
def load_lexicon() -> dict:
    """The cue words of ``knowledge/data/dates.json``."""
    return read_json("dates.json")


def _alternation(words) -> str:
    """A regex alternation of cue phrases, longest first, any whitespace between words."""
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) if " " in p else re.escape(p)
                    for p in sorted(words, key=len, reverse=True))


# Month names must be capitalised (or all capitals) so that the verb "may" and "march" are no months.
_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)
_FULL_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"}
_MONTH = "(?:" + "|".join(
    alt + ("" if name in _FULL_MONTHS else r"\.?")  # "Oct." keeps its dot, "October." does not
    for name in _MONTH_NAMES for alt in (name.capitalize(), name.upper())) + ")"
# Every pattern that names a month holds one of these (anchored.py): it runs only from a few word runs before it.
_MONTH_ANCHOR = "|".join(sorted({n[:3].capitalize() for n in MONTHS} | {n[:3].upper() for n in MONTHS}))
_SPACES = re.compile(r"\s+")
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d\d"
_WD = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"


def _phrase(text: str) -> str:
    """A matched cue phrase as the lexicon's keys write it: folded as re.I read it, one space between words."""
    return _SPACES.sub(" ", fold(text))


def _month_of(text: str) -> int:
    return MONTHS[fold(text.strip().rstrip("."))]


def _day_of(text: str) -> int:
    return int(re.match(r"\d+", text.strip()).group())


@dataclass
class _Found:
    """A date expression before it becomes a DateMention."""

    start: int
    end: int
    value: Optional[date]
    precision: int
    kind: str
    score: float = 1.0
    offset: int = 0  # days after the previous date, for "the next day", "two days later"


class DateFinder:
    """Finds and resolves the date expressions of a text against a publication date.

    Args:
        settings: the dates section of the settings.
    """

    def __init__(self, settings: DateSettings | None = None):
        self.settings = settings or DateSettings()
        lex = load_lexicon()
        self.numbers: dict[str, int] = lex["number_words"]
        self.vague = set(lex["vague_numbers"])
        self.month_parts: dict[str, int] = lex["month_parts"]
        num = r"(?:\d{1,2}|" + _alternation(self.numbers) + ")"
        parts = _alternation(self.month_parts)
        i = re.I
        self.rx_range = [
            # between 3 and 5 October (2015) / 3-5 October / from 3 to 5 October
            re.compile(r"\b(?:(?i:between|from)\s+)?(?P<d1>" + _DAY + r")\s*(?:and|to|until|till|-|–|—)\s*(?P<d2>"
                       + _DAY + r")\s+(?:of\s+)?(?P<m2>" + _MONTH + r")(?:,?\s+(?P<y>" + _YEAR + r"))?\b"),
            # between 30 April and 2 May (2020)
            re.compile(r"\b(?:(?i:between|from)\s+)?(?P<d1>" + _DAY + r")\s+(?P<m1>" + _MONTH
                       + r")\s*(?:and|to|until|till|-|–|—)\s*(?P<d2>" + _DAY + r")\s+(?P<m2>" + _MONTH
                       + r")(?:,?\s+(?P<y>" + _YEAR + r"))?\b"),
            # October 3-5(, 2015)
            re.compile(r"\b(?:(?i:between|from)\s+)?(?P<m2>" + _MONTH + r")\s+(?P<d1>" + _DAY
                       + r")\s*(?:and|to|until|till|-|–|—)\s*(?P<d2>" + _DAY + r")\b(?:,?\s+(?P<y>" + _YEAR + r"))?"),
        ]
        # a day and month followed by a year that find_absolute_dates rejected ("29 February 2015") is no date
        self.rx_day_month = re.compile(r"\b(?:the\s+)?(?P<d>" + _DAY + r")\s+(?:of\s+)?(?P<m>" + _MONTH
                                       + r")(?!\w)(?!,?\s+\d{4})")
        self.rx_month_day = re.compile(r"\b(?P<m>" + _MONTH + r")\s+(?:the\s+)?(?P<d>" + _DAY
                                       + r")(?!\w)(?![:.]\d|,?\s+\d{4}|\s*(?:%|km|people|\d))")
        self.rx_month_year = re.compile(r"\b(?:(?i:in|during|throughout)\s+)?(?:(?P<part>(?i:" + parts + r"))\s*)?(?<!\d )(?P<m>"
                                        + _MONTH + r")(?:\s+of)?,?\s+(?P<y>" + _YEAR + r")\b")
        self.rx_month = re.compile(r"\b(?:(?P<lead>(?i:in|during|throughout|since|until))\s+)?(?:(?P<part>(?i:" + parts
                                   + r"))\s*)?(?P<m>" + _MONTH + r")(?!\w)")
        self.rx_weekday = re.compile(r"\b(?:(?P<mod>last|this|past|next|on|early|late)\s+)?(?P<wd>" + _WD
                                     + r")(?:['’]s)?(?:\s+(?:night|morning|evening|afternoon))?\b", i)
        self.rx_relative_day = re.compile(
            r"\b(?P<w>the\s+day\s+before\s+yesterday|yesterday|last\s+night|overnight|earlier\s+today|today|tonight|"
            r"this\s+(?:morning|afternoon|evening)|tomorrow)\b", i)
        self.rx_ago = re.compile(r"\b(?P<n>" + num + r")\s+(?P<unit>day|week|month|year)s?\s+ago\b", i)
        self.rx_week = re.compile(
            r"\b(?P<w>(?:earlier|late|early)\s+(?:this|last)\s+week|earlier\s+in\s+the\s+week|(?:over\s+)?the\s+past\s+week|"
            r"this\s+week|last\s+week|next\s+week)\b", i)
        self.rx_weekend = re.compile(r"\b(?P<w>last|this|past|next|the|over\s+the|at\s+the)\s+weekend\b", i)
        self.rx_rel_month = re.compile(
            r"\b(?P<w>(?:earlier|early|late)\s+(?:this|last)\s+month|this\s+month|last\s+month|(?:over\s+)?the\s+past\s+month|"
            r"next\s+month)\b", i)
        # counted from the date before it in the text, not from publication
        self.rx_later = re.compile(r"\b(?:the\s+(?P<next>next|following)\s+day|(?P<n>" + num
                                   + r")\s+(?P<unit>day|week)s?\s+later)\b", i)
        # Each pattern runs only near an anchor (anchored.py): a word that every match holds at most ``runs`` word
        # runs from its start, counting the anchor's own run. The patterns open with \b and optional words, where re
        # tries the whole pattern at every character (docs/performance.md#dates).
        self.rx_range = [AnchoredPattern(rx, _MONTH_ANCHOR, runs) for rx, runs in zip(self.rx_range, (
            6,  # between | 3 | and | 5 | of | October
            3,  # between | 30 | April
            2,  # between | October
        ))]
        self.rx_day_month = AnchoredPattern(self.rx_day_month, _MONTH_ANCHOR, runs=4)  # the | 3 | of | October
        self.rx_month_day = AnchoredPattern(self.rx_month_day, _MONTH_ANCHOR, runs=1)
        # during | second | half | of | October
        self.rx_month_year = AnchoredPattern(self.rx_month_year, _MONTH_ANCHOR, runs=5)
        self.rx_month = AnchoredPattern(self.rx_month, _MONTH_ANCHOR, runs=5)
        self.rx_weekday = AnchoredPattern(self.rx_weekday, "day", runs=2)  # last | Monday
        # the | day (before yesterday), last | night, earlier | today, this | morning, tomorrow
        self.rx_relative_day = AnchoredPattern(self.rx_relative_day, "day|night|this|tomorrow", runs=2)
        self.rx_ago = AnchoredPattern(self.rx_ago, "ago", runs=5)  # a | couple | of | days | ago
        self.rx_week = AnchoredPattern(self.rx_week, "week", runs=4)  # earlier | in | the | week
        self.rx_weekend = AnchoredPattern(self.rx_weekend, "weekend", runs=3)  # over | the | weekend
        self.rx_rel_month = AnchoredPattern(self.rx_rel_month, "month", runs=4)  # over | the | past | month
        # the | next (day), a | couple | of | weeks | later
        self.rx_later = AnchoredPattern(self.rx_later, "next|following|later", runs=5)
        # The cue patterns below open with \b, so re tries them at every character of the text before a date;
        # gated, they run only where one of their words stands (docs/performance.md#dates)
        self.rx_approx_before = CaselessPattern(
            re.compile(r"(?:\b(?:" + _alternation(lex["approximate_before"]) + r"))\s*$", i))
        self.rx_approx_after = re.compile(r"^\s*[\(\[,]?\s*(?:" + _alternation(lex["approximate_after"]) + r")\b", i)
        self.rx_bound = CaselessPattern(re.compile(r"\b(?:" + _alternation(lex["bound_before"]) + r")\s+(?:the\s+)?$", i))
        self.rx_future = CaselessPattern(re.compile(r"\b(?:" + _alternation(lex["future_cues"]) + r")\b", i))
        self.rx_on_or = re.compile(r"\bon\s+or\s+before\s+$", i)

    # ---- public API ---------------------------------------------------------------------------------

    def find(self, text: str, published: Optional[date]) -> list[DateMention]:
        """Every date expression of ``text``, resolved against ``published``, in text order.

        Args:
            text: the document body (or any text).
            published: the publication date; relative expressions stay unresolved (``:unanchored``)
                when it is None.
        Returns:
            DateMentions whose ``kind`` tells the form and, by a suffix, whether it may date an event.
        """
        found = self._candidates(text, published)
        found = self._drop_overlaps(found)
        self._mark_context(text, published, found)
        return [validated(DateMention, {"span": {"start": f.start, "end": f.end, "text": text[f.start:f.end]},
                                        "value": f.value, "time_precision": f.precision, "score": f.score,
                                        "kind": f.kind})
                for f in found]

    # ---- recognition --------------------------------------------------------------------------------

    def _candidates(self, text: str, pub: Optional[date]) -> list[_Found]:
        scan = Scan(text)
        out: list[_Found] = []
        for start, end, d in scan_absolute_dates(scan, self.settings.day_first):
            out.append(_Found(start, end, d, 1, "absolute"))
        out += self._month_candidates(scan, pub)
        out += [self._weekday(text, m, pub) for m in self.rx_weekday.finditer(scan)]
        out += [self._relative_day(m, pub) for m in self.rx_relative_day.finditer(scan)]
        out += [self._ago(m, pub) for m in self.rx_ago.finditer(scan)]
        out += [self._week(m, pub) for m in self.rx_week.finditer(scan)]
        out += [self._weekend(m, pub) for m in self.rx_weekend.finditer(scan)]
        out += [self._relative_month(m, pub) for m in self.rx_rel_month.finditer(scan)]
        out += self._later_candidates(scan)
        return [f for f in out if f is not None]

    def _month_candidates(self, scan: Scan, pub: Optional[date]) -> list[Optional[_Found]]:
        """Dates that name a month: ranges, day and month, month and year, a month after a lead word."""
        out: list[Optional[_Found]] = []
        for rx in self.rx_range:
            for m in rx.finditer(scan):
                f = self._range(m, pub)
                if f:
                    out.append(f)
        for m in self.rx_month_year.finditer(scan):
            day = self._part_day(m["part"])
            out.append(_Found(m.start(), m.end(), _make(int(m["y"]), _month_of(m["m"]), day), 3, "month_part" if m["part"] else "month"))
        for rx in (self.rx_day_month, self.rx_month_day):
            for m in rx.finditer(scan):
                month, day = _month_of(m["m"]), _day_of(m["d"])
                out.append(_Found(m.start(), m.end(), self._infer_year(month, day, pub), 1, "day_month"))
        for m in self.rx_month.finditer(scan):
            # a bare month name is a date only with a lead word or a part ("in May", "late October")
            if not (m["lead"] or m["part"]):
                continue
            kind = "month_part" if m["part"] else "month"
            if m["lead"] and fold(m["lead"]) in ("since", "until"):
                kind += ":bound"
            out.append(_Found(m.start(), m.end(), self._infer_year(_month_of(m["m"]), self._part_day(m["part"]), pub),
                              3, kind))
        return out

    def _later_candidates(self, scan: Scan) -> list[_Found]:
        """"The next day", "two weeks later": offsets from the date before them, resolved in context."""
        out: list[_Found] = []
        for m in self.rx_later.finditer(scan):
            if m["next"]:
                days = 1
            else:
                raw = _phrase(m["n"])
                days = (int(raw) if raw.isdigit() else self.numbers[raw]) * (7 if fold(m["unit"]) == "week" else 1)
            out.append(_Found(m.start(), m.end(), None, 1, "later", score=0.9))
            out[-1].offset = days
        return out

    def _part_day(self, part: Optional[str]) -> int:
        if not part:
            return 1
        return self.month_parts[_phrase(part.strip())]

    def _infer_year(self, month: int, day: int, pub: Optional[date]) -> Optional[date]:
        """The date with the year left out: the publication year, or the year before when that would fall
        more than ``future_window_days`` after publication (a yearless date shortly ahead is a plan, which
        ``_mark_context`` marks ``:future``)."""
        if pub is None:
            return None
        d = _make(pub.year, month, day)
        if d is None:  # 29 February in a common year: the last leap year before
            for y in range(pub.year - 1, pub.year - 8, -1):
                d = _make(y, month, day)
                if d:
                    return d
            return None
        if d > pub and (d - pub).days > self.settings.future_window_days:
            d = _make(pub.year - 1, month, day)
        return d

    def _range(self, m: re.Match, pub: Optional[date]) -> Optional[_Found]:
        m2 = _month_of(m["m2"])
        m1 = _month_of(m["m1"]) if "m1" in m.groupdict() and m["m1"] else m2
        d1, d2 = _day_of(m["d1"]), _day_of(m["d2"])
        if m1 == m2 and d1 >= d2:
            return None  # "5-3 October" is no range; "12-15" scores are not dates either
        if m["y"]:
            end = _make(int(m["y"]), m2, d2)
        else:
            end = self._infer_year(m2, d2, pub)
        if end is None:
            return _Found(m.start(), m.end(), None, 2, "range")
        start = _make(end.year if m1 <= m2 else end.year - 1, m1, d1)
        if start is None:
            return None
        precision = 2 if (end - start).days <= 7 else 3
        return _Found(m.start(), m.end(), start, precision, "range")

    def _weekday(self, text: str, m: re.Match, pub: Optional[date]) -> _Found:
        wd = WEEKDAYS.index(fold(m["wd"]))  # fold: re.I matched "ſunday" and "SUNDAY" too
        mod = fold(m["mod"] or "")
        if pub is None:
            return _Found(m.start(), m.end(), None, 1, "weekday")
        back = (pub.weekday() - wd) % 7
        if mod in ("last", "past") and back == 0:
            back = 7  # "last Tuesday" written on a Tuesday is a week ago
        sentence_before = text[max(0, text.rfind(".", 0, m.start()) + 1, m.start() - 80):m.start()]
        if mod == "next" or (mod != "last" and self.rx_future.search(sentence_before)):
            # future tense: the publication day itself when it is that weekday, else the coming one
            ahead = (wd - pub.weekday()) % 7
            return _Found(m.start(), m.end(), pub + timedelta(days=ahead), 1, "weekday")
        if mod == "this" and (wd - pub.weekday()) % 7 and wd > pub.weekday():
            # "this Thursday" in a week whose Thursday is still to come
            return _Found(m.start(), m.end(), pub + timedelta(days=wd - pub.weekday()), 1, "weekday")
        # AP style names the weekday even for the publication day, so a matching weekday is that day
        return _Found(m.start(), m.end(), pub - timedelta(days=back), 1, "weekday")

    def _relative_day(self, m: re.Match, pub: Optional[date]) -> _Found:
        w = _phrase(m["w"])
        offset = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1}.get(w, 0)
        value = pub + timedelta(days=offset) if pub else None
        return _Found(m.start(), m.end(), value, 1, "relative_day")

    def _ago(self, m: re.Match, pub: Optional[date]) -> _Found:
        raw = _phrase(m["n"])
        n = int(raw) if raw.isdigit() else self.numbers[raw]
        unit = fold(m["unit"])
        vague = raw in self.vague
        if pub is None:
            return _Found(m.start(), m.end(), None, 1, "ago")
        if unit == "day":
            return _Found(m.start(), m.end(), pub - timedelta(days=n), 2 if vague else 1, "ago")
        if unit == "week":
            return _Found(m.start(), m.end(), pub - timedelta(days=7 * n), 2, "ago")
        if unit == "month":
            return _Found(m.start(), m.end(), _months_back(pub, n), 3, "ago")
        return _Found(m.start(), m.end(), _make(pub.year - n, 1, 1), 3, "ago:bound")  # years: no day, no month

    def _week(self, m: re.Match, pub: Optional[date]) -> _Found:
        w = _phrase(m["w"])
        if pub is None:
            return _Found(m.start(), m.end(), None, 2, "week")
        monday = pub - timedelta(days=pub.weekday())
        if "next" in w:
            return _Found(m.start(), m.end(), monday + timedelta(days=7), 2, "week")
        if "past week" in w:
            # a period that ends at publication is dated by the report, as ACLED does
            return _Found(m.start(), m.end(), pub, 2, "week")
        if "last" in w:
            start = monday - timedelta(days=7)
            if w.startswith("late"):
                start += timedelta(days=3)  # late last week: from Thursday
            return _Found(m.start(), m.end(), start, 2, "week")
        return _Found(m.start(), m.end(), monday, 2, "week")

    def _weekend(self, m: re.Match, pub: Optional[date]) -> _Found:
        w = _phrase(m["w"])
        if pub is None:
            return _Found(m.start(), m.end(), None, 2, "weekend")
        last_saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)  # latest Saturday on or before pub
        if w == "next":
            return _Found(m.start(), m.end(), last_saturday + timedelta(days=7), 2, "weekend")
        if w in ("last", "past"):
            # the last weekend that is over: on a Sunday, the one before
            if last_saturday + timedelta(days=1) >= pub:
                last_saturday -= timedelta(days=7)
        return _Found(m.start(), m.end(), last_saturday, 2, "weekend")

    def _relative_month(self, m: re.Match, pub: Optional[date]) -> _Found:
        w = _phrase(m["w"])
        if pub is None:
            return _Found(m.start(), m.end(), None, 3, "month")
        if "next" in w:
            return _Found(m.start(), m.end(), _months_back(pub, -1), 3, "month")
        if "past month" in w:
            return _Found(m.start(), m.end(), pub, 3, "month")
        first = _months_back(pub, 1) if "last" in w else pub.replace(day=1)
        if w.startswith("late"):
            first = first.replace(day=21)
        return _Found(m.start(), m.end(), first, 3, "month_part" if w.startswith(("late", "early")) else "month")

    # ---- choosing among overlapping matches and reading the context ---------------------------------

    @staticmethod
    def _drop_overlaps(found: list[_Found]) -> list[_Found]:
        """Keep the longest expression where matches overlap (a range over its days, "13 October 2015"
        over "13 October"), in text order."""
        kept: list[_Found] = []
        for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
            if all(f.end <= k.start or f.start >= k.end for k in kept):
                kept.append(f)
        kept.sort(key=lambda f: f.start)
        # "Monday [14 March]", "Sunday, 20 August", "14 March (Monday)": the weekday adds nothing
        out: list[_Found] = []
        for f in kept:
            if out and _adjacent(out[-1], f) and out[-1].kind == "weekday" and f.kind in ("absolute", "day_month"):
                out[-1] = f
                continue
            if out and _adjacent(out[-1], f) and f.kind == "weekday" and out[-1].kind in ("absolute", "day_month"):
                continue
            out.append(f)
        return out

    def _mark_context(self, text: str, pub: Optional[date], found: list[_Found]) -> None:
        prev: Optional[_Found] = None
        for i, f in enumerate(found):
            if f.kind == "later":
                # "the next day", "two days later": from the last date that may date an event, at its precision
                anchor = next((p for p in reversed(found[:i]) if p.value and ":" not in p.kind), None)
                if anchor is None:
                    f.kind += ":unanchored"
                    prev = f
                    continue
                f.value = anchor.value + timedelta(days=f.offset)
                f.precision = max(anchor.precision, 2 if f.offset >= 7 else 1)
            before = text[max(0, f.start - 30):f.start]
            after = text[f.end:f.end + 40]
            if f.kind.endswith(":bound"):
                pass
            elif prev is not None and re.fullmatch(r"\s*[\(\[]\s*(?:(?:between|from)\s+)?", text[prev.end:f.start]):
                f.kind += ":detail"  # "Around 1 May (between 30 April and 2 May)": the first date governs
            elif self.rx_bound.search(before) and not self.rx_on_or.search(before):
                f.kind += ":bound"
            elif _ATTRIBUTIVE_BEFORE.search(before) and _ATTRIBUTIVE_AFTER.match(after):
                f.kind += ":bound"  # attributive: "the March 2012 bombing", "the Thursday election" name another event
            elif f.value is None and (pub is None or f.kind == "later"):
                f.kind += ":unanchored"
            elif f.value is not None and pub is not None and f.value > pub:
                f.kind += ":future"
            if f.precision == 1 and (self.rx_approx_before.search(before) or self.rx_approx_after.search(after)):
                f.precision = 2
            prev = f


_ATTRIBUTIVE_BEFORE = re.compile(r"\bthe\s+$", re.I)
# a word after the date that is not a function word: the date modifies a noun
_ATTRIBUTIVE_AFTER = re.compile(r"\s+(?!(?:in|on|at|of|and|or|to|when|as|by|for|from|with|after|before|while|the|a|an|"
                                r"was|were|is|are|had|has|that|which|night|morning|evening|afternoon)\b)[A-Za-z]{3,}", re.I)


def _adjacent(a: _Found, b: _Found) -> bool:
    return b.start - a.end <= 3


def _make(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _months_back(d: date, n: int) -> date:
    """The first day of the month ``n`` months before ``d`` (after, when n < 0)."""
    index = d.year * 12 + (d.month - 1) - n
    return date(index // 12, index % 12 + 1, 1)


def usable(mention: DateMention) -> bool:
    """Whether a mention may date an event (resolved, not a bound, not a detail, not in the future)."""
    return mention.value is not None and ":" not in mention.kind


# ---- linking events to dates ------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class _Doc:
    """The per-record lookups the linker needs: usable mentions by position, paragraphs, sentences."""

    def __init__(self, record: Record):
        self.record = record
        self.mentions = [m for m in record.dates if usable(m)]
        self.starts = [m.span.start for m in self.mentions]
        self.paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(record.text)]
        first = record.sentences[0] if record.sentences else None
        self.lead = next((m for m in self.mentions if first and first.contains(m.span)), None)

    def paragraph_start(self, offset: int) -> int:
        return self.paragraph_starts[bisect.bisect_right(self.paragraph_starts, offset) - 1]

    def within(self, start: int, end: int) -> list[DateMention]:
        """Usable mentions that lie inside [start, end)."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[lo:hi] if m.span.end <= end]


# the words that may stand before a date that opens its clause ("On 30 April 2020, ...", "Around 1 May 2020 (as
# reported), ...", "Reported on 4 March 2020, ...")
_OPENS = re.compile(r"\s*(?:(?:on|around|about|approximately|as\s+reported\s+on|reported\s+on|in|during|between|from|"
                    r"early|late|last|this|since)\s+)?", re.I)


def choose_date(doc: _Doc, event: Event) -> tuple[Optional[DateMention], float, str]:
    """The mention that dates ``event``, its score and why; None when no mention governs it."""
    text = doc.record.text
    ev = event.evidence
    trigger = event.provenance.get("sub_event_type")
    point = trigger.evidence.start if trigger and trigger.evidence and ev.contains(trigger.evidence) else None
    own = doc.within(ev.start, ev.end)
    if own:
        if point is not None and len(own) > 1:
            lo, hi = clause_of(text, ev, point)
            in_clause = [m for m in own if lo <= m.span.start < hi] or own
            if _OPENS.fullmatch(text[lo:in_clause[0].span.start]):
                # "On 3 May, X did Y following clashes that started on 2 May": the opening date frames the
                # clause; later dates sit in subordinate clauses (dev notes: the first date is the coded one in
                # 1,227 of 1,236 notes with a date, bench/eval_dates_dev.py)
                return in_clause[0], 1.0, "the date that opens the event's clause"
            after = [m for m in in_clause if m.span.start >= point and "," not in text[point:m.span.start]]
            if after:  # "attacked a bus on Monday", "a clash that broke out on Wednesday"
                return after[0], 1.0, "the date that follows the event's trigger"
            return min(in_clause, key=lambda m: abs(m.span.start - point)), 1.0, "the date of the event's own clause"
        return own[0], 1.0, "the date of the event's own clause"
    sentence = doc.record.sentence_of(ev)
    if sentence is not None:
        in_sentence = doc.within(sentence.start, sentence.end)
        if in_sentence:
            return in_sentence[0], 0.9, "the date of the event's sentence"
    at = ev.start + (len(ev.text) - len(ev.text.lstrip()))  # sentences may begin with the blank line before them
    para = doc.paragraph_start(at)
    earlier = doc.within(para, ev.start)
    if earlier:
        return earlier[-1], 0.7, "the nearest earlier date in the paragraph"
    if doc.lead is not None and doc.lead.span.start < ev.start:
        return doc.lead, 0.5, "the date of the document's lead sentence"
    return None, 0.0, ""


@stage(STAGE, requires=("record.sentences", "record.events"),
       assigns=("record.dates", "event.event_date", "event.time_precision", "event.flags"))
class DateResolver:
    """Fills ``record.dates`` and each event's ``event_date`` and ``time_precision``."""

    def __init__(self, settings: DateSettings | None = None):
        self.settings = settings or DateSettings()
        self.finder = DateFinder(self.settings)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            self.process(record)
        return records

    def process(self, record: Record) -> Record:
        """Find the dates of one record and date its events."""
        published = record.article.published
        record.dates = self.finder.find(record.text, published)
        if published is None and record.events:
            record.problem("W330", STAGE, "no publication date: relative dates stay unresolved. Give the document "
                           "a 'published' field or run with --published YYYY-MM-DD")
        doc = _Doc(record)
        for event in record.events:
            self.date_event(doc, event, published)
        return record

    def date_event(self, doc: _Doc, event: Event, published: Optional[date]) -> None:
        mention, score, why = choose_date(doc, event)
        if mention is not None:
            event.set("event_date", mention.value.isoformat(), stage=STAGE, evidence=mention.span,
                      score=round(score * mention.score, 3), note=why)
            event.set("time_precision", mention.time_precision, stage=STAGE, evidence=mention.span,
                      score=round(score * mention.score, 3), note=why)
            if score < 0.7:
                event.flag("date_from_lead")
            return
        if published is None:
            event.set("event_date", None, stage=STAGE, score=0.0, note="no date in the text and no publication date")
            event.set("time_precision", None, stage=STAGE, score=0.0, note="no date")
            event.flag("date_unresolved")
            return
        note = "no date governs the event: the publication date"
        precision = self.settings.fallback_precision
        event.set("event_date", published.isoformat(), stage=STAGE, score=0.4, note=note)
        event.set("time_precision", precision, stage=STAGE, score=0.4, note=note)
        event.flag("date_from_publication")
