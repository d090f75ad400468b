"""Benchmark ``eventcoder gazetteer import``: rows/s, peak memory, the imported index's size and load time.

    python bench/bench_import.py [FILES ...] [--index /tmp/eventcoder-bench/imported.sqlite] [--base INDEX]

FILES default to the GeoNames-format files of ../shared/data/geonames (25 countries, 625,025 rows); a generated
allCountries-sized file comes from bench/make_geonames.py. The imported index is written to --index (never to
the user cache, so that the geocoder of this machine is not switched to it); it starts from --base, default the
bundled index in the user cache (built when missing). Printed: per file what was kept, then rows/s (all rows
read, kept or not), peak RSS of this process, the index's size, and its load time (open + first lookup).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared" / "data" / "geonames"


def rss_now() -> int:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--index", type=Path, default=Path("/tmp/eventcoder-bench/imported.sqlite"))
    ap.add_argument("--base", type=Path, default=None, help="the bundled index to start from")
    ap.add_argument("--keep", action="store_true", help="add to an existing --index instead of starting again")
    ap.add_argument("--bulk", choices=("auto", "yes", "no"), default="auto", help="drop the name indexes while "
                    "writing")
    args = ap.parse_args()

    from eventcoder.gazetteer import Gazetteer, default_index_path
    from eventcoder.gazetteer.importer import import_dumps

    files = args.files or sorted(SHARED.glob("*.zip"))
    if not files:
        sys.exit(f"no files given and none in {SHARED}")
    base = args.base or default_index_path()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, cpu = time.perf_counter(), time.process_time()
    reports = import_dumps(files, index=args.index, base=base, clear=not args.keep,
                           bulk={"auto": None, "yes": True, "no": False}[args.bulk],
                           progress=lambda what, n: print(f"  {what}: {n:,} ({time.perf_counter() - t:.0f} s, "
                                                          f"{rss_now()} MB)", file=sys.stderr, flush=True))
    took = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(r.rows for r in reports)
    kept = sum(r.kept for r in reports)
    for r in reports if len(reports) <= 5 else []:
        print(r.summary())
    print(f"files: {len(reports)}; rows: {rows:,}; kept: {kept:,} (new {sum(r.new for r in reports):,}, merged "
          f"{sum(r.merged for r in reports):,}, unchanged {sum(r.unchanged for r in reports):,}); malformed: "
          f"{sum(r.malformed for r in reports):,}")
    cpu = time.process_time() - cpu
    print(f"import: {took:.1f} s -> {rows / took:,.0f} rows/s read ({kept / took:,.0f} kept/s); CPU {cpu:.1f} s -> "
          f"{rows / cpu:,.0f} rows/s of CPU (the wall figure is lower on a shared machine); peak RSS {rss:.0f} MB "
          f"(before the import {rss_before:.0f} MB)")

    t = time.perf_counter()
    g = Gazetteer(args.index)
    g.lookup("Aleppo")
    load = time.perf_counter() - t
    stats = g.stats()
    base_size = Path(base).stat().st_size / 2**20
    print(f"index: {args.index} {args.index.stat().st_size / 2**20:,.0f} MB (bundled {base_size:,.0f} MB), "
          f"{int(stats['places']):,} places, {int(stats['names']):,} names; load (open + first lookup) "
          f"{load * 1000:.0f} ms")


if __name__ == "__main__":
    main()
