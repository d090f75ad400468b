"""Users, roles, argon2 hashes, sessions and the `eventcoder user` sub-command, on a real SQLite store."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from eventcoder.errors import StoreError
from eventcoder.store import open_store
from eventcoder.store import users as u

from .conftest import PASSWORD


def test_password_is_hashed_with_argon2_and_verified(any_store):
    store = any_store
    u.add_user(store.db, "rita", PASSWORD, "reviewer")
    row = store.db.query_one("SELECT password_hash FROM users WHERE username='rita'")
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert u.verify(store.db, "rita", PASSWORD).role == "reviewer"
    assert u.verify(store.db, "rita", PASSWORD + "x") is None
    assert u.verify(store.db, "nobody", PASSWORD) is None


@pytest.mark.parametrize("name, password, role, code", [
    ("bad name!", PASSWORD, "viewer", "E150"), ("ok", "short", "viewer", "E151"), ("ok", PASSWORD, "boss", "E152")])
def test_bad_user_input_names_the_fix(any_store, name, password, role, code):
    store = any_store
    with pytest.raises(StoreError) as e:
        u.add_user(store.db, name, password, role)
    assert code in str(e.value)


def test_duplicate_user_is_refused(any_store):
    store = any_store
    u.add_user(store.db, "ann", PASSWORD, "admin")
    with pytest.raises(StoreError, match="already exists"):
        u.add_user(store.db, "ann", PASSWORD, "viewer")


def test_roles_are_ordered():
    viewer, reviewer, admin = (u.User(1, "a", "viewer"), u.User(2, "b", "reviewer"), u.User(3, "c", "admin"))
    assert viewer.can("viewer") and not viewer.can("reviewer")
    assert reviewer.can("reviewer") and not reviewer.can("admin")
    assert admin.can("admin") and admin.can("viewer")
    assert not u.User(4, "d", "admin", disabled=True).can("viewer")


def test_session_lifecycle_and_password_change_ends_sessions(any_store):
    store = any_store
    user = u.add_user(store.db, "rita", PASSWORD, "reviewer")
    token = u.create_session(store.db, user)
    got = u.session_user(store.db, token)
    assert got.username == "rita" and len(got.csrf_token) >= 32
    assert store.db.query_one("SELECT COUNT(*) AS n FROM sessions WHERE token_hash=?", (token,))["n"] == 0
    assert u.session_user(store.db, token + "x") is None
    u.set_password(store.db, "rita", PASSWORD + "2")
    assert u.session_user(store.db, token) is None


def test_expired_session_is_refused(any_store):
    store = any_store
    user = u.add_user(store.db, "rita", PASSWORD, "reviewer")
    token = u.create_session(store.db, user, hours=-1)
    assert u.session_user(store.db, token) is None


def test_disabled_user_cannot_log_in(any_store):
    store = any_store
    u.add_user(store.db, "rob", PASSWORD, "reviewer")
    token = u.create_session(store.db, u.get_user(store.db, "rob"))
    u.set_disabled(store.db, "rob", True)
    assert u.verify(store.db, "rob", PASSWORD) is None
    assert u.session_user(store.db, token) is None


def test_ensure_admin_only_once(any_store):
    store = any_store
    password = u.ensure_admin(store.db)
    assert password and u.verify(store.db, "admin", password).role == "admin"
    assert u.ensure_admin(store.db) is None
    assert [x.username for x in u.list_users(store.db)] == ["admin"]


def test_cli_add_list_passwd_ensure_admin(tmp_path):
    db = str(tmp_path / "cli.db")
    run = CliRunner().invoke
    out = run(u.cli_app, ["ensure-admin", "--db", db])
    assert out.exit_code == 0 and "Log in at http://127.0.0.1:8000/login as 'admin' with password" in out.output
    password = out.output.split("with password '")[1].split("'")[0]
    assert run(u.cli_app, ["add", "vic", "--role", "viewer", "--password", PASSWORD, "--db", db]).exit_code == 0
    listed = run(u.cli_app, ["list", "--db", db]).output
    assert "admin\tadmin" in listed and "vic\tviewer" in listed
    bad = run(u.cli_app, ["add", "vic", "--password", PASSWORD, "--db", db])
    assert bad.exit_code == 2 and "already exists" in bad.output
    assert run(u.cli_app, ["passwd", "admin", "--password", "another password", "--db", db]).exit_code == 0
    store = open_store(db)
    assert u.verify(store.db, "admin", "another password") and not u.verify(store.db, "admin", password)
    assert "users exist already" in run(u.cli_app, ["ensure-admin", "--db", db]).output
    store.close()


def test_the_store_answers_for_its_users_and_sessions(any_store):
    """The app asks the store (UserMixin), never its database: the same users, roles and sessions."""
    store = any_store
    store.add_user("rita", PASSWORD, "reviewer")
    store.add_user("ann", PASSWORD, "admin")
    assert [(x.username, x.role) for x in store.list_users()] == [("ann", "admin"), ("rita", "reviewer")]
    user = store.verify_user("rita", PASSWORD)
    token = store.create_session(user)
    assert store.session_user(token).username == "rita" and store.session_user(token).csrf_token
    store.set_role("rita", "viewer", by="ann")
    assert store.get_user("rita").role == "viewer"
    store.set_password("rita", "another long secret")
    assert store.session_user(token) is None  # a new password ends the open sessions
    assert store.verify_user("rita", PASSWORD) is None
    token = store.create_session(store.verify_user("rita", "another long secret"))
    store.end_session(token)
    assert store.session_user(token) is None
    store.set_disabled("rita", True, by="ann")
    assert store.verify_user("rita", "another long secret") is None
