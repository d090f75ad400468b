"""The actor dictionary: ``data/actors.json``, ``data/countries.json`` and ``data/actor_words.json`` compiled
into the parts that find a text's actor mentions and its country, each in its own module.

The parts' dictionary patterns are prefix trees (alternation.py), not flat lists of words, and each runs only
where its words stand (matching.WordGate): most texts hold few of the dictionary's words
(docs/performance.md#actors).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from ...errors import ConfigError
from ...knowledge.resources import read_json
from ...matching import TextWords
from ...types import ActorMention, Record
from . import coreference
from .country import CountryVotes
from .countrynames import CountryNames, load_towns
from .entries import Aliases, Entry
from .forces import StateForces
from .mentions import Found, alias_mentions
from .militias import IdentityMilitias
from .unlisted import UnlistedGroups


class ActorDictionary:
    """The compiled dictionary: finds actor mentions and infers a document's country.

    Args:
        actors: the parsed ``actors.json``; countries: the parsed ``countries.json``.
        towns: town name (folded) -> country (see load_towns); none when None.
        words: the parsed ``actor_words.json`` (the word lists of the patterns); the shipped one when None.
    """

    def __init__(self, actors: dict, countries: dict, towns: Optional[dict[str, str]] = None,
                 words: Optional[dict] = None):
        words = read_json("actor_words.json") if words is None else words
        self.names = CountryNames(countries, towns)
        self.aliases = Aliases(actors)
        self.forces = StateForces(actors, self.names, words)
        self.militias = IdentityMilitias(actors.get("identity_militias", {}), self.names, self.aliases,
                                         self.forces.head_to_kind, words["community_members"])
        self.unlisted = UnlistedGroups(words, self.names, self.aliases, self.militias.not_names)
        self.country = CountryVotes(self.names, self.aliases, self.militias, words["place_particles"])
        self.member_kinds = set(words["member_kinds"])
        self._words: Optional[tuple[str, TextWords]] = None

    @classmethod
    def load(cls, extra: Optional[str] = None, with_towns: bool = True) -> "ActorDictionary":
        """The shipped dictionary, with the groups of the JSON file ``extra`` first when given."""
        actors = read_json("actors.json")
        countries = read_json("countries.json")
        if extra:
            path = Path(extra)
            if not path.exists():
                raise ConfigError(f"[E110] actor dictionary {path} not found. Fix actors.dictionary in the "
                                  f"settings or create the file (same layout as knowledge/data/actors.json)")
            try:
                more = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                raise ConfigError(f"[E111] actor dictionary {path} is not valid JSON ({e}). Fix the file") from e
            actors["groups"] = list(more.get("groups", [])) + actors["groups"]
        return cls(actors, countries, load_towns(countries) if with_towns else None)

    def words_of(self, text: str) -> TextWords:
        """The words of ``text`` for the gates, kept for the last text (infer_country and find read it both)."""
        if self._words is None or self._words[0] is not text:
            self._words = (text, TextWords(text))
        return self._words[1]

    def alias_matches(self, text: str) -> list[tuple[int, int, Entry]]:
        """Dictionary aliases in ``text`` (acronyms as written, the rest folded), cached for the last text."""
        return self.aliases.matches(text, self.words_of(text))

    def infer_country(self, record: Record) -> dict:
        """The document's most likely country, with the span that says so (see CountryVotes.infer)."""
        return self.country.infer(record, self.words_of(record.text))

    def publisher_country(self, source: str) -> str:
        """The country of an article's publisher, "" if unknown."""
        return self.country.publisher_country(source)

    def fill(self, name: str, country: str) -> str:
        """A canonical name with its {country}/{period} slots filled."""
        return self.names.fill(name, country)

    def find(self, text: str, country: str, entities=(), published: str = "") -> list[ActorMention]:
        """Actor mentions in ``text`` (non-overlapping, longest first), resolved for ``country``; ``published``
        (ISO date, "" if unknown) dates the coalitions a foreign force is named by."""
        found = Found(text, self.member_kinds)
        words = self.words_of(text)
        self.forces.find(text, country, words, found.add)
        alias_mentions(text, country, self.aliases.matches(text, words), self.aliases, self.names, found.add)
        self.militias.find(text, country, words, found.add)
        self.unlisted.find(text, country, words, entities, found.add)
        mentions = found.chosen()
        coreference.resolve(text, mentions)
        named = {a.name for a in mentions}
        return [self.forces.in_theatre(a, country, published, named) for a in mentions]
