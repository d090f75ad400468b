"""The promise "bad input never loses data", kept through the real CLI with the real default pipeline.

Every input is generated here (our own sentences; the binary file is a PNG built in the test):
1. a mixed folder of good and bad documents: one clear line per bad document, every good one stored;
2. a run killed with SIGKILL and started again equals one uninterrupted run (same event ids, no duplicates);
3. quotes, SQL, markup, LIKE wildcards, NUL and bidi characters in ids, titles, sources and text round-trip
   through the store and the HTTP API and come out escaped in the review pages.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

# Our own sentences, in the register of wire reports; each reports at least one event.
GOOD = ("Regime forces shelled residential areas of Douma on Monday, killing four civilians, a local monitor said. "
        "Rebels clashed with regime forces near Homs on Tuesday.")
OTHER = "Taliban fighters attacked a police post in Kunduz on Sunday, killing two officers, officials said."
FILLER = "The situation in the area remained tense and schools stayed closed. "
# Texts that are odd but fine: each is stored with its events and no problem line.
ODD_TEXTS = {
    "odd-huge-number": GOOD.replace("four", "9" * 30),
    "odd-one-token": "x" * 50_000 + " " + GOOD,
    "odd-emoji": "\U0001f4a5\U0001f525" * 2000 + " " + GOOD + " \U0001f1f8\U0001f1fe",
    "odd-arabic": "\u0642\u0635\u0641\u062a \u0642\u0648\u0627\u062a \u062f\u0648\u0645\u0627. " + GOOD,
    "odd-separators": GOOD.replace(", killing", "\u2028killing").replace(" near", "\vnear"),
    "odd-combining": "D\u0301\u0301\u0301ouma " * 3000 + GOOD,
    "odd-bad-dates": GOOD + " The truce of 99/99/9999 and of 31 February 2015 held until 0000-00-00.",
}
PROBLEM_LINE = re.compile(r"^([✗!]) (.+?): \[(W\d{3})\] ")


def cli(*args: str, env_extra: dict | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env_extra or {})}
    return subprocess.run([PY, "-m", "eventcoder.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300, **kw)


def png_bytes() -> bytes:
    """A real 32x32 RGB PNG (signature, IHDR, IDAT, IEND), built here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes((x * 7 + y) % 256 for x in range(96)) for y in range(32))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def problem_lines(stderr: str) -> list[tuple[str, str, str]]:
    """(mark, document, code) of each problem line the CLI printed."""
    return [m.groups() for line in stderr.splitlines() if (m := PROBLEM_LINE.match(line))]


# ---------------------------------------------------------------------------------------------------------------
# 1. A mixed folder


def mixed_folder(d: Path) -> tuple[set[str], list[tuple[str, str, str]]]:
    """Write the folder; return the documents that must be stored and the (mark, doc, code) lines expected."""
    d.mkdir(parents=True)
    dateline = "13 October 2015"
    (d / "plain.txt").write_text(f"Shelling in Douma\n{dateline}\n\n{GOOD}\n", encoding="utf-8")
    meta = '<meta property="article:published_time" content="2015-10-13">'
    (d / "page.html").write_text(
        f"<html><head><title>Clashes near Homs</title>{meta}</head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>Clashes near Homs</h1><p>{GOOD}</p><p>{OTHER}</p></article>"
        "<footer>Copyright</footer></body></html>", encoding="utf-8")
    huge_line = json.dumps({"id": "feed-huge", "text": FILLER * 100_000, "published": "2015-10-13"})
    assert len(huge_line) > 5 * 2**20  # over ingest.MAX_LINE_BYTES
    (d / "feed.jsonl").write_text("\n".join([
        json.dumps({"id": "feed-1", "text": GOOD, "published": "2015-10-13"}),
        '{"id": "feed-broken", "text": "Rebels shelled',  # cut mid-string
        huge_line,
        json.dumps({"id": "feed-2", "text": OTHER, "published": "2015-10-13"}),
        json.dumps({"id": "feed-1", "text": GOOD, "published": "2015-10-13"}),  # the same again: read once
        json.dumps({"id": "x" * 300, "text": OTHER, "published": "2015-10-13"}),  # over ingest.MAX_ID_CHARS
        json.dumps({"id": "two\nlines\t", "text": OTHER, "published": "2015-10-13", "title": "t" * 50_000}),
        *(json.dumps({"id": k, "text": v, "published": "2015-10-13"}) for k, v in ODD_TEXTS.items()),
    ]) + "\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "scan.txt").write_bytes(png_bytes())
    (d / "wide.txt").write_bytes(f"Attack in Aleppo\n{dateline}\n\n{GOOD}\n".encode("utf-16"))  # with a BOM
    legacy = f"Caf\u00e9 attack \u2013 Douma\n{dateline}\n\n\u201c{GOOD}\u201d\n"
    (d / "legacy.txt").write_bytes(legacy.encode("cp1252"))
    (d / "cut.html").write_text(f"<html><head><title>Strike</title>{meta}<body><article><p>{GOOD}</p><p>{OTHER}"
                                "</p><p>Russian warplanes carried out airstrikes on Idlib on Sunday, kill",
                                encoding="utf-8")
    (d / "symbols.txt").write_text("  ...  !!! --- ??? \n\n ***  ;;; \u2014 \u2022\n", encoding="utf-8")
    (d / "nul.txt").write_bytes(f"Attack\n{dateline}\n\n{GOOD[:60]}".encode() + b"\x00\x00" + f"{GOOD[60:]}\n".encode())
    run_on = "regime forces shelled Douma and rebels clashed near Homs and "
    (d / "runon.txt").write_text(f"{dateline}\n\n" + (run_on * 2000)[:100_000] + "\n", encoding="utf-8")
    big = f"Shelling in Douma\n{dateline}\n\n{GOOD}\n" + FILLER * 18_000  # 1.2 M characters
    (d / "big.txt").write_text(big, encoding="utf-8")
    depth = 3000  # libxml2 builds no tree past 256 levels
    (d / "nested.html").write_text("<html><body>" + "<div>" * depth + f"<h1>Attack in Douma</h1><p>{dateline}</p>"
                                   f"<p>{GOOD}</p>" + "</div>" * depth + "</body></html>", encoding="utf-8")
    (d / "sub").mkdir()  # another plain.txt: its own document, not a replacement of the first
    (d / "sub" / "plain.txt").write_text(f"Attack in Kunduz\n{dateline}\n\n{OTHER}\n", encoding="utf-8")
    (d / "notes.md").write_text("not an article: listed as skipped", encoding="utf-8")
    stored = {"plain", "plain~2", "page", "feed-1", "feed-2", "two lines", "wide", "legacy", "cut", "nul", "runon",
              "big", "nested", *ODD_TEXTS}
    expected = [("✗", "empty", "W302"), ("✗", "scan", "W303"), ("✗", "symbols", "W302"),
                ("✗", "feed.jsonl:2", "W308"), ("✗", "feed.jsonl:3", "W306"), ("✗", "feed.jsonl:6", "W309"),
                ("!", "legacy", "W304"), ("!", "nul", "W310"), ("!", "nested", "W312"),
                ("!", "big", "W311"), ("!", "big", "W320"), ("!", "plain", "W313"), ("!", "feed-1", "W313"),
                ("✗", "notes", "W305")]
    return stored, expected


@pytest.mark.slow
def test_mixed_folder_reports_each_bad_document_once_and_stores_every_good_one(tmp_path):
    stored, expected = mixed_folder(tmp_path / "in")
    db, out = tmp_path / "ev.db", tmp_path / "ev.jsonl"
    res = cli("extract", str(tmp_path / "in"), "--db", str(db), "--out", str(out), "-q", "--batch-size", "4")
    output = res.stdout + res.stderr
    assert "Traceback" not in output, output
    assert res.returncode == 1, output
    assert sorted(problem_lines(res.stderr)) == sorted(expected), res.stderr
    # every problem is one line: the whole message, naming the document and the code
    for mark, doc, code in problem_lines(res.stderr):
        assert any(line.startswith(f"{mark} {doc}: [{code}] ") and line.rstrip().endswith(")")
                   for line in res.stderr.splitlines())

    assert {d for (d,) in rows(db, "SELECT doc_id FROM documents")} == stored
    per_doc = dict(rows(db, "SELECT doc_id, COUNT(*) FROM events GROUP BY doc_id"))
    # each good document reports at least one event, and the run's JSONL holds exactly the stored events
    assert {d for d in stored if per_doc.get(d, 0) == 0} == set(), per_doc
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(e["event_id"] for e in written) == sorted(e for (e,) in rows(db, "SELECT event_id FROM events"))
    assert len({e["event_id"] for e in written}) == len(written)

    bodies = dict(rows(db, "SELECT doc_id, body FROM documents"))
    assert bodies["wide"] == bodies["plain"] == GOOD  # UTF-16 decoded, header lines out of the body
    assert "\x00" not in bodies["nul"] and bodies["nul"] == GOOD
    assert "\u201c" in bodies["legacy"] and "\ufffd" not in bodies["legacy"]
    assert len(bodies["big"]) == 1_000_000  # ingest.MAX_BODY_CHARS, with the W311 warning above
    assert bodies["nested"] == GOOD
    assert bodies["plain~2"] == OTHER
    assert "\vnear" not in bodies["odd-separators"] and "\nnear" in bodies["odd-separators"]
    summary = [line for line in res.stderr.splitlines() if "documents (" in line]
    assert summary and summary[-1].startswith(f"{len(stored)} documents") and "7 failed" in summary[-1]
    assert rows(db, "SELECT COUNT(*) FROM problems WHERE severity = 'error'") == [(7,)]
    assert max(len(t) for (t,) in rows(db, "SELECT title FROM documents")) <= 2000  # ingest.MAX_META_CHARS


# ---------------------------------------------------------------------------------------------------------------
# 2. A killed run


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_database_as_an_uninterrupted_one(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    subprocess.run([PY, str(REPO / "bench" / "make_corpus.py"), str(corpus), "--n", "240", "--seed", "11"],
                   check=True, capture_output=True)
    batch = 8
    args = ["extract", str(corpus), "-q", "--batch-size", str(batch)]

    once = tmp_path / "once.db"
    first = cli(*args, "--db", str(once))
    assert first.returncode == 0, first.stderr

    killed = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen([PY, "-m", "eventcoder.cli", *args, "--db", str(killed)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored_at_kill = 0
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if killed.exists():
                try:
                    stored_at_kill = rows(killed, "SELECT COUNT(*) FROM documents")[0][0]
                except sqlite3.OperationalError:  # schema not created yet
                    stored_at_kill = 0
                if stored_at_kill >= 2 * batch:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed; generate more documents"
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    after_kill = rows(killed, "SELECT COUNT(*) FROM documents")[0][0]
    assert 0 < after_kill < 240 and after_kill % batch == 0  # whole batches only: one transaction each

    again = cli(*args, "--db", str(killed))
    assert again.returncode == 0, again.stderr
    assert f"{after_kill} unchanged" in again.stderr

    def content(db: Path):
        return (rows(db, "SELECT doc_id, content_hash FROM documents ORDER BY doc_id"),
                rows(db, "SELECT event_id, doc_id, event_type, sub_event_type, event_date, location, actor1, "
                         "fatalities FROM events ORDER BY event_id"))
    docs_once, events_once = content(once)
    docs_resumed, events_resumed = content(killed)
    assert len(docs_once) == 240 and len(events_once) > 240
    assert docs_resumed == docs_once and events_resumed == events_once
    assert len({e[0] for e in events_resumed}) == len(events_resumed)
    assert rows(killed, "PRAGMA integrity_check") == [("ok",)]
    assert rows(killed, "PRAGMA foreign_key_check") == []


# ---------------------------------------------------------------------------------------------------------------
# 3. Injection and escaping

RLO, ZWSP, ZWJ = "\u202e", "\u200b", "\u200d"
NASTY = [
    {"id": "q'\"; DROP TABLE events; --", "title": "<script>alert('title')</script> & \"quotes\"",
     "source": "Wire'); DROP TABLE documents; --",
     "text": f"Regime forces shelled Douma on Monday, killing four civilians <script>alert(\"x\")</script>, "
             f"a monitor said. Rebels clashed with regime forces near Homs{ZWSP} on Tuesday {RLO}dias sreisned{ZWJ}."},
    {"id": "100%", "title": "50% _off_", "source": "%_%",
     "text": f"{OTHER} About 100% of the _district_ fled."},
    {"id": "1_0", "title": f"{RLO}evil{ZWSP}", "source": "<b>bold</b>", "text": OTHER},
    {"id": "10x", "title": "plain", "source": "plain", "text": OTHER},
    {"id": "wire/2015/10/13?id=7#top", "title": "slashes", "source": "plain", "text": OTHER},
    {"id": "nul\u0000id", "title": "nul\u0000title\ud800", "language": "en\udfff", "source": "nul\u0000source",
     "text": "Regime forces shelled Douma on Monday,\u0000 killing four civilians, a monitor said."},
]


@pytest.fixture(scope="module")
def nasty_db(tmp_path_factory):
    d = tmp_path_factory.mktemp("nasty")
    feed = d / "nasty.jsonl"
    feed.write_text("\n".join(json.dumps({**doc, "published": "2015-10-13"}) for doc in NASTY) + "\n",
                    encoding="utf-8")
    db = d / "ev.db"
    res = cli("extract", str(feed), "--db", str(db), "-q")
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 0, res.stderr
    assert problem_lines(res.stderr) == [("!", "nulid", "W310")]
    return db


@pytest.mark.slow
def test_hostile_strings_are_stored_exactly_and_nothing_is_dropped(nasty_db):
    tables = {t for (t,) in rows(nasty_db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "documents", "problems"} <= tables
    docs = {d: (t, s) for d, t, s in rows(nasty_db, "SELECT doc_id, title, source FROM documents")}
    for doc in NASTY[:4]:
        assert docs[doc["id"]] == (doc["title"], doc["source"])
    assert docs["nulid"] == ("nultitle", "nulsource")  # NUL removed at ingest (W310), nothing else
    bodies = dict(rows(nasty_db, "SELECT doc_id, body FROM documents"))
    assert bodies[NASTY[0]["id"]] == NASTY[0]["text"]
    per_doc = dict(rows(nasty_db, "SELECT doc_id, COUNT(*) FROM events GROUP BY doc_id"))
    assert set(per_doc) == {doc["id"].replace("\x00", "") for doc in NASTY}


@pytest.fixture(scope="module")
def web(nasty_db):
    from fastapi.testclient import TestClient

    from eventcoder.store import open_store
    from eventcoder.store import users as users_mod
    from eventcoder.web.app import create_app

    store = open_store(nasty_db)
    users_mod.add_user(store.db, "ann", "correct horse battery", "admin")
    with TestClient(create_app(store), base_url="http://127.0.0.1") as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post("/login", data={"username": "ann", "password": "correct horse battery", "csrf_token": token,
                                   "next": "/events"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        yield c
    store.close()


def api_rows(web, **params) -> list[dict]:
    r = web.get("/api/events", params={**params, "limit": 500})
    assert r.status_code == 200, r.text
    return r.json()["data"]


@pytest.mark.slow
def test_api_filters_are_values_not_sql(web, nasty_db):
    everything = api_rows(web)
    assert len(everything) == rows(nasty_db, "SELECT COUNT(*) FROM events")[0][0]
    for doc in NASTY[:4]:
        got = api_rows(web, doc_id=doc["id"])
        assert got and {r["doc_id"] for r in got} == {doc["id"]}  # '%' and '_' match themselves only
    first = api_rows(web, doc_id=NASTY[0]["id"])[0]
    assert api_rows(web, country=first["country"], actor1=first["actor1"], doc_id=NASTY[0]["id"])
    for hostile in ("' OR '1'='1", "'; DROP TABLE events; --", "%", "_", "Syria' --", RLO + ZWSP):
        assert api_rows(web, country=hostile, actor1=hostile) == []
    for params in ({"country": "Syria", "country_where": "LIKE '%' OR 1=1"}, {"country": "Syria\x00"},
                   {"limit": 10**9}, {"fields": "__class__"}):
        r = web.get("/api/events", params=params)
        assert r.status_code == 400 and r.json()["detail"], params  # refused with a reason, not run
    assert len(api_rows(web)) == len(everything)  # still there


@pytest.mark.slow
def test_review_pages_escape_article_text_titles_and_ids(web, nasty_db):
    for doc in NASTY[:3]:
        for (event_id,) in rows(nasty_db, "SELECT event_id FROM events WHERE doc_id = ?", (doc["id"],)):
            r = web.get("/events/" + quote(event_id, safe=""))
            assert r.status_code == 200, (event_id, r.status_code)
            page = r.text
            assert "<script>alert(" not in page
            assert "<b>bold</b>" not in page
            if doc is NASTY[0]:
                assert "&lt;script&gt;alert(" in page
            api = web.get("/api/events/" + quote(event_id, safe=""))
            assert api.status_code == 200 and api.json()["doc_id"] == doc["id"]
    listing = web.get("/events")
    assert listing.status_code == 200 and "<script>alert(" not in listing.text


@pytest.mark.slow
def test_event_of_a_document_id_with_slashes_opens(web, nasty_db):
    ((event_id,),) = rows(nasty_db, "SELECT event_id FROM events WHERE doc_id = ? LIMIT 1",
                          ("wire/2015/10/13?id=7#top",))
    assert web.get("/events/" + quote(event_id, safe="")).status_code == 200
    assert web.get("/api/events/" + quote(event_id, safe="")).status_code == 200


def test_one_document_keeps_a_bounded_number_of_events():
    from eventcoder.stages import finalize
    from eventcoder.types import Article, Event, Record, Span

    n = finalize.MAX_EVENTS_PER_DOCUMENT + 40
    text = "".join(f"Shelling {i:04d}. " for i in range(n))
    record = Record(article=Article(doc_id="digest", text=text))
    record.events = [Event(event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                           evidence=Span.of(text, i * 15, i * 15 + 14), doc_id="digest") for i in range(n)]
    (out,) = finalize.Finalizer()([record])
    assert len(out.events) == finalize.MAX_EVENTS_PER_DOCUMENT
    assert len({e.event_id for e in out.events}) == finalize.MAX_EVENTS_PER_DOCUMENT
    assert out.events[0].evidence.text == "Shelling 0000."  # the first ones, in document order
    assert [(p.code, p.severity) for p in out.problems] == [("W391", "warning")]
    assert f"{n:,} events" in out.problems[0].message


def test_uploaded_bytes_get_the_same_checks_as_files():
    from eventcoder.ingest import read_bytes
    from eventcoder.types import Article, Problem

    def codes(name, data):
        return [(i.code, i.doc_id) if isinstance(i, Problem) else ("article", i.doc_id) for i in read_bytes(name, data)]

    assert codes("scan.txt", png_bytes()) == [("W303", "scan")]
    assert codes("empty.txt", b"") == [("W302", "empty")]
    assert codes("sheet.xlsx", b"PK\x03\x04") == [("W305", "sheet")]
    (wide,) = read_bytes("wide.txt", GOOD.encode("utf-16"), doc_id="up-1")
    assert isinstance(wide, Article) and wide.text == GOOD and wide.doc_id == "up-1"
    feed = b'{"id": "a", "text": "' + GOOD.encode() + b'"}\n{"id": "b", "te\n{"id": "c", "text": "' + \
        OTHER.encode() + b'\\u0000"}\n'
    assert codes("feed.jsonl", feed) == [("article", "a"), ("W308", "feed.jsonl:2"), ("W310", "c"), ("article", "c")]


def test_upload_refuses_binary_and_decodes_utf16(tmp_path):
    from fastapi.testclient import TestClient

    from eventcoder.config import load_settings
    from eventcoder.store import open_store
    from eventcoder.store import users as users_mod
    from eventcoder.web.app import create_app

    store = open_store(tmp_path / "up.db")
    users_mod.add_user(store.db, "rita", "correct horse battery", "reviewer")
    from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages

    # finalize requires record.events: a stage before it makes them
    # the app's worker thread, not its extraction process: the test stages are registered in this process only
    app = create_app(store, load_settings(None, ['pipeline=["test_sentences", "test_shelling", "finalize"]',
                                                 "web.upload_process=false"]))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": "rita", "password": "correct horse battery", "csrf_token": token})
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', c.get("/upload").text).group(1)
        r = c.post("/upload", data={"csrf_token": csrf, "published": "2015-10-13"},
                   files=[("files", ("scan.txt", png_bytes(), "text/plain")),
                          ("files", ("wide.txt", GOOD.encode("utf-16"), "text/plain"))])
        assert r.status_code == 200
        status = re.search(r'data-status-url="([^"]+)"', r.text).group(1)  # the upload is a queued job
        deadline = time.monotonic() + 60
        while c.get(status).json()["state"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert c.get(status).json()["state"] == "done"
    bodies = [row["body"] for row in store.db.query("SELECT body FROM documents")]
    store.close()
    assert bodies == [GOOD]


# ---------------------------------------------------------------------------------------------------------------
# Misconfiguration: a clear message and exit 2, no traceback, and nothing of the user's overwritten


@pytest.mark.parametrize("kind", ["text", "png"])
def test_db_that_is_another_file_is_refused_not_overwritten(tmp_path, kind):
    (tmp_path / "a.txt").write_text(OTHER, encoding="utf-8")
    target = tmp_path / ("notes.txt" if kind == "text" else "photo.png")
    original = "my own notes\n".encode() if kind == "text" else png_bytes()
    target.write_bytes(original)
    for command in (["extract", str(tmp_path / "a.txt"), "-q"], ["export", "--format", "jsonl"], ["serve"]):
        res = cli(*command, "--db", str(target))
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "[E211]" in res.stderr and str(target) in res.stderr
        assert target.read_bytes() == original


def test_unwritable_out_is_refused_before_any_work(tmp_path):
    (tmp_path / "a.txt").write_text(OTHER, encoding="utf-8")
    res = cli("extract", str(tmp_path / "a.txt"), "-q", "--db", str(tmp_path / "ev.db"),
              "--out", str(tmp_path / "missing" / "ev.jsonl"))
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.startswith("[E103]") and "missing" in res.stderr
    assert not (tmp_path / "ev.db").exists()


def test_open_store_leaves_a_small_foreign_file_alone(tmp_path):
    from eventcoder.errors import StoreError
    from eventcoder.store import open_store

    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n", encoding="utf-8")
    try:
        open_store(notes).close()
    except StoreError:
        pass
    assert notes.read_text(encoding="utf-8") == "my own notes\n"


def test_exported_jsonl_keeps_one_record_per_line(tmp_path):
    from eventcoder.store import open_store

    from store.conftest import make_event, make_record

    store = open_store(tmp_path / "ev.db")
    store.add_records([make_record("sep", [make_event("sep", notes="Shelling in Douma.\u2028Four killed.")])])
    store.close()
    out = tmp_path / "x.jsonl"
    res = cli("export", "--format", "jsonl", "--db", str(tmp_path / "ev.db"), "--out", str(out))
    assert res.returncode == 0, res.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["notes"] == "Shelling in Douma.\u2028Four killed."


def test_storing_many_events_of_one_place_reads_rows_in_proportion(tmp_path):
    from eventcoder.store import open_store

    from store.conftest import make_event, make_record

    n = 300
    store = open_store(tmp_path / "ev.db")
    fetched = []
    query = store.db.query

    def counting(sql, params=()):  # the real query, its rows counted
        out = query(sql, params)
        fetched.append(len(out))
        return out

    store.db.query = counting
    store.add_records([make_record("digest", [make_event("digest", k) for k in range(n)])])
    store.close()
    assert sum(fetched) <= 20 * n, f"{sum(fetched):,} rows read to store {n} events"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_every_unicode_encoding_reads_the_same_text(encoding):
    from eventcoder.ingest import read_bytes

    (article,) = read_bytes("a.txt", f"Attack in Douma\n13 October 2015\n\n{GOOD}\n".encode(encoding))
    assert article.text == GOOD and article.title == "Attack in Douma"


def test_utf8_mark_on_a_windows_1252_file_is_not_read_as_text():
    from eventcoder.ingest import read_bytes

    warning, article = read_bytes("a.txt", b"\xef\xbb\xbf" + f"Caf\u00e9 \u2013 {GOOD}".encode("cp1252"))
    assert warning.code == "W304" and article.text == f"Caf\u00e9 \u2013 {GOOD}"
