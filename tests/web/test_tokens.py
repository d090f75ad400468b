"""API tokens: made by `eventcoder user token`, shown once, stored hashed, revocable, read-only Bearer auth."""
from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventcoder.cli import app as cli
from eventcoder.store import open_store
from eventcoder.web.app import create_app

from .conftest import add_users, make_record


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_reads_the_api_until_revoked(any_store):
    any_store.add_records([make_record(i) for i in range(3)])
    add_users(any_store.db)
    token_id, token = any_store.create_token("vic", "nightly export")
    c = TestClient(create_app(any_store), base_url="http://127.0.0.1")
    r = c.get("/api/events", headers=bearer(token))
    assert r.status_code == 200 and r.json()["total_count"] == 3
    # stored as the SHA-256 of its secret, never as given
    (row,) = any_store.db.query("SELECT secret_hash FROM api_tokens")
    assert row["secret_hash"] == hashlib.sha256(token.split("_", 2)[2].encode()).hexdigest()
    assert token not in str(any_store.db.query("SELECT * FROM api_tokens"))
    # a token never writes: writes need a session and its CSRF token
    assert c.post("/api/incidents/merge", json={"incident_ids": ["a", "b"]}, headers=bearer(token)).status_code == 401
    any_store.revoke_token("vic", token_id)
    assert c.get("/api/events", headers=bearer(token)).status_code == 401
    assert [t["revoked_at"] is not None for t in any_store.list_tokens("vic")] == [True]


def test_wrong_tokens_are_refused_and_count_against_the_address(store):
    add_users(store.db)
    token_id, token = store.create_token("rita")
    c = TestClient(create_app(store), base_url="http://127.0.0.1", client=("10.2.2.2", 1))
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    other_id = f"evx_{token_id + 1}_{token.split('_', 2)[2]}"
    for wrong in (forged, other_id, "evx_1_short", "not-a-token") + ("evx_9_" + "A" * 43,) * 6:
        assert c.get("/api/events", headers=bearer(wrong)).status_code == 401
    r = c.get("/api/events", headers=bearer(token))  # ten wrong tries from this address: refused for now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    other = TestClient(create_app(store), base_url="http://127.0.0.1", client=("10.2.2.3", 1))
    assert other.get("/api/events", headers=bearer(token)).status_code == 200
    store.set_disabled("rita", True)
    assert other.get("/api/events", headers=bearer(token)).status_code == 401


def test_the_cli_makes_lists_and_revokes_tokens(tmp_path):
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["user", "add", "rita", "--password", "correct horse battery", "--db", db]).exit_code == 0
    made = runner.invoke(cli, ["user", "token", "rita", "--label", "cron", "--db", db])
    assert made.exit_code == 0, made.output
    token = re.search(r"evx_\d+_[A-Za-z0-9_-]{43}", made.output).group(0)
    listed = runner.invoke(cli, ["user", "token", "rita", "--list", "--db", db])
    assert listed.exit_code == 0 and "cron" in listed.output and token not in listed.output
    store = open_store(db)
    try:
        assert store.token_user(token).username == "rita"
        assert runner.invoke(cli, ["user", "token", "rita", "--revoke", "1", "--db", db]).exit_code == 0
        assert store.token_user(token) is None
    finally:
        store.close()
    missing = runner.invoke(cli, ["user", "token", "rita", "--revoke", "99", "--db", db])
    assert missing.exit_code == 2 and "E156" in missing.output
