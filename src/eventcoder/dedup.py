"""Incidents across articles: cluster reports of the same real-world event and merge their best values.

Pure: events in, incidents out; no I/O, no clock. The store calls it on the neighbourhood of what changed.

Two reports may belong to one incident when all of these hold (``compatible``):

- different documents (one document's events were already told apart by the extractor);
- compatible types: the same event type, or a pair that the same event is often reported as
  (``COMPATIBLE_TYPES``); strategic developments only with the same sub-event type;
- overlapping actors: a shared actor (spelling-tolerant), unless one side names none or only
  ``Unidentified ...`` actors;
- places within a distance that grows with the coarser ``geo_precision`` (``Settings.radius_km``), but
  two differently named places (neither a region) only within ``Settings.same_spot_km``, since ACLED
  codes one event per location; without coordinates, the same country and a matching place or region;
- dates within a window that grows with the coarser ``time_precision`` (``Settings.window_days``).

Clustering is complete-linkage: a report joins a cluster only if it is compatible with every member, so
no chain of near-misses glues two events together. Candidate pairs are taken best-first in an order that
depends only on their content, which makes the result independent of input order. Reviewer decisions
come in as pairs: ``same`` pairs start in one cluster, ``different`` pairs never share one.

Because an incident remembers its reports and ``dedup`` clusters the reports of whatever it is given,
``dedup(dedup(x)) == dedup(x)``.
"""
from __future__ import annotations

import hashlib
import math
from bisect import bisect_left, bisect_right
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, Iterable, Literal, Optional, Union

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from .types import Event
from .vocab import DISORDER_OF_EVENT

Decision = Literal["same", "different"]

# Pairs of event types one event is often reported as (a shelling reported as clashes, an air strike on a
# market reported as an attack on civilians, a protest that turned into a riot).
COMPATIBLE_TYPES: frozenset[frozenset[str]] = frozenset({
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Explosions/Remote violence", "Violence against civilians"}),
    frozenset({"Protests", "Riots"}),
})

# Strongest first: the certainty an incident takes is the strongest any of its reports has.
CERTAINTY_ORDER = ("asserted", "reported", "claimed", "unconfirmed", "denied")

PLACE_FIELDS = ("location", "admin1", "admin2", "country", "iso", "latitude", "longitude", "geo_precision",
                "geonameid")
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting")


@dataclass(frozen=True)
class Settings:
    """Thresholds of the incident matcher."""

    radius_km: tuple[float, float, float] = (10.0, 30.0, 120.0)
    """Distance allowed by geo_precision 1 (town), 2 (nearby/part of), 3 (region): the coarser side wins.
    10 km covers two gazetteer points for one town; 120 km a province centroid against a town in it."""
    window_days: tuple[int, int, int] = (1, 7, 31)
    """Date gap allowed by time_precision 1 (day), 2 (week), 3 (month): the coarser side wins. One day
    absorbs a 'yesterday' resolved against a late publication."""
    actor_similarity: float = 88.0
    """rapidfuzz token_set_ratio at which two actor names are the same actor (spelling variants)."""
    place_similarity: float = 85.0
    """rapidfuzz ratio at which two place names are one name (spelling variants)."""
    same_spot_km: float = 3.0
    """Two reports that name different places (neither a region) are one place only within this distance:
    ACLED codes one event per location, so two named towns or villages 10 km apart are two events."""


DEFAULT_SETTINGS = Settings()


class Incident(BaseModel):
    """One real-world event and every report of it.

    ``event`` holds the merged best values (its ``event_id`` is the incident id; ``doc_id`` and
    ``evidence`` are those of the anchor report); ``field_sources`` says which report gave each field.
    """

    incident_id: str
    event: Event
    reports: list[Event]
    field_sources: dict[str, str] = Field(default_factory=dict)

    @property
    def report_ids(self) -> list[str]:
        return [r.event_id for r in self.reports]

    @property
    def doc_ids(self) -> list[str]:
        return sorted({r.doc_id for r in self.reports})

    @property
    def interaction(self) -> int:
        return interaction_code(self.event.inter1, self.event.inter2)


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two actor kinds, lower first (12 state forces vs rebels; 60 protesters alone)."""
    a, b = sorted((inter1 or 0, inter2 or 0))
    return a * 10 + b if a else b * 10


def incident_id_for(report_ids: Iterable[str]) -> str:
    """Stable id of an incident: from its smallest report id, so adding a later report keeps it."""
    return "I" + hashlib.sha1(min(report_ids).encode("utf-8")).hexdigest()[:15]


# --- compatibility ------------------------------------------------------------------------------
_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^\w ]+")


# cached: the same few hundred names come back for every pair and merge (53,000 calls per 500 documents)
@lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """Case-folded, without parenthesised years/countries and punctuation: 'Military Forces of Syria (2000-)'."""
    return " ".join(_NON_WORD.sub(" ", _PARENS.sub(" ", name.casefold())).split())


def actor_names(ev: Event) -> frozenset[str]:
    """The named actors of a report, normalised; 'Unidentified ...' actors say nothing and are left out."""
    names = set()
    for value in (ev.actor1, ev.actor2, ev.assoc_actor_1, ev.assoc_actor_2):
        for part in value.split(";"):
            n = normalize_name(part)
            if n and not n.startswith("unidentified"):
                names.add(n)
    return frozenset(names)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _precision_index(value: Optional[int]) -> int:
    return min(max(int(value or 3), 1), 3) - 1  # unknown precision counts as the coarsest


@dataclass
class _Report:
    """A report with what the matcher needs computed once."""

    ev: Event
    day: Optional[int]
    actors: frozenset[str]
    place: str
    country: str
    admin1: str


def _prepare(ev: Event) -> _Report:
    day = None
    if ev.event_date:
        try:
            day = date.fromisoformat(ev.event_date).toordinal()
        except ValueError:
            day = None
    return _Report(ev, day, actor_names(ev), normalize_name(ev.location), normalize_name(ev.country),
                   normalize_name(ev.admin1))


def _type_score(a: Event, b: Event) -> float:
    if a.sub_event_type == b.sub_event_type:
        return 1.0
    if a.event_type == b.event_type:
        return 0.0 if a.event_type == "Strategic developments" else 0.8
    return 0.5 if frozenset({a.event_type, b.event_type}) in COMPATIBLE_TYPES else 0.0


@lru_cache(maxsize=1 << 16)
def _same_actor(x: str, y: str, similarity: float) -> bool:
    """Two normalised actor names are one actor (cached: the same few names meet again and again)."""
    if x == y or fuzz.token_set_ratio(x, y) >= similarity:
        return True
    # An acronym against the full name: 'ttp' and 'tehreek i taliban pakistan'.
    short, long_ = sorted((x, y), key=len)
    return " " not in short and len(short) >= 2 and "".join(w[0] for w in long_.split()) == short


def _actor_score(a: _Report, b: _Report, s: Settings) -> float:
    """Share of the actors that match. Two reports that share no actor are two events, except when one
    names a single actor and the other several: a short report often names just one side."""
    if not a.actors or not b.actors:
        return 0.5  # one side names no actor: neither for nor against
    # Symmetric: the share of all named actors, on both sides, that the other side also names.
    sim = s.actor_similarity
    matched = (sum(any(_same_actor(x, y, sim) for y in b.actors) for x in a.actors)
               + sum(any(_same_actor(y, x, sim) for x in a.actors) for y in b.actors))
    if matched:
        return matched / (len(a.actors) + len(b.actors))
    return 0.3 if min(len(a.actors), len(b.actors)) == 1 < max(len(a.actors), len(b.actors)) else 0.0


def _place_score(a: _Report, b: _Report, s: Settings) -> float:
    ea, eb = a.ev, b.ev
    if a.country and b.country and a.country != b.country:
        return 0.0
    radius = max(s.radius_km[_precision_index(ea.geo_precision)], s.radius_km[_precision_index(eb.geo_precision)])
    if None not in (ea.latitude, ea.longitude, eb.latitude, eb.longitude):
        d = haversine_km(ea.latitude, ea.longitude, eb.latitude, eb.longitude)
        if (a.place and b.place and 3 not in (ea.geo_precision, eb.geo_precision)
                and (ea.geonameid != eb.geonameid if ea.geonameid and eb.geonameid
                     else fuzz.token_set_ratio(a.place, b.place) < s.place_similarity)):
            radius = min(radius, s.same_spot_km)  # two differently named places
        return 0.0 if d > radius else 1.0 - 0.5 * d / radius
    if a.place and b.place and fuzz.ratio(a.place, b.place) >= s.place_similarity:
        return 0.7
    # Without coordinates, a shared first-level region is as precise as a province-level geocode.
    if a.admin1 and a.admin1 == b.admin1:
        return 0.5
    return 0.0  # nowhere to compare: better two incidents than one wrong one


def _date_score(a: _Report, b: _Report, s: Settings) -> float:
    if a.day is None or b.day is None:
        return 0.0
    window = max(s.window_days[_precision_index(a.ev.time_precision)],
                 s.window_days[_precision_index(b.ev.time_precision)])
    gap = abs(a.day - b.day)
    return 0.0 if gap > window else 1.0 - 0.5 * gap / (window + 1)


def _pair_score(a: _Report, b: _Report, s: Settings) -> float:
    """0 when the two reports cannot be one incident, else a 0..1 closeness used to order merges."""
    if a.ev.doc_id == b.ev.doc_id:
        return 0.0
    # Cheapest tests first: most candidate pairs fail on the date or the type.
    date_s = _date_score(a, b, s)
    if date_s == 0.0:
        return 0.0
    type_s = _type_score(a.ev, b.ev)
    if type_s == 0.0:
        return 0.0
    place_s = _place_score(a, b, s)
    if place_s == 0.0:
        return 0.0
    actor_s = _actor_score(a, b, s)
    if actor_s == 0.0:
        return 0.0
    return (date_s + type_s + place_s + actor_s) / 4


def compatible(a: Event, b: Event, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether two reports may describe the same real-world event."""
    return _pair_score(_prepare(a), _prepare(b), settings) > 0.0


def matching(report: Event, candidates: Iterable[Any], settings: Settings = DEFAULT_SETTINGS) -> list[str]:
    """The ids of the candidates that may describe the same event as ``report`` (the store's pre-filter).
    A candidate is an Event or any object with the same attributes (the store passes light rows)."""
    seed = _prepare(report)
    out = []
    for c in candidates:
        # Date and distance first, on the raw values: most candidates fail here, before any name is read.
        if seed.day is not None and c.event_date:
            window = max(settings.window_days[_precision_index(report.time_precision)],
                         settings.window_days[_precision_index(c.time_precision)])
            try:
                if abs(date.fromisoformat(c.event_date).toordinal() - seed.day) > window:
                    continue
            except ValueError:
                pass
        if None not in (report.latitude, report.longitude, c.latitude, c.longitude):
            radius = max(settings.radius_km[_precision_index(report.geo_precision)],
                         settings.radius_km[_precision_index(c.geo_precision)])
            if haversine_km(report.latitude, report.longitude, c.latitude, c.longitude) > radius:
                continue
        if _pair_score(seed, _prepare(c), settings) > 0.0:
            out.append(c.event_id)
    return out


# --- clustering ---------------------------------------------------------------------------------
def _block_key(r: _Report) -> tuple[str, str]:
    # Compatible types share a disorder type, and reports in different countries never match.
    return DISORDER_OF_EVENT.get(r.ev.event_type, ""), normalize_name(r.ev.country)


def _candidate_pairs(reports: list[_Report], s: Settings) -> dict[tuple[str, str], float]:
    """Every compatible pair (ids in order) and its score. Only reports of one block (disorder type and
    country) can match, and only within the coarser of their two date windows: each report looks at each
    precision class of its block over that class's own window (bisect), not at all n² pairs."""
    blocks: dict[tuple[str, str], list[_Report]] = {}
    for r in reports:
        if r.day is not None:
            blocks.setdefault(_block_key(r), []).append(r)
    pairs: dict[tuple[str, str], float] = {}
    for members in blocks.values():
        classes: dict[int, list[_Report]] = {}
        for r in members:
            classes.setdefault(_precision_index(r.ev.time_precision), []).append(r)
        for lst in classes.values():
            lst.sort(key=lambda r: (r.day, r.ev.event_id))
        days = {k: [r.day for r in lst] for k, lst in classes.items()}
        for a in members:
            wa = s.window_days[_precision_index(a.ev.time_precision)]
            for k, lst in classes.items():
                w = max(wa, s.window_days[k])
                for b in lst[bisect_left(days[k], a.day - w):bisect_right(days[k], a.day + w)]:
                    if b.ev.event_id <= a.ev.event_id:
                        continue  # each pair once, from its smaller id
                    score = _pair_score(a, b, s)
                    if score > 0.0:
                        pairs[(a.ev.event_id, b.ev.event_id)] = score
    return pairs


class _Clusters:
    def __init__(self, ids: Iterable[str]):
        self.members: dict[str, set[str]] = {i: {i} for i in ids}
        self.of: dict[str, str] = {i: i for i in self.members}

    def union(self, a: str, b: str) -> None:
        ra, rb = self.of[a], self.of[b]
        if ra == rb:
            return
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        for m in self.members[gone]:
            self.of[m] = keep
        self.members[keep] |= self.members.pop(gone)


def _flatten(items: Iterable[Union[Event, Incident]]) -> list[Event]:
    by_id: dict[str, Event] = {}
    for item in items:
        for ev in (item.reports if isinstance(item, Incident) else [item]):
            if not ev.event_id:
                raise ValueError(f"an event of document {ev.doc_id!r} has no event_id; dedup needs finalized "
                                 "events (run the finalize stage first)")
            by_id[ev.event_id] = ev
    return [by_id[k] for k in sorted(by_id)]


def dedup(items: Iterable[Union[Event, Incident]],
          decisions: Iterable[tuple[str, str, Decision]] = (),
          settings: Settings = DEFAULT_SETTINGS) -> list[Incident]:
    """Cluster reports into incidents and merge each incident's best values.

    Args:
        items: reports (finalized events with ``event_id``) and/or incidents (their reports are used).
        decisions: reviewer decisions ``(event_id_a, event_id_b, "same" | "different")``; pairs naming an
            event not given are ignored.
        settings: matcher thresholds.

    Returns:
        Incidents sorted by ``incident_id``; every report is in exactly one.
    """
    events = _flatten(items)
    reports = {e.event_id: _prepare(e) for e in events}
    clusters = _Clusters(reports)
    different: set[frozenset[str]] = set()
    for a, b, decision in sorted(decisions):
        if a in reports and b in reports and a != b:
            if decision == "same":
                clusters.union(a, b)
            else:
                different.add(frozenset((a, b)))

    pairs = _candidate_pairs(list(reports.values()), settings)

    def mergeable(ra: str, rb: str) -> bool:
        # Complete linkage: every cross pair must be a candidate (a pair that is not scored 0).
        for x in clusters.members[ra]:
            for y in clusters.members[rb]:
                if ((x, y) if x < y else (y, x)) not in pairs or frozenset((x, y)) in different:
                    return False
        return True

    # Best first; ties broken by ids so the order never depends on the input order.
    for (a, b), _ in sorted(pairs.items(), key=lambda p: (-p[1], p[0])):
        ra, rb = clusters.of[a], clusters.of[b]
        if ra != rb and mergeable(ra, rb):
            clusters.union(a, b)
    incidents = [merge([reports[i].ev for i in sorted(ids)]) for ids in clusters.members.values()]
    return sorted(incidents, key=lambda inc: inc.incident_id)


# --- merging ------------------------------------------------------------------------------------
def _strength(ev: Event) -> int:
    return CERTAINTY_ORDER.index(ev.certainty) if ev.certainty in CERTAINTY_ORDER else len(CERTAINTY_ORDER)


# What a one-report incident takes from its report, always: what the general merge's groups take when the
# one report is the best of each (the date and the fatalities only when it gives them).
_ALWAYS_TAKEN = (("disorder_type", "event_type", "sub_event_type") + PLACE_FIELDS + ACTOR_FIELDS
                 + ("certainty", "attribution"))
_ALWAYS_VALUES = attrgetter(*_ALWAYS_TAKEN)
_COUNTED = frozenset(("asserted", "reported", "claimed", "unconfirmed"))
# The sorted field_sources keys of a one-report incident, by (dated, fatalities counted).
_SOLE_SOURCES = {(dated, counted): tuple(sorted(_ALWAYS_TAKEN + ("notes", "evidence")
                                                + (("event_date", "time_precision") if dated else ())
                                                + (("fatalities",) if counted else ())))
                 for dated in (False, True) for counted in (False, True)}


def _incident(incident_id: str, event: Event, reports: list[Event], field_sources: dict[str, str]) -> Incident:
    """The Incident of values that are valid already (an Event's copy, Events, and report ids by field name),
    not validated again: the same model as Incident(...) gives, 4.5 -> 2.5 us of the 20 a merge takes."""
    return Incident.model_construct(incident_id=incident_id, event=event, reports=reports,
                                    field_sources=field_sources)


def _merge_one(ev: Event) -> Incident:
    """``merge`` of a single report, without the votes and rankings among reports: most incidents have
    one report (about 2,000 of the 2,200 a batch of 500 documents writes), and this is the same incident."""
    data: dict[str, Any] = dict(zip(_ALWAYS_TAKEN, _ALWAYS_VALUES(ev)))
    dated = bool(ev.event_date)
    if dated:
        data["event_date"], data["time_precision"] = ev.event_date, ev.time_precision
    counted = ev.certainty in _COUNTED and ev.fatalities > 0
    data["fatalities"] = ev.fatalities if counted else 0
    data["source"] = "; ".join(sorted({s.strip() for s in ev.source.split(";") if s.strip()}))
    data["confidence"] = ev.confidence
    data["flags"] = sorted(set(ev.flags))
    data["provenance"] = {}
    incident_id = incident_id_for((ev.event_id,))
    data["event_id"] = incident_id
    return _incident(incident_id, ev.model_copy(update=data), [ev],
                     dict.fromkeys(_SOLE_SOURCES[dated, counted], ev.event_id))


def merge(reports: list[Event]) -> Incident:
    """One incident from its reports: each field group from the report that knows it best."""
    if len(reports) == 1:
        return _merge_one(reports[0])
    return _merge_many(reports)


def _merge_many(reports: list[Event]) -> Incident:
    reports = sorted(reports, key=lambda e: e.event_id)
    if not reports:
        raise ValueError("an incident needs at least one report")
    sources: dict[str, str] = {}
    # The anchor (notes, evidence) is the most confident report, then the strongest source.
    anchor = min(reports, key=lambda e: (-e.confidence, _strength(e), e.event_id))
    # The fields that differ from the anchor's: every value comes from a valid report or is built below,
    # so the incident is the anchor copied with them, not dumped and validated again (46 -> 20 us an
    # incident; a batch of 500 documents writes about 2,200).
    data: dict[str, Any] = {}

    def take(fields: tuple[str, ...], ev: Event) -> None:
        for f in fields:
            data[f] = getattr(ev, f)
            sources[f] = ev.event_id

    # Type: the sub-event type most reports give (weighted by confidence), ties to the anchor's.
    votes: Counter[str] = Counter()
    for e in reports:
        votes[e.sub_event_type] += e.confidence + 1.0
    sub = max(votes, key=lambda k: (votes[k], k == anchor.sub_event_type, k))
    typed = min((e for e in reports if e.sub_event_type == sub), key=lambda e: (-e.confidence, e.event_id))
    take(("disorder_type", "event_type", "sub_event_type"), typed)

    # Place: the most precise geocode (coordinates before none), then the most confident.
    take(PLACE_FIELDS, min(reports, key=lambda e: (e.latitude is None, e.geo_precision or 4, -e.confidence,
                                                    e.event_id)))
    # Date: the most precise; among equals the date most reports agree on, then the earliest.
    dated = [e for e in reports if e.event_date]
    if dated:
        best_tp = min(e.time_precision or 4 for e in dated)
        agree = Counter(e.event_date for e in dated if (e.time_precision or 4) == best_tp)
        day = min(agree, key=lambda d: (-agree[d], d))
        take(("event_date", "time_precision"),
             min((e for e in dated if e.event_date == day and (e.time_precision or 4) == best_tp),
                 key=lambda e: e.event_id))
    # Actors: the report naming the most actors (named beats 'Unidentified'), then the most confident.
    take(ACTOR_FIELDS, min(reports, key=lambda e: (-len(actor_names(e)), -sum(bool(getattr(e, f)) for f in
                                                  ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")),
                                                  -e.confidence, e.event_id)))
    # Fatalities: the highest count among the most credible reports that give one. A party's claim or an
    # unconfirmed figure counts only when no asserted or reported figure exists; a denial never does.
    for tier in (("asserted", "reported"), ("claimed", "unconfirmed")):
        counted = [e for e in reports if e.certainty in tier and e.fatalities > 0]
        if counted:
            take(("fatalities",), max(counted, key=lambda e: (e.fatalities, e.event_id)))
            break
    else:
        data["fatalities"] = 0
    # Certainty and attribution from the strongest source.
    take(("certainty", "attribution"), min(reports, key=lambda e: (_strength(e), e.event_id)))
    data["source"] = "; ".join(sorted({s.strip() for e in reports for s in e.source.split(";") if s.strip()}))
    data["confidence"] = max(e.confidence for e in reports)
    data["flags"] = sorted({f for e in reports for f in e.flags})
    data["provenance"] = {}
    incident_id = incident_id_for(e.event_id for e in reports)
    data["event_id"] = incident_id
    sources.setdefault("notes", anchor.event_id)
    sources.setdefault("evidence", anchor.event_id)
    return _incident(incident_id, anchor.model_copy(update=data), reports, dict(sorted(sources.items())))
