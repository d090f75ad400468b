"""Last stage: stable event ids, one-sentence notes, the overall confidence, and in-document duplicates.

Annotations read where present (finalize also runs after stages that set neither, so they are ``optional``,
not ``requires``): ``record.annotations["country"]`` (actors) and ``record.annotations["geo_country"]`` (geocode),
the countries a generic actor of the document may be moved to (see place_actors).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from ..config import FinalizeSettings
from ..registry import stage
from ..types import Event, Record
from ..vocab import disorder_type_of
from ..knowledge.actornames import UNIDENTIFIED_PREFIX, actor_kind, as_gang, gang_convention, recountry
from ..knowledge.frontlines import FrontLines
from ..knowledge.resources import read_json
from ..knowledge.roles import DOCUMENT_COUNTRY_NOTE, load_roles, state_kinds

NOTES_MAX_CHARS = 300
# A long monitor digest lists a few dozen events; thousands from one document is a dump or a runaway rule, and
# storing them clusters every pair of them into incidents (quadratic in the store). Beyond this many the rest go,
# with a warning that says so.
MAX_EVENTS_PER_DOCUMENT = 500


_UNSAFE_IN_ID = re.compile(r"[^A-Za-z0-9._~-]+")
ID_PREFIX_CHARS = 80


def event_id(doc_id: str, event: Event) -> str:
    """Stable id: the same document text gives the same ids (depends on the evidence and the type only).

    The readable prefix is the document id with everything but URL-safe characters folded to '-', so an id
    goes into a URL path or a file name as it is (a document id may be a URL); the hash keeps ids unique.
    """
    key = f"{doc_id}\x00{event.evidence.start}\x00{event.evidence.end}\x00{event.sub_event_type}"
    return f"{_id_prefix(doc_id)}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


@lru_cache(maxsize=256)  # a document's events share it: read once per document, not once per event
def _id_prefix(doc_id: str) -> str:
    return _UNSAFE_IN_ID.sub("-", doc_id).strip("-")[:ID_PREFIX_CHARS] or "doc"


def country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, list[tuple[str, str]]]]]:
    """From one read of the actors' country table: ISO alpha-2 -> country name, country name -> ACLED period,
    and country -> (its current period, [(the day the next period began, an earlier period)] oldest first) for
    the countries whose row lists earlier periods."""
    rows = read_json("countries.json")["countries"]
    return ({c["iso2"]: c["name"] for c in rows if c.get("iso2")}, {c["name"]: c.get("period", "") for c in rows},
            {c["name"]: (c.get("period", ""), sorted((e["until"], e["period"]) for e in c["earlier_periods"]))
             for c in rows if c.get("earlier_periods")})


_STATE_NAME = re.compile(r"^(?P<head>(?:Military|Police) Forces of |Government of )(?P<country>[^()]+?) "
                         r"\((?P<period>[^()]*)\)(?P<tail>.*)$")
_DATED_FIELDS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


def dated_period(event: Event, periods: dict[str, tuple[str, list[tuple[str, str]]]]) -> None:
    """A state force named with its country's current period takes the period its event's date falls in:
    "Police Forces of Kenya (2013-)" in 2006 is "Police Forces of Kenya (2002-2013)" (countries.json
    "earlier_periods")."""
    day = event.event_date
    if not day:
        return
    for field in _DATED_FIELDS:
        value = getattr(event, field, "") or ""
        if "(" not in value:
            continue
        names = value.split("; ")
        for i, name in enumerate(names):
            m = _STATE_NAME.match(name)
            known = periods.get(m.group("country")) if m else None
            if known is None or m.group("period") != known[0]:
                continue
            period = next((p for until, p in known[1] if day < until), None)
            if period is not None:
                names[i] = f"{m.group('head')}{m.group('country')} ({period}){m.group('tail')}"
        renamed = "; ".join(names)
        if renamed != value:
            setattr(event, field, renamed)


def place_actors(record: Record, event: Event, by_iso: dict[str, str], periods: dict[str, str],
                 gangs: set[str] | None = None) -> None:
    """A generic actor named for the document's inferred country ("Rioters (Unknown)", "soldiers" read as
    the document's country) takes the country of the place its event names, else the country the geocoder
    placed the document in when the actors stage found none: the gazetteer knows far more towns than the
    actors stage."""
    doc = str((record.annotations.get("country") or {}).get("name") or "")
    # the event's own place, named in its text (not a capital by fallback, not a namesake the geocoder
    # itself found outside the document's country), outweighs the actors stage's guess ("Protesters (Libya)"
    # for a protest in Lebanon's Tripoli): on dev it renamed actor1 in 26 documents, actor1 0.831 -> 0.833
    loc = event.provenance.get("country")
    own = event.country if (event.country in periods and loc is not None and loc.evidence is not None
                            and (event.geo_precision or 3) <= 2
                            and "geo_outside_document_country" not in event.flags) else ""
    if own and own != doc:
        country = own
    else:
        # at the document level, where the two disagree neither is reliably better (a foreign suspect's
        # nationality misleads one, a town's namesake abroad the other): only a missing country is filled
        country = by_iso.get(str(record.annotations.get("geo_country") or ""), "")
        if not country or doc:
            return
    for field in ("actor1", "actor2"):
        prov = event.provenance.get(field)
        name = getattr(event, field, "")
        if prov is None or not prov.note.startswith(DOCUMENT_COUNTRY_NOTE) or not name:
            continue
        moved = recountry(name, country, periods.get(country, ""), gangs)
        if moved != name:
            setattr(event, field, moved)
            prov.note += f"; moved to {country}, the geocoded country"


def gang_by_cue(record: Record, event: Event, gangs: set[str], cues) -> None:
    """An unidentified armed group in a country where ACLED names unattributed gangs ("Unidentified Gang (X)")
    is a gang when the text shows signs of organised crime (a tortured or burnt body, a drive-by, a threatening
    message; data/actors.json, the gang entry's "cues")."""
    if cues is None:
        return
    for field in ("actor1", "actor2"):
        name = getattr(event, field, "") or ""
        if name.startswith(UNIDENTIFIED_PREFIX) and name[len(UNIDENTIFIED_PREFIX):-1] in gangs \
                and cues.search(record.text):
            setattr(event, field, as_gang(name))
            prov = event.provenance.get(field)
            if prov is not None:
                prov.note = (prov.note + "; " if prov.note else "") + "a gang: the text shows signs of organised crime"


def state_first_before() -> dict[str, str]:
    """Sub-event type -> the first day coded the current way; before it ACLED's coders put the state force
    first (data/roles.json coded_to "state_first_before")."""
    return {sub: c["state_first_before"] for sub, c in load_roles()["coded_to"].items() if "state_first_before" in c}


_SIDE_FIELDS = (("actor1", "actor2"), ("inter1", "inter2"), ("assoc_actor_1", "assoc_actor_2"))


def older_coding(event: Event, cutoffs: dict[str, str], states: tuple[str, ...]) -> None:
    """An event of a type ACLED once coded the other way round (excessive force against protesters before 2014:
    the police first), dated before the change (``cutoffs``, see state_first_before), has its sides swapped
    when the other side is a state force (of a kind in ``states``)."""
    cutoff = cutoffs.get(event.sub_event_type or "")
    if not cutoff or not event.event_date or event.event_date >= cutoff \
            or actor_kind(event.actor2 or "") not in states:
        return
    for one, two in _SIDE_FIELDS:
        a, b = getattr(event, one), getattr(event, two)
        setattr(event, one, b)
        setattr(event, two, a)
        pa, pb = event.provenance.pop(one, None), event.provenance.pop(two, None)
        if pb is not None:
            event.provenance[one] = pb
        if pa is not None:
            event.provenance[two] = pa
    moved = event.provenance.get("actor1")
    if moved is not None:
        moved.note = (moved.note + "; " if moved.note else "") + f"coded first: ACLED's coding of this type before {cutoff}"


class CrowdSize:
    """ACLED's crowd size tag of a protest or riot (knowledge/data/tags.json "crowd_size")."""

    def __init__(self, rules: dict):
        self.types = set(rules["event_types"])
        self.stated = re.compile(rules["stated"])
        words = "|".join(sorted(map(re.escape, rules["size_words"]), key=len, reverse=True))
        approx = "|".join(sorted(map(re.escape, rules["approximate"] + rules["at_least"]), key=len, reverse=True))
        nouns = "|".join(map(re.escape, rules["crowd_nouns"]))
        self.approximate, self.none = set(rules["approximate"]), rules["none"]
        # "hundreds of protesters", "about 300 demonstrators", "more than 1,000 people"
        self.phrase = re.compile(rf"\b(?:(?P<q>{approx})\s+)?(?:(?P<w>{words})\s+of|(?P<n>\d{{1,3}}(?:,\d{{3}})*|\d+))"
                                 rf"\s+(?:\w+\s+)?(?:{nouns})\b", re.I)

    def tag(self, text: str, event: Event) -> str:
        if event.event_type not in self.types:
            return ""
        stated = self.stated.search(text)
        if stated:
            return f"crowd size={stated.group(1).strip()}"
        clause = text[event.evidence.start:event.evidence.end]
        m = self.phrase.search(clause) or self.phrase.search(text)
        if not m:
            return f"crowd size={self.none}"
        if m.group("w"):
            return f"crowd size={m.group('w').lower()}"
        q = (m.group("q") or "").lower()
        size = m.group("n").replace(",", "")
        return f"crowd size={'around ' if q in self.approximate else ('more than ' if q else '')}{size}"


_DANGLING_OPENER = re.compile(r"\s*[\[(]\s*$")


def summary_note(event: Event) -> str:
    """One plain sentence: the evidence clause, whitespace-normalised and bounded."""
    # split() breaks at what re's \s matches (every code point checked) and drops the ends as strip() did:
    # the same text as re.sub(r"\s+", " ", ...).strip(), without a regex pass over each evidence
    text = " ".join(event.evidence.text.split()).strip('"“”')
    if len(text) > NOTES_MAX_CHARS:
        text = text[: NOTES_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    # a clause cut before a tag or an aside leaves its opening bracket behind ("... guards. [")
    text = _DANGLING_OPENER.sub("", text)
    if text and text[-1] not in ".!?…":
        text += "."
    return text


@stage("finalize", requires=("record.events",),
       assigns=("record.events", "event.doc_id", "event.evidence", "event.event_id",
                "event.actor1", "event.actor2", "event.inter1", "event.inter2", "event.assoc_actor_1",
                "event.assoc_actor_2", "event.provenance", "event.flags", "event.notes", "event.source",
                "event.disorder_type",
                "event.confidence"),
       optional=("annotations.country", "annotations.geo_country"))
class Finalizer:
    def __init__(self, settings: FinalizeSettings | None = None):
        self.settings = settings or FinalizeSettings()
        self.countries_by_iso, self.periods, self.earlier_periods = country_tables()
        self.gangs, self.gang_cues = gang_convention()
        self.fronts = FrontLines()
        self.crowd = CrowdSize(read_json("tags.json")["crowd_size"])
        self.state_first_before = state_first_before()
        self.state_kinds = state_kinds()

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            seen: set[str] = set()
            kept: list[Event] = []
            for ev in record.events:
                ev.doc_id = record.doc_id
                ev.evidence = ev.evidence.strip()  # clause spans may start at a paragraph break
                ev.event_id = event_id(record.doc_id, ev)
                if ev.event_id in seen:
                    continue
                seen.add(ev.event_id)
                place_actors(record, ev, self.countries_by_iso, self.periods, self.gangs)
                gang_by_cue(record, ev, self.gangs, self.gang_cues)
                self.fronts.attribute(ev, self.periods)
                older_coding(ev, self.state_first_before, self.state_kinds)
                dated_period(ev, self.earlier_periods)
                if not ev.notes:
                    ev.notes = summary_note(ev)
                # sub-event types may have changed since classify set it (retyping, older coding)
                ev.disorder_type = disorder_type_of(ev.event_type, ev.sub_event_type)
                crowd = self.crowd.tag(record.text, ev)
                if crowd and crowd not in ev.flags:
                    ev.flags.append(crowd)
                if not ev.source and record.article.source:
                    ev.source = record.article.source
                scores = [p.score for p in ev.provenance.values()]
                if scores:
                    # geometric-style mean: one weak field pulls the whole event down for review
                    ev.confidence = round(min(1.0, sum(scores) / len(scores) * (0.5 + 0.5 * min(scores))), 3)
                kept.append(ev)
            if len(kept) > MAX_EVENTS_PER_DOCUMENT:
                record.problem("W391", "finalize", f"document yields {len(kept):,} events; only the first "
                               f"{MAX_EVENTS_PER_DOCUMENT} were kept. Split it into articles to keep all of them",
                               severity="warning")
                kept = kept[:MAX_EVENTS_PER_DOCUMENT]
            record.events = kept
        return records
