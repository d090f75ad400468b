"""The pipeline on local worker processes: the same events, stores and problems as in one process."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventcoder import load_settings
from eventcoder.errors import ResourceError
from eventcoder.extraction import Extraction
from eventcoder.parallel import ProcessPipeline
from eventcoder.types import Article, Record

from test_extract import counts, write_corpus

REPO = Path(__file__).resolve().parents[1]

# The workers are spawned: they register the test stages by importing this plugin module themselves.
SETTINGS = load_settings(env={}, plugins=["test_pipeline"],
                         pipeline=["test_sentences", "test_shelling", "finalize"])


def extract(folder, db, pipeline=None, batch_size=2):
    job = Extraction(SETTINGS, db, pipeline=pipeline)
    try:
        events = list(job.run([folder], batch_size=batch_size))
    finally:
        job.close()
    return job.summary, events


@pytest.fixture(scope="module")
def workers():
    with ProcessPipeline(SETTINGS, workers=2) as pool:
        yield pool


def test_workers_give_the_events_of_one_process_in_input_order(tmp_path, workers):
    write_corpus(tmp_path, n=13)
    (tmp_path / "bad.jsonl").write_text(json.dumps({"id": "boom", "text": "BOOM. Army shelled Hama."}) + "\n")
    dbs = tmp_path.parent / f"{tmp_path.name}-dbs"  # not inside the folder extracted: a database there is input
    dbs.mkdir()
    one, serial = extract(tmp_path, dbs / "one.db")
    many, parallel = extract(tmp_path, dbs / "many.db", workers)
    assert [e.model_dump() for e in parallel] == [e.model_dump() for e in serial]
    assert (many.documents, many.events, many.failed) == (one.documents, one.events, one.failed) == (14, 13, 3)
    assert counts(dbs / "many.db") == counts(dbs / "one.db") == (14, 13)


def test_a_rerun_on_workers_adds_nothing_and_keeps_order(tmp_path, workers):
    write_corpus(tmp_path, n=9)
    db = tmp_path / "ev.db"
    _, first = extract(tmp_path, db, workers)
    (tmp_path / "more.jsonl").write_text(json.dumps({"id": "new", "text": "Militants shelled Dara."}) + "\n")
    summary, again = extract(tmp_path, db, workers)
    assert summary.skipped == 9 and summary.documents == 10
    assert [e.event_id for e in again if e.doc_id != "new"] == [e.event_id for e in first]
    assert counts(db) == (10, 10)


def test_call_on_one_batch_returns_the_workers_records(workers):
    out = workers([Record(article=Article(doc_id="a", text="Army shelled Idlib. Calm in Hama."))])
    assert [e.evidence.text for e in out[0].events] == ["Army shelled Idlib."]


def test_workers_that_cannot_build_the_pipeline_say_so():
    broken = load_settings(env={}, pipeline=["nlp"], nlp={"model": "no_such_spacy_model"})
    with pytest.raises(ResourceError, match=r"\[E230\].*without --workers"):
        ProcessPipeline(broken, workers=2).__enter__()


# --- workers die with their parent -----------------------------------------------------------------------
def _proc_children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = _proc_children(todo.pop())
        found += kids
        todo += kids
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _left_after(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(map(_running, pids)):
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")


@linux_only
@pytest.mark.slow
def test_workers_and_resource_tracker_end_with_a_killed_extract(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "ev.db"
    subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(corpus), "--n", "400"], check=True,
                   capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "eventcoder.cli", "extract", str(corpus), "--db", str(db), "-q",
                             "--workers", "2", "--batch-size", "8"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            kids = _descendants(proc.pid)
            if len(kids) >= 3 and _stored(db) >= 8:  # two workers and the tracker, batches done
                break
            time.sleep(0.1)
        assert proc.poll() is None and len(kids) >= 3, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        left = _left_after(kids, 5)  # the budget; before, all 3 (423 MB) were still running
    finally:
        for pid in kids:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    assert left == []


def _stored(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet
        return 0


@linux_only
def test_the_watchdog_ends_a_worker_whose_parent_died_without_the_kernels_signal():
    # a middle process starts the worker and dies at once; the worker, adopted, must notice alone
    worker = ("import os, time\n"
              "from eventcoder.parallel import _die_with_parent\n"
              "_die_with_parent(os.getppid(), kernel_signal=False)\n"
              "print('watching', flush=True)\n"
              "time.sleep(60)\n")
    middle = ("import os, subprocess, sys\n"
              f"p = subprocess.Popen([sys.executable, '-c', {worker!r}], stdout=subprocess.PIPE,\n"
              "                     stderr=subprocess.DEVNULL, text=True)\n"
              "assert p.stdout.readline() == 'watching\\n'\n"
              "print(p.pid, flush=True)\n"
              "os._exit(0)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", middle], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    worker_pid = int(out.stdout)
    try:
        assert _left_after([worker_pid], 5) == []  # it checks every second
    finally:
        if _running(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)
