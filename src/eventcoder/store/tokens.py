"""API tokens of the review app's users, for scripts: ``Authorization: Bearer evx_<id>_<secret>``.

A token is shown once, when made; the store keeps the SHA-256 of its secret (32 random bytes: full entropy,
so no slow hash is needed) and compares in constant time (``hmac.compare_digest``). A token reads what its
user may read, stops working when revoked or when its user is disabled, and never writes (writes need a
browser session and its CSRF token). ``eventcoder user token NAME`` makes, lists and revokes them.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import typer

from ..errors import StoreError
from .db import Database, utcnow
from .users import _DB, _log, _open, _user, cli_app, get_user, User

PREFIX = "evx_"
TOKEN = re.compile(r"^evx_(\d{1,18})_([A-Za-z0-9_-]{43})$")
LAST_USED_EVERY = timedelta(minutes=5)  # a read API call writes last_used_at at most this often


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _known_user(db: Database, username: str) -> User:
    user = get_user(db, username)
    if user is None:
        raise StoreError(f"no user {username!r}. List users with: eventcoder user list", code="E154")
    return user


def create_token(db: Database, username: str, label: str = "") -> tuple[int, str]:
    """A new token of ``username``: (its id, the token text, to show once; never stored)."""
    user = _known_user(db, username)
    secret = secrets.token_urlsafe(32)
    with db.transaction():
        hashed = _secret_hash(secret)
        db.execute("INSERT INTO api_tokens (user_id, label, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                   (user.user_id, label[:200], hashed, utcnow()))
        # by its hash, unique in practice: the same on both databases (PostgreSQL's cursor has no lastrowid)
        token_id = db.query_one("SELECT token_id FROM api_tokens WHERE secret_hash = ?", (hashed,))["token_id"]
        _log(db, username, "token-add", after={"token_id": int(token_id), "label": label[:200]})
    return int(token_id), f"{PREFIX}{int(token_id)}_{secret}"


def list_tokens(db: Database, username: str) -> list[dict[str, Any]]:
    """The tokens of ``username`` (never their secrets): id, label, created, last used, revoked."""
    user = _known_user(db, username)
    return db.query("SELECT token_id, label, created_at, last_used_at, revoked_at FROM api_tokens "
                    "WHERE user_id = ? ORDER BY token_id", (user.user_id,))


def revoke_token(db: Database, username: str, token_id: int) -> None:
    user = _known_user(db, username)
    with db.transaction():
        row = db.query_one("SELECT revoked_at FROM api_tokens WHERE token_id = ? AND user_id = ?",
                           (token_id, user.user_id))
        if row is None:
            raise StoreError(f"{username!r} has no token {token_id}. List them with: eventcoder user token "
                             f"{username} --list", code="E156")
        if row["revoked_at"] is None:
            db.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", (utcnow(), token_id))
            _log(db, username, "token-revoke", after={"token_id": token_id})


def token_user(db: Database, token: Optional[str]) -> Optional[User]:
    """The enabled user of a live token, else None."""
    m = TOKEN.match(token or "")
    if m is None:
        return None
    row = db.query_one("SELECT t.token_id, t.secret_hash, t.revoked_at, t.last_used_at, u.user_id, u.username,"
                       " u.role, u.disabled FROM api_tokens t JOIN users u ON u.user_id = t.user_id"
                       " WHERE t.token_id = ?", (int(m.group(1)),))
    # compared in constant time even when the id is unknown, so that the answer's timing says nothing
    expected = row["secret_hash"] if row else "0" * 64
    if not hmac.compare_digest(expected, _secret_hash(m.group(2))) or row is None:
        return None
    if row["revoked_at"] is not None or row["disabled"]:
        return None
    now = datetime.now(timezone.utc)
    last = row["last_used_at"]
    if last is None or datetime.fromisoformat(last) < now - LAST_USED_EVERY:
        with db.transaction():
            db.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?",
                       (now.isoformat(timespec="seconds"), row["token_id"]))
    return _user(row)


class TokenMixin:
    """The API tokens of ``SQLStore`` (which inherits it), over the store's ``db``."""

    db: Database

    def create_token(self, username: str, label: str = "") -> tuple[int, str]:
        return create_token(self.db, username, label)

    def list_tokens(self, username: str) -> list[dict[str, Any]]:
        return list_tokens(self.db, username)

    def revoke_token(self, username: str, token_id: int) -> None:
        revoke_token(self.db, username, token_id)

    def token_user(self, token: Optional[str]) -> Optional[User]:
        return token_user(self.db, token)


@cli_app.command("token")
def cli_token(username: str, revoke: Optional[int] = typer.Option(None, "--revoke", help="revoke the token of this id"),
              list_: bool = typer.Option(False, "--list", help="list the user's tokens (never their secrets)"),
              label: str = typer.Option("", "--label", help="what the new token is for"), db: str = _DB) -> None:
    """Make an API token for USERNAME (shown once), or --list or --revoke ID its tokens."""
    database = _open(db)
    try:
        if list_:
            for t in list_tokens(database, username):
                state = f"revoked {t['revoked_at']}" if t["revoked_at"] else f"last used {t['last_used_at'] or 'never'}"
                typer.echo(f"{t['token_id']}\t{t['label']}\tcreated {t['created_at']}\t{state}")
        elif revoke is not None:
            revoke_token(database, username, revoke)
            typer.echo(f"token {revoke} of {username} revoked")
        else:
            token_id, token = create_token(database, username, label)
            typer.echo(f"token {token_id} for {username} (shown once; store it safely):\n{token}\n"
                       f"use it as: curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8000/api/events")
    except StoreError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
