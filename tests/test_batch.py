"""The pipeline on a real local Ray cluster gives the same events as in-process."""
from __future__ import annotations

import os

import pytest

from eventcoder import Pipeline, load_settings
from eventcoder.types import Article, Record

from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def local_ray():
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(__import__("sys").path)}})
    yield
    ray.shutdown()


def test_ray_matches_in_process(local_ray):
    from eventcoder.batch import extract_with_ray

    settings = load_settings(env={}, plugins=["test_pipeline"],
                             pipeline=["test_sentences", "test_shelling", "finalize"])
    articles = [Article(doc_id=f"d{i}", text=f"Artillery shelled village {i}. Calm in town {i}.") for i in range(40)]
    articles.append(Article(doc_id="bad", text="BOOM here. Forces shelled it."))
    local = {r.doc_id: [e.event_id for e in r.events] for r in Pipeline.from_settings(settings)(
        [Record(article=a) for a in articles])}
    remote_list = extract_with_ray(articles, settings, num_actors=2, batch_size=8)
    assert [r.doc_id for r in remote_list] == [a.doc_id for a in articles]
    remote = {r.doc_id: r for r in remote_list}
    assert set(remote) == set(local)
    assert {d: [e.event_id for e in r.events] for d, r in remote.items()} == local
    assert remote["bad"].problems and remote["bad"].problems[0].code == "W390"


def test_cli_extract_on_ray_stores_like_in_process(local_ray, tmp_path):
    import json

    from typer.testing import CliRunner

    from eventcoder.cli import app

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Army shelled post {i}. Quiet."}) + "\n"
                            for i in range(20)))
    args = ["--set", "plugins=[\"test_pipeline\"]",
            "--set", "pipeline=[\"test_sentences\", \"test_shelling\", \"finalize\"]", "-q"]
    res = CliRunner().invoke(app, ["extract", str(feed), "--db", str(tmp_path / "r.db"), "--out",
                                   str(tmp_path / "r.jsonl"), "--ray", "2", *args])
    assert res.exit_code == 0, res.output
    res2 = CliRunner().invoke(app, ["extract", str(feed), "--db", str(tmp_path / "l.db"), "--out",
                                    str(tmp_path / "l.jsonl"), *args])
    assert res2.exit_code == 0, res2.output
    ids = lambda p: sorted(json.loads(x)["event_id"] for x in p.read_text().splitlines())  # noqa: E731
    assert ids(tmp_path / "r.jsonl") == ids(tmp_path / "l.jsonl") and len(ids(tmp_path / "l.jsonl")) == 20
