"""The HTTP API: ``/api/events`` (reports) and ``/api/incidents`` (events merged across articles), with
ACLED-style filters, JSON/CSV/GeoJSON, and self-hosted API docs. A thin shell over the store.

Filters, as ACLED's API writes them:

- ``field=value``; several values with ``|`` (``country=Syria|Iraq``);
- ``field_where=OP`` sets the operator: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``LIKE`` (``%``
  wildcards), ``BETWEEN`` (two values: ``event_date=2015-01-01|2015-12-31&event_date_where=BETWEEN``);
- ``year=2015``, ``since=UNIX_SECONDS`` (changed at or after), ``limit`` (≤ 5000), ``page`` (from 1),
  ``fields=event_date|actor1`` to choose the columns returned.

Bad parameters get a 400 that names the parameter, the reason and the fix; unknown ones too (a typo in a
filter must not silently return everything).

The data is the review app's: every data route needs a logged-in user of any role (the app's session
cookie; anonymous -> 401), like the app's own pages. A script logs in once with ``POST /login`` and keeps
the cookie. The docs pages and ``/openapi.json`` are public: they show the API's shape, not its data.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from ..records import ACLED_COLUMNS, acled_row, event_row_record, feature, incident_record
from ..store.base import EVENT_FIELDS, INCIDENT_FIELDS, INT, EventQuery, QueryError, coerce, make_filter
from .auth import read_user, write_user

MAX_LIMIT = 5000
DEFAULT_LIMIT = 100
RESERVED = {"limit", "page", "fields", "since"}
DOCS_DIR = Path(__file__).parent / "static" / "docs"
DOCS_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
              "favicon-32x32.png": "image/png", "oauth2-redirect.html": "text/html",
              "LICENSE": "text/plain", "NOTICE": "text/plain"}

router = APIRouter(tags=["data"])
LOGGED_IN = [Depends(read_user)]


def _bad(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


def parse_query(params, fields: dict[str, str]) -> tuple[EventQuery, int, Optional[list[str]]]:
    """Query parameters -> (EventQuery, page, chosen fields); raises HTTPException(400) on anything wrong."""
    keys = list(params.keys())
    for k in keys:
        base = k[:-6] if k.endswith("_where") else k
        if k not in RESERVED and base not in fields:
            raise _bad(f"unknown parameter {k!r}. Filter on one of: {', '.join(sorted(fields))}; "
                       "or use limit, page, fields, since, FIELD_where")
        if len(params.getlist(k)) > 1:
            raise _bad(f"parameter {k!r} given {len(params.getlist(k))} times. Give it once; join several "
                       f"values with '|', e.g. {k}=a|b")
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
        page = int(params.get("page", 1))
    except ValueError:
        raise _bad("limit and page must be whole numbers, e.g. limit=100&page=2") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(f"limit={limit} is out of range. Use 1 to {MAX_LIMIT}, and page for more")
    if not 1 <= page <= 1_000_000:
        raise _bad(f"page={page} is out of range. Pages start at 1")
    filters = []
    try:
        for k in keys:
            if k in RESERVED or k.endswith("_where"):
                continue
            op = params.get(f"{k}_where", "=")
            raw = params[k]
            if raw == "":
                raise _bad(f"parameter {k!r} is empty. Give a value, e.g. {k}=..., or leave it out")
            filters.append(make_filter(k, op, raw.split("|"), fields))
        for k in keys:
            if k.endswith("_where") and k[:-6] not in params:
                raise _bad(f"{k} given without {k[:-6]}. Add the value, e.g. {k[:-6]}=...&{k}={params[k]}")
        since = params.get("since")
        if since is not None:
            try:
                since = coerce("since", INT, since)
            except QueryError:
                raise _bad(f"since={since!r} is not unix seconds. Give e.g. since=1700000000") from None
    except QueryError as e:
        raise _bad(str(e)) from None
    chosen = None
    if "fields" in params:
        chosen = [f for f in params["fields"].split("|") if f]
        if not chosen:
            raise _bad("fields is empty. Name columns joined by '|', e.g. fields=event_date|actor1|fatalities")
    q = EventQuery(filters=filters, since=since, limit=limit, offset=(page - 1) * limit)
    return q, page, chosen


def _select(records: list[dict[str, Any]], chosen: Optional[list[str]]) -> list[dict[str, Any]]:
    if not chosen:
        return records
    known = set(records[0]) | set(ACLED_COLUMNS) if records else set(chosen)
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise _bad(f"fields names unknown column(s) {', '.join(unknown)}. Choose from: {', '.join(sorted(known))}")
    out = []
    for rec in records:
        acled = acled_row(rec) if any(f not in rec for f in chosen) else {}
        out.append({f: rec[f] if f in rec else acled.get(f) for f in chosen})
    return out


def _page(request: Request, kind: str, fmt: str):
    store = request.app.state.store
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
        raise _bad(str(e)) from None
    if fmt == "csv":
        columns = chosen or list(ACLED_COLUMNS)
        body = io.StringIO()
        w = csv.writer(body)
        w.writerow(columns)
        for rec in _select(records, columns) if chosen else (acled_row(r) for r in records):
            w.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
        return Response(body.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"X-Total-Count": str(total)})
    if fmt == "geojson":
        features = [feature(r) for r in records]
        if chosen:
            for f, sel in zip(features, _select(records, chosen)):
                f["properties"] = sel
        return JSONResponse({"type": "FeatureCollection", "features": features},
                            media_type="application/geo+json", headers={"X-Total-Count": str(total)})
    data = _select(records, chosen)
    pages = -(-total // q.limit) if total else 0
    nxt = None
    if page < pages:
        nxt = str(request.url.include_query_params(page=page + 1))
    # JSONResponse straight away: the rows are plain JSON types already, and FastAPI's encoder would walk
    # every value of the page again.
    return JSONResponse({"success": True, "count": len(data), "total_count": total, "page": page,
                         "limit": q.limit, "pages": pages, "next": nxt, "data": data})


_FILTER_DOC = ("ACLED-style filters: any field (event_date, country, event_type, sub_event_type, actor1, "
               "actor2, admin1, location, fatalities, ...) as FIELD=value, several values joined by '|', "
               "operator in FIELD_where (=, !=, <, <=, >, >=, LIKE, BETWEEN).")


def _route(path: str, kind: str, fmt: str, summary: str):
    # The common parameters are declared (as text) for the OpenAPI page; parse_query reads and checks every
    # parameter itself, so a bad value gets our 400 with a fix rather than a bare validation error.
    def endpoint(request: Request,
                 country: Optional[str] = Query(None, description="e.g. Syria, or Syria|Iraq"),
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


@router.get("/api/events/{event_id}", summary="One report with its review state and incident",
            dependencies=LOGGED_IN)
def get_event(request: Request, event_id: str):
    row = request.app.state.store.get_event_row(event_id)
    if row is None:
        raise HTTPException(404, f"no event {event_id!r}. Find ids with GET /api/events")
    return event_row_record(row)


@router.get("/api/incidents/{incident_id}", summary="One incident with every report of it",
            dependencies=LOGGED_IN)
def get_incident(request: Request, incident_id: str):
    row = request.app.state.store.get_incident(incident_id, raw=True)
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
    store = request.app.state.store
    try:
        merged = await run_in_threadpool(store.merge_incidents, incident_ids, user.username)
    except QueryError as e:
        raise _bad(str(e)) from None
    return {"incident_id": merged}


@router.post("/api/incidents/{incident_id}/split",
             summary="Move reports out of an incident into their own (kept across re-extraction)")
async def split_incident(request: Request, incident_id: str,
                         event_ids: list[str] = Body(..., embed=True, min_length=1, max_length=1000)):
    user = await write_user(request)
    store = request.app.state.store
    try:
        parts = await run_in_threadpool(store.split_incident, incident_id, event_ids, user.username)
    except QueryError as e:
        raise _bad(str(e)) from None
    return {"incident_ids": parts}


# --- self-hosted API docs (swagger-ui-dist, vendored: no CDN) ------------------------------------------
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eventcoder API</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css">
<link rel="icon" href="/api/docs/static/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});</script>
</body></html>
"""


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs_page():
    return HTMLResponse(DOCS_PAGE)


@router.get("/api/docs/static/{name}", include_in_schema=False)
def docs_static(name: str):
    if name not in DOCS_FILES:  # a fixed list: no path ever comes from the request
        raise HTTPException(404, f"no docs asset {name!r}")
    return FileResponse(DOCS_DIR / name, media_type=DOCS_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
