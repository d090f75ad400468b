"""A record as the events of its clauses read it: what depends on the record alone, worked out once."""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

from ...knowledge.actornames import actor_kind
from ...knowledge.clauses import Lexicon
from ...knowledge.fatalities import FatalityCounter
from ...types import ActorMention, Record, Span
from .words import RoleRules

STAGE = "classify"  # the stage named in the provenance of every value it sets

# a coder's label opening the text ("Non-violent activity: ..."), which names no one
_HEADER_ONLY = re.compile(r"^\s*[A-Z][\w /-]{2,40}:\s*")


class Reading:
    """A record as the events of its clauses read it. What depends on the record alone is worked out once here,
    not again for each event: the document's country, the coder's label, which actors a role may go to (not a
    report's source), which are acted upon, which clauses are passive, the deaths a stretch reports (many events
    a document, and about ten actors; docs/performance.md#classify)."""

    def __init__(self, record: Record, lexicon: Lexicon, rules: RoleRules, counter: FatalityCounter):
        self.record = record
        self.text = text = record.text
        self.actors = record.actors
        self.lexicon = lexicon
        self.rules = rules
        self.counter = counter
        # the country of default actors ("Unidentified Armed Group (Kenya)"), as the actors stage inferred it
        self.country = (record.annotations.get("country") or {}).get("name", "")
        self.lower = text.lower() if text.isascii() else None  # for the patterns of words._without_case
        label = _HEADER_ONLY.match(text)
        self.label_end = label.end() if label else 0
        self._starts = [a.span.start for a in self.actors]
        self._in_order = all(a <= b for a, b in zip(self._starts, self._starts[1:]))
        self._whole: Optional[Span] = None
        self._may_act: dict[int, bool] = {}
        self._acted: dict[int, bool] = {}
        self._passive: dict[tuple[int, int], bool] = {}
        self._deaths: dict[tuple[int, int], tuple[int, Optional[Span], float]] = {}
        self._may_hold: dict[int, bool] = {}

    @property
    def whole(self) -> Span:
        if self._whole is None:
            self._whole = Span.of(self.text, 0, len(self.text))
        return self._whole

    def actors_in(self, start: int, end: int) -> list[ActorMention]:
        """The actors whose mention starts in [start, end), in the record's order (a slice when that order is
        the order of the text, as the actors stage gives them)."""
        if self._in_order:
            starts = self._starts
            return self.actors[bisect_left(starts, start):bisect_left(starts, end)]
        return [a for a in self.actors if start <= a.span.start < end]

    def may_act(self, actor: ActorMention) -> bool:
        """May ``actor`` take a role: a named group, or another actor that is not the source of the report
        ("according to a military spokesman")?"""
        known = self._may_act.get(id(actor))
        if known is None:
            known = self._may_act[id(actor)] = actor_kind(actor.name) == "group" or \
                not self.lexicon.is_source(self.text, actor.span.start, actor.span.end)
        return known

    def acted_upon(self, actor: ActorMention) -> bool:
        """RoleRules.acted_upon, once per actor."""
        known = self._acted.get(id(actor))
        if known is None:
            known = self._acted[id(actor)] = self.rules.acted_upon(self.text, actor, self.lower)
        return known

    def search(self, rx: re.Pattern, scope: Span) -> Optional[re.Match]:
        """``rx.search`` over ``scope``, skipped where the text holds none of the strings of the pattern's gate
        (``RoleRules.scope_gates``; an ASCII text only, as str.lower() folds other letters differently from re.I)."""
        may = self._may_hold.get(id(rx))
        if may is None:
            gate = self.rules.scope_gates.get(id(rx))
            may = self._may_hold[id(rx)] = self.lower is None or gate is None or \
                any(map(self.lower.__contains__, gate))
        return rx.search(self.text, scope.start, scope.end) if may else None

    def is_passive(self, clause: Span) -> bool:
        key = (clause.start, clause.end)
        known = self._passive.get(key)
        if known is None:
            known = self._passive[key] = self.lexicon.is_passive(self.text, clause.start, clause.end)
        return known

    def deaths(self, scope: Span) -> tuple[int, Optional[Span], float]:
        """The fatality count over ``scope`` (a note's events all count the whole text)."""
        key = (scope.start, scope.end)
        known = self._deaths.get(key)
        if known is None:
            known = self._deaths[key] = self.counter.count(self.text[scope.start:scope.end], offset=scope.start)
        return known
