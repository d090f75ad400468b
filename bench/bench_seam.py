"""Benchmark: what each family of fast paths of the matching seam (and the GC tuning) buys end to end.

Usage: python bench/bench_seam.py [--n 300] [--dev 200] [--repeat 5] [--only literal,words] [--keep DIR]
                                   [--instructions]

Each run is one child process that extracts the bench corpus (bench/make_corpus.py documents plus --dev notes
of ../shared/data/dev/input.jsonl) as ``eventcoder extract --out`` does, with either everything on ("base") or
one family turned off inside the seam (eventcoder/matching/switches.py; "gctune": batch_gc a no-op). Its cost
is the child's CPU time, user + sys (resource.getrusage(RUSAGE_CHILDREN)), which a loaded host disturbs less
than wall time. The runs alternate: each repeat runs base and every variant once, in an order rotated by one
each repeat, and the least time of each is kept (the run the host disturbed least). A family turned off must
not change the events: each variant's events JSONL is compared with base's, byte for byte.

Prints a table: family, least CPU seconds off and on, and what the family saves, (off - on) / on: how much
longer extraction takes without it. A family that saves under 1% has not earned its place (STYLE.md: "One seam
for speed").

On a host loaded by other jobs, CPU time still varies by 10% from run to run. --instructions counts the
instructions each run executes instead (valgrind --tool=cachegrind --cache-sim=no, about 30x slower, the same
count to 0.1% from run to run whatever the load): no stand-in for time (a cache miss costs more than an
instruction), but a steady measure of the work a fast path saves. Every run has PYTHONHASHSEED=0.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from bench_extract import build_corpus  # noqa: E402

FAMILIES = ["literal", "caseless", "words", "anchored", "tree", "gctune"]


def child(family: str, corpus: str, db: str, out: str) -> None:
    """One extraction with ``family`` off ("base": none), in this process; prints its own CPU seconds."""
    sys.path.insert(0, str(REPO / "src"))
    from eventcoder import matching

    if family == "gctune":
        from contextlib import nullcontext

        import eventcoder.extraction
        eventcoder.extraction.batch_gc = nullcontext
    elif family != "base":
        matching.switches.turn_off(family)
    from eventcoder.cli import app

    t0 = time.process_time()
    code = app(["extract", corpus, "--db", db, "--out", out, "-q"], standalone_mode=False)
    print(json.dumps({"extract_cpu": time.process_time() - t0, "exit": code or 0}))


VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def run(family: str, corpus: Path, folder: Path, instructions: bool = False) -> tuple[float, float, Path]:
    """(child CPU seconds or, with ``instructions``, instructions, the extract command's own CPU seconds,
    events JSONL) of one run."""
    db, out = folder / f"{family}.db", folder / f"{family}.events.jsonl"
    for old in folder.glob(f"{family}.db*"):
        old.unlink()
    cmd = [sys.executable, __file__, "--child", family, "--corpus", str(corpus), "--db", str(db), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run((VALGRIND if instructions else []) + cmd, capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"run {family} failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if instructions:
        cpu = int(_REFS.findall(proc.stderr)[-1].replace(",", ""))
    return cpu, json.loads(proc.stdout.strip().splitlines()[-1])["extract_cpu"], out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="generated documents")
    ap.add_argument("--dev", type=int, default=200, help="dev documents to add when ../shared is present")
    ap.add_argument("--repeat", type=int, default=5, help="runs of base and of each variant")
    ap.add_argument("--only", default="", help="comma-separated families to measure (default: all)")
    ap.add_argument("--keep", type=Path, help="keep the corpus and each run's events here")
    ap.add_argument("--instructions", action="store_true", help="count instructions (valgrind), not CPU seconds")
    ap.add_argument("--child")
    ap.add_argument("--corpus")
    ap.add_argument("--db")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.corpus, a.db, a.out)
        return
    families = [f for f in a.only.split(",") if f] or FAMILIES
    unknown = set(families) - set(FAMILIES)
    if unknown:
        sys.exit(f"no such family: {sorted(unknown)}; the families: {FAMILIES}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        corpus = build_corpus(folder, a.n, a.dev)
        docs = sum(1 for _ in open(corpus, encoding="utf-8"))
        variants = ["base"] + families
        unit, what = (1e9, "G instructions") if a.instructions else (1, "s CPU")
        times: dict[str, list[float]] = {v: [] for v in variants}
        own: dict[str, list[float]] = {v: [] for v in variants}
        same: dict[str, bool] = {}
        for r in range(max(1, a.repeat)):
            order = variants[r % len(variants):] + variants[:r % len(variants)]
            for v in order:
                cpu, extract_cpu, out = run(v, corpus, folder, a.instructions)
                times[v].append(cpu)
                own[v].append(extract_cpu)
                print(f"repeat {r + 1} {v:9s} {cpu / unit:7.2f} {what} (extract command {extract_cpu:6.2f} s CPU)",
                      file=sys.stderr, flush=True)
            base_events = (folder / "base.events.jsonl").read_bytes()
            for v in families:
                same[v] = same.get(v, True) and (folder / f"{v}.events.jsonl").read_bytes() == base_events
        base, base_own = min(times["base"]), min(own["base"])
        measure = "instructions (G) of each child" if a.instructions else "CPU (user+sys, s) of each child"
        print(f"corpus: {docs} documents; {a.repeat} runs each, least {measure} kept; "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        print(f"{'family':10s} {'off':>8s} {'on':>8s} {'saves':>7s}  {'paired':>7s}  {'extract':>8s}  same events")
        for v in families:
            off = min(times[v])
            # per repeat, the variant against the base run of the same repeat: the spread shows the noise
            paired = [100 * (t - b) / b for t, b in zip(times[v], times["base"])]
            ext = 100 * (min(own[v]) - base_own) / base_own
            print(f"{v:10s} {off / unit:8.2f} {base / unit:8.2f} {100 * (off - base) / base:6.1f}%  "
                  f"{statistics.median(paired):6.1f}%  {ext:7.1f}%  {'yes' if same[v] else 'NO'}")
        if not all(same.values()):
            sys.exit("a family turned off changed the events: its fast path is not exact")


if __name__ == "__main__":
    main()
