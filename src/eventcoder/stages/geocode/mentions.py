"""Mentions: the places a text names without anything happening there, and the datelines.

A toponym is only mentioned (``Toponym.mention``: no vote for the document's country, no event's place) when
it is a time zone ("at 10:30 Moscow time"), names an agreement or talks after their venue ("the Astana peace
deal"), an embassy or envoy ("the Turkey embassy", "the ambassador to Kenya"), a country inside an
organisation's name ("the UN Mission in Liberia"), or, once places are chosen, a venue of diplomacy abroad ("a
deal signed in the Qatari capital, Doha", "talks in Geneva"). Where people went ("fled into Uganda", "on
their way to Somalia") is read like where they came from (``Toponym.origin``). The words before a toponym
may put something there ("in X", "across X", "northern X", "X's southeast": ``Toponym.locative``); a foreign
country named without such a word is an actor, a sponsor or a destination (link.py).

A dateline ("MOSUL, March 3 (Newswire) -", "KHARKIV (Newswire) -", "March 3, 2019 (GENEVA) -",
"Kismayo 12-03-2021,"), or an outlet's home on a line of its own ("Northern Star Radio (Kismayo)") or
before its kind ("a Baghdad daily"), says where the report was filed: a vote for the document's country
(country.py), no event's place (places.py), a place borrowed by no other sentence, and the last resort
before the capital of the document's country (link.py).
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
# what may stand before it on its line: nothing, a date and a bracket ("March 3, 2019 (GENEVA) -")
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:(?:[A-Z][a-z]+\s+\d{1,2},?\s*\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
                              r"\s*)?\(?$")
# an outlet's home on a line of its own: "Northern Star Radio (Kismayo)"
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
            if self._is_dateline(text, t) or w.outlet_re.match(text, t.end):
                t.dateline = True  # ("a Baghdad daily", "the Nairobi paper": the outlet's home)
            if self._may_end_in_tail(before):
                if w.destination_re.search(before):
                    t.origin = True
                if w.locative_re.search(before):
                    t.locative = True
            if w.locative_possessive_re.match(text, t.end):
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
        the Qatari capital, Doha", "talks in Geneva")."""
        if not country:
            return
        for t in toponyms:
            c = t.chosen
            if c is None or t.mention or c.country_code == country:
                continue
            lo, hi = sentence_around(text, t.start, t.end)
            if self.words.diplomacy_re.search(text, lo, hi):
                t.mention = "a venue of diplomacy abroad"

    def _may_end_in_tail(self, before: str) -> bool:
        """Whether the destination and locative patterns can match ``before``: its last word (past "the") is
        the last word of one of their phrases."""
        words = before[-24:].lower().split()
        if words and words[-1] == "the":
            words.pop()
        return bool(words) and words[-1] in self.words.before_tails

    @staticmethod
    def _is_dateline(text: str, t: Toponym) -> bool:
        """Whether ``t`` opens a line as a dateline, or stands in brackets as an outlet's home."""
        line_start = text.rfind("\n", 0, t.start) + 1
        if t.start - line_start > 80:
            return False  # a dateline or an outlet's line opens with at most a date and a bracket
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
    lo = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    m = _SENTENCE_END.search(text, end)
    return lo, m.start() if m else len(text)
