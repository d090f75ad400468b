"""Score the event and actor stages on the dev records (../shared/data/dev), honestly.

    python bench/eval_dev.py                 # bundled model (trained on all of dev: optimistic, for reference)
    python bench/eval_dev.py --cv 5          # each record typed by a model that never saw it (the figure to report)
    python bench/eval_dev.py --rules-only    # the trigger lexicon alone

Runs nlp -> actors -> classify -> geocode -> dates -> finalize over the dev inputs (the places and dates are
read because finalize codes some actors by them), writes events JSONL and scores it with
eventcoder.evaluate (the same matching as ../shared/tools/score_events.py). The nlp output is cached
under --cache so that iterating on rules does not re-run spaCy.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventcoder.config import load_settings  # noqa: E402
from eventcoder.evaluate import evaluate, print_report  # noqa: E402
from eventcoder.ingest import article_from_text, read_inputs  # noqa: E402
from eventcoder.registry import get_stage  # noqa: E402
from eventcoder.types import Record  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "dev"


def nlp_records(cache: Path) -> list[Record]:
    if cache.exists():
        return [Record.model_validate_json(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    settings = load_settings(pipeline=["nlp"])
    nlp = get_stage("nlp").cls(settings.nlp)
    records = []
    for a in read_inputs([str(DEV / "input.jsonl")]):
        if not a.text.strip() and a.raw.strip():
            # ingest on main takes a one-line note for a title and leaves the body empty (reported to
            # the lead); read such a note whole so that the event stages are measured on its text
            a = article_from_text(a.doc_id, a.raw, published=a.published, source=a.source, strip_header=False)
            print(f"note: {a.doc_id} read without header stripping", file=sys.stderr)
        records.append(Record(article=a))
    for i in range(0, len(records), 64):
        nlp(records[i:i + 64])
    cache.write_text("\n".join(r.model_dump_json() for r in records), encoding="utf-8")
    return records


def folds_of(records: list[Record], k: int, seed: int = 13) -> list[int]:
    """A fold for each record. Records with the same text share a fold: dev repeats some notes up to five
    times (one per event a coder drew from them), and a copy in the training folds would leak its label."""
    texts = sorted({" ".join(r.text.split()) for r in records})
    random.Random(seed).shuffle(texts)
    fold_of_text = {t: n % k for n, t in enumerate(texts)}
    return [fold_of_text[" ".join(r.text.split())] for r in records]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cv", type=int, default=0, help="k-fold: type each fold with a model trained on the others")
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--out", default="/tmp/evx-dev-events.jsonl")
    ap.add_argument("--cache", default="/tmp/evx-dev-nlp.jsonl")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not (DEV / "input.jsonl").exists():
        sys.exit(f"dev set not found at {DEV}; it lives in ../shared beside the repository")
    records = nlp_records(Path(a.cache))
    settings = load_settings(pipeline=["actors", "classify", "geocode", "dates", "finalize"])
    from eventcoder.stages.actors import ActorResolver
    from eventcoder.stages.classify import EventClassifier, EventTyper
    from eventcoder.stages.finalize import Finalizer
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_type_model import gold_labels, train_model

    t0 = time.perf_counter()
    actors = ActorResolver(settings.actors)
    actors(records)
    finalizer = Finalizer(settings.finalize)
    if a.rules_only or not a.cv:
        typer = EventTyper(settings.classify, EventClassifier(settings.classify, model=None) if a.rules_only else None)
        typer(records)
    else:
        labels = gold_labels(DEV / "gold.jsonl")
        fold = folds_of(records, a.cv)
        base = EventClassifier(settings.classify, model=None)
        for k in range(a.cv):
            train = [r for r, f in zip(records, fold) if f != k]
            model = train_model(base, train, labels)
            clf = EventClassifier(settings.classify, lexicon=base.lexicon, model=model)
            EventTyper(settings.classify, clf)([r for r, f in zip(records, fold) if f == k])
    for name in ("geocode", "dates"):
        stage = get_stage(name).cls(getattr(settings, name))
        for i in range(0, len(records), 64):
            stage(records[i:i + 64])
    finalizer(records)
    with open(a.out, "w", encoding="utf-8") as fh:
        for r in records:
            for ev in r.events:
                fh.write(json.dumps(ev.model_dump(mode="json")) + "\n")
    report = evaluate(DEV / "gold.jsonl", a.out)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report)
        print(f"mode: {'rules only' if a.rules_only else f'{a.cv}-fold held-out model' if a.cv else 'bundled model'}; "
              f"{report['seconds']} s")


if __name__ == "__main__":
    main()
