"""Exports and the API through the same SQL on both backends (the store tests' parametrized fixture)."""
from __future__ import annotations

import io

import pandas as pd
from fastapi.testclient import TestClient

from eventcoder.export import ACLED_COLUMNS, write_export
from eventcoder.store import users
from eventcoder.web.app import create_app
from eventcoder.web.deps import SESSION_COOKIE

from .conftest import make_event, make_record


def test_export_and_api_on_each_backend(store, tmp_path):
    store.add_records([
        make_record("a", [make_event("a", fatalities=3)]),
        make_record("b", [make_event("b", fatalities=5)]),
        make_record("c", [make_event("c", event_date="2016-01-05", country="Iraq", iso=368, location="Mosul",
                                     latitude=36.335, longitude=43.1189, actor1="Islamic State")]),
    ])
    stats = write_export(store, "acled-csv", tmp_path / "x.csv")
    df = pd.read_csv(tmp_path / "x.csv")
    assert list(df.columns) == list(ACLED_COLUMNS) and stats.rows == len(df) == 2
    assert abs(df[df.location == "Mosul"].latitude.iloc[0] - 36.335) < 1e-9  # double precision on both
    client = TestClient(create_app(store))
    user = users.add_user(store.db, "api-reader", "a long test password", role="viewer")
    client.cookies.set(SESSION_COOKIE, users.create_session(store.db, user))
    body = client.get("/api/events?actor1=islamic%25&actor1_where=LIKE&fields=event_id|year").json()
    assert body["data"] == [{"event_id": "c-e0", "year": 2016}]
    inc = client.get("/api/incidents?country=Syria").json()["data"][0]
    assert inc["reports"] == ["a-e0", "b-e0"] and inc["fatalities"] == 5
    csv_text = client.get("/api/incidents.csv?year=2016").text
    assert pd.read_csv(io.StringIO(csv_text)).location.tolist() == ["Mosul"]
    assert client.get("/api/events?fatalities=lots").status_code == 400
