"""Mentions: the places a text names without anything happening there, and the datelines.

A toponym is only mentioned (``Toponym.mention``: no vote for the document's country, no event's place) when
it is a time zone ("at 23:00 Moscow time"), names an agreement or talks after their venue ("the Minsk peace
deal"), an embassy or envoy ("the Turkey embassy", "the ambassador to Kenya"), a country inside an
organisation's name ("the UN Mission in Sudan"), or, once places are chosen, a venue of diplomacy abroad ("a
deal signed in the Belarusian capital, Minsk", "talks in Geneva"). Where people went ("fled into Uganda", "on
their way to Somalia") is read like where they came from (``Toponym.origin``). The words before a toponym
may put something there ("in X", "across X", "northern X", "X's southeast": ``Toponym.locative``); a foreign
country named without such a word is an actor, a sponsor or a destination (link.py).

A dateline ("MOGADISHU, March 3 (Reuters) -", "JERUSALEM (AP) -", "December 14, 2017 (NEW YORK) -",
"Mogadishu 25-08-2020,") or an outlet's home on a line of its own ("Shabelle Media Network (Mogadishu)") says
where the report was filed: a vote for the document's country (country.py), and an event's place only when
its own sentence names nothing better (places.py), never a place borrowed by other sentences (link.py).
The word lists are ``data/gazetteer/mentions.json``.
"""
from __future__ import annotations

import re
from typing import Optional

from .toponyms import Toponym
from .words import GeoWords

# what may follow a dateline's place before its dash: a country in capitals, a date, an agency in brackets
_DATELINE_AFTER = re.compile(
    r"\)?(?:,?\s*[A-Z]{3,}(?:\s+[A-Z]{3,})*)?"
    r"(?:,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s*\d{4})?|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}))?"
    r"\s*(?:\([^()\n]{2,40}\))?\s*(?:[-–—]|,(?=\s*\w))")
# what may stand before it on its line: nothing, a date and a bracket ("December 14, 2017 (NEW YORK) -")
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:(?:[A-Z][a-z]+\s+\d{1,2},?\s*\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
                              r"\s*)?\(?$")
# an outlet's home on a line of its own: "Shabelle Media Network (Mogadishu)"
_HOME_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][\w'’&.-]*(?:[ \t]+[\w'’&.-]+){0,6}[ \t]*\($")
_HOME_AFTER = re.compile(r"\)[ \t]*(?:\n|$)")
_SENTENCE_END = re.compile(r"[.!?\n]")


class MentionReader:
    """Marks the toponyms that are only mentioned, the datelines, and what the words before each say."""

    def __init__(self, words: GeoWords):
        self.words = words

    def mark(self, text: str, toponyms: list[Toponym]) -> None:
        """Read the words around each toponym of ``text`` (before places are chosen)."""
        w = self.words
        for t in toponyms:
            before = text[max(0, t.start - 40):t.start]
            after_end = t.cue_end or t.end
            if self._is_dateline(text, t):
                t.dateline = True
            if w.destination_re.search(before):
                t.origin = True
            if w.locative_re.search(before) or w.locative_possessive_re.match(text, t.end):
                t.locative = True
            if t.mention:
                continue
            if w.time_zone_re.match(text, t.end):
                t.mention = "a time zone"
            elif w.agreement_re.match(text, t.end) or w.agreement_re.match(text, after_end):
                t.mention = "names an agreement or talks after their venue"
            elif w.embassy_re.match(text, t.end) or w.embassy_before_re.search(before):
                t.mention = "an embassy or envoy of the place, which lies elsewhere"
            elif w.seat_re.search(before):
                t.mention = "part of an organisation's name"

    def mark_venues(self, text: str, toponyms: list[Toponym], country: Optional[str]) -> None:
        """A place abroad named in a clause about diplomacy is a venue, no event's place ("a deal signed in
        the Belarusian capital, Minsk", "talks in Geneva")."""
        if not country:
            return
        for t in toponyms:
            c = t.chosen
            if c is None or t.mention or c.country_code == country:
                continue
            lo, hi = sentence_around(text, t.start, t.end)
            if self.words.diplomacy_re.search(text, lo, hi):
                t.mention = "a venue of diplomacy abroad"

    @staticmethod
    def _is_dateline(text: str, t: Toponym) -> bool:
        """Whether ``t`` opens a line as a dateline, or stands in brackets as an outlet's home."""
        line_start = text.rfind("\n", 0, t.start) + 1
        head = text[line_start:t.start]
        if _HOME_BEFORE.search(text, line_start, t.start) and _HOME_AFTER.match(text, t.end):
            return True
        if not _DATELINE_BEFORE.search(text, max(0, line_start - 1), t.start):
            return False
        after = _DATELINE_AFTER.match(text, t.end)
        if after is None:
            return False
        # a capitalised place before a comma opens many sentences ("Kabul, the capital, ..."): only a place in
        # capitals, or one followed by a date or a bracketed agency, is a dateline
        tail = text[t.end:after.end()]
        return t.text.isupper() or "(" in head or bool(re.search(r"\d|\(", tail))


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of ``text`` around ``start:end`` up to the nearest sentence ends."""
    lo = start
    while lo > 0 and not _SENTENCE_END.match(text, lo - 1):
        lo -= 1
    m = _SENTENCE_END.search(text, end)
    return lo, m.start() if m else len(text)
