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
    remote = {r.doc_id: r for r in extract_with_ray(articles, settings, num_actors=2, batch_size=8)}
    assert set(remote) == set(local)
    assert {d: [e.event_id for e in r.events] for d, r in remote.items()} == local
    assert remote["bad"].problems and remote["bad"].problems[0].code == "W390"
