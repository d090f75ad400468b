"""One event from a clause and its type: its type's provenance and review flags, its roles, the types the sides
define, its dead and whether it targets civilians."""
from __future__ import annotations

import re
from typing import Optional

from ...config import ClassifySettings
from ...knowledge.clauses import Cue
from ...types import Event, Span
from ...vocab import CIVILIAN_TARGETING, SUB_EVENT_TO_EVENT, disorder_type_of
from .casualties import set_fatalities
from .reading import STAGE, Reading
from .roles import REMOTE_VIOLENCE, VAC_TYPES, RoleContext, RoleReader
from .subtype import TypePick
from .words import RoleRules

TERRITORY_TYPES = {"Government regains territory", "Non-state actor overtakes territory"}


class EventBuilder:
    """Builds the event a clause (or a note) reports, once its type is picked (``build``)."""

    def __init__(self, settings: ClassifySettings, rules: RoleRules, roles: RoleReader):
        self.settings = settings
        self.rules = rules
        self.roles = roles

    def build(self, doc: Reading, clause: Span, pick: TypePick, cues: list[Cue], note: bool = False) -> Optional[Event]:
        """The event of ``clause`` typed ``pick`` (None when scored below ``min_score``). ``cues``: the cues it
        was typed on; ``note``: the event of a whole note, whose roles and dead are read in all its text."""
        sub, p, margin, cue = pick
        if p < self.settings.min_score:
            return None
        text = doc.text
        trigger = Span.of(text, cue.start, cue.end) if cue is not None else clause
        ev = self._typed(doc, clause, pick, trigger, cues)
        # roles: actors of the evidence clause first; a note may name them in another sentence
        scope = doc.whole if note else clause
        # a trigger inside a coder's label ("Non-violent activity: ...") names no one, as a header cue does not
        header = cue is not None and (cue.header or doc.label_end > 0 and cue.end <= doc.label_end)
        self.roles.read(RoleContext(doc, ev, scope, clause, trigger, note=note, header=header))
        sub = self._retype_by_sides(ev, sub, text, scope)
        if sub in TERRITORY_TYPES:
            # territory changes hands: who takes it decides the sub-type (state forces regain it)
            taken = "Government regains territory" if ev.inter1 == 1 else "Non-state actor overtakes territory"
            if taken != sub:
                ev.sub_event_type = taken
                ev.provenance["sub_event_type"].note += f"; {sub} -> {taken} by actor1's kind"
        set_fatalities(doc, ev, scope)
        civ = sub in VAC_TYPES or (ev.event_type == REMOTE_VIOLENCE and ev.inter2 == 7)
        ev.set("civilian_targeting", CIVILIAN_TARGETING if civ else "", stage=STAGE, evidence=trigger, score=0.8)
        return ev

    def _typed(self, doc: Reading, clause: Span, pick: TypePick, trigger: Span, cues: list[Cue]) -> Event:
        """A new event of the picked type, its evidence the clause, with the flags the typing earns."""
        sub, p, margin, _ = pick
        ev = Event(doc_id=doc.record.doc_id, event_type=SUB_EVENT_TO_EVENT[sub], sub_event_type=sub, evidence=clause)
        ev.set("event_type", ev.event_type, stage=STAGE, evidence=trigger, score=round(max(p, 0.05), 3))
        ev.set("sub_event_type", sub, stage=STAGE, evidence=trigger, score=round(max(p, 0.05), 3),
               note=f"margin {margin:.2f}")
        if margin < self.settings.low_margin:
            ev.flag("low_type_margin")
        if cues:
            top = max(cues, key=lambda c: c.weight)
            if SUB_EVENT_TO_EVENT[top.sub_event_type] != ev.event_type and top.weight >= 0.9:
                ev.flag("conflicting_cues")
        return ev

    def _retype_by_sides(self, ev: Event, sub: str, text: str, scope: Span) -> str:
        """Types defined by the sides: violence against civilians hits the unarmed (an attack on an armed force is
        a clash); an arrest is a state's (rebels abduct) (data/roles.json "retype_by_sides"). Returns the type."""
        flip = self.rules.retype_by_sides.get(sub)
        if flip and ev.inter1 in flip["inter1"] and ev.inter2 in flip.get("inter2", (ev.inter2,)) and \
                not re.search(flip.get("unless", r"(?!)"), text[scope.start:scope.end], re.I):
            ev.sub_event_type = sub = flip["to"]
            ev.event_type = SUB_EVENT_TO_EVENT[sub]
            # an arrest is a strategic development, an abduction political violence
            ev.disorder_type = disorder_type_of(ev.event_type, sub)
            ev.provenance["sub_event_type"].note += f"; -> {sub} by the sides' kinds"
        return sub
