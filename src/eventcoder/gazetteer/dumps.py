"""Reading GeoNames' own dumps (https://download.geonames.org/export/dump/): ``XX.zip``/``XX.txt`` and
``allCountries.zip``/``.txt`` (the 19-column geoname table), ``alternateNamesV2.zip``/``.txt``, streamed line
by line (allCountries is 1.5 GB unpacked), and the feature codes an import keeps (``feature_codes.tsv``)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ..errors import ResourceError
from .names import DATA_DIR

DOWNLOAD = "https://download.geonames.org/export/dump/"
GEONAME_COLUMNS = 19
FEATURE_CODES = DATA_DIR / "feature_codes.tsv"
IMPORT_KINDS = ("city", "adm1", "adm2", "extra", "feature")
# alternateNamesV2 "languages" that are codes or links, not names
CODE_LANGUAGES = frozenset({"post", "link", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "abbr", "fr_1793",
                            "phon", "piny"})


class FeatureCodes:
    """Which GeoNames features an import keeps, and the gazetteer kind each becomes."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else FEATURE_CODES
        self.kinds: dict[str, str] = {}  # "P" (the whole class) or "S.AIRP" -> kind
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise ResourceError(f"feature codes file {self.path} cannot be read ({e.strerror or e}). Pass an "
                                f"existing file to --codes, or leave --codes out for {FEATURE_CODES}",
                                code="E204") from e
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3 or len(parts[0]) != 1 or not parts[1] or parts[2] not in IMPORT_KINDS:
                raise ResourceError(f"{self.path}, line {n}: {line!r} is not 'class<TAB>code<TAB>kind' with a "
                                    f"one-letter class, a code or *, and a kind of {', '.join(IMPORT_KINDS)}. "
                                    f"Fix the line", code="E204")
            self.kinds[parts[0] if parts[1] == "*" else f"{parts[0]}.{parts[1]}"] = parts[2]

    def kind(self, feature_class: str, feature_code: str) -> Optional[str]:
        """The kind a feature becomes, or None when it is not kept."""
        return self.kinds.get(f"{feature_class}.{feature_code}") or self.kinds.get(feature_class)

    def describe(self) -> str:
        return f"{self.path.name} ({len(self.kinds)} codes)"


def is_alternate_names(path: Path) -> bool:
    """``alternateNamesV2.zip`` / ``alternateNames.txt`` (GeoNames' alternate-name table), not a geoname dump."""
    return path.name.lower().startswith("alternatenames")


def dump_size(path: Path) -> int:
    """The unpacked size of a dump in bytes (the size of the text file a zip holds)."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            return _member(z, path).file_size
    return path.stat().st_size


def check_readable(path: Path) -> None:
    """Raise [E203] naming the file and the fix when a dump is missing, unreadable or not a GeoNames file."""
    fix = (f"Download it from {DOWNLOAD}{path.name if path.suffix.lower() == '.zip' else path.stem + '.zip'} "
           f"(or another file listed there) and pass its path")
    if not path.exists():
        raise ResourceError(f"GeoNames dump {path} not found. {fix}", code="E203")
    if path.is_dir():
        raise ResourceError(f"{path} is a folder, not a GeoNames dump. Pass the files in it (XX.zip, "
                            f"allCountries.zip ...)", code="E203")
    if path.suffix.lower() not in (".zip", ".txt"):
        raise ResourceError(f"{path} is not a GeoNames dump (XX.zip, XX.txt, allCountries.zip, "
                            f"alternateNamesV2.zip). {fix}", code="E203")
    try:
        with path.open("rb") as f:
            f.read(1)
        dump_size(path)
    except (OSError, zipfile.BadZipFile, ValueError) as e:
        raise ResourceError(f"GeoNames dump {path} cannot be read ({getattr(e, 'strerror', None) or e}). "
                            f"Check its permissions, or download it again: {fix}", code="E203") from e


def _member(z: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """The text file of a GeoNames zip: ``XX.txt`` in ``XX.zip`` (alternateNamesV2.zip also holds
    iso-languagecodes.txt; readme.txt is left out)."""
    names = {info.filename: info for info in z.infolist()}
    own = names.get(path.stem + ".txt")
    if own is not None:
        return own
    texts = [info for name, info in names.items() if name.endswith(".txt")
             and name.lower() not in ("readme.txt", "iso-languagecodes.txt")]
    if len(texts) != 1:
        raise ValueError(f"it holds {len(texts)} GeoNames text files, expected {path.stem}.txt")
    return texts[0]


def lines(path: Path) -> Iterator[str]:
    """The lines of a dump, decoded as UTF-8 (a bad byte becomes U+FFFD: the row is then one bad name, not a
    failed import), streamed from the zip without unpacking it to disk."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z, z.open(_member(z, path)) as raw:
            yield from io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n")
    else:
        with path.open(encoding="utf-8", errors="replace", newline="\n") as f:
            yield from f


@dataclass
class FileReport:
    """What an import did with one file."""

    name: str
    path: str
    alternate: bool = False  # an alternateNamesV2 file
    rows: int = 0            # lines read
    new: int = 0             # places added
    updated: int = 0         # places imported before from a different row (a newer dump)
    merged: int = 0          # rows whose geonameid the bundled index has: their names join that place
    unchanged: int = 0       # rows imported before, the same
    names: int = 0           # alternate names added (alternateNamesV2)
    filtered: int = 0        # a feature code not kept, no country code, or (alternate names) a code or link
    malformed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    first_name: int = 0      # the name rows this file wrote (rowids)
    last_name: int = 0

    def bad(self, lineno: int, reason: str) -> None:
        self.malformed += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if len(self.examples) < 3:
            self.examples.append(f"line {lineno}: {reason}")

    @property
    def kept(self) -> int:
        return self.new + self.updated + self.merged + self.unchanged

    def summary(self) -> str:
        if self.alternate:
            text = f"{self.name}: {self.rows:,} rows, {self.names:,} alternate names added"
        else:
            text = (f"{self.name}: {self.rows:,} rows, {self.kept:,} kept ({self.new:,} new, {self.updated:,} "
                    f"updated, {self.merged:,} merged into bundled places, {self.unchanged:,} unchanged), "
                    f"{self.filtered:,} filtered out")
        if self.malformed:
            why = "; ".join(f"{n:,} {reason}" for reason, n in sorted(self.reasons.items(), key=lambda r: -r[1]))
            text += f", {self.malformed:,} malformed rows skipped ({why}; first at {', '.join(self.examples)})"
        if self.rows and self.malformed == self.rows:
            text += (f". No row of {self.name} could be read: is it a GeoNames dump (XX.zip, allCountries.zip, "
                     f"alternateNamesV2.zip from {DOWNLOAD})?")
        return text


class Row:
    """One geoname row that passed the feature-code filter, its numbers checked."""

    __slots__ = ("geonameid", "name", "asciiname", "alternatenames", "lat", "lon", "fcode", "cc", "admin1",
                 "admin2", "population", "kind", "digest")

    def __init__(self, cols: list[str], kind: str):
        self.geonameid = int(cols[0])
        self.name, self.asciiname, self.alternatenames = cols[1].strip(), cols[2].strip(), cols[3]
        self.lat, self.lon = float(cols[4]), float(cols[5])
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError("coordinates out of range")
        if not (self.name or self.asciiname):
            raise ValueError("no name")
        self.fcode, self.cc = cols[7], cols[8]
        self.admin1, self.admin2 = cols[10], cols[11]
        self.population = int(cols[14]) if cols[14] else 0
        self.kind = kind
        self.digest = 0


def parse(line: str, codes: FeatureCodes) -> tuple[Optional[Row], Optional[str]]:
    """A geoname line as a Row, or (None, None) when its feature is not kept, or (None, reason) when it is
    malformed. The feature code is read first, so most of allCountries' rows cost one split."""
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != GEONAME_COLUMNS:
        return None, f"{len(cols)} columns, expected {GEONAME_COLUMNS}"
    kind = codes.kind(cols[6], cols[7])
    if kind is None or not cols[8]:
        return None, None
    try:
        return Row(cols, kind), None
    except ValueError as e:
        reason = str(e)
        return None, reason if reason in ("coordinates out of range", "no name") else "a number column is not a number"


def parse_alternate(line: str) -> tuple[Optional[tuple[int, str]], Optional[str]]:
    """An alternateNamesV2 line as (geonameid, name), or (None, None) for a code or link, or (None, reason)."""
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) not in (8, 10):  # alternateNames.txt had 8 columns, V2 has 10
        return None, f"{len(cols)} columns, expected 10"
    if cols[2] in CODE_LANGUAGES or not cols[3]:
        return None, None
    try:
        return (int(cols[1]), cols[3]), None
    except ValueError:
        return None, "the geonameid is not a number"
