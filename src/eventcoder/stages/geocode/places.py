"""Places: the place a group of toponyms gives an event, its precision, and the Place record.

Of the chains a stretch of text names, the first that resolves gives the place: its head, else its nearest
resolved container (the head is a village or area the gazetteer lacks: precision at least 2). Places of the
document's country come before foreign ones; possessives ("Logar's council", "Nairobi police"), places people
come "from" or go to and countries last; places only mentioned (mentions.py), datelines and foreign countries
named without a locative ("Turkey-backed", "peacekeepers from Rwanda") never; a province, or a river or
mountain, after a town of that province named beside it; a container reached through an unknown village after
a town named in that same container ("between Unknownville and Y in Z": Y). A road, or a building whose name
is no town, lies in its container. A named town gives geo_precision 1, a place near or part of it 2, a
district 2, a province or country alone 3.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple, Optional

from ...types import Place, validated
from .choose import same_province
from .toponyms import Toponym
from .words import GeoWords

# The place an event takes: the toponym, the geo_precision, and why (the note of the event's location).
Found = tuple[Toponym, int, str]


class _Option(NamedTuple):
    """The place one chain of the text offers, and how it ranks."""

    rank: int       # 0 the document's country, 1 abroad, 2 a possessive or origin, 3 a country
    target: Toponym
    precision: int
    note: str
    vague: bool     # a province, river or mountain: after a town of its province
    sibling_of: Optional[Toponym] = None  # reached through an unknown village: after a town in the same container
    head_parent: Optional[Toponym] = None  # the container the chain's head names


def precision(t: Toponym) -> int:
    """The geo_precision of a resolved toponym."""
    c = t.chosen
    if c is None:
        return 3
    if c.kind in ("adm1", "country"):
        return 3
    if c.kind == "adm2":
        return 2
    if t.near or t.role == "area":
        return 2
    return 1


def place_of(t: Toponym, geo_precision: Optional[int] = None) -> Place:
    """The Place of a resolved toponym (at its own precision unless one is given)."""
    c = t.chosen
    assert c is not None
    return validated(Place, {"geonameid": c.geonameid, "location": c.name, "admin1": c.admin1,
                             "admin2": c.admin2, "country": c.country, "iso": c.iso,
                             "latitude": round(c.latitude, 5), "longitude": round(c.longitude, 5),
                             "geo_precision": geo_precision or precision(t), "feature": c.kind,
                             "population": c.population})


def within(toponyms: list[Toponym], starts: list[int], lo: int, hi: int) -> list[int]:
    """The indices of the toponyms between ``lo`` and ``hi``, as ``[i for i, t in enumerate(toponyms) if lo <=
    t.start and t.end <= hi]``: the toponyms are sorted by ``starts``, so only those that start there are
    read, not all of the document's for each event."""
    return [i for i in range(bisect_left(starts, lo), bisect_right(starts, hi)) if toponyms[i].end <= hi]


class PlaceReader:
    """Reads the place a group of toponyms gives an event."""

    def __init__(self, words: GeoWords):
        self.words = words

    def event_place(self, toponyms: list[Toponym], idx: list[int], country: Optional[str] = None) -> Optional[Found]:
        """The place of the first chain among ``idx`` that resolves (see the module's docstring)."""
        contained = {toponyms[i].parent for i in idx if toponyms[i].parent is not None}
        # a container is reached through its chain head
        found = [o for o in (self._option(toponyms, i, country) for i in idx if i not in contained) if o is not None]
        if found and min(f.rank for f in found) < 3:
            best = min(found, key=lambda f: f.rank)
            if best.vague or best.sibling_of is not None:
                for f in found:
                    if f.rank == best.rank and not f.vague and (
                            f.sibling_of is None and f.head_parent is best.sibling_of if best.sibling_of is not None
                            else same_province(f.target.chosen, best.target.chosen)):
                        return f.target, f.precision, f.note
            return best.target, best.precision, best.note
        # the chains lead only to countries ("during the Iran-Iraq War, in Mehran county"): any other place
        for i in idx:
            t = toponyms[i]
            if t.chosen is not None and t.chosen.kind != "country" and not (t.mention or t.dateline or t.institution):
                return t, precision(t), "named in the event's text"
        if found:
            return found[0].target, found[0].precision, found[0].note
        return None

    def _option(self, toponyms: list[Toponym], i: int, country: Optional[str]) -> Optional[_Option]:
        """The place the chain headed by toponym ``i`` offers, if it resolves."""
        t, steps, j = toponyms[i], 0, i
        if t.mention or t.dateline or t.institution:
            # "at 23:00 Moscow time", "the Minsk deal", "the UN Mission in Sudan"; a dateline says where the
            # report was filed (the last resort of link.py); "Kenya Defence Forces", "X Union" name institutions
            return None
        while j is not None and toponyms[j].chosen is None and steps < 3:
            j, steps = toponyms[j].parent, steps + 1
        if j is None or toponyms[j].chosen is None or toponyms[j].mention:
            return None
        chosen = toponyms[j].chosen
        if chosen.kind == "country" and country and chosen.country_code != country and not toponyms[j].locative:
            return None  # "Turkey-backed factions", "peacekeepers from Rwanda": a country only mentioned
        # "on Jinnah road in Quetta", "at the Andres Bello University in Caracas": a road, or a building
        # whose name is no town (a person's, a district's), lies in its container ("X police station"
        # named for town X is at X)
        road = (toponyms[j].cue in self.words.road_cues or (toponyms[j].role == "facility" and toponyms[j].chosen.kind
                                                            not in ("city", "extra"))) \
            and toponyms[j].parent is not None and toponyms[toponyms[j].parent].chosen is not None
        if road:
            j = toponyms[j].parent
        target = toponyms[j]
        prec = precision(target)
        note = "named in the event's text"
        if road:
            note = f"the {t.text} {toponyms[i].cue or 'road'} lies in {target.text!r}"
        elif j != i:
            # a square, market or building of a town is in the town (precision 1, as the town's quarter)
            if not (t.role in ("part", "facility") and toponyms[i].parent == j and target.chosen.kind == "city"):
                prec = max(prec, 2)
            note = f"{t.text!r} is not in the gazetteer; placed at its container {target.text!r}"
        rank = 0
        if target.chosen.kind == "country":
            rank = 3
        elif t.possessive or t.origin:
            rank = 2
        elif country and target.chosen.country_code != country:
            rank = 1
        # a province (named, or reached through an unknown village) comes after a town of that province
        # named beside it ("between Unknownville and Tabqa in the countryside of Raqqa": Tabqa is nearer
        # than the province's seat); so does a river or mountain range beside a town of its province
        # ("patrolling the Evros river near the village of X": X); a container reached through an unknown
        # village comes after a town named in that same container ("the road between Unknownville and Qana in
        # Tyre": Qana)
        vague = (prec >= 3 and target.chosen.kind != "country") or t.cue in self.words.feature_cues
        parent = toponyms[t.parent] if t.parent is not None else None
        return _Option(rank, target, prec, note, vague, target if j != i and not road else None, parent)
