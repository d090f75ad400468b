"""The reviewer's JSON under ``/review/``: queue, map points, lookups, and decisions, each a call of the store."""
from __future__ import annotations

import gzip
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..errors import EvxError, StoreError
from ..store.base import NotFound
from .deps import is_form, payload, read_user, safe_next, store_of, write_user
from .forms import expected_version, filter_from, filter_query, parse_edit
from .views import actor_suggestions, event_json, place_json

router = APIRouter()


# --- reads ----------------------------------------------------------------------------------------------
@router.get("/review/queue.json")
def queue_json(request: Request, limit: int = Query(50, ge=1, le=500)):
    read_user(request)
    store = store_of(request)
    flt = filter_from(request.query_params)
    exclude = tuple(v[:100] for v in request.query_params.getlist("exclude")[:500])
    items = store.review_queue(flt, limit=limit, exclude=exclude)
    bodies = {}
    for s in items:
        if s.event.doc_id not in bodies:
            doc = store.get_document(s.event.doc_id)
            bodies[s.event.doc_id] = doc.text if doc else ""
    return {"events": [event_json(s, bodies[s.event.doc_id]) for s in items], "counts": store.review_counts(flt)}


@router.get("/review/points.json")
def points_json(request: Request):
    read_user(request)
    store = store_of(request)
    # Serialised and compressed here: FastAPI's encoder and GZip level 9 took 2 s and 4.5 s for
    # 100,000 events; json_group_array plus gzip level 1 take about 0.3 s (1.5 MB on the wire). The
    # result is kept until the data changes, so opening the map again costs one small query.
    flt = filter_from(request.query_params)
    key = (filter_query(flt), store.data_version())
    cache = request.app.state.points_cache
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = gzip.compress(store.map_points_json(flt), compresslevel=1)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(cache[key], media_type="application/json",
                        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(gzip.decompress(cache[key]), media_type="application/json")


@router.get("/review/brief.json")
def brief_json(request: Request):
    read_user(request)
    return store_of(request).event_briefs([v[:100] for v in request.query_params.getlist("id")[:500]])


@router.get("/review/events.json")
def events_json(request: Request, limit: int = Query(100, ge=1, le=1000)):
    read_user(request)
    store = store_of(request)
    flt = filter_from(request.query_params)
    return {"total": store.review_count(flt), "events": [event_json(s) for s in store.review_events(flt, limit=limit)]}


@router.get("/review/actors")
def actor_search(request: Request, q: str = Query("", max_length=100)):
    read_user(request)
    return {"actors": actor_suggestions(store_of(request), q)}


@router.get("/review/places")
def place_search(request: Request, q: str = Query("", max_length=100)):
    read_user(request)
    if len(q.strip()) < 2:
        return {"places": []}
    from .. import gazetteer

    try:
        found = gazetteer.search(q.strip())
    except EvxError as e:  # an index that cannot be opened or built: say so, the map still works
        return JSONResponse({"places": [], "error": f"{e}; set the place by clicking the map"}, 503)
    return {"places": [place_json(p) for p in list(found)[:20]]}


# --- writes ---------------------------------------------------------------------------------------------
@router.post("/review/{event_id}/status")
async def set_status(request: Request, event_id: str):
    user = await write_user(request)
    data = await payload(request)
    status = str(data.get("status", ""))
    version = expected_version(data)
    new_version = store_of(request).set_review_status(event_id, status, user.username, version)
    if is_form(request):
        return RedirectResponse(safe_next(str(data.get("next") or f"/events/{event_id}")), status_code=303)
    return {"event_id": event_id, "status": status, "version": new_version}


@router.post("/review/{event_id}/revert")
async def revert(request: Request, event_id: str):
    user = await write_user(request)
    data = await payload(request)
    version = expected_version(data)
    to = data.get("to_version")
    if not str(to).isdigit():
        raise HTTPException(400, "to_version must be a version number from the event's history")
    new_version = store_of(request).revert_event(event_id, int(to), user.username, version)
    if is_form(request):
        return RedirectResponse(f"/events/{event_id}", status_code=303)
    return {"event_id": event_id, "version": new_version}


@router.post("/review/{event_id}/edit")
async def edit(request: Request, event_id: str):
    user = await write_user(request)
    form = await request.form()
    version = expected_version(form)
    nxt = safe_next(str(form.get("next") or f"/events/{event_id}"))
    try:
        store_of(request).edit_event(event_id, parse_edit(form), user.username, version)
    except NotFound:
        raise
    except StoreError as e:  # a conflict or a value the event cannot take: back to its page, which says why
        return RedirectResponse(f"/events/{event_id}?" + urlencode({"error": str(e)}), status_code=303)
    return RedirectResponse(nxt, status_code=303)


@router.post("/review/{event_id}/delete")
async def delete(request: Request, event_id: str):
    user = await write_user(request, "admin")
    store_of(request).delete_event(event_id, user.username)
    return RedirectResponse("/events", status_code=303)


@router.post("/review/bulk")
async def bulk(request: Request):
    user = await write_user(request)
    form = await request.form()
    status = str(form.get("set_status", ""))  # "status" is the filter's own field
    if status not in ("accepted", "rejected"):
        raise HTTPException(400, "bulk status must be accepted or rejected")
    flt = filter_from(form)
    n = store_of(request).bulk_set_review_status(flt, status, user.username)
    if is_form(request):
        return RedirectResponse(f"/events?{filter_query(flt)}&done={n}", status_code=303)
    return {"changed": n}
