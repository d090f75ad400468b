"""The web app: server-rendered review pages over a store. A thin shell: all logic lives in the core."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..store.base import EventQuery
from ..vocab import TAXONOMY

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE_SIZE = 50


def highlight(body: str, start: int, end: int) -> dict[str, str]:
    """The document split around the evidence span; the template escapes each part."""
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    return {"before": body[:start], "evidence": body[start:end], "after": body[end:]}


def create_app(store, settings=None) -> FastAPI:
    """The FastAPI app over ``store`` (any EventStore)."""
    app = FastAPI(title="eventcoder", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.settings = settings

    @app.get("/", response_class=HTMLResponse)
    def event_list(request: Request, event_type: Optional[str] = None, date_from: Optional[str] = None,
                   date_to: Optional[str] = None, page: int = Query(1, ge=1, le=100_000)):
        q = EventQuery(event_type=[event_type] if event_type else [], date_from=date_from or None,
                       date_to=date_to or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        events = store.query_events(q)
        total = store.count_events(q)
        return TEMPLATES.TemplateResponse(request, "events.html", {
            "events": events, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE)),
            "event_types": list(TAXONOMY), "filters": {"event_type": event_type or "", "date_from": date_from or "",
                                                        "date_to": date_to or ""}})

    @app.get("/events/{event_id}", response_class=HTMLResponse)
    def event_page(request: Request, event_id: str):
        stored = store.get_event(event_id)
        if stored is None:
            raise HTTPException(404, f"no event {event_id!r}")
        doc = store.get_document(stored.event.doc_id)
        ev = stored.event
        parts = highlight(doc.text if doc else "", ev.evidence.start, ev.evidence.end)
        return TEMPLATES.TemplateResponse(request, "event.html", {"stored": stored, "ev": ev, "doc": doc, "parts": parts})

    return app
