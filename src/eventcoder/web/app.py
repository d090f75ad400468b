"""The review app: server-rendered pages plus small JSON endpoints for the keyboard queue and the map.

A thin shell over a store, one router per job: login (auth.py), the data API and its docs (api.py,
api_docs.py), pages (pages.py), upload (upload.py), users (admin.py) and the reviewer's JSON (review.py);
what they share is deps.py's. Every page needs a login; every write needs the reviewer role (admin for
users and deletes) and the CSRF token. Nothing is loaded from the network: the map's scripts and shapes
are vendored under ``static/vendor``.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import EvxError
from ..store.base import Conflict, EventStore, NotFound
from . import admin, api, api_docs, auth, pages, review, upload
from .deps import HERE, TEMPLATES, LoginRequired
from .guard import PasswordGuard

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# In this order: the routes' order is the OpenAPI page's order.
ROUTERS = (auth.router, api.router, api_docs.router, pages.router, upload.router, admin.router, review.router)


def create_app(store: EventStore, settings=None) -> FastAPI:
    """The FastAPI app over ``store``; ``settings`` configure the extraction of uploads and the app's bounds
    (its ``web`` section; default: load_settings, i.e. eventcoder.toml and the environment)."""
    if settings is None:
        from ..config import load_settings

        settings = load_settings(None, [])
    app = FastAPI(title="eventcoder", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  lifespan=_lifespan)
    app.state.store = store
    app.state.settings = settings
    app.state.extraction = None  # built on the first upload, on the upload worker (upload.extraction)
    app.state.uploads = None  # the upload queue and its worker thread, started by the first upload
    app.state.guard = PasswordGuard(settings.web)  # brute-force limits and argon2 slots (guard.py)
    app.state.points_cache = {}  # (filter, data version) -> gzipped points JSON
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for exc, handler in ERROR_HANDLERS.items():
        app.add_exception_handler(exc, handler)
    for router in ROUTERS:
        app.include_router(router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    if app.state.uploads is not None:  # let the running upload finish its batch, drop the queued ones
        app.state.uploads.close()
    if app.state.extraction is not None:  # the extraction process, when there is one
        app.state.extraction.close()


async def to_login(request: Request, exc: LoginRequired):
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def http_error(request: Request, exc: StarletteHTTPException):
    """A page for people (browsers asking for HTML), JSON for scripts."""
    if "text/html" in request.headers.get("accept", "") and request.method == "GET":
        return TEMPLATES.TemplateResponse(request, "error.html", {
            "user": getattr(request.state, "user", None) or None, "status": exc.status_code,
            "message": str(exc.detail)}, status_code=exc.status_code)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def conflict(request: Request, exc: Conflict):
    return JSONResponse({"error": str(exc), "conflict": True}, status_code=409)


async def not_found(request: Request, exc: NotFound):
    return JSONResponse({"error": str(exc)}, status_code=404)


async def bad_input(request: Request, exc: EvxError):
    return JSONResponse({"error": str(exc)}, status_code=400)


ERROR_HANDLERS = {LoginRequired: to_login, StarletteHTTPException: http_error, Conflict: conflict,
                  NotFound: not_found, EvxError: bad_input}


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
