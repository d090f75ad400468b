"""Login and logout of the review app. The login form is protected by a double-submit token (cookie +
hidden field); the session rules and the CSRF check of every other write are deps.py's."""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store.users import SESSION_HOURS
from .deps import (SESSION_COOKIE, TEMPLATES, client_address, guarded, safe_next, secure_cookies, store_of,
                   write_user)

LOGIN_CSRF_COOKIE = "evx_login_csrf"
router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", error: str = ""):
    token = secrets.token_urlsafe(24)
    resp = TEMPLATES.TemplateResponse(request, "login.html", {"csrf": token, "next": safe_next(next),
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
    store = store_of(request)
    try:
        user = guarded(request, lambda guard: guard.verify(store, username, password, client_address(request)))
    except HTTPException as e:
        if e.status_code not in (429, 503):
            raise
        resp = TEMPLATES.TemplateResponse(request, "login.html", {"csrf": cookie, "next": safe_next(next),
                                                                  "error": str(e.detail), "user": None},
                                          status_code=e.status_code, headers=e.headers)
        return resp
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
    store_of(request).end_session(request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp
