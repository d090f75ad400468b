"""Exports of stored events: JSONL (SPEC.md §2) and CSV."""
from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Optional

from .store.base import EventQuery
from .types import SPEC_FIELDS

FORMATS = ("jsonl", "csv")


@contextmanager
def _open_out(out: Optional[Path]) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            yield fh


def write_export(store, fmt: str, out: Optional[Path], query: Optional[EventQuery] = None) -> int:
    """Write every matching stored event to ``out`` in ``fmt``; returns the number written."""
    if fmt not in FORMATS:
        raise ValueError(f"[E103] unknown export format {fmt!r}. Use one of: {', '.join(FORMATS)}")
    query = query or EventQuery()
    n = 0
    with _open_out(out) as fh:
        if fmt == "jsonl":
            for s in store.iter_events(query):
                fh.write(json.dumps(s.event.spec_dict(), ensure_ascii=False) + "\n")
                n += 1
        else:
            columns = [c for c in SPEC_FIELDS if c != "evidence"] + ["evidence_text", "evidence_start",
                                                                     "evidence_end", "review_status"]
            w = csv.DictWriter(fh, fieldnames=columns)
            w.writeheader()
            for s in store.iter_events(query):
                row = {c: getattr(s.event, c) for c in SPEC_FIELDS if c != "evidence"}
                row.update(evidence_text=s.event.evidence.text, evidence_start=s.event.evidence.start,
                           evidence_end=s.event.evidence.end, review_status=s.review_status)
                w.writerow({k: "" if v is None else v for k, v in row.items()})
                n += 1
    return n
