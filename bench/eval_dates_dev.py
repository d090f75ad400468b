"""Event-date accuracy on the dev set, before the classify stage exists.

One placeholder event per document, its evidence the first sentence (ACLED notes put the event there),
through the real nlp and dates stages; then the shared scorer, whose ``event_date`` figure is the measure.

    PYTHONPATH=src python bench/eval_dates_dev.py [--limit N] [--out bench/out/dev-dates.jsonl]

Reads ../shared/data/dev from the repository root; exits 2 when it is absent.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from eventcoder.config import load_settings
from eventcoder.stages.dates import DateResolver
from eventcoder.stages.nlp import SpacyAnnotator
from eventcoder.types import Article, Event, Record

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "dev"
SCORER = ROOT.parent / "shared" / "tools" / "score_events.py"


def placeholder_records(rows: list[dict]) -> list[Record]:
    return [Record(article=Article(doc_id=r["id"], text=r["text"], source=r.get("source", ""),
                                   published=date.fromisoformat(r["published"]) if r.get("published") else None,
                                   published_from="document"))
            for r in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "dev-dates.jsonl"))
    ap.add_argument("--show-misses", type=int, default=0, help="print this many misses (id, gold, predicted)")
    args = ap.parse_args(argv)
    if not DEV.exists():
        print(f"dev set not found at {DEV}", file=sys.stderr)
        return 2
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in (DEV / "input.jsonl").open(encoding="utf-8")]
    if args.limit:
        rows = rows[: args.limit]
    settings = load_settings(env={})
    records = SpacyAnnotator(settings.nlp)(placeholder_records(rows))
    for rec in records:
        first = rec.sentences[0] if rec.sentences else None
        if first is None:
            continue
        rec.events = [Event(doc_id=rec.doc_id, event_type="Strategic developments", sub_event_type="Other",
                            evidence=first)]
    DateResolver(settings.dates)(records)
    with open(args.out, "w", encoding="utf-8") as f:
        for rec in records:
            for ev in rec.events:
                f.write(json.dumps(ev.spec_dict()) + "\n")
    gold = {json.loads(l)["id"]: json.loads(l) for l in (DEV / "gold.jsonl").open(encoding="utf-8")}
    hits, kinds, misses = 0, Counter(), []
    for rec in records:
        g = gold[rec.doc_id]
        pred = rec.events[0].event_date if rec.events else None
        ok = pred == g["event_date"]
        hits += ok
        note = rec.events[0].provenance.get("event_date").note if rec.events else "no event"
        kinds[(note, ok)] += 1
        if not ok:
            misses.append((rec.doc_id, g["event_date"], pred, g["published"], rec.text[:140]))
    print(f"event_date exact (own count): {hits}/{len(records)} = {hits / len(records):.4f}")
    for (note, ok), n in sorted(kinds.items()):
        print(f"  {'ok  ' if ok else 'MISS'} {n:5d}  {note}")
    for m in misses[: args.show_misses]:
        print("  ", *m)
    if SCORER.exists() and not args.limit:
        out = subprocess.run([sys.executable, str(SCORER), str(DEV / "gold.jsonl"), args.out],
                             capture_output=True, text=True)
        print(out.stdout[-3000:], out.stderr[-2000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
