"""The pipeline on local worker processes: one machine's cores, without a Ray cluster.

Each worker builds the pipeline once (spaCy model, gazetteer: about 2 s) and then takes whole batches of
articles; the parent keeps reading documents and storing finished batches while the workers compute, so
the single SQLite writer and the stages overlap. Batches come back in input order.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Optional

from .config import Settings
from .errors import ConfigError, ResourceError
from .gctune import tune_worker
from .pipeline import Pipeline
from .types import Article, Record

_worker_pipeline: Optional[Pipeline] = None
_READY_TIMEOUT_S = 300  # a worker's set-up takes about 2 s; this only keeps a broken start from hanging


# Linux's prctl option that signals a process when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
# How often a worker checks that its parent is alive where the kernel cannot tell it (not Linux).
_WATCH_PARENT_S = 1.0


def _die_with_parent(parent_pid: int, kernel_signal: bool = True) -> None:
    """End this worker when the process that started it ends, however it ends: a killed ``extract``
    (kill -9 included) otherwise left both workers (~245 MB each) and the resource tracker running.

    On Linux the kernel sends SIGKILL as the parent exits (a worker only computes; the parent stores, so
    there is nothing to save; strictly, as the parent's thread that started the worker ends: every worker
    starts in ``ProcessPipeline.__enter__``, on the thread that keeps the pipeline); a watchdog thread covers other systems, and the moment before the signal
    was asked for (the parent may have died already). ``kernel_signal=False`` leaves it to the watchdog.
    """
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc to call: the watchdog alone
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:  # adopted by init or a subreaper: the parent is gone
                os._exit(1)
            time.sleep(_WATCH_PARENT_S)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, name="eventcoder-parent-watch", daemon=True).start()


def _start_worker(settings_json: str, all_ready, parent_pid: int) -> None:
    global _worker_pipeline
    _die_with_parent(parent_pid)  # first: the pipeline takes seconds to build
    _worker_pipeline = Pipeline.from_settings(Settings.model_validate_json(settings_json))
    tune_worker()  # a worker only runs batches: see gctune
    all_ready.wait(timeout=_READY_TIMEOUT_S)


def _ready() -> bool:
    return _worker_pipeline is not None


def _run_batch(articles: list[Article]) -> list[Record]:
    assert _worker_pipeline is not None, "worker started without _start_worker"
    return _worker_pipeline([Record(article=a) for a in articles])


class ProcessPipeline:
    """A drop-in for ``Pipeline`` that runs batches on ``workers`` local processes.

    Use as a context manager. ``__call__(records)`` computes one batch (no overlap); ``map_ordered`` keeps
    up to two batches per worker in flight while the caller stores the earlier ones.
    """

    def __init__(self, settings: Settings, workers: int = 2):
        if workers < 1:
            raise ConfigError(f"workers must be at least 1 (got {workers}). Pass --workers 1 or more")
        self.settings, self.workers = settings, workers
        self._pool: Optional[ProcessPoolExecutor] = None

    def __enter__(self) -> "ProcessPipeline":
        """Starts every worker and returns once all have built their pipeline, so that set-up errors (a
        missing model) surface here and the first batch does not pay for the set-up."""
        # spawn, not fork: the parent holds SQLite connections and progress-bar threads that a fork would copy
        context = multiprocessing.get_context("spawn")
        all_ready = context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_start_worker,
                                         initargs=(self.settings.model_dump_json(), all_ready, os.getpid()))
        # one task per worker: the pool spawns a process for each task that finds no idle worker
        try:
            for started in [self._pool.submit(_ready) for _ in range(self.workers)]:
                started.result()
        except BrokenProcessPool as e:
            self.__exit__()
            raise ResourceError(f"the pipeline's worker processes could not start ({e}); their error is printed "
                                "above. Run `eventcoder check`, or extract without --workers to see it here",
                                code="E230") from e
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _submit(self, articles: list[Article]) -> Future:
        if self._pool is None:
            raise RuntimeError("ProcessPipeline used outside its `with` block")
        return self._pool.submit(_run_batch, articles)

    def __call__(self, records: list[Record]) -> list[Record]:
        """The batch's records as the workers return them (new objects: use the return value)."""
        return self._submit([r.article for r in records]).result()

    def map_ordered(self, items: Iterable[tuple[str, object]]) -> Iterator[tuple[str, object]]:
        """``("batch", [Article])`` items come back as ``("records", [Record])``; any other item passes
        through untouched, in its place in the input order."""
        window: deque[tuple[str, object]] = deque()
        for kind, payload in items:
            window.append(("future", self._submit(payload)) if kind == "batch" else (kind, payload))
            while len(window) > 2 * self.workers:
                yield self._finished(window.popleft())
        while window:
            yield self._finished(window.popleft())

    @staticmethod
    def _finished(item: tuple[str, object]) -> tuple[str, object]:
        kind, payload = item
        return ("records", payload.result()) if kind == "future" else item
