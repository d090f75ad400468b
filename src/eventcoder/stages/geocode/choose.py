"""Choosing: rank a toponym's gazetteer candidates and keep the best one, or none with the reason.

A candidate scores by its match, its size, its country (the document's first, then its neighbours'), how its
kind fits the toponym's type word ("X village" a town, "Y district" a district), and its container: a
candidate inside its container (admin names agree, or within about a district's reach) wins, and one outside
it is dropped. A container is more often a province than a town, but a province or district that shares its
name and seat with a town is that town when something lies near it ("X near Maiduguri", "in eastern Halab"),
when it holds a square, a market or a building ("Martyrs Square in Tripoli"), or when it is a city of 500,000
whose quarter is named ("the X district of Tripoli"); with no word saying which, such a unit weighs as its
seat town. Population is not the only prior: of several namesakes, the one within 50 km (150 km, less) of
the document's other places wins, and one inside a province the document names elsewhere gains.

The best candidate is still refused on weak evidence: an inexact spelling outside the document's country (a
village by a loose spelling of a city of 100,000 anywhere), a lone capitalised word opening a sentence, a
place outside its container (unless it is a city of 100,000 in a province or country), a district outside
the document's country, a person's name. Abroad a place needs strong evidence: a landmark (a square, a
base, a police station: cues ``part``, ``facility`` and ``words.json`` "landmark_cues") resolves only inside
the document's country or its container; a town under 100,000 across the border of a story that names
places of its own country needs its container or its country named in its sentence (a name or a demonym),
and so does a province abroad that contains nothing the text names; farther abroad, a town under 100,000
needs its country named in its sentence.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from ...gazetteer import Candidate, Gazetteer, haversine_km, skeleton
from .toponyms import Toponym
from .words import GeoWords

# how a candidate's kind fits the toponym's type word ("X village" is a town, "Y district" a district), and
# what any other kind costs
_KIND_FIT = {
    "town": ({"city": 1.0, "extra": 1.0, "adm2": 0.3}, -1.0),
    "adm2": ({"adm2": 1.0, "adm1": 0.3, "city": 0.2}, -0.5),
    "adm1": ({"adm1": 1.0, "adm2": 0.3, "city": 0.1}, -0.5),
    "admin": ({"adm1": 0.8, "adm2": 0.8, "city": 0.1}, -0.5),
}


@dataclass(frozen=True)
class Context:
    """What the rest of the document says about a toponym."""

    country: Optional[str]                 # the document's country
    parent: Optional[Toponym] = None       # its container, when a chain names one
    is_container: bool = False             # it contains another toponym
    neighbours: tuple[Candidate, ...] = ()  # the document's other places, to pick the namesake near them
    children: tuple[Candidate, ...] = ()   # the exact namesakes of the places it contains
    quarters: bool = False                 # "the X district of Y": it holds quarters, as a city does
    parts: bool = False                    # "X Square in Y", "a market of Y": it holds a town's parts
    named_near: frozenset[str] = frozenset()  # countries its sentence names (a country's name, a demonym)
    admin1s: frozenset[str] = frozenset()  # skeletons of the provinces of the document's country it names
    home_named: bool = False               # the document names another place of its country


class Chooser:
    """Ranks a toponym's candidates and sets ``chosen``, ``score`` and ``reason``."""

    def __init__(self, words: GeoWords, gazetteer: Gazetteer):
        self.words = words
        self.gazetteer = gazetteer

    def choose(self, t: Toponym, ctx: Context) -> None:
        """Choose the place ``t`` names, or leave it None with the reason."""
        if not t.candidates:
            t.reason = "not in the gazetteer"
            return
        near_by = self.gazetteer.neighbours(ctx.country) if ctx.country else frozenset()
        seats = _seats(t, ctx.is_container, ctx.quarters, ctx.parts) if t.role not in ("adm1", "adm2", "admin") \
            else {}
        ranked = [(self._score(t, c, ctx, near_by, seats), c) for c in t.candidates]
        ranked.sort(key=lambda x: -x[0])
        s, best = ranked[0]
        parent = ctx.parent
        # an inexact spelling needs a close fit to its container: a city 60 km away does not vouch for it
        # ("Bara in the countryside of Idleb" is not Aleppo by a loose transliteration)
        supported = parent is not None and parent.chosen is not None and containment(best, parent.chosen) > (
            0 if best.matched == "exact" else 0.5)
        home = bool(ctx.country) and best.country_code == ctx.country
        reason = (self._weak_evidence(t, best, home, supported)
                  or self._outside_container(t, best, ctx, home, supported)
                  or self._outside_country(t, best, ctx, near_by, home, supported))
        if reason:
            t.reason = reason
            return
        t.chosen = best
        t.score = min(1.0, best.score * (0.7 + 0.3 * min(1.0, s / 5)))
        t.reason = f"{best.matched} match, {best.kind}"

    @staticmethod
    def _score(t: Toponym, c: Candidate, ctx: Context, near_by: frozenset, seats: dict) -> float:
        # our own toponyms (slums, camps) carry no population: count them as a small town; a district or
        # province named after its seat town, with no word saying which, weighs as that town (the unit's
        # population is no reason to prefer it: "Maarrat al-Numan" is the town, not its district)
        seat = seats.get(c.place_id)
        pop = c.population if c.kind != "extra" else max(c.population, 10_000)
        if seat is not None:
            pop = seat.population
        s = 2.0 * c.score + math.log10(pop + 1) / 7
        if ctx.country and c.country_code == ctx.country:
            s += 1.5
        elif c.country_code in near_by:
            s += 0.5  # across the border before farther away (Eastleigh in Nairobi for a Somali outlet)
        fit = _kind_fit(t.role, c.kind, ctx.is_container and seat is None)
        if fit is not None:
            s += fit
        if c.kind == "city" and c.admin2 and skeleton(c.admin2) == skeleton(c.name):
            s += 0.05  # of namesakes, the seat of the district named after it (El Salto, El Salto municipality)
        if ctx.children and c.kind != "country" and (c.main or c.kind in ("adm1", "adm2")) and any(
                containment(k, c) >= 2.0 for k in ctx.children):
            s += 1.0  # "Ciudad Piar, Bolivar state": the Bolivar that holds an El Callao
        if ctx.parent is not None and ctx.parent.chosen is not None:
            s += containment(c, ctx.parent.chosen)
        elif ctx.neighbours:
            # one of several namesakes: the one near the document's other places (50 km: a district or two;
            # 150 km: a province)
            d = min(haversine_km(c.latitude, c.longitude, n.latitude, n.longitude) for n in ctx.neighbours)
            s += 1.0 if d < 50 else 0.4 if d < 150 else 0.0
        if ctx.admin1s and c.kind != "adm1" and c.admin1 and skeleton(c.admin1) in ctx.admin1s:
            s += 0.5  # "... in Idlib province. Shelling hit Saraqib": the Saraqib of the province named
        return s

    def _outside_container(self, t: Toponym, best: Candidate, ctx: Context, home: bool,
                           supported: bool) -> Optional[str]:
        """A best candidate outside the container the text names: "Qalat area of Kushki Kuhna district": a
        Qalat elsewhere is not it; the container places it. "Kisumu [Nyanza Province]": a city that size is
        itself, whatever its container."""
        parent = ctx.parent
        if parent is None or parent.chosen is None or supported or best.kind == "country":
            return None
        big = best.matched == "exact" and best.main and best.kind == "city" and best.population >= 100_000 \
            and (home or not ctx.country) and t.cue not in self.words.road_cues \
            and parent.chosen.kind in ("adm1", "country")
        if big:
            return None
        return f"{best.name} ({best.admin1}, {best.country_code}) is not inside {parent.chosen.name}"

    def _outside_country(self, t: Toponym, best: Candidate, ctx: Context, near_by: frozenset, home: bool,
                         supported: bool) -> Optional[str]:
        """A best candidate that is unlikely outside the document's country, or a person's name. Abroad, a
        town needs strong evidence: a container, its country named in the sentence, or the size of a city."""
        country = ctx.country
        neighbour = bool(country) and best.matched == "exact" and best.country_code in near_by
        named = best.country_code in ctx.named_near
        if country and not home and best.kind in ("adm2", "extra") and not supported and not (
                best.kind == "extra" and neighbour):  # our own conflict toponyms: across a border too
            return f"{best.name} is a district outside the document's country"
        if country and not home and best.kind == "adm1" and ctx.home_named and not (
                supported or named or ctx.is_container):  # ("El Callao, Bolivar state": the container decides)
            # "Coast regional police" in a report set among Kenyan places is no Tanzanian region of that name
            return f"{best.name} is a province outside the document's country, and the text names no {best.country}"
        if t.entity == "PERSON" and not (home or supported or t.role):
            return "a person's name"
        if country and not home and not supported and best.kind != "country" and (
                t.role in ("part", "facility") or t.cue in self.words.landmark_cues):
            # "airlifted to Manda base", "outside Pangani police station": a landmark of the story's country,
            # not a namesake town across the border
            return f"a landmark of the document's country, not {best.name} ({best.country_code})"
        if neighbour and best.kind == "city" and best.population < 100_000 and ctx.home_named \
                and not (supported or named):
            # a border village of a story set among the country's places shares its name with one across
            # the border (a story naming no place of the country is likely across the border itself)
            return f"{best.name} is a town across the border, and the text names no {best.country}"
        abroad = country and not home and not neighbour and not supported
        if abroad and best.kind in ("city", "extra") and best.population < 100_000 and not named:
            # "Sakina Mosque" in a Kenyan report is not Suakin (Sudan), though GeoNames spells it so; a
            # Syrian village is no Sudanese town of its name unless the text names Sudan
            return f"{best.name} is a small place outside the document's country"
        if abroad and not best.main and best.kind in ("city", "extra") and best.population < 1_000_000:
            # "Boni Forest" in a Kenyan report is not Bonn, whose Latin name it is
            return f"{t.text} is only another name of {best.name}, outside the document's country"
        return None

    def _weak_evidence(self, t: Toponym, best: Candidate, home: bool, supported: bool) -> Optional[str]:
        """An inexact spelling outside the document's country, a village by a loose spelling of a city, or a
        lone capitalised word opening a sentence ("Grenade attack ...": Granada by skeleton)."""
        if best.matched != "exact" and t.cue in self.words.village_cues and best.population >= 100_000 \
                and best.kind == "city" and not supported:
            return f"a village, not the city of {best.name} by a {best.matched} match"
        return _loose_or_opening(t, best, home, supported)


def _kind_fit(role: str, kind: str, lone_unit_container: bool) -> Optional[float]:
    """What a candidate's kind adds for the toponym's type word; None: nothing."""
    fits = _KIND_FIT.get("town" if role in ("town", "part", "facility") else role)
    if fits is not None:
        return fits[0].get(kind, fits[1])
    if kind == "country":
        return 0.5
    if lone_unit_container and kind in ("adm1", "adm2"):
        # (a unit whose seat town shares its name is that town: "a district of Tripoli", "X near
        # Maiduguri", "in eastern Halab")
        return 0.8  # "X, Herat" / "(Kech, Balochistan)": a container is usually a district or province
    if kind in ("city", "extra"):
        return 0.3  # "Homs" alone is the city, not the governorate
    return None


def _loose_or_opening(t: Toponym, best: Candidate, home: bool, supported: bool) -> Optional[str]:
    """An inexact spelling outside the document's country, or a lone capitalised word opening a sentence."""
    if best.matched != "exact" and not (home or supported):
        return f"only {best.name} ({best.country_code}) by {best.matched} match, outside the document's country"
    if t.sentence_start and " " not in t.text and not t.role and t.entity not in ("GPE", "LOC") \
            and not (best.matched == "exact" and best.main and (home or best.population >= 100_000)):
        return "a lone capitalised word opening a sentence"
    return None


def _seats(t: Toponym, is_container: bool = False, quarters: bool = False, parts: bool = False) -> dict:
    """For each province or district candidate of ``t`` whose seat is a town among the candidates (same
    country, equally well matched, within 15 km): that town. A container ("X, Herat", "X district of
    Balkh") is more often the province; only one that something lies near ("X near Maiduguri", "in eastern
    Halab"), a city of 500,000 whose quarter or district is named ("the Abu Salim district of Tripoli"), or
    one that holds a square, a market or a building ("Martyrs Square in Tripoli") counts as its town."""
    towns = [c for c in t.candidates if c.kind == "city"]
    out = {}
    if not towns:
        return out
    for c in t.candidates:
        if c.kind in ("adm1", "adm2"):
            for town in towns:
                if town.country_code == c.country_code and town.score >= c.score and haversine_km(
                        town.latitude, town.longitude, c.latitude, c.longitude) < 15 and (
                        not is_container or t.near or parts or (quarters and town.population >= 500_000)):
                    out[c.place_id] = town
                    break
    return out


def containment(c: Candidate, p: Candidate) -> float:
    """Bonus for a candidate inside its container: admin names agree, or it lies within reach (about a
    district's width, 30 km, of a town or district seat). Negative: it is not there."""
    if c.country_code != p.country_code:
        return -2.0
    if p.kind == "country":
        return 1.0
    same_a1 = bool(c.admin1) and skeleton(c.admin1) == skeleton(p.admin1 or p.name)
    d = haversine_km(c.latitude, c.longitude, p.latitude, p.longitude)
    if p.kind == "city" and c.admin2 and p.admin2 and skeleton(c.admin2) == skeleton(p.admin2):
        return 2.5 if same_a1 else 2.0  # a town's own district, as for a district container
    if p.kind == "adm2":
        if c.admin2 and skeleton(c.admin2) == skeleton(p.admin2 or p.name):
            return 2.5
        if d < 30:
            return 1.0
        # districts are redrawn (Andhra Pradesh went from 13 to 26 in 2022, Kenya's became counties in
        # 2013) and GeoNames may give a town its old one: an exactly named town of the same province
        # within 100 km of the district's seat still counts, weakly (not a city of 100,000: those keep
        # their district, and "the northeast of Sanaa (Nihm, Sanaa)" names the governorate, not the capital)
        return 0.5 if same_a1 and c.matched == "exact" and d < 100 and c.population < 100_000 else -0.5
    if same_a1:
        return 2.0
    if p.kind == "adm1":
        # GeoNames and ISO disagree on some provinces (West Bank vs the Jenin governorate): an exactly
        # named town within a province's reach still counts, weakly
        if c.matched == "exact" and (d < 60 or (c.kind == "city" and d < 150)):
            return 0.5
        return -0.5  # a district of that name in another province (Baharak, Badakhshan vs Takhar)
    if p.kind == "city" and c.admin2 and p.admin2 and skeleton(c.admin2) == skeleton(p.admin2):
        return 2.0
    if d < 30:
        return 2.0
    return 0.5 if d < 60 else -0.5


def same_province(c: Candidate, p: Candidate) -> bool:
    """Whether two places lie in one province (same admin1, or within 100 km)."""
    return c.country_code == p.country_code and (
        (bool(c.admin1) and skeleton(c.admin1) == skeleton(p.admin1 or p.name))
        or haversine_km(c.latitude, c.longitude, p.latitude, p.longitude) < 100)
