"""Byte-for-byte comparison of what extraction writes, before and after a change that must not change it.

Usage:
    python bench/compare_outputs.py save BASELINE_DIR     # extract every corpus, keep the outputs there
    python bench/compare_outputs.py check BASELINE_DIR    # extract again, compare with the kept outputs

Corpora: the bundled samples, the generated bench corpus (bench/make_corpus.py, 300 documents), and, when
``../shared`` is beside the repository, the dev notes and the real articles of articles-dev. For each, the
events JSONL that ``extract --out`` writes and a canonical dump of the database's events (the columns that
do not record when or by which run a row was written) are compared. Prints one line per corpus and exits 1
on any difference, naming the first differing line.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "data"
EVENTCODER = [sys.executable, "-m", "eventcoder.cli"]
# Columns written from the clock or the run, not from the text: left out of the comparison.
VOLATILE = {"created_at", "updated_at", "timestamp", "run_id", "extracted_at", "stored_at", "ingested_at"}


def corpora(workdir: Path) -> dict[str, list[str]]:
    made = workdir / "bench-corpus.jsonl"
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(made), "--n", "300"], check=True)
    found = {"samples": [str(REPO / "samples")], "bench-corpus": [str(made)]}
    if (SHARED / "dev" / "input.jsonl").exists():
        found["dev"] = [str(SHARED / "dev" / "input.jsonl")]
    if (SHARED / "articles-dev").is_dir():
        found["articles-dev"] = sorted(str(p) for p in (SHARED / "articles-dev").glob("*.txt"))
    return found


def dump_db(db: Path, out: Path) -> None:
    con = sqlite3.connect(db)
    with open(out, "w", encoding="utf-8") as fh:
        for table in ("events", "documents", "incidents"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in cols if c not in VOLATILE]
            if not keep:
                continue
            order = ", ".join(f'"{c}"' for c in keep)
            for row in con.execute(f"SELECT {order} FROM {table} ORDER BY {order}"):
                line = json.dumps(dict(zip(keep, row)), sort_keys=True, default=str)
                # the checkout's own folder is not output: worktrees of one repository compare equal
                fh.write(table + "\t" + line.replace(str(REPO), "$REPO") + "\n")
    con.close()


def extract_all(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    # a fixed folder, so that the documents' paths are the same in every run
    work = REPO / "bench" / "out" / "compare"
    work.mkdir(parents=True, exist_ok=True)
    for name, inputs in corpora(work).items():
        db = work / f"{name}.db"
        for old in work.glob(f"{name}.db*"):
            old.unlink()
        out = dest / f"{name}.events.jsonl"
        proc = subprocess.run(EVENTCODER + ["extract", *inputs, "--db", str(db), "--out", str(out), "-q"],
                              cwd=REPO, capture_output=True, text=True)
        if proc.returncode not in (0, 1):  # 1: some document failed, which is output too
            sys.exit(f"extract {name} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        (dest / f"{name}.stderr.txt").write_text(_stable(proc.stderr), encoding="utf-8")
        dump_db(db, dest / f"{name}.db.txt")
        print(f"{name}: extracted", flush=True)


def _stable(stderr: str) -> str:
    # progress bars and timings are not output; keep the per-document problem lines
    return "\n".join(line for line in stderr.splitlines() if "[W" in line or "[E" in line) + "\n"


def compare(base: Path, new: Path) -> bool:
    same = True
    for kept in sorted(base.iterdir()):
        fresh = new / kept.name
        if not fresh.exists():
            print(f"DIFF {kept.name}: missing after the change")
            same = False
            continue
        a, b = kept.read_text(encoding="utf-8").splitlines(), fresh.read_text(encoding="utf-8").splitlines()
        if a == b:
            print(f"same {kept.name} ({len(a)} lines)")
            continue
        same = False
        first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print(f"DIFF {kept.name}: {len(a)} -> {len(b)} lines; first difference at line {first + 1}")
        print("  before:", (a[first] if first < len(a) else "<end>")[:400])
        print("  after: ", (b[first] if first < len(b) else "<end>")[:400])
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["save", "check"])
    parser.add_argument("baseline", type=Path)
    args = parser.parse_args()
    if args.mode == "save":
        extract_all(args.baseline)
        return
    with tempfile.TemporaryDirectory() as tmp:
        extract_all(Path(tmp))
        sys.exit(0 if compare(args.baseline, Path(tmp)) else 1)


if __name__ == "__main__":
    main()
