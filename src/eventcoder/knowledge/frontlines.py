"""Fire nobody claims, on a static front line, coded to the side facing the one that holds the place.

Monitors along a front report fire without saying who fired: "the SMM observed 12 explosions near X". ACLED codes
such an event to the side facing the one that holds X, and a clash "in both directions" near X to that side
against the holder. ``data/frontlines.json`` lists, for each front, its country, its period, the sides (actor
names and inter codes) and the settlements each side held for the whole period; this module applies it to an
event that (a) the earlier stages left to an unidentified armed group of the front's country, (b) is of one of
the front's event types, (c) is dated within its period and (d) whose place, as named in the text, is one of
the listed settlements. Anything else is left as it is.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

from ..gazetteer import spelling
from ..types import Event, Span
from .actornames import UNIDENTIFIED_PREFIX, fill_name
from .resources import data_path

STAGE = "finalize"
FLAG = "actor1_from_front_line"
# Below the 0.6 of an actor named in the text: a convention applied to the place, not a reading of the text.
SCORE = 0.5
_NUMBERED_PART = re.compile(r"[\s-]*\d+$")  # "Zolote-1", one of the numbered parts of Zolote
_POSSESSIVE = re.compile(r"['’]s$")  # "Avdiivka's outskirts"
_FIRST_NAME = re.compile(r"[\s-]")  # "Donetsk airport", "Donetsk-Kirovskyi": a part of Donetsk
# A place the clause names after a locative word ("near Bolotene"), for when the geocoder's toponym is another
# or none (a village missing from the gazetteer falls back to the capital, with no span in the text).
# "in Luhansk region" names the region, not the city.
_REGION_WORD = r"(?i:region|oblast|province|district|raion)\b"
_NAMED_PLACE = re.compile(r"\b(?:near|in|at|outside|around|of)\s+([A-Z][\w'’]*(?:[ -](?!" + _REGION_WORD
                          + r")(?:[A-Z][\w'’]*|\d+))*)(?![\w'’])(?![ -]" + _REGION_WORD + ")")


@dataclass(frozen=True)
class Side:
    key: str
    actor: str  # a template: "{country}" and "{period}" are filled in
    inter: int


@dataclass(frozen=True)
class Front:
    name: str
    country: str
    start: date
    end: date
    event_types: frozenset[str]
    sides: tuple[Side, Side]
    holder: dict[str, str]  # spelling of a settlement -> key of the side that held it

    def other(self, key: str) -> Side:
        return self.sides[1] if self.sides[0].key == key else self.sides[0]

    def side(self, key: str) -> Side:
        return self.sides[0] if self.sides[0].key == key else self.sides[1]

    def held_by(self, place: str) -> Optional[tuple[str, str]]:
        """(the settlement as listed, the key of its holder) for a place as written, or None."""
        place = _POSSESSIVE.sub("", place)
        for name in (place, _NUMBERED_PART.sub("", place), _FIRST_NAME.split(place, 1)[0]):
            key = self.holder.get(spelling(name)) if name else None
            if key is not None:
                return name, key
        return None


class FrontLines:
    """The fronts of ``data/frontlines.json`` (or ``path``)."""

    def __init__(self, path: Optional[Path] = None):
        source = path or data_path("frontlines.json")
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        self.fronts: list[Front] = []
        for entry in data.get("fronts", []):
            sides = tuple(Side(key, s["actor"], int(s["inter"])) for key, s in entry["sides"].items())
            if len(sides) != 2:
                raise ValueError(f"{source}: front {entry.get('name')!r} has {len(sides)} sides; a front has two. "
                                 f"Name exactly two under 'sides'.")
            holder: dict[str, str] = {}
            for key, places in entry["held_by"].items():
                if key not in entry["sides"]:
                    raise ValueError(f"{source}: front {entry['name']!r} lists places held by {key!r}, which is not "
                                     f"one of its sides {sorted(entry['sides'])}. Fix the key under 'held_by'.")
                for place in places:
                    previous = holder.setdefault(spelling(place), key)
                    if previous != key:
                        raise ValueError(f"{source}: {place!r} is listed as held by both {previous!r} and {key!r} "
                                         f"on front {entry['name']!r}. A contested place goes in neither list.")
            self.fronts.append(Front(entry["name"], entry["country"], date.fromisoformat(entry["from"]),
                                     date.fromisoformat(entry["until"]), frozenset(entry["event_types"]),
                                     (sides[0], sides[1]), holder))
        self.countries = {f.country for f in self.fronts}

    def attribute(self, event: Event, periods: dict[str, str]) -> bool:
        """Code an unclaimed event on a front to the side facing the holder of its place; True if it did.

        Args:
            periods: country -> ACLED period of its state forces ("2019-"), to fill the sides' names.
        """
        if event.country not in self.countries or not (event.actor1 or "").startswith(UNIDENTIFIED_PREFIX):
            return False
        if not event.event_date:
            return False
        try:
            day = date.fromisoformat(event.event_date)
        except ValueError:
            return False
        for front in self.fronts:
            if front.country != event.country or event.event_type not in front.event_types \
                    or not front.start <= day <= front.end:
                continue
            found = self._held_place(front, event)
            if found is None:
                continue
            place, settlement, key = found
            holder, firing = front.side(key), front.other(key)
            period = periods.get(event.country, "")
            holder_name = fill_name(holder.actor, event.country, period)
            note = (f"{front.name}: {settlement} was held by {holder_name} from {front.start} to {front.end}; "
                    f"fire nobody claims there is coded to the other side")
            event.set("actor1", fill_name(firing.actor, event.country, period), stage=STAGE, evidence=place,
                      score=SCORE, note=note)
            event.set("inter1", firing.inter, stage=STAGE, evidence=place, score=SCORE)
            if event.sub_event_type == "Armed clash" and not event.actor2:
                event.set("actor2", holder_name, stage=STAGE, evidence=place, score=SCORE, note=note)
                event.set("inter2", holder.inter, stage=STAGE, evidence=place, score=SCORE)
            event.flag(FLAG)
            return True
        return False

    @staticmethod
    def _held_place(front: Front, event: Event) -> Optional[tuple[Span, str, str]]:
        """(the span, the settlement as listed, its holder's key) of the event's place: the geocoder's toponym,
        else the first place its clause names after a locative word."""
        located = event.provenance.get("location")
        # a region's name (precision 3) is not a settlement's: "Luhansk region" is not the city of Luhansk
        if located is not None and located.evidence is not None and (event.geo_precision or 3) <= 2:
            found = front.held_by(located.evidence.text.strip())
            if found is not None:
                return (located.evidence, *found)
        clause = event.evidence
        for m in _NAMED_PLACE.finditer(clause.text):
            found = front.held_by(m.group(1))
            if found is not None:
                start = clause.start + m.start(1)
                return (Span(start=start, end=start + len(m.group(1)), text=m.group(1)), *found)
        return None
