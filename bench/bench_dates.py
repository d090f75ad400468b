"""Speed of the dates and attribution stages, as ratios against baselines measured in the same run.

1. DateFinder over the dev notes vs dateparser's ``search_dates`` (languages=["en"], the publication date as
   RELATIVE_BASE) over the same notes: how many times faster our recogniser is.
2. dates + attribution stages over records (sentences and one event each) vs bare spaCy-sm ``nlp.pipe`` over
   the same texts: the share of spaCy's cost these two stages add.

    PYTHONPATH=src python bench/bench_dates.py [--limit 300]

Reads ../shared/data/dev from the repository root; exits 2 when it is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from eventcoder.config import load_settings
from eventcoder.stages.attribution import Attributor
from eventcoder.stages.dates import DateFinder, DateResolver
from eventcoder.stages.nlp import SpacyAnnotator, load_spacy
from eventcoder.types import Event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_dates_dev import DEV, placeholder_records  # noqa: E402


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=300, help="dev notes to use (dateparser is slow)")
    args = ap.parse_args(argv)
    if not DEV.exists():
        print(f"dev set not found at {DEV}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in (DEV / "input.jsonl").open(encoding="utf-8")][: args.limit]
    settings = load_settings(env={})

    import dateparser.search

    finder = DateFinder(settings.dates)
    pairs = [(r["text"], datetime.fromisoformat(r["published"])) for r in rows]
    ours = timed(lambda: [finder.find(t, p.date()) for t, p in pairs])
    theirs = timed(lambda: [dateparser.search.search_dates(t, languages=["en"], settings={"RELATIVE_BASE": p})
                            for t, p in pairs])
    print(f"{len(rows)} notes: DateFinder {ours:.3f}s, dateparser.search_dates {theirs:.3f}s: "
          f"{theirs / ours:.1f}x faster")

    import spacy

    full = spacy.load(settings.nlp.model)  # bare spaCy-sm, every component: the project's speed baseline
    texts = [r["text"] for r in rows]
    bare = timed(lambda: list(full.pipe(texts, batch_size=64)))
    nlp = load_spacy(settings.nlp)
    records = SpacyAnnotator(settings.nlp, nlp=nlp)(placeholder_records(rows))
    for rec in records:
        rec.events = [Event(doc_id=rec.doc_id, event_type="Strategic developments", sub_event_type="Other",
                            evidence=rec.sentences[0])]
    resolver, attributor = DateResolver(settings.dates), Attributor(settings.attribution)
    stages = timed(lambda: attributor(resolver(records)))
    print(f"dates+attribution {stages:.3f}s vs bare spaCy nlp.pipe {bare:.3f}s (all components): "
          f"the two stages cost {stages / bare:.3f}x of spaCy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
