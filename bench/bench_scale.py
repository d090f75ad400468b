"""Benchmark: `eventcoder extract` in one process, on `--workers N` local processes and on `--ray N` Ray actors.

Usage: python bench/bench_scale.py [--n 300] [--dev 200] [--cpus 2] [--repeat 3] [--before OLD/src]

Each run is the whole command in a fresh process, timed from start to exit: interpreter start, model loads,
worker and Ray start-up, extraction and storing. So docs/s here is what a user waits for, and the set-up of
workers or of a local Ray cluster counts against them. The modes run in turn, --repeat times, and the best
time of each is kept (the run the noisy host disturbed least); the ratios are to the one-process figure of
the same invocation. Every mode must give the same JSONL as one process, or the benchmark fails.

--before OLD/src also times one process and `--ray N` with the eventcoder package of an older checkout
(for example `git archive COMMIT src | tar -x -C /tmp/old`, then --before /tmp/old/src), to compare with the
Ray adapter before this one. The corpus: N generated documents
(bench/make_corpus.py) plus up to --dev documents of ../shared/data/dev/input.jsonl when present.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_extract import build_corpus  # noqa: E402 - the same corpus as bench_extract


def run_mode(src: Path, corpus: Path, docs: int, tmp: Path, name: str, args: list[str],
             batch_size: int) -> tuple[float, str]:
    """Seconds the whole `eventcoder extract` took, and its JSONL."""
    out, db = tmp / f"{name}.jsonl", tmp / f"{name}.db"
    db.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.setdefault("RAY_AUTH_MODE", "disabled")  # no token file under the home directory
    cmd = [sys.executable, "-m", "eventcoder.cli", "extract", str(corpus), "--db", str(db), "--out", str(out),
           "--batch-size", str(batch_size), "-q", *args]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    # exit code 1 is also a failed document (the comparison of events catches those): what must be there is
    # the summary line of a run to its end
    if res.returncode not in (0, 1) or f"{docs} documents (" not in res.stderr:
        sys.exit(f"{name} did not extract the {docs} documents ({res.returncode}):\n{res.stderr[-3000:]}")
    return seconds, out.read_text()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="generated documents")
    ap.add_argument("--dev", type=int, default=200, help="dev documents to add when ../shared is present")
    ap.add_argument("--cpus", type=int, default=2, help="--workers and --ray of the scaled modes")
    ap.add_argument("--batch-size", type=int, default=32, help="extract --batch-size of every mode")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each mode; the best time of each is kept")
    ap.add_argument("--before", type=Path, help="src folder of an older checkout: also time its --ray")
    a = ap.parse_args()
    modes = [("one process", REPO / "src", []),
             (f"--workers {a.cpus}", REPO / "src", ["--workers", str(a.cpus)]),
             (f"--ray {a.cpus}", REPO / "src", ["--ray", str(a.cpus)])]
    if a.before:  # its stages may differ too: its events are checked against its own one process
        modes += [(f"one process ({a.before})", a.before.resolve(), []),
                  (f"--ray {a.cpus} ({a.before})", a.before.resolve(), ["--ray", str(a.cpus)])]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = build_corpus(tmp, a.n, a.dev)
        with open(corpus, encoding="utf-8") as fh:
            docs = sum(1 for _ in fh)
        best: dict[str, float] = {}
        expected: dict[Path, str] = {}  # the JSONL of one process, by source folder
        for _ in range(max(1, a.repeat)):
            for i, (name, src, args) in enumerate(modes):
                seconds, events = run_mode(src, corpus, docs, tmp, f"mode{i}", args, a.batch_size)
                if expected.setdefault(src, events) != events:
                    sys.exit(f"{name} gave other events than one process of the same source")
                best[name] = min(best.get(name, seconds), seconds)
                print(f"  {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    one_of = {}  # source folder -> its one-process docs/s, the figure its modes' ratios are to
    for name, src, args in modes:
        one_of.setdefault(src, docs / best[name])
    print(f"corpus: {docs} documents, {expected[REPO / 'src'].count(chr(10))} events; whole command timed, best of "
          f"{max(1, a.repeat)} runs of each mode; {os.cpu_count()} CPUs on this host, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    for name, src, _ in modes:
        rate = docs / best[name]
        print(f"{name:<44} {best[name]:7.1f} s  {rate:7.1f} docs/s  {rate / one_of[src]:5.2f}x its one process")


if __name__ == "__main__":
    main()
