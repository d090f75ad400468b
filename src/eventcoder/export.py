"""Exports of the store: ACLED CSV, GeoJSON (RFC 7946), Parquet partitioned by year/month, JSONL (SPEC.md §2).

One row per incident by default (the merged best values of every report of one event), one row per
report with ``per_report=True``. ``since`` (unix seconds) keeps only rows changed at or after it and adds
what was deleted since: JSONL as ``{"deleted": ...}`` lines, GeoJSON as a ``deleted`` member of the
collection, CSV as a ``<name>.deleted.csv`` file beside the export, Parquet as ``_deleted.parquet`` in its
folder (the leading underscore keeps dataset readers from taking it for data).
"""
from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
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
@contextmanager
def _open_out(out: Optional[Path]) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8", newline="") as fh:
            yield fh


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


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _write_acled_csv(fh: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    w = csv.writer(fh)  # writes None as an empty field
    w.writerow(ACLED_COLUMNS)
    n = 0
    for row in rows:
        w.writerow(stored_acled_values(row))
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
        t = pa.int64() if c in ints else pa.float64() if c in ("latitude", "longitude", "confidence") else pa.string()
        fields.append(pa.field(c, t))
    fields.append(pa.field("review_status" if per_report else "n_reports",
                           pa.string() if per_report else pa.int64()))
    return pa.schema(fields)


def _write_parquet(out: Path, records: Iterable[dict[str, Any]], per_report: bool,
                   deleted: list[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.dataset as ds

    if out is None:
        raise QueryError("parquet writes a folder (one file per year/month): give --out DIR", code="E123")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
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
        row = acled_row(rec)
        row.update({k: rec.get(k) for k in ("certainty", "attribution", "confidence", "geonameid", "doc_id",
                                            "incident_id", "review_status", "n_reports")})
        row["month"] = int(rec["event_date"][5:7]) if rec.get("event_date") else None
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
        with open(side, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["entity", "id", "timestamp"])
            w.writeheader()
            w.writerows(deleted)
