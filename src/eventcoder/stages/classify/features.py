"""The features the type model reads: the words of a text (``typemodel.text_features``), its cues and the kinds
of actor it names."""
from __future__ import annotations

from ...knowledge.actornames import actor_kind
from ...knowledge.clauses import Cue
from ...knowledge.typemodel import text_features
from ...types import ActorMention


def cue_features(cues: list[Cue]) -> list[str]:
    """Features for the model from the cues of a text: which types are cued, and which most strongly."""
    feats = [f"CUE:{c.sub_event_type}" for c in cues]
    if cues:
        top = max(cues, key=lambda c: c.weight)
        feats.append(f"TOP:{top.sub_event_type}")
    feats += [f"HEAD:{c.sub_event_type}" for c in cues if c.header]
    return feats


def actor_features(actors: list[ActorMention], cues: list[Cue]) -> list[str]:
    """Which kinds of actor the text names, and on which side of the first strong cue (agent or target):
    the difference between a clash and an attack on civilians is who was hit.

    The same cue means another type by who acts, which a linear model cannot learn from the cue and the
    actor kinds apart: "took control of" by the army is a regain, by rebels an overtaking; "clashed with
    police" by a crowd is a riot, by a militia a battle. So each strongly cued type is also paired with the
    kind of the first-named actor (a note names the side that acts first). 5-fold held-out on dev
    (bench/eval_dev.py --cv 5), with the class balance of scripts/build_type_model.py: sub-event type 0.840
    -> 0.845, event type 0.896 -> 0.897; pairing the cue with every actor on either side of it instead
    gave 0.841 (too many sparse pairs for 1,500 notes)."""
    strong = [c for c in cues if c.weight >= 0.5 and not c.header]
    pivot = min(c.start for c in strong) if strong else None
    types = sorted({c.sub_event_type for c in strong})
    feats = []
    first = min(actors, key=lambda a: a.span.start, default=None)
    if first is not None:
        kind = actor_kind(first.name)
        feats.append(f"FIRST:{kind}")
        feats += [f"CUE_FIRST:{t}|{kind}" for t in types]
    for a in actors:
        kind = actor_kind(a.name)
        feats.append(f"ACT:{kind}")
        feats.append(f"INTER:{a.inter}")
        if pivot is not None:
            feats.append(f"{'AGENT' if a.span.start < pivot else 'TARGET'}:{kind}")
    return feats


def model_features(text: str, cues: list[Cue], actors: list[ActorMention] = ()) -> list[str]:
    """The type model's features of a clause or a note: its words, its cues, the actors it names."""
    return text_features(text) + cue_features(cues) + actor_features(list(actors), cues)

