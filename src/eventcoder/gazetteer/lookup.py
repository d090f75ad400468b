"""Reading the index: ``Gazetteer`` (lookups, search, countries and capitals), ``Candidate``, the shared
per-process instance and the probe ``eventcoder check`` runs."""
from __future__ import annotations

import math
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np

from ..errors import ResourceError
from .index import INDEX_VERSION, build, current_index_path, imported_index_path
from .names import _bare, _char_mask, _hash, fold, skeleton, spelling

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


# --------------------------------------------------------------------------------------------- read

class Gazetteer:
    """A read-only view of the SQLite index. Cheap to open; lookups are cached."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        fix = _fix(self.path)
        if not self.path.exists():
            raise ResourceError(f"gazetteer index not found at {self.path}. {fix}")
        # read-only, shareable across threads of one worker (the web app's place search)
        self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            version = self.con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise ResourceError(f"gazetteer index {self.path} is unreadable ({e}). {fix}") from e
        if not version or version[0] != INDEX_VERSION:
            raise ResourceError(f"gazetteer index {self.path} is version {version and version[0]}, this "
                                f"eventcoder reads {INDEX_VERSION}. {fix}")
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
        """Open the index at ``path``, building it first when it is missing. Without a path: the imported index
        (``eventcoder gazetteer import``) when there is one, else the default index in the user cache."""
        p = Path(path) if path else current_index_path()
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

    def imports(self) -> list[dict]:
        """The GeoNames dumps imported into this index (none for the bundled index): name, rows, kept,
        names, imported (UTC), oldest first."""
        try:
            rows = self.con.execute("SELECT name, rows, kept, names, imported FROM import_file "
                                    "ORDER BY imported, name").fetchall()
        except sqlite3.OperationalError:  # the bundled index has no import tables
            return []
        return [dict(zip(("name", "rows", "kept", "names", "imported"), r)) for r in rows]

    def describe(self) -> str:
        """One line for people: the file, its places and the dumps it holds."""
        text = f"gazetteer index {self.path}: {int(self.stats().get('places', 0)):,} places"
        dumps = self.imports()
        if not dumps:
            return text + " (bundled: GeoNames cities500 and our own toponyms; no GeoNames dumps imported)"
        return text + " (bundled + GeoNames dumps: " + "; ".join(
            f"{d['name']} {d['rows']:,} rows" + (f", {d['kept']:,} kept" if d["kept"] else "")
            + (f", {d['names']:,} names" if d["names"] else "") + f", imported {d['imported'][:10]}"
            for d in dumps) + ")"

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
    key = str(Path(path) if path else current_index_path())
    if key not in _DEFAULT:
        _DEFAULT[key] = Gazetteer.open(path)
    return _DEFAULT[key]


def _fix(path: Path) -> str:
    """How to make an index at ``path`` again: an imported one by importing, any other by building."""
    if path.name == imported_index_path().name:
        return (f"Import the GeoNames dumps again: eventcoder gazetteer import --clear FILES (or delete {path}: "
                f"the geocoder then reads the bundled index)")
    return f"Rebuild it with: eventcoder gazetteer build --out {path}"


def search(query: str, limit: int = 10, country: Optional[str] = None) -> list[dict]:
    """Place search for the review app: up to ``limit`` places as plain dicts, best first."""
    return [c.__dict__.copy() for c in default_gazetteer().search(query, limit=limit, country=country)]


def check(path: str | Path | None = None) -> tuple[bool, str]:
    """Probe for ``eventcoder check``: is the index there, current and readable?"""
    p = Path(path) if path else current_index_path()
    if not p.exists():
        # not a failure: the geocode stage builds it on first use
        return True, (f"gazetteer index not built yet at {p}; the geocode stage builds it on first use "
                      f"(about 30 s). To build it now: eventcoder gazetteer build")
    try:
        g = Gazetteer(p)
        described = g.describe()
        ok = bool(g.lookup("Aleppo", "SY"))
        g.close()
    except ResourceError as e:
        return False, str(e)
    if not ok:
        return False, f"gazetteer index {p} has no Aleppo, so it is incomplete. Rebuild it: eventcoder gazetteer build"
    return True, described

