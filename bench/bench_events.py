"""Speed of nlp -> actors -> classify -> finalize against bare spaCy-sm ``nlp.pipe``, same texts, same run.

    python bench/bench_events.py [--limit 1500] [--repeat 2]

Texts: the dev notes (../shared/data/dev/input.jsonl) and, when present, the seed article. Prints docs/s of
each and the ratio (goal: the pipeline >= 3x bare spaCy-sm with all its components). Set-up (loading
models, the dictionary, the type model) is timed apart and not in the ratio: it is paid once per worker.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventcoder.config import load_settings  # noqa: E402
from eventcoder.pipeline import Pipeline  # noqa: E402
from eventcoder.types import Article, Record  # noqa: E402

SHARED = ROOT.parent / "shared"


def texts(limit: int) -> list[str]:
    out = []
    dev = SHARED / "data" / "dev" / "input.jsonl"
    if dev.exists():
        with open(dev, encoding="utf-8") as fh:
            out = [json.loads(line)["text"] for line in fh if line.strip()]
    seed = SHARED / "seed" / "syria-direct-2015-10-13.txt"
    if seed.exists():
        out.append(seed.read_text(encoding="utf-8"))
    if not out:
        sys.exit(f"no texts: {SHARED} (dev notes, seed article) is not present")
    return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=2, help="best of N timings of each side")
    a = ap.parse_args()
    docs = texts(a.limit)
    words = sum(len(t.split()) for t in docs)
    import spacy

    t0 = time.perf_counter()
    bare = spacy.load(load_settings().nlp.model)
    setup_bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipe = Pipeline.from_settings(load_settings(pipeline=["nlp", "actors", "classify", "finalize"]))
    setup_ours = time.perf_counter() - t0

    def run_bare() -> float:
        t = time.perf_counter()
        for _ in bare.pipe(docs, batch_size=64):
            pass
        return time.perf_counter() - t

    def run_ours() -> float:
        records = [Record(article=Article(doc_id=f"d{i}", text=t)) for i, t in enumerate(docs)]
        t = time.perf_counter()
        for i in range(0, len(records), 64):
            pipe(records[i:i + 64])
        return time.perf_counter() - t

    t_bare = min(run_bare() for _ in range(a.repeat))
    t_ours = min(run_ours() for _ in range(a.repeat))
    n = len(docs)
    print(f"texts: {n} documents, {words:,} words")
    print(f"bare spaCy-sm nlp.pipe (all components): {n / t_bare:8.1f} docs/s  ({t_bare:.2f} s; load {setup_bare:.1f} s)")
    print(f"eventcoder nlp+actors+classify+finalize: {n / t_ours:8.1f} docs/s  ({t_ours:.2f} s; set-up {setup_ours:.1f} s)")
    print(f"ratio (eventcoder / bare spaCy): {t_bare / t_ours:.2f}x")


if __name__ == "__main__":
    main()
