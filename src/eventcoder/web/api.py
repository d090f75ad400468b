"""The HTTP API: ``/api/events`` (reports) and ``/api/incidents`` (events merged across articles), with
ACLED-style filters (api_query.py) and JSON/CSV/GeoJSON. A thin shell over the store.

The data is the review app's: every data route needs a logged-in user of any role (the app's session
cookie; anonymous -> 401), like the app's own pages. A script logs in once with ``POST /login`` and keeps
the cookie. The docs pages (api_docs.py) and ``/openapi.json`` are public: they show the API's shape, not
its data.
"""
from __future__ import annotations

import csv
import io
from typing import Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..records import ACLED_COLUMNS, acled_row, event_row_record, feature, incident_record
from ..store.base import EVENT_FIELDS, INCIDENT_FIELDS, QueryError
from .api_query import DEFAULT_LIMIT, MAX_LIMIT, bad_request, parse_query, select_fields
from .deps import read_user, store_of, write_user

router = APIRouter(tags=["data"])
LOGGED_IN = [Depends(read_user)]


def _page(request: Request, kind: str, fmt: str):
    store = store_of(request)
    fields = EVENT_FIELDS if kind == "events" else INCIDENT_FIELDS
    q, page, chosen = parse_query(request.query_params, fields)
    try:
        if kind == "events":
            records = [event_row_record(r) for r in store.query_event_rows(q)]
            total = store.count_events(q)
        else:
            rows = store.query_incidents(q)
            members = store.report_ids_for([r["incident_id"] for r in rows])
            records = [incident_record(r, members.get(r["incident_id"], [])) for r in rows]
            total = store.count_incidents(q)
    except QueryError as e:
        raise bad_request(str(e)) from None
    if fmt == "csv":
        columns = chosen or list(ACLED_COLUMNS)
        body = io.StringIO()
        w = csv.writer(body)
        w.writerow(columns)
        for rec in select_fields(records, columns) if chosen else (acled_row(r) for r in records):
            w.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
        return Response(body.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"X-Total-Count": str(total)})
    if fmt == "geojson":
        features = [feature(r) for r in records]
        if chosen:
            for f, sel in zip(features, select_fields(records, chosen)):
                f["properties"] = sel
        return JSONResponse({"type": "FeatureCollection", "features": features},
                            media_type="application/geo+json", headers={"X-Total-Count": str(total)})
    data = select_fields(records, chosen)
    pages = -(-total // q.limit) if total else 0
    nxt = None
    if page < pages:
        nxt = str(request.url.include_query_params(page=page + 1))
    # JSONResponse straight away: the rows are plain JSON types already, and FastAPI's encoder would walk
    # every value of the page again.
    return JSONResponse({"success": True, "count": len(data), "total_count": total, "page": page,
                         "limit": q.limit, "pages": pages, "next": nxt, "data": data})


_FILTER_DOC = ("ACLED-style filters: any field (event_date, country, region, interaction, event_type, "
               "sub_event_type, actor1, actor2, admin1, location, fatalities, event_id_cnty, ...) as FIELD=value, "
               "several values joined by '|', operator in FIELD_where (=, !=, <, <=, >, >=, LIKE, BETWEEN). "
               "Country names match in any case, as in ACLED's API.")


def _route(path: str, kind: str, fmt: str, summary: str):
    # The common parameters are declared (as text) for the OpenAPI page; parse_query reads and checks every
    # parameter itself, so a bad value gets our 400 with a fix rather than a bare validation error.
    def endpoint(request: Request,
                 country: Optional[str] = Query(None, description="e.g. Syria, or syria|Iraq (any case)"),
                 region: Optional[str] = Query(None, description="ACLED's region, e.g. Middle East"),
                 interaction: Optional[str] = Query(None, description="ACLED's interaction code, e.g. 12"),
                 event_type: Optional[str] = Query(None, description="e.g. Battles"),
                 actor1: Optional[str] = Query(None, description="canonical name; with actor1_where=LIKE, % wildcards"),
                 event_date: Optional[str] = Query(None, description="YYYY-MM-DD, or a|b with event_date_where=BETWEEN"),
                 event_date_where: Optional[str] = Query(None, description="=, !=, <, <=, >, >=, LIKE, BETWEEN"),
                 limit: Optional[str] = Query(None, description=f"rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})"),
                 page: Optional[str] = Query(None, description="page number, from 1"),
                 fields: Optional[str] = Query(None, description="columns to return, joined by '|'"),
                 since: Optional[str] = Query(None, description="only rows changed at or after (unix seconds)")):
        return _page(request, kind, fmt)

    endpoint.__name__ = f"{kind}_{fmt}"
    router.add_api_route(path, endpoint, methods=["GET"], summary=summary, description=_FILTER_DOC,
                         dependencies=LOGGED_IN,
                         response_class=JSONResponse if fmt in ("json", "geojson") else Response)


for _kind, _what in (("events", "reports (one per document that tells of an event)"),
                     ("incidents", "incidents (one real-world event, merged across reports)")):
    _route(f"/api/{_kind}", _kind, "json", f"A page of {_what}, with count and paging")
    _route(f"/api/{_kind}.csv", _kind, "csv", f"A page of {_what} as ACLED CSV")
    _route(f"/api/{_kind}.geojson", _kind, "geojson", f"A page of {_what} as a GeoJSON FeatureCollection")


@router.get("/api/deleted", summary="ACLED ids deleted since a time (ACLED's deleted endpoint)",
            dependencies=LOGGED_IN)
def deleted(request: Request,
            timestamp: Optional[str] = Query(None, description="unix seconds: what was deleted at or after"),
            level: Optional[str] = Query(None, description="incidents (ACLED's events; default) or reports"),
            limit: Optional[str] = Query(None, description=f"rows per page, 1 to {MAX_LIMIT}"),
            page: Optional[str] = Query(None, description="page number, from 1")):
    """``event_id_cnty`` and ``deleted_timestamp`` of every ACLED id deleted since ``timestamp`` and not in
    use again: what a copy made earlier must drop (ACLED's ``/deleted/read``)."""
    params = request.query_params
    unknown = sorted(set(params) - {"timestamp", "level", "limit", "page"})
    if unknown:
        raise bad_request(f"unknown parameter {unknown[0]!r}. Use timestamp, level, limit, page")
    try:
        since = int(params.get("timestamp", ""))
        limit_n, page_n = int(params.get("limit", MAX_LIMIT)), int(params.get("page", 1))
    except ValueError:
        raise bad_request("timestamp (unix seconds), limit and page must be whole numbers, e.g. "
                          "/api/deleted?timestamp=1700000000") from None
    level = params.get("level", "incidents")
    if level not in ("incidents", "reports"):
        raise bad_request(f"level={level!r} is unknown. Use incidents (ACLED's events) or reports")
    if not 1 <= limit_n <= MAX_LIMIT or page_n < 1:
        raise bad_request(f"limit is 1 to {MAX_LIMIT} and page starts at 1")
    data = store_of(request).deleted_acled_ids(since, level, limit_n, (page_n - 1) * limit_n)
    return JSONResponse({"success": True, "count": len(data), "page": page_n, "limit": limit_n, "data": data})


@router.get("/api/events/{event_id}", summary="One report with its review state and incident",
            dependencies=LOGGED_IN)
def get_event(request: Request, event_id: str):
    row = store_of(request).get_event_row(event_id)
    if row is None:
        raise HTTPException(404, f"no event {event_id!r}. Find ids with GET /api/events")
    return event_row_record(row)


@router.get("/api/incidents/{incident_id}", summary="One incident with every report of it",
            dependencies=LOGGED_IN)
def get_incident(request: Request, incident_id: str):
    row = store_of(request).get_incident(incident_id, raw=True)
    if row is None:
        raise HTTPException(404, f"no incident {incident_id!r}. Find ids with GET /api/incidents")
    reports = row.pop("reports")
    rec = incident_record(row, [r["event_id"] for r in reports])
    rec["report_records"] = [event_row_record(r) for r in reports]
    return rec


# --- reviewers' split and merge (reviewer role and the session's CSRF token, as every write of the app) ------
@router.post("/api/incidents/merge", summary="Merge incidents a reviewer knows are one event")
async def merge_incidents(request: Request,
                          incident_ids: list[str] = Body(..., embed=True, min_length=2, max_length=100)):
    user = await write_user(request)
    store = store_of(request)
    try:
        merged = await run_in_threadpool(store.merge_incidents, incident_ids, user.username)
    except QueryError as e:
        raise bad_request(str(e)) from None
    return {"incident_id": merged}


@router.post("/api/incidents/{incident_id}/split",
             summary="Move reports out of an incident into their own (kept across re-extraction)")
async def split_incident(request: Request, incident_id: str,
                         event_ids: list[str] = Body(..., embed=True, min_length=1, max_length=1000)):
    user = await write_user(request)
    store = store_of(request)
    try:
        parts = await run_in_threadpool(store.split_incident, incident_id, event_ids, user.username)
    except QueryError as e:
        raise bad_request(str(e)) from None
    return {"incident_ids": parts}
