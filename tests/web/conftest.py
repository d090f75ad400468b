"""Fixtures of the review app: a small SQLite store of our own events (no spaCy), users, a live server."""
from __future__ import annotations

import random
import socket
import threading
import time
from datetime import date, timedelta

import pytest

from eventcoder.store import open_store
from eventcoder.store import users as users_mod
from eventcoder.types import Article, Event, Record, Span

PASSWORD = "correct horse battery"

# (location, admin1, country, iso, lat, lon): facts, for a spread of places on the map.
PLACES = [
    ("Aleppo", "Aleppo", "Syria", 760, 36.2021, 37.1343),
    ("Homs", "Homs", "Syria", 760, 34.7268, 36.7234),
    ("Idlib", "Idlib", "Syria", 760, 35.9306, 36.6339),
    ("Mosul", "Ninewa", "Iraq", 368, 36.335, 43.1189),
    ("Kabul", "Kabul", "Afghanistan", 4, 34.5281, 69.1723),
]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest")]


def make_record(i: int, text: str | None = None, n_events: int = 1, seed: int = 0, **overrides) -> Record:
    """One article of our own words with ``n_events`` events spread over places, types and dates."""
    rnd = random.Random(seed * 100_003 + i)
    body = text or f"Report {i}. Fighters clashed with army units near the town on the third day. Two people died."
    art = Article(doc_id=f"doc{i:06d}", text=body, title=f"Report {i}", published=date(2015, 10, 13))
    events = []
    for k in range(n_events):
        loc, adm, country, iso, lat, lon = PLACES[(i + k) % len(PLACES)]
        et, sub = TYPES[(i + k) % len(TYPES)]
        start = body.find("Fighters") if "Fighters" in body else 0
        # The reporting sentence when it is ours, else the first 40 characters.
        end = body.find(".", start) + 1 if "Fighters" in body else min(len(body), start + 40)
        ev = Event(doc_id=art.doc_id, event_id=f"ev{i:06d}-{k}", event_type=et, sub_event_type=sub,
                   event_date=(date(2015, 1, 1) + timedelta(days=(i * 7 + k) % 300)).isoformat(), time_precision=1,
                   actor1="Military Forces of Syria", actor2="Islamic State", location=loc, admin1=adm,
                   country=country, iso=iso, latitude=lat + rnd.uniform(-0.2, 0.2), longitude=lon + rnd.uniform(-0.2, 0.2),
                   geo_precision=1, fatalities=(i + k) % 5, certainty="asserted", confidence=0.9,
                   evidence=Span(start=start, end=end, text=body[start:end]))
        ev.set("location", loc, stage="geocode", evidence=Span.of(body, start, end), score=0.8)
        for k2, v in overrides.items():
            setattr(ev, k2, v)
        events.append(ev)
    return Record(article=art, events=events)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "app.db")
    yield s
    s.close()


# The review core and the users run on both backends: SQLite, and the throwaway PostgreSQL cluster of
# tests/store (skips with its reason where PostgreSQL is missing).
from store.conftest import pg_server, pg_url  # noqa: E402,F401


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    target = str(tmp_path / "app.db") if request.param == "sqlite" else pg_url(request.getfixturevalue("pg_server"))
    s = open_store(target)
    yield s
    s.close()


def add_users(db) -> None:
    for name, role in (("ann", "admin"), ("rita", "reviewer"), ("rob", "reviewer"), ("vic", "viewer")):
        users_mod.add_user(db, name, PASSWORD, role)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn in a thread on 127.0.0.1 and a free port."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start in 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch):
    """argon2id with test-sized costs (8 MiB, 1 pass): the same algorithm, about 20x quicker per login."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
