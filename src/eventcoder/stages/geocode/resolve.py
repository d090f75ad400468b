"""Resolving: each toponym's gazetteer candidates, the document's country, then one place per toponym.

1. Candidates: the phrase with its type word first ("Burnt Forest"), then the name, then its longest part that
   is a place name ("Hodeidah Red Sea", "Mogadishu-Bondhere"). A country's exact name is the country ("Lebanon",
   not a US town), unless a type word makes it a neighbourhood ("the Kosovo area of a Nairobi slum").
2. The document's country (country.py); toponyms with no exact namesake there get a transliterated and fuzzy
   try within it ("Majdel Aanjar" ~ "Majdal Anjar").
3. Containers first (they come later in a chain), then what they contain (choose.py); an unresolved container
   gives way to its own container. A name several places share, with no container, takes the namesake near
   the document's other places and inside the provinces it names (not its datelines or places only
   mentioned); each toponym knows the countries its sentence names, the evidence a town abroad needs.
4. Doubtful choices are dropped: a village name several small towns of the country share, none within 100 km
   of the document's other places, is a namesake the gazetteer lacks; an inexact spelling of a town under
   100,000 far from every exactly named place, or outside every province of its country the document
   names, is a namesake of the spelling rules; a street named after a province is not in it.
5. A name repeated in the document is the same place, resolved where its container says which; a toponym the
   gazetteer lacks takes the place of its other name ("Nad Ali (Marja) district").
6. A place abroad in a clause about diplomacy is a venue, only mentioned (mentions.py).
"""
from __future__ import annotations

import re
from typing import Optional

from ...config import GeocodeSettings
from ...gazetteer import Candidate, Gazetteer, fold, haversine_km, skeleton
from ...types import Record
from .choose import Chooser, Context, same_province
from .country import CountryVotes
from .mentions import MentionReader, sentence_around
from .toponyms import Toponym
from .words import GeoWords


def _children(toponyms: list[Toponym], i: int) -> tuple[Candidate, ...]:
    """The exact namesakes of the places toponym ``i`` contains, when those are few (not "Central Zone")."""
    return tuple(c for o in toponyms if o.parent == i and len(o.candidates) <= 10
                 for c in o.candidates if c.matched == "exact")


class Resolver:
    """Gives each toponym its candidates and its place, and the document its country."""

    def __init__(self, words: GeoWords, gazetteer: Gazetteer, settings: GeocodeSettings, votes: CountryVotes,
                 chooser: Chooser, mentions: MentionReader):
        self.words = words
        self.gazetteer = gazetteer
        self.settings = settings
        self.votes = votes
        self.chooser = chooser
        self.mentions = mentions

    def resolve(self, record: Record, toponyms: list[Toponym]) -> str:
        """Resolve the document's toponyms; returns its country (ISO alpha-2, or "")."""
        for t in toponyms:
            t.candidates = self._candidates(t)
        country = self.votes.document_country(record, toponyms)
        if country:
            self._home_candidates(toponyms, country)
        self._choose_all(record.text, toponyms, country)
        self._drop_small_namesakes(toponyms, country)
        self._drop_far_spellings(toponyms)
        self._drop_streets(toponyms)
        _share_names(toponyms)
        self.mentions.mark_venues(record.text, toponyms, country)
        return country or ""

    # -- candidates -------------------------------------------------------------------------------
    def _candidates(self, t: Toponym) -> list[Candidate]:
        cands = self.lookup(t)
        countries = [c for c in cands if c.kind == "country" and c.matched == "exact"]
        if countries and (t.role in ("town", "part", "facility", "adm2") or t.cue in ("area", "areas")
                          or fold(t.full).endswith((" area", " areas"))):
            # "the Kosovo area of a Nairobi slum", "Darfur village": a country's name given to a neighbourhood
            return [c for c in cands if c.kind != "country"]
        if countries:
            return countries  # "Lebanon" is the country, not one of the US towns of that name
        return cands

    def lookup(self, t: Toponym, country: Optional[str] = None) -> list[Candidate]:
        """The gazetteer's candidates for ``t`` (within ``country``, by transliteration and fuzzy match, when
        given)."""
        limit = self.settings.max_candidates
        if t.full and country is None:
            whole = self.gazetteer.lookup(t.full, limit=limit, exact_only=True)
            if whole:
                if t.role in ("area", "part", "facility"):
                    t.role = ""  # "Burnt Forest" is a town; "Lamu County" stays a county
                return whole
        cands = self.gazetteer.lookup(t.text, country=country, fuzzy=country is not None, limit=limit)
        if cands:
            return cands
        return self._part_lookup(t, country)

    def _part_lookup(self, t: Toponym, country: Optional[str]) -> list[Candidate]:
        """"Hodeidah Red Sea", "North Darfur", "Mogadishu-Bondhere": the longest part that is a place name,
        leftmost first; such matches count only inside the document's country (see choose.py). A country
        with direction words ("Northern Iraq") is the country, named as a locative is."""
        words = re.split(r"[\s-]+", t.text)
        for n in range(len(words) - 1, 0, -1):
            for i in range(0, len(words) - n + 1):
                part = " ".join(words[i:i + n])
                if fold(part) in self.words.nonplaces or len(fold(part)) < 4 or part in self.words.demonyms:
                    continue
                found = self.gazetteer.lookup(part, country=country, fuzzy=False, limit=self.settings.max_candidates,
                                              exact_only=True)
                rest = words[:i] + words[i + n:]
                if found and found[0].kind == "country" and all(fold(w) in self.words.directions for w in rest):
                    t.locative = True  # "Northern Iraq" is the country, as "in northern Iraq" is
                    return [c for c in found if c.kind == "country"]
                if found:
                    return [c.with_score(round(c.score * 0.9, 3), "part") for c in found]
        return []

    def _home_candidates(self, toponyms: list[Toponym], country: str) -> None:
        """Toponyms with no exact namesake in the document's country get a transliterated and fuzzy try within
        it (also when the world-wide list was cut at the limit: "Santa Catarina" names 40 towns before the
        Brazilian state)."""
        limit = self.settings.max_candidates
        for t in toponyms:
            if len(fold(t.text)) >= 4 and (len(t.candidates) >= limit or not any(
                    c.country_code == country and c.matched == "exact" for c in t.candidates)):
                home = self.gazetteer.lookup(t.text, country=country, fuzzy=True, limit=limit)
                if home:
                    seen = {c.place_id for c in home}
                    t.candidates = home + [c for c in t.candidates if c.place_id not in seen]

    # -- choosing ---------------------------------------------------------------------------------
    def _choose_all(self, text: str, toponyms: list[Toponym], country: Optional[str]) -> None:
        """Choose each toponym's place, containers first (they come later in a chain), then what they contain;
        then, for a name several places share, the namesake near the document's other places and in the
        provinces it names."""
        containers = {t.parent for t in toponyms if t.parent is not None}
        # "the X district of Y", "the X neighbourhood of Y": Y holds quarters, as a city does
        quarters = {t.parent for t in toponyms if t.parent is not None and t.role in ("part", "adm2", "facility")
                    and re.fullmatch(r"\s*of\s+(?:the\s+)?", text[t.cue_end:toponyms[t.parent].start])}
        # "Martyrs Square in Y", "a market of Y", "X mosque, Y": Y is a town
        parts = {t.parent for t in toponyms if t.parent is not None and t.role in ("part", "facility")}
        named = self._countries_named(text, toponyms)
        homes = {fold(t.text) for t in toponyms if not (t.mention or t.dateline) and any(
            c.country_code == country and c.matched == "exact" and c.kind != "country" for c in t.candidates)}
        for i in range(len(toponyms) - 1, -1, -1):
            t = toponyms[i]
            self.chooser.choose(t, Context(country, _container(toponyms, t), is_container=i in containers,
                                           children=_children(toponyms, i), quarters=i in quarters,
                                           parts=i in parts, named_near=named(t),
                                           home_named=bool(homes - {fold(t.text)})))
        # the provinces of the document's country it names, and its places (not countries, datelines or
        # places only mentioned) for the namesakes of a name without a container
        provinces = [(fold(o.text), skeleton(o.chosen.name)) for o in toponyms if o.chosen is not None
                     and o.chosen.kind == "adm1" and o.chosen.country_code == country and not o.mention]
        for i, t in enumerate(toponyms):
            spots = {(c.latitude, c.longitude) for c in t.candidates if c.kind in ("city", "adm2", "extra")}
            admin1s = frozenset(sk for name, sk in provinces if name != fold(t.text))
            if t.parent is None and len(spots) > 1 and not t.mention:
                others = tuple(o.chosen for o in toponyms if o is not t and o.chosen is not None
                               and fold(o.text) != fold(t.text) and o.chosen.kind in ("city", "adm2", "extra")
                               and not (o.mention or o.dateline))
                if others or admin1s:
                    self.chooser.choose(t, Context(country, None, is_container=i in containers, neighbours=others,
                                                   children=_children(toponyms, i), quarters=i in quarters,
                                                   parts=i in parts, named_near=named(t), admin1s=admin1s,
                                                   home_named=bool(homes - {fold(t.text)})))

    def _countries_named(self, text: str, toponyms: list[Toponym]):
        """A function from a toponym to the countries its sentence names by a country's name or a demonym
        ("the Sudanese town of X", "X, across the border in Turkey")."""
        marks = [(t.start, c.country_code) for t in toponyms for c in t.candidates[:1]
                 if c.kind == "country" and c.matched == "exact"]
        marks += [(m.start(), self.words.demonyms[m.group(1)]) for m in self.words.demonyms_in(text)]

        def named(t: Toponym) -> frozenset[str]:
            if not marks:
                return frozenset()
            lo, hi = sentence_around(text, t.start, t.end)
            return frozenset(cc for pos, cc in marks if lo <= pos < hi)

        return named

    # -- doubtful choices -------------------------------------------------------------------------
    @staticmethod
    def _drop_small_namesakes(toponyms: list[Toponym], country: Optional[str]) -> None:
        """A village name several small towns of the country share, none of them within 100 km of the
        document's other places: a namesake the gazetteer lacks ("the village of Pisky" in a report on the
        Donetsk front is none of the Piskys of Poltava or Mykolaiv)."""
        for t in toponyms:
            c = t.chosen
            homes = [k for k in t.candidates if k.country_code == country and k.kind == "city"]
            if c is None or t.parent is not None or c.kind != "city" or c.country_code != country \
                    or len({(k.latitude, k.longitude) for k in homes}) < 2 or any(k.population >= 10_000 for k in homes):
                continue
            others = [o.chosen for o in toponyms if o.chosen is not None and fold(o.text) != fold(t.text)
                      and o.chosen.matched == "exact" and o.chosen.kind in ("city", "adm2", "extra")]
            if others and all(haversine_km(k.latitude, k.longitude, o.latitude, o.longitude) > 100
                              for k in homes for o in others):
                t.chosen, t.reason = None, f"{len(homes)} small namesakes, none near the document's other places"

    @staticmethod
    def _drop_far_spellings(toponyms: list[Toponym]) -> None:
        """An inexact spelling with no container, far from every exactly named place of the document, or
        outside every province of its country the document names, is a namesake found by the spelling rules,
        not the place ("Xpura ... (Gaya, Bihar)" is no Sxpura in Haryana; "in X County ... at Qwertani
        village" is no Qwertany of another county); a city of 100,000 is spelled many ways ("Diwaaniya" is Al
        Diwaniyah, however far)."""
        anchors = [o.chosen for o in toponyms if o.chosen is not None and o.chosen.matched == "exact"
                   and o.chosen.kind != "country" and not (o.mention or o.dateline)]
        provinces = [a for a in anchors if a.kind == "adm1"]
        for t in toponyms:
            c = t.chosen
            if c is None or c.matched not in ("fuzzy", "skeleton") or c.kind not in ("city", "extra") \
                    or c.population >= 100_000 or t.parent is not None or not anchors:
                continue
            if all(haversine_km(c.latitude, c.longitude, a.latitude, a.longitude) > 300 for a in anchors):
                t.chosen, t.reason = None, f"only {c.name} by {c.matched} match, far from the document's other places"
            elif c.admin1 and any(p.country_code == c.country_code for p in provinces) and not any(
                    same_province(c, p) for p in provinces if p.country_code == c.country_code):
                t.chosen, t.reason = None, f"only {c.name} by {c.matched} match, outside the provinces named"

    @staticmethod
    def _drop_streets(toponyms: list[Toponym]) -> None:
        """"Tahrir Street", "Baghdad Street": a street named after a district or province is no sign of the
        event being there (it is in some town's centre); only a container places it."""
        for t in toponyms:
            c = t.chosen
            if c is not None and t.cue == "street" and t.parent is None and c.kind in ("adm1", "adm2"):
                t.chosen, t.reason = None, f"a street named after {c.name}, not in it"


def _container(toponyms: list[Toponym], t: Toponym) -> Optional[Toponym]:
    """The toponym that bounds ``t``: its container, or that container's own when it is unresolved ("Jati
    sub-district, Pulogadung District, East Jakarta"); none when the container shares its name ("Nouakchott
    (Nouakchott)": the town and its district)."""
    parent = toponyms[t.parent] if t.parent is not None else None
    steps = 0
    while parent is not None and parent.chosen is None and parent.parent is not None and steps < 3:
        parent, steps = toponyms[parent.parent], steps + 1
    if parent is not None and skeleton(parent.text) == skeleton(t.text):
        return None
    return parent


def _share_names(toponyms: list[Toponym]) -> None:
    """"Tuzla industrial zone in Tuzla, Istanbul": a name repeated in the document is the same place, resolved
    where its container says which; a toponym unresolved takes the place of its other name."""
    with_parent = {fold(t.text): t for t in toponyms if t.parent is not None}
    for t in toponyms:
        twin = with_parent.get(fold(t.text))
        if twin is not None and {t.role, twin.role} == {"adm1", "adm2"}:
            continue  # "Balkh district ... Balkh province": one name, two units
        if twin is not None and t.parent is None and twin is not t:
            t.chosen, t.score, t.reason = twin.chosen, twin.score, f"as {twin.text!r} with its container"
            if twin.chosen is None:
                t.parent = twin.parent  # not inside it: the container places both
    for t in toponyms:
        if t.alias_of is not None and toponyms[t.alias_of].chosen is None and t.chosen is not None:
            main = toponyms[t.alias_of]
            main.chosen, main.score, main.reason = t.chosen, t.score, f"by its other name {t.text!r}"
