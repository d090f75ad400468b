"""State forces: a nationality and a head noun ("Afghan soldiers", "Turkish army"), the force of a country
named after it ("the police of Chile"), a country that acts ("Turkey and Iran deployed troops"), one head noun
shared by two nationalities ("Turkish and Russian forces"), and a foreign force named by the coalition it
fights in ("US troops" in Syria).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable

from ...matching import alternation
from ...knowledge.actornames import actor_kind
from ...matching import TextWords, WordGate, first_words, fold
from ...types import ActorMention
from .countrynames import CountryNames
from .entries import fold_key

# "troops in Turkey launched": the place, not the actor
_PLACE_BEFORE = re.compile(r"\b(?:in|of|to|from|into|across|inside|against)\s+(?:the\s+)?$", re.I)


def _own_or_foreign(st: dict, nat: str, country: str) -> int:
    """The inter code of a state force of ``nat`` in a document of ``country``: its own code at home (or where
    the country is unknown), 8 (external force) abroad."""
    return st["inter"] if nat == country or not country else 8


class StateForces:
    """The kinds of state actor (``actors.json`` "state") found by their head nouns, and the theatres where a
    foreign force is coded by its coalition (``actors.json`` "theatres").

    Args:
        actors: the parsed ``actors.json``.
        names: the country vocabulary.
        words: the parsed ``actor_words.json`` (its "force_modifiers": the words between a nationality and the
            head noun, "Kenyan security forces"; "force_of_modifiers": the words before "<head> of <country>").
    """

    def __init__(self, actors: dict, names: CountryNames, words: dict):
        self.names = names
        # foreign forces named by the coalition they fight in: {theatre country: [theatre entries]}
        self.theatres: dict[str, list[dict]] = defaultdict(list)
        for th in actors.get("theatres", {}).get("list", []):
            self.theatres[th["country"]].append(th)
        self.state_heads = {st["kind"]: st for st in actors["state"]}
        head_to_kind: dict[str, str] = {}
        for st in actors["state"]:
            for h in st["heads"]:
                head_to_kind.setdefault(fold_key(h), st["kind"])
        self.head_to_kind = head_to_kind
        self.of_modifiers = words["force_of_modifiers"]
        self._compile(actors.get("military_act_verbs", []), words["force_modifiers"])
        self._gate(actors.get("military_act_verbs", []))

    def _compile(self, act_verbs: list[str], modifiers: list[str]) -> None:
        nat_words, heads = self.names.nationality, alternation(self.head_to_kind, True)
        self.state_re = re.compile(
            r"\b(" + alternation(nat_words, True) + r")(?:'s)?\s+(?:(?:" + "|".join(modifiers) + r")\s+)?("
            + heads + r")\b", re.I)
        # "military forces of Armenia", "the police of Chile": the force of the country named after it; "the
        # governments of Kenya and Uganda": the force of each
        names_of = alternation(self.names.country_names)
        self.state_of_re = re.compile(
            r"\b(?:(?:" + "|".join(self.of_modifiers) + r")\s+)?(" + alternation(self.head_to_kind)
            + r")s?\s+of\s+(?:the\s+)?(" + names_of + r")(?:\s+(?:and|&)\s+(?:the\s+)?(" + names_of + r"))?\b", re.I)
        # "Turkey and Iran deployed troops": a country that carries out a military act is its military
        self.country_acts_re = re.compile(
            r"(?<![\w-])(" + names_of + r")(?:\s+and\s+(" + names_of + r"))?\s+(?:reportedly\s+|also\s+)?"
            r"(?:" + alternation(act_verbs) + r")\b", re.I) if act_verbs else None
        # "Turkish and Russian forces": the first nationality shares the head noun of the second
        # (adjectives only: "in western Syria, Russian bombs" shares nothing)
        self.shared_head_re = re.compile(
            r"\b(" + alternation(self.names.adjectives, True) + r")\s*(?:,|and|&)\s*(?=(?:"
            + alternation(nat_words, True) + r")\s+(" + heads + r")\b)", re.I)

    def _gate(self, act_verbs: list[str]) -> None:
        """Word gates (see matching.WordGate): each pattern starts at, or holds, whole words of its
        alternations, so it is tried only where its first word stands, on texts that hold its other words
        (docs/performance.md#actors)."""
        nat_words = self.names.nationality
        heads = first_words(self.head_to_kind)
        names = first_words(self.names.country_names)
        self.state_gate = WordGate(self.state_re, first_words(nat_words), (heads,))
        modifiers = first_words(self.of_modifiers)
        head_starts = first_words(self.head_to_kind, ("", "s"))
        self.state_of_gate = WordGate(self.state_of_re, modifiers | head_starts if modifiers and head_starts else None,
                                      (frozenset({"of"}), names))
        self.country_acts_gate = WordGate(self.country_acts_re, names, (first_words(act_verbs),)) \
            if self.country_acts_re is not None else None
        # The adjective may run into "and" and the next nationality ("Turkishand Russian", "Turkishandrussian
        # forces"): those are start words too
        nat_starts = first_words(nat_words)
        self.shared_head_gate = WordGate(
            self.shared_head_re,
            first_words(self.names.adjectives, ("", "and", *("and" + w for w in nat_starts))) if nat_starts else None,
            (heads,))

    def find(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """The state forces ``text`` names, each passed to ``add``, for a document of ``country``."""
        self._by_nationality(text, country, words, add)
        self._of_country(text, country, words, add)
        self._acting_countries(text, country, words, add)
        self._shared_heads(text, country, words, add)

    def _by_nationality(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """"Afghan soldiers", "Turkish army", "Kenya's police"."""
        for m in self.state_gate.finditer(text, words):
            nat = self.names.nationality[fold(m.group(1))]
            kind = self.head_to_kind[fold_key(m.group(2))]
            st = self.state_heads[kind]
            inter = _own_or_foreign(st, nat, country)
            add(m.start(), m.end(), self.names.fill(st["name"], nat), inter if kind != "government" else 1, nat)

    def _of_country(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """"military forces of Armenia", "the governments of Kenya and Uganda"."""
        for m in self.state_of_gate.finditer(text, words):
            st = self.state_heads[self.head_to_kind[fold_key(m.group(1))]]
            for g, (start, end) in ((2, (m.start(), m.end(2))), (3, (m.start(3), m.end(3)))):
                if m.group(g):
                    nat = self.names.country_names[fold(m.group(g))]
                    add(start, end, self.names.fill(st["name"], nat),
                        _own_or_foreign(st, nat, country) if st["kind"] != "government" else 1, nat)

    def _acting_countries(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """"Turkey and Iran deployed troops": each country's military."""
        for m in (self.country_acts_gate.finditer(text, words) if self.country_acts_gate is not None else ()):
            if _PLACE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
                continue  # "troops in Turkey launched": the place, not the actor
            st = self.state_heads["military"]
            for g in (1, 2):
                if m.group(g):
                    nat = self.names.country_names[fold(m.group(g))]
                    add(m.start(g), m.end(g), self.names.fill(st["name"], nat), _own_or_foreign(st, nat, country), nat)

    def _shared_heads(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """"Turkish" in "Turkish and Russian forces": the force named by the next nationality's head noun."""
        for m in self.shared_head_gate.finditer(text, words):
            nat = self.names.nationality[fold(m.group(1))]
            st = self.state_heads[self.head_to_kind[fold_key(m.group(2))]]
            add(m.start(1), m.end(1), self.names.fill(st["name"], nat), _own_or_foreign(st, nat, country), nat)

    def in_theatre(self, mention: ActorMention, country: str, published: str, named: set[str]) -> ActorMention:
        """A foreign state's military in a theatre where ACLED codes it by its coalition ("US troops" in Syria:
        Global Coalition Against Daesh); any other mention comes back as it was. ``named``: the names the
        text mentions (an ``if_named`` coalition applies only among them)."""
        if actor_kind(mention.name) != "military" or "border" in mention.span.text.lower():
            return mention
        for th in self.theatres.get(country, ()):
            if th.get("if_named") and th["name"] not in named:
                continue
            if mention.country in th["forces_of"] and (not published or th["since"] <= published[:10] <= th.get("until", "9999")):
                return mention.model_copy(update={"name": th["name"], "inter": 8, "country": ""})
        return mention
