"""Exports of the store: ACLED CSV, GeoJSON (RFC 7946), Parquet partitioned by year/month, JSONL (SPEC.md §2).

One row per incident by default (the merged best values of every report of one event), one row per
report with ``per_report=True``. ``since`` (unix seconds) keeps only rows changed at or after it and adds
what was deleted since: JSONL as ``{"deleted": ...}`` lines, GeoJSON as a ``deleted`` member of the
collection, CSV as a ``<name>.deleted.csv`` file beside the export, Parquet as ``_deleted.parquet`` in its
folder (the leading underscore keeps dataset readers from taking it for data).

Nothing is ever half written, and nothing but an export is overwritten: a file export is written beside its
target and renamed into place; a Parquet folder is written beside the old one and swapped in whole (a second
export into one folder used to add its rows to the first's); ``--out`` naming a SQLite database (the store
itself, by its header) is refused, as is a Parquet folder holding files of anything else. CSV cells that a
spreadsheet would run as a formula are escaped.
"""
from __future__ import annotations

import csv
import ctypes
import json
import os
import re
import secrets
import shutil
import sys
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Optional

from .records import (ACLED_COLUMNS, ACLED_INT_COLUMNS, acled_row, feature, incident_record,
                      report_record, stored_acled_values)
from .store.base import INCIDENT_FIELDS, EventQuery, QueryError, make_filter

# Line breaks to Python's str.splitlines and to JavaScript that JSON leaves raw: escaped, so one record stays
# one line for every reader (the parsed value is the same).
_JSONL_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def jsonl_line(obj: Any) -> str:
    """One JSON record and its newline, readable text (not ASCII-escaped) but never split by a line reader."""
    return json.dumps(obj, ensure_ascii=False).translate(_JSONL_BREAKS) + "\n"


FORMATS = ("acled-csv", "geojson", "parquet", "jsonl", "csv")


@dataclass
class ExportStats:
    rows: int = 0
    deleted: int = 0


# --- output helpers ----------------------------------------------------------------------------------
SQLITE_MAGIC = b"SQLite format 3\x00"
# What `export --format parquet` writes into its folder, and nothing else: a folder holding only these is an
# earlier export, replaced whole; any other file in it is someone's data, and the export is refused.
_PARQUET_EXPORT_FILE = re.compile(r"^(?:year=[^/]+/month=[^/]+/part-\d+-\d+\.parquet|_deleted\.parquet)$")


def _sibling(out: Path, kind: str) -> Path:
    """A hidden, unused name beside ``out`` (same folder, so that a rename onto ``out`` is atomic)."""
    return out.with_name(f".{out.name}.{kind}-{secrets.token_hex(4)}")


def _store_files(store) -> set[str]:
    db = getattr(getattr(store, "db", None), "path", "")
    if not db or "://" in db or db == ":memory:":
        return set()
    real = os.path.realpath(db)
    return {real, real + "-wal", real + "-shm", real + "-journal"}


def check_out(store, fmt: str, out: Optional[Path]) -> None:
    """Refuse an ``--out`` that would destroy data: the store's own files, any SQLite database, a folder for
    a file format or a file for Parquet.

    Raises:
        QueryError: naming the target, why it is refused and what to give instead.
    """
    if out is None:
        return
    out = Path(out)
    if os.path.realpath(out) in _store_files(store):
        raise QueryError(f"--out {out} is the database being exported (or one of its files); refusing to "
                         f"overwrite it. Give --out a new file name, e.g. --out {_example(out, fmt)}", code="E124")
    if out.is_file():
        with suppress(OSError), open(out, "rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                raise QueryError(f"--out {out} is a SQLite database; refusing to overwrite it. Give --out a new "
                                 f"file name, e.g. --out {_example(out, fmt)}", code="E124")
        if fmt == "parquet":
            raise QueryError(f"--out {out} is a file, and parquet writes a folder (one file per year/month). Give "
                             f"--out a folder name, e.g. --out {out.with_suffix('')}-parquet", code="E126")
    elif out.is_dir() and fmt != "parquet":
        raise QueryError(f"--out {out} is a folder, and {fmt} writes one file. Give --out a file name, e.g. "
                         f"--out {out / ('events' + _SUFFIX[fmt])}", code="E126")


_SUFFIX = {"acled-csv": ".csv", "csv": ".csv", "geojson": ".geojson", "jsonl": ".jsonl", "parquet": ""}


def _example(out: Path, fmt: str) -> Path:
    """A name beside ``out`` for the export instead."""
    return out.with_name(out.stem + "-export" + _SUFFIX[fmt]) if _SUFFIX[fmt] else _sibling_name(out)


def _cannot_write(out: Path, e: OSError) -> QueryError:
    return QueryError(f"cannot write --out {out}: {e.strerror or e}. Check that its folder exists and is writable, "
                      "or give another --out", code="E103")


@contextmanager
def _open_out(out: Optional[Path]) -> Iterator[IO[str]]:
    """stdout, or a text file that appears at ``out`` whole when the block ends (and not at all when it
    fails): written beside it, flushed to disk, renamed over it."""
    if out is None:
        yield sys.stdout
        return
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling(out, "tmp")
        fh = open(tmp, "x", encoding="utf-8", newline="")  # "x": a fresh file, with the umask's mode
    except OSError as e:
        raise _cannot_write(out, e) from e
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: a crash leaves the old file, not an empty one
        os.replace(tmp, out)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _is_parquet_export(folder: Path) -> bool:
    return all(_PARQUET_EXPORT_FILE.match(f.relative_to(folder).as_posix())
               for f in folder.rglob("*") if not f.is_dir())


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system or the file
    system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc before 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _swap_in(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` at ``out``, replacing an earlier export there whole: a reader sees
    the old export or the new one, never a mix."""
    if not out.exists():
        os.rename(new, out)
    elif _exchange(new, out):
        shutil.rmtree(new)  # the old export, now at the temporary name
    else:  # two renames: for a moment there is no folder at all, but never a mixed one
        old = _sibling(out, "old")
        os.rename(out, old)
        os.rename(new, out)
        shutil.rmtree(old)


def _records(store, query: EventQuery, per_report: bool, with_reports: bool) -> Iterator[dict[str, Any]]:
    if per_report:
        for s in store.iter_events(query):
            yield report_record(s)
        return
    page: list[dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        members = store.report_ids_for([r["incident_id"] for r in page]) if with_reports else {}
        for r in page:
            yield incident_record(r, members.get(r["incident_id"], []) if with_reports else None)
        page.clear()

    for row in store.iter_incidents(query):
        page.append(row)
        if len(page) >= 2000:
            yield from flush()
    yield from flush()


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)", "@SUM(...)", or a
# tab or carriage return before one): OWASP's CSV-injection advice is a leading single quote, which the
# spreadsheet shows as text. Only text is escaped: a number such as a longitude of -73.5 stays a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v: Any) -> Any:
    """A value as a CSV cell that no spreadsheet will run: text starting like a formula gets a ``'``."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    return csv_cell(v)


def _write_acled_csv(fh: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    w = csv.writer(fh)  # writes None as an empty field
    w.writerow(ACLED_COLUMNS)
    n = 0
    for row in rows:
        w.writerow([csv_cell(v) for v in stored_acled_values(row)])
        n += 1
    return n


def _write_full_csv(fh: IO[str], records: Iterable[dict[str, Any]]) -> int:
    w, n = None, 0
    for rec in records:
        flat = {k: v for k, v in rec.items() if k != "evidence"}
        ev = rec.get("evidence") or {}
        flat.update(evidence_text=ev.get("text"), evidence_start=ev.get("start"), evidence_end=ev.get("end"))
        if w is None:
            w = csv.DictWriter(fh, fieldnames=list(flat), extrasaction="ignore")
            w.writeheader()
        w.writerow({k: _csv_value(v) for k, v in flat.items()})
        n += 1
    return n


def _write_geojson(fh: IO[str], records: Iterable[dict[str, Any]], deleted: list[dict[str, Any]]) -> int:
    fh.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for rec in records:
        fh.write((",\n" if n else "") + json.dumps(feature(rec), ensure_ascii=False))
        n += 1
    fh.write("\n]")
    if deleted:
        fh.write(', "deleted": ' + json.dumps(deleted))
    fh.write("}\n")
    return n


def _parquet_schema(per_report: bool):
    import pyarrow as pa

    ints = set(ACLED_INT_COLUMNS) | {"geonameid", "month"}
    fields = []
    for c in ACLED_COLUMNS + ("certainty", "attribution", "confidence", "geonameid", "doc_id", "incident_id",
                              "month"):
        t = (pa.int64() if c in ints else pa.float64() if c in ("latitude", "longitude", "confidence")
             else pa.date32() if c == "event_date" else pa.string())
        fields.append(pa.field(c, t))
    fields.append(pa.field("review_status" if per_report else "n_reports",
                           pa.string() if per_report else pa.int64()))
    return pa.schema(fields)


def _event_day(rec: dict[str, Any]) -> Optional[date]:
    """The record's event_date as a date (Parquet stores a DATE), or a QueryError naming the event."""
    text = rec.get("event_date")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"event {rec.get('event_id')} has the event_date {text!r}, which is not a date "
                         "(YYYY-MM-DD). Correct it in the review app and export again", code="E127") from None


def _write_parquet(out: Path, records: Iterable[dict[str, Any]], per_report: bool,
                   deleted: list[dict[str, Any]]) -> int:
    """The export as a folder, built beside ``out`` and swapped in whole when complete; an earlier export
    there is replaced, a folder holding anything else refused."""
    if out is None:
        raise QueryError("parquet writes a folder (one file per year/month): give --out DIR", code="E123")
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()  # the folder it names is replaced, not the link
    if out.is_dir() and not _is_parquet_export(out):
        raise QueryError(f"--out {out} holds files that are not an eventcoder Parquet export; refusing to replace "
                         f"it. Give --out a new or empty folder, e.g. --out {_sibling_name(out)}", code="E125")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = _sibling(out, "tmp")
        tmp.mkdir()
    except OSError as e:
        raise _cannot_write(out, e) from e
    try:
        n = _write_parquet_folder(tmp, records, per_report, deleted)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def _sibling_name(out: Path) -> Path:
    return out.with_name(out.name + "-export")


def _write_parquet_folder(out: Path, records: Iterable[dict[str, Any]], per_report: bool,
                          deleted: list[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.dataset as ds

    schema = _parquet_schema(per_report)
    names = schema.names
    n, part = 0, 0
    chunk: dict[str, list[Any]] = {c: [] for c in names}

    def flush() -> None:
        nonlocal part
        if not chunk["event_id_cnty"]:
            return
        table = pa.Table.from_pydict(chunk, schema=schema)
        ds.write_dataset(table, out, format="parquet", partitioning=ds.partitioning(
            pa.schema([pa.field("year", pa.int64()), pa.field("month", pa.int64())]), flavor="hive"),
            basename_template=f"part-{part:05d}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore")
        part += 1
        for v in chunk.values():
            v.clear()

    for rec in records:
        day = _event_day(rec)
        row = acled_row(rec)
        row.update({k: rec.get(k) for k in ("certainty", "attribution", "confidence", "geonameid", "doc_id",
                                            "incident_id", "review_status", "n_reports")})
        row["event_date"] = day
        row["month"] = day.month if day else None
        for c in names:
            chunk[c].append(row.get(c))
        n += 1
        if n % 100_000 == 0:
            flush()
    flush()
    if deleted:
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(deleted), out / "_deleted.parquet")
    return n


# --- entry points ---------------------------------------------------------------------------------
def parse_since(text: Optional[str]) -> Optional[int]:
    """``--since`` as unix seconds: a number, an ISO date or an ISO date-time (UTC unless it says)."""
    if text is None or text == "":
        return None
    text = str(text).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise QueryError(f"--since {text!r} is neither unix seconds nor an ISO date. Write e.g. "
                             "--since 2026-11-01 or --since 2026-11-01T12:00:00Z or --since 1793000000") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


FILTER_OPS = ("<=", ">=", "!=", "=", "<", ">", "~")


def parse_filter(text: str):
    """``field=value``, ``field=a|b``, ``field>=value``, ``field~pattern%`` (LIKE), ``field=a..b`` (BETWEEN)."""
    for op in FILTER_OPS:
        field_name, sep, value = text.partition(op)
        if sep and field_name.strip() and "=" not in field_name and "<" not in field_name and ">" not in field_name \
                and "!" not in field_name and "~" not in field_name:
            field_name = field_name.strip()
            if op == "~":
                return make_filter(field_name, "LIKE", [value], INCIDENT_FIELDS | {"review_status": "text"})
            if op == "=" and ".." in value:
                return make_filter(field_name, "BETWEEN", value.split("..", 1), INCIDENT_FIELDS |
                                   {"review_status": "text"})
            return make_filter(field_name, op, value.split("|"), INCIDENT_FIELDS | {"review_status": "text"})
    raise QueryError(f"cannot read the filter {text!r}. Write field=value, field=a|b, field>=value, "
                     "field=2015-01-01..2015-12-31 or field~pattern%")


def write_export(store, fmt: str, out: Optional[Path], query: Optional[EventQuery] = None, *,
                 per_report: bool = False, since: Optional[int] = None) -> ExportStats:
    """Write every matching incident (or report) to ``out`` in ``fmt``.

    Args:
        store: an open SQLStore.
        fmt: one of FORMATS (``csv`` is the full per-field CSV of earlier versions).
        out: file (folder for parquet); None writes to stdout.
        query: filters (EventQuery); ``since`` overrides its ``since``.
        per_report: one row per report instead of one per incident.
        since: unix seconds: only rows changed at or after it, plus deletions since.

    Returns:
        How many rows and deletions were written.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}. Use one of: {', '.join(FORMATS)}", code="E105")
    query = query or EventQuery()
    if since is not None:
        query.since = since
    deleted = []
    if query.since is not None:
        wanted = "event" if per_report else "incident"
        deleted = [{"entity": d["entity"], "id": d["entity_id"], "timestamp": d["timestamp"]}
                   for d in store.deletions_since(query.since) if d["entity"] == wanted]
    stats = ExportStats(deleted=len(deleted))
    check_out(store, fmt, out)
    if fmt == "acled-csv":
        with _open_out(out) as fh:
            rows = store.iter_event_rows(query) if per_report else store.iter_incidents(query)
            stats.rows = _write_acled_csv(fh, rows)
        _write_deleted_csv(out, deleted)
        return stats
    records = _records(store, query, per_report, with_reports=fmt in ("jsonl", "geojson"))
    if fmt == "parquet":
        stats.rows = _write_parquet(out, records, per_report, deleted)
        return stats
    with _open_out(out) as fh:
        if fmt == "jsonl":
            for rec in records:
                fh.write(jsonl_line(rec))
                stats.rows += 1
            for d in deleted:
                fh.write(jsonl_line({"deleted": d}))
        elif fmt == "geojson":
            stats.rows = _write_geojson(fh, records, deleted)
        else:
            stats.rows = _write_full_csv(fh, records)
    if fmt == "csv":
        _write_deleted_csv(out, deleted)
    return stats


def _write_deleted_csv(out: Optional[Path], deleted: list[dict[str, Any]]) -> None:
    if deleted and out is not None:
        side = Path(out).with_name(Path(out).stem + ".deleted.csv")
        with _open_out(side) as fh:
            w = csv.DictWriter(fh, fieldnames=["entity", "id", "timestamp"])
            w.writeheader()
            w.writerows({k: csv_cell(v) for k, v in d.items()} for d in deleted)
