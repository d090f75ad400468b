"""The dead of an event (the convention of ``knowledge/fatalities.py``), and the sentence after an event that only
gives its casualties ("A roadside bomb struck a convoy. The army reported two soldiers wounded."), whose dead
count for that event (``follow_on`` in ``data/triggers.json``)."""
from __future__ import annotations

from bisect import bisect_right

from ...knowledge.actornames import actor_kind
from ...knowledge.clauses import Cue, Lexicon
from ...types import Event, Span
from .reading import STAGE, Reading
from .words import RoleRules


def set_fatalities(doc: Reading, ev: Event, scope: Span, only_more: bool = False) -> None:
    """The deaths ``scope`` reports, with their span; ``only_more``: only when they exceed the event's."""
    n, fev, fscore = doc.deaths(scope)
    if only_more and n <= (ev.fatalities or 0):
        return
    ev.set("fatalities", n, stage=STAGE, evidence=fev, score=fscore)
    if fscore < 0.7:
        ev.flag("vague_fatalities")


class FollowOn:
    """Is a clause the casualty report of the event just before it?"""

    def __init__(self, lexicon: Lexicon, rules: RoleRules):
        self.lexicon = lexicon
        self.rules = rules

    def adds_to(self, doc: Reading, starts: list[int], last: tuple[Event, int, Span], clause: Span,
                live: list[Cue]) -> bool:
        """Does ``clause`` (with the cues ``live`` at or above the trigger weight) only give the casualties of the
        event ``last`` (the event, its sentence, its clause): no cue of its own, or casualty cues only, in the
        next sentence of the same paragraph, with no side acting in it?"""
        return (not live or self.lexicon.casualty_only(live)) and self._follows(doc.text, starts, last, clause) \
            and not self._acts(doc, clause, live)

    @staticmethod
    def _follows(text: str, starts: list[int], last: tuple[Event, int, Span], clause: Span) -> bool:
        """Is ``clause`` in the sentence right after the last event's, in the same paragraph?"""
        _, sent, ev_clause = last
        return bisect_right(starts, clause.start) - 1 == sent + 1 and "\n\n" not in text[ev_clause.end:clause.start]

    def _acts(self, doc: Reading, clause: Span, cues: list[Cue]) -> bool:
        """Does a side named before the clause's first cue act in it ("On the same day, X killed dozens"),
        rather than report it ("The army reported two soldiers wounded") or suffer it?"""
        if not cues:
            return False
        text = doc.text
        first = min(c.start for c in cues)
        for a in doc.actors_in(clause.start, clause.end):
            if a.span.start >= first or actor_kind(a.name) == "civilians":
                continue
            between = text[a.span.end:first]
            if self.lexicon.reporting is not None and self.lexicon.reporting.search(between):
                continue
            if self.rules.only_auxiliary.match(between) or \
                    (not between.strip() and self.rules.counted.search(text[max(0, a.span.start - 30):a.span.start])):
                continue  # "two soldiers wounded", "soldiers were killed": they suffer it ("forces killed" act)
            if doc.acted_upon(a):
                continue
            return True
        return False
