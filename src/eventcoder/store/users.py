"""Users, roles and login sessions of the review app, over a ``Database`` (SQLite or PostgreSQL).

Passwords are hashed with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes); session tokens are random
32-byte values of which only a SHA-256 is stored. ``cli_app`` is the ``eventcoder user ...`` sub-command.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sys
import threading
import time
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import ContextManager, Optional

import typer
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import StoreError
from .db import Database, utcnow

ROLES: tuple[str, ...] = ("viewer", "reviewer", "admin")
# Higher rank may do everything a lower rank may.
ROLE_RANK = {"viewer": 0, "reviewer": 1, "admin": 2}
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
SESSION_HOURS = 12  # one working day; the analyst logs in again the next morning

_hasher = PasswordHasher()


@dataclass
class User:
    user_id: int
    username: str
    role: str
    disabled: bool = False
    csrf_token: str = ""  # filled for the user of a session

    def can(self, role: str) -> bool:
        """Whether this user holds ``role`` or a higher one."""
        return not self.disabled and ROLE_RANK[self.role] >= ROLE_RANK[role]


def _user(row: dict) -> User:
    return User(user_id=int(row["user_id"]), username=row["username"], role=row["role"],
                disabled=bool(row["disabled"]), csrf_token=row.get("csrf_token") or "")


def _check(username: str, password: Optional[str], role: Optional[str]) -> None:
    if not USERNAME.match(username or ""):
        raise StoreError(f"user name {username!r} is not allowed: use 1-64 letters, digits or _ . @ -", code="E150")
    if password is not None and len(password) < MIN_PASSWORD:
        raise StoreError(f"the password for {username!r} is too short: use at least {MIN_PASSWORD} characters", code="E151")
    if role is not None and role not in ROLES:
        raise StoreError(f"role {role!r} is unknown: use one of {', '.join(ROLES)}", code="E152")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(db: Database, username: str, password: str, role: str = "reviewer") -> User:
    """Create a user; a taken name raises StoreError."""
    _check(username, password, role)
    if db.query_one("SELECT user_id FROM users WHERE username=?", (username,)):
        raise StoreError(f"user {username!r} already exists. Change the password with: eventcoder user passwd {username}", code="E153")
    with db.transaction():
        db.execute("INSERT INTO users (username, password_hash, role, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
                   (username, hash_password(password), role, utcnow()))
        _log(db, username, "user-add", after={"role": role})
    return get_user(db, username)


def get_user(db: Database, username: str) -> Optional[User]:
    row = db.query_one("SELECT user_id, username, role, disabled FROM users WHERE username=?", (username,))
    return _user(row) if row else None


def list_users(db: Database) -> list[User]:
    return [_user(r) for r in db.query("SELECT user_id, username, role, disabled FROM users ORDER BY username")]


def set_password(db: Database, username: str, password: str) -> None:
    _check(username, password, None)
    with db.transaction():
        cur = db.execute("UPDATE users SET password_hash=? WHERE username=?", (hash_password(password), username))
        if cur.rowcount == 0:
            raise StoreError(f"no user {username!r}. List users with: eventcoder user list", code="E154")
        # A new password ends every open session of that user.
        db.execute("DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM users WHERE username=?)", (username,))
        _log(db, username, "user-passwd")


def set_role(db: Database, username: str, role: str, by: str = "") -> None:
    _check(username, None, role)
    with db.transaction():
        cur = db.execute("UPDATE users SET role=? WHERE username=?", (role, username))
        if cur.rowcount == 0:
            raise StoreError(f"no user {username!r}. List users with: eventcoder user list", code="E154")
        _log(db, username, "user-role", after={"role": role}, by=by)


def set_disabled(db: Database, username: str, disabled: bool, by: str = "") -> None:
    with db.transaction():
        cur = db.execute("UPDATE users SET disabled=? WHERE username=?", (1 if disabled else 0, username))
        if cur.rowcount == 0:
            raise StoreError(f"no user {username!r}. List users with: eventcoder user list", code="E154")
        if disabled:
            db.execute("DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM users WHERE username=?)", (username,))
        _log(db, username, "user-disable" if disabled else "user-enable", by=by)


# Right passwords remembered for a while (``remember_s``): HMAC digests of the stored hash and the password
# under a key of this process, never the password itself, and keyed on the stored hash, so that a new
# password forgets the old one at once.
_MEMO_KEY = secrets.token_bytes(32)
_MEMO_MAX = 4096
_memo: OrderedDict[bytes, float] = OrderedDict()
_memo_lock = threading.Lock()
# How long an argon2 check takes here (a running mean), for the unknown-user path to take as long.
_check_seconds = 0.1


def _memo_digest(password_hash: str, password: str) -> bytes:
    return hmac.new(_MEMO_KEY, f"{password_hash}\x00{password}".encode("utf-8"), hashlib.sha256).digest()


def _remembered(digest: bytes) -> bool:
    with _memo_lock:
        expiry = _memo.get(digest)
        if expiry is None or expiry < time.monotonic():
            _memo.pop(digest, None)
            return False
        return True


def _remember(digest: bytes, seconds: int) -> None:
    with _memo_lock:
        _memo[digest] = time.monotonic() + seconds
        _memo.move_to_end(digest)
        while len(_memo) > _MEMO_MAX:
            _memo.popitem(last=False)


def verify(db: Database, username: str, password: str, slot: Optional[ContextManager] = None,
           remember_s: int = 0) -> Optional[User]:
    """The user when the password matches and the account is enabled, else None.

    Args:
        slot: entered around the argon2 check (the web's guard: a bounded number of checks at once).
        remember_s: remember a right password this long (HTTP Basic), so the next calls skip argon2.
    """
    global _check_seconds
    slot = slot if slot is not None else nullcontext()
    row = db.query_one("SELECT user_id, username, role, disabled, password_hash FROM users WHERE username=?",
                       (username,))
    if row is None:
        # As long as a real check, in a slot like one, so a wrong name and a wrong password look alike; but
        # no argon2: a flood of made-up names costs neither its 64 MiB nor a core.
        with slot:
            time.sleep(_check_seconds)
        return None
    digest = _memo_digest(row["password_hash"], password or "") if remember_s else None
    if digest is not None and _remembered(digest):
        return None if row["disabled"] else _user(row)
    with slot:
        started = time.perf_counter()
        try:
            _hasher.verify(row["password_hash"], password or "")
            matched = True
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            matched = False
        _check_seconds = 0.8 * _check_seconds + 0.2 * (time.perf_counter() - started)
        if not matched or row["disabled"]:
            return None
        if _hasher.check_needs_rehash(row["password_hash"]):
            with db.transaction():
                db.execute("UPDATE users SET password_hash=? WHERE user_id=?", (hash_password(password), row["user_id"]))
    if digest is not None:
        _remember(digest, remember_s)
    return _user(row)


def ensure_admin(db: Database, username: str = "admin") -> Optional[str]:
    """Create a first admin with a generated password when there is no user; return that password."""
    if db.query_one("SELECT user_id FROM users LIMIT 1"):
        return None
    password = secrets.token_urlsafe(12)
    add_user(db, username, password, "admin")
    return password


# --- sessions ----------------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(db: Database, user: User, hours: int = SESSION_HOURS) -> str:
    """A new session for ``user``; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    with db.transaction():
        db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(timespec="seconds"),))
        db.execute("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   (_token_hash(token), user.user_id, secrets.token_urlsafe(32), now.isoformat(timespec="seconds"),
                    (now + timedelta(hours=hours)).isoformat(timespec="seconds")))
    return token


def session_user(db: Database, token: Optional[str]) -> Optional[User]:
    """The enabled user of a live session token, with the session's CSRF token; else None."""
    if not token or len(token) > 200:
        return None
    row = db.query_one(
        "SELECT u.user_id, u.username, u.role, u.disabled, s.csrf_token FROM sessions s"
        " JOIN users u ON u.user_id = s.user_id WHERE s.token_hash=? AND s.expires_at >= ?",
        (_token_hash(token), utcnow()))
    if row is None or row["disabled"]:
        return None
    return _user(row)


def end_session(db: Database, token: Optional[str]) -> None:
    if token:
        with db.transaction():
            db.execute("DELETE FROM sessions WHERE token_hash=?", (_token_hash(token),))


def _log(db: Database, username: str, action: str, after=None, by: str = "") -> None:
    import json

    db.execute("INSERT INTO change_log (entity, entity_id, action, username, at, before_json, after_json)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)",
               ("user", username, action, by, utcnow(), None, json.dumps(after) if after is not None else None))


class UserMixin:
    """The users and sessions of ``SQLStore`` (which inherits it): each method is this module's function of
    the same name over the store's ``db``, so the app asks the store and never holds a database handle."""

    db: Database

    def list_users(self) -> list[User]:
        return list_users(self.db)

    def get_user(self, username: str) -> Optional[User]:
        return get_user(self.db, username)

    def add_user(self, username: str, password: str, role: str = "reviewer") -> User:
        return add_user(self.db, username, password, role)

    def set_role(self, username: str, role: str, by: str = "") -> None:
        set_role(self.db, username, role, by=by)

    def set_disabled(self, username: str, disabled: bool, by: str = "") -> None:
        set_disabled(self.db, username, disabled, by=by)

    def set_password(self, username: str, password: str) -> None:
        set_password(self.db, username, password)

    def verify_user(self, username: str, password: str, slot: Optional[ContextManager] = None,
                    remember_s: int = 0) -> Optional[User]:
        return verify(self.db, username, password, slot, remember_s)

    def create_session(self, user: User, hours: int = SESSION_HOURS) -> str:
        return create_session(self.db, user, hours)

    def session_user(self, token: Optional[str]) -> Optional[User]:
        return session_user(self.db, token)

    def end_session(self, token: Optional[str]) -> None:
        end_session(self.db, token)


# --- eventcoder user ... --------------------------------------------------------------------------------
cli_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Manage review-app users.")
_DB = typer.Option("data/eventcoder.db", "--db", help="database file")


def _open(db: str) -> Database:
    from . import open_store

    return open_store(db).db


def _password(password: Optional[str], from_stdin: bool = False) -> str:
    if from_stdin:
        # the first line of standard input, as `docker login --password-stdin` reads it: no password in the
        # shell history or the process list
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            typer.echo("[E151] --password-stdin read an empty line; pipe the password in: "
                       "printf '%s\\n' \"$PW\" | eventcoder user ...", err=True)
            raise typer.Exit(2)
        return line
    if password:
        return password
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


_STDIN = typer.Option(False, "--password-stdin", help="read the password from the first line of standard input")


@cli_app.command("add")
def cli_add(username: str, role: str = typer.Option("reviewer", help="viewer | reviewer | admin"),
            password: Optional[str] = typer.Option(None, help="asked for when left out"), db: str = _DB,
            password_stdin: bool = _STDIN) -> None:
    """Add a user."""
    database = _open(db)
    try:
        add_user(database, username, _password(password, password_stdin), role)
    except StoreError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    typer.echo(f"added {username} ({role})")


@cli_app.command("list")
def cli_list(db: str = _DB) -> None:
    """List users and their roles."""
    for u in list_users(_open(db)):
        typer.echo(f"{u.username}\t{u.role}" + ("\tdisabled" if u.disabled else ""))


@cli_app.command("passwd")
def cli_passwd(username: str, password: Optional[str] = typer.Option(None, help="asked for when left out"),
               db: str = _DB, password_stdin: bool = _STDIN) -> None:
    """Set a user's password (ends their open sessions)."""
    try:
        set_password(_open(db), username, _password(password, password_stdin))
    except StoreError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    typer.echo(f"password of {username} changed")


@cli_app.command("ensure-admin")
def cli_ensure_admin(db: str = _DB, username: str = typer.Option("admin", help="name of the first admin"),
                     url: str = typer.Option("http://127.0.0.1:8000", help="where the app will listen")) -> None:
    """Create a first admin with a generated password when the database has no user yet."""
    password = ensure_admin(_open(db), username)
    if password is None:
        typer.echo(f"users exist already; log in at {url}/login (change a password with: eventcoder user passwd NAME)")
    else:
        typer.echo(f"created the first admin. Log in at {url}/login as {username!r} with password {password!r}\n"
                   f"(change it with: eventcoder user passwd {username})")
