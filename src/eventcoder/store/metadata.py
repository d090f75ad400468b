"""Datasette metadata for an eventcoder database: what each table, view and column holds, and what no reader
may see (``eventcoder datasette-metadata`` writes it beside the database; the app serves it at
``/api/metadata.json``).

The review app's credentials live in the same database: ``users`` (argon2 password hashes), ``sessions``
(hashes of login cookies and their CSRF tokens) and ``api_tokens`` (hashes of token secrets). The metadata
hides them and denies them to everyone (``"allow": false``), and turns off arbitrary SQL for the database
(``allow_sql``), which could read them anyway: publish with ``datasette DB -m metadata.json``, and give
analysts the ``acled_events`` view and the tables. No route of the app returns them either
(tests/web/test_exposure.py).
"""
from __future__ import annotations

from typing import Any

# Tables no reader may see: credentials, and the schema's own bookkeeping (hidden only).
PRIVATE_TABLES: tuple[str, ...] = ("users", "sessions", "api_tokens")
HIDDEN_TABLES: tuple[str, ...] = ("schema_migrations", "acled_counters")

# ACLED's columns, as its codebook names them (shared by events, incidents and both views).
_ACLED_COLUMNS = {
    "event_id_cnty": "ACLED's id: the country's ISO3 code and a number of that country (SYR1234), assigned once",
    "event_date": "day of the event (YYYY-MM-DD); see time_precision",
    "year": "year of event_date",
    "time_precision": "1: the day is known; 2: the week or a few days; 3: only the month",
    "disorder_type": "Political violence, Demonstrations or Strategic developments",
    "event_type": "one of ACLED's 6 event types",
    "sub_event_type": "one of ACLED's 25 sub-event types",
    "actor1": "the actor who acted, by ACLED's naming conventions",
    "assoc_actor_1": "actors with actor1, joined by '; '",
    "inter1": "kind of actor1: 1 state forces, 2 rebels, 3 political militia, 4 identity militia, 5 rioters, "
              "6 protesters, 7 civilians, 8 external/other forces",
    "actor2": "the actor acted upon, if any",
    "assoc_actor_2": "actors with actor2, joined by '; '",
    "inter2": "kind of actor2 (as inter1; 0 without actor2)",
    "interaction": "the two actor kinds, lower first (12: state forces vs rebels)",
    "civilian_targeting": "'Civilian targeting' when civilians were the target, else empty",
    "iso": "ISO 3166-1 numeric code of the country",
    "region": "ACLED's region of the country",
    "country": "country where the event took place",
    "admin1": "first-level administrative division",
    "admin2": "second-level administrative division",
    "location": "the place, as named in the gazetteer",
    "latitude": "WGS84 latitude of the place",
    "longitude": "WGS84 longitude of the place",
    "geo_precision": "1: the place itself; 2: near it or a part of a region; 3: a region or province",
    "source": "the sources that reported it, joined by '; '",
    "notes": "a short description of the event",
    "fatalities": "reported deaths (a conservative estimate, 0 when unknown)",
    "timestamp": "unix seconds of the last change (what `since=` and `export --since` compare)",
}
_EXTRACTION_COLUMNS = {
    "doc_id": "the document it was read from (documents.doc_id)",
    "certainty": "how the source reports it: asserted, hedged, claimed or denied",
    "attribution": "who the source attributes it to, when said",
    "confidence": "the extraction's confidence, 0 to 1",
    "geonameid": "GeoNames id of the place",
    "evidence_text": "the sentence that tells of the event",
    "evidence_start": "character offset of evidence_text in the document",
    "evidence_end": "character offset after evidence_text",
    "flags_json": "flags of the extraction (JSON list): review warnings and ACLED's tags (crowd size=...)",
}


def _without(columns: dict[str, str], *names: str) -> dict[str, str]:
    """ACLED's columns a table stores (year and region exist only in the views; a report's interaction too)."""
    return {k: v for k, v in columns.items() if k not in names}


_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "documents": ("The articles read, one row per document; body is the text every evidence offset points into.", {
        "doc_id": "the document's id", "content_hash": "SHA-256 of the text and metadata", "body": "the text",
        "published": "publication day", "source": "the publisher", "url": "where it was published"}),
    "events": ("Reports: one row per event a document tells of, with its review state and incident.", {
        **_without(_ACLED_COLUMNS, "year", "region", "interaction"), **_EXTRACTION_COLUMNS,
        "event_id": "the report's own id",
        "incident_id": "the incident (real-world event) it reports (incidents.incident_id)",
        "review_status": "pending, accepted, rejected or edited by a reviewer",
        "version": "edit counter (each review write adds one)", "provenance_json": "which stage set each field"}),
    "incidents": ("Incidents: one real-world event, merged across the reports of it (ACLED's events).", {
        **_without(_ACLED_COLUMNS, "year", "region"), **_EXTRACTION_COLUMNS,
        "incident_id": "the incident's id (from its smallest report id)",
        "n_reports": "reports merged", "n_documents": "documents they come from",
        "field_sources_json": "which report gave each field (JSON)"}),
    "acled_events": ("ACLED's standard export, one row per incident, in ACLED's column order (a view).",
                     {**_ACLED_COLUMNS, "admin3": "not coded (empty)", "source_scale": "not coded (empty)",
                      "tags": "ACLED's tags (a protest's crowd size=...)", "incident_id": "our incident id"}),
    "acled_reports": ("ACLED's standard export, one row per report (a view).",
                      {**_ACLED_COLUMNS, "admin3": "not coded (empty)", "source_scale": "not coded (empty)",
                       "tags": "ACLED's tags (a protest's crowd size=...)", "event_id": "our report id"}),
    "incident_decisions": ("Reviewers' word on two reports: the same event or not (kept across re-extraction).", {}),
    "deletions": ("What was deleted and when: what `export --since` and /api/deleted report.", {}),
    "event_versions": ("Every earlier version of a report's reviewable fields, with who and when.", {}),
    "document_versions": ("Every earlier version of a replaced document, with its events as they were.", {}),
    "change_log": ("Append-only log of every change to an event, document or user, with who and when.", {}),
    "problems": ("Per-document problems of the extraction runs (coded W3xx warnings and errors).", {}),
    "runs": ("Extraction runs: when, which version, with which settings.", {}),
    "acled_ids": ("Every report id's ACLED id, kept for good (also after the report is deleted).", {}),
    "acled_countries": ("ISO numeric code -> alpha-3 code, name and ACLED region.", {}),
}


def datasette_metadata(database: str = "eventcoder") -> dict[str, Any]:
    """Datasette's metadata.json for a database named ``database`` (its file name without .db)."""
    tables: dict[str, Any] = {name: {"description": text, **({"columns": cols} if cols else {})}
                              for name, (text, cols) in _TABLES.items()}
    for name in PRIVATE_TABLES:
        tables[name] = {"hidden": True, "allow": False,
                        "description": "credentials of the review app: never published"}
    for name in HIDDEN_TABLES:
        tables[name] = {"hidden": True}
    return {
        "title": "eventcoder",
        "description": "Conflict events extracted from news reports and reviewed, in ACLED's taxonomy.",
        "databases": {database: {
            "description": "Reports (events), incidents (ACLED's events) and the documents they come from. "
                           "The acled_events view is ACLED's standard export.",
            # arbitrary SQL could read the credential tables that "allow": false hides
            "allow_sql": False,
            "tables": tables,
        }},
    }
