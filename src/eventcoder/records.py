"""The shapes a stored event leaves the store in, one builder each: the SPEC record of a report or an
incident, the API's record of a stored report row, the 31 columns of ACLED's export and the GeoJSON Feature.

The exports (export.py) and the HTTP API (web/api.py) both build their rows here, so a CSV row is the same
whichever of them wrote it.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from .dedup import interaction_code
from .store.base import EVENT_COLUMNS
from .store.countries import iso3_of, region_of  # noqa: F401 - the exports' names for them
from .types import SPEC_FIELDS, StoredEvent

ACLED_TAG_PREFIXES = ("crowd size=",)  # ACLED tags eventcoder writes; its other flags are for reviewers

# ACLED's standard export columns, in ACLED's order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
ACLED_INT_COLUMNS = ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
                     "fatalities", "timestamp")


# --- rows --------------------------------------------------------------------------------------------
_INCIDENT_SPEC_FIELDS = tuple(f for f in SPEC_FIELDS if f not in ("doc_id", "event_id", "evidence"))


def incident_record(row: dict[str, Any], reports: Optional[list[str]] = None) -> dict[str, Any]:
    """An incident row as a SPEC-shaped record (``event_id`` is the incident id) plus incident fields."""
    rec = {"doc_id": row["doc_id"], "event_id": row["incident_id"]}
    for f in _INCIDENT_SPEC_FIELDS:
        rec[f] = row[f]
    rec["evidence"] = {"text": row["evidence_text"], "start": row["evidence_start"], "end": row["evidence_end"]}
    flags, sources = row.get("flags_json"), row.get("field_sources_json")
    rec.update(incident_id=row["incident_id"], event_id_cnty=row.get("event_id_cnty"),
               interaction=row["interaction"], n_reports=row["n_reports"],
               n_documents=row["n_documents"], flags=json.loads(flags) if flags and flags != "[]" else [],
               field_sources=json.loads(sources) if sources and sources != "{}" else {},
               timestamp=row["timestamp"])
    if reports is not None:
        rec["reports"] = reports
    return rec


def report_record(s: StoredEvent) -> dict[str, Any]:
    """A stored report as its SPEC record plus store fields."""
    rec = s.event.spec_dict()
    rec.update(incident_id=s.incident_id, event_id_cnty=s.event_id_cnty,
               interaction=interaction_code(s.event.inter1, s.event.inter2),
               review_status=s.review_status, timestamp=s.timestamp)
    return rec


def event_row_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored report row as the API shows it (SPEC fields, evidence, store fields)."""
    rec = {c: row[c] for c in EVENT_COLUMNS}
    rec["evidence"] = {"text": row["evidence_text"], "start": row["evidence_start"], "end": row["evidence_end"]}
    rec.update(flags=json.loads(row.get("flags_json") or "[]"), incident_id=row.get("incident_id"),
               event_id_cnty=row.get("event_id_cnty"),
               interaction=interaction_code(row["inter1"], row["inter2"]), review_status=row["review_status"],
               timestamp=row["timestamp"])
    return rec


def acled_year(day: Optional[str]) -> Any:
    """The ``year`` column: the number an ISO date starts with; any other date text (a reviewer may type
    one) gives its first four characters as they stand, so that the CSV shows what the date says; None
    without a date."""
    head = (day or "")[:4]
    return int(head) if head.isascii() and head.isdigit() and str(int(head)) == head else head or None


def acled_tags(flags: Iterable[str]) -> list[str]:
    """The flags that are ACLED tags ("crowd size=hundreds"); review flags (low_type_margin, ...) stay out of
    ACLED's ``tags`` column (the acled views of migration 064 select the same)."""
    return [f for f in flags if f.startswith(ACLED_TAG_PREFIXES)]


def acled_values(rec: dict[str, Any], record_id: str, interaction: Any, flags: Iterable[str]) -> list[Any]:
    """The 31 ACLED values, in ACLED_COLUMNS order: the one builder of an ACLED row.

    Args:
        rec: a record or a stored event or incident row (the fields it reads have the same names in both).
        record_id: the report's id, or the incident's.
        interaction: ACLED's interaction code of the two actors.
        flags: the event's flags (ACLED's ``tags``).
    """
    iso3 = iso3_of(rec["iso"], rec["country"])
    day = rec["event_date"]
    # the store's ACLED id (SYR1234), else (a record never stored) the old ISO3-id form
    return [rec.get("event_id_cnty") or f"{iso3 or 'XXX'}-{record_id}", day, acled_year(day), rec["time_precision"], rec["disorder_type"],
            rec["event_type"], rec["sub_event_type"], rec["actor1"], rec["assoc_actor_1"], rec["inter1"],
            rec["actor2"], rec["assoc_actor_2"], rec["inter2"], interaction, rec["civilian_targeting"],
            rec["iso"], region_of(iso3), rec["country"], rec["admin1"], rec["admin2"], "", rec["location"],
            rec["latitude"], rec["longitude"], rec["geo_precision"], rec["source"], "", rec["notes"],
            rec["fatalities"], "; ".join(acled_tags(flags)), rec["timestamp"]]


def acled_row(rec: dict[str, Any]) -> dict[str, Any]:
    """The 31 ACLED columns of a record (incident_record, report_record, event_row_record)."""
    return dict(zip(ACLED_COLUMNS, acled_values(rec, rec["event_id"], rec.get("interaction"),
                                                rec.get("flags") or ())))


def stored_acled_values(row: dict[str, Any]) -> list[Any]:
    """The 31 ACLED values of a stored incident or event row, without building its record first (acled-csv
    reads rows: about 3x the rows/s of going through ``acled_row``)."""
    flags = row.get("flags_json")
    flags = json.loads(flags) if flags and flags != "[]" else ()
    if "interaction" in row:  # an incident row
        return acled_values(row, row["incident_id"], row["interaction"], flags)
    return acled_values(row, row["event_id"], interaction_code(row["inter1"], row["inter2"]), flags)


def feature(rec: dict[str, Any]) -> dict[str, Any]:
    """An RFC 7946 Feature: a Point at [longitude, latitude] (null geometry when not geocoded)."""
    lat, lon = rec.get("latitude"), rec.get("longitude")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    props = acled_row(rec)
    props.update({k: rec[k] for k in ("incident_id", "reports", "certainty", "attribution", "confidence",
                                      "geonameid", "doc_id", "n_reports", "review_status") if k in rec})
    return {"type": "Feature", "id": rec["event_id"], "geometry": geometry, "properties": props}
