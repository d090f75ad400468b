"""The review app in Debian's Chromium (Playwright), against a live server on 127.0.0.1.

Every page's requests are logged and anything not bound for the test server is aborted and reported: the
app must work with no network at all.
"""
from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from eventcoder.store import open_store
from eventcoder.web.app import create_app

from .conftest import PASSWORD, LiveServer, add_users, make_record
from .test_app import XSS

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    store = open_store(tmp_path_factory.mktemp("browser") / "app.db")
    # doc 1000 lies in Aleppo, outside the bulk test's Afghan filter.
    store.add_records([make_record(i, n_events=2) for i in range(40)] + [make_record(1000, text=XSS)])
    from argon2 import PasswordHasher

    from eventcoder.store import users as users_mod
    real_hasher, users_mod._hasher = users_mod._hasher, PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    add_users(store.db)
    with LiveServer(create_app(store)) as srv:
        srv.store = store
        yield srv
    store.close()
    users_mod._hasher = real_hasher


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def reviewer(chromium, server):
    """A logged-in reviewer's page; fails the test if any request left 127.0.0.1 or a script errored."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    outside, errors, seen = [], [], []
    origin = urlparse(server.url)

    def gate(route):
        seen.append(route.request.url)
        u = urlparse(route.request.url)
        if u.scheme in ("data", "blob") or (u.hostname == origin.hostname and u.port == origin.port):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    pg = context.new_page()
    pg.seen_urls = seen
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url + "/queue")
    assert "/login" in pg.url
    pg.fill("input[name=username]", "rita")
    pg.fill("input[name=password]", PASSWORD)
    pg.press("input[name=password]", "Enter")
    pg.wait_for_url("**/queue")
    yield pg
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"script errors: {errors}"


def status_of(server, event_id: str) -> str:
    return server.store.get_event(event_id).review_status


def wait_for(page, predicate, timeout: float = 10.0):
    """Poll ``predicate`` while letting Playwright run: the page's requests pass through this test's route
    gate, a Python handler that only runs while Playwright's loop is pumped (a plain sleep would hold every
    request the page sends meanwhile)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        page.wait_for_timeout(50)


def current(pg) -> str:
    pg.wait_for_selector("#card:not([hidden])")
    return pg.get_attribute("#queue", "data-current")


def press_and_move(pg, key: str) -> str:
    """Press a key that moves the queue on; wait for the card to change (a loaded machine may lag)."""
    before = current(pg)
    pg.keyboard.press(key)
    pg.wait_for_function("prev => document.querySelector('#queue').dataset.current !== prev", arg=before)
    return current(pg)


def test_review_three_events_with_the_keyboard(reviewer, server):
    page = reviewer
    first = current(page)
    second = press_and_move(page, "a")
    assert second != first
    third = press_and_move(page, "x")
    fourth = press_and_move(page, " ")          # skip
    press_and_move(page, "a")
    wait_for(page, lambda: status_of(server, fourth) == "accepted")
    assert (status_of(server, first), status_of(server, second), status_of(server, third)) == \
        ("accepted", "rejected", "pending")
    assert press_and_move(page, "k") == fourth  # back to the skipped one
    page.keyboard.press("u")          # undo the last decision
    wait_for(page, lambda: status_of(server, fourth) == "pending")
    assert current(page) == fourth
    assert press_and_move(page, "j") != fourth
    assert page.text_content("#keys").count("undo") == 1


def test_edit_a_place_by_gazetteer_search(reviewer, server):
    page = reviewer
    event_id = "ev000005-0"
    page.goto(f"{server.url}/events/{event_id}")
    page.fill("#place-q", "Hama")
    page.click("button.place-hit")  # the first hit: the Syrian city
    assert page.input_value("input[name=location]") == "Hamah"
    page.click("#save")
    page.wait_for_selector("#history")
    stored = server.store.get_event(event_id)
    assert (stored.event.location, stored.event.geonameid, stored.review_status) == ("Hamah", 170017, "edited")
    assert abs(stored.event.latitude - 35.1318) < 1e-3
    assert "rita" in page.text_content("#history")


def test_click_to_place_on_the_map(reviewer, server):
    page = reviewer
    page.goto(f"{server.url}/events/ev000007-0")
    before = float(page.input_value("input[name=latitude]"))
    box = page.locator("#place-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)  # north-east of the marker
    after_lat, after_lon = float(page.input_value("input[name=latitude]")), float(page.input_value("input[name=longitude]"))
    assert after_lat > before and page.input_value("input[name=geonameid]") == ""
    page.click("#save")
    page.wait_for_selector("#history")
    stored = server.store.get_event("ev000007-0").event
    assert (round(stored.latitude, 4), round(stored.longitude, 4)) == (after_lat, after_lon)


def test_bulk_reject(reviewer, server):
    page = reviewer
    page.goto(server.url + "/events?country=Afghanistan&status=pending")
    n = int(page.text_content("#total"))
    assert n > 0
    page.click("#bulk-reject")
    page.wait_for_load_state()
    rows = server.store.db.query("SELECT review_status FROM events WHERE country='Afghanistan'")
    assert [r["review_status"] for r in rows].count("rejected") >= n
    assert int(page.text_content("#total")) == 0  # no pending Afghan event is left under the same filter


def test_map_shows_the_filtered_number_of_markers(reviewer, server):
    page = reviewer
    expected = server.store.db.query_one("SELECT COUNT(*) AS n FROM events WHERE country='Iraq'"
                                         " AND latitude IS NOT NULL")["n"]
    page.goto(server.url + "/map?country=Iraq")
    page.wait_for_selector("#map[data-ready=yes]")
    counts = page.eval_on_selector_all(".evx-marker", "els => els.map(e => +e.dataset.count)")
    assert sum(counts) == expected > 0
    assert int(page.get_attribute("#map-count", "data-count")) == expected
    assert page.locator("#map-list tbody tr").count() == min(expected, 200)
    wait_for(page, lambda: int(page.get_attribute("#map", "data-shapes") or 0) > 200)  # Natural Earth countries drawn
    assert page.locator(".leaflet-shapes-pane canvas").count() == 1
    # Zoomed in on Iraq, the admin-1 regions of the countries in view are loaded from the package.
    wait_for(page, lambda: any(u.endswith("/static/vendor/geo/admin1/IRQ.json") for u in page.seen_urls))


def test_timeline_brush_narrows_the_list(reviewer, server):
    page = reviewer
    page.goto(server.url + "/map")
    page.wait_for_selector("#map[data-ready=yes]")
    total = int(page.get_attribute("#map-count", "data-count"))
    box = page.locator("#timeline svg").bounding_box()
    y = box["y"] + 40
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=5)
    page.mouse.up()
    narrowed = int(page.get_attribute("#map-count", "data-count"))
    assert 0 < narrowed < total
    assert "brush=" in page.url
    dates = page.eval_on_selector_all("#map-list tbody tr td:first-child", "els => els.map(e => e.textContent)")
    lo, hi = page.url.split("brush=")[1].split("..")
    assert len(dates) == min(narrowed, 200) and all(lo <= d <= hi for d in dates)
    page.reload()  # the brush is part of the shared URL
    page.wait_for_selector("#map[data-ready=yes]")
    assert int(page.get_attribute("#map-count", "data-count")) == narrowed


def test_article_payloads_render_as_text(reviewer, server):
    page = reviewer
    page.goto(server.url + "/events/ev001000-0")
    text = page.text_content("#document")
    assert "<script>window.__pwned = 1</script>" in text and '<img src=x onerror="window.__pwned = 2">' in text
    assert page.locator("#document img, #document script").count() == 0
    page.goto(server.url + "/queue?doc_id=doc001000")
    page.wait_for_selector("#card:not([hidden])")
    assert "<img src=x" in page.text_content("#c-doc")
    assert page.evaluate("window.__pwned === undefined")


def test_api_docs_render_the_operations_list(chromium, server):
    """Before: a blank page, the app's CSP refusing the docs' inline script. Anonymous, like /openapi.json."""
    context = chromium.new_context()
    outside, problems = [], []

    def gate(route):
        u = urlparse(route.request.url)
        if u.scheme in ("data", "blob") or (u.hostname == "127.0.0.1" and u.port == urlparse(server.url).port):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(server.url + "/api/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.getAttribute('data-path'))")
        assert {"/api/events", "/api/incidents", "/api/events/{event_id}"} <= set(paths)
        assert page.locator(".opblock-tag").count() >= 1
    finally:
        context.close()
    assert outside == [] and problems == [], (outside, problems)
