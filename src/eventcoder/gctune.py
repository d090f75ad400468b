"""Garbage-collector settings for a long batch job (extraction in the CLI, a worker process).

A batch makes hundreds of thousands of short-lived objects (pydantic models, spans, SQL rows), and each
collection with the default thresholds re-scanned the long-lived objects of the set-up (spaCy model,
dictionaries, gazetteer index). Freezing the set-up leaves them out; collecting the young generation every
200,000 allocations instead of 700 lets a batch's objects be freed by reference counting before any
collection scans them. Cyclic garbage waits longer, at most some tens of MB. Nothing is computed differently:
only when cyclic garbage is freed. What it saves: docs/performance.md#the-matching-seam.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

YOUNG_THRESHOLD = 200_000
OLDER_THRESHOLDS = (10, 10)


@contextmanager
def batch_gc() -> Iterator[None]:
    """Within the block: what exists on entry is frozen (left out of collections), the young generation is
    collected less often; on exit both are undone."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def tune_worker() -> None:
    """In a process that only runs batches (a worker), for its whole life: freeze the set-up, collect less."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
