"""The review app's pages: the keyboard queue, the event list, one event with its document, and the map."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store.base import ReviewFilter
from ..vocab import TAXONOMY, Certainty, Inter
from .deps import page_user, render, safe_next, store_of
from .forms import filter_from, filter_query
from .views import field_spans, highlight

PAGE_SIZE = 50
FIELD_ORDER = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
               "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "location", "admin1", "admin2", "country",
               "latitude", "longitude", "geo_precision", "geonameid", "fatalities", "certainty", "attribution",
               "source", "notes", "confidence")
router = APIRouter()


def filter_ctx(request: Request, flt: ReviewFilter) -> dict[str, Any]:
    """What the filter bar of every page shows: the filter, its query string and the choices."""
    return {"flt": flt, "fq": filter_query(flt), "event_types": list(TAXONOMY),
            "countries": store_of(request).countries(), "certainties": [c.value for c in Certainty]}


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    page_user(request)
    return RedirectResponse("/queue" + (f"?{request.url.query}" if request.url.query else ""), status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request):
    user = page_user(request)
    flt = filter_from(request.query_params)
    return render(request, "queue.html", user, counts=store_of(request).review_counts(flt), **filter_ctx(request, flt))


@router.get("/events", response_class=HTMLResponse)
def event_list(request: Request, page: int = Query(1, ge=1, le=100_000)):
    user = page_user(request)
    store = store_of(request)
    flt = filter_from(request.query_params)
    total = store.review_count(flt)
    events = store.review_events(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "events.html", user, events=events, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), counts=store.review_counts(flt), **filter_ctx(request, flt))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, error: str = "", next: str = ""):
    user = page_user(request)
    store = store_of(request)
    stored = store.get_event(event_id)
    if stored is None:
        raise HTTPException(404, f"no event {event_id!r}; it may have been deleted or re-extracted")
    ev = stored.event
    doc = store.get_document(ev.doc_id)
    body = doc.text if doc else ""
    fields = [{"name": name, "value": getattr(ev, name), "prov": ev.provenance.get(name)} for name in FIELD_ORDER]
    siblings = store.review_events(ReviewFilter(doc_id=ev.doc_id), limit=200)
    return render(request, "event.html", user, stored=stored, ev=ev, doc=doc, parts=highlight(body, ev.evidence.start,
                  ev.evidence.end), fields=fields, history=store.event_history(event_id), siblings=siblings,
                  # every source report of the event's incident (when the store groups events into incidents)
                  incident=store.incident_reports(stored.incident_id) if stored.incident_id else [],
                  taxonomy=TAXONOMY, certainties=[c.value for c in Certainty],
                  inters=[(i.value, i.name.replace("_", " ").lower()) for i in Inter], error=error[:500],
                  next=safe_next(next) if next else "", spans=field_spans(ev, len(body)))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request):
    user = page_user(request)
    flt = filter_from(request.query_params)
    return render(request, "map.html", user, **filter_ctx(request, flt))
