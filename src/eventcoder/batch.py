"""Scale-out on Ray Data: the Pipeline as a ``map_batches`` callable class. The only module importing ray.

Each Ray actor builds the pipeline once (spaCy model, gazetteer) and then takes batches of articles; the
driver writes the events (JSONL) and, optionally, stores the records.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Optional

from .config import Settings
from .export import jsonl_line
from .pipeline import Pipeline
from .types import Article, Problem, Record


class PipelineActor:
    """Ray Data callable class: heavy set-up once per actor, then batches in, batches out."""

    def __init__(self, settings_json: str):
        self.pipeline = Pipeline.from_settings(Settings.model_validate_json(settings_json))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        articles = [Article.model_validate_json(a) for a in batch["article"]]
        records = self.pipeline([Record(article=a) for a in articles])
        return {
            "doc_id": [r.doc_id for r in records],
            "events": [json.dumps([e.model_dump(mode="json") for e in r.events]) for r in records],
            "problems": [json.dumps([p.model_dump(mode="json") for p in r.problems]) for r in records],
            "record": [r.model_dump_json() for r in records],
        }


class RayPipeline:
    """A drop-in for ``Pipeline``: ``__call__(records) -> records`` runs on Ray Data actors.

    Use as a context manager; it starts a local Ray cluster unless one is running or ``address`` is given.
    """

    def __init__(self, settings: Settings, *, num_actors: int = 2, batch_size: int = 32,
                 address: Optional[str] = None):
        self.settings, self.num_actors, self.batch_size, self.address = settings, num_actors, batch_size, address
        self._started_here = False

    def __enter__(self) -> "RayPipeline":
        import ray

        if not ray.is_initialized():
            ray.init(address=self.address, num_cpus=None if self.address else self.num_actors,
                     include_dashboard=False, log_to_driver=False)
            self._started_here = True
        return self

    def __exit__(self, *exc) -> None:
        import ray

        if self._started_here:
            ray.shutdown()

    def __call__(self, records: list[Record]) -> list[Record]:
        import ray

        if not records:
            return records
        ds = ray.data.from_items([{"article": r.article.model_dump_json()} for r in records])
        out = ds.map_batches(PipelineActor, fn_constructor_args=(self.settings.model_dump_json(),),
                             batch_size=self.batch_size, concurrency=self.num_actors, num_cpus=1,
                             batch_format="default")
        by_id = {}
        for row in out.iter_rows():
            rec = Record.model_validate_json(row["record"])
            by_id[rec.doc_id] = rec
        # Same order as the input, so a caller cannot tell this from the in-process Pipeline.
        return [by_id.get(r.doc_id, r) for r in records]


def extract_with_ray(articles: Iterable[Article], settings: Settings, *, num_actors: int = 2,
                     batch_size: int = 32, address: Optional[str] = None) -> list[Record]:
    """Run the pipeline over ``articles`` on a Ray cluster (a local one unless ``address`` is given)."""
    with RayPipeline(settings, num_actors=num_actors, batch_size=batch_size, address=address) as rp:
        return rp([Record(article=a) for a in articles])


def write_events_jsonl(records: Iterable[Record], path: Path) -> tuple[int, list[Problem]]:
    """Write every event of the records as SPEC JSONL; return the count and the problems seen."""
    n, problems = 0, []
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            problems.extend(r.problems)
            for e in r.events:
                fh.write(jsonl_line(e.spec_dict()))
                n += 1
    return n, problems
