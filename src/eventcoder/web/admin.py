"""The admins' page of users: add one, change a role or a password, disable or enable an account."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..errors import StoreError
from ..store.users import ROLES
from .deps import page_user, render, store_of, write_user

router = APIRouter()


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, error: str = ""):
    user = page_user(request, "admin")
    return render(request, "users.html", user, users=store_of(request).list_users(), roles=ROLES, error=error[:300])


@router.post("/admin/users")
async def users_action(request: Request):
    admin = await write_user(request, "admin")
    store = store_of(request)
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
