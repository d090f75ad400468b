"""Login, sessions, roles and CSRF for the review app.

- The session cookie holds a random token (only its SHA-256 is stored); it is HttpOnly, SameSite=Strict,
  and Secure whenever the app is reached over HTTPS or from a non-loopback host (browsers drop Secure
  cookies on plain http, and plain http is only acceptable on 127.0.0.1 / localhost).
- Every write needs a user of the right role AND the session's CSRF token, sent as the form field
  ``csrf_token`` or the header ``X-CSRF-Token`` (compared in constant time).
- The login form itself is protected by a double-submit token (cookie + hidden field).
"""
from __future__ import annotations

import base64
import hmac
import secrets
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store.users import SESSION_HOURS, User

SESSION_COOKIE = "evx_session"
LOGIN_CSRF_COOKIE = "evx_login_csrf"
# Form limits for every write (the upload page sets the tightest per-document bound itself): a pasted
# article may be 2 MB, so one part may be a little over that; a batch holds at most 500 files.
MAX_PART_BYTES = 2_100_000
MAX_FORM_FILES = 500
MAX_FORM_FIELDS = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class LoginRequired(Exception):
    """An anonymous request to a page: the app redirects to the login form."""


def secure_cookies(request: Request) -> bool:
    host = (request.url.hostname or "").lower()
    return request.url.scheme == "https" or host not in LOOPBACK


def current_user(request: Request) -> Optional[User]:
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached
    user = request.app.state.store.session_user(request.cookies.get(SESSION_COOKIE))
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
    return request.app.state.store.verify_user(username, password) if username else None


def read_user(request: Request) -> User:
    """The user of a JSON read: a session, or HTTP Basic credentials (anonymous -> 401)."""
    user = current_user(request) or basic_auth_user(request)
    if user is None:
        raise HTTPException(401, "log in first (a browser session, or HTTP Basic: curl -u USER:PASSWORD)",
                            headers={"WWW-Authenticate": 'Basic realm="eventcoder"'})
    return user


async def write_user(request: Request, role: str = "reviewer") -> User:
    """The user of a write: logged in, holding ``role``, and sending the session's CSRF token."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "log in first")
    if not user.can(role):
        raise HTTPException(403, f"this needs the {role} role; you are {user.role}. Ask an admin")
    token = request.headers.get("x-csrf-token")
    if not token and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        token = (await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS,
                                    max_part_size=MAX_PART_BYTES)).get("csrf_token")
    if not token or not hmac.compare_digest(str(token), user.csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return user


def make_router(templates) -> APIRouter:
    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/", error: str = ""):
        token = secrets.token_urlsafe(24)
        resp = templates.TemplateResponse(request, "login.html", {"csrf": token, "next": safe_next(next),
                                                                  "error": error[:200], "user": None})
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request),
                        max_age=3600)
        return resp

    @router.post("/login")
    def login(request: Request, username: str = Form(..., max_length=64), password: str = Form(..., max_length=1024),
              csrf_token: str = Form(""), next: str = Form("/")):
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, csrf_token):
            raise HTTPException(403, "the login form expired or was not sent from this site: reload it and try again")
        store = request.app.state.store
        user = store.verify_user(username, password)
        if user is None:
            return RedirectResponse(f"/login?error={quote('wrong user name or password')}&next={quote(safe_next(next))}",
                                    status_code=303)
        token = store.create_session(user)
        resp = RedirectResponse(safe_next(next), status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request),
                        max_age=SESSION_HOURS * 3600)
        resp.delete_cookie(LOGIN_CSRF_COOKIE)
        return resp

    @router.post("/logout")
    async def logout(request: Request):
        await write_user(request, "viewer")
        request.app.state.store.end_session(request.cookies.get(SESSION_COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    return router


def safe_next(target: str) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:2000]
