"""The store's rows and the objects they hold: an event, an incident and a document as the tables keep
them, written once for every store module (the events table's columns are EVENT_COLUMNS, in base.py)."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache, partial
from operator import attrgetter
from typing import Any, Callable, Optional

from pydantic import TypeAdapter

from ..dedup import Incident, interaction_code
from ..types import Article, Event, FieldEvidence, Span, StoredEvent
from .base import EVENT_COLUMNS

INCIDENT_VALUE_COLUMNS: tuple[str, ...] = tuple(c for c in EVENT_COLUMNS if c not in ("event_id", "doc_id"))
_PROVENANCE = TypeAdapter(dict[str, FieldEvidence])
# The column values of an event in one C call each (a dict of 29 getattr calls was 2% of extraction time)
_EVENT_VALUES = attrgetter(*EVENT_COLUMNS)
_INCIDENT_VALUES = attrgetter(*INCIDENT_VALUE_COLUMNS)
EVENT_ROW_COLUMNS = EVENT_COLUMNS + ("evidence_text", "evidence_start", "evidence_end", "provenance_json",
                                      "flags_json")
INCIDENT_ROW_COLUMNS = INCIDENT_VALUE_COLUMNS + (
    "incident_id", "interaction", "flags_json", "doc_id", "evidence_text", "evidence_start", "evidence_end",
    "n_reports", "n_documents", "field_sources_json")


def _prebuilt_json(sort_keys: bool) -> Callable[[Any], str]:
    """json.dumps(value, sort_keys=sort_keys), same text, with its C encoder built once: json.dumps builds
    one on every call, 1 of the 1.3 us a list of flags takes (6,500 lists and dicts per 500 documents).
    Only for lists and dicts of strings: no check for cycles. Without the C accelerator, json.dumps."""
    make = json.encoder.c_make_encoder
    if make is None:  # pragma: no cover - CPython has it
        return partial(json.dumps, sort_keys=sort_keys)
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                  sort_keys, False, True)
    return lambda value: "".join(encode(value, 0))


_JSON = _prebuilt_json(sort_keys=False)
_SORTED_JSON = _prebuilt_json(sort_keys=True)


@lru_cache(maxsize=64)
def _one_value_pieces(keys: tuple[str, ...]) -> Optional[list[str]]:
    """The sorted JSON object of these keys, each with the same string value, cut around the value (None
    where a key would hide the cut): that value's JSON joins the pieces into the object."""
    pieces = _SORTED_JSON(dict.fromkeys(keys, "\0")).split('"\\u0000"')
    return pieces if len(pieces) == len(keys) + 1 else None


def field_sources_json(field_sources: dict[str, str]) -> str:
    """The field_sources column: the sorted JSON object. A one-report incident names its one report for every
    field (2,000 of the 2,200 incidents of 500 documents), so its object is that id's JSON joined into the
    cached text of its keys (4.9 -> 1.2 us)."""
    values = set(field_sources.values())
    if len(values) == 1:
        (value,) = values
        pieces = _one_value_pieces(tuple(field_sources))
        if pieces is not None and isinstance(value, str):
            return json.encoder.encode_basestring_ascii(value).join(pieces)
    return _SORTED_JSON(field_sources)


def provenance_json(provenance: dict[str, FieldEvidence]) -> str:
    """The provenance column: pydantic's own JSON of the field evidence, written in Rust (15 us an event
    against 48 for model_dump and json.dumps; about 20 fields an event, 2,200 events per 500 documents)."""
    return _PROVENANCE.dump_json(provenance).decode("utf-8")


def event_to_row(ev: Event) -> dict[str, Any]:
    span = ev.evidence
    return dict(zip(EVENT_ROW_COLUMNS, (*_EVENT_VALUES(ev), span.text, span.start, span.end,
                                         provenance_json(ev.provenance), _JSON(ev.flags))))


def row_to_event(row: dict[str, Any], with_provenance: bool = True) -> Event:
    """The Event of a stored row, built without re-validation: every row was validated as an Event when it
    was written (extraction and reviewers' edits alike), and validating again was a third of the time of
    storing a batch (incident upkeep reads each neighbour back). Incident matching needs no provenance
    (about 20 fields with a span each), so it can skip building it."""
    data = {c: row[c] for c in EVENT_COLUMNS}
    data["evidence"] = Span.model_construct(start=row["evidence_start"], end=row["evidence_end"],
                                            text=row["evidence_text"])
    data["provenance"] = {
        name: FieldEvidence.model_construct(
            evidence=Span.model_construct(**p["evidence"]) if p.get("evidence") else None,
            stage=p.get("stage", ""), score=p.get("score", 1.0), note=p.get("note", ""))
        for name, p in json.loads(row.get("provenance_json") or "{}").items()} if with_provenance else {}
    data["flags"] = json.loads(row.get("flags_json") or "[]")
    return Event.model_construct(**data)



def row_to_stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(event=row_to_event(row), review_status=row["review_status"], version=row["version"],
                       timestamp=row["timestamp"], incident_id=row.get("incident_id"),
                       event_id_cnty=row.get("event_id_cnty"))


def incident_row_values(inc: Incident) -> tuple[Any, ...]:
    """An incident's row: its values in the order of INCIDENT_ROW_COLUMNS (a tuple, not a dict: every row
    has the same columns, and the documents are counted without sorting them)."""
    ev, span, reports = inc.event, inc.event.evidence, inc.reports
    return (
        *_INCIDENT_VALUES(ev), inc.incident_id, interaction_code(ev.inter1, ev.inter2), _JSON(ev.flags),
        ev.doc_id, span.text, span.start, span.end, len(reports), len({r.doc_id for r in reports}),
        field_sources_json(inc.field_sources))


def row_to_article(row: dict[str, Any]) -> Article:
    return Article(doc_id=row["doc_id"], text=row["body"], title=row["title"],
                   published=date.fromisoformat(row["published"]) if row["published"] else None,
                   published_from=row["published_from"], source=row["source"], url=row["url"],
                   author=row["author"], language=row["language"], path=row["path"])

