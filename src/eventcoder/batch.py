"""Scale-out on Ray Data: the Pipeline as a ``map_batches`` callable class. The only module importing ray.

Each Ray actor builds the pipeline once (spaCy model, gazetteer) and then takes batches of articles; the
driver writes the events (JSONL) and, optionally, stores the records.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from .config import Settings
from .pipeline import Pipeline
from .types import Article, Event, Problem, Record


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


def extract_with_ray(articles: Iterable[Article], settings: Settings, *, num_actors: int = 2,
                     batch_size: int = 32, address: Optional[str] = None) -> Iterator[Record]:
    """Run the pipeline over ``articles`` on a Ray cluster (a local one unless ``address`` is given).

    Yields the processed records (their events and problems), in no guaranteed order.
    """
    import ray

    started_here = False
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else num_actors, include_dashboard=False,
                 log_to_driver=False, ignore_reinit_error=True)
        started_here = True
    try:
        items = [{"article": a.model_dump_json()} for a in articles]
        if not items:
            return
        ds = ray.data.from_items(items)
        out = ds.map_batches(PipelineActor, fn_constructor_args=(settings.model_dump_json(),),
                             batch_size=batch_size, concurrency=num_actors, num_cpus=1, batch_format="default")
        for row in out.iter_rows():
            yield Record.model_validate_json(row["record"])
    finally:
        if started_here:
            ray.shutdown()


def write_events_jsonl(records: Iterable[Record], path: Path) -> tuple[int, list[Problem]]:
    """Write every event of the records as SPEC JSONL; return the count and the problems seen."""
    n, problems = 0, []
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            problems.extend(r.problems)
            for e in r.events:
                fh.write(json.dumps(Event.spec_dict(e), ensure_ascii=False) + "\n")
                n += 1
    return n, problems
