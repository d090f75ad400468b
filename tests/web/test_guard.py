"""Brute force against the login form and HTTP Basic: refused after 10 wrong passwords (429, Retry-After),
per user name and per address; argon2 bounded in concurrency; no argon2 for unknown names."""
from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from eventcoder.config import load_settings
from eventcoder.store import users as users_mod
from eventcoder.web.app import create_app

from .conftest import PASSWORD, add_users


def app_with(store, **web):
    add_users(store.db)
    return create_app(store, load_settings(env={}, web=web))


def client(app, address="10.0.0.1") -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 40000))


def try_login(c: TestClient, name: str, password: str):
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    return c.post("/login", data={"username": name, "password": password, "csrf_token": token},
                  follow_redirects=False)


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


class CountingHasher:
    """The test's argon2 hasher, with ``on_verify`` called around each check."""

    def __init__(self, real, on_verify):
        self.real, self.on_verify = real, on_verify

    def verify(self, *a):
        return self.on_verify(lambda: self.real.verify(*a))

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_ten_wrong_passwords_lock_the_user_name_from_any_address(store):
    app = app_with(store, failures_per_address=1000)
    for i in range(10):
        r = try_login(client(app, f"10.0.0.{i}"), "rita", f"guess {i}")
        assert r.status_code == 303 and "error=" in r.headers["location"]
    r = try_login(client(app, "10.0.1.1"), "rita", PASSWORD)  # even the right password, from elsewhere
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 900
    assert "too many wrong passwords" in r.text
    assert client(app, "10.0.1.2").get("/api/events", headers=basic("rita", PASSWORD)).status_code == 429
    assert try_login(client(app, "10.0.1.3"), "rob", PASSWORD).status_code == 303  # others are not locked


def test_ten_wrong_passwords_lock_the_address_for_every_name(store):
    app = app_with(store, failures_per_user=1000)
    c = client(app, "10.9.9.9")
    for i in range(10):
        assert c.get("/api/events", headers=basic(f"name{i}", "wrong password")).status_code == 401
    r = c.get("/api/events", headers=basic("rob", PASSWORD))
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert client(app, "10.9.9.10").get("/api/events", headers=basic("rob", PASSWORD)).status_code == 200


def test_unknown_names_cost_no_argon2_and_right_basic_passwords_are_remembered(store, monkeypatch):
    app = app_with(store)
    checks = []
    monkeypatch.setattr(users_mod, "_hasher", CountingHasher(users_mod._hasher, lambda f: checks.append(1) or f()))
    c = client(app)
    assert c.get("/api/events", headers=basic("nobody", "x" * 12)).status_code == 401
    assert checks == []
    for _ in range(5):
        assert c.get("/api/events", headers=basic("vic", PASSWORD)).status_code == 200
    assert len(checks) == 1  # the first call hashed; the next four were remembered
    store.set_password("vic", "a brand new password")
    assert c.get("/api/events", headers=basic("vic", PASSWORD)).status_code == 401  # the old one is forgotten


def test_at_most_two_argon2_checks_run_at_once(store, monkeypatch):
    app = app_with(store, failures_per_user=1000, failures_per_address=1000, attempts_per_address=1000)
    running, peak, lock = [0], [0], threading.Lock()

    def counting(check):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.05)
            return check()
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(users_mod, "_hasher", CountingHasher(users_mod._hasher, counting))
    c = client(app)
    codes = []
    threads = [threading.Thread(target=lambda i=i: codes.append(
        c.get("/api/events", headers=basic("rita", f"wrong {i}")).status_code)) for i in range(12)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert codes == [401] * 12 and peak[0] == 2


def _serve(db: str, env: dict) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "eventcoder.cli", "serve", "--db", db, "--port", str(port)],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/login", timeout=2)
            return proc, url
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise AssertionError("the server did not start")
            time.sleep(0.1)


def _peak_rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) // 1024 for line in fh if line.startswith("VmHWM:"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak RSS from /proc")
def test_concurrent_wrong_basic_requests_keep_the_server_small(tmp_path):
    """Real argon2 costs (64 MiB a check) in a server process of its own. Before: 40 concurrent wrong Basic
    requests took it to 2.2 GB; every check ran at once, one thread each."""
    db = str(tmp_path / "rss.db")
    subprocess.run([sys.executable, "-m", "eventcoder.cli", "user", "add", "rita", "--password", PASSWORD, "--db", db],
                   check=True, capture_output=True)
    # No lockout here, so that every request is hashed: the bound comes from the hash slots alone.
    proc, url = _serve(db, {"EVENTCODER_WEB__FAILURES_PER_USER": "1000", "EVENTCODER_WEB__FAILURES_PER_ADDRESS": "1000",
                            "EVENTCODER_WEB__ATTEMPTS_PER_ADDRESS": "1000", "EVENTCODER_WEB__HASH_WAIT_S": "120"})
    try:
        codes = []
        threads = [threading.Thread(target=lambda i=i: codes.append(httpx.get(
            url + "/api/events", headers=basic("rita", f"wrong {i}"), timeout=180).status_code)) for i in range(16)]
        [t.start() for t in threads]
        [t.join(200) for t in threads]
        peak = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    assert codes == [401] * 16
    assert peak < 300, f"peak RSS {peak} MB"
