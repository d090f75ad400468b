"""The HTTP API over a real SQLite store: every filter form, paging, formats, docs, and clear 4xx errors."""
from __future__ import annotations

import re

import io

import geojson
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcoder.export import ACLED_COLUMNS
from eventcoder.store import open_store, users
from eventcoder.web.app import create_app
from eventcoder.web.deps import SESSION_COOKIE

from store.conftest import make_event, make_record


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("api") / "events.db")
    store.add_records([
        make_record("a", [make_event("a", fatalities=3)]),
        make_record("b", [make_event("b", fatalities=5)]),  # same clash as a: one incident
        make_record("c", [make_event("c", event_date="2016-01-05", country="Iraq", iso=368, location="Mosul",
                                     latitude=36.335, longitude=43.1189, fatalities=20, actor1="Islamic State",
                                     inter1=2, actor2="Military Forces of Iraq", inter2=1)]),
        make_record("d", [make_event("d", event_date="2016-03-07", event_type="Protests",
                                     sub_event_type="Peaceful protest", actor1="Protesters (Iraq)", inter1=6,
                                     actor2="", inter2=0, country="Iraq", iso=368, location="Basra",
                                     latitude=30.5085, longitude=47.7804, fatalities=0)]),
        make_record("e", [make_event("e", event_date="2014-06-10", country="Iraq", iso=368, location="Tikrit",
                                     latitude=34.6071, longitude=43.6782, fatalities=1)]),
    ])
    with TestClient(create_app(store)) as c:
        c.cookies.set(SESSION_COOKIE, viewer_session(store))
        yield c
    store.close()


def viewer_session(store) -> str:
    """A session token of a fresh viewer (the lowest role): the data API needs a logged-in user."""
    user = users.add_user(store.db, "api-reader", "a long test password", role="viewer")
    return users.create_session(store.db, user)


def test_anonymous_reads_get_401(client):
    anonymous = TestClient(client.app)
    for path in ("/api/events", "/api/incidents.csv", "/api/events/a-e0"):
        resp = anonymous.get(path)
        assert resp.status_code == 401 and "log in" in resp.text
    assert anonymous.get("/openapi.json").status_code == 200 and anonymous.get("/api/docs").status_code == 200


def test_scripts_read_with_http_basic_but_cannot_write(client):
    script = TestClient(client.app)
    ok = script.get("/api/events", auth=("api-reader", "a long test password"))
    assert ok.status_code == 200 and ok.json()["total_count"] == 5
    wrong = script.get("/api/events", auth=("api-reader", "not the password"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")
    assert script.get("/api/events", headers={"Authorization": "Basic !!!"}).status_code == 401
    resp = script.post("/api/incidents/merge", json={"incident_ids": ["x", "y"]},
                       auth=("api-reader", "a long test password"))
    assert resp.status_code == 401  # a write needs a session and its CSRF token, never Basic credentials


def ids(resp, key="doc_id"):
    assert resp.status_code == 200, resp.text
    return sorted(r[key] for r in resp.json()["data"])


@pytest.mark.parametrize("query, expected", [
    ("", ["a", "b", "c", "d", "e"]),
    ("country=Iraq", ["c", "d", "e"]),
    ("country=Syria|Iraq", ["a", "b", "c", "d", "e"]),
    ("country=Iraq&country_where=!=", ["a", "b"]),
    ("event_type=Protests", ["d"]),
    ("actor1=Islamic%20State", ["c"]),
    ("actor1=protesters%25&actor1_where=LIKE", ["d"]),
    ("event_date=2016-01-01|2016-12-31&event_date_where=BETWEEN", ["c", "d"]),
    ("event_date=2015-10-12", ["a", "b"]),
    ("event_date=2015-01-01&event_date_where=%3C", ["e"]),
    ("fatalities=5&fatalities_where=%3E%3D", ["b", "c"]),
    ("year=2014|2016", ["c", "d", "e"]),
    ("year=2015&year_where=%3E", ["c", "d"]),
    ("inter1=6", ["d"]),
    ("location=mos%25&location_where=like", ["c"]),
    ("country=Iraq&event_type=Battles&fatalities=10&fatalities_where=%3C", ["e"]),
    ("since=0", ["a", "b", "c", "d", "e"]),
    ("since=99999999999", []),
])
def test_event_filters(client, query, expected):
    assert ids(client.get(f"/api/events?{query}")) == expected


def test_incident_filters_and_merging(client):
    body = client.get("/api/incidents?country=Syria").json()
    assert body["total_count"] == 1
    inc = body["data"][0]
    assert inc["reports"] == ["a-e0", "b-e0"] and inc["fatalities"] == 5 and inc["n_reports"] == 2
    assert ids(client.get("/api/incidents?n_reports=2&n_reports_where=%3E%3D"), "incident_id") == [inc["incident_id"]]
    detail = client.get(f"/api/incidents/{inc['incident_id']}").json()
    assert [r["event_id"] for r in detail["report_records"]] == ["a-e0", "b-e0"]
    event = client.get("/api/events/a-e0").json()
    assert event["incident_id"] == inc["incident_id"] and event["review_status"] == "pending"


def test_paging(client):
    first = client.get("/api/events?limit=2").json()
    assert (first["count"], first["total_count"], first["pages"], first["page"]) == (2, 5, 3, 1)
    seen = [r["event_id"] for r in first["data"]]
    nxt = first["next"]
    while nxt:
        page = client.get(nxt).json()
        seen += [r["event_id"] for r in page["data"]]
        nxt = page["next"]
    assert sorted(seen) == ["a-e0", "b-e0", "c-e0", "d-e0", "e-e0"] and len(set(seen)) == 5
    assert client.get("/api/events?limit=2&page=9").json()["data"] == []
    dates = [r["event_date"] for r in client.get("/api/events").json()["data"]]
    assert dates == sorted(dates, reverse=True)


def test_fields_selects_columns(client):
    data = client.get("/api/events?fields=event_date|actor1|region&country=Iraq&event_type=Protests").json()["data"]
    assert data == [{"event_date": "2016-03-07", "actor1": "Protesters (Iraq)", "region": "Middle East"}]


def test_csv_variants(client):
    for kind in ("events", "incidents"):
        resp = client.get(f"/api/{kind}.csv?country=Iraq")
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
        df = pd.read_csv(io.StringIO(resp.text))
        assert list(df.columns) == list(ACLED_COLUMNS) and len(df) == 3
        assert resp.headers["x-total-count"] == "3"
    df = pd.read_csv(io.StringIO(client.get("/api/events.csv?fields=location|fatalities&country=Syria").text))
    assert list(df.columns) == ["location", "fatalities"] and sorted(df.fatalities) == [3, 5]


def test_geojson_variants(client):
    for kind in ("events", "incidents"):
        resp = client.get(f"/api/{kind}.geojson?year=2016")
        assert resp.headers["content-type"].startswith("application/geo+json")
        fc = geojson.loads(resp.text)
        assert fc.is_valid and len(fc["features"]) == 2
        assert {tuple(f["geometry"]["coordinates"]) for f in fc["features"]} == {(43.1189, 36.335),
                                                                                 (47.7804, 30.5085)}


@pytest.mark.parametrize("query, message", [
    ("colour=red", "unknown parameter 'colour'"),
    ("event_date=13/10/2015", "not a date"),
    ("event_date=2015-01-01&event_date_where=BETWEEN", "two values"),
    ("event_date=2015-01-01&event_date_where=AROUND", "unknown operator"),
    ("fatalities=many", "not a whole number"),
    ("fatalities=a%25&fatalities_where=LIKE", "not a whole number"),
    ("inter1=1&inter1_where=LIKE", "LIKE works on text"),
    ("limit=0", "out of range"),
    ("limit=100000", "out of range"),
    ("limit=ten", "whole numbers"),
    ("page=0", "Pages start at 1"),
    ("fields=event_date|colour", "unknown column"),
    ("fields=", "fields is empty"),
    ("country=", "is empty"),
    ("country=Iraq&country=Syria", "given 2 times"),
    ("country_where=LIKE", "without country"),
    ("since=yesterday", "not unix seconds"),
    ("fatalities=" + "9" * 25, "not a whole number"),
    ("latitude=nan", "not a finite number"),
    ("since=" + "9" * 25, "not unix seconds"),
    ("country=Syr%00ia", "NUL character"),
    ("review_status=accepted", None),  # a field of events: fine there, unknown on incidents
])
def test_bad_parameters_get_a_clear_400(client, query, message):
    for kind in ("events", "incidents", "events.csv", "incidents.geojson"):
        resp = client.get(f"/api/{kind}?{query}")
        if message is None:
            assert resp.status_code == (200 if kind.startswith("events") else 400), resp.text
            continue
        assert resp.status_code == 400, (kind, resp.text)
        assert message in resp.json()["detail"]


def test_missing_ids_are_404(client):
    assert client.get("/api/events/nope").status_code == 404
    assert "GET /api/incidents" in client.get("/api/incidents/nope").json()["detail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(
    st.sampled_from(["country", "event_date", "event_date_where", "fatalities", "fatalities_where", "limit", "page",
                     "fields", "year", "latitude", "actor1_where", "actor1", "since", "x"]),
    st.text(alphabet="ab|%<>=!.-_0129 :'\";", max_size=12)), max_size=4))
def test_no_parameters_make_a_500(client, params):
    resp = client.get("/api/events", params=params)
    assert resp.status_code in (200, 400), (params, resp.text)


def test_openapi_and_self_hosted_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events.csv", "/api/events.geojson", "/api/incidents", "/api/incidents/{incident_id}"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"country", "event_date", "event_date_where", "limit", "page", "fields"} <= params
    page = client.get("/api/docs").text
    assert "/api/docs/static/swagger-ui-bundle.js" in page and "http" not in page.replace("/openapi.json", "")
    # no inline script: the app's CSP (script-src 'self') would refuse it and leave the page blank
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/api/docs/static/swagger-ui-bundle.js">',
                                                   '<script src="/static/api-docs.js">']
    assert "SwaggerUIBundle" in client.get("/static/api-docs.js").text
    asset = client.get("/api/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and "SwaggerUIBundle" in asset.text[:2_000_000]
    assert client.get("/api/docs/static/..%2F..%2Fapi.py").status_code == 404


def test_reviewers_split_and_merge_over_http(tmp_path):
    store = open_store(tmp_path / "review.db")
    store.add_records([make_record(d, [make_event(d)]) for d in ("a", "b", "c")])
    inc = store.get_event("a-e0").incident_id
    client = TestClient(create_app(store))
    reviewer = users.add_user(store.db, "rev", "a long test password", role="reviewer")
    token = users.create_session(store.db, reviewer)
    client.cookies.set(SESSION_COOKIE, token)
    csrf = {"x-csrf-token": users.session_user(store.db, token).csrf_token}
    assert client.post(f"/api/incidents/{inc}/split", json={"event_ids": ["c-e0"]}).status_code == 403  # no token
    parts = client.post(f"/api/incidents/{inc}/split", json={"event_ids": ["c-e0"]}, headers=csrf).json()
    assert len(parts["incident_ids"]) == 2
    merged = client.post("/api/incidents/merge", json={"incident_ids": parts["incident_ids"]}, headers=csrf).json()
    assert {store.get_event(f"{d}-e0").incident_id for d in "abc"} == {merged["incident_id"]}
    bad = client.post("/api/incidents/merge", json={"incident_ids": ["nope", "nada"]}, headers=csrf)
    assert bad.status_code == 400 and "no incident" in bad.json()["detail"]
    assert client.post("/api/incidents/merge", json={"incident_ids": "x"}, headers=csrf).status_code == 422
    viewer = users.add_user(store.db, "vic", "a long test password", role="viewer")
    vtoken = users.create_session(store.db, viewer)
    client.cookies.set(SESSION_COOKIE, vtoken)
    denied = client.post("/api/incidents/merge", json={"incident_ids": parts["incident_ids"]},
                         headers={"x-csrf-token": users.session_user(store.db, vtoken).csrf_token})
    assert denied.status_code == 403
    store.close()
