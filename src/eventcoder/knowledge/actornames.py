"""Canonical actor names as ACLED writes them: their kinds, the templates with a country and a period, and
the conventions that move a generic name to another country or make an unattributed armed group a gang.

The actors, classify and finalize stages and the front lines all read names this way.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .resources import read_json

UNIDENTIFIED_PREFIX = "Unidentified Armed Group ("
GANG_PREFIX = "Unidentified Gang ("
KIND_PREFIXES = {
    "Protesters (": "protesters", "Rioters (": "rioters", "Civilians (": "civilians",
    UNIDENTIFIED_PREFIX: "unidentified", GANG_PREFIX: "gang", "Military Forces of": "military",
    "Police Forces of": "police", "Government of": "government",
}


@lru_cache(maxsize=1 << 14)  # 45,000 calls per 500 documents over a few hundred names (0.18 -> 0.02 s)
def actor_kind(name: str) -> str:
    """The kind of a canonical actor name: protesters, rioters, civilians, unidentified, military, police,
    government, or "group" for a named actor."""
    for prefix, kind in KIND_PREFIXES.items():
        if name.startswith(prefix):
            return kind
    return "group"


def fill_name(template: str, country: str, period: str) -> str:
    """An actor name template with its {country} ("Unknown" when none) and {period} slots filled; a name whose
    country has no period loses the empty brackets ("Military Forces of Kosovo")."""
    return template.replace("{country}", country or "Unknown").replace("{period}", period).replace(" ()", "")


_DOC_COUNTRY_NAME = re.compile(r"^(?P<head>.+? of )(?P<c>[^()]+?)(?: \((?P<p>[^()]*)\)(?P<tail> .*)?)?$|^(?P<h2>.+ \()(?P<c2>[^()]+)\)$")


def currency_words() -> tuple[str, ...]:
    """Words that make a country's name or adjective before them a currency ("the US dollar"): no place and
    no vote for the document's country (data/countries.json "currency_words"; the geocode stage reads them too)."""
    return tuple(read_json("countries.json").get("currency_words", ()))


def country_words() -> dict[str, str]:
    """Every name, alias and adjective of countries.json ("United States", "USA", "US", "American"), with
    its country's ISO alpha-2 code."""
    out: dict[str, str] = {}
    for c in read_json("countries.json")["countries"]:
        for word in (c["name"], *c.get("aliases", ()), *c.get("adjectives", ())):
            out.setdefault(word, c["iso2"])
    return out


def transnational_groups() -> dict[str, tuple[str, ...]]:
    """The dictionary's groups that fight beyond their home country, by canonical name, with the other
    countries where they fight (actors.json "active_in": Al Shabaab in Kenya, JNIM in Burkina Faso and
    Niger): their home country is a weaker hint of where an event is than a local group's."""
    return {g["name"]: tuple(g["active_in"]) for g in read_json("actors.json")["groups"] if g.get("active_in")}


def _gang_entry() -> dict:
    generic = read_json("actors.json")["generic"]
    return next((gen for gen in generic if gen["kind"] == "gang"), {})


def gang_countries() -> set[str]:
    """The countries where ACLED names an unattributed gang "Unidentified Gang (X)" (elsewhere it is an
    unidentified armed group), from the generic entries of data/actors.json."""
    return set(_gang_entry().get("only_in", ()))


def gang_convention() -> tuple[set[str], Optional[re.Pattern]]:
    """The gang countries (see gang_countries) and the signs of organised crime ("signs of torture",
    "drive-by", "threatening message") that make an unattributed armed group a gang there (the gang entry's
    "cues" in data/actors.json), from one read of the file."""
    gang = _gang_entry()
    cues = gang.get("cues", ())
    return (set(gang.get("only_in", ())),
            re.compile(r"(?<![\w-])(?:" + "|".join(cues) + ")", re.I) if cues else None)


def as_gang(name: str) -> str:
    """"Unidentified Armed Group (X)" -> "Unidentified Gang (X)"; other names come back unchanged."""
    return GANG_PREFIX + name[len(UNIDENTIFIED_PREFIX):] if name.startswith(UNIDENTIFIED_PREFIX) else name


def recountry(name: str, country: str, period: str = "", gangs: Optional[set[str]] = None) -> str:
    """A generic actor's name moved to another country: "Police Forces of Unknown" -> "Police Forces of Kenya
    (2013-)", "Rioters (Unknown)" -> "Rioters (Kenya)"; with ``gangs`` (see gang_countries) an unidentified
    gang outside those countries becomes an unidentified armed group. Names of another shape come back unchanged."""
    if gangs is not None and country not in gangs and name.startswith(GANG_PREFIX):
        name = UNIDENTIFIED_PREFIX + name[len(GANG_PREFIX):]
    m = _DOC_COUNTRY_NAME.match(name)
    if not m:
        return name
    if m.group("h2"):
        return f"{m.group('h2')}{country})"
    return f"{m.group('head')}{country}{f' ({period})' if period else ''}{m.group('tail') or ''}"
