"""Linking: each event takes the place its own text names, else one nearby, else the document's capital.

An event takes the first place its own evidence names (read as places.py reads a group of toponyms); else one
in its sentence; else the nearest earlier sentence that names a place, read the same way. An event placed no
finer than its own country (or not at all) takes a place another clause ties to events of its type and actors
(ties.py), flagged ``geo_tied``; an event whose own text names only the document's country takes, failing
that, the place the next sentence names in that country (a lead, then its detail: "... in southern X. The
drone hit a car near Y."); else the first later sentence that names a place (a headline before the body). A
foreign country alone in the event's sentence ("arrested on their way to Somalia") yields to a home place
nearby; one named without a locative is no place at all (places.py), but sends the event to the ties first. An
event whose own text names a place the gazetteer lacks ("hit the X district", "protested in X") and takes a
place from elsewhere gets precision at least 2. "In the capital" is the document country's capital (precision
1). With no place named, the dateline's town if it lies in the document's country, else the capital of the
document's country (precision 3, flagged ``geo_country_only``; ``country_fallback=False`` turns both off),
else ``location`` stays empty and the event is flagged ``geo_unresolved``. A place outside the document's
country is flagged ``geo_outside_document_country``.

Every location field is set with ``event.set(..., evidence=<the toponym's span>, note=<why>)``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

from ...config import GeocodeSettings
from ...gazetteer import Gazetteer
from ...types import Event, Place, Record, Span
from .country import CountryVotes
from .places import Found, PlaceReader, place_of, within
from .ties import TiedPlaces
from .toponyms import Toponym

STAGE = "geocode"

# "in the capital", "across the country's capital" (not "the capital of X", which names X)
_CAPITAL_RE = re.compile(r"\b(?:in|into|of|around|across|near|outside|at|to)\s+(the\s+(?:country's\s+|nation's\s+)?"
                         r"capital(?:\s+city)?)\b(?!\s+(?:of|city\s+of)\b)", re.I)


class Linker:
    """Sets each event's location fields from the document's resolved toponyms."""

    def __init__(self, settings: GeocodeSettings, gazetteer: Gazetteer, places: PlaceReader, ties: TiedPlaces,
                 votes: CountryVotes):
        self.settings = settings
        self.gazetteer = gazetteer
        self.places = places
        self.ties = ties
        self.votes = votes

    def link(self, record: Record, ev: Event, toponyms: list[Toponym], country: Optional[str],
             memo: Optional[dict] = None) -> None:
        """Place ``ev``; ``memo`` holds what one document's events share (the toponyms' starts)."""
        span = ev.evidence
        memo = {} if memo is None else memo
        starts = memo.get("starts")
        if starts is None:
            starts = memo["starts"] = [t.start for t in toponyms]
        inside = within(toponyms, starts, span.start, span.end)
        found = self._own_place(record, span, toponyms, starts, inside, country)
        abroad = None
        if found is not None and found[0].chosen.kind == "country":
            if country and found[0].chosen.country_code != country:
                # "two men held on their way to Somalia" in a Kenyan report: a foreign country alone is a
                # destination or origin more often than the place; a place of the document's country named
                # nearby comes first
                abroad, found = found, None
            # no place finer than a country: one the document ties to events of this type and actors, else
            # the next sentence's own ("... in southern Lebanon. The drone hit a car near Qana in Tyre.")
            found = self.ties.place(record, ev, toponyms, country) or (
                found if abroad else self._next_sentence_place(record, span, toponyms, starts, country) or found)
        elif found is None and country and any(_country_abroad(toponyms[i], country) for i in inside):
            # "commanders brought from Iraq": a foreign country only mentioned is no place (places.py), but
            # says the event's place lies elsewhere in the document, as a foreign country alone does
            found = self.ties.place(record, ev, toponyms, country)
        if found is None:
            found = self._earlier_place(record, span, toponyms, starts, country, abroad)
        if found is None and abroad is None:
            found = self.ties.place(record, ev, toponyms, country)
        if found is None:
            found = self._later_place(record, span, toponyms, starts, country, abroad)
        if found is None:
            found = abroad
        if found is not None:
            self._set_place(record, ev, found, toponyms, inside, country)
        else:
            self._fall_back(record, ev, toponyms, country)

    def _own_place(self, record: Record, span: Span, toponyms: list[Toponym], starts: list[int], inside: list[int],
                   country: Optional[str]) -> Optional[Found]:
        """The place the event's own text names, else one its sentence names."""
        found = self.places.event_place(toponyms, inside, country) if inside else None
        if found is None:
            sent = record.sentence_of(span)
            if sent is not None:
                in_sent = list(range(bisect_left(starts, sent.start), bisect_left(starts, sent.end)))
                found = self.places.event_place(toponyms, in_sent, country)
        return found

    def _earlier_place(self, record: Record, span: Span, toponyms: list[Toponym], starts: list[int],
                       country: Optional[str], abroad: Optional[Found]) -> Optional[Found]:
        """The nearest earlier sentence that names a place, read like the event's own ("in Paranaiba, Mato
        Grosso do Sul, ... A man was arrested.": Paranaiba, not its state)."""
        earlier = [i for i, t in enumerate(toponyms) if t.end <= span.start and _may_lend(t)]
        if not earlier:
            return None
        last = toponyms[earlier[-1]]
        sent = record.sentence_of(last.span_of(record.text))
        lo = sent.start if sent is not None else last.start
        hit = self.places.event_place(toponyms, within(toponyms, starts, lo, span.start), country)
        if hit is not None and not (abroad and hit[0].chosen.country_code != country):
            return hit[0], hit[1], "nearest earlier place in the document"
        return None

    def _later_place(self, record: Record, span: Span, toponyms: list[Toponym], starts: list[int],
                     country: Optional[str], abroad: Optional[Found]) -> Optional[Found]:
        """A headline or summary first, its place in a later sentence ("Two killed in grenade attack. The blast
        hit a bar in Garissa."): the first later sentence that names a place."""
        later = [i for i, t in enumerate(toponyms) if t.start >= span.end and _may_lend(t)]
        if not later:
            return None
        first = toponyms[later[0]]
        sent = record.sentence_of(first.span_of(record.text))
        hi = sent.end if sent is not None else first.end
        hit = self.places.event_place(toponyms, within(toponyms, starts, span.end, hi), country)
        if hit is not None and not (abroad and hit[0].chosen.country_code != country):
            return hit[0], hit[1], "nearest later place in the document"
        return None

    def _next_sentence_place(self, record: Record, span: Span, toponyms: list[Toponym], starts: list[int],
                             country: Optional[str]) -> Optional[Found]:
        """The place of the document's country that the sentence after the event's names, finer than the
        country: a lead naming only the country, then its detail."""
        sent = record.sentence_of(span)
        end = sent.end if sent is not None else span.end
        after = next((s for s in record.sentences if s.start >= end), None)
        if after is None:
            return None
        hit = self.places.event_place(toponyms, within(toponyms, starts, after.start, after.end), country)
        if hit is None or hit[0].chosen.kind == "country" or hit[0].chosen.country_code != country:
            return None
        return hit[0], max(hit[1], 2), "the next sentence's place, finer than the country the event names"

    def _set_place(self, record: Record, ev: Event, found: Found, toponyms: list[Toponym], inside: list[int],
                   country: Optional[str]) -> None:
        t, prec, note = found
        span = ev.evidence
        if prec < 2 and not (span.start <= t.start and t.end <= span.end) and any(
                _unknown_place(record.text, toponyms[i]) for i in inside):
            # "hit the al-Shaar district", "protested in Bustan al-Qasr": the event names a place the
            # gazetteer lacks; the place found elsewhere is near it or holds it, not the place itself
            prec = 2
        if note.startswith("tied"):
            ev.flag("geo_tied")
        assign(ev, place_of(t, prec), t.span_of(record.text), t.score, note)
        if t.chosen.country_code != country and country:
            ev.flag("geo_outside_document_country")

    def _fall_back(self, record: Record, ev: Event, toponyms: list[Toponym], country: Optional[str]) -> None:
        """No place: the dateline's town in the document's country, else the country the document names, at
        its capital (precision 3), or nothing."""
        span = ev.evidence
        dateline = next((t for t in toponyms if t.dateline and t.chosen is not None and t.chosen.kind != "country"
                         and t.chosen.country_code == country), None)
        if dateline is not None and self.settings.country_fallback:
            assign(ev, place_of(dateline, 3), dateline.span_of(record.text), dateline.score * 0.5,
                   f"no place named; the dateline's {dateline.chosen.name}, in the document's country")
            ev.flag("geo_country_only")
            return
        cc = self.votes.fallback_country(record, toponyms)
        sent = record.sentence_of(span)
        named = _CAPITAL_RE.search(sent.text if sent is not None else span.text)
        if cc and (self.settings.country_fallback or named):
            cap = self.gazetteer.capital(cc)
            if cap is not None:
                place = Place(geonameid=cap.geonameid, location=cap.name, admin1=cap.admin1, admin2=cap.admin2,
                              country=cap.country, iso=cap.iso, latitude=cap.latitude, longitude=cap.longitude,
                              geo_precision=1 if named else 3, feature="capital", population=cap.population)
                if named:
                    # "protesters gathered in the capital": the capital city, named without its name
                    evidence = Span.of(record.text, sent.start + named.start(1), sent.start + named.end(1)) \
                        if sent is not None else None
                    assign(ev, place, evidence, 0.5, f"'the capital' of {cap.country}, the document's country")
                    return
                assign(ev, place, None, 0.2, f"no place named; the capital of {cap.country}, the document's country")
                ev.flag("geo_country_only")
                return
        ev.flag("geo_unresolved")


def _country_abroad(t: Toponym, country: str) -> bool:
    """Whether ``t`` is a country other than the document's."""
    return t.chosen is not None and t.chosen.kind == "country" and t.chosen.country_code != country


def _may_lend(t: Toponym) -> bool:
    """Whether a resolved toponym may give its place to an event of another sentence: not a country, a
    dateline (where the report was filed: "(NEW YORK) -") or a place only mentioned."""
    return t.chosen is not None and t.chosen.kind != "country" and not t.dateline and not t.mention


def _unknown_place(text: str, t: Toponym) -> bool:
    """An unresolved toponym that a kind word or a locative preposition marks as a place."""
    if t.chosen is not None or t.named_org or t.possessive or t.origin or t.sentence_start:
        return False
    return t.role in ("town", "part", "adm2", "area", "facility") or bool(
        re.search(r"\b(?:in|at|into|near)\s+(?:the\s+)?$", text[max(0, t.start - 12):t.start]))


def assign(ev: Event, place: Place, evidence: Optional[Span], score: float, note: str) -> None:
    """Set the event's location fields from ``place``, with one provenance for all."""
    score = round(max(0.0, min(1.0, score)), 3)
    for fld in ("location", "admin1", "admin2", "country", "iso", "latitude", "longitude", "geo_precision"):
        ev.set(fld, getattr(place, fld), stage=STAGE, evidence=evidence, score=score, note=note)
    ev.set("geonameid", place.geonameid, stage=STAGE, evidence=evidence, score=score, note=note)
