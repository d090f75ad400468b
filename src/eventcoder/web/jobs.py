"""Upload jobs: extraction runs on one worker thread behind a bounded queue, never on the server's event loop.

An upload used to run the pipeline inside its request handler, on the event loop: a 15 KB paste froze every
request of every user (GET /login too) for 18.5 s, a 200,000-character one for 47 s. Now the handler reads
the form, queues a job and answers at once; the upload page polls the job's status (queued, running, done,
failed, with counts). One worker thread keeps a single pipeline in memory (spaCy, gazetteer) and the
store's one writer busy; the queue holds ``upload_queue`` jobs, and one more is refused (503) rather than
held in memory. The thread shares the GIL with the event loop, which gets it back at least every 5 ms
(``sys.getswitchinterval``): pages stay responsive while an upload is extracted.
"""
from __future__ import annotations

import queue
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

STATES = ("queued", "running", "done", "failed")
KEEP_FINISHED = 200  # finished jobs remembered for their status page, oldest dropped first


class QueueFull(Exception):
    """Every queue slot is taken: the upload is refused (503) rather than held in memory."""


@dataclass
class Job:
    """One upload: its articles (until it runs), its state and what it produced so far."""

    job_id: str
    username: str
    articles: list[Any]
    problems: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    state: str = "queued"
    total: int = 0
    processed: int = 0
    events: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    created: float = field(default_factory=time.time)
    started: Optional[float] = None
    finished: Optional[float] = None

    def status(self) -> dict[str, Any]:
        """What the upload page shows and polls: state and counts, the documents done so far."""
        return {"job_id": self.job_id, "state": self.state, "documents": self.total, "processed": self.processed,
                "events": self.events, "problems": list(self.problems), "error": self.error,
                "results": list(self.results), "created": self.created, "started": self.started,
                "finished": self.finished}


class UploadQueue:
    """A bounded queue of upload jobs and the one thread that runs them, oldest first.

    Args:
        run: ``run(job)`` extracts ``job.articles`` and updates the job's counts as it goes; an exception
            fails the job with its message.
        max_queued: jobs waiting at most (the running one not counted).
    """

    def __init__(self, run: Callable[[Job], None], max_queued: int = 4):
        self._run = run
        self._queue: queue.Queue[Optional[Job]] = queue.Queue(maxsize=max_queued)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def submit(self, username: str, articles: list[Any], problems: list[str], **options: Any) -> Job:
        job = Job(job_id=secrets.token_urlsafe(12), username=username, articles=articles, problems=problems,
                  options=options, total=len(articles))
        with self._lock:
            if not articles:  # nothing to extract: done at once, no slot taken
                job.state, job.started, job.finished = "done", job.created, job.created
            else:
                try:
                    self._queue.put_nowait(job)
                except queue.Full:
                    raise QueueFull() from None
                self._start()
            self._jobs[job.job_id] = job
            self._forget_old()
        return job

    def get(self, job_id: str) -> Optional[Job]:
        with self._lock:
            return self._jobs.get(job_id)

    def waiting(self) -> int:
        return self._queue.qsize()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the job it runs (queued ones are dropped)."""
        thread = self._thread
        if thread is None:
            return
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        thread.join(timeout)
        self._thread = None

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="eventcoder-upload", daemon=True)
            self._thread.start()

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
        for k in finished[:max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[k]

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            job.state, job.started = "running", time.time()
            state = "failed"
            try:
                self._run(job)
                state = "done"
            except Exception as e:  # noqa: BLE001 - any failure of a job is that job's, the worker goes on
                job.error = str(e) or type(e).__name__
            finally:
                job.articles = []  # the texts are stored (or failed): do not keep them in memory
                job.finished = time.time()
                job.state = state


def summarise(records: list) -> list[dict[str, Any]]:
    """What the upload page shows of each extracted document (small: it crosses from the child process)."""
    return [{"doc_id": r.article.doc_id, "title": r.article.title, "events": [e.event_id for e in r.events],
             "problems": [str(p) for p in r.problems]} for r in records]


class ThreadExtractor:
    """Extraction on the upload worker thread, into the app's own store (``web.upload_process = false``, or
    a store in memory that no other process can open)."""

    def __init__(self, settings, store):
        self.settings, self.store, self._extraction = settings, store, None

    def extract(self, articles: list, username: str, replace: bool) -> list[dict[str, Any]]:
        if self._extraction is None:
            from ..extraction import Extraction

            self._extraction = Extraction(self.settings, "", store=self.store)
        return summarise(self._extraction.process_articles(articles, username=username, replace=replace))

    def close(self) -> None:
        pass


class ProcessExtractor:
    """Extraction in one child process that opens the store itself and sends back only a summary.

    A thread was not enough: loading spaCy and the gazetteer, spaCy's tokenizer over a long document, and
    unpickling the records of one (4 MB for 500 events) run in C without giving the GIL back, so GET /login
    waited up to 1.2 s behind a 200,000-character upload on a thread (21 ms median), and 0.33 s when the
    child sent its records back to be stored here. The child is spawned on the first batch, builds the
    pipeline and its store connection once, and keeps them for the next uploads.
    """

    def __init__(self, settings, target: str):
        self._settings_json, self._target, self._pool = settings.model_dump_json(), target, None

    def extract(self, articles: list, username: str, replace: bool) -> list[dict[str, Any]]:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        from multiprocessing import get_context

        if self._pool is None:
            # spawn, not fork: the app holds a database connection and threads that a fork would copy
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                             initializer=_yield_cpu)
        try:
            return self._pool.submit(_extract_in_child, self._settings_json, self._target, articles, username,
                                     replace).result()
        except BrokenProcessPool:
            self.close()
            raise RuntimeError("the extraction process stopped (out of memory?); the next upload starts a new "
                               "one. Split the upload into smaller files") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


_child_extraction = None
CHILD_NICENESS = 10  # the scheduler favours the web server's requests over a long extraction


def _yield_cpu() -> None:
    import os

    try:
        os.nice(CHILD_NICENESS)
    except OSError:  # a platform without nice: the child runs at the server's priority
        pass


def _extract_in_child(settings_json: str, target: str, articles: list, username: str,
                      replace: bool) -> list[dict[str, Any]]:
    """In the child: the extraction (built on the first call) over one batch, stored by the child. A failure
    comes back as a plain RuntimeError with the message, which always pickles (an EvxError's arguments do
    not round-trip)."""
    global _child_extraction
    try:
        if _child_extraction is None:
            from ..config import Settings
            from ..extraction import Extraction

            _child_extraction = Extraction(Settings.model_validate_json(settings_json), target)
        return summarise(_child_extraction.process_articles(articles, username=username, replace=replace))
    except Exception as e:  # noqa: BLE001 - the parent shows it on the job's page
        raise RuntimeError(str(e) or type(e).__name__) from None
