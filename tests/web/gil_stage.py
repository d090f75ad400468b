"""A test stage that holds the GIL in C, as spaCy's tokenizer and a large JSON load do: for each document
saying ``HOLD n``, n seconds of regular-expression backtracking, each call about 0.3 s without giving the GIL
back. A plugin module (``plugins=["web.gil_stage"]``): the app's extraction process imports it itself."""
from __future__ import annotations

import re
import time

from eventcoder.registry import stage

_BACKTRACK = re.compile(r"(a|aa)*c")  # no match on a run of a's: exponential backtracking, all inside re


def _calibrated_run(target_s: float = 0.3) -> str:
    n = 20
    while True:
        t = time.perf_counter()
        _BACKTRACK.fullmatch("a" * n)
        if time.perf_counter() - t >= target_s or n >= 40:
            return "a" * n
        n += 1


@stage("test_gil_hold", requires=("record.events",), assigns=())
class GilHolder:
    def __init__(self, settings=None):
        self.run = None

    def __call__(self, records):
        for r in records:
            m = re.search(r"HOLD (\d+)", r.text)
            if not m:
                continue
            self.run = self.run or _calibrated_run()
            end = time.monotonic() + int(m.group(1))
            while time.monotonic() < end:
                _BACKTRACK.fullmatch(self.run)
        return records
