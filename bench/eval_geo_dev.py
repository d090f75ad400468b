"""Location accuracy of nlp + geocode on the dev notes, before the classify stage exists.

One placeholder event per document whose evidence is the whole note (ACLED notes report one event, usually
in the first sentence), run through the real nlp and geocode stages, then the shared scorer.

    python bench/eval_geo_dev.py [--limit N] [--out dev-geo.jsonl] [--misses misses.tsv]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEV = ROOT.parent / "shared" / "data" / "dev"
SCORER = ROOT.parent / "shared" / "tools" / "score_events.py"


def main() -> None:
    from eventcoder.config import GeocodeSettings, NlpSettings
    from eventcoder.stages.geocode import Geocoder
    from eventcoder.stages.nlp import SpacyAnnotator
    from eventcoder.types import Article, Event, Record, Span

    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", default="/tmp/dev-geo.jsonl")
    ap.add_argument("--misses", default="")
    args = ap.parse_args()
    if not DEV.exists():
        sys.exit(f"{DEV} not found: this harness reads the shared dev set beside the repository")
    rows = [json.loads(ln) for ln in (DEV / "input.jsonl").open(encoding="utf-8")]
    if args.limit:
        rows = rows[: args.limit]
    records = []
    for r in rows:
        pub = date.fromisoformat(r["published"]) if r.get("published") else None
        rec = Record(article=Article(doc_id=r["id"], text=r["text"], published=pub, source=r.get("source", "")))
        rec.events = [Event(doc_id=r["id"], event_type="Battles", sub_event_type="Armed clash",
                            evidence=Span.of(r["text"], 0, len(r["text"])))]
        records.append(rec)
    nlp = SpacyAnnotator(NlpSettings())
    t = time.perf_counter()
    geo = Geocoder(GeocodeSettings())
    load = time.perf_counter() - t
    nlp(records)
    t = time.perf_counter()
    geo(records)
    took = time.perf_counter() - t
    with open(args.out, "w", encoding="utf-8") as f:
        for rec in records:
            for ev in rec.events:
                f.write(json.dumps(ev.spec_dict()) + "\n")
    print(f"geocoder set-up {load:.2f} s; geocode stage {len(records) / took:.0f} docs/s", file=sys.stderr)
    res = subprocess.run([sys.executable, str(SCORER), str(DEV / "gold.jsonl"), args.out, "--json"],
                         capture_output=True, text=True, check=True)
    score = json.loads(res.stdout)
    if args.limit:
        # the scorer counts every gold row; rescale to the documents we ran
        n = len(rows) / 1500
        for k in ("location@25km", "location@161km"):
            score[k] = score[k] / n
    print(json.dumps({k: score[k] for k in ("location@25km", "location@161km", "median_location_error_km")}))
    if args.misses:
        gold = {json.loads(ln)["id"]: json.loads(ln) for ln in (DEV / "gold.jsonl").open(encoding="utf-8")}
        from eventcoder.gazetteer import haversine_km
        with open(args.misses, "w", encoding="utf-8") as f:
            for rec in records:
                g, ev = gold[rec.doc_id], rec.events[0]
                d = (haversine_km(g["latitude"], g["longitude"], ev.latitude, ev.longitude)
                     if ev.latitude is not None else -1)
                if d < 0 or d > 25:
                    note = ev.provenance["location"].note if "location" in ev.provenance else ""
                    f.write("\t".join([rec.doc_id, f"{d:.0f}", g["location"], g["admin2"], g["admin1"],
                                       g["country"], ev.location, ev.admin1, ev.country or "", note[:60],
                                       " ".join(rec.text.split())[:250]]) + "\n")


if __name__ == "__main__":
    main()
