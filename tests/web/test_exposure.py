"""Credentials never leave: no route of the app returns a password hash, a session's token hash or CSRF
token of another user, an API token or its hash; datasette's metadata denies their tables to everyone."""
from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventcoder.cli import app as cli
from eventcoder.store.metadata import PRIVATE_TABLES, datasette_metadata
from eventcoder.web.app import ROUTERS, create_app

from .conftest import add_users, make_record
from .test_app import login


def _secrets(store, own_csrf: str) -> set[str]:
    db = store.db
    out = {r["password_hash"] for r in db.query("SELECT password_hash FROM users")}
    out |= {r["token_hash"] for r in db.query("SELECT token_hash FROM sessions")}
    out |= {r["csrf_token"] for r in db.query("SELECT csrf_token FROM sessions")} - {own_csrf}
    out |= {r["secret_hash"] for r in db.query("SELECT secret_hash FROM api_tokens")}
    return out


def _paths(app, store) -> list[str]:
    """Every GET path of the app, its parameters filled with ids that exist."""
    event = store.query_events(__import__("eventcoder.store", fromlist=["EventQuery"]).EventQuery(limit=1))[0]
    fill = {"event_id": event.event.event_id, "incident_id": event.incident_id, "name": "swagger-ui.css",
            "job_id": "nope"}
    paths = []
    routes = [r for r in app.routes if hasattr(r, "methods")] + [r for router in ROUTERS for r in router.routes]
    for route in routes:
        if "GET" in (getattr(route, "methods", None) or ()):
            paths.append(re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: fill.get(m.group(1), "x"), route.path))
    return paths


def test_no_route_returns_credentials(store):
    store.add_records([make_record(i, n_events=2) for i in range(4)])
    add_users(store.db)
    _, token = store.create_token("rob", "script")
    login(create_app(store), "rita")  # another user's live session
    app = create_app(store)
    c, csrf = login(app, "ann")  # an admin sees the most
    secrets = _secrets(store, csrf) | {token}
    assert len(secrets) >= 8
    paths = _paths(app, store)
    assert {"/api/events", "/api/incidents", "/api/deleted", "/admin/users", "/api/metadata.json"} <= set(paths)
    queries = ["", "?fields=password_hash", "?timestamp=0", "?fields=event_id|token_hash", "?limit=5000"]
    seen = 0
    for path in paths:
        for q in queries:
            r = c.get(path + q)
            body = r.text
            leaked = [s for s in secrets if s in body]
            assert leaked == [], f"{path}{q} returned {len(leaked)} secret(s)"
            assert "$argon2" not in body, f"{path}{q} returned a password hash"
            seen += 1
    # and with the token itself, over the read API
    bearer = TestClient(app, base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {token}"})
    for path in ("/api/events", "/api/incidents", "/api/deleted?timestamp=0"):
        assert not [s for s in secrets if s in bearer.get(path).text]
    assert seen >= 5 * 20


def test_datasette_metadata_describes_the_real_schema_and_denies_credentials(store, tmp_path):
    meta = datasette_metadata("app")
    db = meta["databases"]["app"]
    assert db["allow_sql"] is False  # SQL could read any table
    tables = {r["name"] for r in store.db.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert set(db["tables"]) <= tables, set(db["tables"]) - tables  # no typo passes silently
    undescribed = {t for t in tables if not t.startswith("sqlite_")} - set(db["tables"])
    assert undescribed == set(), f"tables without metadata: {undescribed}"
    for name in PRIVATE_TABLES:
        assert db["tables"][name]["allow"] is False and db["tables"][name]["hidden"] is True
    for name, spec in db["tables"].items():
        unknown = set(spec.get("columns", {})) - set(store.db.columns(name))
        assert unknown == set(), f"{name}: {unknown}"
    # beside the database, from the command line; and at a route of the app
    target = tmp_path / "events.db"
    store2 = __import__("eventcoder.store", fromlist=["open_store"]).open_store(target)
    store2.close()
    res = CliRunner().invoke(cli, ["datasette-metadata", "--db", str(target)])
    assert res.exit_code == 0, res.output
    written = json.loads((tmp_path / "events.metadata.json").read_text())
    assert written == datasette_metadata("events")
    served = TestClient(create_app(store), base_url="http://127.0.0.1").get("/api/metadata.json?database=app")
    assert served.status_code == 200 and served.json() == meta
