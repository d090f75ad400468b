"""Identity militias (``actors.json`` "identity_militias"): named after their community ("Tiv militias",
"Al Hayash tribesmen", "militiamen from the Ayr clan", "Kikuyu youths", "the Jie community is arming itself"),
or unnamed ("clan militia", "cattle rustlers"). A community that lives in one country ("peoples") is also a
cue of the document's country.
"""
from __future__ import annotations

import re
from typing import Callable

from ...matching import alternation
from ...matching import TextWords, WordGate, first_words
from .countrynames import CountryNames
from .entries import Aliases, fold_key

# the name of a community: one or two capitalised words ("Tiv", "Al Hayash", "Habar Gedir", "Pro-Houthi")
_IM_NAME = r"[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+)?"


class IdentityMilitias:
    """Finds identity militias and names them "<community> <kind> Militia (<country>)".

    Args:
        im: the "identity_militias" section of ``actors.json``.
        names: the country vocabulary; aliases: the dictionary's aliases (a community is no known group);
        head_to_kind: the head nouns of state forces (a community is no force either).
        members: the members named before "from the <community> <clan>" (actor_words.json "community_members").
    """

    def __init__(self, im: dict, names: CountryNames, aliases: Aliases, head_to_kind: dict[str, str],
                 members: list[str]):
        self.names, self.aliases, self.head_to_kind = names, aliases, head_to_kind
        self.inter = int(im.get("inter", 4))
        self.heads = {fold_key(k): v for k, v in im.get("heads", {}).items()}
        self.unnamed = {fold_key(k): v for k, v in im.get("unnamed", {}).items()}
        self.of_community = {fold_key(k): v for k, v in im.get("of_community", {}).items()}
        self.peoples: dict[str, str] = dict(im.get("peoples", {}))
        self.not_names = set(im.get("not_names", []))
        arming = im.get("arming", {})
        self.arming = {fold_key(k): v for k, v in arming.get("heads", {}).items()}
        self.arming_cue = re.compile(arming["cue"], re.I) if arming.get("cue") else None
        self._compile(im.get("people_heads", []), members)

    def _compile(self, people_heads: list[str], members: list[str]) -> None:
        """The patterns of the tables present, each with its word gate (see matching.WordGate)."""
        self.named_re = self.of_re = self.unnamed_re = self.peoples_re = self.arming_re = None
        self.named_gate = self.of_gate = self.unnamed_gate = self.peoples_gate = self.arming_gate = None
        if self.arming and self.arming_cue is not None:
            # "the X community is arming itself": a community that arms is its militia (actors.json "arming")
            self.arming_re = re.compile(r"(?<![\w'’-])(" + _IM_NAME + r")\s+(?i:(" + alternation(self.arming, True)
                                        + r"))(?![\w-])")
            self.arming_gate = WordGate(self.arming_re, needs=(first_words(self.arming),))
        if self.heads:
            self.named_re = re.compile(r"(?<![\w'’-])(" + _IM_NAME + r")\s+(?i:(" + alternation(self.heads, True)
                                       + r"))(?![\w-])")
            self.named_gate = WordGate(self.named_re, needs=(first_words(self.heads),))
        if self.of_community:
            self.of_re = re.compile(r"(?i:" + "|".join(members) + r")\s+(?:from|of)\s+"
                                    r"(?:the\s+)?(" + _IM_NAME + r")\s+(?i:(" + alternation(self.of_community, True)
                                    + r"))(?!\w)")
            self.of_gate = WordGate(self.of_re, needs=(frozenset({"from", "of"}), first_words(self.of_community)))
        if self.unnamed:
            self.unnamed_re = re.compile(r"(?<![\w-])(" + alternation(self.unnamed) + r")(?![\w-])")
            self.unnamed_gate = WordGate(self.unnamed_re, first_words(self.unnamed))
        if self.peoples:
            self.peoples_re = re.compile(r"(?<![\w'’-])(" + alternation(self.peoples) + r")s?\s+(?i:("
                                         + alternation(people_heads, True) + r"))(?![\w-])")
            self.peoples_cue_re = re.compile(r"(?<![\w'’-])(" + alternation([k for k, v in self.peoples.items() if v])
                                             + r")s?(?![\w'’-])")
            self.peoples_gate = WordGate(self.peoples_re, first_words(self.peoples, ("", "s")),
                                         (first_words(people_heads),))
            self.peoples_cue_gate = WordGate(self.peoples_cue_re)

    def community_name(self, name: str) -> str:
        """The community a capitalised phrase names, "" if it names none (an opener like "Armed", a
        nationality, a country, a group the dictionary knows)."""
        words = re.split(r"[ -]", name)
        while words and words[0] in self.not_names:
            words = words[1:]
        name = " ".join(words)
        if not name or name in self.not_names:
            return ""
        key = fold_key(name)
        names = self.names
        if key in names.nationality or key in names.country_words or key in self.aliases.folded \
                or name in self.aliases.exact or name.upper() in names.nationality_upper or key in self.head_to_kind:
            return ""
        return name

    def find(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """The identity militias ``text`` names, each passed to ``add``, for a document of ``country``."""
        known = [(s, e) for s, e, a in self.aliases.matches(text, words) if a.kind == "group"]
        for start, end, community, kind in self._named(text, words):
            if any(s < end and start < e for s, e in known):
                continue  # part of a name the dictionary knows ("Mai-Mai Kifuafua-Zone militiamen")
            home = self.peoples.get(community) or country
            add(start, end, f"{community} {kind} Militia ({home or 'Unknown'})", self.inter, home, score=0.7,
                from_document=not self.peoples.get(community))
        if self.unnamed_re is not None:
            lower = text.lower()
            unnamed = self.unnamed_gate.finditer(lower, words) if len(lower) == len(text) \
                else self.unnamed_re.finditer(lower)
            for m in unnamed:
                kind = self.unnamed[fold_key(m.group(1))]
                add(m.start(1), m.end(1), f"Unidentified {kind} Militia ({country or 'Unknown'})", self.inter,
                    country, score=0.6, from_document=True)

    def _named(self, text: str, words: TextWords) -> list[tuple[int, int, str, str]]:
        """(start, end, community, kind) of each militia named after its community, pattern by pattern."""
        spans = []
        if self.named_re is not None:
            for m in self.named_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community:
                    start = m.start(1) + m.group(1).rfind(community)
                    spans.append((start, m.end(), community, self.heads[fold_key(m.group(2))]))
        if self.of_re is not None:
            for m in self.of_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community:
                    spans.append((m.start(), m.end(), community, self.of_community[fold_key(m.group(2))]))
        if self.arming_re is not None:
            for m in self.arming_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community and self.arming_cue.match(text, m.end()):
                    start = m.start(1) + m.group(1).rfind(community)
                    spans.append((start, m.end(), community, self.arming[fold_key(m.group(2))]))
        if self.peoples_re is not None:
            for m in self.peoples_gate.finditer(text, words):
                spans.append((m.start(), m.end(), m.group(1), "Ethnic"))
        return spans
