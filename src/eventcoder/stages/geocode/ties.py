"""Tied places: a place another clause of the document gives events of the event's type and actors.

An event placed no finer than its own country (or not at all) takes the place of a clause that names events
of its type with its actors: actor1 is the last actor named at or before a word for such an event and actor2
(when the event has one) its object ("the Russian strikes on IS in A-Raqqa"), and the clause names a place
finer than a country. The question an interview answer replies to comes first ("Has IS brought its officer to
Deir e-Zor?" -> "I have no confirmed information about IS leaders being brought"), then the nearest such
clause. Questions report no events but may place them; the place is at most as precise as "in the area" (2),
and the event is flagged ``geo_tied``.
"""
from __future__ import annotations

import re
from typing import Optional

from ...knowledge.actornames import actor_kind
from ...knowledge.clauses import Lexicon, clauses
from ...knowledge.interviews import governing_question
from ...types import Event, Record, Span
from .places import Found, PlaceReader
from .toponyms import Toponym

# what stands between a word for an attack and its target: "strikes on IS", "raids against the rebels"
_OBJECT_GAP = re.compile(r"^\s*(?:on|against|targeting|that\s+(?:have\s+|had\s+)?targeted|hitting|at)\s+(?:the\s+)?$", re.I)


class TiedPlaces:
    """Finds the place other clauses tie to an event."""

    def __init__(self, lexicon: Lexicon, places: PlaceReader):
        self.lexicon = lexicon
        self.places = places

    def place(self, record: Record, ev: Event, toponyms: list[Toponym], country: Optional[str]) -> Optional[Found]:
        """The place a clause of another sentence ties to ``ev``, if any."""
        if not ev.actor1 or not ev.event_type:
            return None
        for clause in self._clauses_by_distance(record, ev):
            idx = [i for i, t in enumerate(toponyms) if clause.start <= t.start and t.end <= clause.end
                   and t.chosen is not None and t.chosen.kind != "country"]
            if not idx or not self._ties(record, ev, clause):
                continue
            found = self.places.event_place(toponyms, idx, country)
            if found is not None and found[0].chosen.kind != "country":
                target, prec, _ = found
                return target, max(prec, 2), f"tied to the event by {clause.text[:80]!r}: same actors and event type"
        return None

    @staticmethod
    def _clauses_by_distance(record: Record, ev: Event) -> list[Span]:
        """The clauses of the other sentences: those of the question the event's answer replies to first, then
        the nearest."""
        text = record.text
        own = record.sentence_of(ev.evidence) or ev.evidence
        question = governing_question(text, ev.evidence.start)
        candidates: list[tuple[int, Span]] = []
        for sentence in record.sentences:
            if sentence.start <= own.start < sentence.end:
                continue
            in_question = question is not None and question[0] <= sentence.start < question[1]
            distance = 0 if in_question else 1 + min(abs(sentence.start - own.start), abs(sentence.end - own.end))
            for clause in clauses(text, sentence):
                candidates.append((distance, clause))
        candidates.sort(key=lambda c: (c[0], c[1].start))
        return [clause for _, clause in candidates]

    def _ties(self, record: Record, ev: Event, clause: Span) -> bool:
        """Whether ``clause`` names an event of ``ev``'s type by its actor1 (and against its actor2)."""
        text = record.text
        actors = [a for a in record.actors if clause.start <= a.span.start < clause.end
                  and actor_kind(a.name) != "civilians"]
        if not any(a.name == ev.actor1 for a in actors):
            return False  # no cue can follow actor1: the cues need not be found
        for cue in self.lexicon.mentions_of(ev.event_type, text, clause.start, clause.end):
            before = [a for a in actors if a.span.start <= cue.start]
            if not before or before[-1].name != ev.actor1:
                continue
            if not ev.actor2:
                return True
            after = [a for a in actors if a.span.start >= cue.end and a.name == ev.actor2]
            if after and _OBJECT_GAP.match(text[cue.end:after[0].span.start]):
                return True
        return False
