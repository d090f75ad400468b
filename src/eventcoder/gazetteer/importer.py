"""``eventcoder gazetteer import``: the user's own GeoNames dumps, merged by geonameid into a copy of the
bundled index.

The imported index is its own file, ``gazetteer-<version>-imported.sqlite`` beside the default index: the
default index is never written, so without an import every output stays what it was. It holds the bundled
tables (the Gazetteer reads it unchanged) plus what the imports added, and four tables of its own:
``import_file`` (each dump: rows, what was kept, when), ``import_place`` (each imported geonameid: its place and
a digest of its row, so that importing the same row again changes nothing), ``import_admin`` (admin1/admin2
names from the dumps' ADM1/ADM2 rows, for codes the bundled subdivisions lack) and ``import_pending`` (places
whose admin codes had no name yet). Its ``name_key`` index covers (key, place): duplicates are found through it.

A row whose geonameid the bundled index has adds its names to that place (the bundled place, its kind, point
and admin names, is kept); any other row the feature codes keep (``dumps.FeatureCodes``) becomes a place.
Rows stream in batches of 10,000; for a large import (more rows than half the index's names) the two name
indexes are dropped while writing and built again after: 3x faster at 10 million names than keeping them.
Memory stays bounded: the bundled geonameids (numpy, 4 MB), the admin names, one batch, SQLite's 64 MB cache,
and the CRC-32s of the new names (8 bytes a name). The work happens in a copy that replaces the index only
when the import is done: a failed or killed import leaves the previous index as it was.
"""
from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np

from ..errors import ConfigError, ResourceError
from .index import INDEX_VERSION, _read_tsv_gz, build, country_names_row, default_index_path, imported_index_path
from .dumps import FeatureCodes, FileReport, Row, check_readable, dump_size, is_alternate_names, lines, parse, \
    parse_alternate
from .names import DATA_DIR, _alt_ok, _bare, _display, _hash, name_keys
from .names import fold as _cached_fold

# Unique names mostly: the cache would only grow (to 100 MB at 500,000 names) and seldom hit.
fold = _cached_fold.__wrapped__

IMPORT_SCHEMA = """
CREATE TABLE import_file(name TEXT PRIMARY KEY, path TEXT, rows INTEGER, kept INTEGER, new INTEGER,
  updated INTEGER, merged INTEGER, unchanged INTEGER, names INTEGER, filtered INTEGER, malformed INTEGER,
  codes TEXT, imported TEXT);
CREATE TABLE import_place(geonameid INTEGER PRIMARY KEY, place INTEGER, digest INTEGER);
CREATE TABLE import_admin(code TEXT PRIMARY KEY, name TEXT);
CREATE TABLE import_pending(place INTEGER PRIMARY KEY, admin1 TEXT, admin2 TEXT);
"""
BATCH = 10_000
BYTES_PER_ROW = 130  # allCountries.txt: about 1.6 GB for 12.4 million rows
CHUNK = 900  # ids per IN (...) query: under SQLite's 999 variables
Progress = Callable[[str, int], None]


def import_dumps(paths: Iterable[str | Path], index: str | Path | None = None, base: str | Path | None = None,
                 codes: str | Path | FeatureCodes | None = None, clear: bool = False,
                 progress: Optional[Progress] = None, bulk: Optional[bool] = None) -> list[FileReport]:
    """Import GeoNames dumps into the imported index, merged with the bundled places by geonameid.

    Args:
        paths: ``XX.zip``/``XX.txt``/``allCountries.zip`` dumps, and ``alternateNamesV2.zip`` (read after them).
        index: the imported index to write; default ``imported_index_path()``.
        base: the bundled index a new imported index starts from; default ``default_index_path()`` (built when
            missing).
        codes: the feature codes to keep (a file or FeatureCodes); default ``data/gazetteer/feature_codes.tsv``.
        clear: start again from the bundled index, dropping what earlier imports added.
        progress: called with (what, count) every 500,000 rows read and at each step of the end.
        bulk: drop the name indexes while writing (None: when the dumps hold more rows than half the names).
    Returns:
        one FileReport per file, in the order read.
    Raises:
        ResourceError: [E203] a file is missing or unreadable, before anything is written.
    """
    paths = [Path(p) for p in paths]
    for p in paths:
        check_readable(p)
    codes = codes if isinstance(codes, FeatureCodes) else FeatureCodes(codes)
    index = Path(index) if index else imported_index_path()
    base = Path(base) if base else default_index_path()
    if index.resolve() == base.resolve():
        raise ConfigError(f"the imported index {index} would replace the bundled index. Leave --index out, or "
                          f"name another file", code="E106")
    source = index if index.exists() and not clear else base
    if not source.exists():
        build(source)
    index.parent.mkdir(parents=True, exist_ok=True)
    tmp = index.with_name(f"{index.name}.tmp{os.getpid()}")
    shutil.copyfile(source, tmp)
    try:
        imp = _Importer(tmp, codes, progress)
        if bulk is None:
            bulk = sum(dump_size(p) for p in paths) / BYTES_PER_ROW > imp.names / 2
        imp.bulk = bulk
        ordered = [p for p in paths if not is_alternate_names(p)] + [p for p in paths if is_alternate_names(p)]
        reports = [imp.read(p) for p in ordered]
        imp.finish(reports)
        os.replace(tmp, index)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return reports


class _Importer:
    """One import into one index file (a copy, see import_dumps)."""

    def __init__(self, path: Path, codes: FeatureCodes, progress: Optional[Progress]):
        self.codes, self.progress, self.bulk = codes, progress, False
        self.con = sqlite3.connect(path)
        # the file is a private copy until the import ends: no journal, no syncing
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536"):
            self.con.execute(f"PRAGMA {pragma}")
        meta = dict(self.con.execute("SELECT key, value FROM meta"))
        if meta.get("version") != INDEX_VERSION:
            raise ResourceError(f"gazetteer index {path} is version {meta.get('version')}, this eventcoder "
                                f"writes {INDEX_VERSION}. Import again from the bundled index: eventcoder "
                                f"gazetteer import --clear FILES")
        if meta.get("variant") != "imported":
            self._upgrade(meta)
            meta = dict(self.con.execute("SELECT key, value FROM meta"))
        self.bundled_places = int(meta["bundled_places"])
        self.next_place = self.con.execute("SELECT MAX(id) FROM place").fetchone()[0] + 1
        self.first_name = self.con.execute("SELECT MAX(rowid) FROM name").fetchone()[0] + 1
        self.names = int(meta["names"])
        # the bundled places by geonameid (countries keep their own names), as sorted arrays: 4 MB, not a
        # 70 MB dict
        pairs = np.array(self.con.execute(
            "SELECT geonameid, id FROM place WHERE id <= ? AND geonameid IS NOT NULL AND kind != 'country' "
            "ORDER BY geonameid, id", (self.bundled_places,)).fetchall(), dtype=np.int64).reshape(-1, 2)
        self.bundled_gids, self.bundled_ids = pairs[:, 0].copy(), pairs[:, 1].copy()
        self.bundled_cc = np.full(self.bundled_places + 1, "", dtype="U2")
        for pid, cc in self.con.execute("SELECT id, cc FROM place WHERE id <= ?", (self.bundled_places,)):
            self.bundled_cc[pid] = cc
        # admin names by GeoNames code ("SY.04", "SY.04.123"): our subdivisions first, then the dumps'
        self.bundled_codes: dict[str, str] = {}
        for _, _, _, code, _, name, _ in _read_tsv_gz(DATA_DIR / "subdivisions.tsv.gz"):
            if code:
                self.bundled_codes[code] = _display(name)
        self.admin_names = dict(self.con.execute("SELECT code, name FROM import_admin"))
        self.admin_names.update(self.bundled_codes)
        self.new_hashes: dict[str, list[np.ndarray]] = {"key": [], "skel": []}
        self.touched: set[str] = set()
        # the places a newer row replaced, whose names go at the end (a table: a newer allCountries replaces
        # millions)
        self.con.execute("CREATE TEMP TABLE replaced(place INTEGER PRIMARY KEY)")
        self.replaced = 0
        self.dropped = False

    def _upgrade(self, meta: dict[str, str]) -> None:
        """A bundled index becomes an imported one: the import tables, a (key, place) name index."""
        self.con.executescript(IMPORT_SCHEMA)
        self.con.execute("DROP INDEX IF EXISTS name_key")
        self.con.execute("CREATE INDEX name_key ON name(key, place)")
        last = self.con.execute("SELECT MAX(id) FROM place").fetchone()[0]
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("variant", "imported"), ("bundled_places", str(last)), ("bundled_built", meta.get("built", ""))])

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path) -> FileReport:
        report = FileReport(path.name, str(path.resolve()), alternate=is_alternate_names(path))
        report.first_name = self._last_name() + 1
        batch: list = []
        apply = self._alternates if report.alternate else self._geonames
        for lineno, line in enumerate(lines(path), 1):
            if self.progress and lineno % 500_000 == 0:
                self.progress(f"{path.name}: rows read", lineno)
            if not line.strip():
                continue
            report.rows += 1
            if report.alternate:
                item, reason = parse_alternate(line)
            else:
                item, reason = parse(line, self.codes)
                if item is not None:
                    item.digest = zlib.crc32(line.rstrip("\r\n").encode("utf-8"), zlib.crc32(item.kind.encode()))
            if item is None:
                if reason:
                    report.bad(lineno, reason)
                else:
                    report.filtered += 1
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                apply(batch, report)
                batch = []
        if batch:
            apply(batch, report)
        report.last_name = self._last_name()
        return report

    def _last_name(self) -> int:
        return self.con.execute("SELECT MAX(rowid) FROM name").fetchone()[0] or 0

    def _geonames(self, batch: list[Row], report: FileReport) -> None:
        gids = [r.geonameid for r in batch]
        known = self._known(gids)
        lo = np.searchsorted(self.bundled_gids, gids, "left")
        hi = np.searchsorted(self.bundled_gids, gids, "right")
        places, names, imported, pending, gone, admins = [], [], [], [], [], []
        for r, a, b in zip(batch, lo.tolist(), hi.tolist()):
            prev = known.get(r.geonameid)
            if prev is not None and prev[1] == r.digest:
                report.unchanged += 1
                continue
            if b > a:  # the bundled index has it: its names join the bundled place(s)
                ids = self.bundled_ids[a:b].tolist()
                for pid in ids:
                    cc = str(self.bundled_cc[pid])
                    self.touched.add(cc)
                    self._names(names, pid, cc, r, main=False)
                known[r.geonameid] = (ids[0], r.digest)
                imported.append((r.geonameid, ids[0], r.digest))
                report.merged += 1
                continue
            if prev is not None:
                gone.append(prev[0])
                report.updated += 1
            else:
                report.new += 1
            pid = self.next_place
            self.next_place += 1
            display = _display(r.name)
            if not any("a" <= ch <= "z" for ch in display.lower()) and r.asciiname:
                display = r.asciiname  # a name in another script: GeoNames' ASCII form
            admin1, admin2, missing, own_code = self._admin(r, display)
            if own_code and own_code not in self.bundled_codes:
                admins.append((own_code, display))
                self.admin_names[own_code] = display
            places.append((pid, r.geonameid, display, r.cc, admin1, admin2, r.lat, r.lon, r.population, r.kind,
                           r.admin1))
            if missing:
                pending.append((pid, *missing))
            self._names(names, pid, r.cc, r, main=True)
            known[r.geonameid] = (pid, r.digest)
            imported.append((r.geonameid, pid, r.digest))
            self.touched.add(r.cc)
        con = self.con
        if gone:
            self.replaced += len(gone)
            con.executemany("INSERT OR IGNORE INTO temp.replaced VALUES (?)", [(g,) for g in gone])
            con.executemany("DELETE FROM place WHERE id = ?", [(g,) for g in gone])
            con.executemany("DELETE FROM import_pending WHERE place = ?", [(g,) for g in gone])
        con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", places)
        con.executemany("INSERT OR REPLACE INTO import_place VALUES (?,?,?)", imported)
        con.executemany("INSERT OR REPLACE INTO import_pending VALUES (?,?,?)", pending)
        con.executemany("INSERT OR REPLACE INTO import_admin VALUES (?,?)", admins)
        self._write_names(names)

    def _admin(self, r: Row, display: str) -> tuple[str, str, Optional[tuple[str, str]], str]:
        """The admin1 and admin2 names of a new place, the codes still without a name (resolved at the end,
        when a later row may have named them), and the code the place itself names (ADM1, ADM2)."""
        c1 = f"{r.cc}.{r.admin1}" if r.admin1 else ""
        c2 = f"{c1}.{r.admin2}" if c1 and r.admin2 else ""
        if r.fcode == "ADM1":
            return display, "", None, c1
        a1 = self.admin_names.get(c1, "")
        if r.fcode == "ADM2":
            return a1, display, ((c1, "") if c1 and not a1 else None), c2
        a2 = self.admin_names.get(c2, "")
        missing = (c1 and not a1) or (c2 and not a2)
        return a1, a2, ((c1 if not a1 else "", c2 if not a2 else "") if missing else None), ""

    def _names(self, out: list, pid: int, cc: str, r: Row, main: bool) -> None:
        """A place's name rows: its name and ASCII name (its own names, unless it is a bundled place), then its
        alternate names that are long, Latin and lettered (as the bundled build keeps them)."""
        seen: set[str] = set()
        keys = [(r.name, main), (r.asciiname, main)] + [(a, False) for a in r.alternatenames.split(",") if a]
        if r.kind in ("adm1", "adm2"):  # "Hama Governorate" is also "Hama", as for our subdivisions
            keys += [(_bare(fold(k)), False) for k, _ in list(keys)]
        for k, own in keys:
            f = fold(k) if k else ""
            if not f or f in seen or (not own and not _alt_ok(k, f)):
                continue
            seen.add(f)
            out.append((f, *name_keys(f), pid, int(own), cc))

    def _write_names(self, names: list[tuple]) -> None:
        if not names:
            return
        if self.bulk and not self.dropped:
            self.con.execute("DROP INDEX name_key")
            self.con.execute("DROP INDEX name_skel")
            self.dropped = True
        self.con.executemany("INSERT INTO name (key, skel, spell, place, main, cc) VALUES (?,?,?,?,?,?)", names)
        self.new_hashes["key"].append(np.fromiter((_hash(n[0]) for n in names), np.uint32, len(names)))
        self.new_hashes["skel"].append(np.fromiter((_hash(n[1]) for n in names), np.uint32, len(names)))

    def _known(self, gids: list[int]) -> dict[int, tuple[int, int]]:
        """Imported before: geonameid -> (place, digest)."""
        out: dict[int, tuple[int, int]] = {}
        for i in range(0, len(gids), CHUNK):
            chunk = gids[i:i + CHUNK]
            sql = f"SELECT geonameid, place, digest FROM import_place WHERE geonameid IN ({','.join('?' * len(chunk))})"
            out.update((g, (p, d)) for g, p, d in self.con.execute(sql, chunk))
        return out

    def _alternates(self, batch: list[tuple[int, str]], report: FileReport) -> None:
        """alternateNamesV2 rows: each kept name joins the places of its geonameid already in the index."""
        folded = [(gid, f) for gid, name in batch if (f := fold(name)) and _alt_ok(name, f)]
        gids = sorted({gid for gid, _ in folded})
        places: dict[int, list[tuple[int, str]]] = {}
        for i in range(0, len(gids), CHUNK):
            chunk = gids[i:i + CHUNK]
            sql = (f"SELECT geonameid, id, cc FROM place WHERE geonameid IN ({','.join('?' * len(chunk))}) "
                   f"AND kind != 'country'")
            for gid, pid, cc in self.con.execute(sql, chunk):
                places.setdefault(gid, []).append((pid, cc))
        names = []
        for gid, f in folded:
            for pid, cc in places.get(gid, ()):
                names.append((f, *name_keys(f), pid, 0, cc))
                self.touched.add(cc)
        self._write_names(names)

    # -- finishing -------------------------------------------------------------------------------
    def finish(self, reports: list[FileReport]) -> None:
        """Drop the replaced places' names and the duplicate names, build what the lookups read (the name
        indexes, the touched countries' fuzzy keys, the name hashes), name the pending admin codes and record
        the files."""
        con = self.con
        step = self.progress or (lambda label, n: None)
        if self.replaced:
            step("names of replaced places: deleting for places", self.replaced)
            con.execute("DELETE FROM name WHERE place IN (SELECT place FROM temp.replaced)")
        if self.new_hashes["key"]:
            step("names: indexing and removing duplicates of new names", self._last_name() - self.first_name + 1)
            if self.dropped:
                con.execute("CREATE INDEX name_key ON name(key, place)")
            # a name a place has already (a bundled place's own alternate name, a second import of
            # alternateNamesV2): the first one stays
            con.execute("DELETE FROM name WHERE rowid >= ? AND EXISTS (SELECT 1 FROM name o WHERE o.key = "
                        "name.key AND o.place = name.place AND o.rowid < name.rowid)", (self.first_name,))
            if self.dropped:
                con.execute("CREATE INDEX name_skel ON name(skel, cc, spell, place)")
            step("fuzzy keys: countries", len(self.touched))
            self._country_names()
            self._name_hashes()
        for r in reports:
            if r.alternate:
                r.names = con.execute("SELECT COUNT(*) FROM name WHERE rowid BETWEEN ? AND ?",
                                      (r.first_name, r.last_name)).fetchone()[0]
        self._resolve_pending()
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        con.executemany("INSERT OR REPLACE INTO import_file VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (r.name, r.path, r.rows, r.kept, r.new, r.updated, r.merged, r.unchanged, r.names, r.filtered,
             r.malformed, self.codes.describe(), now) for r in reports])
        counts = con.execute("SELECT (SELECT COUNT(*) FROM place), (SELECT COUNT(*) FROM name)").fetchone()
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("places", str(counts[0])), ("names", str(counts[1])), ("imported", now)])
        con.commit()
        con.close()

    def _country_names(self) -> None:
        """The fuzzy-matching keys of each country that got names, rebuilt from its name rows in the order the
        build writes them (shortest first, then in row order), one country at a time."""
        touched = sorted(self.touched)
        if not touched:
            return
        rows = self.con.execute(f"SELECT cc, key, place FROM name WHERE cc IN ({','.join('?' * len(touched))}) "
                                f"ORDER BY cc, length(key), rowid", touched)
        for cc, group in itertools.groupby(rows, key=lambda row: row[0]):  # one country in memory at a time
            built = (cc, *country_names_row((key, place) for _, key, place in group))
            self.con.execute("INSERT OR REPLACE INTO country_names VALUES (?,?,?,?,?)", built)

    def _name_hashes(self) -> None:
        """The bundled hashes and the new names' (a replaced place's old names leave theirs: a hash only says
        a name may be there)."""
        for kind, new in self.new_hashes.items():
            old = self.con.execute("SELECT hashes FROM name_hashes WHERE kind = ?", (kind,)).fetchone()[0]
            merged = np.concatenate([np.frombuffer(old, np.uint32), *new])
            merged.sort()  # then each once: a sort is 20x faster here than np.union1d's hashing
            merged = merged[np.concatenate(([True], merged[1:] != merged[:-1]))]
            self.con.execute("UPDATE name_hashes SET hashes = ? WHERE kind = ?", (merged.tobytes(), kind))

    def _resolve_pending(self) -> None:
        """Admin names for places imported before the ADM1/ADM2 row that names their code."""
        self.admin_names.update(self.con.execute("SELECT code, name FROM import_admin"))
        self.admin_names.update(self.bundled_codes)
        last = 0
        while True:  # 50,000 at a time: all of allCountries' places may be waiting
            rows = self.con.execute("SELECT place, admin1, admin2 FROM import_pending WHERE place > ? ORDER BY "
                                    "place LIMIT 50000", (last,)).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            done, updates = [], []
            for pid, c1, c2 in rows:
                a1, a2 = self.admin_names.get(c1, ""), self.admin_names.get(c2, "")
                if (a1 or not c1) and (a2 or not c2):
                    done.append((pid,))
                if a1 or a2:
                    updates.append((a1, a1, a2, a2, pid))
            self.con.executemany("UPDATE place SET admin1 = CASE WHEN ? != '' THEN ? ELSE admin1 END, admin2 = "
                                 "CASE WHEN ? != '' THEN ? ELSE admin2 END WHERE id = ?", updates)
            self.con.executemany("DELETE FROM import_pending WHERE place = ?", done)
