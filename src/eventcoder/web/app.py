"""The review app: server-rendered pages plus small JSON endpoints for the keyboard queue and the map.

A thin shell: decisions, edits and filters live in ``store.review``, users in ``store.users``. Every page
needs a login; every write needs the reviewer role (admin for users and deletes) and the CSRF token.
Nothing is loaded from the network: the map's scripts and shapes are vendored under ``static/vendor``.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..knowledge import actorlist
from ..errors import EvxError, StoreError
from ..store.base import EDITABLE, STATUSES, Conflict, NotFound, ReviewFilter
from ..store.users import ROLES
from ..vocab import TAXONOMY, Certainty, Inter
from . import auth
from .api import router as api_router
from .auth import LoginRequired, page_user, read_user, write_user

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
PAGE_SIZE = 50
MAX_PARAM = 200  # characters of one filter value; longer values are cut, never an error
# Upload bounds: one pasted text or file up to 2 MB, a batch up to 20 MB and 500 documents; a news
# article is 5-20 kB, so this is generous while keeping one request from filling the memory.
MAX_DOC_BYTES = 2_000_000
MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_DOCS = 500
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
FIELD_ORDER = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
               "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "location", "admin1", "admin2", "country",
               "latitude", "longitude", "geo_precision", "geonameid", "fatalities", "certainty", "attribution",
               "source", "notes", "confidence")
INT_FIELDS = {"time_precision", "inter1", "inter2", "iso", "geo_precision", "geonameid", "fatalities"}
FLOAT_FIELDS = {"latitude", "longitude"}
NULLABLE = {"event_date", "time_precision", "iso", "latitude", "longitude", "geo_precision", "geonameid", "attribution"}


def highlight(body: str, start: int, end: int) -> dict[str, str]:
    """The document split around the evidence span; the template escapes each part."""
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    return {"before": body[:start], "evidence": body[start:end], "after": body[end:]}


def excerpt(body: str, start: int, end: int, context: int = 400) -> dict[str, str]:
    """The evidence with up to ``context`` characters either side (the queue card)."""
    parts = highlight(body, start, end)
    before, after = parts["before"], parts["after"]
    return {"before": ("…" if len(before) > context else "") + before[-context:], "evidence": parts["evidence"],
            "after": after[:context] + ("…" if len(after) > context else "")}


def _one(value: Optional[str]) -> Optional[str]:
    value = (value or "").strip()[:MAX_PARAM]
    return value or None


def filter_from(params) -> ReviewFilter:
    """A ReviewFilter from query or form parameters (multi-valued keys repeat)."""
    def many(key: str) -> list[str]:
        return [v.strip()[:MAX_PARAM] for v in params.getlist(key) if v and v.strip()][:50]
    return ReviewFilter(date_from=_one(params.get("date_from")), date_to=_one(params.get("date_to")),
                        country=many("country"), admin1=many("admin1"), event_type=many("event_type"),
                        sub_event_type=many("sub_event_type"), certainty=many("certainty"),
                        review_status=[s for s in many("status") if s in STATUSES], actor=_one(params.get("actor")),
                        text=_one(params.get("text")), doc_id=_one(params.get("doc_id")))


def filter_query(flt: ReviewFilter) -> str:
    pairs = []
    for key, value in flt.query_params().items():
        key = "status" if key == "review_status" else key
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return urlencode(pairs)


def event_json(stored, body: str = "") -> dict[str, Any]:
    ev = stored.event
    out = ev.model_dump(mode="json", exclude={"provenance"})
    out.update(review_status=stored.review_status, version=stored.version,
               excerpt=excerpt(body, ev.evidence.start, ev.evidence.end) if body else
               {"before": "", "evidence": ev.evidence.text, "after": ""})
    return out


def parse_edit(form) -> dict[str, Any]:
    """The changed fields of the edit form, typed; blank means empty (or None where allowed)."""
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in form:
            continue
        raw = str(form.get(name, "")).strip()[:5000]
        if raw == "":
            if name in NULLABLE:
                changes[name] = None
            elif name in INT_FIELDS:
                changes[name] = 0
            else:
                changes[name] = ""
            continue
        try:
            changes[name] = int(raw) if name in INT_FIELDS else float(raw) if name in FLOAT_FIELDS else raw
        except ValueError:
            raise StoreError(f"{name} must be a number, not {raw[:40]!r}. Correct it and save again", code="E225")
    return changes


def create_app(store, settings=None) -> FastAPI:
    """The FastAPI app over ``store`` (a SQLStore: the review tables need its ``db``)."""
    app = FastAPI(title="eventcoder", docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.store = store
    app.state.settings = settings
    app.state.extraction = None
    app.state.points_cache = {}  # (filter, data version) -> gzipped points JSON
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(auth.make_router(TEMPLATES))
    app.include_router(api_router)  # the data API and its self-hosted docs pages (web/api.py)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        """A page for people (browsers asking for HTML), JSON for scripts."""
        if "text/html" in request.headers.get("accept", "") and request.method == "GET":
            return TEMPLATES.TemplateResponse(request, "error.html", {
                "user": getattr(request.state, "user", None) or None, "status": exc.status_code,
                "message": str(exc.detail)}, status_code=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict):
        return JSONResponse({"error": str(exc), "conflict": True}, status_code=409)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(EvxError)
    async def bad_input(request: Request, exc: EvxError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    def render(request: Request, name: str, user, **ctx) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, name, {"user": user, "statuses": STATUSES, **ctx})

    def filter_ctx(flt: ReviewFilter) -> dict[str, Any]:
        return {"flt": flt, "fq": filter_query(flt), "event_types": list(TAXONOMY), "countries": store.countries(),
                "certainties": [c.value for c in Certainty]}

    # --- pages -----------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        page_user(request)
        return RedirectResponse("/queue" + (f"?{request.url.query}" if request.url.query else ""), status_code=303)

    @app.get("/queue", response_class=HTMLResponse)
    def queue_page(request: Request):
        user = page_user(request)
        flt = filter_from(request.query_params)
        return render(request, "queue.html", user, counts=store.review_counts(flt), **filter_ctx(flt))

    @app.get("/events", response_class=HTMLResponse)
    def event_list(request: Request, page: int = Query(1, ge=1, le=100_000)):
        user = page_user(request)
        flt = filter_from(request.query_params)
        total = store.review_count(flt)
        events = store.review_events(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return render(request, "events.html", user, events=events, total=total, page=page,
                      pages=max(1, -(-total // PAGE_SIZE)), counts=store.review_counts(flt), **filter_ctx(flt))

    @app.get("/events/{event_id}", response_class=HTMLResponse)
    def event_page(request: Request, event_id: str, error: str = "", next: str = ""):
        user = page_user(request)
        stored = store.get_event(event_id)
        if stored is None:
            raise HTTPException(404, f"no event {event_id!r}; it may have been deleted or re-extracted")
        ev = stored.event
        doc = store.get_document(ev.doc_id)
        body = doc.text if doc else ""
        fields = []
        for name in FIELD_ORDER:
            prov = ev.provenance.get(name)
            fields.append({"name": name, "value": getattr(ev, name), "prov": prov})
        siblings = store.review_events(ReviewFilter(doc_id=ev.doc_id), limit=200)
        return render(request, "event.html", user, stored=stored, ev=ev, doc=doc, parts=highlight(body, ev.evidence.start,
                      ev.evidence.end), fields=fields, history=store.event_history(event_id), siblings=siblings,
                      incident=incident_reports(stored), taxonomy=TAXONOMY, certainties=[c.value for c in Certainty],
                      inters=[(i.value, i.name.replace("_", " ").lower()) for i in Inter], error=error[:500],
                      next=auth.safe_next(next) if next else "", spans=field_spans(ev, len(body)))

    def incident_reports(stored) -> list[dict[str, Any]]:
        """Every source report of the event's incident (when the store groups events into incidents)."""
        return store.incident_reports(stored.incident_id) if stored.incident_id else []

    @app.get("/map", response_class=HTMLResponse)
    def map_page(request: Request):
        user = page_user(request)
        flt = filter_from(request.query_params)
        return render(request, "map.html", user, **filter_ctx(flt))

    @app.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request):
        user = page_user(request, "reviewer")
        return render(request, "upload.html", user, result=None, max_doc=MAX_DOC_BYTES, max_total=MAX_UPLOAD_BYTES)

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request, error: str = ""):
        user = page_user(request, "admin")
        return render(request, "users.html", user, users=store.list_users(), roles=ROLES,
                      error=error[:300])

    # --- JSON reads ------------------------------------------------------------------------------
    @app.get("/review/queue.json")
    def queue_json(request: Request, limit: int = Query(50, ge=1, le=500)):
        read_user(request)
        flt = filter_from(request.query_params)
        exclude = tuple(v[:100] for v in request.query_params.getlist("exclude")[:500])
        items = store.review_queue(flt, limit=limit, exclude=exclude)
        bodies = {}
        for s in items:
            if s.event.doc_id not in bodies:
                doc = store.get_document(s.event.doc_id)
                bodies[s.event.doc_id] = doc.text if doc else ""
        return {"events": [event_json(s, bodies[s.event.doc_id]) for s in items], "counts": store.review_counts(flt)}

    @app.get("/review/points.json")
    def points_json(request: Request):
        read_user(request)
        # Serialised and compressed here: FastAPI's encoder and GZip level 9 took 2 s and 4.5 s for
        # 100,000 events; json_group_array plus gzip level 1 take about 0.3 s (1.5 MB on the wire). The
        # result is kept until the data changes, so opening the map again costs one small query.
        flt = filter_from(request.query_params)
        key = (filter_query(flt), store.data_version())
        cache = app.state.points_cache
        if key not in cache:
            if len(cache) >= 8:
                cache.pop(next(iter(cache)))
            cache[key] = gzip.compress(store.map_points_json(flt), compresslevel=1)
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(cache[key], media_type="application/json",
                            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(gzip.decompress(cache[key]), media_type="application/json")

    @app.get("/review/brief.json")
    def brief_json(request: Request):
        read_user(request)
        return store.event_briefs([v[:100] for v in request.query_params.getlist("id")[:500]])

    @app.get("/review/events.json")
    def events_json(request: Request, limit: int = Query(100, ge=1, le=1000)):
        read_user(request)
        flt = filter_from(request.query_params)
        return {"total": store.review_count(flt), "events": [event_json(s) for s in store.review_events(flt, limit=limit)]}

    @app.get("/review/actors")
    def actor_search(request: Request, q: str = Query("", max_length=100)):
        read_user(request)
        return {"actors": actor_suggestions(store, q)}

    @app.get("/review/places")
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

    # --- writes ----------------------------------------------------------------------------------
    @app.post("/review/{event_id}/status")
    async def set_status(request: Request, event_id: str):
        user = await write_user(request)
        data = await payload(request)
        status = str(data.get("status", ""))
        version = int(data["version"]) if str(data.get("version", "")).isdigit() else None
        new_version = store.set_review_status(event_id, status, user.username, version)
        if is_form(request):
            return RedirectResponse(auth.safe_next(str(data.get("next") or f"/events/{event_id}")), status_code=303)
        return {"event_id": event_id, "status": status, "version": new_version}

    @app.post("/review/{event_id}/revert")
    async def revert(request: Request, event_id: str):
        user = await write_user(request)
        data = await payload(request)
        version = int(data["version"]) if str(data.get("version", "")).isdigit() else None
        to = data.get("to_version")
        if not str(to).isdigit():
            raise HTTPException(400, "to_version must be a version number from the event's history")
        new_version = store.revert_event(event_id, int(to), user.username, version)
        if is_form(request):
            return RedirectResponse(f"/events/{event_id}", status_code=303)
        return {"event_id": event_id, "version": new_version}

    @app.post("/review/{event_id}/edit")
    async def edit(request: Request, event_id: str):
        user = await write_user(request)
        form = await request.form()
        version = int(form["version"]) if str(form.get("version", "")).isdigit() else None
        nxt = auth.safe_next(str(form.get("next") or f"/events/{event_id}"))
        try:
            store.edit_event(event_id, parse_edit(form), user.username, version)
        except Conflict as e:
            return RedirectResponse(f"/events/{event_id}?" + urlencode({"error": str(e)}), status_code=303)
        except StoreError as e:
            if isinstance(e, NotFound):
                raise
            return RedirectResponse(f"/events/{event_id}?" + urlencode({"error": str(e)}), status_code=303)
        return RedirectResponse(nxt, status_code=303)

    @app.post("/review/{event_id}/delete")
    async def delete(request: Request, event_id: str):
        user = await write_user(request, "admin")
        store.delete_event(event_id, user.username)
        return RedirectResponse("/events", status_code=303)

    @app.post("/review/bulk")
    async def bulk(request: Request):
        user = await write_user(request)
        form = await request.form()
        status = str(form.get("set_status", ""))  # "status" is the filter's own field
        if status not in ("accepted", "rejected"):
            raise HTTPException(400, "bulk status must be accepted or rejected")
        flt = filter_from(form)
        n = store.bulk_set_review_status(flt, status, user.username)
        if is_form(request):
            return RedirectResponse(f"/events?{filter_query(flt)}&done={n}", status_code=303)
        return {"changed": n}

    @app.post("/upload", response_class=HTMLResponse)
    async def upload(request: Request):
        user = await write_user(request)
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_UPLOAD_BYTES + 100_000:
            raise HTTPException(413, f"the upload is {declared:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}. "
                                     "Split it into smaller batches")
        form = await request.form()  # parsed (with the size bounds of auth.py) by write_user
        articles, problems = [], []
        total = 0
        text = str(form.get("text") or "")
        if text.strip():
            data = text.encode("utf-8")
            if len(data) > MAX_DOC_BYTES:
                raise HTTPException(413, f"the pasted text is {len(data):,} bytes; the limit is {MAX_DOC_BYTES:,}")
            total += len(data)
            got, bad = _articles_from_upload("pasted.txt", data, form.get("published"), prefix="paste")
            articles.extend(got)
            problems.extend(bad)
        for f in form.getlist("files"):
            if not hasattr(f, "read"):
                continue
            data = await f.read(MAX_DOC_BYTES + 1)
            if len(data) > MAX_DOC_BYTES:
                problems.append(f"{f.filename}: larger than {MAX_DOC_BYTES:,} bytes, skipped")
                continue
            total += len(data)
            if total > MAX_UPLOAD_BYTES:
                raise HTTPException(413, f"the batch is over {MAX_UPLOAD_BYTES:,} bytes. Split it into smaller batches")
            got, bad = _articles_from_upload(f.filename or "upload.txt", data, form.get("published"))
            articles.extend(got)
            problems.extend(bad)
        if len(articles) > MAX_UPLOAD_DOCS:
            raise HTTPException(413, f"{len(articles)} documents; the limit is {MAX_UPLOAD_DOCS} per upload")
        result = {"documents": [], "problems": problems}
        if articles:
            try:
                records = extraction(app).process_articles(articles)
            except EvxError as e:
                result["problems"].append(str(e))
                records = []
            for r in records:
                result["documents"].append({"doc_id": r.article.doc_id, "title": r.article.title,
                                            "events": [e.event_id for e in r.events],
                                            "problems": [str(p) for p in r.problems]})
        return render(request, "upload.html", user, result=result, max_doc=MAX_DOC_BYTES, max_total=MAX_UPLOAD_BYTES)

    @app.post("/admin/users")
    async def users_action(request: Request):
        admin = await write_user(request, "admin")
        form = await request.form()
        action, name = str(form.get("action", "")), str(form.get("username", "")).strip()
        try:
            if action == "add":
                store.add_user(name, str(form.get("password", "")), str(form.get("role", "reviewer")))
            elif action == "role":
                store.set_role(name, str(form.get("role", "")), by=admin.username)
            elif action in ("disable", "enable"):
                if name == admin.username:
                    raise StoreError("you cannot disable yourself; ask another admin", code="E155")
                store.set_disabled(name, action == "disable", by=admin.username)
            elif action == "passwd":
                store.set_password(name, str(form.get("password", "")))
            else:
                raise HTTPException(400, f"unknown action {action!r}")
        except StoreError as e:
            return RedirectResponse("/admin/users?" + urlencode({"error": str(e)}), status_code=303)
        return RedirectResponse("/admin/users", status_code=303)

    return app


class SecurityHeaders:
    """CSP and friends on every response (plain ASGI: no body buffering, no lost responses on disconnect)."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                                "multipart/form-data"))


async def payload(request: Request) -> dict[str, Any]:
    if is_form(request):
        return dict(await request.form())
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise HTTPException(400, "the body is not JSON")
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data


def field_spans(ev, n: int) -> list[dict[str, Any]]:
    """Where each field's evidence lies in the document (the page highlights it on hover)."""
    out = []
    for name, prov in ev.provenance.items():
        if prov.evidence is not None and 0 <= prov.evidence.start <= prov.evidence.end <= n:
            out.append({"field": name, "start": prov.evidence.start, "end": prov.evidence.end})
    return out


def place_json(p: Any) -> dict[str, Any]:
    """A gazetteer hit as JSON, whatever shape the gazetteer returns (object or mapping)."""
    get = (lambda k: p.get(k)) if isinstance(p, dict) else (lambda k: getattr(p, k, None))
    place = get("place")
    if place is not None:  # a candidate wrapping a Place
        return place_json(place)
    out = {k: get(k) for k in ("geonameid", "location", "name", "admin1", "admin2", "country", "iso", "latitude",
                               "longitude", "geo_precision", "kind", "population")}
    out["location"] = out["location"] or out["name"]
    return out


def actor_suggestions(store, q: str, limit: int = 15) -> list[str]:
    """Actor names for autocomplete: the dictionary first, then names already in the store."""
    q = q.strip().lower()
    if len(q) < 2:
        return []
    out = [n for n in actorlist.actor_names() if q in n.lower()][:limit]
    if len(out) < limit:
        out += [a for a in store.actor_names_like(q, limit) if a not in out]
    return out[:limit]


def _articles_from_upload(name: str, data: bytes, published, prefix: str = "upload") -> tuple[list, list[str]]:
    """Articles of one pasted text or uploaded file, read by ingest with the checks files on disk get
    (encoding, binary, controls, sizes); a bad document becomes a problem line, the rest go on."""
    from datetime import date

    from ..ingest import read_bytes
    from ..types import Article

    try:
        anchor = date.fromisoformat(str(published)) if published else None
    except ValueError:
        anchor = None
    # Content-addressed ids: the same upload twice is the same document, whatever its file name.
    doc_id = f"{prefix}-{hashlib.sha256(data).hexdigest()[:16]}"
    articles, problems = [], []
    for item in read_bytes(name, data, doc_id=doc_id, published=anchor):
        if isinstance(item, Article):
            articles.append(item)
        elif item.severity == "error":
            problems.append(f"{name}: {item}")
    return articles, problems


def extraction(app: FastAPI):
    """The app's extraction job over its own store, built on first upload (loads the pipeline once)."""
    if app.state.extraction is None:
        from ..config import load_settings
        from ..extraction import Extraction

        settings = app.state.settings or load_settings(None, [])
        app.state.extraction = Extraction(settings, "", store=app.state.store)
    return app.state.extraction
