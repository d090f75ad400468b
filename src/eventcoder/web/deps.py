"""What every router of the review app shares: the store, the templates, the user of a request and the
CSRF check of a write.

- The session cookie holds a random token (only its SHA-256 is stored); it is HttpOnly, SameSite=Strict,
  and Secure whenever the app is reached over HTTPS or from a non-loopback host (browsers drop Secure
  cookies on plain http, and plain http is only acceptable on 127.0.0.1 / localhost).
- Every write needs a user of the right role AND the session's CSRF token, sent as the form field
  ``csrf_token`` or the header ``X-CSRF-Token`` (compared in constant time).
"""
from __future__ import annotations

import base64
import hmac
import json
from pathlib import Path
from typing import Any, Optional

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..store.base import STATUSES, EventStore
from ..store.users import User
from .guard import Busy, TooMany

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
SESSION_COOKIE = "evx_session"
# Form limits for every write (the upload page sets the tightest per-document bound itself): a pasted
# article may be 2 MB, so one part may be a little over that; a batch holds at most 500 files.
MAX_PART_BYTES = 2_100_000
MAX_FORM_FILES = 500
MAX_FORM_FIELDS = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class LoginRequired(Exception):
    """An anonymous request to a page: the app redirects to the login form."""


def store_of(request: Request) -> EventStore:
    return request.app.state.store


def render(request: Request, name: str, user, status_code: int = 200, **ctx) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, {"user": user, "statuses": STATUSES, **ctx},
                                      status_code=status_code)


def web_settings(app):
    """The app's ``web`` settings section (queue and password-guard bounds)."""
    return app.state.settings.web


def secure_cookies(request: Request) -> bool:
    host = (request.url.hostname or "").lower()
    return request.url.scheme == "https" or host not in LOOPBACK


def current_user(request: Request) -> Optional[User]:
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached
    user = store_of(request).session_user(request.cookies.get(SESSION_COOKIE))
    request.state.user = user
    return user


def page_user(request: Request, role: str = "viewer") -> User:
    """The logged-in user of a page view (anonymous -> login form, too low a role -> 403)."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if not user.can(role):
        raise HTTPException(403, f"this page needs the {role} role; you are {user.role}. Ask an admin")
    return user


def basic_auth_user(request: Request) -> Optional[User]:
    """The user of an ``Authorization: Basic`` header, for scripts reading the API without a browser session.

    Reads only: a write still needs a session and its CSRF token.
    """
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic ") or len(header) > 1024:
        return None
    try:
        username, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    if not username or len(password) > 1024:
        return None
    return guarded(request, lambda guard: guard.verify(store_of(request), username, password,
                                                       client_address(request), remember=True))


def client_address(request: Request) -> str:
    """The TCP peer's address (behind a reverse proxy: the proxy's; see guard.py)."""
    return request.client.host if request.client else "unknown"


def guarded(request: Request, check):
    """``check(guard)`` with the app's password guard; too many tries -> 429 with Retry-After, every hash
    slot taken -> 503."""
    guard = request.app.state.guard
    try:
        return check(guard)
    except TooMany as e:
        raise HTTPException(429, f"{e}. Wait, or ask an admin", headers={"Retry-After": str(e.retry_after)}) from None
    except Busy:
        raise HTTPException(503, "the server is checking many passwords at once: try again in a few seconds",
                            headers={"Retry-After": "5"}) from None


def bearer_user(request: Request) -> Optional[User]:
    """The user of an ``Authorization: Bearer TOKEN`` header (an API token: eventcoder user token NAME).

    Reads only, like HTTP Basic. A wrong token counts against the address's wrong tries (guard.py)."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or len(header) > 1024:
        return None
    address = client_address(request)

    def check(guard):
        guard.refuse_if_locked(None, address)
        user = store_of(request).token_user(header[7:].strip())
        if user is None:
            guard.failed(None, address)
        return user

    return guarded(request, check)


def read_user(request: Request) -> User:
    """The user of a JSON read: a session, an API token or HTTP Basic credentials (anonymous -> 401)."""
    user = current_user(request) or bearer_user(request) or basic_auth_user(request)
    if user is None:
        raise HTTPException(401, "log in first (a browser session; an API token: curl -H 'Authorization: Bearer "
                                 "TOKEN', made with eventcoder user token NAME; or HTTP Basic: curl -u USER:PASSWORD)",
                            headers={"WWW-Authenticate": 'Basic realm="eventcoder", Bearer realm="eventcoder"'})
    return user


async def write_user(request: Request, role: str = "reviewer") -> User:
    """The user of a write: logged in, holding ``role``, and sending the session's CSRF token."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "log in first")
    if not user.can(role):
        raise HTTPException(403, f"this needs the {role} role; you are {user.role}. Ask an admin")
    token = request.headers.get("x-csrf-token")
    if not token and is_form(request):
        token = (await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS,
                                    max_part_size=MAX_PART_BYTES)).get("csrf_token")
    if not token or not hmac.compare_digest(str(token), user.csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return user


def safe_next(target: str) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:2000]


def is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded",
                                                                "multipart/form-data"))


async def payload(request: Request) -> dict[str, Any]:
    """The body of a write: its form fields, or its JSON object."""
    if is_form(request):
        return dict(await request.form())
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise HTTPException(400, "the body is not JSON")
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data
