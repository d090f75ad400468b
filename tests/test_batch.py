"""The pipeline on real Ray clusters (one in this process, one started apart) gives the events of one process."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from eventcoder import Pipeline, load_settings
from eventcoder.errors import ConfigError, ResourceError
from eventcoder.extraction import Extraction
from eventcoder.types import Article, Record

from test_extract import counts, write_corpus
from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray
# ray's command line, from the environment the tests run in (make test runs .venv/bin/python, not a shell
# with the venv on PATH)
RAY_CLI = str(Path(sys.executable).with_name("ray"))

SETTINGS = load_settings(env={}, plugins=["test_pipeline"], pipeline=["test_sentences", "test_shelling", "finalize"])
TEST_STAGES = ["--set", "plugins=[\"test_pipeline\"]",
               "--set", "pipeline=[\"test_sentences\", \"test_shelling\", \"finalize\"]"]
# The workers import the test stages (plugins=["test_pipeline"]) from this process's path; no token file
# under the home directory
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.fixture(scope="module")
def local_ray():
    """A cluster in this process; 4 CPUs, so that the CLI's two actors start beside those of ``on_ray``."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(address="local", num_cpus=4, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": RAY_ENV["PYTHONPATH"]}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def on_ray(local_ray):
    """One RayPipeline (one Dataset, two actors) shared by the tests that run Extraction on it."""
    from eventcoder.batch import RayPipeline

    with RayPipeline(SETTINGS, num_actors=2) as pipeline:
        yield pipeline


def extract(folder, db, pipeline=None, batch_size=2):
    job = Extraction(SETTINGS, db, pipeline=pipeline)
    try:
        events = list(job.run([folder], batch_size=batch_size))
    finally:
        job.close()
    return job.summary, events


def feed(folder: Path, n: int = 20) -> Path:
    path = folder / "feed.jsonl"
    rows = [{"id": f"r{i}", "text": f"Army shelled post {i}. Quiet."} for i in range(n)]
    rows.insert(7, {"id": "boom", "text": "BOOM. Army shelled Hama."})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def event_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_extract_with_ray_matches_in_process(local_ray):
    from eventcoder.batch import extract_with_ray

    articles = [Article(doc_id=f"d{i}", text=f"Artillery shelled village {i}. Calm in town {i}.") for i in range(40)]
    articles.append(Article(doc_id="bad", text="BOOM here. Forces shelled it."))
    local = Pipeline.from_settings(SETTINGS)([Record(article=a) for a in articles])
    remote = extract_with_ray(articles, SETTINGS, num_actors=2, batch_size=8)
    assert [r.model_dump() for r in remote] == [r.model_dump() for r in local]
    assert remote[-1].problems[0].code == "W390" and "RuntimeError" in remote[-1].problems[0].message


def _corpus_folder(tmp_path):
    """The documents' own folder: the databases beside it are no input (ingest lists them as skipped)."""
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def test_ray_gives_the_events_of_one_process_in_input_order(tmp_path, on_ray):
    folder = _corpus_folder(tmp_path)
    write_corpus(folder, n=13)
    (folder / "bad.jsonl").write_text(json.dumps({"id": "boom", "text": "BOOM. Army shelled Hama."}) + "\n")
    one, serial = extract(folder, tmp_path / "one.db")
    many, remote = extract(folder, tmp_path / "ray.db", on_ray)
    assert [e.model_dump() for e in remote] == [e.model_dump() for e in serial]
    assert (many.documents, many.events, many.failed) == (one.documents, one.events, one.failed) == (14, 13, 3)
    assert counts(tmp_path / "ray.db") == counts(tmp_path / "one.db") == (14, 13)


def test_a_rerun_on_ray_adds_nothing_and_keeps_order(tmp_path, on_ray):
    folder = _corpus_folder(tmp_path)
    write_corpus(folder, n=9)
    db = tmp_path / "ev.db"
    _, first = extract(folder, db, on_ray)
    (folder / "more.jsonl").write_text(json.dumps({"id": "new", "text": "Militants shelled Dara."}) + "\n")
    summary, again = extract(folder, db, on_ray)  # stored documents come back between computed batches
    assert summary.skipped == 9 and summary.documents == 10
    assert [e.event_id for e in again if e.doc_id != "new"] == [e.event_id for e in first]
    assert counts(db) == (10, 10)


def test_a_run_stopped_with_batches_in_flight_leaves_the_dataset_usable(tmp_path, on_ray):
    folder = _corpus_folder(tmp_path)
    write_corpus(folder, n=10)
    job = Extraction(SETTINGS, tmp_path / "killed.db", pipeline=on_ray)
    run = job.run([folder], batch_size=1)
    next(run)  # the first batch stored, four more in flight: the run "dies"
    run.close()
    job.close()
    assert counts(tmp_path / "killed.db") == (1, 1)
    _, serial = extract(folder, tmp_path / "one.db")
    _, resumed = extract(folder, tmp_path / "killed.db", on_ray)
    assert [e.event_id for e in resumed] == [e.event_id for e in serial]


def test_call_on_one_batch_returns_the_actors_records(on_ray):
    out = on_ray([Record(article=Article(doc_id="a", text="Army shelled Idlib. Calm in Hama."))])
    assert [e.evidence.text for e in out[0].events] == ["Army shelled Idlib."]


def test_more_actors_than_the_cluster_has_cpus_is_refused_with_the_fix(local_ray):
    from eventcoder.batch import RayPipeline

    with pytest.raises(ConfigError, match=r"\[E107\] --ray 5 .* 4 CPUs\. Pass --ray 4 or fewer"):
        RayPipeline(SETTINGS, num_actors=5).__enter__()


def test_cli_extract_on_ray_stores_like_in_process(local_ray, tmp_path):
    from typer.testing import CliRunner

    from eventcoder.cli import app

    path = feed(tmp_path)
    for name, ray_args in (("ray", ["--ray", "2"]), ("one", [])):
        res = CliRunner().invoke(app, ["extract", str(path), "--db", str(tmp_path / f"{name}.db"), "--out",
                                       str(tmp_path / f"{name}.jsonl"), "-q", *ray_args, *TEST_STAGES])
        assert res.exit_code == 1, res.output  # the BOOM document failed
    assert event_lines(tmp_path / "ray.jsonl") == event_lines(tmp_path / "one.jsonl")
    assert len(event_lines(tmp_path / "one.jsonl")) == 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster_apart():
    """A Ray head started by `ray start` in its own process: the address of an existing cluster.

    Its own temp dir keeps it out of /tmp/ray, where a plain ray.init() elsewhere on the machine would find
    and join it; it is stopped by ending its `--block`ing `ray start`, since `ray stop` stops every Ray
    on the machine.
    """
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="ecray", dir="/tmp")  # short: Ray's socket paths live under it
    head = subprocess.Popen([RAY_CLI, "start", "--head", "--num-cpus", "2", "--port", str(port),
                             "--node-ip-address", "127.0.0.1", "--include-dashboard", "false", "--temp-dir",
                             temp, "--block"], env={**os.environ, **RAY_ENV}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not os.path.exists(os.path.join(temp, "ray_current_cluster")):
            assert head.poll() is None and time.monotonic() < deadline, "ray start did not come up"
            time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        head.terminate()
        head.wait(timeout=60)
        for _ in range(5):  # its processes may still be writing their last files as they go
            shutil.rmtree(temp, ignore_errors=True)
            if not os.path.exists(temp):
                break
            time.sleep(1)


def test_cli_joins_an_existing_cluster_by_flag_or_ray_address(cluster_apart, tmp_path):
    path = feed(tmp_path)
    cli = [sys.executable, "-m", "eventcoder.cli", "extract", str(path), "-q", *TEST_STAGES]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | RAY_ENV
    runs = {"one": ([], env),
            "flag": (["--ray", "2", "--ray-address", cluster_apart], env),
            # the crash of the issue: --ray N with RAY_ADDRESS set passed num_cpus to a cluster that has its own
            "env": (["--ray", "2"], {**env, "RAY_ADDRESS": cluster_apart})}
    for name, (args, run_env) in runs.items():
        res = subprocess.run([*cli, "--db", str(tmp_path / f"{name}.db"), "--out", str(tmp_path / f"{name}.jsonl"),
                              *args], env=run_env, capture_output=True, text=True, timeout=300)
        assert res.returncode == 1, res.stderr  # the BOOM document failed
        assert "W390" in res.stderr and "21 documents" in res.stderr
        # quiet: no Ray INFO lines, progress bars or worker output on the user's terminal
        assert not [line for line in res.stderr.splitlines() if re.search(r"\sINFO\s|Running|\(MapWorker", line)], \
            res.stderr
    assert event_lines(tmp_path / "flag.jsonl") == event_lines(tmp_path / "env.jsonl") \
        == event_lines(tmp_path / "one.jsonl")
    assert len(event_lines(tmp_path / "one.jsonl")) == 20


def test_actors_that_cannot_build_the_pipeline_say_what_failed(local_ray):
    from eventcoder.batch import RayPipeline

    broken = load_settings(env={}, pipeline=["nlp"], nlp={"model": "no_such_spacy_model"})
    with pytest.raises(ResourceError, match=r"\[E231\].*\(ResourceError: \[E202\] spaCy model 'no_such_spacy_model'"
                                            r".*without --ray"):
        RayPipeline(broken, num_actors=2).__enter__()
