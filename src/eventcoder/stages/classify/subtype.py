"""The sub-event type of a clause or a note: the type model's pick, the trigger cues that break its ties, and
the rules of ``data/triggers.json`` over it (``decisive``, ``escalates``); without the model, the strongest cue.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from ...knowledge.clauses import Cue, Lexicon
from ...knowledge.typemodel import TypeModel, entropy_margin
from ...types import ActorMention
from .features import model_features

TIE_MARGIN = 0.08  # probabilities this close are a tie the trigger cues break (0.05 before the balanced model, whose
# probabilities are flatter; held-out sub-event type 0.845 at 0.05, 0.846 at 0.08, 0.844 at 0.10)


class TypePick(NamedTuple):
    """A sub-event type chosen for a text, how sure, and the cue that supports it (None: no cue)."""

    sub_event_type: str
    probability: float
    margin: float
    cue: Optional[Cue]


class TypeChooser:
    """The rule and model layers of typing, for a clause or a whole note."""

    def __init__(self, lexicon: Lexicon, model: Optional[TypeModel]):
        self.lexicon = lexicon
        self.model = model

    def classify_text(self, text: str, cues: list[Cue], actors: list[ActorMention] = (),
                      ranked: Optional[list[tuple[str, float]]] = None) -> TypePick:
        """(sub-event type, probability, margin, the cue that supports it) for a clause or a note. ``ranked``: the
        model's prediction for these very text, cues and actors, when it was already made."""
        top = max(cues, key=lambda c: (c.weight, -c.start)) if cues else None
        if self.model is None:
            return self._by_cues(cues, top)
        if ranked is None:
            ranked = self.model.predict(model_features(text, cues, actors))
        sub, p = ranked[0]
        cued = {c.sub_event_type for c in cues if not c.header}
        if sub not in cued and len(ranked) > 1 and ranked[1][0] in cued and p - ranked[1][1] < TIE_MARGIN:
            # the model hesitates between two types and the text cues only one of them: take that one
            sub, p = ranked[1]
        forced = self._decisive(cues, sub)
        if forced is not None:
            # a type the notes hardly show (chemical attacks, suicide bombs, bases): its defining cue decides
            sub, p = forced.sub_event_type, max(p, 0.6)
        mark = self._escalation(cues, sub)
        if mark is not None:
            return TypePick(mark.sub_event_type, p, 0.0, mark)
        if forced is not None:
            return TypePick(sub, p, 0.0, forced)
        support = [c for c in cues if c.sub_event_type == sub]
        # a cue in the text beats a coder's header label ("Arrests: ..."): roles are read around it
        cue = max(support, key=lambda c: (not c.header, c.weight)) if support else top
        return TypePick(sub, p, entropy_margin(ranked), cue)

    @staticmethod
    def _by_cues(cues: list[Cue], top: Optional[Cue]) -> TypePick:
        """Without the model: the strongest cue's type, its margin over the next type cued."""
        if top is None:
            return TypePick("Other", 0.2, 0.0, None)
        scores: dict[str, float] = {}
        for c in cues:
            scores[c.sub_event_type] = max(scores.get(c.sub_event_type, 0.0), c.weight)
        ranked = sorted(scores.values(), reverse=True) + [0.0]
        support = [c for c in cues if c.sub_event_type == top.sub_event_type]
        cue = max(support, key=lambda c: (not c.header, c.weight))
        return TypePick(top.sub_event_type, min(1.0, top.weight), ranked[0] - ranked[1], cue)

    def _decisive(self, cues: list[Cue], sub: str) -> Optional[Cue]:
        """The defining cue of a decisive type other than ``sub`` (the first in the table's order), if any."""
        decisive = [c for c in cues if c.sub_event_type in self.lexicon.decisive and c.weight >= 1.0 and not c.header]
        if decisive and not any(c.sub_event_type == sub for c in decisive):
            return min(decisive, key=lambda c: (self.lexicon.decisive[c.sub_event_type], c.start))
        return None

    def _escalation(self, cues: list[Cue], sub: str) -> Optional[Cue]:
        """The strongest cue of a type ACLED's definitions put before ``sub``, if the text cues one: a crowd that
        throws stones or burns property riots, even when the police disperse it; soldiers killed by a roadside
        bomb with no fighting cued are remote violence; a mob that kills a man accused of rape is mob violence
        (data/triggers.json "escalates")."""
        esc = self.lexicon.escalates.get(sub)
        if esc is None:
            return None
        present = {c.sub_event_type for c in cues if not c.header}
        marks = [c for to, w, unless, requires in esc
                 if requires <= present and not any(c.sub_event_type in unless and c.weight >= w for c in cues)
                 for c in cues if c.sub_event_type == to and c.weight >= w and not c.header]
        return max(marks, key=lambda c: (c.weight, -c.start)) if marks else None
