"""An extraction job: inputs -> pipeline -> store, batch by batch, resumable. Used by the CLI and the app.

(Named extraction, not extract: a submodule ``eventcoder.extract`` would replace the function
``eventcoder.extract`` on the package the moment anything imported it.)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from .config import Settings
from .gctune import batch_gc
from .ingest import read_inputs
from .pipeline import Pipeline
from .store import EventQuery, open_store
from .types import Article, Event, Problem, Record


@dataclass
class Summary:
    documents: int = 0
    skipped: int = 0
    events: int = 0
    failed: int = 0
    warnings: int = 0


class Extraction:
    """Runs the pipeline over inputs and stores each batch in one transaction.

    Documents already stored with the same content are skipped (their stored events are still yielded), so
    a killed run started again resumes without duplicates.
    """

    def __init__(self, settings: Settings, db: Union[str, Path], version: str = "", store=None,
                 pipeline: Optional[Callable[[list[Record]], list[Record]]] = None):
        """Args:
            settings: the resolved settings (stored with the run).
            db: the database path, unless ``store`` is given.
            pipeline: anything that maps a batch of records to records: the in-process ``Pipeline``
                (default) or ``batch.RayPipeline``.
        """
        self.settings = settings
        self.store = store if store is not None else open_store(db)
        self.pipeline = pipeline or Pipeline.from_settings(settings)
        self.run_id = self.store.start_run(settings.model_dump_json(), version)
        self.summary = Summary()

    def _count(self, problems: Iterable[Problem], on_problem) -> None:
        for p in problems:
            if p.severity == "error":
                self.summary.failed += 1
            else:
                self.summary.warnings += 1
            if on_problem:
                on_problem(p)

    def run(self, inputs: Iterable[Union[str, Path]], published: Optional[date] = None, batch_size: int = 32,
            force: bool = False, on_batch: Optional[Callable[[int, int], None]] = None,
            on_problem: Optional[Callable[[Problem], None]] = None) -> Iterator[Event]:
        """Yield every event of the inputs, storing as it goes."""
        work = self._work(inputs, published, batch_size, force, on_problem)
        # A pipeline that can keep batches in flight (ProcessPipeline) computes the next ones while this
        # process stores the last; any other computes each batch when asked.
        mapped = self.pipeline.map_ordered(work) if hasattr(self.pipeline, "map_ordered") else self._map(work)
        with batch_gc():  # the set-up frozen, fewer collections (docs/performance.md#the-matching-seam)
            for kind, payload in mapped:
                if kind == "stored":
                    yield from payload
                else:
                    yield from self._flush(payload, on_batch, on_problem)
        self.store.finish_run(self.run_id, self.summary.documents, self.summary.events,
                              self.summary.failed + self.summary.warnings)

    def _map(self, work: Iterator[tuple[str, list]]) -> Iterator[tuple[str, list]]:
        """Each ``("batch", [Article])`` through the pipeline as ``("records", [Record])``, in this process."""
        for kind, payload in work:
            yield ("records", self.pipeline([Record(article=a) for a in payload])) if kind == "batch" else (kind, payload)

    def _work(self, inputs, published, batch_size: int, force: bool, on_problem) -> Iterator[tuple[str, list]]:
        """``("batch", [Article])`` to extract, and ``("stored", [Event])`` for a document stored unchanged."""
        batch: list[Article] = []
        for item in read_inputs(inputs, published=published):
            if isinstance(item, Problem):
                self.store.add_problems([item], self.run_id)
                self._count([item], on_problem)
                continue
            if not force and self.store.has_document(item.doc_id, item.content_hash):
                self.summary.documents += 1
                self.summary.skipped += 1
                stored = self.store.query_events(EventQuery(doc_id=item.doc_id, limit=10_000))
                self.summary.events += len(stored)
                yield "stored", [s.event for s in stored]
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                yield "batch", batch
                batch = []
        if batch:
            yield "batch", batch

    def process_articles(self, articles: list[Article], username: str = "", replace: bool = True) -> list[Record]:
        """Extract and store a list of articles (the upload path of the app).

        Args:
            username: who uploaded them (the change log's and the replaced versions' name).
            replace: False leaves a stored document with the same id and other content as it is
                (a reviewer's upload never replaces another document).
        """
        records = self.pipeline([Record(article=a) for a in articles])
        if records:
            self.store.add_records(records, self.run_id, username=username, replace=replace)
        return records

    def _store(self, records: list[Record]) -> None:
        if records:
            self.store.add_records(records, self.run_id)

    def _flush(self, records: list[Record], on_batch, on_problem) -> Iterator[Event]:
        self._store(records)
        n_events = 0
        for r in records:
            self._count(r.problems, on_problem)
            n_events += len(r.events)
            yield from r.events
        self.summary.documents += len(records)
        self.summary.events += n_events
        if on_batch:
            on_batch(len(records), n_events)

    def close(self) -> None:
        self.store.close()
