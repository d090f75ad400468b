"""The mentions of one text as the finders add them, the dictionary's aliases among them, and the choice
among them: a group's members are the group ("Taliban militants"), and of overlapping mentions the longest
is kept.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ...knowledge.actornames import actor_kind
from ...types import ActorMention, validated
from .countrynames import CountryNames
from .entries import Aliases, Entry, fold_key

_MEMBER_GAP = re.compile(r"[ \t]*(?:-|'s)?[ \t]*")


class Found:
    """The mentions found in ``text``, as (start, end, mention), in the order the finders add them.

    Args:
        member_kinds: the kinds of generic mention that, right after a named group, are its members
            (actor_words.json "member_kinds").
    """

    def __init__(self, text: str, member_kinds: set[str]):
        self.text = text
        self.member_kinds = member_kinds
        self.items: list[tuple[int, int, ActorMention]] = []

    def add(self, start: int, end: int, name: str, inter: int, home: str, known: bool = True, score: float = 1.0,
            from_document: Optional[bool] = None) -> None:
        """One mention of ``name`` at [start, end); ``home``: its country."""
        # the span as a dict: pydantic builds it inside the mention's own validation (docs/performance.md#actors);
        # from_document given only where it is set, as an assignment set it
        values = {"span": {"start": start, "end": end, "text": self.text[start:end]}, "name": name, "inter": inter,
                  "country": home, "known": known, "score": score}
        if from_document is not None:
            values["from_document"] = from_document
        self.items.append((start, end, validated(ActorMention, values)))

    def chosen(self) -> list[ActorMention]:
        """The mentions kept, in text order: members merged into their group, then the longest of overlapping
        mentions."""
        found = self.items
        self._merge_members(found)
        # longest first, then earliest; drop anything overlapping a kept mention
        found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
        kept: list[tuple[int, int, ActorMention]] = []
        for s, e, a in found:
            for ks, ke, _ in kept:
                if e > ks and s < ke:
                    break
            else:
                kept.append((s, e, a))
        kept.sort(key=lambda t: t[0])
        return [a for _, _, a in kept]

    def _merge_members(self, found: list[tuple[int, int, ActorMention]]) -> None:
        """"Taliban militants", "Al Shabaab fighters": one mention of the named group."""
        text = self.text
        groups = [t for t in found if actor_kind(t[2].name) == "group"]
        for gs, ge, g in groups:
            for t in list(found):
                if t[2] is not g and t[0] >= ge and actor_kind(t[2].name) in self.member_kinds and _MEMBER_GAP.fullmatch(text[ge:t[0]]):
                    found.remove(t)


def alias_mentions(text: str, country: str, matches: list[tuple[int, int, Entry]], aliases: Aliases,
                   names: CountryNames, add: Callable) -> None:
    """The dictionary's aliases in ``text`` as mentions for a document of ``country``: a bound alias outside
    its country means its fallback or nothing; a collective actor takes the document's country, or the
    nationality written before it ("Venezuelan migrants")."""
    for start, end, e in matches:
        if e.bound and e.fallback is not None and e.country != country:
            e = e.fallback
        elif e.bound and country and e.country != country:
            continue
        if e.kind == "group":
            add(start, end, e.name, e.inter, e.country, score=1.0 if not e.bound else 0.8)
            continue
        name = e.name
        if e.kind in aliases.generic_only_in and country and country not in aliases.generic_only_in[e.kind]:
            name = aliases.unidentified
        nat = names.nationality_before(text, start) if fold_key(text[start:end]) in aliases.by_nationality else ""
        if nat:
            add(start, end, names.fill(name, nat), e.inter, nat, score=0.8)
            continue
        add(start, end, names.fill(name, country), e.inter, country, score=0.9 if country else 0.5,
            from_document=True)
