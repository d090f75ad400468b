"""Armed actors the dictionary lacks, kept as the text names them (``known=False``): an acronym named as an
armed actor ("HBDH militants"), an armed unit written out ("Sultan Suleiman Shah Brigade"), a Spanish "Los X"
gang, and an organisation spaCy finds whose name reads like an armed group ("... Liberation Front").
"""
from __future__ import annotations

import re
from typing import Callable

from ...matching import TextWords, WordGate, first_words
from .countrynames import CountryNames
from .entries import Aliases, fold_key

# "in Kopsiro Division", "Mwingi Division": a Division named after a place with no article before it is an
# administrative division (Kenya, Uganda, Bangladesh...); armed divisions are numbered or written with "the"
_PLACE_DIVISION = re.compile(r"\b(?:in|at|of|near|from|to|into|across|within|around)\s+$", re.I)
_NUMBERED_BEFORE = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth)\s+$")


class UnlistedGroups:
    """Finds the armed actors the dictionary lacks.

    Args:
        words: the parsed ``actor_words.json`` (the heads, particles and openers of the patterns).
        names: the country vocabulary; aliases: the dictionary's aliases (a known group is not unlisted);
        not_names: capitalised words that open no name ("Armed", "Local"; actors.json "identity_militias").
    """

    def __init__(self, words: dict, names: CountryNames, aliases: Aliases, not_names: set[str]):
        self.names, self.aliases, self.not_names = names, aliases, not_names
        self.openers = set(words["unit_openers"])
        # Words that make an unknown organisation read as an armed or political actor ("... Brigade").
        self.group_heads = re.compile(r"\b(" + "|".join(words["group_heads"]) + r")\b", re.I)
        self.acronym_actor_re = re.compile(r"\b([A-Z][A-Z-]{1,7})\s+(?:" + "|".join(words["member_nouns"]) + r")\b")
        # without NER, an organisation named as written: capitalised words ending in a word that makes it an armed
        # group ("Sultan Suleiman Shah Brigade", "Martyr X Vengeance Units"); Spanish "Los X" names a gang
        self.named_unit_re = re.compile(r"\b((?:[A-Z][\w'’-]+\s+(?:(?:" + "|".join(words["unit_particles"])
                                        + r")[ -])?){1,5}(?:" + "|".join(words["unit_heads"]) + r"))\b")
        self.los_gang_re = re.compile(r"\b((?:" + "|".join(words["gang_articles"]) + r")\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
                                      r"(?:\s+(?:" + "|".join(words["gang_nouns"]) + r")\b)?")
        # Every match of these holds one of a few whole words (the head noun, "Los"), missing from most texts
        self.acronym_actor_gate = WordGate(self.acronym_actor_re, needs=(first_words(words["member_nouns"]),))
        unit_heads = [h.removesuffix("s?") for h in words["unit_heads"]]  # "Brigades?": "Brigade" and "Brigades"
        self.named_unit_gate = WordGate(self.named_unit_re, needs=(first_words(unit_heads, ("", "s")),))
        self.los_gang_gate = WordGate(self.los_gang_re, first_words(words["gang_articles"]))

    def find(self, text: str, country: str, words: TextWords, entities, add: Callable) -> None:
        """The unlisted actors of ``text`` (and of spaCy's ``entities``), each passed to ``add``."""
        # an acronym the dictionary lacks, named as an armed actor: "HBDH militants" is kept as "HBDH"
        for m in self.acronym_actor_gate.finditer(text, words):
            if m.group(1) not in self.aliases.exact and m.group(1) not in self.names.nationality_upper:
                add(m.start(1), m.end(1), m.group(1), 2, country, known=False, score=0.5)
        self._named_units(text, country, words, add)
        for m in self.los_gang_gate.finditer(text, words):
            key = fold_key(m.group(1))
            if key not in self.names.towns and key not in self.aliases.folded and m.group(1) not in self.names.regions:
                add(m.start(), m.end(), m.group(1) + " Gang", 3, country, known=False, score=0.4)
        for ent in entities:
            if ent.label in ("ORG", "NORP") and self.group_heads.search(ent.span.text):
                name = re.sub(r"^the\s+", "", ent.span.text, flags=re.I).strip()
                off = ent.span.text.find(name)
                if name == ent.span.text and self.place_division(text, ent.span.start, name):
                    continue
                add(ent.span.start + off, ent.span.start + off + len(name), name, 2, country, known=False, score=0.4)

    def _named_units(self, text: str, country: str, words: TextWords, add: Callable) -> None:
        """Armed units written out without NER ("Sultan Suleiman Shah Brigade")."""
        for m in self.named_unit_gate.finditer(text, words):
            if _NUMBERED_BEFORE.search(text[max(0, m.start() - 10):m.start()]):
                continue  # "the 1st Marine Brigade": a numbered unit of a state's army
            name = self.unit_name(m.group(1))
            if name and self.place_division(text, m.start(1) + m.group(1).find(name), name):
                continue
            if name:
                start = m.start(1) + m.group(1).find(name)
                add(start, start + len(name), name, 2, country, known=False, score=0.4)

    def unit_name(self, phrase: str) -> str:
        """The name of an armed unit the text writes out ("Sultan Suleiman Shah Brigade"), "" when the phrase
        is a state's force ("Kenya Defence Forces", "Syrian Arab Army"), a known group, or no name at all."""
        words = phrase.split()
        while words and (words[0] in self.not_names or words[0].lower() in self.openers):
            words = words[1:]
        if len(words) < 2:
            return ""
        name = " ".join(words)
        names = self.names
        if fold_key(name) in self.aliases.folded or any(
                w.lower().strip("'’s") in names.nationality or w.lower() in names.country_words for w in words):
            return ""
        return name

    def place_division(self, text: str, start: int, name: str) -> bool:
        """Whether ``name`` at ``start`` ("Kopsiro Division") is an administrative division, not an armed unit:
        it ends in "Division" and either its place is a known town or region, or a place preposition stands
        right before it with no article ("attacked villages in Kopsiro Division")."""
        words = name.split()
        if len(words) < 2 or words[-1] != "Division":
            return False
        place = " ".join(words[:-1])
        return (fold_key(place) in self.names.towns or place in self.names.regions
                or bool(_PLACE_DIVISION.search(text[max(0, start - 12):start])))
