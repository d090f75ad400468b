"""The document's country: votes of the country names and aliases in the text, provinces and GeoNames towns
among the capitalised phrases (or the entities), the communities that live in one country, the home countries
of named groups, and, as a weak prior, the publisher's country.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ...matching import TextWords, fold
from ...types import Record
from .countrynames import W_COUNTRY_NAME, CountryNames
from .entries import Aliases, fold_key
from .militias import IdentityMilitias

# Weights of the country cues; a named country outweighs a town, a town a group's home (a Taliban
# mention is weaker evidence of Afghanistan than "Kabul"), the publisher is a tie-breaker only.
W_TOWN = 2.0
W_REGION = 2.5  # curated province names beat a GeoNames town of the same spelling elsewhere
W_GROUP_HOME = 1.5
W_PUBLISHER = 0.8
W_BOUND_ACRONYM = 0.5  # only where nothing else votes; below the publisher, which it then cannot outvote
W_PEOPLE = 1.0  # a community's name ("Kikuyu", "Tiv") where it lives in one country

# a sentence or line end just before a capitalised phrase: the phrase opens a sentence
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
_BACKER_PREFIX = re.compile(r"\b(?:pro|anti)-$", re.I)  # "pro-Turkey factions": a backer, not the place
_SOURCE_PARTS = re.compile(r"[;,]")
_PUBLISHER_COUNTRY = re.compile(r"\(([^)]+)\)\s*$")  # "Daily Nation (Kenya)"
_PLACE_LABELS = ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON")


class _Ballot:
    """The votes of one document: country -> weight, and the first cue of each country."""

    def __init__(self, text: str):
        self.length = max(len(text), 1)
        self.votes: dict[str, float] = defaultdict(float)
        self.first: dict[str, tuple[int, int]] = {}

    def vote(self, country: str, w: float, start: int, end: int) -> None:
        # earlier cues weigh a little more: reports name the event's place first (+20% at the start)
        self.votes[country] += w * (1.2 - 0.2 * min(1.0, start / self.length))
        self.first.setdefault(country, (start, end))

    def result(self) -> dict:
        votes = self.votes
        if not votes:
            return {"name": "", "score": 0.0, "evidence": None}
        best = max(votes, key=lambda c: votes[c])
        total = sum(votes.values())
        ev = self.first.get(best)
        return {"name": best, "score": round(votes[best] / total, 3), "evidence": list(ev) if ev else None}


class CountryVotes:
    """Infers a document's country from its cues.

    Args:
        names: the country vocabulary; aliases: the dictionary's aliases (the named groups' homes);
        militias: the identity militias (the communities' homes).
        place_particles: the lower-case words that join a place name's words (actor_words.json).
    """

    def __init__(self, names: CountryNames, aliases: Aliases, militias: IdentityMilitias, place_particles: list[str]):
        self.names, self.aliases, self.militias = names, aliases, militias
        # "Kandahar", "Deir ez-Zor", "Port Harcourt": a capitalised word and its capitalised (or al-/ez-) followers
        self.capitalised = re.compile(r"\b[A-Z][a-z'’-]+(?:[ -](?:(?:" + "|".join(place_particles)
                                      + r")[ -])?[A-Z][a-z'’-]+){0,3}")

    def infer(self, record: Record, words: TextWords) -> dict:
        """The document's most likely country, with the span that says so: ``{"name": str, "score": float,
        "evidence": [start, end] | None}`` (``name`` "" when nothing points to one).

        Args:
            words: the words of ``record.text`` for the gates.
        """
        text = record.text
        ballot = _Ballot(text)
        self._country_names(text, words, ballot)
        for m in self.names.region_gate.finditer(text, words):
            ballot.vote(self.names.regions[m.group(1)], W_REGION, m.start(), m.end())
        self._towns(record, ballot)
        if self.militias.peoples:
            named_peoples: set[str] = set()  # a community's home counts once, like a group's
            for m in self.militias.peoples_cue_gate.finditer(text, words):
                if m.group(1) not in named_peoples:
                    named_peoples.add(m.group(1))
                    ballot.vote(self.militias.peoples[m.group(1)], W_PEOPLE, m.start(), m.end())
        publisher = self.publisher_country(record.article.source)
        self._group_homes(text, words, publisher, ballot)
        if publisher:
            ballot.votes[publisher] += W_PUBLISHER
        return ballot.result()

    def _country_names(self, text: str, words: TextWords, ballot: _Ballot) -> None:
        """Country names, aliases and demonyms, and acronyms in capitals."""
        names = self.names
        hits = [(m, names.country_words[fold(m.group(1))]) for m in names.country_gate.finditer(text, words)]
        hits += [(m, names.acronym_countries[m.group(1)]) for m in names.country_acronym_gate.finditer(text, words)]
        for m, (country, w) in hits:
            # "Saudi-led", "Turkish-backed", "pro-Turkey": the nationality of a foreign backer, not the place
            if text[m.end():m.end() + 1] == "-" or _BACKER_PREFIX.search(text, max(0, m.start() - 5), m.start()):
                w *= 0.3
            if names.currency_re is not None and names.currency_re.match(text, m.end()):
                continue
            ballot.vote(country, w, m.start(), m.end())

    def _towns(self, record: Record, ballot: _Ballot) -> None:
        """GeoNames towns among the entities and, without NER (the default), among the capitalised phrases
        that do not open a sentence."""
        text = record.text
        places = [(e.span.start, e.span.end) for e in record.entities if e.label in _PLACE_LABELS]
        places += [(m.start(), m.end()) for m in self.capitalised.finditer(text)
                   if m.start() > 0 and not _SENTENCE_END.search(text, max(0, m.start() - 3), m.start())]
        seen: set[tuple[int, int]] = set()
        for start, end in places:
            if (start, end) in seen:
                continue
            seen.add((start, end))
            key = fold_key(text[start:end]).removeprefix("the ")
            country = self.names.towns.get(key)
            if country and key not in self.names.country_words and key not in self.aliases.folded:
                ballot.vote(country, W_TOWN, start, end)

    def _group_homes(self, text: str, words: TextWords, publisher: str, ballot: _Ballot) -> None:
        """The home country of each named group, once however often it is named; where nothing else voted, a
        group acronym bound to one country ("GSU", "SLDF") is the best clue."""
        homes: set[str] = set()
        for start, end, e in self.aliases.matches(text, words):
            if e.kind == "group" and e.country and not e.bound and e.name not in homes:
                homes.add(e.name)
                # a national outlet of a country the group also fights in reports from there
                ballot.vote(publisher if publisher in e.active_in else e.country, W_GROUP_HOME, start, end)
        if not ballot.votes:
            for start, end, e in self.aliases.matches(text, words):
                if e.kind == "group" and e.bound and e.country and text[start:end].isupper():
                    ballot.vote(e.country, W_BOUND_ACRONYM, start, end)

    def publisher_country(self, source: str) -> str:
        """The country of an article's publisher, "" if unknown."""
        names = self.names
        parts = _SOURCE_PARTS.split(source or "")
        for part in parts:
            part = part.strip()
            m = _PUBLISHER_COUNTRY.search(part)
            if m and m.group(1) in names.countries:
                return m.group(1)
            c = names.publishers.get(part.lower())
            if c:
                return c
        # an outlet named after its country or city: "Kenya Broadcasting Corporation", "Nairobi News"
        for part in parts:
            m = names.country_re.search(part)
            if m:
                country, weight = names.country_words[fold(m.group(1))]
                if weight >= W_COUNTRY_NAME:
                    return country
            m = names.region_re.search(part)
            if m:
                return names.regions[m.group(1)]
            words = part.split()
            for n in (2, 1):
                if len(words) > n and fold_key(" ".join(words[:n])) in names.towns:
                    return names.towns[fold_key(" ".join(words[:n]))]
        return ""
