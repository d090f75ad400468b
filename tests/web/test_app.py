"""The review app over HTTP (FastAPI's TestClient, real SQLite): login, roles, CSRF, conflicts, escaping."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from eventcoder.web.app import create_app
from eventcoder.web.upload import MAX_DOC_BYTES

from .conftest import PASSWORD, add_users, make_record

XSS = 'Gunmen <script>window.__pwned = 1</script> struck <img src=x onerror="window.__pwned = 2"> the market.'


@pytest.fixture
def store(any_store):
    """The app's tests run on SQLite and on PostgreSQL."""
    return any_store


@pytest.fixture
def app(store):
    store.add_records([make_record(i) for i in range(8)] + [make_record(99, text=XSS)])
    add_users(store.db)
    return create_app(store)


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


def login(app, name: str) -> tuple[TestClient, str]:
    c = client(app)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/events"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/events"
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', c.get("/events").text).group(1)
    return c, csrf


def test_pages_need_login(app):
    c = client(app)
    for path in ("/", "/queue", "/events", "/map", "/events/ev000001-0", "/upload", "/admin/users"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in ("/review/queue.json", "/review/points.json", "/review/events.json", "/review/actors?q=is"):
        assert c.get(path).status_code == 401, path


def test_login_refuses_wrong_password_and_forged_form(app):
    c = client(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "rita", "password": "wrong password", "csrf_token": token},
               follow_redirects=False)
    assert "wrong+user+name+or+password" in r.headers["location"] or "wrong%20user" in r.headers["location"]
    assert "evx_session" not in r.headers.get("set-cookie", "")
    forged = client(app).post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": "guess"})
    assert forged.status_code == 403


def test_session_cookie_flags_and_security_headers(app):
    c = client(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith("evx_session=")][0].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = c.get("/events")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    # Reached through a real host name (not loopback), the cookie must be Secure.
    remote = TestClient(app, base_url="https://review.example.org")
    token = re.search(r'name="csrf_token" value="([^"]+)"', remote.get("/login").text).group(1)
    r = remote.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert "secure" in [h for h in r.headers.get_list("set-cookie") if h.startswith("evx_session=")][0].lower()


def test_login_next_cannot_leave_the_site(app):
    c = client(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token,
                               "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


# Every write endpoint: (method, path, form data); the role it needs.
WRITES = [
    ("/review/ev000001-0/status", {"status": "accepted", "version": "1"}, "reviewer"),
    ("/review/ev000001-0/edit", {"version": "1", "location": "Hama"}, "reviewer"),
    ("/review/ev000001-0/revert", {"to_version": "1"}, "reviewer"),
    ("/review/bulk", {"set_status": "rejected", "country": "Iraq"}, "reviewer"),
    ("/upload", {"text": "Protesters gathered in the square on Monday."}, "reviewer"),
    ("/review/ev000001-0/delete", {}, "admin"),
    ("/admin/users", {"action": "add", "username": "newbie", "password": PASSWORD, "role": "viewer"}, "admin"),
    ("/logout", {}, "viewer"),
]


@pytest.mark.parametrize("path, data, role", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_refuses_anonymous_viewer_and_missing_csrf(app, store, path, data, role):
    before = store.db.query_one("SELECT COUNT(*) AS n FROM change_log")["n"]
    assert client(app).post(path, data=data, follow_redirects=False).status_code == 401
    if role != "viewer":
        viewer, csrf = login(app, "vic")
        assert viewer.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False).status_code == 403
    if role == "admin":
        reviewer, csrf = login(app, "rita")
        assert reviewer.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False).status_code == 403
    allowed, csrf = login(app, "ann")
    assert allowed.post(path, data=data, follow_redirects=False).status_code == 403
    assert allowed.post(path, data={**data, "csrf_token": "x" * 43}, follow_redirects=False).status_code == 403
    assert allowed.post(path, data=data, headers={"X-CSRF-Token": csrf + "x"}, follow_redirects=False).status_code == 403
    assert store.db.query_one("SELECT COUNT(*) AS n FROM change_log")["n"] == before
    assert store.get_event("ev000001-0").version == 1


def test_json_status_with_csrf_header(app, store):
    c, csrf = login(app, "rita")
    r = c.post("/review/ev000002-0/status", json={"status": "accepted", "version": 1}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert store.get_event("ev000002-0").review_status == "accepted"


def test_two_reviewers_second_gets_conflict(app, store):
    rita, rita_csrf = login(app, "rita")
    rob, rob_csrf = login(app, "rob")
    page_rita = rita.get("/events/ev000003-0").text
    page_rob = rob.get("/events/ev000003-0").text
    version = re.search(r'name="version" value="(\d+)"', page_rita).group(1)
    assert version == re.search(r'name="version" value="(\d+)"', page_rob).group(1) == "1"
    r1 = rita.post("/review/ev000003-0/edit", data={"csrf_token": rita_csrf, "version": version, "location": "Hama",
                                                    "fatalities": "4"}, follow_redirects=False)
    assert r1.status_code == 303 and "error" not in r1.headers["location"]
    r2 = rob.post("/review/ev000003-0/edit", data={"csrf_token": rob_csrf, "version": version, "location": "Homs",
                                                   "fatalities": "9"})
    assert r2.status_code == 200 and "changed by someone else" in r2.text
    stored = store.get_event("ev000003-0")
    assert (stored.event.location, stored.event.fatalities, stored.version) == ("Hama", 4, 2)
    r3 = rob.post("/review/ev000003-0/status", json={"status": "rejected", "version": 1},
                  headers={"X-CSRF-Token": rob_csrf})
    assert r3.status_code == 409 and r3.json()["conflict"] is True
    assert store.get_event("ev000003-0").review_status == "edited"


def test_bad_edit_value_is_reported_not_stored(app, store):
    c, csrf = login(app, "rita")
    r = c.post("/review/ev000004-0/edit", data={"csrf_token": csrf, "version": "1", "fatalities": "many"})
    assert "fatalities must be a number" in r.text
    assert store.get_event("ev000004-0").version == 1


def test_article_payloads_render_as_text(app):
    c, _ = login(app, "vic")
    page = c.get("/events/ev000099-0").text
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/scrip" in page
    assert "&lt;img src=x onerror=" in page
    listing = c.get("/events").text
    assert "<script>window" not in listing


def test_filters_travel_in_the_url(app):
    c, _ = login(app, "vic")
    page = c.get("/events?country=Iraq&event_type=Battles&actor=Islamic")
    assert 'href="/map?country=Iraq&amp;event_type=Battles&amp;actor=Islamic"' in page.text
    total = int(re.search(r'<b id="total">(\d+)</b>', page.text).group(1))
    assert total == c.get("/review/events.json?country=Iraq&event_type=Battles&actor=Islamic").json()["total"]


def test_bulk_reject_over_form_filter(app, store):
    c, csrf = login(app, "rita")
    r = c.post("/review/bulk", data={"csrf_token": csrf, "set_status": "rejected", "country": "Afghanistan"},
               follow_redirects=False)
    assert r.status_code == 303
    rows = store.db.query("SELECT country, review_status FROM events")
    assert {x["review_status"] for x in rows if x["country"] == "Afghanistan"} == {"rejected"}
    assert {x["review_status"] for x in rows if x["country"] != "Afghanistan"} == {"pending"}


def test_upload_too_large_is_refused(app):
    c, csrf = login(app, "rita")
    r = c.post("/upload", data={"csrf_token": csrf, "text": "x" * (MAX_DOC_BYTES + 10)})
    assert r.status_code == 413
    big = c.post("/upload", data={"csrf_token": csrf}, files={"files": ("big.txt", b"y" * (MAX_DOC_BYTES + 10))})
    assert big.status_code == 200 and "larger than" in big.text


def test_place_search_uses_the_gazetteer(app):
    c, _ = login(app, "vic")
    hits = c.get("/review/places?q=Hama").json()["places"]
    first = hits[0]  # the Syrian city (GeoNames 170017, Hamah) before any other "Hama"
    assert (first["location"], first["geonameid"], first["country"]) == ("Hamah", 170017, "Syria")
    assert abs(first["latitude"] - 35.1318) < 1e-3


def test_place_search_ignores_a_one_letter_query(app):
    c, _ = login(app, "vic")
    assert c.get("/review/places?q=H").json()["places"] == []


def test_actor_autocomplete_from_stored_names(app):
    c, _ = login(app, "vic")
    assert "Islamic State" in c.get("/review/actors?q=islam").json()["actors"]


def test_admin_adds_user_and_changes_role(app, store):
    c, csrf = login(app, "ann")
    c.post("/admin/users", data={"csrf_token": csrf, "action": "add", "username": "newbie", "password": PASSWORD,
                                 "role": "viewer"})
    c.post("/admin/users", data={"csrf_token": csrf, "action": "role", "username": "newbie", "role": "reviewer"})
    assert "newbie" in c.get("/admin/users").text
    from eventcoder.store.users import get_user
    assert get_user(store.db, "newbie").role == "reviewer"


def test_queue_json_orders_by_need_and_escapes_nothing_itself(app, store):
    store.db.execute("UPDATE events SET flags_json=? WHERE event_id='ev000005-0'", ('["date_unresolved"]',))
    c, _ = login(app, "vic")
    data = c.get("/review/queue.json?limit=3").json()
    assert data["events"][0]["event_id"] == "ev000005-0"
    assert data["counts"]["pending"] == 9
    xss = c.get("/review/queue.json?doc_id=doc000099").json()["events"][0]
    assert "<script>" in xss["excerpt"]["before"] + xss["excerpt"]["evidence"] + xss["excerpt"]["after"]


def test_refusals_are_pages_for_browsers_and_json_for_scripts(app):
    c, _ = login(app, "vic")
    page = c.get("/admin/users", headers={"accept": "text/html"})
    assert page.status_code == 403 and "admin role" in page.text and "<h1>403</h1>" in page.text
    assert c.get("/admin/users").json()["detail"].startswith("this page needs the admin role")
    missing = c.get("/events/nope<b>", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "nope&lt;b&gt;" in missing.text


def test_actor_names_come_from_the_dictionary_format(tmp_path):
    from eventcoder.knowledge.actorlist import load_actor_names

    (tmp_path / "actors.json").write_text(json.dumps({
        "_about": "a tiny dictionary in the actors stage's format",
        "state": [{"kind": "military", "name": "Military Forces of {country} ({period})", "inter": 1}],
        "groups": [{"name": "Islamic State", "inter": 2, "aliases": ["IS", "Daesh"]},
                   {"name": "Hayat Tahrir al-Sham", "inter": 2, "aliases": ["HTS"]}]}))
    (tmp_path / "actors_extra.tsv").write_text("name\tinter\nAl Shabaab\t2\n")
    assert load_actor_names(sorted(tmp_path.iterdir())) == ["Al Shabaab", "Hayat Tahrir al-Sham", "Islamic State"]


def test_actor_autocomplete_prefers_the_dictionary(app, monkeypatch):
    from eventcoder.knowledge import actorlist

    names = ["Hayat Tahrir al-Sham", "Islamic State", "Islamic State (Afghanistan)"]
    monkeypatch.setattr(actorlist, "actor_names", lambda: names)
    c, _ = login(app, "vic")
    assert c.get("/review/actors?q=islamic").json()["actors"][:2] == ["Islamic State", "Islamic State (Afghanistan)"]
    assert c.get("/review/actors?q=tahrir").json()["actors"] == ["Hayat Tahrir al-Sham"]


def test_admin_sets_a_password_and_disables_a_user(app, store):
    from eventcoder.store.users import verify

    c, csrf = login(app, "ann")
    c.post("/admin/users", data={"csrf_token": csrf, "action": "passwd", "username": "rob", "password": "a new secret"})
    assert verify(store.db, "rob", "a new secret") and not verify(store.db, "rob", PASSWORD)
    c.post("/admin/users", data={"csrf_token": csrf, "action": "disable", "username": "rob"})
    assert verify(store.db, "rob", "a new secret") is None
    r = c.post("/admin/users", data={"csrf_token": csrf, "action": "disable", "username": "ann"}, follow_redirects=False)
    assert "cannot+disable+yourself" in r.headers["location"]
