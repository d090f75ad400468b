"""Mentions that stand for an actor named next to them, rewritten in place as that actor (their spans stay):
a definite generic mention after a named group ("NAS rebels ... the rebels"), the forces "operating under" a
named group, a side a monitor's note says is "coded as" an actor.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...knowledge.actornames import actor_kind
from ...types import ActorMention

_DEFINITE = re.compile(r"\b(?:the|these|those|this|its|their)\s+(?:[\w-]+\s+)?$", re.I)
ANAPHORA_CHARS = 400  # how far back a definite "the rebels" looks for the named group it stands for
_UNNAMED_KIND = re.compile(r"Unidentified (\w+) Militia \(")
# "Turkish forces and rebel factions, operating under Operation X": the forces are coded to the operation (or
# coalition) they fight under; dev: 8 of 8 notes with "(operating) under OPS" are coded to the operation
_UNDER = re.compile(r"^(?:\s+(?:who|whom|which|that|are|is|were|was|fighters?|members?|elements?|factions?))*\s*,?\s*(?:(?:operating|fighting|acting)\s+)?under\s+(?:the\s+)?"
                    r"(?:(?:banner|umbrella|flag|command)\s+of\s+(?:the\s+)?)?$", re.I)
_CONJ = re.compile(r"\s*(?:,|and|&|,\s*and)\s*$", re.I)
# "masked gunmen (coded as Al Shabaab)", "X, coded as Y by default": a monitor's note says how it codes
# the side it names (dev: 14 notes say so; 2 change, 1 actor1 fixed, none broken; the rest were coded so already)
_CODED_AS = re.compile(r"^\s*[(,]\s*(?:(?:which|who)\s+(?:is|are|was|were)\s+)?coded\s+as\s+(?:the\s+)?$", re.I)


def resolve(text: str, mentions: list[ActorMention]) -> None:
    """Each rewrite in turn: "operating under", "coded as", then anaphora."""
    operating_under(text, mentions)
    coded_as(text, mentions)
    resolve_anaphora(text, mentions)


def _as(mention: ActorMention, actor: ActorMention) -> ActorMention:
    """``mention`` (its span kept) named as ``actor``."""
    return mention.model_copy(update={"name": actor.name, "inter": actor.inter, "country": actor.country,
                                      "known": actor.known, "from_document": actor.from_document})


@lru_cache(maxsize=1 << 12)  # per mention and per group before it; a few hundred names
def unnamed_kind(name: str) -> str:
    """"Tribal" for "Unidentified Tribal Militia (Yemen)", "" for any other name."""
    m = _UNNAMED_KIND.match(name)
    return m.group(1) if m else ""


def resolve_anaphora(text: str, mentions: list[ActorMention]) -> None:
    """A definite generic mention stands for the armed group just named: in "NAS rebels attacked the base.
    The rebels claimed ..." the second mention is NAS, not an unidentified group; "tribesmen" after "Al Hayash
    tribesmen" are the same militia. Mentions are rewritten in place (their spans stay)."""
    for i, g in enumerate(mentions):
        kind = actor_kind(g.name)
        unnamed = unnamed_kind(g.name)
        if kind not in ("unidentified", "gang") and not unnamed:
            continue
        definite = bool(_DEFINITE.search(text[max(0, g.span.start - 30):g.span.start]))
        groups = [n for n in mentions[:i] if g.span.start - n.span.end <= ANAPHORA_CHARS
                  and actor_kind(n.name) == "group" and n.inter in (2, 3, 4) and not unnamed_kind(n.name)]
        if not groups:
            continue
        # the group named with the same noun ("NAS rebels ... the rebels") before the one named last
        stem = re.escape(g.span.text.lower().split()[-1][:6])  # "militias" ... "militiamen"
        same_noun = [n for n in groups if re.search(stem, n.span.text, re.I) or re.match(
            r"[ \t]*(?:-|'s)?[ \t]*(?:[\w-]+[ \t]+)?" + stem, text[n.span.end:n.span.end + 40], re.I)]
        n = (same_noun or groups)[-1]
        if definite or same_noun or (unnamed and f" {unnamed} Militia" in n.name):
            mentions[i] = _as(g, n)


def operating_under(text: str, mentions: list[ActorMention]) -> None:
    """A mention followed by "(operating) under <named group>" is that group, and so are the mentions joined
    to it by "and" or commas before it. Rewritten in place (spans stay)."""
    for i, g in enumerate(mentions):
        if i == 0 or actor_kind(g.name) != "group" or not g.known:
            continue
        j = i - 1
        if not _UNDER.search(text[mentions[j].span.end:g.span.start]) or "\n" in text[mentions[j].span.end:g.span.start]:
            continue
        while j >= 0:
            mentions[j] = _as(mentions[j], g)
            if j == 0 or not _CONJ.fullmatch(text[mentions[j - 1].span.end:mentions[j].span.start]):
                break
            j -= 1


def coded_as(text: str, mentions: list[ActorMention]) -> None:
    """A mention followed by "(coded as <actor>" or ", coded as <actor>" is that actor. Rewritten in place (the
    span stays)."""
    for i in range(1, len(mentions)):
        g = mentions[i]
        if _CODED_AS.match(text[mentions[i - 1].span.end:g.span.start]):
            mentions[i - 1] = _as(mentions[i - 1], g)
