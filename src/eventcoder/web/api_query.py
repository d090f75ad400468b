"""The data API's query parameters, read and checked into an EventQuery, a page and the columns chosen.

Filters, as ACLED's API writes them:

- ``field=value``; several values with ``|`` (``country=Syria|Iraq``);
- ``field_where=OP`` sets the operator: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``LIKE`` (``%``
  wildcards), ``BETWEEN`` (two values: ``event_date=2015-01-01|2015-12-31&event_date_where=BETWEEN``);
- ``year=2015``, ``since=UNIX_SECONDS`` (changed at or after), ``limit`` (≤ 5000), ``page`` (from 1),
  ``fields=event_date|actor1`` to choose the columns returned.

Bad parameters get a 400 that names the parameter, the reason and the fix; unknown ones too (a typo in a
filter must not silently return everything).
"""
from __future__ import annotations

from typing import Any, Optional

from fastapi import HTTPException

from ..records import ACLED_COLUMNS, acled_row
from ..store.base import INT, EventQuery, QueryError, coerce, make_filter

MAX_LIMIT = 5000
DEFAULT_LIMIT = 100
RESERVED = {"limit", "page", "fields", "since"}


def bad_request(message: str) -> HTTPException:
    return HTTPException(status_code=400, detail=message)


def parse_query(params, fields: dict[str, str]) -> tuple[EventQuery, int, Optional[list[str]]]:
    """Query parameters -> (EventQuery, page, chosen fields); raises HTTPException(400) on anything wrong."""
    keys = list(params.keys())
    for k in keys:
        base = k[:-6] if k.endswith("_where") else k
        if k not in RESERVED and base not in fields:
            raise bad_request(f"unknown parameter {k!r}. Filter on one of: {', '.join(sorted(fields))}; "
                       "or use limit, page, fields, since, FIELD_where")
        if len(params.getlist(k)) > 1:
            raise bad_request(f"parameter {k!r} given {len(params.getlist(k))} times. Give it once; join several "
                       f"values with '|', e.g. {k}=a|b")
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
        page = int(params.get("page", 1))
    except ValueError:
        raise bad_request("limit and page must be whole numbers, e.g. limit=100&page=2") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"limit={limit} is out of range. Use 1 to {MAX_LIMIT}, and page for more")
    if not 1 <= page <= 1_000_000:
        raise bad_request(f"page={page} is out of range. Pages start at 1")
    filters = []
    try:
        for k in keys:
            if k in RESERVED or k.endswith("_where"):
                continue
            op = params.get(f"{k}_where", "=")
            raw = params[k]
            if raw == "":
                raise bad_request(f"parameter {k!r} is empty. Give a value, e.g. {k}=..., or leave it out")
            filters.append(make_filter(k, op, raw.split("|"), fields))
        for k in keys:
            if k.endswith("_where") and k[:-6] not in params:
                raise bad_request(f"{k} given without {k[:-6]}. Add the value, e.g. {k[:-6]}=...&{k}={params[k]}")
        since = params.get("since")
        if since is not None:
            try:
                since = coerce("since", INT, since)
            except QueryError:
                raise bad_request(f"since={since!r} is not unix seconds. Give e.g. since=1700000000") from None
    except QueryError as e:
        raise bad_request(str(e)) from None
    chosen = None
    if "fields" in params:
        chosen = [f for f in params["fields"].split("|") if f]
        if not chosen:
            raise bad_request("fields is empty. Name columns joined by '|', e.g. fields=event_date|actor1|fatalities")
    q = EventQuery(filters=filters, since=since, limit=limit, offset=(page - 1) * limit)
    return q, page, chosen


def select_fields(records: list[dict[str, Any]], chosen: Optional[list[str]]) -> list[dict[str, Any]]:
    """The ``fields=`` columns of each record, ACLED's derived ones (event_id_cnty, year, region...) too."""
    if not chosen:
        return records
    known = set(records[0]) | set(ACLED_COLUMNS) if records else set(chosen)
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise bad_request(f"fields names unknown column(s) {', '.join(unknown)}. "
                          f"Choose from: {', '.join(sorted(known))}")
    out = []
    for rec in records:
        acled = acled_row(rec) if any(f not in rec for f in chosen) else {}
        out.append({f: rec[f] if f in rec else acled.get(f) for f in chosen})
    return out
